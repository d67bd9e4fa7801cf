/**
 * ORACLE — a frozen copy of `src/reporter-json.ts` as it was before the hand-written tree walk
 * (commit fcd0917): zod validates every mochawesome suite and test. Used only by the differential
 * tests (`reporter-json-perf.prop.test.ts`) and `test/bench/reporter-bench.ts`; do not edit it to
 * make a difference go away.
 *
 * One deliberate change since fcd0917: the bookkeeping rule is the shared anchored
 * `isBookkeepingSpec` (spec file, else every test inside a suite titled `check-xml-files`), which
 * replaced the substring checks in both parsers and the engine (one rule for all three); and the
 * mocha json identity key no longer throws on an object-valued `fullTitle`/`file` (`keyPart`).
 *
 * Reporter JSON → host results (R11, R17, R33, W7). Pure.
 */

import { z } from "zod";
import { isBookkeepingSpec } from "../../src/bookkeeping.ts";
import { findHost, hostFromSpec } from "../../src/hosts.ts";
import { parseStepTitle, parseUtcTimestamp } from "../../src/text.ts";
import type {
  ArtifactMeta,
  EpochMs,
  HookKind,
  HostEvidence,
  HostResultObservation,
  ParseIssue,
  ParseResult,
  TestcaseResult,
  TestFailure,
} from "../../src/types.ts";
import {
  capText,
  checkTextInput,
  cleanText,
  countTestcases,
  DEFAULT_MAX_ARTIFACT_BYTES,
  DEFAULT_MAX_STACK_CHARS,
  fileStem,
  hostFromFileName,
  hostsForStem,
  hostsNamedIn,
  issue,
  isTimeoutMessage,
  parseHookTitle,
  reporterPathSegment,
} from "./reporter-common-reference.ts";

/** Bounds for {@link parseReporterJsonReference}. */
interface ReporterJsonOptions {
  /** Largest input accepted, in bytes (`max(text.length, meta.sizeBytes)`); default 16 MiB → `too-large`. */
  readonly maxBytes?: number;
  /** Deepest mochawesome suite nesting read; default 64 → `too-deep`. */
  readonly maxDepth?: number;
  /** Longest failure stack and message kept, in characters; default 8 KiB. */
  readonly maxStackChars?: number;
}

type Source = HostResultObservation["source"];

/** A test read from any of the three shapes, before grouping by host. */
interface ReadTest {
  readonly result: TestcaseResult;
  /** The spec file the reporter names for it, when any. */
  readonly file: string | null;
  /** Suite and test titles, for host recovery when nothing else names the host. */
  readonly names: string;
  readonly hook: boolean;
  /** The raw title of the test a hook failure names (`"before all" hook for "<this>"`), when any. */
  readonly hookFor: string | null;
  /** The test's own raw title. */
  readonly rawTitle: string;
  /** A suite the test sits in is titled `check-xml-files` (`isBookkeepingSpec`). */
  readonly inBookkeeping: boolean;
}

/** What one report says, before host recovery. */
interface Report {
  readonly source: Source;
  /** Spec groups: one per mochawesome `results[]` entry or per distinct mocha test `file`. */
  readonly groups: readonly { readonly file: string | null; readonly tests: readonly ReadTest[] }[];
  readonly startedAt: EpochMs | null;
  readonly finishedAt: EpochMs | null;
  readonly durationMs: number | null;
  /** Tests the reporter says exist (mocha `stats.tests` / json-stream `start.total`), when it says so. */
  readonly declaredTotal: number | null;
  /** A json-stream without its `end` event (behaviour changed on purpose, mirrored from the parser). */
  readonly unfinished?: true;
}

