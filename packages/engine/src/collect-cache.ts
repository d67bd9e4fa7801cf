/**
 * The collector's side of the persistent parse cache (ports.ts `ParseCache`; docs/getting-started.md
 * "The parse cache"): which files may use it, the key of each, and which parse results may be stored.
 * Pure; the store itself is an adapter (node-fs `openParseCache`).
 *
 * Only whole-file kinds (JUnit XML, reporter JSON, Cypress config, inventory, shell history) are
 * cached; the runner log is read incrementally from its consumed offset and never cached.
 * The cache is consulted only for a path the collector has not seen yet in this process (its
 * in-memory cache answers after that), and only when every input of the parse is in the key.
 */
import { decodeArtifactText, type Observation, type ParseResult } from "@atvm-watch/artifacts";
import type { ArtifactKind } from "./collect-layout.ts";
import type { CollectParsers } from "./collect-parsers.ts";
import type { ArtifactEntry, ParseCache, ParseCacheKey } from "./ports.ts";

/** A collector's use of one {@link ParseCache}: the cache, the parsers' identity, the context strings made so far. */
export interface ParseCacheUse {
  readonly cache: ParseCache;
  readonly identity: string;
  /** Per kind, the last known-hosts array and the context string made from it (one string per kind and poll). */
  readonly contexts: Map<ArtifactKind, { readonly hosts: readonly string[]; readonly context: string }>;
}

/**
 * The cache use of a collector, or `null` when it must not use one: no cache given, parsers without
 * a `cacheIdentity` (custom parsers: their output is not described by `PARSER_VERSION`), or a custom
 * decoder (bytes → text is then an input the key does not hold).
 */
export function parseCacheUse(
  cache: ParseCache | undefined,
  parsers: CollectParsers,
  decode: ((bytes: Uint8Array) => string) | undefined,
): ParseCacheUse | null {
  if (cache === undefined || parsers.cacheIdentity === undefined) return null;
  if (decode !== undefined && decode !== decodeArtifactText) return null;
  return { cache, identity: parsers.cacheIdentity, contexts: new Map() };
}

/**
 * The key of `entry` parsed as `kind` with `knownHosts` (exactly the `ArtifactMeta.knownHosts` the
 * parser gets), or `null` when it cannot be cached: no cache, or an entry without an inode (ssh and
 * memory sources).
 */
export function parseCacheKey(
  use: ParseCacheUse | null,
  entry: ArtifactEntry,
  kind: ArtifactKind,
  knownHosts: readonly string[],
): ParseCacheKey | null {
  if (use === null || entry.ino === undefined) return null;
  let made = use.contexts.get(kind);
  if (made === undefined || made.hosts !== knownHosts) {
    made = { hosts: knownHosts, context: `${use.identity}\n${kind}\n${knownHosts.join("\n")}` };
    use.contexts.set(kind, made);
  }
  return {
    path: entry.path,
    ino: entry.ino,
    sizeBytes: entry.sizeBytes,
    mtimeMs: entry.mtimeMs,
    context: made.context,
  };
}

/**
 * Stores a fresh parse result under `key` when it describes the whole file as listed: every listed
 * byte was read (`bytesRead` = `sizeBytes`; a file that grew during the read is not stored) and the
 * parser saw no sign of a file still being written (`settling` issue kinds: `incomplete`,
 * `malformed`, `empty`), so a half-written file is re-parsed next time, not remembered.
 */
export function storeParse(
  use: ParseCacheUse | null,
  key: ParseCacheKey | null,
  bytesRead: number,
  result: ParseResult<Observation>,
  settling: ReadonlySet<string>,
): void {
  if (use === null || key === null || bytesRead !== key.sizeBytes) return;
  if (result.issues.some((issue) => settling.has(issue.kind))) return;
  use.cache.set(key, { observations: result.observations, issues: result.issues });
}
