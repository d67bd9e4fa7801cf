/**
 * How a unit and the run change state (docs/state-machine.md "States"): complete with a post intent
 * (D3), close without a post (D3, D4, D6, D9), note a repeated observation once (D8), close the
 * categorized parent (W5).
 */
import type { RunState, Snapshot } from "../domain.ts";
import type { ClosedState, PostableState } from "../machine-types.ts";
import { type Ctx, isClosedState, isPostableState, type UnitDraft } from "./context.ts";

/** Closes `unit` without a post (D3, D4, D6). Only from RUNNING, or from a postable state before the intent is recorded. */
export function closeUnit(ctx: Ctx, unit: UnitDraft, to: ClosedState, reason: string): void {
  const from = unit.state;
  if (isClosedState(from)) return;
  if (isPostableState(from) && unit.post !== "none" && unit.post !== "intent-requested") return;
  if (unit.post === "intent-requested") ctx.actions.push({ type: "discard-post-intent", unit: unit.id });
  unit.state = to;
  unit.post = "none";
  unit.message = null;
  unit.reasons = [...unit.reasons, reason];
  unit.closedAt = ctx.at;
  ctx.persistReasons.push("transition");
  const id = unit.id;
  ctx.log({ level: "info", reason: "transition", unit: id, message: `${id}: ${from} → ${to}: ${reason}` });
  const review = to === "HUNG" || to === "UNKNOWN";
  const message = `no post for ${id}: ${to} is never posted (D3)${review ? "; left for operator review (D9)" : ""}`;
  ctx.log({ level: review ? "error" : "warn", reason: "post-suppressed", unit: id, message });
}

/** Marks `unit` COMPLETED/FAILED and asks for a durable intent with the frozen message (D3, reliability §2). */
export function completeUnit(
  ctx: Ctx,
  unit: UnitDraft,
  to: PostableState,
  message: Snapshot,
  reason: string,
): void {
  if (unit.state !== "RUNNING") return;
  const id = unit.id;
  unit.state = to;
  unit.post = "intent-requested";
  unit.message = message;
  unit.reasons = [...unit.reasons, reason];
  unit.closedAt = ctx.at;
  ctx.persistReasons.push("transition");
  ctx.log({ level: "info", reason: "transition", unit: id, message: `${id}: RUNNING → ${to}: ${reason}` });
  const decision = `posting ${id} as ${to} (D3): recording the post intent first`;
  ctx.log({ level: "info", reason: "post-decision", unit: id, message: decision });
  ctx.actions.push({ type: "record-post-intent", unit: id, state: to, snapshot: message });
}

/** A repeated observation of a unit that is already decided: log once per watcher start (D8). */
export function noteRepeat(ctx: Ctx, unit: UnitDraft): void {
  if (unit.noted) return;
  const id = unit.id;
  if (isPostableState(unit.state) && unit.post !== "none") {
    unit.noted = true;
    const message = `${id} is ${unit.state} with post ${unit.post}: no second post (D6)`;
    ctx.log({ level: "info", reason: "duplicate-prevented", unit: id, message });
  } else if (isClosedState(unit.state)) {
    unit.noted = true;
    const message = `${id} was closed as ${unit.state}; a later completion is never posted (D6)`;
    ctx.log({ level: "warn", reason: "post-suppressed", unit: id, message });
  }
}

/** Closes the categorized parent as `to` (W5); no-op for a non-categorized or already closed run. */
export function closeRun(ctx: Ctx, to: RunState, reason: string): void {
  const s = ctx.s;
  if (!s.categorized || s.runClosed) return;
  s.runClosed = true;
  s.runState = to;
  s.reasons = [...s.reasons, reason];
  s.closedAt = ctx.at;
  ctx.persistReasons.push("transition");
  ctx.log({ level: "info", reason: "transition", message: `${s.build}: RUNNING → ${to}: ${reason}` });
}

/** Closes every open unit (and the categorized parent) as `to`: HUNG, UNKNOWN or TERMINATED. */
export function closeAll(ctx: Ctx, to: ClosedState, reason: string): void {
  for (const unit of ctx.s.units) if (unit.state === "RUNNING") closeUnit(ctx, unit, to, reason);
  closeRun(ctx, to, reason);
}