/**
 * Parses a mochawesome, mocha `json` or mocha `json-stream` report into one
 * {@link HostResultObservation} per host spec it holds (normally one).
 *
 * Host recovery (R11, W7), strongest first: the spec file the report names (mochawesome
 * `results[].file`/`fullFile`, mocha test `file`) matched against `meta.knownHosts` (without a
 * known list, the spec's base name); the per-host reporter path `…/cmcReporter/logs/<host>/…`;
 * the file name — mochawesome's `[name]` stem is cut at the first dot (`atvm41-redhat6.json` for
 * `atvm41-redhat6.0`), so it maps back through known hosts by prefix and several candidates give
 * an `ambiguous` issue, never a guess; last, host names in suite/test titles.
 *
 * A `check-xml-files.ts` spec (bookkeeping, R11) yields no observation and no issue.
 *
 * Times come from the report only (R33): `stats.start`/`stats.end` (mochawesome, mocha json,
 * json-stream `end`); file mtimes are never used. Zero tests give zero counts, not a pass (W7):
 * the engine decides what an empty result means.
 *
 * Issues (never throws): `too-large`, `empty`, `binary`, `incomplete` (truncated JSON, or a
 * json-stream without its `end` event — then no observation is made), `malformed` (not JSON),
 * `invalid` (JSON of another shape), `too-deep`, `unresolved-host`, `ambiguous`.
 */
export function parseReporterJsonReference(
  text: string,
  meta: ArtifactMeta,
  options?: ReporterJsonOptions,
): ParseResult<HostResultObservation> {
  try {
    return parseUnsafe(text, meta, options ?? {});
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
      observations: [],
      issues: [issue(meta, "malformed", `unreadable reporter JSON: ${message.slice(0, 200)}`)],
    };
  }
}

interface Limits {
  readonly maxDepth: number;
  readonly maxStack: number;
}

function parseUnsafe(
  text: string,
  meta: ArtifactMeta,
  options: ReporterJsonOptions,
): ParseResult<HostResultObservation> {
  const input = checkTextInput(text, meta, options.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES, "reporter JSON");
  if (!input.ok) return { observations: [], issues: [input.issue] };
  const limits: Limits = {
    maxDepth: options.maxDepth ?? 64,
    maxStack: options.maxStackChars ?? DEFAULT_MAX_STACK_CHARS,
  };
  const body = input.text.trim();
  const issues: ParseIssue[] = [];
  let report: Report | null;
  if (body.startsWith("[")) {
    report = readJsonStream(body, meta, limits, issues);
  } else {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const truncated =
        body.startsWith("{") && (!body.endsWith("}") || /end of (JSON )?input|unterminated/i.test(message));
      return {
        observations: [],
        issues: [
          issue(
            meta,
            truncated ? "incomplete" : "malformed",
            truncated
              ? `truncated reporter JSON: ${body.length} characters end before the document closes`
              : `not JSON: ${message.slice(0, 200)}`,
          ),
        ],
      };
    }
    report = readDocument(doc, meta, limits, issues);
  }
  if (report === null) return { observations: [], issues };
  return { observations: toObservations(report, meta, issues), issues };
}

// --- shapes ------------------------------------------------------------------------------------

const Str = z.string().optional().catch(undefined);
const Num = z.number().nullish().catch(null);
const Bool = z.boolean().optional().catch(undefined);
const Stamp = z.union([z.string(), z.number()]).nullish().catch(null);

const ErrShape = z
  .object({ message: Str, estack: Str, stack: Str, diff: z.string().nullish().catch(null), name: Str })
  .catch({});

/** A mochawesome test or hook (utils.js `cleanTest`, mochawesome 6–8). */
const MwTest = z.object({
  title: Str,
  fullTitle: Str,
  state: z.string().nullish().catch(null),
  duration: Num,
  timedOut: Bool,
  pass: Bool,
  fail: Bool,
  pending: Bool,
  skipped: Bool,
  isHook: Bool,
  err: ErrShape.optional(),
});

