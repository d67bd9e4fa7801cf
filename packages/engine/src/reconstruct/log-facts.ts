/**
 * What the runner log says about the run (R1, R17, R30, W7): spec starts and `(Results)` per host,
 * failed tests, renderer crashes, footers, cancellation, run URLs, and which host the log shows
 * running now. Positions are indexes into the log in log order (file, line). Pure.
 */
import type { RunnerLogObservation } from "@atvm-watch/artifacts";
import type { AttemptLine } from "./flaky.ts";

/** A `test-failed` line of the runner log. */
export interface TestFailedLine {
  readonly pos: number;
  readonly host: string;
  readonly step: number | null;
  readonly title: string;
  readonly message: string;
}

/** A `(Run Finished)` footer of the runner log. */
export interface Footer {
  readonly pos: number;
  readonly allPassed: boolean | null;
  readonly failedSpecs: number | null;
  readonly totalSpecs: number | null;
  /** Hosts with log lines in the footer's segment (since the last `batch-started`). */
  readonly segmentHosts: readonly string[];
}

/** The runner log's facts, as {@link logFacts} reads them. */
export interface LogFacts {
  readonly logFile: string | null;
  readonly urls: string[];
  readonly hostsInLogOrder: string[];
  readonly lastStarted: Map<string, number>;
  readonly lastResult: Map<
    string,
    { pos: number; counts: { total: number; passed: number; failed: number; skipped: number } }
  >;
  readonly testFailed: TestFailedLine[];
  /** `(Attempt N of M) <title>` lines with a host (Cypress retries; flaky evidence). */
  readonly attempts: AttemptLine[];
  readonly crashHosts: (string | null)[];
  readonly crashed: Set<string>;
  /** What crashed, per crash host (first crash wins): `a renderer crash`, `the Cypress Test Runner exiting on signal SIGILL`. */
  readonly crashWhat: Map<string | null, CrashWhat>;
  /** Runner-log anomalies (R31), one per distinct message, with how often it was seen. */
  readonly anomalies: { message: string; count: number }[];
  readonly footers: Footer[];
  readonly cancelReasons: string[];
  /** The host of the latest `spec-started` with no later result or footer. */
  readonly runningHost: string | null;
  /** The last position where the runner moved on: a spec start, footer or batch end. */
  readonly lastMovePos: number;
  /** `true` when the log's latest event is a footer or batch end (nothing runs now per the log). */
  readonly logIdle: boolean;
}

/** The running state of the fold over the log. */
interface Fold {
  readonly urls: string[];
  readonly hostsInLogOrder: string[];
  readonly seen: Set<string>;
  readonly lastStarted: Map<string, number>;
  readonly lastResult: LogFacts["lastResult"];
  readonly testFailed: TestFailedLine[];
  readonly attempts: AttemptLine[];
  readonly crashHosts: (string | null)[];
  readonly crashed: Set<string>;
  readonly crashWhat: Map<string | null, CrashWhat>;
  readonly anomalies: { message: string; count: number }[];
  readonly footers: Footer[];
  readonly cancelReasons: string[];
  segmentHosts: string[];
  segmentSeen: Set<string>;
  lastMove: number;
  lastStartPos: number;
  lastStartHost: string | null;
  lastEndPos: number;
}

/** Folds the runner log (in log order) into its facts. */
export function logFacts(log: readonly RunnerLogObservation[]): LogFacts {
  const f: Fold = {
    urls: [],
    hostsInLogOrder: [],
    seen: new Set(),
    lastStarted: new Map(),
    lastResult: new Map(),
    testFailed: [],
    attempts: [],
    crashHosts: [],
    crashed: new Set(),
    crashWhat: new Map(),
    anomalies: [],
    footers: [],
    cancelReasons: [],
    segmentHosts: [],
    segmentSeen: new Set(),
    lastMove: -1,
    lastStartPos: -1,
    lastStartHost: null,
    lastEndPos: -1,
  };
  for (const [pos, o] of log.entries()) foldLine(f, o, pos);
  let runningHost: string | null = null;
  if (f.lastStartHost !== null && f.lastEndPos < f.lastStartPos) {
    const result = f.lastResult.get(f.lastStartHost);
    if (result === undefined || result.pos < f.lastStartPos) runningHost = f.lastStartHost;
  }
  return {
    logFile: log[0]?.file ?? null,
    urls: f.urls,
    hostsInLogOrder: f.hostsInLogOrder,
    lastStarted: f.lastStarted,
    lastResult: f.lastResult,
    testFailed: f.testFailed,
    attempts: f.attempts,
    crashHosts: f.crashHosts,
    crashed: f.crashed,
    crashWhat: f.crashWhat,
    anomalies: f.anomalies,
    footers: f.footers,
    cancelReasons: f.cancelReasons,
    runningHost,
    lastMovePos: f.lastMove,
    logIdle: f.lastEndPos > f.lastStartPos,
  };
}

