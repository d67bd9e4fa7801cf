/**
 * The run's progress (D1) and state (D2) from its host entries, the runner log and final reporter
 * artifacts; see `reconstruct` for the rules in words. Pure.
 */
import type { BookkeepingObservation, EpochMs } from "@atvm-watch/artifacts";
import type { BatchEntry, HostEntry, RunnerActivity, RunProgress, RunState } from "../domain.ts";
import { bookkeepingTime } from "./evidence.ts";
import type { HostEval } from "./host-eval.ts";
import type { LogFacts } from "./log-facts.ts";

/** Input of {@link progressOf}. */
export interface ProgressContext {
  readonly activity: RunnerActivity | null;
  readonly categorized: boolean;
  /** Every host entry, skipped ones included. */
  readonly entries: readonly HostEntry[];
  readonly evals: ReadonlyMap<string, HostEval>;
  readonly batches: readonly BatchEntry[];
  /** Same-run bookkeeping (`check-xml-files.ts`) observations, in time order. */
  readonly bookkeeping: readonly BookkeepingObservation[];
  readonly facts: LogFacts;
}

/** The decided progress and state, why, and the facts the timing and notes need. */
export interface ProgressOutcome {
  readonly progress: RunProgress;
  readonly state: RunState;
  readonly reasons: string[];
  readonly endConfirmed: boolean;
  /** Runner-footer statements that contradict the host results (also notes). */
  readonly contradictions: string[];
  /** Run timestamps (UTC ms) of same-run finalization (bookkeeping) artifacts. */
  readonly finalizationTimes: EpochMs[];
}

/** Decides the run's progress and state (D1, D2, R1). */
export function progressOf(c: ProgressContext): ProgressOutcome {
  const inScope = c.entries.filter((e) => e.status !== "SKIPPED");
  const failed = inScope.filter((e) => e.status === "FAIL");
  const pending = inScope.filter((e) => e.status === "RUNNING" || e.status === "NOT STARTED");
  const running = inScope.filter((e) => e.status === "RUNNING");
  const allFinal = inScope.length > 0 && pending.length === 0;
  const finalizationTimes = c.bookkeeping.map(bookkeepingTime).filter((t): t is number => t !== null);
  const latestResultTime = Math.max(
    Number.NEGATIVE_INFINITY,
    ...inScope.map((e) => c.evals.get(e.host)?.time ?? Number.NEGATIVE_INFINITY),
  );
  const endConfirmed = c.categorized
    ? (c.batches.length > 0 && c.batches.every((b) => b.state === "FINISHED")) ||
      (allFinal && finalizationTimes.some((t) => t >= latestResultTime))
    : c.bookkeeping.length > 0 || c.facts.footers.length > 0;
  const contradictions = footerContradictions(c.facts, c.evals, inScope, c.bookkeeping);
  const decision = decideProgress({
    activity: c.activity,
    inScopeCount: inScope.length,
    finalCount: inScope.length - pending.length,
    failedCount: failed.length,
    allFinal,
    endConfirmed,
    running: running.map((e) => e.host),
    notStarted: pending.length - running.length,
    cancelled: c.facts.cancelReasons,
    contradictions,
    urlSeen: c.facts.urls.length > 0,
  });
  return { ...decision, endConfirmed, contradictions, finalizationTimes };
}

function footerContradictions(
  facts: LogFacts,
  evals: ReadonlyMap<string, HostEval>,
  inScope: readonly HostEntry[],
  bookkeeping: readonly BookkeepingObservation[],
): string[] {
  const out: string[] = [];
  const bookkeepingFailed = bookkeeping.some((b) => !b.passed);
  for (const footer of facts.footers) {
    const hosts = footer.segmentHosts.length > 0 ? footer.segmentHosts : inScope.map((e) => e.host);
    const statuses = hosts.map((h) => [h, evals.get(h)?.status] as const).filter(([, s]) => s !== undefined);
    const failedHosts = statuses.filter(([, s]) => s === "FAIL").map(([h]) => h);
    const allFinal = statuses.length > 0 && statuses.every(([, s]) => s === "PASS" || s === "FAIL");
    if (footer.allPassed === true && failedHosts.length > 0) {
      out.push(`Runner log footer says all specs passed, but ${failedHosts.join(", ")} failed`);
    } else if (
      footer.allPassed === false &&
      (footer.failedSpecs ?? 1) > 0 &&
      allFinal &&
      failedHosts.length === 0 &&
      !bookkeepingFailed
    ) {
      const count =
        footer.failedSpecs === null
          ? "some specs"
          : `${footer.failedSpecs} of ${footer.totalSpecs ?? "?"} specs`;
      out.push(`Runner log footer reports ${count} failed, but every host result passed`);
    }
  }
  return out;
}