/** A mochawesome suite (utils.js `cleanSuite`); `suites` is read level by level with a depth bound. */
const MwSuite = z.object({
  title: Str,
  file: Str,
  fullFile: Str,
  tests: z.array(z.unknown()).catch([]),
  beforeHooks: z.array(z.unknown()).catch([]),
  afterHooks: z.array(z.unknown()).catch([]),
  suites: z.array(z.unknown()).catch([]),
});

const Stats = z
  .object({ start: Stamp, end: Stamp, duration: Num, tests: Num, testsRegistered: Num })
  .catch({ start: null, end: null, duration: null, tests: null, testsRegistered: null });

const Mochawesome = z.object({ stats: z.record(z.string(), z.unknown()), results: z.array(z.unknown()) });

/** A mocha `json` / `json-stream` test (mocha reporters' `clean`). `err` is an object (json) or a message (json-stream). */
const MochaTest = z.object({
  title: Str,
  fullTitle: Str,
  file: Str,
  duration: Num,
  err: z.union([z.string(), ErrShape]).optional().catch(undefined),
  stack: z.string().nullish().catch(null),
});

const MochaJson = z.object({
  stats: z.record(z.string(), z.unknown()),
  tests: z.array(z.unknown()).catch([]),
  pending: z.array(z.unknown()).catch([]),
  failures: z.array(z.unknown()).catch([]),
  passes: z.array(z.unknown()).catch([]),
});

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readDocument(doc: unknown, meta: ArtifactMeta, limits: Limits, issues: ParseIssue[]): Report | null {
  if (!isRecord(doc)) {
    issues.push(issue(meta, "invalid", "not a reporter report: the JSON is not an object"));
    return null;
  }
  if (Object.hasOwn(doc, "results")) {
    const parsed = Mochawesome.safeParse(doc);
    if (!parsed.success) {
      issues.push(issue(meta, "invalid", `not a mochawesome report: ${summarize(parsed.error)}`));
      return null;
    }
    return readMochawesome(parsed.data.stats, parsed.data.results, meta, limits, issues);
  }
  if (Object.hasOwn(doc, "stats") && (Object.hasOwn(doc, "tests") || Object.hasOwn(doc, "passes"))) {
    const parsed = MochaJson.safeParse(doc);
    if (!parsed.success) {
      issues.push(issue(meta, "invalid", `not a mocha json report: ${summarize(parsed.error)}`));
      return null;
    }
    return readMochaJson(parsed.data, limits);
  }
  const keys = Object.keys(doc).slice(0, 8).join(", ");
  issues.push(
    issue(
      meta,
      "invalid",
      `not a mochawesome ({stats, results}) or mocha json ({stats, tests}) report; keys: ${keys || "none"}`,
    ),
  );
  return null;
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

function stamp(value: string | number | null | undefined): EpochMs | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  return parseUtcTimestamp(value);
}

function times(
  statsRaw: unknown,
): Pick<Report, "startedAt" | "finishedAt" | "durationMs"> & { tests: number | null } {
  const stats = Stats.parse(isRecord(statsRaw) ? statsRaw : {});
  const startedAt = stamp(stats.start);
  const finishedAt = stamp(stats.end);
  const duration =
    typeof stats.duration === "number" && stats.duration >= 0 ? Math.round(stats.duration) : null;
  return {
    startedAt,
    finishedAt,
    durationMs: duration ?? (startedAt !== null && finishedAt !== null ? finishedAt - startedAt : null),
    tests: typeof stats.tests === "number" && stats.tests >= 0 ? Math.round(stats.tests) : null,
  };
}

function failureOf(
  message: string | undefined,
  stack: string | undefined | null,
  type: string | undefined,
  hook: HookKind | undefined,
  timedOutFlag: boolean,
  limits: Limits,
): TestFailure {
  const msg = capText(cleanText(message ?? ""), limits.maxStack);
  const st = stack === undefined || stack === null ? "" : capText(cleanText(stack).trim(), limits.maxStack);
  const timedOut = timedOutFlag || isTimeoutMessage(msg !== "" ? msg : st.slice(0, 500));
  return {
    message: msg,
    ...(type !== undefined && type !== "" ? { type } : {}),
    ...(st !== "" ? { stack: st } : {}),
    ...(hook !== undefined ? { hook } : {}),
    ...(timedOut ? { timedOut } : {}),
  };
}

