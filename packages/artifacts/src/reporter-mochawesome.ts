/**
 * mochawesome 6–8 reports (`{stats, results[], meta}`; mochawesome `src/utils.js` `cleanSuite` /
 * `cleanTest`): suites nest in `suites[]`, tests carry `state` (`passed`/`failed`/`pending`,
 * absent when skipped), failed hooks sit in `beforeHooks`/`afterHooks`. Pure.
 */

import { z } from "zod";
import { isBookkeepingSpec } from "./bookkeeping.ts";
import { issue } from "./reporter-common.ts";
import {
  type ErrText,
  isRecord,
  type JsonObject,
  type Limits,
  NO_ERR,
  own,
  ownList,
  ownNumber,
  ownString,
  ownTrue,
  type ReadTest,
  type Report,
  readTest,
  summarize,
  times,
} from "./reporter-walk.ts";
import type { ArtifactMeta, HookKind, ParseIssue, TestcaseResult } from "./types.ts";

/** The top-level shape zod judges (and explains) when the hand check `stats` object + `results` array fails. */
const Mochawesome = z.object({
  stats: z.record(z.string(), z.unknown()),
  results: z.array(z.unknown()),
});

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

/** Where a test sits: its suite lineage's titles, the suite's spec file, and whether a suite above is `check-xml-files`. */
interface SuiteContext {
  readonly names: string;
  readonly file: string | null;
  readonly inBookkeeping: boolean;
  readonly limits: Limits;
}

/** A mochawesome test or hook (utils.js `cleanTest`, mochawesome 6–8); only the fields kept are read. */
function mwTest(
  test: JsonObject,
  state: TestcaseResult["state"],
  at: SuiteContext,
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
    at.limits,
    at.file,
    `${at.names}\n${fullTitle ?? title ?? ""}`,
    at.inBookkeeping,
  );
}

/** Failed hooks of a mochawesome suite's `beforeHooks`/`afterHooks` (passing hooks are not results). */
function mwHooks(list: readonly unknown[], fallback: HookKind, at: SuiteContext, tests: ReadTest[]): void {
  for (const h of list) {
    if (!isRecord(h) || !(own(h, "state") === "failed" || ownTrue(h, "fail"))) continue;
    tests.push(mwTest(h, "failed", at, fallback));
  }
}

/** The tests and failed hooks of one mochawesome suite (not its child suites), in report order. */
function suiteTests(suite: JsonObject, at: SuiteContext, tests: ReadTest[]): void {
  mwHooks(ownList(suite, "beforeHooks"), "before all", at, tests);
  for (const test of ownList(suite, "tests")) {
    if (!isRecord(test)) continue;
    const s = own(test, "state");
    const state: TestcaseResult["state"] =
      s === "passed" || ownTrue(test, "pass")
        ? "passed"
        : s === "failed" || ownTrue(test, "fail")
          ? "failed"
          : "skipped";
    tests.push(mwTest(test, state, at, ownTrue(test, "isHook") ? "before all" : undefined));
  }
  mwHooks(ownList(suite, "afterHooks"), "after all", at, tests);
}

/** A suite waiting on the walk's stack: the raw value, its depth (root = 1), the titles above it. */
interface Frame {
  readonly raw: unknown;
  readonly depth: number;
  readonly lineage: string;
  readonly inBookkeeping: boolean;
}

/**
 * Reads a mochawesome report's `results[]` into one spec group each (the first suite `file`/
 * `fullFile` names the spec), depth-first in report order. Suites deeper than `limits.maxDepth`
 * are not read (one `too-deep` issue). Times from `stats` (R33); no declared total.
 */
export function readMochawesome(
  statsRaw: unknown,
  results: readonly unknown[],
  meta: ArtifactMeta,
  limits: Limits,
  issues: ParseIssue[],
): Report {
  const t = times(statsRaw);
  const groups: { file: string | null; tests: ReadTest[] }[] = [];
  let tooDeep = false;
  const stack: Frame[] = [];
  for (const rootRaw of results) {
    const tests: ReadTest[] = [];
    let file: string | null = null;
    stack.push({ raw: rootRaw, depth: 1, lineage: "", inBookkeeping: false });
    for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
      if (frame.depth > limits.maxDepth) {
        tooDeep = true;
        continue;
      }
      // A mochawesome suite (utils.js `cleanSuite`): anything but an object is skipped.
      const raw = frame.raw;
      if (!isRecord(raw)) continue;
      const suiteFile = ownString(raw, "file") || ownString(raw, "fullFile") || null;
      if (file === null && suiteFile !== null) file = suiteFile;
      const title = ownString(raw, "title") ?? "";
      const names = `${frame.lineage} ${title}`.trim();
      const inBookkeeping = frame.inBookkeeping || isBookkeepingSpec(title);
      suiteTests(raw, { names, file: suiteFile, inBookkeeping, limits }, tests);
      const children = ownList(raw, "suites");
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ raw: children[i], depth: frame.depth + 1, lineage: names, inBookkeeping });
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
 * A parsed document with a `results` key as a mochawesome report. The usual case (`stats` an
 * object, `results` an array) is checked by hand; zod (`Mochawesome`) judges — and explains in an
 * `invalid` issue — the rest (then `null`).
 */
export function readMochawesomeDocument(
  doc: JsonObject,
  meta: ArtifactMeta,
  limits: Limits,
  issues: ParseIssue[],
): Report | null {
  const stats = own(doc, "stats");
  const results = own(doc, "results");
  if (isRecord(stats) && Array.isArray(results)) return readMochawesome(stats, results, meta, limits, issues);
  const parsed = Mochawesome.safeParse(doc);
  if (!parsed.success) {
    issues.push(issue(meta, "invalid", `not a mochawesome report: ${summarize(parsed.error)}`));
    return null;
  }
  return readMochawesome(parsed.data.stats, parsed.data.results, meta, limits, issues);
}
