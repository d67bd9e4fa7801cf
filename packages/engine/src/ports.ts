/**
 * Ports: the small interfaces adapters implement so the same engine runs in the watcher, the CLI
 * and test harnesses (docs/architecture.md). The engine never calls them itself; apps wire them.
 * Every port has an in-memory fake in `@atvm-watch/testing`, which also holds the contract suites
 * each real adapter must pass.
 */
import type { Observation, ParseIssue } from "@atvm-watch/artifacts";
import type { EpochMs } from "./domain.ts";

/**
 * One file an artifact source can see.
 *
 * Paths are ESCAPED POSIX paths (`escapePathBytes` in collect-utf8.ts): a name that is valid UTF-8
 * is itself, a byte that is not part of valid UTF-8 is written `\xHH` (two lowercase hex digits)
 * and a literal backslash `\\`, so every byte name (Linux allows any byte but `/` and NUL) has
 * exactly one string and the string opens the file again (`read`, `stat` unescape it).
 */
export interface ArtifactEntry {
  /**
   * Escaped POSIX path. Relative to the source's root when listed from a relative folder, e.g.
   * `cypress/cmcReporter/xml/test-result-0a1b.xml`; absolute when listed from an absolute folder
   * (an allow-listed extra root such as `/tmp`), e.g. `/tmp/e2e-0327.log`. A path comes back in
   * the form it was asked in, so the same file never has two names within one form.
   */
  readonly path: string;
  readonly sizeBytes: number;
  /** Modification time, UTC ms. */
  readonly mtimeMs: EpochMs;
  /**
   * Inode number (stat(2) `st_ino`), when the source knows it (node-fs does; ssh and memory
   * sources do not). A file replaced by another with the same size and mtime has another inode;
   * the persistent parse cache ({@link ParseCache}) is used only for entries that have one.
   */
  readonly ino?: number;
}

/**
 * Why a file or folder could not be listed or read. Linux errno names for the system's own
 * refusals (open(2), readdir(3): `EACCES`, `ELOOP`, `ENAMETOOLONG`, `EIO`, …), plus:
 * - `ENOENT-race`: listed, then gone before it could be read (a live run creating/removing files);
 * - `NOT_UTF8_NAME`: the name is not UTF-8; it is shown escaped and still read;
 * - `SYMLINK_OUTSIDE`: a symlink whose target lies outside the root and the allow-listed roots;
 * - `SYMLINK_REFUSED`: a symlink in a world-writable folder (`/tmp`), never followed;
 * - `SYMLINK_FOLDER`: a symlink to a folder, not descended (its files would get a second name);
 * - `NOT_REGULAR`: a FIFO, socket or device where a file was expected;
 * - `READ_CAP`: a file or log longer than the bound of one poll; the rest was not read.
 */
export type AccessProblemCode =
  | "EACCES"
  | "ELOOP"
  | "ENAMETOOLONG"
  | "ENOENT-race"
  | "NOT_UTF8_NAME"
  | "SYMLINK_OUTSIDE"
  | "SYMLINK_REFUSED"
  | "SYMLINK_FOLDER"
  | "NOT_REGULAR"
  | "READ_CAP"
  | (string & {});

/** One file or folder a listing could not use. The rest of the listing is unaffected. */
export interface ListingIssue {
  /** Escaped path, named like {@link ArtifactEntry.path}. */
  readonly path: string;
  /** `folder`: its contents are unknown; `file`: this one file. */
  readonly target: "file" | "folder";
  readonly code: AccessProblemCode;
  /** One line naming the path and the cause, e.g. `cannot list cypress/cmcReporter/logs/x: EACCES (permission denied)`. */
  readonly message: string;
}

/** What `ArtifactSource.list` resolves: the files it could see, and what it could not. */
export interface ArtifactListing {
  /** Regular files (or symlinks to allowed regular files), sorted by path (UTF-16 code unit order). */
  readonly entries: readonly ArtifactEntry[];
  /** Files and folders that could not be listed or statted, sorted by path. */
  readonly issues: readonly ListingIssue[];
}

