/**
 * The persistent parse cache of `atvm status` on the local disk (the engine's `ParseCache` port;
 * docs/getting-started.md "The parse cache", issue "Fleet scale").
 *
 * - Where: `$XDG_CACHE_HOME/atvm-watch/` when that is an absolute path, else `~/.cache/atvm-watch/`
 *   (XDG Base Directory Specification, https://specifications.freedesktop.org/basedir-spec/latest/:
 *   "If $XDG_CACHE_HOME is either not set or empty, a default equal to $HOME/.cache should be used";
 *   a relative path is invalid and ignored). Neither known (no `HOME`): no cache.
 * - One pack file per automation root, `<sha256 of the root's real path, 32 hex>.pack`: a header
 *   line `atvm-watch parse cache <PACK_FORMAT> <PARSER_VERSION>` then one JSON document holding every
 *   cached file of that root. Read once when `atvm status` starts, written once (only when
 *   something changed) after the status was printed, atomically through the node-fs state store's
 *   `put` (tmp file, fsync, rename, fsync of the folder), so a reader sees the old pack or the new one.
 * - Keys: path, inode, size and mtime of the file as listed, plus a SHA-256 digest of the
 *   engine's context string (`PARSER_VERSION`, parser options, artifact kind, known hosts).
 * - Ignored, never fatal: a missing, unreadable, truncated, garbage or wrong-version pack, one
 *   over {@link DEFAULT_MAX_PACK_BYTES}, one not owned by this user or writable by others. It is
 *   rewritten by the next successful flush. An unwritable cache folder means no cache and the same
 *   output (`flush` reports the problem, it never rejects).
 * - Racy files (git's "racy clean" problem, https://git-scm.com/docs/racy-git): a file whose mtime
 *   is within {@link RACY_WINDOW_MS} of now (or in the future) may still change without changing
 *   its size and mtime, so its parse is not stored.
 */
import { createHash } from "node:crypto";
import { constants, promises as fsp } from "node:fs";
import { join } from "node:path";
import { PARSER_VERSION } from "@atvm-watch/artifacts";
import type { ParseCache, ParseCacheKey, ParseCacheValue } from "@atvm-watch/engine";
import { openFileStateStore } from "./state-store.ts";

/** Version of the pack layout itself (bump when the header or the JSON shape below changes). */
export const PACK_FORMAT = 1;

/** A pack larger than this many bytes (256 MiB) is neither loaded nor written. */
export const DEFAULT_MAX_PACK_BYTES: number = 256 * 1024 * 1024;

/** Parses of files modified less than this many ms ago are not stored (2 s: FAT's mtime granularity). */
export const RACY_WINDOW_MS = 2000;

const HEADER = `atvm-watch parse cache ${PACK_FORMAT} ${PARSER_VERSION}\n`;

/** Options of {@link openParseCache}. */
export interface ParseCacheOptions {
  /** The automation root, absolute (`atvm status --root`); the pack is named after its real path. */
  readonly root: string;
  /** The environment: `XDG_CACHE_HOME`, `HOME`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Default {@link DEFAULT_MAX_PACK_BYTES}. */
  readonly maxPackBytes?: number;
  /** Wall clock (UTC ms) for the racy-file window; default `Date.now`. */
  readonly now?: () => number;
}

/** Counters of one process's use of the cache. */
export interface ParseCacheStats {
  /** Files the loaded pack held. */
  readonly loaded: number;
  /** Lookups answered from the pack. */
  readonly hits: number;
  /** Lookups not answered (new or changed files): these were parsed. */
  readonly misses: number;
  /** Fresh parses stored (racy ones excluded). */
  readonly stored: number;
}

/** What {@link PersistentParseCache.flush} did. */
export interface FlushOutcome {
  readonly written: boolean;
  /** Why nothing could be written, one line (e.g. `cannot write "/x": EACCES; …`), else `null`. */
  readonly problem: string | null;
}

/** The `ParseCache` port over one root's pack. */
export interface PersistentParseCache extends ParseCache {
  /** The pack's path, or `null` when there is no cache folder (no `HOME`). */
  readonly file: string | null;
  /** Why an existing pack was ignored at load (corrupt, wrong version, too large, unreadable), else `null`. */
  readonly loadProblem: string | null;
  stats(): ParseCacheStats;
  /**
   * Writes the pack when something changed: the entries looked up or stored in this process (so
   * files gone from the root drop out). Never rejects.
   */
  flush(): Promise<FlushOutcome>;
}

/** `[path, ino, sizeBytes, mtimeMs, context digest, observations, issues]`, one cached file. */
type PackEntry = [
  string,
  number,
  number,
  number,
  string,
  ParseCacheValue["observations"],
  ParseCacheValue["issues"],
];

/** The cache folder for `env` (see the module comment), or `null` when neither variable gives one. */
export function parseCacheDir(env: Readonly<Record<string, string | undefined>>): string | null {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg?.startsWith("/") === true) return join(xdg, "atvm-watch");
  const home = env.HOME;
  if (home?.startsWith("/") === true) return join(home, ".cache", "atvm-watch");
  return null;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 32);

const codeOf = (error: unknown): string => (error as NodeJS.ErrnoException | null)?.code ?? "EIO";

