/**
 * The run-state machine of the watcher (docs/state-machine.md): `decide(state, event, policy)` returns
 * the next state and the effects to perform, as data. Pure and total: no clock, no I/O, never throws;
 * an event that does not apply is logged and leaves the state as it was.
 *
 * Rules enforced here (RULES.md "Watching and posting"): D1 completion, D2 states, D3 post only
 * COMPLETED/FAILED, R28 one scope for a non-categorized run, W5 one post per finished batch, D4/W4
 * cancellation wins only before the post intent is recorded, D6 absorbing closed states and at most one
 * post, D8 logs, D9 HUNG/UNKNOWN for review, D10 posted only on `ok`, R1 runner hang after upload, R30
 * run URL persisted as soon as seen.
 */

import type { RunState, Snapshot } from "./domain.ts";
import {
  batchSnapshot,
  classifySnapshot,
  hostSummary,
  isRunnerHangAfterUpload,
  progressKey,
  resultsFinal,
} from "./machine-evidence.ts";
import type {
  ClosedState,
  Decision,
  Effect,
  LogReason,
  MachineEvent,
  MachinePolicy,
  MachineState,
  PostableState,
  ScopeRecord,
  Verdict,
} from "./machine-types.ts";
import type { NotifyOutcome } from "./ports.ts";

export * from "./machine-evidence.ts";
export * from "./machine-types.ts";

/** The note added to a post after the watcher stopped a runner that hung after upload (R1). */
export const RUNNER_STOPPED_NOTE = "runner was stopped after upload";

type Mut<T> = { -readonly [K in keyof T]: T[K] };
type ScopeDraft = Mut<ScopeRecord>;
interface Draft extends Omit<Mut<MachineState>, "scopes"> {
  scopes: ScopeDraft[];
}

interface Ctx {
  readonly s: Draft;
  readonly policy: MachinePolicy;
  readonly at: number;
  readonly logs: Effect[];
  readonly actions: Effect[];
  readonly persistReasons: string[];
  exit: Effect | null;
}

const CLOSED: readonly RunState[] = ["CANCELLED", "TERMINATED", "HUNG", "UNKNOWN"];

/** `true` for CANCELLED, TERMINATED, HUNG, UNKNOWN: closed without a post (D3, D6). */
export function isClosedState(state: RunState): state is ClosedState {
  return CLOSED.includes(state);
}

/** `true` for COMPLETED and FAILED, the only states ever posted (D3). */
export function isPostableState(state: RunState): state is PostableState {
  return state === "COMPLETED" || state === "FAILED";
}

/**
 * `true` when a scope needs nothing more: closed without a post pending, or postable with the post
 * `posted`, `outcome-unknown` or `rejected`.
 */
export function isScopeSettled(scope: ScopeRecord): boolean {
  if (isClosedState(scope.state)) return scope.post === "none";
  if (isPostableState(scope.state)) {
    return scope.post === "posted" || scope.post === "outcome-unknown" || scope.post === "rejected";
  }
  return false;
}

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

/**
 * Decides what one event means for the watched run. Pure and total: never throws, for any event in any
 * state (a malformed event or state yields the unchanged state and an `error` log). Effects come in the
 * order `log`*, `persist`?, actions*, `exit`? (see `Effect`); `persist` is present whenever the returned
 * state differs from `state`. After `exit` the state is absorbing; a `watcher.started` re-emits `exit`.
 */
export function decide(state: MachineState, event: MachineEvent, policy: MachinePolicy): Decision {
  try {
    return decideUnsafe(state, event, policy);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const build =
      typeof state === "object" && state !== null && typeof state.build === "string" ? state.build : "";
    return {
      state,
      effects: [
        {
          type: "log",
          level: "error",
          message: `event ignored: it could not be applied (${detail})`,
          build,
          scope: null,
          reason: "ignored",
        },
      ],
    };
  }
}

