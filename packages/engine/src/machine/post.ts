/**
 * The post protocol, intent then commit (reliability.md §2, D6, D10): a durable intent before the
 * post, `posted` only on the notifier's `ok`, bounded retries of a definite rejection, and no re-post
 * after an unknown outcome unless `retryUnknownOutcome` (at-least-once instead of at-most-once).
 */
import type { MachineEvent } from "../machine-types.ts";
import type { NotifyOutcome } from "../ports.ts";
import { type Ctx, findScope, isClosedState, isPostableState, type ScopeDraft } from "./context.ts";

/**
 * Maps a notifier outcome to the event the watcher reports (D10): `ok` → `post.succeeded`;
 * `rejected` → `post.failed`, retryable for status 0 (not sent), 408, 429 and 5xx except 501
 * (reliability.md §2: 400/401/403/404/501 are permanent); `unknown` → `post.outcome-unknown`.
 */
export function postOutcomeEvent(scope: string, outcome: NotifyOutcome, at: number): MachineEvent {
  switch (outcome.kind) {
    case "ok":
      return { type: "post.succeeded", at, scope };
    case "rejected": {
      const s = outcome.status;
      const retryable = s === 0 || s === 408 || s === 429 || (s >= 500 && s !== 501);
      return { type: "post.failed", at, scope, retryable, detail: `HTTP ${s}: ${outcome.detail}` };
    }
    case "unknown":
      return { type: "post.outcome-unknown", at, scope, detail: outcome.detail };
  }
}

/** Emits a `post` effect for the next attempt of `scope`'s frozen message. */
function post(ctx: Ctx, scope: ScopeDraft): void {
  if (scope.message === null || !isPostableState(scope.state)) return;
  const { id, state, attempts, message } = scope;
  ctx.actions.push({ type: "post", scope: id, state, attempt: attempts, snapshot: message });
}

/** `post.intent-recorded`: the intent is durable, so post (or discard it when a cancel won, W4). */
export function onIntentRecorded(ctx: Ctx, id: string): void {
  const scope = findScope(ctx.s, id);
  if (scope === undefined) {
    ctx.log({
      level: "warn",
      reason: "ignored",
      scope: id,
      message: `post.intent-recorded for unknown scope ${id}`,
    });
    return;
  }
  if (isPostableState(scope.state) && scope.post === "intent-requested" && scope.message !== null) {
    scope.post = "intent-recorded";
    scope.attempts += 1;
    ctx.persistReasons.push("post-intent");
    const message = `intent recorded for ${id}; posting ${scope.state} (attempt ${scope.attempts})`;
    ctx.log({ level: "info", reason: "post-decision", scope: id, message });
    post(ctx, scope);
  } else if (isPostableState(scope.state) && scope.post !== "none") {
    const message = `intent for ${id} reported again while post is ${scope.post}: no second post (D6)`;
    ctx.log({ level: "info", reason: "duplicate-prevented", scope: id, message });
  } else if (isClosedState(scope.state)) {
    const message = `${id} is ${scope.state}: the recorded intent is discarded, no post (D6, W4)`;
    ctx.log({ level: "warn", reason: "post-suppressed", scope: id, message });
    ctx.actions.push({ type: "discard-post-intent", scope: id });
  } else {
    const message = `post.intent-recorded for ${id} ignored: no intent was requested`;
    ctx.log({ level: "warn", reason: "ignored", scope: id, message });
  }
}

/** `post.succeeded`: the notifier answered `ok`; mark the scope posted (D10). */
export function onPostSucceeded(ctx: Ctx, id: string): void {
  const scope = findScope(ctx.s, id);
  if (scope === undefined) {
    ctx.log({
      level: "warn",
      reason: "ignored",
      scope: id,
      message: `post.succeeded for unknown scope ${id}`,
    });
    return;
  }
  const inFlight = scope.post === "intent-recorded" || scope.post === "outcome-unknown";
  if (isPostableState(scope.state) && inFlight) {
    scope.post = "posted";
    scope.postedAt = ctx.at;
    scope.message = null;
    ctx.persistReasons.push("posted");
    const message = `posted ${id} as ${scope.state}: the notifier answered ok (D10)`;
    ctx.log({ level: "info", reason: "post-result", scope: id, message });
    ctx.actions.push({ type: "mark-posted", scope: id, at: ctx.at });
  } else if (scope.post === "posted") {
    ctx.log({
      level: "info",
      reason: "duplicate-prevented",
      scope: id,
      message: `${id} is already marked posted (D6)`,
    });
  } else {
    const message = `post.succeeded for ${id} ignored: post is ${scope.post}, state ${scope.state}`;
    ctx.log({ level: "warn", reason: "ignored", scope: id, message });
  }
}

