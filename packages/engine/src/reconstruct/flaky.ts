/**
 * Flaky evidence (issue 10): a PASS host that passed only after a failed attempt. Cypress retries
 * are invisible in JUnit (mocha-junit-reporter writes the final attempt only; cypress#8372), so
 * they are read from, strongest first:
 * 1. `reporter-json`: a testcase of the used attempt with `retries` (mocha `json`/`json-stream`
 *    `currentRetry` of the final attempt): it took `retries + 1` attempts;
 * 2. `runner-log`: `(Attempt N of M) <title>` console lines (the Cypress spec reporter prints one
 *    per failed attempt, then the passing `✓ <title>` line) after the host's last spec start: the
 *    test took `max N + 1` attempts;
 * 3. `same-run-results`: an earlier same-run result of the host's spec failed and the latest
 *    passed (the spec was re-run): `attempts` = the spec's counted runs.
 * Only PASS hosts are flaky (ctrf.io: flaky = final status passed after at least one failed
 * attempt). Pure.
 */
import { parseStepTitle } from "@atvm-watch/artifacts";
import type { FlakyEvidence, FlakyTest } from "../domain.ts";
import type { Attempt } from "./evidence.ts";

/** An `(Attempt N of M) <title>` console line, as the log facts keep it. */
export interface AttemptLine {
  /** Position in the log (log order). */
  readonly pos: number;
  readonly host: string;
  /** The attempt the line reports (1-based). */
  readonly attempt: number;
  readonly title: string;
}

/** Most retried tests kept per host. */
export const FLAKY_TESTS_MAX = 20;

const byStep = (a: FlakyTest, b: FlakyTest): number =>
  (a.step ?? Number.MAX_SAFE_INTEGER) - (b.step ?? Number.MAX_SAFE_INTEGER) ||
  (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);

function collect(into: Map<string, FlakyTest>, test: FlakyTest): void {
  const key = `${test.step ?? "-"}\u0000${test.title}`;
  const seen = into.get(key);
  if (seen === undefined || seen.attempts < test.attempts) into.set(key, test);
}

function evidenceOf(tests: Map<string, FlakyTest>, source: FlakyEvidence["source"]): FlakyEvidence | null {
  if (tests.size === 0) return null;
  const list = [...tests.values()].sort(byStep);
  return {
    attempts: Math.max(...list.map((t) => t.attempts)),
    tests: list.slice(0, FLAKY_TESTS_MAX),
    source,
  };
}

/** Retried tests of the used attempt, from reporter `currentRetry`. */
function fromReporter(used: Attempt): FlakyEvidence | null {
  const tests = new Map<string, FlakyTest>();
  for (const result of used.results) {
    for (const tc of result.testcases) {
      if (tc.state !== "passed" || tc.retries === undefined || tc.retries < 1) continue;
      collect(tests, { step: tc.step, title: tc.title, attempts: tc.retries + 1 });
    }
  }
  return evidenceOf(tests, "reporter-json");
}

/** Retried tests of the host's last spec run, from console `(Attempt N of M)` lines. */
function fromConsole(host: string, lines: readonly AttemptLine[], lastStart: number): FlakyEvidence | null {
  const tests = new Map<string, FlakyTest>();
  for (const line of lines) {
    if (line.host !== host || line.pos < lastStart || line.attempt < 1) continue;
    const parsed = parseStepTitle(line.title);
    collect(tests, { step: parsed.step, title: parsed.title, attempts: line.attempt + 1 });
  }
  return evidenceOf(tests, "runner-log");
}

/**
 * The flaky evidence of a host that is PASS, or `null` when it passed at its first attempt.
 * `used` is the attempt the PASS came from (`undefined` when it came from the runner log's
 * `(Results)`), `counted` the host's non-empty same-run attempts, most recent first; `lastStart`
 * the log position of the host's last spec start (−1 when none).
 */
export function flakyEvidence(
  host: string,
  used: Attempt | undefined,
  counted: readonly Attempt[],
  attemptLines: readonly AttemptLine[],
  lastStart: number,
): FlakyEvidence | null {
  const reporter = used === undefined ? null : fromReporter(used);
  if (reporter !== null) return reporter;
  const console = fromConsole(host, attemptLines, lastStart);
  if (console !== null) return console;
  if (used !== undefined && counted[0] === used && counted.slice(1).some((a) => a.verdict === "fail")) {
    return { attempts: counted.length, tests: [], source: "same-run-results" };
  }
  return null;
}
