/**
 * Compact host results (issue 11 P4: a 2,000-host run lists ~2 M testcases, almost all passed, and
 * a watcher keeps every one of them for hours). Pure.
 *
 * What reconstruction reads of `HostResultObservation.testcases` (engine `reconstruct/evidence.ts`,
 * `reconstruct/flaky.ts`): the failed testcases (the FAIL line's step, title, message and class,
 * R17), the retried ones (flaky evidence from `currentRetry`), the last reported step of an
 * `unfinished` result, and otherwise only how many testcases the artifact listed and how many of
 * them passed (the W7 verdict). A compacted result keeps those testcases and counts the others in
 * `omitted`; the counts (`counts`) are the full list's.
 */

import type { HostResultObservation, OmittedTestcases, TestcaseResult } from "./types.ts";

/**
 * Which testcases a parser lists in its host results:
 * - `"all"` (the parsers' default): every testcase, in document order;
 * - `"notable"`: only those reconstruction reads ({@link isNotableTestcase}; every testcase of an
 *   `unfinished` result), the rest counted in `HostResultObservation.omitted` — what the collector
 *   asks for, since it keeps results for as long as it runs.
 */
export type TestcaseDetail = "all" | "notable";

/** `true` for a testcase a compacted result keeps: failed (hook failures included), or retried (`retries` ≥ 1). */
export function isNotableTestcase(tc: TestcaseResult): boolean {
  return tc.state === "failed" || (tc.retries !== undefined && tc.retries > 0);
}

/**
 * `obs` with only its notable testcases ({@link isNotableTestcase}) and the others counted in
 * `omitted` (added to any earlier `omitted`); `obs` itself when nothing would be left out or the
 * result is `unfinished` (its last reported step is read from the full list).
 */
export function compactHostResult(obs: HostResultObservation): HostResultObservation {
  if (obs.unfinished === true) return obs;
  let passed = 0;
  let skipped = 0;
  for (const tc of obs.testcases) {
    if (isNotableTestcase(tc)) continue;
    if (tc.state === "passed") passed++;
    else skipped++;
  }
  if (passed + skipped === 0) return obs;
  return {
    ...obs,
    testcases: obs.testcases.filter(isNotableTestcase),
    omitted: { passed: passed + (obs.omitted?.passed ?? 0), skipped: skipped + (obs.omitted?.skipped ?? 0) },
  };
}

/** Testcases the artifact listed: `testcases` plus those a compacted result left out. */
export function listedTestcaseCount(obs: {
  readonly testcases: readonly TestcaseResult[];
  readonly omitted?: OmittedTestcases;
}): number {
  return obs.testcases.length + (obs.omitted === undefined ? 0 : obs.omitted.passed + obs.omitted.skipped);
}

/** Passed testcases the artifact listed: those in `testcases` plus those a compacted result left out. */
export function listedPassedCount(obs: {
  readonly testcases: readonly TestcaseResult[];
  readonly omitted?: OmittedTestcases;
}): number {
  let passed = obs.omitted?.passed ?? 0;
  for (const tc of obs.testcases) if (tc.state === "passed") passed++;
  return passed;
}