function decideUnsafe(state: MachineState, event: MachineEvent, policy: MachinePolicy): Decision {
  const before = JSON.stringify(state);
  const s = JSON.parse(before) as Draft;
  const at = typeof event.at === "number" ? event.at : 0;
  const ctx: Ctx = { s, policy, at, logs: [], actions: [], persistReasons: [], exit: null };

  if (s.phase === "exited") {
    if (event.type !== "watcher.started") return { state, effects: [] };
    log(ctx, "info", "closed", null, `build ${s.build} was already closed as ${s.runState}; exiting`);
    return { state, effects: [...ctx.logs, exitEffect(s)] };
  }

  switch (event.type) {
    case "watcher.started":
      onWatcherStarted(ctx, event.mono);
      break;
    case "snapshot.observed":
      onSnapshot(ctx, event.snapshot, event.mono, event.progressExtra);
      break;
    case "cancel.requested":
      onCancel(ctx, event.batch, event.reason);
      break;
    case "post.intent-recorded":
      onIntentRecorded(ctx, event.scope);
      break;
    case "post.succeeded":
      onPostSucceeded(ctx, event.scope);
      break;
    case "post.failed":
      onPostFailed(ctx, event.scope, event.retryable, event.detail);
      break;
    case "post.outcome-unknown":
      onOutcomeUnknown(ctx, event.scope, event.detail);
      break;
    case "tick":
      onTick(ctx, event.mono);
      break;
    case "runner.terminated":
      onRunnerTerminated(ctx, event.ok, event.detail);
      break;
    default:
      log(
        ctx,
        "warn",
        "ignored",
        null,
        `unknown event type ${JSON.stringify((event as { type?: unknown }).type)}`,
      );
  }
  syncRunScope(s);
  maybeExit(ctx);

  const next = s as MachineState;
  const changed = JSON.stringify(next) !== before;
  const effects: Effect[] = [...ctx.logs];
  if (changed) {
    const reason = ctx.persistReasons.length === 0 ? "observed" : [...new Set(ctx.persistReasons)].join(", ");
    effects.push({ type: "persist", reason, runUrls: [...s.runUrls] });
  }
  effects.push(...ctx.actions);
  if (ctx.exit !== null) effects.push(ctx.exit);
  return { state: changed ? next : state, effects };
}

// ---------------------------------------------------------------------------------------------
// helpers

function log(
  ctx: Ctx,
  level: "debug" | "info" | "warn" | "error",
  reason: LogReason,
  scope: string | null,
  message: string,
): void {
  ctx.logs.push({ type: "log", level, message, build: ctx.s.build, scope, reason });
}

function minutes(ms: number): string {
  return `${Math.round(ms / 60_000)} min`;
}

function findScope(s: Draft, id: string): ScopeDraft | undefined {
  return s.scopes.find((scope) => scope.id === id);
}

function runScope(s: Draft): ScopeDraft | undefined {
  return s.categorized ? undefined : s.scopes[0];
}

/** The run (non-categorized) or the parent (categorized) is still being watched for a verdict. */
function runOpen(s: Draft): boolean {
  if (s.categorized) return !s.runClosed;
  return runScope(s)?.state === "RUNNING";
}

function syncRunScope(s: Draft): void {
  const scope = runScope(s);
  if (scope === undefined) return;
  s.runState = scope.state;
  s.runClosed = scope.state !== "RUNNING";
  if (scope.closedAt !== null) s.closedAt = scope.closedAt;
}

function newScope(id: string, at: number): ScopeDraft {
  return {
    id,
    kind: "batch",
    state: "RUNNING",
    post: "none",
    attempts: 0,
    reasons: [],
    firstSeenAt: at,
    lastSeenAt: at,
    closedAt: null,
    postedAt: null,
    summary: null,
    message: null,
    noted: false,
  };
}

