/**
 * The runner-log line patterns: their names, the defaults (data, not code), the named groups
 * each must keep, and the compilation of operator overrides. Pure.
 */

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
 * - `rendererCrash`: none — `We detected that the Chrome Renderer process just crashed.`
 * - `runCancelled`: `reason` — cypress-cloud `Run cancelled: <reason>. Waiting for uploads to complete…`.
 * - `batchStarted` / `batchFinished`: `batchId`, optional `label` —
 *   `[run-sorry-cypress] Starting categorized batch 2/3: redhat -> build e2e-0327-redhat` and
 *   `[run-sorry-cypress] Finished categorized batch 2/3: redhat -> build e2e-0327-redhat (exit 0)`
 *   (run-sorry-cypress.py is undocumented; these lines are the agreed defaults, contracts.md).
 */
export const DEFAULT_RUNNER_LOG_PATTERNS: Readonly<Record<RunnerLogPatternName, string>> = {
  runUrl: String.raw`(?:Run URL|Recorded Run):\s*(?<url>https?:\/\/\S+)`,
  specStarted: String.raw`^Running:\s+(?<specs>.+?)\s+\((?<index>\d+)(?:\s+of\s+|\/)(?<total>\d+)\)`,
  resultsStart: String.raw`^\(Results\)`,
  resultsField: String.raw`^(?<field>Tests|Passing|Failing|Pending|Skipped|Spec Ran):\s*(?<value>.*)$`,
  runFinished: String.raw`^(?:\(Run Finished\)|Cloud Run Finished)`,
  runFooter: String.raw`(?<allPassed>All specs passed!)|(?<failed>\d+)\s+of\s+(?<total>\d+)\s+failed`,
  attempt: String.raw`^\(Attempt (?<attempt>\d+) of (?<of>\d+)\)\s+(?<title>\S.*)$`,
  failureStart: String.raw`^  (?<index>\d+)\) (?<title>\S.*)$`,
  suiteHost: String.raw`^  (?<host>atvm\d+-[A-Za-z][\w.-]*)\s*$`,
  rendererCrash: String.raw`We detected that the (?:\S+ )*Renderer process just crashed`,
  runCancelled: String.raw`Run cancelled:\s*(?<reason>.*?)\.?(?:\s+Waiting for uploads.*)?$`,
  batchStarted: String.raw`\[run-sorry-cypress\]\s+Starting categorized batch\s+\d+\/\d+:\s*(?<label>.*?)\s*->\s*build\s+(?<batchId>[^\s()]+)`,
  batchFinished: String.raw`\[run-sorry-cypress\]\s+Finished categorized batch\s+\d+\/\d+:\s*(?<label>.*?)\s*->\s*build\s+(?<batchId>[^\s()]+)`,
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
  runCancelled: ["reason"],
  batchStarted: ["batchId"],
  batchFinished: ["batchId"],
};

/** The compiled pattern set one parse uses. */
export type Compiled = Readonly<Record<RunnerLogPatternName, RegExp>>;

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
  const out = { ...DEFAULT_COMPILED } as Record<RunnerLogPatternName, RegExp>;
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
    let re: RegExp;
    try {
      if (value instanceof RegExp) re = new RegExp(value.source, value.flags.replace(/[gy]/g, ""));
      else if (typeof value === "string") re = new RegExp(value);
      else throw new Error(`expected a string or RegExp, got ${typeof value}`);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      issues.push({
        file,
        kind: "invalid",
        problem: `runner-log pattern "${key}" does not compile (${why}); the default is used`,
      });
      continue;
    }
    const missing = (REQUIRED_GROUPS[key] as readonly string[]).filter(
      (g) => !re.source.includes(`(?<${g}>`),
    );
    if (missing.length > 0) {
      issues.push({
        file,
        kind: "invalid",
        problem: `runner-log pattern "${key}" lacks the named group(s) ${missing.map((g) => `(?<${g}>…)`).join(", ")}; the default is used`,
      });
      continue;
    }
    out[key] = re;
  }
  return out;
}