/** Builds a testcase from a title; a hook title attaches the failure to the step it names. */
function testcase(
  title: string,
  fullTitle: string,
  state: TestcaseResult["state"],
  durationMs: number | null,
  failure: (hook: HookKind | undefined) => TestFailure | undefined,
  fallbackHook: HookKind | undefined,
): { result: TestcaseResult; hook: boolean; hookFor: string | null } {
  const cleanTitle = cleanText(title);
  const hookTitle = parseHookTitle(cleanTitle);
  const hook = hookTitle?.hook ?? fallbackHook;
  const step = parseStepTitle(hookTitle === null ? cleanTitle : (hookTitle.test ?? hookTitle.title));
  const f = state === "failed" ? failure(hook) : undefined;
  return {
    result: {
      step: step.step,
      title: step.title,
      fullTitle: cleanText(fullTitle || title),
      state,
      durationMs: durationMs === null || durationMs < 0 ? null : Math.round(durationMs),
      ...(f === undefined ? {} : { failure: f }),
    },
    hook: hook !== undefined,
    hookFor: hookTitle?.test ?? null,
  };
}

function readMochawesome(
  statsRaw: unknown,
  results: readonly unknown[],
  meta: ArtifactMeta,
  limits: Limits,
  issues: ParseIssue[],
): Report {
  const t = times(statsRaw);
  const groups: { file: string | null; tests: ReadTest[] }[] = [];
  let tooDeep = false;
  for (const rootRaw of results) {
    const tests: ReadTest[] = [];
    let file: string | null = null;
    // Depth-first, iteratively: [suite, depth, lineage].
    const stack: [unknown, number, string, boolean][] = [[rootRaw, 1, "", false]];
    while (stack.length > 0) {
      const [raw, depth, lineage, inBkAbove] = stack.pop() as [unknown, number, string, boolean];
      if (depth > limits.maxDepth) {
        tooDeep = true;
        continue;
      }
      const parsed = MwSuite.safeParse(raw);
      if (!parsed.success) continue;
      const suite = parsed.data;
      const suiteFile = suite.file || suite.fullFile || null;
      if (file === null && suiteFile !== null) file = suiteFile;
      const names = `${lineage} ${suite.title ?? ""}`.trim();
      const inBk = inBkAbove || isBookkeepingSpec(suite.title ?? "");
      const hooks = (list: readonly unknown[], fallback: HookKind) => {
        for (const h of list) {
          const hook = MwTest.safeParse(h);
          if (!hook.success || !(hook.data.state === "failed" || hook.data.fail === true)) continue;
          tests.push(mwTest(hook.data, "failed", names, suiteFile, limits, fallback, inBk));
        }
      };
      hooks(suite.beforeHooks, "before all");
      for (const raw of suite.tests) {
        const test = MwTest.safeParse(raw);
        if (!test.success) continue;
        const d = test.data;
        const state: TestcaseResult["state"] =
          d.state === "passed" || d.pass === true
            ? "passed"
            : d.state === "failed" || d.fail === true
              ? "failed"
              : "skipped";
        tests.push(
          mwTest(d, state, names, suiteFile, limits, d.isHook === true ? "before all" : undefined, inBk),
        );
      }
      hooks(suite.afterHooks, "after all");
      for (let i = suite.suites.length - 1; i >= 0; i--)
        stack.push([suite.suites[i], depth + 1, names, inBk]);
    }
    groups.push({ file, tests });
  }
  if (tooDeep) {
    issues.push(
      issue(
        meta,
        "too-deep",
        `mochawesome suites nest deeper than ${limits.maxDepth} levels; deeper suites were not read`,
      ),
    );
  }
  return { source: "mochawesome", groups, ...t, declaredTotal: null };
}