/** Closes `scope` without a post (D3, D4, D6). Only from RUNNING, or from a postable state before the intent is recorded. */
function closeScope(ctx: Ctx, scope: ScopeDraft, to: ClosedState, reason: string): void {
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
  log(ctx, "info", "transition", scope.id, `${scope.id}: ${from} → ${to}: ${reason}`);
  const level = to === "HUNG" || to === "UNKNOWN" ? "error" : "warn";
  const review = to === "HUNG" || to === "UNKNOWN" ? "; left for operator review (D9)" : "";
  log(
    ctx,
    level,
    "post-suppressed",
    scope.id,
    `no post for ${scope.id}: ${to} is never posted (D3)${review}`,
  );
}

/** Marks `scope` COMPLETED/FAILED and asks for a durable intent with the frozen message (D3, reliability §2). */
function completeScope(
  ctx: Ctx,
  scope: ScopeDraft,
  to: PostableState,
  message: Snapshot,
  reason: string,
): void {
  if (scope.state !== "RUNNING") return;
  scope.state = to;
  scope.post = "intent-requested";
  scope.message = message;
  scope.reasons = [...scope.reasons, reason];
  scope.closedAt = ctx.at;
  ctx.persistReasons.push("transition");
  log(ctx, "info", "transition", scope.id, `${scope.id}: RUNNING → ${to}: ${reason}`);
  log(
    ctx,
    "info",
    "post-decision",
    scope.id,
    `posting ${scope.id} as ${to} (D3): recording the post intent first`,
  );
  ctx.actions.push({ type: "record-post-intent", scope: scope.id, state: to, snapshot: message });
}

/** A repeated observation of a scope that is already decided: log once per watcher start (D8). */
function noteRepeat(ctx: Ctx, scope: ScopeDraft): void {
  if (scope.noted) return;
  if (isPostableState(scope.state) && scope.post !== "none") {
    scope.noted = true;
    log(
      ctx,
      "info",
      "duplicate-prevented",
      scope.id,
      `${scope.id} is ${scope.state} with post ${scope.post}: no second post (D6)`,
    );
  } else if (isClosedState(scope.state)) {
    scope.noted = true;
    log(
      ctx,
      "warn",
      "post-suppressed",
      scope.id,
      `${scope.id} was closed as ${scope.state}; a later completion is never posted (D6)`,
    );
  }
}

function closeRun(ctx: Ctx, to: RunState, reason: string): void {
  const s = ctx.s;
  if (!s.categorized || s.runClosed) return;
  s.runClosed = true;
  s.runState = to;
  s.reasons = [...s.reasons, reason];
  s.closedAt = ctx.at;
  ctx.persistReasons.push("transition");
  log(ctx, "info", "transition", null, `${s.build}: RUNNING → ${to}: ${reason}`);
}

/** Closes every open scope (and the categorized parent) as `to`: HUNG, UNKNOWN or TERMINATED. */
function closeAll(ctx: Ctx, to: ClosedState, reason: string): void {
  for (const scope of ctx.s.scopes) if (scope.state === "RUNNING") closeScope(ctx, scope, to, reason);
  closeRun(ctx, to, reason);
}

function freeze(ctx: Ctx, snapshot: Snapshot, urls: readonly string[]): Snapshot {
  const notes = ctx.s.r1.phase === "stopped" ? [...snapshot.notes, RUNNER_STOPPED_NOTE] : snapshot.notes;
  return { ...snapshot, runUrls: urls, notes };
}

// ---------------------------------------------------------------------------------------------
// events

