/**
 * The post protocol, intent then commit (docs/watcher.md "The delivery promise", D6, D10): a durable intent before the
 * post, `posted` only on the notifier's `ok`, bounded retries of a definite rejection, and no re-post
 * after an unknown outcome unless `retryUnknownOutcome` (at-least-once instead of at-most-once).
 */
import type { MachineEvent } from "../machine-types.ts";
import type { NotifyOutcome } from "../ports.ts";
import { type Ctx, findUnit, isClosedState, isPostableState, type UnitDraft } from "./context.ts";

/**
 * Maps a notifier outcome to the event the watcher reports (D10): `ok` → `post.succeeded`;
 * `rejected` → `post.failed` with the adapter's own `retryable` (the Mattermost adapter classifies
 * HTTP statuses, docs/mattermost.md; the core does not); `unknown` → `post.outcome-unknown`.
 */
export function postOutcomeEvent(unit: string, outcome: NotifyOutcome, at: number): MachineEvent {
  switch (outcome.kind) {
    case "ok":
      return { type: "post.succeeded", at, unit };
    case "rejected": {
      const { status, retryable } = outcome;
      const detail = status === 0 ? outcome.detail : `HTTP ${status}: ${outcome.detail}`;
      return { type: "post.failed", at, unit, retryable, detail };
    }
    case "unknown":
      return { type: "post.outcome-unknown", at, unit, detail: outcome.detail };
  }
}

/** Emits a `post` effect for the next attempt of `unit`'s frozen message. */
function post(ctx: Ctx, unit: UnitDraft): void {
  if (unit.message === null || !isPostableState(unit.state)) return;
  const { id, state, attempts, message } = unit;
  ctx.actions.push({ type: "post", unit: id, state, attempt: attempts, snapshot: message });
}

/** `post.intent-recorded`: the intent is durable, so post (or discard it when a cancel won, W4). */
export function onIntentRecorded(ctx: Ctx, id: string): void {
  const unit = findUnit(ctx.s, id);
  if (unit === undefined) {
    ctx.log({
      level: "warn",
      reason: "ignored",
      unit: id,
      message: `post.intent-recorded for unknown unit ${id}`,
    });
    return;
  }
  if (isPostableState(unit.state) && unit.post === "intent-requested" && unit.message !== null) {
    unit.post = "intent-recorded";
    unit.attempts += 1;
    ctx.persistReasons.push("post-intent");
    const message = `intent recorded for ${id}; posting ${unit.state} (attempt ${unit.attempts})`;
    ctx.log({ level: "info", reason: "post-decision", unit: id, message });
    post(ctx, unit);
  } else if (isPostableState(unit.state) && unit.post !== "none") {
    const message = `intent for ${id} reported again while post is ${unit.post}: no second post (D6)`;
    ctx.log({ level: "info", reason: "duplicate-prevented", unit: id, message });
  } else if (isClosedState(unit.state)) {
    const message = `${id} is ${unit.state}: the recorded intent is discarded, no post (D6, W4)`;
    ctx.log({ level: "warn", reason: "post-suppressed", unit: id, message });
    ctx.actions.push({ type: "discard-post-intent", unit: id });
  } else {
    const message = `post.intent-recorded for ${id} ignored: no intent was requested`;
    ctx.log({ level: "warn", reason: "ignored", unit: id, message });
  }
}

/** `post.succeeded`: the notifier answered `ok`; mark the unit posted (D10). */
export function onPostSucceeded(ctx: Ctx, id: string): void {
  const unit = findUnit(ctx.s, id);
  if (unit === undefined) {
    ctx.log({
      level: "warn",
      reason: "ignored",
      unit: id,
      message: `post.succeeded for unknown unit ${id}`,
    });
    return;
  }
  const inFlight = unit.post === "intent-recorded" || unit.post === "outcome-unknown";
  if (isPostableState(unit.state) && inFlight) {
    unit.post = "posted";
    unit.postedAt = ctx.at;
    unit.message = null;
    ctx.persistReasons.push("posted");
    const message = `posted ${id} as ${unit.state}: the notifier answered ok (D10)`;
    ctx.log({ level: "info", reason: "post-result", unit: id, message });
    ctx.actions.push({ type: "mark-posted", unit: id, at: ctx.at });
  } else if (unit.post === "posted") {
    ctx.log({
      level: "info",
      reason: "duplicate-prevented",
      unit: id,
      message: `${id} is already marked posted (D6)`,
    });
  } else {
    const message = `post.succeeded for ${id} ignored: post is ${unit.post}, state ${unit.state}`;
    ctx.log({ level: "warn", reason: "ignored", unit: id, message });
  }
}

