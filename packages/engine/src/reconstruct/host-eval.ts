/**
 * One host's status from its same-run attempts and the runner log's facts (R11, R17, R27, W7).
 * The order of evidence, first match wins:
 * 1. a parsed same-run result (PASS/FAIL), unless the log shows the host's spec started again
 *    after its last `(Results)` (a re-run: RUNNING);
 * 2. the runner log's `(Results)` for the host;
 * 3. a failure or renderer crash the runner moved on from (FAIL);
 * 4. live evidence (a partial artifact, the log's running host, the live `current_vm`, an
 *    incomplete artifact): RUNNING; else NOT STARTED.
 * Pure.
 */
import { type EpochMs, hostsIn, type ParseIssue } from "@atvm-watch/artifacts";
import type { FailureDescription, FlakyEvidence, HostStatus, ReportedStep } from "../domain.ts";
import { rendererCrashFailure, withCrashClass } from "./classify.ts";
import {
  type Attempt,
  attemptFailure,
  lastReportedStep,
  meaningfulText,
  sourceKind,
  verdictOf,
} from "./evidence.ts";
import { flakyEvidence } from "./flaky.ts";
import type { LogFacts } from "./log-facts.ts";
import type { HostNotes } from "./notes.ts";
import type { ShownHosts } from "./shown-hosts.ts";
import { isoUtc, unique } from "./util.ts";

/** `FailureDescription.title` of a host whose spec ran an empty suite: the line reads `FAIL - no tests ran: …`. */
export const NO_TESTS_TITLE = "no tests ran";

/** `FailureDescription.class` of a host whose spec ran an empty suite (triage class `no-tests`). */
export const NO_TESTS_CLASS = "no-tests";

/** The evaluation of one host. Times are UTC ms. */
export interface HostEval {
  readonly status: HostStatus;
  readonly startedAt?: EpochMs;
  readonly finishedAt?: EpochMs;
  readonly durationMs?: number;
  readonly failure?: FailureDescription;
  /** The last step a RUNNING host reported (unfinished event log). */
  readonly lastStep?: ReportedStep;
  /** PASS only: passed after a failed attempt (`flaky.ts`). */
  readonly flaky?: FlakyEvidence;
  readonly evidence: readonly string[];
  /** Run timestamp of the attempt used (R33), for batch windows. */
  readonly time: EpochMs | null;
  /** The host ran or runs in this run (a same-run result or live evidence). */
  readonly hasEvidence: boolean;
}

/** Live hints about one host, and where its notes go. */
export interface HostLive {
  /** The live config's `current_vm` names this host and the log is not idle. */
  readonly liveCurrentVm: boolean;
  /** An artifact of this host is still being written (an `incomplete` parse issue). */
  readonly incomplete: boolean;
  readonly addNote: (note: string) => void;
}

/** What every step of one host's evaluation shares. */
interface HostContext {
  readonly host: string;
  readonly facts: LogFacts;
  readonly live: HostLive;
  /** The most recent attempt (an empty suite included). */
  readonly used: Attempt | undefined;
  /** Every same-run attempt, most recent first (an empty suite included). */
  readonly counted: readonly Attempt[];
  /** Files of every same-run attempt. */
  readonly evidence: readonly string[];
  readonly logEvidence: readonly string[];
}

/**
 * Evaluates every shown host. The live config's `current_vm` counts as live evidence only while
 * the log is not idle and the host is in the scope (or there is no scope, or it has results);
 * a host with an `incomplete` parse issue is live too.
 */
export function evaluateHosts(
  shown: ShownHosts,
  facts: LogFacts,
  currentVm: string | null,
  issues: readonly ParseIssue[],
  notes: HostNotes,
): Map<string, HostEval> {
  const incompleteHosts = new Set(
    issues.filter((i) => i.kind === "incomplete").flatMap((i) => hostsIn(i.file, shown.hosts)),
  );
  const currentVmLive =
    currentVm !== null &&
    !facts.logIdle &&
    (shown.scopeSet.size === 0 || shown.scopeSet.has(currentVm) || shown.extras.includes(currentVm));
  const evals = new Map<string, HostEval>();
  for (const host of shown.hosts) {
    evals.set(
      host,
      evaluateHost(host, shown.attemptsByHost.get(host) ?? [], facts, {
        liveCurrentVm: currentVmLive && currentVm === host,
        incomplete: incompleteHosts.has(host),
        addNote: (note) => notes.add(host, note),
      }),
    );
  }
  return evals;
}

