/**
 * Per-host evidence for reconstruction (R11, R17, R27, R33, W7): the run window, the order of
 * same-host results, same-attempt merging of JUnit and reporter JSON, and failure descriptions.
 * Internal to the engine (re-exported selectively by `reconstruct/index.ts`). Pure.
 */
import {
  type BookkeepingObservation,
  type EpochMs,
  type HostResultObservation,
  listedPassedCount,
  listedTestcaseCount,
  type OmittedTestcases,
  parseStepTitle,
  type TestCounts,
  type TestcaseResult,
  type TestFailure,
} from "@atvm-watch/artifacts";
import type { FailureDescription, ReportedStep } from "../domain.ts";
import { testFailureClass } from "./classify.ts";

/**
 * Two results of one host whose run timestamps are at most this far apart (ms) describe the same
 * attempt (a JUnit XML and the reporter JSON of one spec run). Two real attempts of a spec are
 * minutes apart; JUnit timestamps are truncated to whole seconds.
 */
export const SAME_ATTEMPT_TOLERANCE_MS = 10_000;

/** Longest failure message kept (characters); the renderer shortens further (R17). */
export const FAILURE_MESSAGE_MAX_CHARS = 300;

/** What one result says about its host (W7): never PASS from presence. */
export type EvidenceVerdict = "pass" | "fail" | "partial" | "empty";

/**
 * The verdict of a parsed result (W7): `fail` when any test (or hook) failed, or when an artifact
 * that lists testcases declares more tests than it accounts for (a {@link declaredShortfall}: a
 * JUnit `tests=` above its testcases from a producer other than mocha-junit-reporter, whose
 * omitted pending tests the parser already counts as skipped; the missing ones may be failures);
 * `empty` for a suite with no tests; `partial` when nothing was executed (all pending) or an
 * unfinished artifact still has pending tests; `pass` only with ≥1 executed passing test and no
 * failure. Runner-log `(Results)` counts come without testcases, so the shortfall rule does not
 * apply to them. `omitted` (a compacted result's, artifacts `compactHostResult`) counts as listed.
 */
export function verdictOf(
  counts: TestCounts,
  testcases: readonly TestcaseResult[],
  finishedAt: EpochMs | null,
  omitted?: OmittedTestcases,
): EvidenceVerdict {
  const listed = omitted === undefined ? { testcases } : { testcases, omitted };
  const count = listedTestcaseCount(listed);
  if (counts.failed > 0 || testcases.some((tc) => tc.state === "failed")) return "fail";
  if (count > 0 && declaredShortfall(counts) > 0) return "fail";
  if (counts.total === 0 && count === 0) return "empty";
  const passed = Math.max(counts.passed, listedPassedCount(listed));
  if (passed === 0) return "partial";
  if (finishedAt === null && counts.skipped > 0) return "partial";
  return "pass";
}

/**
 * Declared tests a result does not account for: `total − passed − failed − skipped`, at least 0.
 * Non-zero when a JUnit testsuite's `tests=` exceeds its testcases and the parser did not count
 * the difference as skipped (it does so only for mocha-junit-reporter output, whose pending
 * tests are omitted on purpose).
 */
export function declaredShortfall(counts: TestCounts): number {
  return Math.max(0, counts.total - counts.passed - counts.failed - counts.skipped);
}

/**
 * A time written in a file name (R33: an artifact file-name timestamp counts as a run timestamp;
 * the file mtime never does): `2026-03-27T10-11-12`, `2026-03-27_10:11:12`, `20260327-101112`,
 * `20260327T101112` (all UTC), or a 13-digit epoch-ms number. `null` when the base name has none.
 */
export function fileNameTimestamp(path: string): EpochMs | null {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const iso = /(?<![0-9A-Za-z])(\d{4})-(\d{2})-(\d{2})[T_ ](\d{2})[-:](\d{2})[-:](\d{2})(?![0-9])/.exec(base);
  const compact = /(?<![0-9A-Za-z])(\d{4})(\d{2})(\d{2})[-_T](\d{2})(\d{2})(\d{2})(?![0-9A-Za-z])/.exec(base);
  const parts = iso ?? compact;
  if (parts !== null) {
    const [y, mo, d, h, mi, s] = parts.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 60) {
      return Date.UTC(y, mo - 1, d, h, mi, s);
    }
  }
  const epoch = /(?<![0-9A-Za-z])(\d{13})(?![0-9A-Za-z])/.exec(base);
  if (epoch !== null) {
    const ms = Number(epoch[1]);
    if (ms >= Date.UTC(2001, 0, 1) && ms < Date.UTC(2100, 0, 1)) return ms;
  }
  return null;
}

/** The run timestamp of a host result (R33): its start, else its end, else its file-name time; never mtime. */
export function resultTime(obs: HostResultObservation): EpochMs | null {
  return obs.startedAt ?? obs.finishedAt ?? fileNameTimestamp(obs.file);
}