function mwTest(
  d: z.infer<typeof MwTest>,
  state: TestcaseResult["state"],
  names: string,
  file: string | null,
  limits: Limits,
  fallbackHook: HookKind | undefined,
  inBookkeeping: boolean,
): ReadTest {
  const err = d.err ?? {};
  const { result, hook, hookFor } = testcase(
    d.title ?? "",
    d.fullTitle ?? "",
    state,
    d.duration ?? null,
    (h) => failureOf(err.message, err.estack ?? err.stack, err.name, h, d.timedOut === true, limits),
    fallbackHook,
  );
  return {
    result,
    file,
    names: `${names}\n${d.fullTitle ?? d.title ?? ""}`,
    hook,
    hookFor,
    rawTitle: d.title ?? "",
    inBookkeeping,
  };
}

function mochaTest(raw: unknown, state: TestcaseResult["state"], limits: Limits): ReadTest | null {
  const parsed = MochaTest.safeParse(raw);
  if (!parsed.success) return null;
  const d = parsed.data;
  const err = d.err;
  const message = typeof err === "string" ? err : err?.message;
  const stack = typeof err === "string" ? d.stack : (err?.stack ?? d.stack);
  const type = typeof err === "string" ? undefined : err?.name;
  const { result, hook, hookFor } = testcase(
    d.title ?? "",
    d.fullTitle ?? "",
    state,
    d.duration ?? null,
    (h) => failureOf(message, stack, type, h, false, limits),
    undefined,
  );
  return {
    result,
    file: d.file ?? null,
    names: d.fullTitle ?? d.title ?? "",
    hook,
    hookFor,
    rawTitle: d.title ?? "",
    inBookkeeping:
      (d.title ?? "") !== "" &&
      (d.fullTitle ?? "").endsWith(d.title ?? "") &&
      isBookkeepingSpec(
        (d.fullTitle ?? "").slice(0, (d.fullTitle ?? "").length - (d.title ?? "").length).trim(),
      ),
  };
}

function byFile(tests: readonly ReadTest[]): { file: string | null; tests: ReadTest[] }[] {
  const groups: { file: string | null; tests: ReadTest[] }[] = [];
  for (const t of tests) {
    const g = groups.find((x) => x.file === t.file) ?? groups.find((x) => t.file === null || x.file === null);
    if (g === undefined) groups.push({ file: t.file, tests: [t] });
    else {
      g.tests.push(t);
      if (g.file === null) g.file = t.file;
    }
  }
  return groups.length > 0 ? groups : [{ file: null, tests: [] }];
}

function readMochaJson(doc: z.infer<typeof MochaJson>, limits: Limits): Report {
  const t = times(doc.stats);
  const key = (raw: unknown) => (isRecord(raw) ? `${keyPart(raw.fullTitle)}\u0000${keyPart(raw.file)}` : "");
  const failed = new Set(doc.failures.map(key));
  const pending = new Set(doc.pending.map(key));
  const tests: ReadTest[] = [];
  const seen = new Set<string>();
  for (const raw of doc.tests) {
    const k = key(raw);
    seen.add(k);
    const state = failed.has(k) ? "failed" : pending.has(k) ? "skipped" : "passed";
    const test = mochaTest(raw, state, limits);
    if (test !== null) tests.push(test);
  }
  // Hook failures are in `failures` but never in `tests` (they emit no "test end").
  for (const raw of doc.failures) {
    if (seen.has(key(raw))) continue;
    const test = mochaTest(raw, "failed", limits);
    if (test !== null) tests.push(test);
  }
  return { source: "mocha-json", groups: byFile(tests), ...t, declaredTotal: t.tests };
}

