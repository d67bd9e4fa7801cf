/**
 * Cancellation (D4, W4): a cancel closes a running scope CANCELLED, and wins over a completed one only
 * before its post intent is recorded (reliability.md §2); a batch cancelled before it is seen is
 * remembered and created CANCELLED.
 */
import { type Ctx, findScope, isPostableState, runScope, type ScopeDraft } from "./context.ts";
import { closeRun, closeScope } from "./transitions.ts";

function cancelScope(ctx: Ctx, scope: ScopeDraft, reason: string): void {
  const id = scope.id;
  if (scope.state === "RUNNING") {
    closeScope(ctx, scope, "CANCELLED", `${reason} (D4/W4)`);
  } else if (isPostableState(scope.state) && (scope.post === "none" || scope.post === "intent-requested")) {
    closeScope(ctx, scope, "CANCELLED", `${reason} before the post intent was recorded: cancel wins (W4)`);
  } else if (isPostableState(scope.state)) {
    const message = `${reason} after the post intent for ${id} was recorded: the post goes out (reliability.md §2)`;
    ctx.log({ level: "info", reason: "post-decision", scope: id, message });
  } else {
    const message = `${reason}: ${id} is already closed as ${scope.state}`;
    ctx.log({ level: "debug", reason: "ignored", scope: id, message });
  }
}

/** Cancels every scope and the categorized parent (D4/W4). */
export function cancelAll(ctx: Ctx, reason: string): void {
  for (const scope of ctx.s.scopes) cancelScope(ctx, scope, reason);
  closeRun(ctx, "CANCELLED", `${reason} (D4/W4)`);
}

/** `cancel.requested`: the whole run, or one batch of a categorized run (D4/W4; R28 for a flat run). */
export function onCancel(ctx: Ctx, batch: string | undefined, why: string | undefined): void {
  const s = ctx.s;
  const reason = why ?? "cancel requested by operator";
  if (!s.categorized) {
    const scope = runScope(s);
    if (batch !== undefined) {
      const message = `batch ${batch} ignored: a non-categorized run has one scope (R28); cancelling the run`;
      ctx.log({ level: "warn", reason: "ignored", message });
    }
    if (scope !== undefined) cancelScope(ctx, scope, reason);
    return;
  }
  if (batch === undefined) {
    cancelAll(ctx, reason);
    return;
  }
  const scope = findScope(s, batch);
  if (scope !== undefined) {
    cancelScope(ctx, scope, reason);
  } else if (!s.cancelledBatches.includes(batch)) {
    s.cancelledBatches = [...s.cancelledBatches, batch];
    ctx.persistReasons.push("cancel");
    const message = `batch ${batch} not seen yet: it will be closed as CANCELLED, never posted (W4)`;
    ctx.log({ level: "warn", reason: "post-suppressed", scope: batch, message });
  }
}