/** The finalization timestamp of a bookkeeping XML (R33): its end, else its start, else its file-name time. */
export function bookkeepingTime(obs: BookkeepingObservation): EpochMs | null {
  return obs.finishedAt ?? obs.startedAt ?? fileNameTimestamp(obs.file);
}

/**
 * `true` when an artifact with run timestamp `at` belongs to the run (R33): at or after the run
 * start. An artifact without a timestamp is kept (ordered last, R11); with no run start, all are kept.
 */
export function inRunWindow(at: EpochMs | null, runStartMs: EpochMs | null): boolean {
  return at === null || runStartMs === null || at >= runStartMs;
}

/**
 * Orders same-host results most recent first (R11): results with a run timestamp before those
 * without, then by run timestamp, then file mtime (a tie-breaker only), then path, then JUnit first.
 */
export function compareRecency(a: HostResultObservation, b: HostResultObservation): number {
  const ta = resultTime(a);
  const tb = resultTime(b);
  if ((ta === null) !== (tb === null)) return ta === null ? 1 : -1;
  if (ta !== null && tb !== null && ta !== tb) return tb - ta;
  const ma = a.mtimeMs ?? Number.NEGATIVE_INFINITY;
  const mb = b.mtimeMs ?? Number.NEGATIVE_INFINITY;
  if (ma !== mb) return mb > ma ? 1 : -1;
  if (a.file !== b.file) return a.file < b.file ? 1 : -1;
  return sourceRank(a) - sourceRank(b);
}

/** One spec run of a host: its results (JUnit first), merged (R27). */
export interface Attempt {
  readonly results: readonly HostResultObservation[];
  readonly verdict: EvidenceVerdict;
  readonly time: EpochMs | null;
  readonly startedAt: EpochMs | null;
  readonly finishedAt: EpochMs | null;
  readonly durationMs: number | null;
}

/**
 * Groups one host's same-run results into attempts, most recent first (R11). Results whose run
 * timestamps are within {@link SAME_ATTEMPT_TOLERANCE_MS} of an attempt's newest result join it;
 * results without a timestamp are attempts of their own, ordered last. Inside an attempt the
 * JUnit XML comes first (steps), and the verdict is `fail` when any result failed, else the best
 * of the others (R27: a reporter JSON stands in when the XML is missing or empty).
 */
export function groupAttempts(results: readonly HostResultObservation[]): readonly Attempt[] {
  const sorted = [...results].sort(compareRecency);
  const groups: HostResultObservation[][] = [];
  for (const obs of sorted) {
    const t = resultTime(obs);
    const last = groups[groups.length - 1];
    const anchor = last === undefined ? null : resultTime(last[0] as HostResultObservation);
    if (last !== undefined && t !== null && anchor !== null && anchor - t <= SAME_ATTEMPT_TOLERANCE_MS) {
      last.push(obs);
    } else {
      groups.push([obs]);
    }
  }
  return groups.map(toAttempt);
}

/** The failure description of a failed attempt (R17), from JUnit steps and the richer message; `null` when no failing test is recorded. */
export function attemptFailure(attempt: Attempt): FailureDescription | null {
  let chosen: { tc: TestcaseResult; obs: HostResultObservation } | null = null;
  for (const obs of attempt.results) {
    const tc = obs.testcases.find((c) => c.state === "failed");
    if (tc !== undefined) {
      chosen = { tc, obs };
      break;
    }
  }
  if (chosen === null) return shortfallFailure(attempt);
  const { step, title } = stepAndTitle(chosen.tc);
  // The richer message among the attempt's results for the same failing test (JUnit wins ties).
  let message = "";
  let source: FailureDescription["source"] = sourceKind(chosen.obs);
  let failure: TestFailure | undefined = chosen.tc.failure;
  for (const obs of attempt.results) {
    const tc =
      obs.testcases.find(
        (c) => c.state === "failed" && stepAndTitle(c).step === step && stepAndTitle(c).title === title,
      ) ?? obs.testcases.find((c) => c.state === "failed");
    if (tc?.failure === undefined) continue;
    const text = meaningfulMessage(tc.failure);
    if (text.length > message.length) {
      message = text;
      source = sourceKind(obs);
      failure = tc.failure;
    }
  }
  const cls = failure === undefined ? undefined : testFailureClass(failure, message);
  return { step, title, message, source, ...(cls === undefined ? {} : { class: cls }) };
}

/**
 * The failure of an attempt whose only failure is a declared shortfall (W7): no failing testcase,
 * but the artifact declares tests it does not hold. `null` when no result of the attempt has one.
 */
