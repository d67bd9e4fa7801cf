/**
 * What a `snapshot.observed` means (D1, D2, R28, W5, R30): record run URLs and the progress key, read
 * the snapshot's verdict (`classifySnapshot`), then decide the run unit (non-categorized) or every
 * batch unit and the parent (categorized).
 */
import type { RunState, Snapshot } from "../domain.ts";
import {
  batchSnapshot,
  classifySnapshot,
  hostSummary,
  isRunnerHangAfterUpload,
  progressKey,
  resultsFinal,
} from "../machine-evidence.ts";
import type { Verdict } from "../machine-types.ts";
import { cancelAll } from "./cancel.ts";
import {
  type Ctx,
  type Draft,
  findUnit,
  isClosedState,
  isPostableState,
  newUnit,
  runUnit,
} from "./context.ts";
import { checkHang, checkUnknown, handleRunnerHang, RUNNER_STOPPED_NOTE } from "./hang.ts";
import { closeAll, closeRun, closeUnit, completeUnit, noteRepeat } from "./transitions.ts";

/** What the run-level branches need from one observation. */
interface Observation {
  readonly snapshot: Snapshot;
  readonly verdict: Verdict;
  readonly r1Candidate: boolean;
  readonly mono: number;
}

/** The message to post: `snapshot` with the run URLs to show (R30) and the R1 note when the runner was stopped. */
function freeze(ctx: Ctx, snapshot: Snapshot, urls: readonly string[]): Snapshot {
  const notes = ctx.s.r1.phase === "stopped" ? [...snapshot.notes, RUNNER_STOPPED_NOTE] : snapshot.notes;
  return { ...snapshot, runUrls: urls, notes };
}

/** `snapshot.observed`: bookkeeping shared by both modes, then the mode's own decision. */
export function onSnapshot(ctx: Ctx, snapshot: Snapshot, mono: number, extra: string | undefined): void {
  const s = ctx.s;
  s.firstSeenAt ??= ctx.at;
  s.lastSeenAt = ctx.at;
  if (snapshot.categorized !== s.categorized && !s.modeNoted) {
    s.modeNoted = true;
    const mine = s.categorized ? "categorized" : "non-categorized";
    const message = `snapshot categorized=${snapshot.categorized} but this watcher is ${mine}; keeping ${mine}`;
    ctx.log({ level: "warn", reason: "mode", message });
  }
  const fresh = snapshot.runUrls.filter((url) => !s.runUrls.includes(url));
  if (fresh.length > 0) {
    s.runUrls = [...s.runUrls, ...fresh];
    ctx.persistReasons.push("run-url");
    ctx.log({ level: "info", reason: "run-url", message: `recorded run URL ${fresh.join(" ")} (R30)` });
  }
  const key = progressKey(snapshot, extra);
  if (key !== s.progress.key || s.progress.sinceMono === null || mono < s.progress.sinceMono) {
    s.progress = { key, sinceMono: mono };
  }
  const verdict = classifySnapshot(snapshot);
  const r1Candidate = isRunnerHangAfterUpload(snapshot);
  s.last = { verdict: verdict.kind, progress: snapshot.progress, r1Candidate };
  if (verdict.kind !== "unclear") s.unknownSinceMono = null;
  else if (s.unknownSinceMono === null || mono < s.unknownSinceMono) s.unknownSinceMono = mono;

  const seen: Observation = { snapshot, verdict, r1Candidate, mono };
  if (s.categorized) onCategorizedSnapshot(ctx, seen);
  else onRunSnapshot(ctx, seen);
}

/** Non-categorized: one unit, the run (R28). */
function onRunSnapshot(ctx: Ctx, { snapshot, verdict, r1Candidate, mono }: Observation): void {
  const s = ctx.s;
  const unit = runUnit(s);
  if (unit === undefined) return;
  unit.firstSeenAt ??= ctx.at;
  unit.lastSeenAt = ctx.at;
  unit.summary = hostSummary(snapshot.hosts);
  if (unit.state !== "RUNNING") {
    if (verdict.kind === "complete") noteRepeat(ctx, unit);
    return;
  }
  switch (verdict.kind) {
    case "complete":
      completeUnit(ctx, unit, verdict.state, freeze(ctx, snapshot, s.runUrls), verdict.reason);
      return;
    case "terminated": {
      const evidence = resultsFinal(snapshot) ? snapshot : s.r1.captured;
      if (s.r1.phase === "stopped" && evidence !== null && resultsFinal(evidence)) {
        const to = evidence.hosts.some((h) => h.status === "FAIL") ? "FAILED" : "COMPLETED";
        const final = freeze(ctx, { ...evidence, progress: "finished", state: to }, s.runUrls);
        completeUnit(ctx, unit, to, final, "results captured before the runner was stopped (R1)");
      } else {
        closeUnit(ctx, unit, "TERMINATED", verdict.reason);
      }
      return;
    }
    case "cancelled":
      closeUnit(ctx, unit, "CANCELLED", verdict.reason);
      return;
    case "hung":
      closeUnit(ctx, unit, "HUNG", verdict.reason);
      return;
    case "unclear":
      checkUnknown(ctx, mono, verdict.reason);
      return;
    case "running":
      handleRunnerHang(ctx, r1Candidate, snapshot, mono);
      checkHang(ctx, mono);
      return;
  }
}

