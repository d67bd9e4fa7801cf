/**
 * The working context of one decision of the run-state machine (docs/state-machine.md): a mutable
 * draft of the state, the policy, the event time, and the effects collected so far, plus the scope
 * lookups every handler shares. Internal to the machine; `decide` is the only entry point.
 */
import type { EpochMs, RunState } from "../domain.ts";
import type {
  ClosedState,
  Effect,
  LogReason,
  MachinePolicy,
  MachineState,
  PostableState,
  ScopeRecord,
} from "../machine-types.ts";

type Mut<T> = { -readonly [K in keyof T]: T[K] };

/** A scope record being changed by the current decision. */
export type ScopeDraft = Mut<ScopeRecord>;

/** The machine state being changed by the current decision (a deep copy of the input state). */
export interface Draft extends Omit<Mut<MachineState>, "scopes"> {
  scopes: ScopeDraft[];
}

/** One D8 log line to add; `scope` defaults to `null` (a run-level line). */
export interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly reason: LogReason;
  readonly message: string;
  readonly scope?: string | null;
}

/** Everything one decision reads and collects. */
export interface Ctx {
  readonly s: Draft;
  readonly policy: MachinePolicy;
  /** The event's wall-clock time, UTC epoch ms (D5 timestamps only). */
  readonly at: EpochMs;
  readonly logs: Effect[];
  readonly actions: Effect[];
  readonly persistReasons: string[];
  exit: Effect | null;
  /** Adds one D8 `log` effect for the draft's build. */
  log(line: LogLine): void;
}

/** A fresh context for one decision over the draft `s`. */
export function createCtx(s: Draft, policy: MachinePolicy, at: EpochMs): Ctx {
  const logs: Effect[] = [];
  return {
    s,
    policy,
    at,
    logs,
    actions: [],
    persistReasons: [],
    exit: null,
    log({ level, reason, message, scope = null }) {
      logs.push({ type: "log", level, message, build: s.build, scope, reason });
    },
  };
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

/** A duration in ms as whole minutes for a log line, e.g. `30 min`. */
export function minutes(ms: number): string {
  return `${Math.round(ms / 60_000)} min`;
}

/** The scope with id `id`, if the machine has one. */
export function findScope(s: Draft, id: string): ScopeDraft | undefined {
  return s.scopes.find((scope) => scope.id === id);
}

/** The single run scope of a non-categorized run (R28); `undefined` for a categorized run. */
export function runScope(s: Draft): ScopeDraft | undefined {
  return s.categorized ? undefined : s.scopes[0];
}

/** The run (non-categorized) or the parent (categorized) is still being watched for a verdict. */
export function runOpen(s: Draft): boolean {
  if (s.categorized) return !s.runClosed;
  return runScope(s)?.state === "RUNNING";
}

/** Copies the run scope's state to the run-level fields (non-categorized runs only). */
export function syncRunScope(s: Draft): void {
  const scope = runScope(s);
  if (scope === undefined) return;
  s.runState = scope.state;
  s.runClosed = scope.state !== "RUNNING";
  if (scope.closedAt !== null) s.closedAt = scope.closedAt;
}

/** A new RUNNING batch scope first seen at `at` (UTC ms, W5). */
export function newScope(id: string, at: EpochMs): ScopeDraft {
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