/** `post.failed`: retry a retryable rejection up to `maxPostAttempts`, else leave it `rejected`. */
export function onPostFailed(ctx: Ctx, id: string, retryable: boolean, detail: string): void {
  const scope = findScope(ctx.s, id);
  if (
    scope === undefined ||
    !isPostableState(scope.state) ||
    scope.post !== "intent-recorded" ||
    scope.message === null
  ) {
    ctx.log({
      level: "warn",
      reason: "ignored",
      scope: id,
      message: `post.failed for ${id} ignored: no post in flight`,
    });
    return;
  }
  ctx.persistReasons.push("post-result");
  if (retryable && scope.attempts < ctx.policy.maxPostAttempts) {
    scope.attempts += 1;
    const n = `${scope.attempts}/${ctx.policy.maxPostAttempts}`;
    const message = `post for ${id} rejected (${detail}); retrying, attempt ${n}`;
    ctx.log({ level: "warn", reason: "post-result", scope: id, message });
    post(ctx, scope);
    return;
  }
  scope.post = "rejected";
  const why = retryable ? `giving up after ${scope.attempts} attempt(s)` : "permanent rejection";
  const message = `post for ${id} rejected (${detail}); ${why}: not posted, operator review`;
  ctx.log({ level: "error", reason: "post-result", scope: id, message });
}

/** `post.outcome-unknown`: the post may or may not have arrived. */
export function onOutcomeUnknown(ctx: Ctx, id: string, detail: string): void {
  const scope = findScope(ctx.s, id);
  if (scope === undefined || !isPostableState(scope.state) || scope.post !== "intent-recorded") {
    const message = `post.outcome-unknown for ${id} ignored: no post in flight`;
    ctx.log({ level: "warn", reason: "ignored", scope: id, message });
    return;
  }
  unknownOutcome(ctx, scope, detail);
}

/** D6/D10 + reliability.md §1.6: after an unknown outcome, re-post only when `retryUnknownOutcome`. */
export function unknownOutcome(ctx: Ctx, scope: ScopeDraft, detail: string): void {
  ctx.persistReasons.push("post-result");
  const id = scope.id;
  if (
    ctx.policy.retryUnknownOutcome &&
    scope.attempts < ctx.policy.maxPostAttempts &&
    scope.message !== null &&
    isPostableState(scope.state)
  ) {
    scope.attempts += 1;
    const message = `outcome of the post for ${id} unknown (${detail}); re-posting, attempt ${scope.attempts} (at-least-once: a duplicate is possible)`;
    ctx.log({ level: "warn", reason: "post-result", scope: id, message });
    post(ctx, scope);
    return;
  }
  scope.post = "outcome-unknown";
  const message = `outcome of the post for ${id} unknown (${detail}); not re-posting to avoid a duplicate (D6): operator review`;
  ctx.log({ level: "error", reason: "duplicate-prevented", scope: id, message });
}

/** After a restart: re-request an intent not yet recorded; a post that was in flight has an unknown outcome. */
export function resumePosts(ctx: Ctx): void {
  for (const scope of ctx.s.scopes) {
    if (!isPostableState(scope.state)) continue;
    if (scope.post === "intent-requested" && scope.message !== null) {
      const message = `re-requesting the post intent for ${scope.id} after a restart`;
      ctx.log({ level: "info", reason: "post-decision", scope: scope.id, message });
      const { id, state, message: snapshot } = scope;
      ctx.actions.push({ type: "record-post-intent", scope: id, state, snapshot });
    } else if (scope.post === "intent-recorded") {
      unknownOutcome(ctx, scope, "the watcher restarted while a post was in flight");
    }
  }
}
