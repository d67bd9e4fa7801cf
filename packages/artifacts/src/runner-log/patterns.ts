/**
 * The runner-log line patterns: their names, the defaults (data, not code), the named groups
 * each must keep, and the compilation of operator overrides. Pure.
 */

import { RE2JS } from "re2js";
import type { ParseIssue } from "../types.ts";

/** Names of the runner-log patterns an operator may override (see `DEFAULT_RUNNER_LOG_PATTERNS`). */
export type RunnerLogPatternName =
  | "runUrl"
  | "specStarted"
  | "resultsStart"
  | "resultsField"
  | "runFinished"
  | "runFooter"
  | "attempt"
  | "failureStart"
  | "suiteHost"
  | "rendererCrash"
  | "browserCrash"
  | "runnerCrash"
  | "cloudApiError"
  | "runCancelled"
  | "batchStarted"
  | "batchFinished";

/**
 * The default line patterns, as RegExp sources (compiled without flags). Data, not code:
 * operators override any subset through `parseRunnerLogChunk`'s `patterns` argument when the
 * runner's wording changes. Every pattern except `failureStart` is matched against the *bare*
 * line: ANSI stripped (`stripAnsi`), leading whitespace, `|` and non-ASCII decoration removed
 * (box drawing `│`, emoji `🎥`/`🏁`, mojibake such as `©¦` or `â”‚`), and a trailing
 * whitespace-separated decoration run removed. `failureStart` sees the ANSI-stripped line with
 * its indentation (mocha's failure list is recognised by its two-space indent).
 *
 * Every default runs in time linear in the line length (V8's backtracking engine): no two
 * adjacent quantified parts can match the same characters, lazy parts are followed by a literal,
 * unanchored parts start at a literal (hostile-line tests and `npm run bench:runner-log`).
 * Trimming is done in code, not with `\s*` around a lazy group: `runCancelled`'s reason loses a
 * trailing `.` and a `Waiting for uploads…` tail, batch labels are trimmed.
 *
 * Named groups each pattern must keep (checked when overridden):
 * - `runUrl`: `url` — Cypress `Run URL:` / `Recorded Run:` and cypress-cloud `🎥 Run URL:` / `🏁 Recorded Run:`.
 * - `specStarted`: `specs`, optional `index`, `total` — Cypress `Running:  a.cy.ts  (1 of 3)`,
 *   cypress-cloud `Running: a.cy.ts, b.cy.ts (4/10)`.
 * - `resultsStart`: none — the Cypress `(Results)` title.
 * - `resultsField`: `field`, `value` — `Tests:`, `Passing:`, `Failing:`, `Pending:`, `Skipped:`, `Spec Ran:` rows.
 * - `runFinished`: none — Cypress `(Run Finished)`, cypress-cloud `Cloud Run Finished`.
 * - `runFooter`: optional `allPassed`, `failed`, `total` — `All specs passed!` / `1 of 2 failed (50%)`.
 * - `attempt`: `attempt`, `of`, `title` — Cypress retries `(Attempt 1 of 3) 7. Create migration session`.
 * - `failureStart`: `title` — mocha's failure list `  1) atvm41-redhat6.0` (title continues on indented lines up to a `:`).
 * - `suiteHost`: `host` — the spec reporter's root suite title `  atvm7-ubuntu24.04` (two-space indent, matched
 *   with indentation like `failureStart`); a known host (or, with no known hosts, a host-shaped name)
 *   becomes the context host, so a renderer crash in a multi-spec cypress-cloud batch names its host.
 * - `rendererCrash`: none — `We detected that the Chrome Renderer process just crashed.` (also Chromium,
 *   Electron; Cypress 3–13 system-test snapshots, https://github.com/cypress-io/cypress `system-tests/__snapshots__/browser_crash_handling_spec.js`).
 * - `browserCrash`: optional `signal` — the browser *process* died: `We detected that the Chrome process just
 *   crashed with code 'null' and signal 'SIGTRAP'.` and `We detected that the Firefox process running your
 *   tests just exited unexpectedly.` (same snapshots; Cypress error `BROWSER_PROCESS_CLOSED_UNEXPECTEDLY`).
 * - `runnerCrash`: optional `signal` — the Cypress CLI saw the Test Runner killed:
 *   `The Test Runner unexpectedly exited via a exit event with signal SIGILL` (Cypress `cli/lib/errors.js`
 *   `childProcessKilled`, any signal: SIGILL, SIGABRT, SIGSEGV, SIGTRAP, SIGKILL…).
 * - `cloudApiError`: none — `We encountered an unexpected error communicating with our servers.` (Cypress
 *   `CLOUD_API_RESPONSE_FAILED_RETRYING` and its siblings; the run goes on, retrying or unrecorded): an anomaly.
 * - `runCancelled`: `reason` — cypress-cloud `Run cancelled: <reason>. Waiting for uploads to complete…`.
 * - `batchStarted` / `batchFinished`: `batchId`, optional `label` —
 *   `[run-sorry-cypress] Starting categorized batch 2/3: redhat -> build e2e-0327-redhat` and
 *   `[run-sorry-cypress] Finished categorized batch 2/3: redhat -> build e2e-0327-redhat (exit 0)`
 *   (run-sorry-cypress.py is undocumented; these lines are the agreed defaults, docs/config.md "logPatterns").
 */
