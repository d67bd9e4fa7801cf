/**
 * The working context of one decision of the run-state machine (docs/state-machine.md): a mutable
 * draft of the state, the policy, the event time, and the effects collected so far, plus the unit
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
  PostingUnit,
} from "../machine-types.ts";

type Mut<T> = { -readonly [K in keyof T]: T[K] };

/** A unit record being changed by the current decision. */
export type UnitDraft = Mut<PostingUnit>;

/** The machine state being changed by the current decision (a deep copy of the input state). */
export interface Draft extends Omit<Mut<MachineState>, "units"> {
  units: UnitDraft[];
}

/** One D8 log line to add; `unit` defaults to `null` (a run-level line). */
export interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly reason: LogReason;
  readonly message: string;
  readonly unit?: string | null;
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
    log({ level, reason, message, unit = null }) {
      logs.push({ type: "log", level, message, build: s.build, unit, reason });
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
 * `true` when a unit needs nothing more: closed without a post pending, or postable with the post
 * `posted`, `outcome-unknown` or `rejected`.
 */
export function isUnitSettled(unit: PostingUnit): boolean {
  if (isClosedState(unit.state)) return unit.post === "none";
  if (isPostableState(unit.state)) {
    return unit.post === "posted" || unit.post === "outcome-unknown" || unit.post === "rejected";
  }
  return false;
}

/** A duration in ms as whole minutes for a log line, e.g. `30 min`. */
export function minutes(ms: number): string {
  return `${Math.round(ms / 60_000)} min`;
}

/** The unit with id `id`, if the machine has one. */
export function findUnit(s: Draft, id: string): UnitDraft | undefined {
  return s.units.find((unit) => unit.id === id);
}

/** The single run unit of a non-categorized run (R28); `undefined` for a categorized run. */
export function runUnit(s: Draft): UnitDraft | undefined {
  return s.categorized ? undefined : s.units[0];
}

/** The run (non-categorized) or the parent (categorized) is still being watched for a verdict. */
export function runOpen(s: Draft): boolean {
  if (s.categorized) return !s.runClosed;
  return runUnit(s)?.state === "RUNNING";
}

/** Copies the run unit's state to the run-level fields (non-categorized runs only). */
export function syncRunUnit(s: Draft): void {
  const unit = runUnit(s);
  if (unit === undefined) return;
  s.runState = unit.state;
  s.runClosed = unit.state !== "RUNNING";
  if (unit.closedAt !== null) s.closedAt = unit.closedAt;
}

/** A new RUNNING batch unit first seen at `at` (UTC ms, W5). */
export function newUnit(id: string, at: EpochMs): UnitDraft {
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