/** Creates the units of batches seen for the first time; a late batch inherits a closed run's state. */
function trackBatches(ctx: Ctx, snapshot: Snapshot): void {
  const s = ctx.s;
  for (const batch of snapshot.batches) {
    let unit = findUnit(s, batch.id);
    // A predicted batch (NOT STARTED, named after a distro group before its child build id is known)
    // gets no unit: it would never finish and would close the run UNKNOWN (W5; found by replay).
    if (unit === undefined && batch.state === "NOT STARTED") continue;
    if (unit === undefined) {
      unit = newUnit(batch.id, ctx.at);
      s.units.push(unit);
      ctx.persistReasons.push("batch-seen");
      const message = `batch ${batch.id} (${batch.group}) seen: RUNNING`;
      ctx.log({ level: "info", reason: "transition", unit: batch.id, message });
      if (s.runState === "CANCELLED" || s.cancelledBatches.includes(batch.id)) {
        closeUnit(ctx, unit, "CANCELLED", "cancel requested before the batch appeared (W4)");
      } else if (s.runClosed) {
        const to = isClosedState(s.runState) ? s.runState : "UNKNOWN";
        closeUnit(ctx, unit, to, `batch appeared after the run was closed as ${s.runState}`);
      }
    }
    unit.lastSeenAt = ctx.at;
    unit.summary = hostSummary(snapshot.hosts.filter((h) => batch.hosts.includes(h.host)));
  }
}

/** Posts every running batch the snapshot shows FINISHED, with its own snapshot (W5, R30). */
function completeFinishedBatches(ctx: Ctx, snapshot: Snapshot): void {
  const s = ctx.s;
  for (const batch of snapshot.batches) {
    const unit = findUnit(s, batch.id);
    if (unit === undefined || batch.state !== "FINISHED") continue;
    if (unit.state !== "RUNNING") {
      noteRepeat(ctx, unit);
      continue;
    }
    const own = batchSnapshot(snapshot, batch.id);
    if (own === null) continue;
    // Without a URL of its own, fall back to the persisted one only when the run has just one (R30).
    const urls = own.runUrls.length > 0 ? own.runUrls : s.runUrls.length === 1 ? s.runUrls : [];
    const to = batch.failed ? "FAILED" : "COMPLETED";
    completeUnit(ctx, unit, to, freeze(ctx, own, urls), `batch ${batch.id} finished (W5)`);
  }
}

/** Categorized: one unit per batch (W5); the parent closes but never posts. */
function onCategorizedSnapshot(ctx: Ctx, { snapshot, verdict, r1Candidate, mono }: Observation): void {
  const s = ctx.s;
  trackBatches(ctx, snapshot);
  if (s.runClosed) {
    for (const batch of snapshot.batches) {
      const unit = findUnit(s, batch.id);
      if (unit !== undefined && batch.state === "FINISHED") noteRepeat(ctx, unit);
    }
    return;
  }
  if (verdict.kind === "unclear") {
    checkUnknown(ctx, mono, verdict.reason);
    return;
  }
  if (verdict.kind === "cancelled") {
    cancelAll(ctx, verdict.reason);
    return;
  }
  completeFinishedBatches(ctx, snapshot);
  switch (verdict.kind) {
    case "hung":
      closeAll(ctx, "HUNG", verdict.reason);
      return;
    case "terminated":
      closeAll(ctx, "TERMINATED", `${verdict.reason}; the batch did not finish`);
      return;
    case "complete": {
      for (const unit of s.units) {
        if (unit.state === "RUNNING")
          closeUnit(ctx, unit, "UNKNOWN", "run finished but this batch has no finalization");
      }
      closeRun(ctx, parentState(s), "runner gone; every batch decided (W5)");
      return;
    }
    case "running":
      handleRunnerHang(ctx, r1Candidate, snapshot, mono);
      checkHang(ctx, mono);
      return;
  }
}

/** The categorized parent's informational state once the runner is gone (no post, W5). */
function parentState(s: Draft): RunState {
  if (s.units.length === 0) return "UNKNOWN";
  if (s.units.every((unit) => isPostableState(unit.state))) {
    return s.units.some((unit) => unit.state === "FAILED") ? "FAILED" : "COMPLETED";
  }
  return s.units.find((unit) => !isPostableState(unit.state))?.state ?? "UNKNOWN";
}
