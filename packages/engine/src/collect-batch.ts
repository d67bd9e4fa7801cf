/**
 * The batched poll (ports.ts `ArtifactSource.batch`): one request that lists, stats and reads
 * what a collector poll needs, so a remote source (ssh) answers a whole poll in ONE round trip.
 *
 * - {@link batchOf}: the source's own `batch`, or one made of `list`/`stat`/`read` (same answers,
 *   one call per part), so every adapter has the operation and passes the same contract cases.
 * - {@link prefetchedSource}: an `ArtifactSource` that answers the collector's calls from one batch
 *   result and passes anything the batch did not cover (a replaced log read from byte 0, a file
 *   re-parsed for new known hosts) through to the real source.
 * Pure: no `node:`, no clock.
 */
import { globToRegExp } from "./collect-glob.ts";
import type {
  ArtifactBatchContent,
  ArtifactBatchRequest,
  ArtifactBatchResult,
  ArtifactEntry,
  ArtifactListing,
  ArtifactSource,
} from "./ports.ts";

/** `true` when a batch slot holds an error instead of an answer. */
function failed(slot: unknown): slot is { readonly error: unknown } {
  return typeof slot === "object" && slot !== null && "error" in slot;
}

/** The anchored matchers of a request's `readGlobs`. */
function readMatchers(request: ArtifactBatchRequest): readonly RegExp[] {
  return (request.readGlobs ?? []).map((g) => globToRegExp(g));
}

/**
 * Whether the batch reads `entry`: a read glob matches, it changed against `known`, and its unread
 * part fits `maxBytes`. Exported for adapters that implement `batch` themselves.
 */
export function batchWants(
  request: ArtifactBatchRequest,
  matchers: readonly RegExp[],
  entry: ArtifactEntry,
): boolean {
  if (!matchers.some((re) => re.test(entry.path))) return false;
  const known = request.known?.get(entry.path);
  if (known !== undefined && known.sizeBytes === entry.sizeBytes && known.mtimeMs === entry.mtimeMs)
    return false;
  const offset = request.offsets?.get(entry.path) ?? 0;
  return request.maxBytes === undefined || entry.sizeBytes - offset <= request.maxBytes;
}

/**
 * The batch of `source`: its own `batch` when it has one, else one built from the single
 * operations (a listing error, stat error or read error lands in its slot, as the port says).
 */
export function batchOf(
  source: ArtifactSource,
): (request: ArtifactBatchRequest) => Promise<ArtifactBatchResult> {
  const own = source.batch;
  if (own !== undefined) return (request) => own.call(source, request);
  return async (request) => {
    const matchers = readMatchers(request);
    const wanted: ArtifactEntry[] = [];
    const listings: (ArtifactListing | { error: unknown })[] = [];
    for (const dir of request.list) {
      try {
        const listing = await source.list(dir);
        listings.push(listing);
        for (const e of listing.entries) if (batchWants(request, matchers, e)) wanted.push(e);
      } catch (error) {
        listings.push({ error });
      }
    }
    const stats: (ArtifactEntry | null | { error: unknown })[] = [];
    for (const path of request.stat) {
      try {
        const entry = await source.stat(path);
        stats.push(entry);
        if (entry !== null && batchWants(request, matchers, entry)) wanted.push(entry);
      } catch (error) {
        stats.push({ error });
      }
    }
    const contents = new Map<string, ArtifactBatchContent | { error: unknown }>();
    for (const entry of wanted) {
      if (contents.has(entry.path)) continue;
      const offset = request.offsets?.get(entry.path) ?? 0;
      try {
        const bytes = await source.read(entry.path, offset, request.maxBytes);
        const headBytes = request.headBytes ?? 0;
        const head = offset > 0 && headBytes > 0 ? await source.read(entry.path, 0, headBytes) : undefined;
        contents.set(entry.path, { offset, bytes, ...(head !== undefined ? { head } : {}) });
      } catch (error) {
        contents.set(entry.path, { error });
      }
    }
    return { listings, stats, contents };
  };
}

/**
 * An `ArtifactSource` over one batch answer: `list`/`stat` of an asked folder or path and `read`s
 * inside a fetched byte range are answered from `result` (a failed slot rejects with its error);
 * everything else goes to `source`. `headBytes` is the request's, so a read of the first bytes of
 * a file shorter than it is still served from the head.
 */
