/**
 * The two readers of a collector poll: whole files (re-read when size or mtime changed, settling
 * kept) and runner logs (from the consumed offset, in bounded chunks to the end). A file that
 * cannot be read becomes an `unreadable` issue and keeps its previous observations; it never
 * fails the poll (engine ports.ts `AccessProblemCode`).
 */
import type { ArtifactMeta, Observation, ParseIssue } from "@atvm-watch/artifacts";
import { type ParseCacheUse, parseCacheKey, storeParse } from "./collect-cache.ts";
import { type ArtifactKind, wholeFileParser } from "./collect-layout.ts";
import type { CollectParsers, RunnerLogStateLike } from "./collect-parsers.ts";
import { isAtvmError } from "./errors.ts";
import type { ArtifactEntry, ArtifactSource } from "./ports.ts";

/** Cached result of one whole file. */
export interface FileCache {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly observations: readonly Observation[];
  readonly issues: readonly ParseIssue[];
  readonly hostsKey: string;
  /** Force a re-read next poll (observations kept from an earlier read while settling, or a failed read). */
  readonly stale: boolean;
}

/** Cached state of one runner log. */
export interface LogCache {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly state: RunnerLogStateLike | null;
  readonly observations: readonly Observation[];
  readonly issues: readonly ParseIssue[];
}

/** Counters and outputs one poll's readers share. */
export interface ReadContext {
  readonly source: ArtifactSource;
  readonly parsers: CollectParsers;
  readonly decode: (bytes: Uint8Array) => string;
  readonly maxFileBytes: number;
  readonly maxLogChunkBytes: number;
  readonly maxLogBytesPerPoll: number;
  /** The persistent parse cache, when the collector may use one (collect-cache.ts). */
  readonly parseCache: ParseCacheUse | null;
  reread: number;
  bytesRead: number;
  readonly settling: string[];
}

/** Bytes of the log head compared to detect a replaced log (artifacts `RUNNER_LOG_HEAD_BYTES`). */
const LOG_HEAD_BYTES = 64;

/** Issue kinds a file being written produces; expected while it settles. */
export const SETTLING_KINDS: ReadonlySet<ParseIssue["kind"]> = new Set<ParseIssue["kind"]>([
  "incomplete",
  "malformed",
  "empty",
]);

/**
 * The `unreadable` issue for a failed read or stat of `path`. `ARTIFACT_NOT_FOUND` after a listing
 * is the `ENOENT-race`; `ARTIFACT_UNREADABLE` carries its code in `cause.code`.
 */
export function accessIssue(path: string, error: unknown): ParseIssue {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = isAtvmError(error)
    ? error.code === "ARTIFACT_NOT_FOUND"
      ? "ENOENT-race"
      : typeof cause?.code === "string"
        ? cause.code
        : error.code
    : (((error as { code?: unknown } | null)?.code as string | undefined) ?? "EIO");
  const detail = error instanceof Error ? error.message.replace(/^\[[^\]]*\] /, "") : String(error);
  const text = code === "ENOENT-race" ? `${path} was listed but vanished before it could be read` : detail;
  return { file: path, kind: "unreadable", problem: text.startsWith(`${code}:`) ? text : `${code}: ${text}` };
}

/** `true` when `cached` still describes `entry` (same size and mtime, same known hosts, not stale). */
export function isFresh(cached: FileCache, entry: ArtifactEntry, hostsKey: string): boolean {
  return (
    !cached.stale &&
    cached.sizeBytes === entry.sizeBytes &&
    cached.mtimeMs === entry.mtimeMs &&
    cached.hostsKey === hostsKey
  );
}

/**
 * Reads and parses one whole file of `kind` when it changed. Returns the cache entry to use this
 * poll; on a failed read, the previous observations with the issue. A path this collector has not
 * seen yet is first looked up in the persistent parse cache (`ctx.parseCache`), and a fresh
 * parse of a whole, settled file is stored there (collect-cache.ts).
 */