function shortfallFailure(attempt: Attempt): FailureDescription | null {
  for (const obs of attempt.results) {
    const missing = listedTestcaseCount(obs) > 0 ? declaredShortfall(obs.counts) : 0;
    if (missing === 0) continue;
    return {
      step: null,
      title: "declared tests missing",
      message: `${obs.file} declares ${obs.counts.total} tests but accounts for ${obs.counts.total - missing}; the ${missing} missing may have failed`,
      source: sourceKind(obs),
    };
  }
  return null;
}

/**
 * The last step an unfinished attempt reported (its last passed or failed test, hooks naming the
 * test they ran for), or `null` when it reported none.
 */
export function lastReportedStep(attempt: Attempt): ReportedStep | null {
  for (const obs of attempt.results) {
    if (obs.unfinished !== true) continue;
    const last = obs.testcases.findLast((tc) => tc.state === "passed" || tc.state === "failed");
    if (last === undefined) continue;
    const { step, title } = stepAndTitle(last);
    return { step, title, state: last.state as ReportedStep["state"] };
  }
  return null;
}

/** The step and title of a failing testcase; a hook failure names the step of the test it ran for (R17). */
export function stepAndTitle(tc: TestcaseResult): { step: number | null; title: string } {
  const hookFor = /hook for "(.+)"\s*$/.exec(tc.title) ?? /hook for "(.+)"/.exec(tc.fullTitle);
  if (tc.failure?.hook !== undefined && hookFor !== null) {
    const parsed = parseStepTitle(hookFor[1] as string);
    return { step: tc.step ?? parsed.step, title: parsed.title };
  }
  return { step: tc.step, title: tc.title };
}

/**
 * The first meaningful line(s) of a failure (R17): the message, else the stack's text, with stack
 * frames (`at …`), Cypress section headers and docs links removed, joined by spaces and cut to
 * {@link FAILURE_MESSAGE_MAX_CHARS} characters (with `…`).
 */
export function meaningfulMessage(failure: Pick<TestFailure, "message" | "stack">): string {
  const fromMessage = cleanLines(failure.message);
  return clip(fromMessage.length > 0 ? fromMessage : cleanLines(failure.stack ?? ""));
}

/** Trims a runner-log failure text the same way as {@link meaningfulMessage}. */
export function meaningfulText(text: string): string {
  return clip(cleanLines(text));
}

/** `junit` or `reporter-json`: the `FailureDescription.source` of a result. */
export function sourceKind(obs: HostResultObservation): FailureDescription["source"] {
  return obs.source === "junit" ? "junit" : "reporter-json";
}

// --- internal helpers ---

function sourceRank(obs: HostResultObservation): number {
  return obs.source === "junit" ? 0 : obs.source === "mochawesome" ? 1 : obs.source === "mocha-json" ? 2 : 3;
}

function toAttempt(group: readonly HostResultObservation[]): Attempt {
  const results = [...group].sort((a, b) => sourceRank(a) - sourceRank(b) || compareRecency(a, b));
  // An unfinished event log (json-stream without `end`) is never final, whatever it holds so far (W7).
  const verdicts = results.map((r) =>
    r.unfinished === true ? "partial" : verdictOf(r.counts, r.testcases, r.finishedAt, r.omitted),
  );
  const verdict: EvidenceVerdict = verdicts.includes("fail")
    ? "fail"
    : verdicts.includes("pass")
      ? "pass"
      : verdicts.includes("partial")
        ? "partial"
        : "empty";
  const starts = results.map((r) => r.startedAt).filter((t): t is number => t !== null);
  const ends = results.map((r) => r.finishedAt).filter((t): t is number => t !== null);
  // R33: reporter metadata first, else a file-name timestamp; never the mtime.
  const named = results.map((r) => fileNameTimestamp(r.file)).filter((t): t is number => t !== null);
  const startedAt = starts.length > 0 ? Math.min(...starts) : named.length > 0 ? Math.min(...named) : null;
  const finishedAt = ends.length > 0 ? Math.max(...ends) : null;
  const recorded = results.find((r) => r.durationMs !== null)?.durationMs ?? null;
  const durationMs =
    recorded ?? (startedAt !== null && finishedAt !== null ? Math.max(0, finishedAt - startedAt) : null);
  return {
    results,
    verdict,
    time: resultTime(results[0] as HostResultObservation),
    startedAt,
    finishedAt,
    durationMs,
  };
}

const NOISE_LINES: readonly RegExp[] = [
  /^at\s/,
  /^From (Your Spec Code|Node\.js Internals|previous event|Cypress)/i,
  /^https?:\/\/on\.cypress\.io\//,
  /^Learn more:?/i,
  /^[-=+]{3,}/,
  /^\s*\+ expected - actual\s*$/,
];

function cleanLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !NOISE_LINES.some((re) => re.test(line)))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

function clip(text: string): string {
  return text.length <= FAILURE_MESSAGE_MAX_CHARS
    ? text
    : `${text.slice(0, FAILURE_MESSAGE_MAX_CHARS - 1).trimEnd()}…`;
}
