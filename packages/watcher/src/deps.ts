/** What the watcher loop is given (every I/O is injected) and what it resolves. */
import type { Clock, Effect, MachinePolicy, Notifier, Snapshot, StateStore } from "@atvm-watch/engine";
import type { CrashPoint } from "./crash.ts";
import type { WatcherLogRecord } from "./log.ts";

/** What `observe` returns: a reconstructed snapshot and optional progress evidence (e.g. log size). */
export interface Observation {
  readonly snapshot: Snapshot;
  readonly progressExtra?: string;
}

/** Everything the loop needs. */
export interface WatcherDeps {
  readonly build: string;
  /** Categorized run (W5, `ATVM_WATCHER_CATEGORIZED`); used only when no state exists yet. */
  readonly categorized: boolean;
  /** The build's state store (already opened and swept). */
  readonly store: StateStore;
  /** Reconstructs the run now (the lead wires `createRunObserver(...).observe`). May reject: logged, retried next poll. */
  readonly observe: () => Promise<Observation>;
  readonly notifier: Notifier;
  /** Renders the post Markdown of a (unit) snapshot, at most 16,383 chars. */
  readonly render: (snapshot: Snapshot) => string;
  readonly clock: Clock;
  /** Waits `ms` (tests: resolves at once and advances the manual clock). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Stops the hung runner cleanly (R1); resolves `{ ok }`. */
  readonly terminateRunner: (build: string, reason: string) => Promise<{ ok: boolean; detail?: string }>;
  /** Receives every log record (D8); secrets are already redacted. */
  readonly log: (record: WatcherLogRecord) => void;
  /** Called at each crash point; the real one SIGKILLs the process when `ATVM_WATCHER_CRASH_AT` names it. */
  readonly crash: (point: CrashPoint) => void;
  /** A fresh notification id (UUID). */
  readonly newId: () => string;
  readonly policy: MachinePolicy;
  /** Poll interval, ms (default 30 s). */
  readonly intervalMs: number;
  /**
   * Renders the `atvm.summary.v1` JSON text of a snapshot (T5; the CLI wires `summarizeRun`). When
   * set, the watch writes `summary.json` for the run (and `subruns/<id>/summary.json` per batch)
   * atomically through the store as it exits, with the state the machine closed it in.
   */
  readonly summarize?: (snapshot: Snapshot) => string;
  /** Strings never to log (the webhook URL); each one and its path part are replaced by `***`. */
  readonly secrets?: readonly string[];
}

/** The machine's `exit` effect: the watch is over. */
export type ExitEffect = Extract<Effect, { type: "exit" }>;

/** How a watcher run ended. */
export type WatcherResult =
  | { readonly kind: "exited"; readonly exit: ExitEffect }
  | { readonly kind: "locked"; readonly holder: string };