export async function readWhole(
  ctx: ReadContext,
  cache: Map<string, FileCache>,
  entry: ArtifactEntry,
  kind: ArtifactKind,
  knownHosts: readonly string[],
  hostsKey: string,
): Promise<FileCache> {
  const cached = cache.get(entry.path);
  if (cached !== undefined && isFresh(cached, entry, hostsKey)) return cached;
  const isSettling = cached !== undefined && cached.sizeBytes !== entry.sizeBytes;
  const keep = (issues: readonly ParseIssue[], stale: boolean, sizeBytes = entry.sizeBytes): FileCache => {
    const next = {
      sizeBytes,
      mtimeMs: entry.mtimeMs,
      observations: cached?.observations ?? [],
      issues,
      hostsKey,
      stale,
    };
    cache.set(entry.path, next);
    return next;
  };
  if (entry.sizeBytes > ctx.maxFileBytes) {
    const problem = `${entry.path} is ${entry.sizeBytes} bytes, over the ${ctx.maxFileBytes}-byte bound; not read`;
    return keep([{ file: entry.path, kind: "too-large", problem }], false);
  }
  const key = cached === undefined ? parseCacheKey(ctx.parseCache, entry, kind, knownHosts) : null;
  const hit = key === null ? undefined : ctx.parseCache?.cache.get(key);
  if (hit !== undefined) {
    const found: FileCache = {
      sizeBytes: entry.sizeBytes,
      mtimeMs: entry.mtimeMs,
      observations: hit.observations,
      issues: hit.issues,
      hostsKey,
      stale: false,
    };
    cache.set(entry.path, found);
    return found;
  }
  let bytes: Uint8Array;
  try {
    bytes = await ctx.source.read(entry.path, 0, ctx.maxFileBytes);
  } catch (error) {
    return keep([accessIssue(entry.path, error)], true);
  }
  ctx.reread += 1;
  ctx.bytesRead += bytes.length;
  const meta: ArtifactMeta = {
    path: entry.path,
    mtimeMs: entry.mtimeMs,
    sizeBytes: bytes.length,
    ...(knownHosts.length > 0 ? { knownHosts } : {}),
  };
  const result = wholeFileParser(ctx.parsers, kind)(ctx.decode(bytes), meta);
  storeParse(ctx.parseCache, key, bytes.length, result, SETTLING_KINDS);
  const unsettled = result.issues.some((i) => SETTLING_KINDS.has(i.kind));
  if (isSettling) ctx.settling.push(entry.path);
  // Mid-write: keep what the file said before, and look again next poll.
  if (isSettling && unsettled && cached !== undefined && cached.observations.length > 0) {
    return keep(result.issues, true, bytes.length);
  }
  // Cache the size actually read: a file that grew during the read is read again next poll.
  const next: FileCache = {
    sizeBytes: bytes.length,
    mtimeMs: entry.mtimeMs,
    observations: result.observations,
    issues: result.issues,
    hostsKey,
    stale: false,
  };
  cache.set(entry.path, next);
  return next;
}

type ChunkResult = ReturnType<CollectParsers["runnerLogChunk"]>;

/**
 * Reads a runner log from its consumed offset to its end, in chunks of at most
 * `maxLogChunkBytes` (each parsed and dropped before the next: memory stays bounded by one chunk),
 * at most `maxLogBytesPerPoll` per poll (a `READ_CAP` issue says where it stopped; the rest follows
 * next poll). Restarts from byte 0 when the parser says the log shrank or was replaced.
 */
export async function readLog(
  ctx: ReadContext,
  cache: Map<string, LogCache>,
  entry: ArtifactEntry,
  meta: ArtifactMeta,
): Promise<LogCache | undefined> {
  const cached = cache.get(entry.path);
  const consumed = cached?.state?.offset ?? 0;
  if (
    cached !== undefined &&
    cached.sizeBytes === entry.sizeBytes &&
    cached.mtimeMs === entry.mtimeMs &&
    consumed >= entry.sizeBytes
  ) {
    return cached;
  }
  const readChunk = async (state: RunnerLogStateLike | null): Promise<[ChunkResult, number]> => {
    const offset = state?.offset ?? 0;
    const head = offset > 0 ? await ctx.source.read(entry.path, 0, LOG_HEAD_BYTES) : undefined;
    const chunk = await ctx.source.read(entry.path, offset, ctx.maxLogChunkBytes);
    ctx.bytesRead += chunk.length + (head?.length ?? 0);
    return [ctx.parsers.runnerLogChunk(chunk, meta, state, head), chunk.length];
  };
  const observations: Observation[] = [...(cached?.observations ?? [])];
  const issues: ParseIssue[] = (cached?.issues ?? []).filter((i) => !i.problem.startsWith("READ_CAP:"));
  let state = cached?.state ?? null;
  let readThisPoll = 0;
  try {
    ctx.reread += 1;
    for (;;) {
      let [result, length] = await readChunk(state);
      if (result.restartFromZero) {
        observations.length = 0;
        issues.length = 0;
        issues.push(...result.issues); // the parser's `truncated-log` note
        [result, length] = await readChunk(null);
      }
      observations.push(...result.observations);
      issues.push(...result.issues);
      state = result.state;
      readThisPoll += length;
      if (length < ctx.maxLogChunkBytes || state.offset >= entry.sizeBytes) break;
      if (readThisPoll >= ctx.maxLogBytesPerPoll) {
        const problem = `READ_CAP: read ${readThisPoll} bytes of ${entry.path} this poll (bound ${ctx.maxLogBytesPerPoll}); stopped at byte ${state.offset} of ${entry.sizeBytes}, the rest follows next poll`;
        issues.push({ file: entry.path, kind: "unreadable", problem });
        break;
      }
    }
  } catch (error) {
    const failed: LogCache = {
      sizeBytes: -1, // read again next poll
      mtimeMs: entry.mtimeMs,
      state,
      observations,
      issues: [...issues, accessIssue(entry.path, error)],
    };
    cache.set(entry.path, failed);
    return failed;
  }
  const next: LogCache = { sizeBytes: entry.sizeBytes, mtimeMs: entry.mtimeMs, state, observations, issues };
  cache.set(entry.path, next);
  return next;
}