interface ProgressInput {
  readonly activity: RunnerActivity | null;
  readonly inScopeCount: number;
  readonly finalCount: number;
  readonly failedCount: number;
  readonly allFinal: boolean;
  readonly endConfirmed: boolean;
  readonly running: readonly string[];
  readonly notStarted: number;
  readonly cancelled: readonly string[];
  readonly contradictions: readonly string[];
  readonly urlSeen: boolean;
}

function decideProgress(p: ProgressInput): { progress: RunProgress; state: RunState; reasons: string[] } {
  const reasons: string[] = [];
  const tally = `${p.finalCount} of ${p.inScopeCount} hosts final`;
  const runningText = p.running.length > 0 ? `; running: ${p.running.join(", ")}` : "";
  let progress: RunProgress;
  const alive = p.activity === null ? null : p.activity.runnerAlive || p.activity.cypressAlive;
  if (alive === true) {
    progress = "running";
    if (p.allFinal && p.endConfirmed) {
      const extra = [
        p.urlSeen ? "run URL recorded" : "run URL not seen yet",
        ...(p.activity?.defunctChild === true ? ["a defunct child process"] : []),
      ];
      reasons.push(`results final; runner still alive (${extra.join("; ")})`);
    } else {
      reasons.push(`runner alive; ${tally}${runningText}`);
    }
    reasons.push(...p.contradictions);
  } else if (p.inScopeCount === 0) {
    progress = "unclear";
    reasons.push("no host in the scope or in this run's artifacts");
  } else if (p.cancelled.length > 0) {
    progress = "stopped";
    reasons.push(`the runner log says the run was cancelled: ${p.cancelled.join("; ")}`);
  } else if (p.contradictions.length > 0) {
    progress = "unclear";
    reasons.push(...p.contradictions);
  } else if (p.allFinal && p.endConfirmed) {
    progress = "finished";
    reasons.push(
      alive === false
        ? `no runner process; every host final; final reporter artifacts confirm the end`
        : `runner activity unknown; every host final; final reporter artifacts confirm the end`,
    );
  } else if (alive === false) {
    if (p.allFinal) {
      progress = "unclear";
      reasons.push(
        "runner gone and every host has a result, but no final reporter artifact (check-xml-files.ts XML or runner footer) confirms the end",
      );
    } else if (p.endConfirmed) {
      progress = "unclear";
      reasons.push(
        `final reporter artifacts say the run ended, but ${p.inScopeCount - p.finalCount} hosts have no result`,
      );
    } else {
      progress = "stopped";
      reasons.push(`runner gone before the end; ${tally}${runningText}`);
    }
  } else if (p.running.length > 0) {
    progress = "running";
    reasons.push(`runner activity unknown; live evidence${runningText.replace(/^;/, ":")}; ${tally}`);
  } else {
    progress = "unclear";
    reasons.push(`runner activity unknown and no live evidence; ${tally}, ${p.notStarted} not started`);
  }
  return { progress, state: stateOf(progress, p), reasons };
}

function stateOf(progress: RunProgress, p: ProgressInput): RunState {
  switch (progress) {
    case "running":
      return "RUNNING";
    case "stopped":
      return "TERMINATED";
    case "unclear":
      return "UNKNOWN";
    case "finished":
      return p.failedCount > 0 ? "FAILED" : "COMPLETED";
  }
}
