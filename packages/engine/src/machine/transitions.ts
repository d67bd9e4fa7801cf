/**
 * How a scope and the run change state (docs/state-machine.md "States"): complete with a post intent
 * (D3), close without a post (D3, D4, D6, D9), note a repeated observation once (D8), close the
 * categorized parent (W5).
 */
import type { RunState, Snapshot } from "../domain.ts";
import type { ClosedState, PostableState } from "../machine-types.ts";
import { type Ctx, isClosedState, isPostableState, type ScopeDraft } from "./context.ts";

/** Closes `scope` without a post (D3, D4, D6). Only from RUNNING, or from a postable state before the intent is recorded. */
export function closeScope(ctx: Ctx, scope: ScopeDraft, to: ClosedState, reason: string): void {
  const from = scope.state;
  if (isClosedState(from)) return;
  if (isPostableState(from) && scope.post !== "none" && scope.post !== "intent-requested") return;
  if (scope.post === "intent-requested") ctx.actions.push({ type: "discard-post-intent", scope: scope.id });
  scope.state = to;
  scope.post = "none";
  scope.message = null;
  scope.reasons = [...scope.reasons, reason];
  scope.closedAt = ctx.at;
  ctx.persistReasons.push("transition");
  const id = scope.id;
  ctx.log({ level: "info", reason: "transition", scope: id, message: `${id}: ${from} → ${to}: ${reason}` });
  const review = to === "HUNG" || to === "UNKNOWN";
  const message = `no post for ${id}: ${to} is never posted (D3)${review ? "; left for operator review (D9)" : ""}`;
  ctx.log({ level: review ? "error" : "warn", reason: "post-suppressed", scope: id, message });
}

/** Marks `scope` COMPLETED/FAILED and asks for a durable intent with the frozen message (D3, reliability §2). */
export function completeScope(
  ctx: Ctx,
  scope: ScopeDraft,
  to: PostableState,
  message: Snapshot,
  reason: string,
): void {
  if (scope.state !== "RUNNING") return;
  const id = scope.id;
  scope.state = to;
  scope.post = "intent-requested";
  scope.message = message;
  scope.reasons = [...scope.reasons, reason];
  scope.closedAt = ctx.at;
  ctx.persistReasons.push("transition");
  ctx.log({ level: "info", reason: "transition", scope: id, message: `${id}: RUNNING → ${to}: ${reason}` });
  const decision = `posting ${id} as ${to} (D3): recording the post intent first`;
  ctx.log({ level: "info", reason: "post-decision", scope: id, message: decision });
  ctx.actions.push({ type: "record-post-intent", scope: id, state: to, snapshot: message });
}

/** A repeated observation of a scope that is already decided: log once per watcher start (D8). */
export function noteRepeat(ctx: Ctx, scope: ScopeDraft): void {
  if (scope.noted) return;
  const id = scope.id;
  if (isPostableState(scope.state) && scope.post !== "none") {
    scope.noted = true;
    const message = `${id} is ${scope.state} with post ${scope.post}: no second post (D6)`;
    ctx.log({ level: "info", reason: "duplicate-prevented", scope: id, message });
  } else if (isClosedState(scope.state)) {
    scope.noted = true;
    const message = `${id} was closed as ${scope.state}; a later completion is never posted (D6)`;
    ctx.log({ level: "warn", reason: "post-suppressed", scope: id, message });
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

/** Closes every open scope (and the categorized parent) as `to`: HUNG, UNKNOWN or TERMINATED. */
export function closeAll(ctx: Ctx, to: ClosedState, reason: string): void {
  for (const scope of ctx.s.scopes) if (scope.state === "RUNNING") closeScope(ctx, scope, to, reason);
  closeRun(ctx, to, reason);
}
