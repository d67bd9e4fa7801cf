/**
 * Shared walking for the reporter JSON formats (mochawesome, mocha `json`, mocha `json-stream`):
 * own-property field guards, the `stats` times, and the test record every format reads into. Pure.
 *
 * zod owns the outer document: `Stats` reads every report's `stats` (start/end stamps, duration,
 * counts), and the per-format schemas define the top-level shape. The suite and test trees — most
 * of a report's bytes — are read by the guards below, which read only the fields kept, with
 * own-property reads, and never copy or merge a parsed object. Each field is read on its own: a
 * missing or wrongly typed field reads as absent, so version drift never rejects a report.
 */

import { z } from "zod";
import { capText, cleanText, isTimeoutMessage, parseHookTitle } from "./reporter-common.ts";
import { parseStepTitle, parseUtcTimestamp } from "./text.ts";
import type { EpochMs, HookKind, HostResultObservation, TestcaseResult, TestFailure } from "./types.ts";

export type Source = HostResultObservation["source"];

/** A test read from any of the three shapes, before grouping by host. */
export interface ReadTest {
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
  /** `true` when a suite the test sits in is titled `check-xml-files` (R11 bookkeeping; `isBookkeepingSpec`). */
  readonly inBookkeeping: boolean;
}

/** What one report says, before host recovery. */
export interface Report {
  readonly source: Source;
  /** Spec groups: one per mochawesome `results[]` entry or per distinct mocha test `file`. */
  readonly groups: readonly { readonly file: string | null; readonly tests: readonly ReadTest[] }[];
  readonly startedAt: EpochMs | null;
  readonly finishedAt: EpochMs | null;
  readonly durationMs: number | null;
  /** Tests the reporter says exist (mocha `stats.tests` / json-stream `start.total`), when it says so. */
  readonly declaredTotal: number | null;
  /** A json-stream without its `end` event: the spec is still running (see `HostResultObservation.unfinished`). */
  readonly unfinished?: true;
}

/** The bounds a walk honours: suite nesting and failure text length (characters). */
export interface Limits {
  readonly maxDepth: number;
  readonly maxStack: number;
}

const Num = z.number().nullish().catch(null);
const Stamp = z.union([z.string(), z.number()]).nullish().catch(null);

const Stats = z
  .object({ start: Stamp, end: Stamp, duration: Num, tests: Num, testsRegistered: Num })
  .catch({ start: null, end: null, duration: null, tests: null, testsRegistered: null });

export type JsonObject = Readonly<Record<string, unknown>>;

/** A JSON object: not `null`, not an array (what `z.object` accepts). */
export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `o[key]` when `o` owns it; never read through the prototype chain. */
export function own(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** An own string field; anything else reads as absent. */
export function ownString(o: JsonObject, key: string): string | undefined {
  const v = own(o, key);
  return typeof v === "string" ? v : undefined;
}

/** An own finite number field; anything else reads as `null`. */
export function ownNumber(o: JsonObject, key: string): number | null {
  const v = own(o, key);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** `true` only when the own field is the boolean `true`. */
export function ownTrue(o: JsonObject, key: string): boolean {
  return own(o, key) === true;
}

const NONE: readonly unknown[] = [];

/** An own array field as is (not copied); anything else reads as empty. */
export function ownList(o: JsonObject, key: string): readonly unknown[] {
  const v = own(o, key);
  return Array.isArray(v) ? v : NONE;
}

/** The parts of a reporter error kept for a failure: message, stack text and error name. */
export interface ErrText {
  readonly message: string | undefined;
  readonly stack: string | undefined | null;
  readonly type: string | undefined;
}

export const NO_ERR: ErrText = { message: undefined, stack: undefined, type: undefined };

export function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

export function stamp(value: string | number | null | undefined): EpochMs | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  return parseUtcTimestamp(value);
}

export function times(
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

export function failureOf(
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
export function readTest(
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
  inBookkeeping: boolean,
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
  return {
    result,
    file,
    names,
    hook: hook !== undefined,
    hookFor: hookTitle?.test ?? null,
    rawTitle: title,
    inBookkeeping,
  };
}

export function byFile(tests: readonly ReadTest[]): { file: string | null; tests: ReadTest[] }[] {
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