function isEntry(value: unknown): value is PackEntry {
  return (
    Array.isArray(value) &&
    value.length === 7 &&
    typeof value[0] === "string" &&
    typeof value[1] === "number" &&
    typeof value[2] === "number" &&
    typeof value[3] === "number" &&
    typeof value[4] === "string" &&
    Array.isArray(value[5]) &&
    Array.isArray(value[6])
  );
}

/** Reads and checks the pack; the entries by path, or why it was ignored (`null` problem: no pack yet). */
async function loadPack(
  file: string,
  rootReal: string,
  maxBytes: number,
): Promise<{ entries: Map<string, PackEntry>; problem: string | null }> {
  const none = (problem: string | null) => ({ entries: new Map<string, PackEntry>(), problem });
  let handle: import("node:fs/promises").FileHandle;
  try {
    handle = await fsp.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    return none(codeOf(error) === "ENOENT" ? null : `cannot read ${file}: ${codeOf(error)}`);
  }
  let text: string;
  try {
    const st = await handle.stat();
    if (!st.isFile()) return none(`${file} is not a regular file; ignored`);
    if (st.size > maxBytes)
      return none(`${file} is ${st.size} bytes, over the ${maxBytes}-byte bound; ignored`);
    const uid = process.getuid?.();
    if ((uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0)
      return none(`${file} is not owned by this user or is writable by others; ignored`);
    text = await handle.readFile("utf8");
  } catch (error) {
    return none(`cannot read ${file}: ${codeOf(error)}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
  if (!text.startsWith(HEADER)) return none(`${file} has another format or parser version; ignored`);
  let body: unknown;
  try {
    body = JSON.parse(text.slice(HEADER.length));
  } catch {
    return none(`${file} is truncated or corrupt; ignored`);
  }
  const { root, entries } = (body ?? {}) as { root?: unknown; entries?: unknown };
  if (root !== rootReal || !Array.isArray(entries) || !entries.every(isEntry))
    return none(`${file} is corrupt; ignored`);
  return { entries: new Map(entries.map((e) => [e[0], e])), problem: null };
}

/**
 * Opens the parse cache of `options.root`: loads its pack (bounded, checked). Never rejects: any
 * problem leaves an empty cache and says why in `loadProblem` (or `file` `null` without a cache folder).
 */
export async function openParseCache(options: ParseCacheOptions): Promise<PersistentParseCache> {
  const maxBytes = options.maxPackBytes ?? DEFAULT_MAX_PACK_BYTES;
  const now = options.now ?? Date.now;
  const dir = parseCacheDir(options.env);
  let rootReal = options.root;
  try {
    rootReal = await fsp.realpath(options.root);
  } catch {
    // the status itself reports a missing root; the cache is then simply keyed by the given path
  }
  const name = `${sha256(rootReal)}.pack`;
  const file = dir === null ? null : join(dir, name);
  const loaded =
    file === null
      ? { entries: new Map<string, PackEntry>(), problem: null }
      : await loadPack(file, rootReal, maxBytes);
  const entries = loaded.entries;
  const loadedCount = entries.size;
  const touched = new Set<string>();
  const digests = new Map<string, string>();
  const digestOf = (context: string): string => {
    let digest = digests.get(context);
    if (digest === undefined) {
      digest = sha256(context);
      digests.set(context, digest);
    }
    return digest;
  };
  let dirty = false;
  let hits = 0;
  let misses = 0;
  let stored = 0;
  return {
    file,
    loadProblem: loaded.problem,
    get(key: ParseCacheKey) {
      const e = entries.get(key.path);
      if (
        e === undefined ||
        e[1] !== key.ino ||
        e[2] !== key.sizeBytes ||
        e[3] !== key.mtimeMs ||
        e[4] !== digestOf(key.context)
      ) {
        misses += 1;
        return undefined;
      }
      hits += 1;
      touched.add(key.path);
      return { observations: e[5], issues: e[6] };
    },
    set(key: ParseCacheKey, value: ParseCacheValue) {
      if (file === null || key.mtimeMs > now() - RACY_WINDOW_MS) return; // racy: may change unseen
      entries.set(key.path, [
        key.path,
        key.ino,
        key.sizeBytes,
        key.mtimeMs,
        digestOf(key.context),
        value.observations,
        value.issues,
      ]);
      touched.add(key.path);
      dirty = true;
      stored += 1;
    },
    stats: () => ({ loaded: loadedCount, hits, misses, stored }),
    async flush() {
      if (file === null || dir === null) return { written: false, problem: null };
      if (!dirty && touched.size === entries.size && loaded.problem === null)
        return { written: false, problem: null };
      const kept: PackEntry[] = [];
      for (const path of [...touched].sort()) kept.push(entries.get(path) as PackEntry);
      try {
        const text = `${HEADER}${JSON.stringify({ root: rootReal, entries: kept })}`;
        const store = await openFileStateStore(dir);
        if (Buffer.byteLength(text) > maxBytes) {
          await store.remove(name);
          return {
            written: false,
            problem: `the pack would be over the ${maxBytes}-byte bound; not written`,
          };
        }
        await store.put(name, text);
        return { written: true, problem: null };
      } catch (error) {
        const message = error instanceof Error ? error.message.replace(/^\[[^\]]*\] /, "") : String(error);
        return { written: false, problem: message.split("\n")[0] ?? message };
      }
    },
  };
}
