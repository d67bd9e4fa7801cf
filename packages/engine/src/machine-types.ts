/**
 * Vocabulary of the run-state machine (docs/state-machine.md): its persisted state, the events the
 * watcher reports (past-tense facts) and the effects it asks the watcher to perform (imperative data).
 * Everything here is plain JSON: the watcher writes `MachineState` to `state.json` and resumes from it.
 * Times: `at` is wall-clock UTC epoch ms (for D5 timestamps only); `mono` is monotonic ms from an
 * arbitrary origin (hang windows, D9), immune to wall-clock jumps.
 */
import type { EpochMs, RunProgress, RunState, Snapshot } from "./domain.ts";

/** The states a unit can be posted for (D3). */
export type PostableState = "COMPLETED" | "FAILED";

/** States that close a unit without a post (D3, D6). */
export type ClosedState = "CANCELLED" | "TERMINATED" | "HUNG" | "UNKNOWN";

/**
 * Where a unit is in the intent-then-commit protocol (docs/watcher.md "The delivery promise", D10):
 * - `none`: nothing asked for;
 * - `intent-requested`: `record-post-intent` emitted, waiting for `post.intent-recorded` (a cancel still wins here, W4);
 * - `intent-recorded`: the intent is durable, a `post` is in flight (a cancel no longer stops it);
 * - `posted`: the notifier answered `ok`, `mark-posted` emitted (D10);
 * - `outcome-unknown`: a post may or may not have arrived; not re-posted unless `retryUnknownOutcome` (D6);
 * - `rejected`: the notifier definitely refused (permanent, or retries exhausted); left for the operator.
 */
export type PostPhase =
  | "none"
  | "intent-requested"
  | "intent-recorded"
  | "posted"
  | "outcome-unknown"
  | "rejected";

/** One watched unit: the run itself (non-categorized, R28) or one batch (categorized, W5). */
export interface PostingUnit {
  /** The build name for the run unit; the batch id (child build id) for a batch. */
  readonly id: string;
  readonly kind: "run" | "batch";
  /** D2 run state of this unit. `RUNNING` until decided. */
  readonly state: RunState;
  readonly post: PostPhase;
  /** Post attempts started (`post` effects emitted) for this unit. */
  readonly attempts: number;
  /** Why the unit is in its state, newest last (D8), e.g. `cancel requested by operator`. */
  readonly reasons: readonly string[];
  /** D5 timestamps, UTC ms. */
  readonly firstSeenAt: EpochMs | null;
  readonly lastSeenAt: EpochMs | null;
  readonly closedAt: EpochMs | null;
  readonly postedAt: EpochMs | null;
  /** Last observed host summary (D5), e.g. `2 PASS, 1 FAIL, 1 RUNNING`. */
  readonly summary: string | null;
  /** The frozen snapshot the post renders (docs/watcher.md "The delivery promise": freeze the message); `null` when no post is pending. */
  readonly message: Snapshot | null;
  /** A repeated-observation log (duplicate prevented, post suppressed) was already emitted since the watcher started. */
  readonly noted: boolean;
  /**
   * Set when `post` became `rejected`: `permanent` when the notifier said the same message will be
   * refused again (Mattermost 400/401/403/404/413/501), else retries were used up; `detail` has no
   * secret (the adapter redacts it). Absent otherwise, and in states written before it existed.
   */
  readonly rejection?: PostRejection;
}

/** Why a unit's post was rejected (see `PostingUnit.rejection`). */
export interface PostRejection {
  readonly permanent: boolean;
  readonly detail: string;
}

/** Runner-hang-after-upload handling (R1). */
export interface RunnerHangRecord {
  /**
   * `none`; `detected` (results and URL captured, waiting `runnerExitGraceMs`); `terminating`
   * (`terminate-runner` emitted); `stopped` (the watcher stopped it); `failed` (stopping failed).
   */
  readonly phase: "none" | "detected" | "terminating" | "stopped" | "failed";
  /** Monotonic ms when first detected. */
  readonly sinceMono: number | null;
  /** The snapshot whose results were captured before any termination (R1). */
  readonly captured: Snapshot | null;
}