function onWatcherStarted(ctx: Ctx, mono: number): void {
  const s = ctx.s;
  const mode = s.categorized
    ? "categorized (one post per finished batch, W5)"
    : "non-categorized (one post, R28)";
  log(ctx, "info", "watch-started", null, `watching build ${s.build}, ${mode}`);
  if (s.progress.sinceMono !== null) s.progress = { ...s.progress, sinceMono: mono };
  if (s.unknownSinceMono !== null) s.unknownSinceMono = mono;
  if (s.r1.phase === "detected" || s.r1.phase === "terminating")
    s.r1 = { ...s.r1, phase: "detected", sinceMono: mono };
  for (const scope of s.scopes) {
    scope.noted = false;
    if (!isPostableState(scope.state)) continue;
    if (scope.post === "intent-requested" && scope.message !== null) {
      log(
        ctx,
        "info",
        "post-decision",
        scope.id,
        `re-requesting the post intent for ${scope.id} after a restart`,
      );
      ctx.actions.push({
        type: "record-post-intent",
        scope: scope.id,
        state: scope.state,
        snapshot: scope.message,
      });
    } else if (scope.post === "intent-recorded") {
      unknownOutcome(ctx, scope, "the watcher restarted while a post was in flight");
    }
  }
}

function onSnapshot(ctx: Ctx, snapshot: Snapshot, mono: number, extra: string | undefined): void {
  const s = ctx.s;
  s.firstSeenAt ??= ctx.at;
  s.lastSeenAt = ctx.at;
  if (snapshot.categorized !== s.categorized && !s.modeNoted) {
    s.modeNoted = true;
    const mine = s.categorized ? "categorized" : "non-categorized";
    log(
      ctx,
      "warn",
      "mode",
      null,
      `snapshot categorized=${snapshot.categorized} but this watcher is ${mine}; keeping ${mine}`,
    );
  }
  const fresh = snapshot.runUrls.filter((url) => !s.runUrls.includes(url));
  if (fresh.length > 0) {
    s.runUrls = [...s.runUrls, ...fresh];
    ctx.persistReasons.push("run-url");
    log(ctx, "info", "run-url", null, `recorded run URL ${fresh.join(" ")} (R30)`);
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

  if (s.categorized) onCategorizedSnapshot(ctx, snapshot, verdict, r1Candidate, mono);
  else onRunSnapshot(ctx, snapshot, verdict, r1Candidate, mono);
}

function onRunSnapshot(
  ctx: Ctx,
  snapshot: Snapshot,
  verdict: Verdict,
  r1Candidate: boolean,
  mono: number,
): void {
  const s = ctx.s;
  const scope = runScope(s);
  if (scope === undefined) return;
  scope.firstSeenAt ??= ctx.at;
  scope.lastSeenAt = ctx.at;
  scope.summary = hostSummary(snapshot.hosts);
  if (scope.state !== "RUNNING") {
    if (verdict.kind === "complete") noteRepeat(ctx, scope);
    return;
  }
  switch (verdict.kind) {
    case "complete":
      completeScope(ctx, scope, verdict.state, freeze(ctx, snapshot, s.runUrls), verdict.reason);
      return;
    case "terminated": {
      const evidence = resultsFinal(snapshot) ? snapshot : s.r1.captured;
      if (s.r1.phase === "stopped" && evidence !== null && resultsFinal(evidence)) {
        const to = evidence.hosts.some((h) => h.status === "FAIL") ? "FAILED" : "COMPLETED";
        const final: Snapshot = { ...evidence, progress: "finished", state: to };
        completeScope(
          ctx,
          scope,
          to,
          freeze(ctx, final, s.runUrls),
          `results captured before the runner was stopped (R1)`,
        );
      } else {
        closeScope(ctx, scope, "TERMINATED", verdict.reason);
      }
      return;
    }
    case "cancelled":
      closeScope(ctx, scope, "CANCELLED", verdict.reason);
      return;
    case "hung":
      closeScope(ctx, scope, "HUNG", verdict.reason);
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

function onCategorizedSnapshot(
  ctx: Ctx,
  snapshot: Snapshot,
  verdict: Verdict,
  r1Candidate: boolean,
  mono: number,
): void {
  const s = ctx.s;
  for (const batch of snapshot.batches) {
    let scope = findScope(s, batch.id);
    // A predicted batch (NOT STARTED, named after a distro group before its child build id is known)
    // gets no scope: it would never finish and would close the run UNKNOWN (W5; found by replay).
    if (scope === undefined && batch.state === "NOT STARTED") continue;
    if (scope === undefined) {
      scope = newScope(batch.id, ctx.at);
      s.scopes.push(scope);
      ctx.persistReasons.push("batch-seen");
      log(ctx, "info", "transition", batch.id, `batch ${batch.id} (${batch.group}) seen: RUNNING`);
      if (s.runState === "CANCELLED" || s.cancelledBatches.includes(batch.id)) {
        closeScope(ctx, scope, "CANCELLED", "cancel requested before the batch appeared (W4)");
      } else if (s.runClosed) {
        const to = isClosedState(s.runState) ? s.runState : "UNKNOWN";
        closeScope(ctx, scope, to, `batch appeared after the run was closed as ${s.runState}`);
      }
    }
    scope.lastSeenAt = ctx.at;
    scope.summary = hostSummary(snapshot.hosts.filter((h) => batch.hosts.includes(h.host)));
  }
  if (s.runClosed) {
    for (const batch of snapshot.batches) {
      const scope = findScope(s, batch.id);
      if (scope !== undefined && batch.state === "FINISHED") noteRepeat(ctx, scope);
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
  for (const batch of snapshot.batches) {
    const scope = findScope(s, batch.id);
    if (scope === undefined || batch.state !== "FINISHED") continue;
    if (scope.state !== "RUNNING") {
      noteRepeat(ctx, scope);
      continue;
    }
    const own = batchSnapshot(snapshot, batch.id);
    if (own === null) continue;
    // Without a URL of its own, fall back to the persisted one only when the run has just one (R30).
    const urls = own.runUrls.length > 0 ? own.runUrls : s.runUrls.length === 1 ? s.runUrls : [];
    const to = batch.failed ? "FAILED" : "COMPLETED";
    completeScope(ctx, scope, to, freeze(ctx, own, urls), `batch ${batch.id} finished (W5)`);
  }
  switch (verdict.kind) {
    case "hung":
      closeAll(ctx, "HUNG", verdict.reason);
      return;
    case "terminated":
      closeAll(ctx, "TERMINATED", `${verdict.reason}; the batch did not finish`);
      return;
    case "complete": {
      for (const scope of s.scopes) {
        if (scope.state === "RUNNING")
          closeScope(ctx, scope, "UNKNOWN", "run finished but this batch has no finalization");
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
  if (s.scopes.length === 0) return "UNKNOWN";
  if (s.scopes.every((scope) => isPostableState(scope.state))) {
    return s.scopes.some((scope) => scope.state === "FAILED") ? "FAILED" : "COMPLETED";
  }
  return s.scopes.find((scope) => !isPostableState(scope.state))?.state ?? "UNKNOWN";
}

function checkHang(ctx: Ctx, mono: number): void {
  const s = ctx.s;
  if (!runOpen(s) || s.last?.verdict !== "running" || s.r1.phase === "terminating") return;
  const since = s.progress.sinceMono;
  if (since === null) return;
  if (mono < since) {
    s.progress = { ...s.progress, sinceMono: mono };
    return;
  }
  const idle = mono - since;
  if (idle < ctx.policy.hangWindowMs) return;
  const r1 =
    s.r1.phase === "detected" || s.r1.phase === "failed"
      ? "; results final but the runner did not exit and was not stopped (R1)"
      : "";
  closeAll(ctx, "HUNG", `no progress for ${minutes(idle)} while the run is live (D9)${r1}`);
}

function checkUnknown(ctx: Ctx, mono: number, reason: string): void {
  const s = ctx.s;
  if (!runOpen(s) || s.unknownSinceMono === null) return;
  if (mono < s.unknownSinceMono) s.unknownSinceMono = mono;
  const lasted = mono - s.unknownSinceMono;
  if (ctx.policy.unknownImmediately) {
    closeAll(ctx, "UNKNOWN", `${reason} (policy: unknownImmediately)`);
  } else if (lasted >= ctx.policy.hangWindowMs) {
    closeAll(ctx, "UNKNOWN", `${reason}, for ${minutes(lasted)}`);
  }
}

function handleRunnerHang(ctx: Ctx, candidate: boolean, snapshot: Snapshot | null, mono: number): void {
  const s = ctx.s;
  if (!runOpen(s)) return;
  if (!candidate) {
    if (s.r1.phase === "detected") s.r1 = { phase: "none", sinceMono: null, captured: null };
    return;
  }
  if (s.r1.phase === "none" && snapshot !== null) {
    s.r1 = { phase: "detected", sinceMono: mono, captured: { ...snapshot, runUrls: [...s.runUrls] } };
    ctx.persistReasons.push("r1-captured");
    log(
      ctx,
      "warn",
      "runner-hang",
      null,
      `results are final and the run URL is recorded (${s.runUrls.join(" ") || "none"}) but the runner is still alive (R1): URL and results captured`,
    );
    if (!ctx.policy.allowRunnerTermination) {
      log(
        ctx,
        "warn",
        "runner-hang",
        null,
        "runner termination not permitted by policy; HUNG after the hang window (R1, D9)",
      );
    }
  }
  const since = s.r1.sinceMono;
  if (s.r1.phase !== "detected" || since === null || !ctx.policy.allowRunnerTermination) return;
  if (mono - since < ctx.policy.runnerExitGraceMs) return;
  s.r1 = { ...s.r1, phase: "terminating" };
  ctx.persistReasons.push("r1-terminate");
  const reason = `runner still alive ${minutes(mono - since)} after results were final and captured (R1)`;
  log(ctx, "warn", "runner-hang", null, `stopping the runner of ${s.build}: ${reason}`);
  ctx.actions.push({ type: "terminate-runner", build: s.build, reason });
}

function onTick(ctx: Ctx, mono: number): void {
  const last = ctx.s.last;
  if (last === null) return;
  if (last.verdict === "running") {
    handleRunnerHang(ctx, last.r1Candidate, null, mono);
    checkHang(ctx, mono);
  } else if (last.verdict === "unclear") {
    checkUnknown(ctx, mono, "run state cannot be determined from the evidence");
  }
}

function onRunnerTerminated(ctx: Ctx, ok: boolean, detail: string | undefined): void {
  const s = ctx.s;
  if (s.r1.phase !== "terminating") {
    log(
      ctx,
      "debug",
      "ignored",
      null,
      `runner.terminated ignored: no termination was requested (R1 phase ${s.r1.phase})`,
    );
    return;
  }
  if (ok) {
    s.r1 = { ...s.r1, phase: "stopped" };
    log(
      ctx,
      "info",
      "runner-hang",
      null,
      `runner of ${s.build} stopped after upload (R1)${detail ? `: ${detail}` : ""}`,
    );
  } else {
    s.r1 = { ...s.r1, phase: "failed" };
    log(
      ctx,
      "error",
      "runner-hang",
      null,
      `could not stop the runner of ${s.build}: ${detail ?? "no detail"}; HUNG after the hang window`,
    );
  }
  ctx.persistReasons.push("r1-result");
}

function cancelScope(ctx: Ctx, scope: ScopeDraft, reason: string): void {
  if (scope.state === "RUNNING") {
    closeScope(ctx, scope, "CANCELLED", `${reason} (D4/W4)`);
  } else if (isPostableState(scope.state) && (scope.post === "none" || scope.post === "intent-requested")) {
    closeScope(ctx, scope, "CANCELLED", `${reason} before the post intent was recorded: cancel wins (W4)`);
  } else if (isPostableState(scope.state)) {
    log(
      ctx,
      "info",
      "post-decision",
      scope.id,
      `${reason} after the post intent for ${scope.id} was recorded: the post goes out (reliability.md §2)`,
    );
  } else {
    log(ctx, "debug", "ignored", scope.id, `${reason}: ${scope.id} is already closed as ${scope.state}`);
  }
}

function cancelAll(ctx: Ctx, reason: string): void {
  for (const scope of ctx.s.scopes) cancelScope(ctx, scope, reason);
  closeRun(ctx, "CANCELLED", `${reason} (D4/W4)`);
}

function onCancel(ctx: Ctx, batch: string | undefined, why: string | undefined): void {
  const s = ctx.s;
  const reason = why ?? "cancel requested by operator";
  if (!s.categorized) {
    const scope = runScope(s);
    if (batch !== undefined) {
      log(
        ctx,
        "warn",
        "ignored",
        null,
        `batch ${batch} ignored: a non-categorized run has one scope (R28); cancelling the run`,
      );
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
    log(
      ctx,
      "warn",
      "post-suppressed",
      batch,
      `batch ${batch} not seen yet: it will be closed as CANCELLED, never posted (W4)`,
    );
  }
}

function onIntentRecorded(ctx: Ctx, id: string): void {
  const scope = findScope(ctx.s, id);
  if (scope === undefined) {
    log(ctx, "warn", "ignored", id, `post.intent-recorded for unknown scope ${id}`);
    return;
  }
  if (isPostableState(scope.state) && scope.post === "intent-requested" && scope.message !== null) {
    scope.post = "intent-recorded";
    scope.attempts += 1;
    ctx.persistReasons.push("post-intent");
    log(
      ctx,
      "info",
      "post-decision",
      id,
      `intent recorded for ${id}; posting ${scope.state} (attempt ${scope.attempts})`,
    );
    ctx.actions.push({
      type: "post",
      scope: id,
      state: scope.state,
      attempt: scope.attempts,
      snapshot: scope.message,
    });
  } else if (isPostableState(scope.state) && scope.post !== "none") {
    log(
      ctx,
      "info",
      "duplicate-prevented",
      id,
      `intent for ${id} reported again while post is ${scope.post}: no second post (D6)`,
    );
  } else if (isClosedState(scope.state)) {
    log(
      ctx,
      "warn",
      "post-suppressed",
      id,
      `${id} is ${scope.state}: the recorded intent is discarded, no post (D6, W4)`,
    );
    ctx.actions.push({ type: "discard-post-intent", scope: id });
  } else {
    log(ctx, "warn", "ignored", id, `post.intent-recorded for ${id} ignored: no intent was requested`);
  }
}

function onPostSucceeded(ctx: Ctx, id: string): void {
  const scope = findScope(ctx.s, id);
  if (scope === undefined) {
    log(ctx, "warn", "ignored", id, `post.succeeded for unknown scope ${id}`);
    return;
  }
  if (
    isPostableState(scope.state) &&
    (scope.post === "intent-recorded" || scope.post === "outcome-unknown")
  ) {
    scope.post = "posted";
    scope.postedAt = ctx.at;
    scope.message = null;
    ctx.persistReasons.push("posted");
    log(ctx, "info", "post-result", id, `posted ${id} as ${scope.state}: the notifier answered ok (D10)`);
    ctx.actions.push({ type: "mark-posted", scope: id, at: ctx.at });
  } else if (scope.post === "posted") {
    log(ctx, "info", "duplicate-prevented", id, `${id} is already marked posted (D6)`);
  } else {
    log(
      ctx,
      "warn",
      "ignored",
      id,
      `post.succeeded for ${id} ignored: post is ${scope.post}, state ${scope.state}`,
    );
  }
}

function onPostFailed(ctx: Ctx, id: string, retryable: boolean, detail: string): void {
  const scope = findScope(ctx.s, id);
  if (
    scope === undefined ||
    !isPostableState(scope.state) ||
    scope.post !== "intent-recorded" ||
    scope.message === null
  ) {
    log(ctx, "warn", "ignored", id, `post.failed for ${id} ignored: no post in flight`);
    return;
  }
  ctx.persistReasons.push("post-result");
  if (retryable && scope.attempts < ctx.policy.maxPostAttempts) {
    scope.attempts += 1;
    const n = `${scope.attempts}/${ctx.policy.maxPostAttempts}`;
    log(ctx, "warn", "post-result", id, `post for ${id} rejected (${detail}); retrying, attempt ${n}`);
    ctx.actions.push({
      type: "post",
      scope: id,
      state: scope.state,
      attempt: scope.attempts,
      snapshot: scope.message,
    });
    return;
  }
  scope.post = "rejected";
  const why = retryable ? `giving up after ${scope.attempts} attempt(s)` : "permanent rejection";
  log(
    ctx,
    "error",
    "post-result",
    id,
    `post for ${id} rejected (${detail}); ${why}: not posted, operator review`,
  );
}

function onOutcomeUnknown(ctx: Ctx, id: string, detail: string): void {
  const scope = findScope(ctx.s, id);
  if (scope === undefined || !isPostableState(scope.state) || scope.post !== "intent-recorded") {
    log(ctx, "warn", "ignored", id, `post.outcome-unknown for ${id} ignored: no post in flight`);
    return;
  }
  unknownOutcome(ctx, scope, detail);
}

/** D6/D10 + reliability.md §1.6: after an unknown outcome, re-post only when `retryUnknownOutcome`. */
function unknownOutcome(ctx: Ctx, scope: ScopeDraft, detail: string): void {
  ctx.persistReasons.push("post-result");
  if (
    ctx.policy.retryUnknownOutcome &&
    scope.attempts < ctx.policy.maxPostAttempts &&
    scope.message !== null &&
    isPostableState(scope.state)
  ) {
    scope.attempts += 1;
    log(
      ctx,
      "warn",
      "post-result",
      scope.id,
      `outcome of the post for ${scope.id} unknown (${detail}); re-posting, attempt ${scope.attempts} (at-least-once: a duplicate is possible)`,
    );
    ctx.actions.push({
      type: "post",
      scope: scope.id,
      state: scope.state,
      attempt: scope.attempts,
      snapshot: scope.message,
    });
    return;
  }
  scope.post = "outcome-unknown";
  log(
    ctx,
    "error",
    "duplicate-prevented",
    scope.id,
    `outcome of the post for ${scope.id} unknown (${detail}); not re-posting to avoid a duplicate (D6): operator review`,
  );
}

function exitEffect(s: MachineState): Effect {
  const review =
    s.runState === "HUNG" ||
    s.runState === "UNKNOWN" ||
    s.scopes.some(
      (scope) =>
        scope.state === "HUNG" ||
        scope.state === "UNKNOWN" ||
        scope.post === "outcome-unknown" ||
        scope.post === "rejected",
    );
  return {
    type: "exit",
    state: s.runState,
    needsReview: review,
    scopes: s.scopes.map((scope) => ({ id: scope.id, state: scope.state, post: scope.post })),
  };
}

function maybeExit(ctx: Ctx): void {
  const s = ctx.s;
  if (s.phase !== "watching" || runOpen(s) || !s.scopes.every(isScopeSettled)) return;
  if (s.categorized && !s.runClosed) return;
  s.phase = "exited";
  s.closedAt ??= ctx.at;
  ctx.persistReasons.push("closed");
  const scopes = s.scopes.map((scope) => `${scope.id} ${scope.state} (post ${scope.post})`).join("; ");
  const posted = s.scopes.filter((scope) => scope.post === "posted").length;
  log(
    ctx,
    "info",
    "closed",
    null,
    `build ${s.build} closed as ${s.runState}; ${posted} post(s); ${scopes || "no scopes"}`,
  );
  ctx.exit = exitEffect(s as MachineState);
}