/**
 * Read-only view of a controller's artifacts (local folder or remote over ssh).
 * Errors: rejects with `AtvmError` code `ARTIFACT_NOT_FOUND` for a missing file,
 * `INVALID_PATH` for a path that escapes the root (lexically: `..`, NUL, an absolute path outside
 * the allowed roots), `ARTIFACT_UNREADABLE` for a file that exists but cannot be read (its
 * `cause.code` is an {@link AccessProblemCode}: `EACCES`, `ELOOP`, `SYMLINK_OUTSIDE`, …).
 */
export interface ArtifactSource {
  /** Adapter name for logs and error prefixes, e.g. `"node-fs"`, `"memory"`. */
  readonly name: string;
  /**
   * Every regular file below `dir` (recursive, no filter), and what could not be listed. Recovers
   * per entry: an unreadable or vanished folder never hides its siblings; something that vanished
   * between the directory read and its stat is simply absent (not an issue). Resolves empty when
   * `dir` itself is missing. Paths: see {@link ArtifactEntry.path} (relative stays relative,
   * absolute stays absolute). Rejects only for an invalid `dir` (`INVALID_PATH`).
   */
  list(dir: string): Promise<ArtifactListing>;
  /** Bytes of `path` from byte `offset` (default 0) to the end, at most `maxBytes` when given. */
  read(path: string, offset?: number, maxBytes?: number): Promise<Uint8Array>;
  /** The entry for one path, or `null` when it does not exist (or is not a regular file). */
  stat(path: string): Promise<ArtifactEntry | null>;
  /**
   * Optional: a whole poll in one request ({@link ArtifactBatchRequest}); the collector uses it when
   * present. Resolves per-part errors in their slots; rejects only when the request as a whole
   * failed (a transport error such as `SSH_FAILED`). `batchOf` (collect-batch.ts) gives every source
   * one, made of the single operations when the adapter has none.
   */
  batch?(request: ArtifactBatchRequest): Promise<ArtifactBatchResult>;
}

/**
 * One batched poll (the optional {@link ArtifactSource.batch}): list folders, stat paths and fetch
 * the bytes of every changed file in ONE request, so a remote source answers a whole collector
 * poll in one round trip (ssh: one `ssh` invocation). Each part means exactly what the single
 * operation means (`list`, `stat`, `read`).
 */
export interface ArtifactBatchRequest {
  /** Folders to list, as `list(dir)`. */
  readonly list: readonly string[];
  /** Paths to stat, as `stat(path)`. */
  readonly stat: readonly string[];
  /**
   * Which files to read: a listed entry whose path matches one of these globs (collect-glob.ts
   * syntax, already expanded), and every statted path that exists. Default `[]` (list entries unread).
   */
  readonly readGlobs?: readonly string[];
  /** Size and mtime (ms) the caller already holds per path; a file that still has both is not read. */
  readonly known?: ReadonlyMap<string, { readonly sizeBytes: number; readonly mtimeMs: number }>;
  /** Byte offset to read each file from (a runner log's consumed offset); default 0. */
  readonly offsets?: ReadonlyMap<string, number>;
  /** With an offset > 0, also the file's first this-many bytes (to notice a replaced log). Default 0. */
  readonly headBytes?: number;
  /**
   * A file whose unread part (size − offset) is larger than this is not read in the batch (the
   * caller reads it through `read` in bounded pieces, or not at all). Default unlimited.
   */
  readonly maxBytes?: number;
}

/** What one file of a batch read: the bytes from `offset` to the end (as `read(path, offset)`). */
export interface ArtifactBatchContent {
  readonly offset: number;
  readonly bytes: Uint8Array;
  /** The first `headBytes` bytes, when asked and `offset` > 0. */
  readonly head?: Uint8Array;
}