export const DEFAULT_RUNNER_LOG_PATTERNS: Readonly<Record<RunnerLogPatternName, string>> = {
  runUrl: String.raw`(?:Run URL|Recorded Run):\s*(?<url>https?:\/\/\S+)`,
  specStarted: String.raw`^Running:\s+(?<specs>[^\s(](?:[^(]*[^\s(])?)\s+\((?<index>\d+)(?:\s+of\s+|\/)(?<total>\d+)\)`,
  resultsStart: String.raw`^\(Results\)`,
  resultsField: String.raw`^(?<field>Tests|Passing|Failing|Pending|Skipped|Spec Ran):\s*(?<value>.*)$`,
  runFinished: String.raw`^(?:\(Run Finished\)|Cloud Run Finished)`,
  runFooter: String.raw`(?<allPassed>All specs passed!)|(?<!\d)(?<failed>\d+)\s+of\s+(?<total>\d+)\s+failed`,
  attempt: String.raw`^\(Attempt (?<attempt>\d+) of (?<of>\d+)\)\s+(?<title>\S.*)$`,
  failureStart: String.raw`^  (?<index>\d+)\) (?<title>\S.*)$`,
  suiteHost: String.raw`^  (?<host>atvm\d+-[A-Za-z][\w.-]*)\s*$`,
  rendererCrash: String.raw`We detected that the (?:\S+ ){0,4}Renderer process just crashed`,
  browserCrash: String.raw`We detected that the (?:\S+ ){0,4}process (?:just crashed|running your tests just exited unexpectedly)(?: with code '[^']*' and signal '(?<signal>[^']*)')?`,
  runnerCrash: String.raw`The Test Runner unexpectedly exited via an? \S+ event with signal (?<signal>[A-Z][A-Z0-9]*)`,
  cloudApiError: String.raw`We encountered an unexpected error communicating with our servers`,
  runCancelled: String.raw`Run cancelled:(?<reason>.*)$`,
  batchStarted: String.raw`\[run-sorry-cypress\]\s+Starting categorized batch\s+\d+\/\d+:(?<label>.*?)->\s*build\s+(?<batchId>[^\s()]+)`,
  batchFinished: String.raw`\[run-sorry-cypress\]\s+Finished categorized batch\s+\d+\/\d+:(?<label>.*?)->\s*build\s+(?<batchId>[^\s()]+)`,
};

/**
 * Operator overrides of runner-log patterns: any subset of `DEFAULT_RUNNER_LOG_PATTERNS`, each a
 * RegExp source string or a RegExp (its `g`/`y` flags are dropped). A pattern that does not compile,
 * lacks a required named group or has an unknown name yields an `invalid` parse issue and the
 * default is used instead; nothing throws.
 */
export type RunnerLogPatterns = { readonly [K in RunnerLogPatternName]?: string | RegExp };

const REQUIRED_GROUPS: Readonly<Record<RunnerLogPatternName, readonly string[]>> = {
  runUrl: ["url"],
  specStarted: ["specs"],
  resultsStart: [],
  resultsField: ["field", "value"],
  runFinished: [],
  runFooter: [],
  attempt: ["attempt", "of", "title"],
  failureStart: ["title"],
  suiteHost: ["host"],
  rendererCrash: [],
  browserCrash: [],
  runnerCrash: [],
  cloudApiError: [],
  runCancelled: ["reason"],
  batchStarted: ["batchId"],
  batchFinished: ["batchId"],
};

/** One compiled line pattern: a V8 `RegExp` (the linear defaults) or an RE2 matcher (operator patterns). */
export interface LineMatcher {
  exec(text: string): { readonly groups?: Readonly<Record<string, string | undefined>> | undefined } | null;
  test(text: string): boolean;
}