function seeHost(f: Fold, host: string | null): void {
  if (host === null) return;
  if (!f.seen.has(host)) {
    f.seen.add(host);
    f.hostsInLogOrder.push(host);
  }
  if (!f.segmentSeen.has(host)) {
    f.segmentSeen.add(host);
    f.segmentHosts.push(host);
  }
}

function foldLine(f: Fold, o: RunnerLogObservation, pos: number): void {
  switch (o.kind) {
    case "run-url":
      if (!f.urls.includes(o.url)) f.urls.push(o.url);
      break;
    case "spec-started":
      seeHost(f, o.host);
      f.lastMove = pos;
      f.lastStartPos = pos;
      f.lastStartHost = o.host;
      if (o.host !== null) f.lastStarted.set(o.host, pos);
      break;
    case "spec-result":
      seeHost(f, o.host);
      if (o.host !== null) f.lastResult.set(o.host, { pos, counts: o.counts });
      break;
    case "test-failed":
      seeHost(f, o.host);
      if (o.host !== null)
        f.testFailed.push({ pos, host: o.host, step: o.step, title: o.title, message: o.message });
      break;
    case "renderer-crash":
      seeHost(f, o.host);
      if (!f.crashHosts.includes(o.host)) f.crashHosts.push(o.host);
      if (o.host !== null) f.crashed.add(o.host);
      if (!f.crashWhat.has(o.host)) f.crashWhat.set(o.host, crashWhat(o.process, o.signal ?? null));
      if (o.process === "test-runner") {
        // The Cypress process itself is gone: nothing runs any more (the host does not stay RUNNING).
        f.lastMove = pos;
        f.lastEndPos = pos;
      }
      break;
    case "anomaly": {
      const seen = f.anomalies.find((a) => a.message === o.message);
      if (seen === undefined) f.anomalies.push({ message: o.message, count: 1 });
      else seen.count += 1;
      break;
    }
    case "attempt":
      seeHost(f, o.host);
      if (o.host !== null) f.attempts.push({ pos, host: o.host, attempt: o.attempt, title: o.title });
      break;
    case "run-finished":
      f.footers.push({
        pos,
        allPassed: o.allPassed,
        failedSpecs: o.failedSpecs,
        totalSpecs: o.totalSpecs,
        segmentHosts: [...f.segmentHosts],
      });
      f.lastMove = pos;
      f.lastEndPos = pos;
      break;
    case "run-cancelled":
      if (!f.cancelReasons.includes(o.reason)) f.cancelReasons.push(o.reason);
      break;
    case "batch-started":
      f.segmentHosts = [];
      f.segmentSeen = new Set();
      break;
    case "batch-finished":
      f.lastMove = pos;
      f.lastEndPos = pos;
      break;
  }
}

/** How a crash reads in NOTES (`what`) and as a failure title (`title`), R17/T1 class `crash`. */
export interface CrashWhat {
  readonly what: string;
  readonly title: string;
}

function crashWhat(
  process: "renderer" | "browser" | "test-runner" | undefined,
  signal: string | null,
): CrashWhat {
  const on = signal === null ? "" : ` (signal ${signal})`;
  if (process === "test-runner") {
    return {
      what: `the Cypress Test Runner exiting${signal === null ? "" : ` on signal ${signal}`}`,
      title: `Test Runner exited unexpectedly${on}`,
    };
  }
  if (process === "browser")
    return { what: `a browser process crash${on}`, title: `Browser process crashed${on}` };
  return { what: "a renderer crash", title: "Renderer process crashed" };
}
