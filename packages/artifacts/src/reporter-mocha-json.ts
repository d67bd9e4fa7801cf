/**
 * mocha `json` reports (`{stats, tests[], pending[], failures[], passes[]}`, mocha 10–12
 * `lib/reporters/json.js`) and the test records mocha's `json`/`json-stream` reporters share
 * (their `clean`). Pure.
 */

import { z } from "zod";
import { isBookkeepingSpec } from "./bookkeeping.ts";
import { issue } from "./reporter-common.ts";
import {
  byFile,
  type ErrText,
  isRecord,
  type JsonObject,
  type Limits,
  own,
  ownList,
  ownNumber,
  ownString,
  type ReadTest,
  type Report,
  readTest,
  summarize,
  times,
} from "./reporter-walk.ts";
import type { ArtifactMeta, ParseIssue, TestcaseResult } from "./types.ts";

/** The top-level shape zod judges (and explains) when the hand check (`stats` object) fails. */
const MochaJson = z.object({
  stats: z.record(z.string(), z.unknown()),
  tests: z.array(z.unknown()).catch([]),
  pending: z.array(z.unknown()).catch([]),
  failures: z.array(z.unknown()).catch([]),
  passes: z.array(z.unknown()).catch([]),
});

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

/** `true` when the suite part of `fullTitle` (before the test's own `title`) is `check-xml-files` (R11). */
function suiteIsBookkeeping(title: string, fullTitle: string): boolean {
  if (title === "" || !fullTitle.endsWith(title)) return false;
  return isBookkeepingSpec(fullTitle.slice(0, fullTitle.length - title.length).trim());
}

/** A mocha `json` / `json-stream` test (mocha reporters' `clean`); anything but an object is skipped. */
export function mochaTest(raw: unknown, state: TestcaseResult["state"], limits: Limits): ReadTest | null {
  if (!isRecord(raw)) return null;
  const title = ownString(raw, "title");
  const fullTitle = ownString(raw, "fullTitle");
  const read = readTest(
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
    suiteIsBookkeeping(title ?? "", fullTitle ?? ""),
  );
  // mocha's `clean()` writes `currentRetry`: the attempt index (0-based) of the reported attempt.
  const retry = ownNumber(raw, "currentRetry");
  if (retry === null || retry < 1 || !Number.isInteger(retry)) return read;
  return { ...read, result: { ...read.result, retries: Math.min(retry, 1000) } };
}

/** The parts of a mocha `json` report read (`passes` is implied: tests neither failed nor pending). */
export interface MochaJsonDoc {
  readonly stats: unknown;
  readonly tests: readonly unknown[];
  readonly pending: readonly unknown[];
  readonly failures: readonly unknown[];
}

export function readMochaJson(doc: MochaJsonDoc, limits: Limits): Report {
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

/**
 * A parsed document with `stats` and `tests` or `passes` as a mocha `json` report: read by hand
 * when `stats` is an object; else zod (`MochaJson`) judges and explains it in an `invalid` issue
 * (then `null`).
 */
export function readMochaJsonDocument(
  doc: JsonObject,
  meta: ArtifactMeta,
  limits: Limits,
  issues: ParseIssue[],
): Report | null {
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

/**
 * A field as part of a test's identity key: primitives as `String(v)`, any object or array as one
 * marker. (`String()` of a parsed `{"toString": 1}` throws "Cannot convert object to primitive
 * value" — found by the last-resort-catch check, which had turned it into a `malformed` issue.)
 */
function keyPart(value: unknown): string {
  return typeof value === "object" && value !== null ? "\u0001object" : String(value);
}