/** The watcher's whole persisted state (JSON). Create with `createMachineState`. */
export interface MachineState {
  readonly version: 1;
  readonly build: string;
  /** Categorized runs have one unit per batch (W5); otherwise exactly one unit, the run (R28). */
  readonly categorized: boolean;
  /** `watching` until the `exit` effect; `exited` is absorbing. */
  readonly phase: "watching" | "exited";
  /** Run-level state: the run unit's state (non-categorized), or the parent's state (categorized). */
  readonly runState: RunState;
  /** Categorized: the parent is closed (runner gone, cancelled, hung, unknown); it exits once every batch settles. */
  readonly runClosed: boolean;
  readonly reasons: readonly string[];
  readonly units: readonly PostingUnit[];
  /** Batch ids cancelled before they were seen (W4): they are created `CANCELLED`. */
  readonly cancelledBatches: readonly string[];
  /** Cloud run URLs seen so far, newest last (R30). */
  readonly runUrls: readonly string[];
  readonly firstSeenAt: EpochMs | null;
  readonly lastSeenAt: EpochMs | null;
  readonly closedAt: EpochMs | null;
  /** Progress fingerprint (`progressKey`) and the monotonic ms it last changed (D9). */
  readonly progress: { readonly key: string | null; readonly sinceMono: number | null };
  /** Monotonic ms since the snapshots have said UNKNOWN / `unclear` without a break. */
  readonly unknownSinceMono: number | null;
  /** What the last snapshot implied, for `tick` decisions. */
  readonly last: {
    readonly verdict: Verdict["kind"];
    readonly progress: RunProgress;
    readonly r1Candidate: boolean;
  } | null;
  readonly r1: RunnerHangRecord;
  /** A mode-mismatch warning was logged. */
  readonly modeNoted: boolean;
}

/** What a snapshot alone says about the run as a whole (see `classifySnapshot`). */
export type Verdict =
  | { readonly kind: "complete"; readonly state: PostableState; readonly reason: string }
  | { readonly kind: "running"; readonly reason: string }
  | { readonly kind: "terminated"; readonly reason: string }
  | { readonly kind: "cancelled"; readonly reason: string }
  | { readonly kind: "hung"; readonly reason: string }
  | { readonly kind: "unclear"; readonly reason: string };

/** Facts reported to the machine. Past tense; namespaced. */
export type MachineEvent =
  /** The watcher (re)started and resumed this state; sent first on every start. Resets monotonic baselines. */
  | { readonly type: "watcher.started"; readonly at: EpochMs; readonly mono: number }
  /** A reconstructed snapshot; `at` is `now`. `progressExtra` lets the shell add evidence (e.g. log size) to the progress key. */
  | {
      readonly type: "snapshot.observed";
      readonly at: EpochMs;
      readonly mono: number;
      readonly snapshot: Snapshot;
      readonly progressExtra?: string;
    }
  /** An operator cancelled the run, or one batch (`batch`), e.g. a `cancelled.marker` appeared (D4/W4). */
  | {
      readonly type: "cancel.requested";
      readonly at: EpochMs;
      readonly batch?: string;
      readonly reason?: string;
    }
  /** The intent for `unit` is durable (docs/watcher.md "The delivery promise"). */
  | { readonly type: "post.intent-recorded"; readonly at: EpochMs; readonly unit: string }
  /** The notifier answered `ok` (D10). */
  | { readonly type: "post.succeeded"; readonly at: EpochMs; readonly unit: string }
  /** The notifier definitely refused; `retryable` is the adapter's verdict (`NotifyOutcome.retryable`): may a later attempt succeed? */
  | {
      readonly type: "post.failed";
      readonly at: EpochMs;
      readonly unit: string;
      readonly retryable: boolean;
      readonly detail: string;
    }
  /** The request may have reached the server (timeout after send, connection reset, crash mid-post). */
  | {
      readonly type: "post.outcome-unknown";
      readonly at: EpochMs;
      readonly unit: string;
      readonly detail: string;
    }
  /** Time passed without a snapshot. */
  | { readonly type: "tick"; readonly at: EpochMs; readonly mono: number }
  /** The shell performed `terminate-runner`; `ok` when the runner is gone. */
  | {
      readonly type: "runner.terminated";
      readonly at: EpochMs;
      readonly mono: number;
      readonly ok: boolean;
      readonly detail?: string;
    };

/** Why a log line was written (D8). */
export type LogReason =
  | "watch-started"
  | "mode"
  | "transition"
  | "post-decision"
  | "post-suppressed"
  | "duplicate-prevented"
  | "post-result"
  | "run-url"
  | "runner-hang"
  | "closed"
  | "ignored";

/** What a unit ended as, in the `exit` effect. */
export interface UnitOutcome {
  readonly id: string;
  readonly state: RunState;
  readonly post: PostPhase;
  /** Present when `post` is `rejected`: why (the watcher exits 78 on a permanent one, reliability §6 case 8). */
  readonly rejection?: PostRejection;
}

/**
 * What the machine asks the watcher to do, in order. Order within one decision is always:
 * `log`s, then at most one `persist`, then actions (`record-post-intent`, `discard-post-intent`,
 * `post`, `mark-posted`, `terminate-runner`), then `exit` — so state is durable before anything
 * leaves the controller.
 */