export function prefetchedSource(
  source: ArtifactSource,
  request: ArtifactBatchRequest,
  result: ArtifactBatchResult,
): ArtifactSource {
  const listings = new Map(request.list.map((dir, i) => [dir, result.listings[i]] as const));
  const stats = new Map(request.stat.map((path, i) => [path, result.stats[i]] as const));
  const headBytes = request.headBytes ?? 0;
  return {
    name: source.name,
    async list(dir) {
      const slot = listings.get(dir);
      if (slot === undefined) return source.list(dir);
      if (failed(slot)) throw slot.error;
      return slot;
    },
    async stat(path) {
      if (!stats.has(path)) return source.stat(path);
      const slot = stats.get(path) as ArtifactEntry | null | { error: unknown };
      if (failed(slot)) throw slot.error;
      return slot;
    },
    async read(path, offset = 0, maxBytes) {
      const slot = result.contents.get(path);
      if (slot === undefined) return source.read(path, offset, maxBytes);
      if (failed(slot)) throw slot.error;
      const { head, bytes } = slot;
      if (
        head !== undefined &&
        offset === 0 &&
        (head.length < headBytes || (maxBytes !== undefined && maxBytes <= head.length))
      ) {
        return head.subarray(0, maxBytes ?? head.length);
      }
      if (offset >= slot.offset && offset <= slot.offset + bytes.length) {
        const start = offset - slot.offset;
        return bytes.subarray(
          start,
          maxBytes === undefined ? bytes.length : Math.min(bytes.length, start + maxBytes),
        );
      }
      return source.read(path, offset, maxBytes);
    },
  };
}

/** Kinds the collector reads (the others are only listed: generated specs, the launch log). */
const READ_KINDS: ReadonlySet<string> = new Set([
  "inventory",
  "cypress-config",
  "shell-history",
  "junit",
  "reporter-json",
  "runner-log",
]);

/** Bytes of a log head the collector compares (collect-read.ts `LOG_HEAD_BYTES`). */
const LOG_HEAD_BYTES = 64;

/**
 * The batch request of one collector poll: the plan's folders and fixed paths, the expanded
 * patterns of the kinds it reads, what the caches already hold (unchanged whole files and fully
 * consumed logs are not sent again) and each log's consumed offset. `maxBytes` is the whole-file
 * bound: a larger unread part is left to the collector's bounded reads.
 */
export function collectBatchRequest(
  patterns: readonly { readonly kind: string; readonly pattern: string | null }[],
  plan: { readonly fixed: readonly { readonly path: string }[]; readonly listed: readonly string[] },
  cache: {
    readonly files: ReadonlyMap<
      string,
      { readonly sizeBytes: number; readonly mtimeMs: number; readonly stale: boolean }
    >;
    readonly logs: ReadonlyMap<
      string,
      {
        readonly sizeBytes: number;
        readonly mtimeMs: number;
        readonly state: { readonly offset: number } | null;
      }
    >;
  },
  maxBytes: number,
): ArtifactBatchRequest {
  const known = new Map<string, { sizeBytes: number; mtimeMs: number }>();
  for (const [path, c] of cache.files)
    if (!c.stale) known.set(path, { sizeBytes: c.sizeBytes, mtimeMs: c.mtimeMs });
  const offsets = new Map<string, number>();
  for (const [path, c] of cache.logs) {
    const offset = c.state?.offset ?? 0;
    if (offset > 0) offsets.set(path, offset);
    if (offset >= c.sizeBytes && c.sizeBytes >= 0)
      known.set(path, { sizeBytes: c.sizeBytes, mtimeMs: c.mtimeMs });
  }
  const readGlobs = [
    ...new Set(patterns.flatMap((p) => (p.pattern !== null && READ_KINDS.has(p.kind) ? [p.pattern] : []))),
  ];
  return {
    list: plan.listed,
    stat: [...new Set(plan.fixed.map((f) => f.path))],
    readGlobs,
    known,
    offsets,
    headBytes: LOG_HEAD_BYTES,
    maxBytes,
  };
}
