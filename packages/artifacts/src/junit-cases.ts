/**
 * JUnit records (from either reader) → suites and testcase results (R17): step numbers, hook
 * failures, failure message/type/stack, durations. Pure.
 */

import type { TestcaseDetail } from "./compact.ts";
import { flat } from "./flat.ts";
import type { JunitCaseRecord, JunitFailureRecord, JunitSuiteRecord } from "./junit-fast.ts";
import { rawElementText } from "./junit-scan.ts";
import { capText, cleanText, isTimeoutMessage, parseHookTitle, STEP_AT_START } from "./reporter-common.ts";
import { parseStepTitle, parseUtcTimestamp, secondsToMs } from "./text.ts";
import type { EpochMs, TestcaseResult, TestFailure } from "./types.ts";

/** A `<testsuite>` with its testcases read. */
export interface Suite {
  readonly name: string;
  readonly file: string | null;
  /** Nesting below the document's top-level suites (0 = top level; a nested generic suite is 1+). */
  readonly depth: number;
  readonly startedAt: EpochMs | null;
  readonly finishedAt: EpochMs | null;
  readonly declaredTests: number | null;
  readonly testcases: readonly ReadCase[];
}

/** A testcase plus the text its host may be recovered from. */
export interface ReadCase {
  readonly result: TestcaseResult;
  readonly names: string;
}

/**
 * One suite record read: times from `timestamp=` (UTC, no `Z`) and `time=` (seconds), `tests=`
 * when an integer. A present but unreadable `timestamp=` (`99999-01-01T00:00:00`) or `time=`
 * (`-3`, `x`) on the suite or a testcase is dropped from the times and reported through `problem`
 * (one sentence naming the value), never silently (the rest of the file still reads).
 */
export function toSuite(
  record: JunitSuiteRecord,
  maxStack: number,
  problem: (text: string) => void,
  detail: TestcaseDetail = "all",
): Suite {
  const startedAt = parseUtcTimestamp(record.timestamp);
  const timeMs = secondsToMs(record.time);
  const tests = record.tests;
  const where = `testsuite "${record.name ?? ""}"`;
  if (startedAt === null) unreadable(record.timestamp, `${where} timestamp=`, "a UTC ISO-8601 time", problem);
  if (timeMs === null) unreadable(record.time, `${where} time=`, "non-negative seconds", problem);
  return {
    name: record.name ?? "",
    file: record.file === undefined ? null : flat(record.file),
    depth: record.depth,
    startedAt,
    finishedAt: startedAt !== null && timeMs !== null ? startedAt + timeMs : null,
    declaredTests: tests !== undefined && /^\s*\d+\s*$/.test(tests) ? Number(tests) : null,
    testcases: record.testcases.map((c) => {
      const read = toCase(c, maxStack, detail);
      if (read.result.durationMs === null)
        unreadable(c.time, `testcase "${c.name ?? ""}" in ${where}: time=`, "non-negative seconds", problem);
      return read;
    }),
  };
}

/** Reports a present, non-blank attribute value that did not read as `expected`. */
function unreadable(
  value: string | undefined,
  what: string,
  expected: string,
  problem: (text: string) => void,
): void {
  if (value === undefined || value.trim() === "") return;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  problem(`${what}"${shown}" is not ${expected}; ignored`);
}

/**
 * Reads one testcase. The attribute carrying the test's own `N. title` is `classname` by
 * default (mocha-junit-reporter: `name` = fullTitle, `classname` = title) and `name` in
 * jenkinsMode / `testCaseSwitchClassnameAndName`; a hook failure names its test in either.
 * With `detail` `"notable"` a testcase that did not fail is left out of the observation
 * (`compact.ts` `compactHostResult`: JUnit records no retries), so only what outlives it is read —
 * its state, duration and the names its host may be recovered from — and its title is left empty;
 * only a failed testcase's strings are copied flat ({@link flat}).
 */
function toCase(record: JunitCaseRecord, maxStack: number, detail: TestcaseDetail): ReadCase {
  const name = cleanText(record.name ?? "");
  const classname = cleanText(record.classname ?? "");
  if (detail === "notable" && record.failure === undefined) {
    const state = record.skipped || record.status === "disabled" ? "skipped" : "passed";
    const result: TestcaseResult = {
      step: null,
      title: "",
      fullTitle: "",
      state,
      durationMs: secondsToMs(record.time),
    };
    return { result, names: `${name}\n${classname}` };
  }
  const hook = parseHookTitle(classname) ?? parseHookTitle(name);
  let titleText: string;
  let other: string;
  if (hook === null && STEP_AT_START.test(classname)) [titleText, other] = [classname, name];
  else if (hook === null && STEP_AT_START.test(name)) [titleText, other] = [name, classname];
  else if (classname !== "" && name.endsWith(classname)) [titleText, other] = [classname, name];
  else [titleText, other] = [name, classname];
  const stepTitle = parseStepTitle(hook === null ? titleText : (hook.test ?? hook.title));
  const fullTitle =
    other === "" || other === titleText
      ? titleText
      : other.endsWith(titleText)
        ? other
        : `${other} ${titleText}`;

  let state: TestcaseResult["state"] = "passed";
  let failure: TestFailure | undefined;
  if (record.failure !== undefined) {
    state = "failed";
    failure = toFailure(record.failure, maxStack, hook?.hook);
  } else if (record.skipped || record.status === "disabled") {
    // `status="disabled"` (JUnit 5 console launcher / Jenkins XSD `status`): the test did not run.
    state = "skipped";
  }
  const result: TestcaseResult = {
    step: stepTitle.step,
    title: flat(stepTitle.title),
    fullTitle: flat(fullTitle),
    state,
    durationMs: secondsToMs(record.time),
    ...(failure === undefined ? {} : { failure }),
  };
  return { result, names: `${name}\n${classname}` };
}

function toFailure(
  record: JunitFailureRecord,
  maxStack: number,
  hook: TestFailure["hook"] | undefined,
): TestFailure {
  const message = capText(cleanText(record.message ?? ""), maxStack);
  const type = record.type;
  const stack =
    record.body !== undefined
      ? capText(cleanText(rawElementText(record.body, maxStack)).trim(), maxStack)
      : "";
  const timedOut = isTimeoutMessage(message !== "" ? message : stack.slice(0, 500));
  return {
    message: flat(message),
    ...(type !== undefined && type !== "" ? { type: flat(type) } : {}),
    ...(stack !== "" ? { stack: flat(stack) } : {}),
    ...(hook !== undefined ? { hook } : {}),
    ...(timedOut ? { timedOut } : {}),
  };
}
