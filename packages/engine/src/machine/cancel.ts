/**
 * Cancellation (D4, W4): a cancel closes a running unit CANCELLED, and wins over a completed one only
 * before its post intent is recorded (docs/watcher.md "The delivery promise"); a batch cancelled before it is seen is
 * remembered and created CANCELLED.
 */
import { type Ctx, findUnit, isPostableState, runUnit, type UnitDraft } from "./context.ts";
import { closeRun, closeUnit } from "./transitions.ts";

function cancelUnit(ctx: Ctx, unit: UnitDraft, reason: string): void {
  const id = unit.id;
  if (unit.state === "RUNNING") {
    closeUnit(ctx, unit, "CANCELLED", `${reason} (D4/W4)`);
  } else if (isPostableState(unit.state) && (unit.post === "none" || unit.post === "intent-requested")) {
    closeUnit(ctx, unit, "CANCELLED", `${reason} before the post intent was recorded: cancel wins (W4)`);
  } else if (isPostableState(unit.state)) {
    const message = `${reason} after the post intent for ${id} was recorded: the post goes out (docs/watcher.md "The delivery promise")`;
    ctx.log({ level: "info", reason: "post-decision", unit: id, message });
  } else {
    const message = `${reason}: ${id} is already closed as ${unit.state}`;
    ctx.log({ level: "debug", reason: "ignored", unit: id, message });
  }
}

/** Cancels every unit and the categorized parent (D4/W4). */
export function cancelAll(ctx: Ctx, reason: string): void {
  for (const unit of ctx.s.units) cancelUnit(ctx, unit, reason);
  closeRun(ctx, "CANCELLED", `${reason} (D4/W4)`);
}

/** `cancel.requested`: the whole run, or one batch of a categorized run (D4/W4; R28 for a flat run). */
export function onCancel(ctx: Ctx, batch: string | undefined, why: string | undefined): void {
  const s = ctx.s;
  const reason = why ?? "cancel requested by operator";
  if (!s.categorized) {
    const unit = runUnit(s);
    if (batch !== undefined) {
      const message = `batch ${batch} ignored: a non-categorized run has one unit (R28); cancelling the run`;
      ctx.log({ level: "warn", reason: "ignored", message });
    }
    if (unit !== undefined) cancelUnit(ctx, unit, reason);
    return;
  }
  if (batch === undefined) {
    cancelAll(ctx, reason);
    return;
  }
  const unit = findUnit(s, batch);
  if (unit !== undefined) {
    cancelUnit(ctx, unit, reason);
  } else if (!s.cancelledBatches.includes(batch)) {
    s.cancelledBatches = [...s.cancelledBatches, batch];
    ctx.persistReasons.push("cancel");
    const message = `batch ${batch} not seen yet: it will be closed as CANCELLED, never posted (W4)`;
    ctx.log({ level: "warn", reason: "post-suppressed", unit: batch, message });
  }
}
