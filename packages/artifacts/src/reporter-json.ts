/**
 * Reporter JSON → host results (R11, R17, R33, W7). Pure.
 *
 * Auto-detects three shapes:
 * - mochawesome 6–8 (`{stats, results[], meta}`, peers.md §4.2): suites nest in `suites[]`,
 *   tests carry `state` (`passed`/`failed`/`pending`, absent when skipped), failed hooks sit in
 *   `beforeHooks`/`afterHooks`. zod checks the outer document (`stats`, `results[]`); the suite and
 *   test trees are walked by hand-written guards that read only the fields kept (title, fullTitle,
 *   state/pass/fail, duration, timedOut, isHook, err.message/estack/name, file/fullFile) as own
 *   properties, without copying. Unknown fields are ignored and each kept field is checked on its
 *   own (a wrong type reads as absent), so a version's extra or missing fields do not reject the report.
 * - mocha `json` (`{stats, tests[], pending[], failures[], passes[]}`, mocha 10–12).
 * - mocha `json-stream` (one JSON array per line: `["start",{total}]`, `["pass",{…}]`,
 *   `["fail",{…, err, stack}]`, `["end",{stats}]`); lines that are not events are skipped.
 */

import { z } from "zod";
import { findHost, hostFromSpec } from "./hosts.ts";
import {
  capText,
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
  prepareTextInput,
  reporterPathSegment,
  textContentIssue,
} from "./reporter-common.ts";
import { parseStepTitle, parseUtcTimestamp } from "./text.ts";
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
} from "./types.ts";