/** The answer to an {@link ArtifactBatchRequest}: one slot per asked folder and path, in order. */
export interface ArtifactBatchResult {
  /** One per `list` folder: the listing, or the error `list(dir)` would reject with. */
  readonly listings: readonly (ArtifactListing | { readonly error: unknown })[];
  /** One per `stat` path: the entry, `null`, or the error `stat(path)` would reject with. */
  readonly stats: readonly (ArtifactEntry | null | { readonly error: unknown })[];
  /** Read files by path: the bytes, or the error `read` would reject with. */
  readonly contents: ReadonlyMap<string, ArtifactBatchContent | { readonly error: unknown }>;
}

/**
 * What a {@link ParseCache} is asked for: one whole file as listed, plus everything else its parse
 * result depends on.
 */
export interface ParseCacheKey {
  /** The file's path as the source names it ({@link ArtifactEntry.path}). */
  readonly path: string;
  /** {@link ArtifactEntry.ino}; the collector never asks for an entry without one. */
  readonly ino: number;
  readonly sizeBytes: number;
  /** UTC ms, as listed (fractional ms kept). */
  readonly mtimeMs: EpochMs;
  /**
   * Everything else the parse result depends on, as one string: the parsers' identity
   * (`CollectParsers.cacheIdentity`: `PARSER_VERSION` of `@atvm-watch/artifacts` and the parser
   * options), the artifact kind, and the known hosts handed to the parser (`ArtifactMeta.knownHosts`).
   * Can be long (every known host); the same string object for every file of one kind in one poll,
   * so an adapter may digest it once per distinct value.
   */
  readonly context: string;
}

/** A cached whole-file parse result: exactly what the parser returned, as plain JSON data. */
export interface ParseCacheValue {
  readonly observations: readonly Observation[];
  readonly issues: readonly ParseIssue[];
}

/**
 * A persistent store of whole-file parse results across processes (`atvm status` run again and
 * again; issue "Fleet scale", docs/getting-started.md "The parse cache"). Pure port, synchronous: the adapter
 * (node-fs `openParseCache`) loads its pack before the poll and writes it after. `get` answers only
 * when every field of the key matches what was `set`; a value must round-trip through JSON
 * unchanged (the collector only stores parser output, which is plain JSON data). Never throws.
 */
export interface ParseCache {
  get(key: ParseCacheKey): ParseCacheValue | undefined;
  set(key: ParseCacheKey, value: ParseCacheValue): void;
}

/** One process as the probe sees it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** The full command line, arguments joined by single spaces. */
  readonly command: string;
  /**
   * The real argv (`/proc/<pid>/cmdline`, NUL-separated), when the probe has it. Readers prefer it
   * to splitting `command`, which loses the word boundaries of an argument holding a space.
   */
  readonly argv?: readonly string[];
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
   * Exclusive create (docs/watcher.md "The delivery promise"): writes `value` under `key` only when
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
  /** Identity of the posted unit (the run or a batch) for logs and the props marker. */
  readonly unitId: string;
  /**
   * The durable notification id from the post intent (reliability: one id per posting unit, the same on every
   * re-post), carried in the message footer and the props marker so a duplicate can be recognised.
   * When absent the adapter derives one from `unitId` and `text`.
   */
  readonly notificationId?: string;
}

/**
 * The outcome of one `notify` call, after the adapter's own bounded retries: `ok` only when the server
 * answered `ok` (D10). Optional fields (set by real adapters, absent from older fakes):
 * `attempts` — HTTP requests made (≥ 1). Required: `retryable` — for `rejected`: `true` when a later
 * call may succeed (5xx, 429, nothing sent), `false` when the same message will be refused again (4xx,
 * 501). The adapter classifies its protocol's statuses; the core machine never does.
 * Status `0` means no HTTP answer and nothing was delivered (connection refused, DNS failure).
 */
export type NotifyOutcome =
  | { readonly kind: "ok"; readonly attempts?: number }
  | {
      readonly kind: "rejected";
      readonly status: number;
      readonly detail: string;
      readonly retryable: boolean;
      readonly attempts?: number;
    }
  | { readonly kind: "unknown"; readonly detail: string; readonly attempts?: number };

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