/** `post.failed`: retry a retryable rejection up to `maxPostAttempts`, else leave it `rejected`. */
export function onPostFailed(ctx: Ctx, id: string, retryable: boolean, detail: string): void {
  const unit = findUnit(ctx.s, id);
  if (
    unit === undefined ||
    !isPostableState(unit.state) ||
    unit.post !== "intent-recorded" ||
    unit.message === null
  ) {
    ctx.log({
      level: "warn",
      reason: "ignored",
      unit: id,
      message: `post.failed for ${id} ignored: no post in flight`,
    });
    return;
  }
  ctx.persistReasons.push("post-result");
  if (retryable && unit.attempts < ctx.policy.maxPostAttempts) {
    unit.attempts += 1;
    const n = `${unit.attempts}/${ctx.policy.maxPostAttempts}`;
    const message = `post for ${id} rejected (${detail}); retrying, attempt ${n}`;
    ctx.log({ level: "warn", reason: "post-result", unit: id, message });
    post(ctx, unit);
    return;
  }
  unit.post = "rejected";
  unit.rejection = { permanent: !retryable, detail };
  const why = retryable ? `giving up after ${unit.attempts} attempt(s)` : "permanent rejection";
  const message = `post for ${id} rejected (${detail}); ${why}: not posted, operator review`;
  ctx.log({ level: "error", reason: "post-result", unit: id, message });
}

/** `post.outcome-unknown`: the post may or may not have arrived. */
export function onOutcomeUnknown(ctx: Ctx, id: string, detail: string): void {
  const unit = findUnit(ctx.s, id);
  if (unit === undefined || !isPostableState(unit.state) || unit.post !== "intent-recorded") {
    const message = `post.outcome-unknown for ${id} ignored: no post in flight`;
    ctx.log({ level: "warn", reason: "ignored", unit: id, message });
    return;
  }
  unknownOutcome(ctx, unit, detail);
}

/** D6/D10 + Mattermost incoming webhooks have no idempotency key, https://developers.mattermost.com/integrate/webhooks/incoming/: after an unknown outcome, re-post only when `retryUnknownOutcome`. */
export function unknownOutcome(ctx: Ctx, unit: UnitDraft, detail: string): void {
  ctx.persistReasons.push("post-result");
  const id = unit.id;
  if (
    ctx.policy.retryUnknownOutcome &&
    unit.attempts < ctx.policy.maxPostAttempts &&
    unit.message !== null &&
    isPostableState(unit.state)
  ) {
    unit.attempts += 1;
    const message = `outcome of the post for ${id} unknown (${detail}); re-posting, attempt ${unit.attempts} (at-least-once: a duplicate is possible)`;
    ctx.log({ level: "warn", reason: "post-result", unit: id, message });
    post(ctx, unit);
    return;
  }
  unit.post = "outcome-unknown";
  const message = `outcome of the post for ${id} unknown (${detail}); not re-posting to avoid a duplicate (D6): operator review`;
  ctx.log({ level: "error", reason: "duplicate-prevented", unit: id, message });
}

/** After a restart: re-request an intent not yet recorded; a post that was in flight has an unknown outcome. */
export function resumePosts(ctx: Ctx): void {
  for (const unit of ctx.s.units) {
    if (!isPostableState(unit.state)) continue;
    if (unit.post === "intent-requested" && unit.message !== null) {
      const message = `re-requesting the post intent for ${unit.id} after a restart`;
      ctx.log({ level: "info", reason: "post-decision", unit: unit.id, message });
      const { id, state, message: snapshot } = unit;
      ctx.actions.push({ type: "record-post-intent", unit: id, state, snapshot });
    } else if (unit.post === "intent-recorded") {
      unknownOutcome(ctx, unit, "the watcher restarted while a post was in flight");
    }
  }
}