/** The compiled pattern set one parse uses. */
export type Compiled = Readonly<Record<RunnerLogPatternName, LineMatcher>>;

/** Every pattern name, in `DEFAULT_RUNNER_LOG_PATTERNS` order (for config validation). */
export const RUNNER_LOG_PATTERN_NAMES: readonly RunnerLogPatternName[] = Object.keys(
  DEFAULT_RUNNER_LOG_PATTERNS,
) as RunnerLogPatternName[];

/**
 * Compiles an operator pattern with RE2 (re2js, a pure-JS port of Go's RE2:
 * https://github.com/le0pard/re2js), so matching is linear in the line length whatever the
 * pattern (`(x+x+)+y` included). JS syntax is accepted (`RE2JS.translateRegExp`); flags `i`, `s`,
 * `m` are honoured. Returns the matcher, or the reason it was refused: RE2 has no backreferences
 * and no lookaround, a missing required named group, or a syntax error. Never throws.
 */
export function compileUserPattern(name: RunnerLogPatternName, value: string | RegExp): LineMatcher | string {
  const source = typeof value === "string" ? value : value.source;
  const flags = typeof value === "string" ? "" : value.flags;
  let re: RE2JS;
  try {
    const bits =
      (flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0) |
      (flags.includes("s") ? RE2JS.DOTALL : 0) |
      (flags.includes("m") ? RE2JS.MULTILINE : 0);
    re = RE2JS.compile(RE2JS.translateRegExp(source), bits);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `runner-log pattern "${name}" does not compile with the linear-time engine RE2, so ${JSON.stringify(source)} is refused (${why}; RE2 has no backreferences or lookaround)`;
  }
  const groups = re.namedGroups();
  const missing = (REQUIRED_GROUPS[name] as readonly string[]).filter((g) => !Object.hasOwn(groups, g));
  if (missing.length > 0) {
    return `runner-log pattern "${name}" lacks the named group(s) ${missing.map((g) => `(?<${g}>…)`).join(", ")}`;
  }
  return {
    exec: (text) => {
      const m = re.exec(text);
      return m === null
        ? null
        : { groups: (m as unknown as { groups?: Record<string, string | undefined> }).groups };
    },
    test: (text) => re.test(text),
  };
}

function compileDefaults(): Compiled {
  const out = {} as Record<RunnerLogPatternName, RegExp>;
  for (const name of Object.keys(DEFAULT_RUNNER_LOG_PATTERNS) as RunnerLogPatternName[]) {
    out[name] = new RegExp(DEFAULT_RUNNER_LOG_PATTERNS[name]);
  }
  return out;
}

/** The defaults, compiled once. */
export const DEFAULT_COMPILED: Compiled = compileDefaults();

/**
 * The defaults with `overrides` compiled over them. A bad override (unknown name, does not
 * compile, lacks a required group) is reported in `issues` and the default kept. Never throws.
 */
export function compilePatterns(overrides: RunnerLogPatterns, file: string, issues: ParseIssue[]): Compiled {
  const out = { ...DEFAULT_COMPILED } as Record<RunnerLogPatternName, LineMatcher>;
  for (const [name, value] of Object.entries(overrides) as [string, unknown][]) {
    if (value === undefined) continue;
    if (!Object.hasOwn(REQUIRED_GROUPS, name)) {
      issues.push({
        file,
        kind: "invalid",
        problem: `unknown runner-log pattern "${name}"; known names: ${Object.keys(REQUIRED_GROUPS).join(", ")}`,
      });
      continue;
    }
    const key = name as RunnerLogPatternName;
    const re =
      typeof value === "string" || value instanceof RegExp
        ? compileUserPattern(key, value)
        : `runner-log pattern "${key}" must be a string or RegExp, got ${typeof value}`;
    if (typeof re === "string") {
      issues.push({ file, kind: "invalid", problem: `${re}; the default is used` });
      continue;
    }
    out[key] = re;
  }
  return out;
}

/**
 * Why operator pattern `source` cannot be used for `name` (unknown name, refused by RE2, missing
 * group), or `null` when it can. For config validation (the CLI's `logPatterns`).
 */
export function runnerLogPatternProblem(name: string, source: string): string | null {
  if (!Object.hasOwn(REQUIRED_GROUPS, name)) {
    return `unknown runner-log pattern "${name}"; known names: ${RUNNER_LOG_PATTERN_NAMES.join(", ")}`;
  }
  const re = compileUserPattern(name as RunnerLogPatternName, source);
  return typeof re === "string" ? re : null;
}
