/**
 * Ports: the small interfaces adapters implement so the same engine runs in the watcher, the CLI
 * and test harnesses (docs/architecture.md). The engine never calls them itself; apps wire them.
 * Every port has an in-memory fake in `@atvm-watch/testing`, which also holds the contract suites
 * each real adapter must pass.
 */
import type { EpochMs } from "./domain.ts";

/** One file an artifact source can see. */
export interface ArtifactEntry {
  /** POSIX path relative to the source's root, e.g. `cypress/cmcReporter/xml/test-result-0a1b.xml`. */
  readonly path: string;
  readonly sizeBytes: number;
  /** Modification time, UTC ms. */
  readonly mtimeMs: EpochMs;
}

/**
 * Read-only view of a controller's artifacts (local folder or remote over ssh).
 * Errors: rejects with `AtvmError` code `ARTIFACT_NOT_FOUND` for a missing file,
 * `INVALID_PATH` for a path that escapes the root.
 */
export interface ArtifactSource {
  /** Adapter name for logs and error prefixes, e.g. `"node-fs"`, `"memory"`. */
  readonly name: string;
  /** Files under `dir` (recursive) matching nothing in particular; resolves `[]` when `dir` is missing. Sorted by path. */
  list(dir: string): Promise<readonly ArtifactEntry[]>;
  /** Bytes of `path` from byte `offset` (default 0) to the end, at most `maxBytes` when given. */
  read(path: string, offset?: number, maxBytes?: number): Promise<Uint8Array>;
  /** The entry for one path, or `null` when it does not exist. */
  stat(path: string): Promise<ArtifactEntry | null>;
}

/** One process as the probe sees it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** The full command line, arguments joined by single spaces. */
  readonly command: string;
  /** `true` for a zombie (`Z` state, `<defunct>`). */
  readonly defunct: boolean;
  /** Process start time, UTC ms, when known. */
  readonly startedAt: EpochMs | null;
}

/** Lists the controller's processes (local `/proc` or remote `ps`). */
export interface ProcessProbe {
  readonly name: string;
  list(): Promise<readonly ProcessInfo[]>;
}

/** Durable per-run state (watcher state dir). Keys are simple relative names such as `state.json`, `subruns/<id>/posted.marker`. */
export interface StateStore {
  readonly name: string;
  /** The stored text, or `null` when absent. */
  get(key: string): Promise<string | null>;
  /** Writes atomically: a reader sees the old value or the new one, never a mix. */
  put(key: string, value: string): Promise<void>;
  /** Removes the key; resolves even when it did not exist. */
  remove(key: string): Promise<void>;
  /** Keys under `prefix`, sorted. Never lists lock names (`lock`) or a real store's temporary files. */
  keys(prefix?: string): Promise<readonly string[]>;
  /**
   * Exclusive create (reliability.md §2 "intent-then-commit"): writes `value` under `key` only when
   * the key is absent, as durably and atomically as `put` (a reader never sees a partial value).
   * Resolves `true` when written, `false` when the key already existed (its value is left as it was).
   * Used for the post intent and the posted marker, so a restart never overwrites either.
   */
  create(key: string, value: string): Promise<boolean>;
  /**
   * Takes the exclusive lock `name` (e.g. `watch.lock`, D7) without waiting. A holder that dies,
   * even by SIGKILL, holds it no longer. Resolves `{ acquired: false, holder }` when another live
   * holder has it (`holder` is what it wrote, e.g. `pid 4242`, or `""` when unknown).
   */
  lock(name: string): Promise<StateLockResult>;
}

/** The answer of `StateStore.lock`. */
export type StateLockResult =
  | { readonly acquired: true; readonly release: () => Promise<void> }
  | { readonly acquired: false; readonly holder: string };

/** A message for the notifier: one Mattermost post. */
export interface Notification {
  /** Markdown text, at most 16,383 characters (Mattermost's post limit). */
  readonly text: string;
  /** Identity of the posted scope (build or batch) for logs and the props marker. */
  readonly scopeId: string;
}

/** The outcome of one delivery attempt: `ok` only when the server answered `ok` (D10). */
export type NotifyOutcome =
  | { readonly kind: "ok" }
  | { readonly kind: "rejected"; readonly status: number; readonly detail: string }
  | { readonly kind: "unknown"; readonly detail: string };

/** Delivers one post. Never throws: failures come back as an outcome. */
export interface Notifier {
  readonly name: string;
  notify(message: Notification): Promise<NotifyOutcome>;
}

/** Time as a port: core code never reads the clock (docs/architecture.md, "pure"). */
export interface Clock {
  /** Wall clock, UTC ms. */
  now(): EpochMs;
  /** Monotonic ms from an arbitrary origin; for hang windows (D9), immune to wall-clock jumps. */
  monotonicMs(): number;
}

/** The result of running one command. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an argv (no shell) on the controller. Rejects with `AtvmError` `COMMAND_FAILED_TO_START` when it cannot start. */
export interface CommandRunner {
  readonly name: string;
  run(
    argv: readonly string[],
    options?: { readonly cwd?: string; readonly timeoutMs?: number },
  ): Promise<CommandResult>;
}