function readJsonStream(
  body: string,
  meta: ArtifactMeta,
  limits: Limits,
  issues: ParseIssue[],
): Report | null {
  const lines = body.split("\n");
  const tests: ReadTest[] = [];
  let total: number | null = null;
  let end: unknown = null;
  let events = 0;
  let bad = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (!line.startsWith('["')) continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      if (i < lines.length - 1) bad++;
      continue;
    }
    if (!Array.isArray(event) || typeof event[0] !== "string") continue;
    const [name, data] = event as [string, unknown];
    events++;
    if (name === "start" && isRecord(data) && typeof data.total === "number") total = data.total;
    else if (name === "pass" || name === "fail") {
      const test = mochaTest(data, name === "pass" ? "passed" : "failed", limits);
      if (test !== null) tests.push(test);
    } else if (name === "end") end = data;
  }
  if (events === 0) {
    issues.push(
      issue(meta, "invalid", 'not a mocha json-stream report: no ["start"|"pass"|"fail"|"end", {…}] lines'),
    );
    return null;
  }
  if (bad > 0)
    issues.push(issue(meta, "malformed", `${bad} json-stream line(s) are not valid JSON and were skipped`));
  if (end === null) {
    // Changed on purpose (a live per-host event log is an unfinished result, W7): mirrors the parser.
    if (total === null && tests.length === 0) {
      issues.push(
        issue(
          meta,
          "incomplete",
          `json-stream has no ["start", …] and no ["end", …] event after ${events} event(s): the run is still going or was cut off`,
        ),
      );
      return null;
    }
    return {
      source: "mocha-json-stream",
      groups: byFile(tests),
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      declaredTotal: total,
      unfinished: true,
    };
  }
  const t = times(end);
  return { source: "mocha-json-stream", groups: byFile(tests), ...t, declaredTotal: total ?? t.tests };
}

/**
 * A failed hook stands for the test it names: mochawesome also lists that test as skipped, so the
 * skipped entry is dropped (the step reads failed, counts add up).
 */
function withoutHookSkips(tests: readonly ReadTest[]): readonly ReadTest[] {
  const named = new Set(tests.flatMap((t) => (t.hookFor === null ? [] : [t.hookFor])));
  if (named.size === 0) return tests;
  return tests.filter((t) => {
    if (t.result.state !== "skipped" || !named.has(t.rawTitle)) return true;
    named.delete(t.rawTitle);
    return false;
  });
}

// --- hosts -------------------------------------------------------------------------------------

type HostPick =
  | { readonly host: string; readonly evidence: HostEvidence }
  | { readonly ambiguous: string }
  | null;

function fromSpecFile(file: string | null, known: readonly string[] | undefined): HostPick {
  if (file === null || file === "") return null;
  if (known === undefined) {
    const base = hostFromSpec(file, undefined);
    return base === null ? null : { host: base, evidence: "spec-basename" };
  }
  const found = findHost(file, known);
  if (found === null) return null;
  return found === "ambiguous"
    ? { ambiguous: `the spec file ${file} names several known hosts` }
    : { host: found, evidence: "root-suite-file" };
}

function fromPath(path: string, known: readonly string[] | undefined): HostPick {
  const segment = reporterPathSegment(path);
  if (segment !== null) {
    if (known === undefined) return { host: segment, evidence: "reporter-path" };
    if (known.includes(segment)) return { host: segment, evidence: "reporter-path" };
    const found = findHost(segment, known);
    if (found === "ambiguous")
      return { ambiguous: `the reporter folder ${segment} names several known hosts` };
    if (found !== null) return { host: found, evidence: "reporter-path" };
  }
  // Without known hosts a host-shaped file name may be a mochawesome stem cut at its first dot: never guess (W7).
  if (known === undefined) return null;
  const full = hostFromFileName(path, known);
  if (full === "ambiguous") return { ambiguous: `the file name ${fileStem(path)} names several hosts` };
  if (full !== null) return { host: full, evidence: "file-name" };
  const stem = fileStem(path);
  const candidates = hostsForStem(stem, known);
  if (candidates.length > 1) {
    return {
      ambiguous: `the mochawesome name "${stem}" is cut at the first dot and matches ${candidates.length} known hosts (${candidates.join(", ")})`,
    };
  }
  return candidates.length === 1 ? { host: candidates[0] as string, evidence: "file-name" } : null;
}