/** Bounds for {@link parseReporterJson}. */
export interface ReporterJsonOptions {
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
export function parseReporterJson(
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
  const what = "reporter JSON";
  const input = prepareTextInput(text, meta, options.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES, what);
  if (!input.ok) return { observations: [], issues: [input.issue] };
  const limits: Limits = {
    maxDepth: options.maxDepth ?? 64,
    maxStack: options.maxStackChars ?? DEFAULT_MAX_STACK_CHARS,
  };
  const body = input.text.trim();
  const issues: ParseIssue[] = [];
  let report: Report | null;
  if (body.startsWith("[")) {
    const binary = textContentIssue(input.text, meta, what);
    if (binary !== null) return { observations: [], issues: [binary] };
    report = readJsonStream(body, meta, limits, issues);
  } else {
    // The content checks (NUL, control characters) run after JSON.parse, and only when its
    // success does not already prove them: the outcome is the same, the common case is cheaper.
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (cause) {
      const binary = textContentIssue(input.text, meta, what);
      if (binary !== null) return { observations: [], issues: [binary] };
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
    if (!parsedJsonIsText(input.text, body)) {
      const binary = textContentIssue(input.text, meta, what);
      if (binary !== null) return { observations: [], issues: [binary] };
    }
    report = readDocument(doc, meta, limits, issues);
  }
  if (report === null) return { observations: [], issues };
  return { observations: toObservations(report, meta, issues), issues };
}

/**
 * `true` when `text`, whose `trim()` (`trimmed`) `JSON.parse` accepted, surely passes
 * `textContentIssue`. JSON allows no raw control character (U+0000–U+001F) inside strings, and
 * only space, tab, LF and CR between tokens; so of the characters that check counts, only U+FFFD
 * (inside strings) and VT/FF (in the whitespace `trim()` removed) can be present. Without those,
 * the check would find nothing; with them the caller runs it.
 */
function parsedJsonIsText(text: string, trimmed: string): boolean {
  if (text.indexOf("\uFFFD") >= 0) return false;
  return text.length === trimmed.length || (text.indexOf("\u000B") < 0 && text.indexOf("\u000C") < 0);
}

// --- shapes ------------------------------------------------------------------------------------
//
// zod owns the outer document: `Stats` reads every report's `stats` (start/end stamps, duration,
// counts), and `Mochawesome`/`MochaJson` define the top-level shape — a hand check accepts exactly
// what they accept (`stats` an object, `results` an array) and zod runs only when it fails, to
// judge and explain the rest in the `invalid` issue. The suite and test trees — most of a
// report's bytes — are read by the guards below, which read only the fields kept, with
// own-property reads, and never copy or merge a parsed object. Each field is read on its own: a
// missing or wrongly typed field reads as absent (what zod's per-field `.catch` gave), so version
// drift never rejects a report.

const Num = z.number().nullish().catch(null);
const Stamp = z.union([z.string(), z.number()]).nullish().catch(null);

const Stats = z
  .object({ start: Stamp, end: Stamp, duration: Num, tests: Num, testsRegistered: Num })
  .catch({ start: null, end: null, duration: null, tests: null, testsRegistered: null });

const Mochawesome = z.object({ stats: z.record(z.string(), z.unknown()), results: z.array(z.unknown()) });

const MochaJson = z.object({
  stats: z.record(z.string(), z.unknown()),
  tests: z.array(z.unknown()).catch([]),
  pending: z.array(z.unknown()).catch([]),
  failures: z.array(z.unknown()).catch([]),
  passes: z.array(z.unknown()).catch([]),
});

type JsonObject = Readonly<Record<string, unknown>>;

/** A JSON object: not `null`, not an array (what `z.object` accepts). */
function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `o[key]` when `o` owns it; never read through the prototype chain. */
function own(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** An own string field; anything else reads as absent. */
function ownString(o: JsonObject, key: string): string | undefined {
  const v = own(o, key);
  return typeof v === "string" ? v : undefined;
}

/** An own finite number field; anything else reads as `null`. */
function ownNumber(o: JsonObject, key: string): number | null {
  const v = own(o, key);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** `true` only when the own field is the boolean `true`. */
function ownTrue(o: JsonObject, key: string): boolean {
  return own(o, key) === true;
}

const NONE: readonly unknown[] = [];

/** An own array field as is (not copied); anything else reads as empty. */
function ownList(o: JsonObject, key: string): readonly unknown[] {
  const v = own(o, key);
  return Array.isArray(v) ? v : NONE;
}

/** The parts of a reporter error kept for a failure: message, stack text and error name. */
interface ErrText {
  readonly message: string | undefined;
  readonly stack: string | undefined | null;
  readonly type: string | undefined;
}

const NO_ERR: ErrText = { message: undefined, stack: undefined, type: undefined };

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

function readDocument(doc: unknown, meta: ArtifactMeta, limits: Limits, issues: ParseIssue[]): Report | null {
  if (!isRecord(doc)) {
    issues.push(issue(meta, "invalid", "not a reporter report: the JSON is not an object"));
    return null;
  }
  if (Object.hasOwn(doc, "results")) {
    // The usual case is checked by hand; zod (`Mochawesome`) judges — and explains — the rest.
    const stats = own(doc, "stats");
    const results = own(doc, "results");
    if (isRecord(stats) && Array.isArray(results))
      return readMochawesome(stats, results, meta, limits, issues);
    const parsed = Mochawesome.safeParse(doc);
    if (!parsed.success) {
      issues.push(issue(meta, "invalid", `not a mochawesome report: ${summarize(parsed.error)}`));
      return null;
    }
    return readMochawesome(parsed.data.stats, parsed.data.results, meta, limits, issues);
  }
  if (Object.hasOwn(doc, "stats") && (Object.hasOwn(doc, "tests") || Object.hasOwn(doc, "passes"))) {
    const stats = own(doc, "stats");
    if (isRecord(stats)) {
      const [tests, pending, failures] = [
        ownList(doc, "tests"),
        ownList(doc, "pending"),
        ownList(doc, "failures"),
      ];
      return readMochaJson({ stats, tests, pending, failures }, limits);
    }
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
  err: ErrText,
  hook: HookKind | undefined,
  timedOutFlag: boolean,
  limits: Limits,
): TestFailure {
  const msg = capText(cleanText(err.message ?? ""), limits.maxStack);
  const stack = err.stack;
  const st = stack === undefined || stack === null ? "" : capText(cleanText(stack).trim(), limits.maxStack);
  const timedOut = timedOutFlag || isTimeoutMessage(msg !== "" ? msg : st.slice(0, 500));
  const type = err.type;
  const failure: { -readonly [K in keyof TestFailure]: TestFailure[K] } = { message: msg };
  if (type !== undefined && type !== "") failure.type = type;
  if (st !== "") failure.stack = st;
  if (hook !== undefined) failure.hook = hook;
  if (timedOut) failure.timedOut = timedOut;
  return failure;
}

/**
 * Builds a test read; a hook title attaches the failure to the step it names. The error is read
 * (`errOf(test)`) only for a failed test, so passing tests never touch their `err`.
 */
function readTest(
  title: string,
  fullTitle: string,
  state: TestcaseResult["state"],
  durationMs: number | null,
  errOf: (test: JsonObject) => ErrText,
  test: JsonObject,
  timedOutFlag: boolean,
  fallbackHook: HookKind | undefined,
  limits: Limits,
  file: string | null,
  names: string,
): ReadTest {
  const cleanTitle = cleanText(title);
  const hookTitle = parseHookTitle(cleanTitle);
  const hook = hookTitle?.hook ?? fallbackHook;
  const step = parseStepTitle(hookTitle === null ? cleanTitle : (hookTitle.test ?? hookTitle.title));
  const result: { -readonly [K in keyof TestcaseResult]: TestcaseResult[K] } = {
    step: step.step,
    title: step.title,
    fullTitle: cleanText(fullTitle || title),
    state,
    durationMs: durationMs === null || durationMs < 0 ? null : Math.round(durationMs),
  };
  if (state === "failed") result.failure = failureOf(errOf(test), hook, timedOutFlag, limits);
  return { result, file, names, hook: hook !== undefined, hookFor: hookTitle?.test ?? null, rawTitle: title };
}

/** The error of a mochawesome test (utils.js `cleanTest` `err: {message, estack, diff}`); `estack` before `stack`. */
function mwErr(test: JsonObject): ErrText {
  const err = own(test, "err");
  if (!isRecord(err)) return NO_ERR;
  return {
    message: ownString(err, "message"),
    stack: ownString(err, "estack") ?? ownString(err, "stack"),
    type: ownString(err, "name"),
  };
}

/** A mochawesome test or hook (utils.js `cleanTest`, mochawesome 6–8); only the fields kept are read. */
function mwTest(
  test: JsonObject,
  state: TestcaseResult["state"],
  names: string,
  file: string | null,
  limits: Limits,
  fallbackHook: HookKind | undefined,
): ReadTest {
  const title = ownString(test, "title");
  const fullTitle = ownString(test, "fullTitle");
  return readTest(
    title ?? "",
    fullTitle ?? "",
    state,
    ownNumber(test, "duration"),
    mwErr,
    test,
    ownTrue(test, "timedOut"),
    fallbackHook,
    limits,
    file,
    `${names}\n${fullTitle ?? title ?? ""}`,
  );
}

/** Failed hooks of a mochawesome suite's `beforeHooks`/`afterHooks` (passing hooks are not results). */
function mwHooks(
  list: readonly unknown[],
  fallback: HookKind,
  names: string,
  file: string | null,
  limits: Limits,
  tests: ReadTest[],
): void {
  for (const h of list) {
    if (!isRecord(h) || !(own(h, "state") === "failed" || ownTrue(h, "fail"))) continue;
    tests.push(mwTest(h, "failed", names, file, limits, fallback));
  }
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
  // Depth-first, iteratively, over three parallel stacks: suite, depth, lineage (suite titles above it).
  const suites: unknown[] = [];
  const depths: number[] = [];
  const lineages: string[] = [];
  for (const rootRaw of results) {
    const tests: ReadTest[] = [];
    let file: string | null = null;
    suites.push(rootRaw);
    depths.push(1);
    lineages.push("");
    while (suites.length > 0) {
      const raw = suites.pop();
      const depth = depths.pop() as number;
      const lineage = lineages.pop() as string;
      if (depth > limits.maxDepth) {
        tooDeep = true;
        continue;
      }
      // A mochawesome suite (utils.js `cleanSuite`): anything but an object is skipped.
      if (!isRecord(raw)) continue;
      const suiteFile = ownString(raw, "file") || ownString(raw, "fullFile") || null;
      if (file === null && suiteFile !== null) file = suiteFile;
      const names = `${lineage} ${ownString(raw, "title") ?? ""}`.trim();
      mwHooks(ownList(raw, "beforeHooks"), "before all", names, suiteFile, limits, tests);
      for (const test of ownList(raw, "tests")) {
        if (!isRecord(test)) continue;
        const s = own(test, "state");
        const state: TestcaseResult["state"] =
          s === "passed" || ownTrue(test, "pass")
            ? "passed"
            : s === "failed" || ownTrue(test, "fail")
              ? "failed"
              : "skipped";
        tests.push(
          mwTest(test, state, names, suiteFile, limits, ownTrue(test, "isHook") ? "before all" : undefined),
        );
      }
      mwHooks(ownList(raw, "afterHooks"), "after all", names, suiteFile, limits, tests);
      const children = ownList(raw, "suites");
      for (let i = children.length - 1; i >= 0; i--) {
        suites.push(children[i]);
        depths.push(depth + 1);
        lineages.push(names);
      }
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

/**
 * The error of a mocha `json` test (an object: `err.message`, `err.stack`, `err.name`) or a
 * `json-stream` one (the message string, the stack in the test's own `stack`).
 */
function mochaErr(test: JsonObject): ErrText {
  const err = own(test, "err");
  const stack = ownString(test, "stack");
  if (!isRecord(err)) return { message: typeof err === "string" ? err : undefined, stack, type: undefined };
  return {
    message: ownString(err, "message"),
    stack: ownString(err, "stack") ?? stack,
    type: ownString(err, "name"),
  };
}

/** A mocha `json` / `json-stream` test (mocha reporters' `clean`); anything but an object is skipped. */
function mochaTest(raw: unknown, state: TestcaseResult["state"], limits: Limits): ReadTest | null {
  if (!isRecord(raw)) return null;
  const title = ownString(raw, "title");
  const fullTitle = ownString(raw, "fullTitle");
  return readTest(
    title ?? "",
    fullTitle ?? "",
    state,
    ownNumber(raw, "duration"),
    mochaErr,
    raw,
    false,
    undefined,
    limits,
    ownString(raw, "file") ?? null,
    fullTitle ?? title ?? "",
  );
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

/** The parts of a mocha `json` report read (`passes` is implied: tests neither failed nor pending). */
interface MochaJsonDoc {
  readonly stats: unknown;
  readonly tests: readonly unknown[];
  readonly pending: readonly unknown[];
  readonly failures: readonly unknown[];
}

function readMochaJson(doc: MochaJsonDoc, limits: Limits): Report {
  const t = times(doc.stats);
  const key = (raw: unknown) => (isRecord(raw) ? `${String(raw.fullTitle)}\u0000${String(raw.file)}` : "");
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
    issues.push(
      issue(
        meta,
        "incomplete",
        `json-stream has no ["end", …] event after ${events} event(s): the run is still going or was cut off`,
      ),
    );
    return null;
  }
  const t = times(end);
  return { source: "mocha-json-stream", groups: byFile(tests), ...t, declaredTotal: total ?? t.tests };
}

/**
 * A failed hook stands for the test it names: mochawesome also lists that test as skipped, so the
 * skipped entry is dropped (the step reads failed, counts add up).
 */
function withoutHookSkips(tests: readonly ReadTest[]): readonly ReadTest[] {
  if (!tests.some((t) => t.hookFor !== null)) return tests;
  const named = new Set<string>();
  for (const t of tests) if (t.hookFor !== null) named.add(t.hookFor);
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
  if (group.file !== null) return group.file.includes("check-xml-files");
  return group.tests.length > 0 && group.tests.every((t) => t.names.includes("check-xml-files"));
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
    };
    if (existing === undefined) out.push(observation);
    else out[out.indexOf(existing)] = observation;
  }
  return out;
}