/** Evaluates one host (see the module comment for the order of evidence). Never throws. */
export function evaluateHost(
  host: string,
  attempts: readonly Attempt[],
  facts: LogFacts,
  live: HostLive,
): HostEval {
  // The most recent attempt wins (R11), an empty suite too: it reads FAIL - no tests ran (W7).
  const used = attempts[0];
  const counted = attempts;
  const evidence = unique(counted.flatMap((a) => a.results.map((r) => r.file)));
  if (counted.length > 1 && used !== undefined) {
    const when = used.time === null ? "" : `, started ${isoUtc(used.time)}`;
    live.addNote(
      `${host} has ${counted.length} same-run results; the latest (${used.results[0]?.file ?? "?"}${when}) was used`,
    );
  }
  const ctx: HostContext = {
    host,
    facts,
    live,
    used,
    counted,
    evidence,
    logEvidence: facts.logFile === null ? [] : [facts.logFile],
  };
  return fromParsedResult(ctx) ?? fromLogResult(ctx) ?? fromMovedOn(ctx) ?? fromLiveEvidence(ctx);
}

/** The runner log's failure for the host: the first after its last start, else the first. */
function logFailure(ctx: HostContext): FailureDescription | null {
  const { facts, host } = ctx;
  const started = facts.lastStarted.get(host) ?? -1;
  const lines = facts.testFailed.filter((t) => t.host === host);
  const line = lines.find((t) => t.pos > started) ?? lines[0];
  if (line === undefined) return null;
  const failure: FailureDescription = {
    step: line.step,
    title: line.title,
    message: meaningfulText(line.message),
    source: "runner-log",
  };
  return withCrashClass(failure, facts.crashed.has(host));
}

/** The PASS evaluation, with its flaky evidence when it passed after a failed attempt. */
function passed(ctx: HostContext, used: Attempt | undefined, base: Omit<HostEval, "status">): HostEval {
  const flaky = flakyEvidence(
    ctx.host,
    used,
    ctx.counted,
    ctx.facts.attempts,
    ctx.facts.lastStarted.get(ctx.host) ?? -1,
  );
  return { status: "PASS", ...base, ...(flaky === null ? {} : { flaky }) };
}

function withCrash(ctx: HostContext, f: FailureDescription): FailureDescription {
  return withCrashClass(f, ctx.facts.crashed.has(ctx.host));
}

function times(a: Attempt): Pick<HostEval, "startedAt" | "finishedAt" | "durationMs"> {
  return {
    ...(a.startedAt === null ? {} : { startedAt: a.startedAt }),
    ...(a.finishedAt === null ? {} : { finishedAt: a.finishedAt }),
    ...(a.durationMs === null ? {} : { durationMs: a.durationMs }),
  };
}

/**
 * 1. A parsed same-run result (W7, R11, R27) — unless the runner log shows the host's spec
 * started again after the log's last result for it: a re-run is in progress, and the parsed
 * result is the earlier attempt's (W7: keep the real running state).
 */
function fromParsedResult(ctx: HostContext): HostEval | null {
  const { host, facts, used, evidence } = ctx;
  if (used === undefined || used.verdict === "partial") return null;
  const earlierLogResult = facts.lastResult.get(host);
  const rerunning =
    facts.runningHost === host &&
    earlierLogResult !== undefined &&
    earlierLogResult.pos < (facts.lastStarted.get(host) ?? -1);
  if (rerunning) {
    const ended = used.verdict === "pass" ? "PASS" : used.verdict === "empty" ? "with no tests" : "FAIL";
    ctx.live.addNote(`${host} is running again (re-run); its previous attempt ended ${ended}`);
    return {
      status: "RUNNING",
      evidence: unique([...evidence, ...ctx.logEvidence]),
      time: used.time,
      hasEvidence: true,
    };
  }
  const base = { evidence, time: used.time, hasEvidence: true, ...times(used) };
  if (used.verdict === "pass") return passed(ctx, used, base);
  if (used.verdict === "empty") return { status: "FAIL", ...base, failure: noTestsFailure(used) };
  let failure = attemptFailure(used);
  if (failure === null || failure.message === "") {
    const fromLog = logFailure(ctx);
    if (failure === null) failure = fromLog;
    else if (fromLog !== null && fromLog.message !== "")
      failure = { ...failure, message: fromLog.message, source: "runner-log" };
  }
  if (failure === null) ctx.live.addNote(`${host} failed, but its results name no failing test`);
  return { status: "FAIL", ...base, ...(failure === null ? {} : { failure: withCrash(ctx, failure) }) };
}