export type Effect =
  /** Write a durable intent (frozen message) for `unit`, then report `post.intent-recorded`. */
  | {
      readonly type: "record-post-intent";
      readonly unit: string;
      readonly state: PostableState;
      readonly snapshot: Snapshot;
    }
  /** Remove an intent written after a cancel won the race (W4); never post it. */
  | { readonly type: "discard-post-intent"; readonly unit: string }
  /** Render `snapshot` and send it; report `post.succeeded` / `post.failed` / `post.outcome-unknown`. Attempt ≥ 2 is a retry: back off first. */
  | {
      readonly type: "post";
      readonly unit: string;
      readonly state: PostableState;
      readonly attempt: number;
      readonly snapshot: Snapshot;
    }
  /** Write the posted marker for `unit` (D10). */
  | { readonly type: "mark-posted"; readonly unit: string; readonly at: EpochMs }
  /** Write the returned state (`state.json`) atomically; `runUrls` is the URL list to keep (R30). */
  | { readonly type: "persist"; readonly reason: string; readonly runUrls: readonly string[] }
  /** Stop the hung runner of `build` cleanly (R1), then report `runner.terminated`. */
  | { readonly type: "terminate-runner"; readonly build: string; readonly reason: string }
  /** One D8 log line. `unit` is `null` for run-level lines. */
  | {
      readonly type: "log";
      readonly level: "debug" | "info" | "warn" | "error";
      readonly message: string;
      readonly build: string;
      readonly unit: string | null;
      readonly reason: LogReason;
    }
  /** Every unit is settled: exit (W1). `needsReview` when a unit is HUNG/UNKNOWN or its post failed or is uncertain (D9). */
  | {
      readonly type: "exit";
      readonly state: RunState;
      readonly needsReview: boolean;
      readonly units: readonly UnitOutcome[];
    };

/** The result of one decision. */
export interface Decision {
  readonly state: MachineState;
  readonly effects: readonly Effect[];
}

/** Knobs of the machine. All durations in ms. */
export interface MachinePolicy {
  /** No progress evidence for this long while the run is live → `HUNG` (D9); also how long `UNKNOWN` must persist. */
  readonly hangWindowMs: number;
  /** Close `UNKNOWN` on the first UNKNOWN/`unclear` snapshot instead of after `hangWindowMs`. */
  readonly unknownImmediately: boolean;
  /** R1: may the watcher stop a runner that hangs after upload (after capturing URL and results)? */
  readonly allowRunnerTermination: boolean;
  /** R1: how long the runner may linger after results are final before it is stopped. */
  readonly runnerExitGraceMs: number;
  /** Upper bound on `post` attempts per unit (first attempt included). */
  readonly maxPostAttempts: number;
  /** Re-post after `post.outcome-unknown` (at-least-once, a duplicate possible) instead of leaving it for review (at-most-once, D6). */
  readonly retryUnknownOutcome: boolean;
}

/**
 * Defaults: a 2 h hang window (a host runs ~40 min and writes nothing in between unless the shell adds
 * the log size to the progress key), UNKNOWN after the same window, R1 termination allowed after 5 min
 * (seed 000: "terminate the stuck runner process cleanly"), 5 post attempts, no re-post after an
 * unknown outcome (D6 "at most one post").
 */
export const DEFAULT_MACHINE_POLICY: MachinePolicy = {
  hangWindowMs: 2 * 60 * 60_000,
  unknownImmediately: false,
  allowRunnerTermination: true,
  runnerExitGraceMs: 5 * 60_000,
  maxPostAttempts: 5,
  retryUnknownOutcome: false,
};

/**
 * The state of a freshly started watcher for `build`. `categorized` is explicit (the watcher start
 * helper's `--categorize`, W8 `ATVM_WATCHER_CATEGORIZED`); a non-categorized run gets its single run
 * unit now (R28), a categorized run gets batch units as snapshots reveal them (W5).
 */
export function createMachineState(input: {
  readonly build: string;
  readonly categorized: boolean;
}): MachineState {
  const runUnit: PostingUnit = {
    id: input.build,
    kind: "run",
    state: "RUNNING",
    post: "none",
    attempts: 0,
    reasons: [],
    firstSeenAt: null,
    lastSeenAt: null,
    closedAt: null,
    postedAt: null,
    summary: null,
    message: null,
    noted: false,
  };
  return {
    version: 1,
    build: input.build,
    categorized: input.categorized,
    phase: "watching",
    runState: "RUNNING",
    runClosed: false,
    reasons: [],
    units: input.categorized ? [] : [runUnit],
    cancelledBatches: [],
    runUrls: [],
    firstSeenAt: null,
    lastSeenAt: null,
    closedAt: null,
    progress: { key: null, sinceMono: null },
    unknownSinceMono: null,
    last: null,
    r1: { phase: "none", sinceMono: null, captured: null },
    modeNoted: false,
  };
}