function fromTitles(tests: readonly ReadTest[], known: readonly string[] | undefined): HostPick {
  const found: string[] = [];
  for (const t of tests) for (const h of hostsNamedIn(t.names, known)) if (!found.includes(h)) found.push(h);
  if (found.length === 0) return null;
  return found.length === 1
    ? { host: found[0] as string, evidence: "testcase-name" }
    : { ambiguous: `test titles name several hosts (${found.join(", ")})` };
}

/** `check-xml-files.ts` output is bookkeeping, never a host result (R11): its reporter JSON yields no observation. */
function isBookkeeping(group: {
  readonly file: string | null;
  readonly tests: readonly ReadTest[];
}): boolean {
  if (group.file !== null) return isBookkeepingSpec(group.file);
  return group.tests.length > 0 && group.tests.every((t) => t.inBookkeeping);
}

function toObservations(report: Report, meta: ArtifactMeta, issues: ParseIssue[]): HostResultObservation[] {
  const known = meta.knownHosts !== undefined && meta.knownHosts.length > 0 ? meta.knownHosts : undefined;
  const out: HostResultObservation[] = [];
  const groups = report.groups.length > 0 ? report.groups : [{ file: null, tests: [] }];
  for (const group of groups) {
    if (isBookkeeping(group)) continue;
    const pick =
      fromSpecFile(group.file, known) ?? fromPath(meta.path, known) ?? fromTitles(group.tests, known);
    let host: string | null = null;
    let evidence: HostEvidence | null = null;
    if (pick === null) {
      const stemNote =
        known === undefined && reporterPathSegment(meta.path) === null
          ? `; the name "${fileStem(meta.path)}" may be a mochawesome stem cut at its first dot, so pass knownHosts`
          : "";
      issues.push(
        issue(
          meta,
          "unresolved-host",
          `no host in the spec file, reporter path, file name or test titles${stemNote}`,
        ),
      );
    } else if ("ambiguous" in pick) {
      issues.push(issue(meta, "ambiguous", `${pick.ambiguous}; not guessing which one this result is`));
    } else {
      host = pick.host;
      evidence = pick.evidence;
    }
    const existing = host === null ? undefined : out.find((o) => o.host === host);
    const testcases = [...(existing?.testcases ?? []), ...withoutHookSkips(group.tests).map((t) => t.result)];
    // Tests the group lists (hook entries excluded), counted before hook-skips are folded in.
    const listed = (existing?.counts.total ?? 0) + group.tests.filter((t) => !t.hook).length;
    const declared = groups.length === 1 && report.declaredTotal !== null ? report.declaredTotal : listed;
    const observation: HostResultObservation = {
      kind: "host-result",
      source: report.source,
      file: meta.path,
      host,
      hostEvidence: evidence,
      spec: group.file ?? existing?.spec ?? null,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      durationMs: report.durationMs,
      counts: countTestcases(testcases, declared),
      testcases,
      mtimeMs: meta.mtimeMs ?? null,
      ...(report.unfinished === true ? { unfinished: true as const } : {}),
    };
    if (existing === undefined) out.push(observation);
    else out[out.indexOf(existing)] = observation;
  }
  return out;
}

/**
 * A field as part of a test's identity key: primitives as `String(v)`, any object or array as one
 * marker. (`String()` of a parsed `{"toString": 1}` throws "Cannot convert object to primitive
 * value" — found by the last-resort-catch check, which had turned it into a `malformed` issue.)
 */
function keyPart(value: unknown): string {
  return typeof value === "object" && value !== null ? "\u0001object" : String(value);
}