/**
 * The reading of a host whose latest attempt ran an empty suite (W7: never PASS): FAIL with the
 * title `no tests ran` and class `no-tests` (the triage class of the same name).
 */
function noTestsFailure(attempt: Attempt): FailureDescription {
  const obs = attempt.results[0];
  return {
    step: null,
    title: NO_TESTS_TITLE,
    message: `the spec ran an empty suite (${obs?.file ?? "its result"} holds no test)`,
    class: NO_TESTS_CLASS,
    source: obs === undefined ? "junit" : sourceKind(obs),
  };
}

/** 2. The runner log's `(Results)` for the host, when no start followed it. */
function fromLogResult(ctx: HostContext): HostEval | null {
  const { host, facts } = ctx;
  const logResult = facts.lastResult.get(host);
  if (logResult === undefined || (facts.lastStarted.get(host) ?? -1) >= logResult.pos) return null;
  const verdict = verdictOf(logResult.counts, [], 0);
  if (verdict !== "pass" && verdict !== "fail") return null;
  const base = {
    evidence: unique([...ctx.evidence, ...ctx.logEvidence]),
    time: ctx.used?.time ?? null,
    hasEvidence: true,
  };
  if (verdict === "pass") return passed(ctx, undefined, base);
  const failure = logFailure(ctx);
  if (failure === null) ctx.live.addNote(`${host} failed, but its results name no failing test`);
  return { status: "FAIL", ...base, ...(failure === null ? {} : { failure: withCrash(ctx, failure) }) };
}

/** 3. A failure or renderer crash the runner moved on from. */
function fromMovedOn(ctx: HostContext): HostEval | null {
  const { host, facts } = ctx;
  const started = facts.lastStarted.get(host);
  const movedOn = started !== undefined && facts.lastMovePos > started;
  if (!movedOn) return null;
  const failure = logFailure(ctx);
  if (failure !== null || facts.crashed.has(host)) {
    return {
      status: "FAIL",
      evidence: unique([...ctx.evidence, ...ctx.logEvidence]),
      time: ctx.used?.time ?? null,
      hasEvidence: true,
      failure: failure ?? rendererCrashFailure(host, facts.crashWhat.get(host)),
    };
  }
  if (ctx.used === undefined) ctx.live.addNote(`${host} started (runner log) but left no result`);
  return null;
}

/** 4. Live evidence: RUNNING; else NOT STARTED. */
function fromLiveEvidence(ctx: HostContext): HostEval {
  const { host, facts, used, live, evidence } = ctx;
  const started = facts.lastStarted.get(host);
  const partial = used !== undefined && used.verdict === "partial";
  const isRunning = partial || facts.runningHost === host || live.liveCurrentVm || live.incomplete;
  const hasEvidence = isRunning || used !== undefined || started !== undefined;
  if (isRunning) {
    const lastStep = partial ? lastReportedStep(used) : null;
    return {
      status: "RUNNING",
      evidence: unique([...evidence, ...(facts.runningHost === host ? ctx.logEvidence : [])]),
      time: used?.time ?? null,
      hasEvidence,
      ...(partial && used.startedAt !== null ? { startedAt: used.startedAt } : {}),
      ...(lastStep === null ? {} : { lastStep }),
    };
  }
  return { status: "NOT STARTED", evidence, time: used?.time ?? null, hasEvidence };
}
