/**
 * The run-state machine of the watcher (docs/state-machine.md): `decide(state, event, policy)` returns
 * the next state and the effects to perform, as data. Pure and total: no clock, no I/O, never throws;
 * an event that does not apply is logged and leaves the state as it was.
 *
 * Rules enforced (RULES.md "Watching and posting"), by module under `machine/`: `snapshot.ts` D1
 * completion, D2 states, R28 one unit for a non-categorized run, W5 one post per finished batch, R30
 * run URL persisted as soon as seen; `transitions.ts` D3 post only COMPLETED/FAILED, D6 absorbing
 * closed states; `cancel.ts` D4/W4 cancellation wins only before the post intent is recorded;
 * `hang.ts` D9 HUNG/UNKNOWN for review, R1 runner hang after upload; `post.ts` D6 at most one post,
 * D10 posted only on `ok`; every module D8 logs.
 */

import { match } from "ts-pattern";
import { onCancel } from "./machine/cancel.ts";
import { type Ctx, createCtx, type Draft, isUnitSettled, runOpen, syncRunUnit } from "./machine/context.ts";
import { onRunnerTerminated, onTick } from "./machine/hang.ts";
import {
  onIntentRecorded,
  onOutcomeUnknown,
  onPostFailed,
  onPostSucceeded,
  resumePosts,
} from "./machine/post.ts";
import { onSnapshot } from "./machine/snapshot.ts";
import type { Decision, Effect, MachineEvent, MachinePolicy, MachineState } from "./machine-types.ts";

export { isClosedState, isPostableState, isUnitSettled } from "./machine/context.ts";
export { RUNNER_STOPPED_NOTE } from "./machine/hang.ts";
export { postOutcomeEvent } from "./machine/post.ts";
export * from "./machine-evidence.ts";
export * from "./machine-types.ts";

/**
 * The start of the `error` log `decide` returns when applying an event threw: the safety net for
 * users. A correct machine never emits it for a well-formed event and state; the tests assert that.
 */
export const DECIDE_FAILED_MESSAGE = "event ignored: it could not be applied";

/**
 * Decides what one event means for the watched run. Pure and total: never throws, for any event in any
 * state (a malformed event or state yields the unchanged state and an `error` log starting with
 * `DECIDE_FAILED_MESSAGE`). Effects come in the order `log`*, `persist`?, actions*, `exit`? (see
 * `Effect`); `persist` is present whenever the returned state differs from `state`. After `exit` the
 * state is absorbing; a `watcher.started` re-emits `exit`.
 */
export function decide(state: MachineState, event: MachineEvent, policy: MachinePolicy): Decision {
  try {
    return decideUnsafe(state, event, policy);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const build =
      typeof state === "object" && state !== null && typeof state.build === "string" ? state.build : "";
    const message = `${DECIDE_FAILED_MESSAGE} (${detail})`;
    return {
      state,
      effects: [{ type: "log", level: "error", message, build, unit: null, reason: "ignored" }],
    };
  }
}

function decideUnsafe(state: MachineState, event: MachineEvent, policy: MachinePolicy): Decision {
  const before = JSON.stringify(state);
  const s = JSON.parse(before) as Draft;
  const ctx = createCtx(s, policy, typeof event.at === "number" ? event.at : 0);

  if (s.phase === "exited") {
    if (event.type !== "watcher.started") return { state, effects: [] };
    const message = `build ${s.build} was already closed as ${s.runState}; exiting`;
    ctx.log({ level: "info", reason: "closed", message });
    return { state, effects: [...ctx.logs, exitEffect(s)] };
  }

  dispatch(ctx, event);
  syncRunUnit(s);
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

/**
 * One handler per event type. `.exhaustive` makes a new `MachineEvent` type a compile error until it
 * has a handler; its fallback only sees values outside the type (a malformed event from JSON).
 */
function dispatch(ctx: Ctx, event: MachineEvent): void {
  match(event)
    .with({ type: "watcher.started" }, (e) => onWatcherStarted(ctx, e.mono))
    .with({ type: "snapshot.observed" }, (e) => onSnapshot(ctx, e.snapshot, e.mono, e.progressExtra))
    .with({ type: "cancel.requested" }, (e) => onCancel(ctx, e.batch, e.reason))
    .with({ type: "post.intent-recorded" }, (e) => onIntentRecorded(ctx, e.unit))
    .with({ type: "post.succeeded" }, (e) => onPostSucceeded(ctx, e.unit))
    .with({ type: "post.failed" }, (e) => onPostFailed(ctx, e.unit, e.retryable, e.detail))
    .with({ type: "post.outcome-unknown" }, (e) => onOutcomeUnknown(ctx, e.unit, e.detail))
    .with({ type: "tick" }, (e) => onTick(ctx, e.mono))
    .with({ type: "runner.terminated" }, (e) => onRunnerTerminated(ctx, e.ok, e.detail))
    .exhaustive((unexpected) => {
      const type = JSON.stringify((unexpected as { type?: unknown }).type);
      ctx.log({ level: "warn", reason: "ignored", message: `unknown event type ${type}` });
    });
}

/** `watcher.started`: reset monotonic baselines and once-per-start notes, then resume posts in flight. */
function onWatcherStarted(ctx: Ctx, mono: number): void {
  const s = ctx.s;
  const mode = s.categorized
    ? "categorized (one post per finished batch, W5)"
    : "non-categorized (one post, R28)";
  ctx.log({ level: "info", reason: "watch-started", message: `watching build ${s.build}, ${mode}` });
  if (s.progress.sinceMono !== null) s.progress = { ...s.progress, sinceMono: mono };
  if (s.unknownSinceMono !== null) s.unknownSinceMono = mono;
  if (s.r1.phase === "detected" || s.r1.phase === "terminating")
    s.r1 = { ...s.r1, phase: "detected", sinceMono: mono };
  for (const unit of s.units) unit.noted = false;
  resumePosts(ctx);
}

function exitEffect(s: MachineState): Effect {
  const review =
    s.runState === "HUNG" ||
    s.runState === "UNKNOWN" ||
    s.units.some(
      (unit) =>
        unit.state === "HUNG" ||
        unit.state === "UNKNOWN" ||
        unit.post === "outcome-unknown" ||
        unit.post === "rejected",
    );
  return {
    type: "exit",
    state: s.runState,
    needsReview: review,
    units: s.units.map((unit) => ({
      id: unit.id,
      state: unit.state,
      post: unit.post,
      ...(unit.post === "rejected" && unit.rejection !== undefined ? { rejection: unit.rejection } : {}),
    })),
  };
}

/** Exits (W1) once the run is closed and every unit is settled. */
function maybeExit(ctx: Ctx): void {
  const s = ctx.s;
  if (s.phase !== "watching" || runOpen(s) || !s.units.every(isUnitSettled)) return;
  if (s.categorized && !s.runClosed) return;
  s.phase = "exited";
  s.closedAt ??= ctx.at;
  ctx.persistReasons.push("closed");
  const units = s.units.map((unit) => `${unit.id} ${unit.state} (post ${unit.post})`).join("; ");
  const posted = s.units.filter((unit) => unit.post === "posted").length;
  const message = `build ${s.build} closed as ${s.runState}; ${posted} post(s); ${units || "no units"}`;
  ctx.log({ level: "info", reason: "closed", message });
  ctx.exit = exitEffect(s as MachineState);
}
