/**
 * Incremental artifact collection over the `ArtifactSource` port (pure: no `node:`, no clock).
 *
 * Each `poll()` stats every artifact of the layout, re-reads only files whose size or mtime
 * changed since the previous poll (the cache keeps the observations of unchanged files, so nothing
 * is lost), and reads the runner log from the byte offset the log parser consumed up to
 * (docs/benchmarks.md: re-parsing everything costs seconds at 2,000 hosts).
 */
import {
  type ArtifactMeta,
  decodeArtifactText,
  type EpochMs,
  HOST_NAME_PATTERN,
  type Observation,
  type ParseIssue,
  specBaseName,
} from "@atvm-watch/artifacts";
import { collectBatchRequest, prefetchedSource } from "./collect-batch.ts";
import { parseCacheUse } from "./collect-cache.ts";
import { type CollectParsers, defaultCollectParsers } from "./collect-parsers.ts";
import {
  byPath,
  classifyEntries,
  isSortedByPath,
  type PollPlan,
  planPoll,
  relevantListingIssues,
} from "./collect-plan.ts";
import {
  accessIssue,
  type FileCache,
  isFresh,
  type LogCache,
  type ReadContext,
  readLog,
  readWhole,
  SETTLING_KINDS,
} from "./collect-read.ts";

export { globToRegExp, hasWildcard, staticPrefix } from "./collect-glob.ts";
export { ARTIFACT_KINDS, type ArtifactKind, type CollectLayout, DEFAULT_LAYOUT } from "./collect-layout.ts";
export {
  type CollectParsers,
  createCollectParsers,
  defaultCollectParsers,
  type RunnerLogStateLike,
} from "./collect-parsers.ts";
export { decodeUtf8, escapePathBytes, hasByteEscape, unescapePath } from "./collect-utf8.ts";

import {
  ARTIFACT_KINDS,
  type ArtifactKind,
  type CollectLayout,
  DEFAULT_LAYOUT,
  sameListing,
} from "./collect-layout.ts";
import { AtvmError } from "./errors.ts";
import type { ArtifactEntry, ArtifactSource, ParseCache } from "./ports.ts";

/** Options of {@link createCollector}. */
export interface CollectorOptions {
  /** Extra known hosts (config `knownHosts`), merged with inventory, spec-pattern and generated-spec hosts. */
  readonly knownHosts?: readonly string[];
  /** Home folder for `~/` patterns, e.g. `/root`. Without it `~/` patterns are skipped. */
  readonly homeDir?: string;
  /** Parsers; default {@link defaultCollectParsers} (the `@atvm-watch/artifacts` parsers). */
  readonly parsers?: CollectParsers;
  /** Bytes → text; default `decodeArtifactText` (UTF-8, or windows-1252 when an XML declaration says ISO-8859-1/latin1). */
  readonly decode?: (bytes: Uint8Array) => string;
  /** Whole-file artifacts larger than this are not read (a `too-large` issue). Default 64 MiB. */
  readonly maxFileBytes?: number;
  /** Runner logs are read in chunks of at most this many bytes, each parsed before the next. Default 8 MiB. */
  readonly maxLogChunkBytes?: number;
  /**
   * At most this many runner-log bytes per log per poll; past it an `unreadable` issue starting
   * `READ_CAP:` says where reading stopped, and the rest follows next poll. Default 1 GiB.
   */
  readonly maxLogBytesPerPoll?: number;
  /** Persistent whole-file parse results (`atvm status`; collect-cache.ts says when it is used). Default none. */
  readonly parseCache?: ParseCache;
}

/** Per-poll arguments. */
export interface PollOptions {
  /** Build name for `{build}` patterns (must match `BUILD_NAME_PATTERN`; else `INVALID_NAME`). */
  readonly build?: string | null;
  /** When the poll happens (UTC ms), stamped on runner-log lines as `readAtMs`. */
  readonly now?: EpochMs;
  /**
   * Poll only these kinds (default: every kind). A partial poll lists and reads only their
   * patterns, keeps the cache of the other kinds as it is, and reports only their files; the run
   * observer uses `["shell-history"]` to locate the run before the one full poll.
   */
  readonly kinds?: readonly ArtifactKind[];
}

/** Counters of one poll. */
export interface PollStats {
  /** Artifact files matched by the layout. */
  readonly files: number;
  /** Files read this poll (new or changed; runner log when it grew). */
  readonly reread: number;
  readonly bytesRead: number;
}

/** What one poll returns. */
export interface PollResult {
  /** Every observation of every current artifact (cached ones included), by kind then path. */
  readonly observations: readonly Observation[];
  /**
   * Parse issues of current artifacts, settling files excluded, plus `unreadable` issues for every
   * file or folder that could not be listed, statted or read (`problem` starts with the cause code,
   * ports.ts `AccessProblemCode`), by path.
   */
  readonly issues: readonly ParseIssue[];
  /**
   * Paths whose size changed since the previous poll: still being written (mocha-junit-reporter
   * writes non-atomically). Their `incomplete`/`malformed`/`empty` issues are expected and left out
   * of `issues`; while settling, the previous good observations of the file are kept.
   */
  readonly settling: readonly string[];
  /** Matched files per kind (generated specs and the launch log are only listed here). */
  readonly files: Readonly<Record<ArtifactKind, readonly ArtifactEntry[]>>;
  /** Known hosts used for parsing: options ∪ inventory ∪ spec-pattern ∪ generated-spec hosts, sorted. */
  readonly knownHosts: readonly string[];
  readonly stats: PollStats;
}

/** The incremental collector. */
export interface Collector {
  /**
   * Stats everything, re-reads what changed. Never rejects for an artifact: an unreadable file or
   * folder is an `unreadable` issue and the rest still collects. Rejects `INVALID_NAME` for a bad
   * build name, and `INVALID_PATH` when the layout names a folder the source refuses.
   */
  poll(options?: PollOptions): Promise<PollResult>;
}

/** Build names allowed into paths (docs/safety.md "Paths and names"): no `/`, no leading `-` or `.`, ≤ 57 chars. */
export const BUILD_NAME_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]{0,56}$/;

function emptyFiles<T = ArtifactEntry>(): Record<ArtifactKind, T[]> {
  return {
    junit: [],
    "reporter-json": [],
    "runner-log": [],
    "launch-log": [],
    "cypress-config": [],
    inventory: [],
    "shell-history": [],
    "generated-spec": [],
  };
}

/**
 * Creates an incremental collector over `source` for `layout` (default {@link DEFAULT_LAYOUT}).
 * The collector holds a per-path cache between polls; it is not safe to poll concurrently.
 */
export function createCollector(
  source: ArtifactSource,
  layout: CollectLayout = DEFAULT_LAYOUT,
  options: CollectorOptions = {},
): Collector {
  const parsers = options.parsers ?? defaultCollectParsers;
  const decode = options.decode ?? decodeArtifactText;

  const cache: Caches = { files: new Map(), logs: new Map() };
  const memos = new Map<string, PlanMemo>();
  const settings = {
    source,
    parsers,
    decode,
    maxFileBytes: options.maxFileBytes ?? 64 * 1024 * 1024,
    maxLogChunkBytes: options.maxLogChunkBytes ?? 8 * 1024 * 1024,
    maxLogBytesPerPoll: options.maxLogBytesPerPoll ?? 1024 * 1024 * 1024,
    parseCache: parseCacheUse(options.parseCache, parsers, options.decode),
  };
  return {
    async poll(pollOptions = {}) {
      const build = pollOptions.build ?? null;
      if (build !== null && !BUILD_NAME_PATTERN.test(build)) {
        throw new AtvmError(
          "INVALID_NAME",
          `build name ${JSON.stringify(build)} is not allowed in a path; use letters, digits, ".", "_" and "-" (at most 57, not starting with "." or "-")`,
        );
      }
      const kinds = pollOptions.kinds ?? ARTIFACT_KINDS;
      const patterns = ARTIFACT_KINDS.filter((kind) => kinds.includes(kind)).flatMap((kind) =>
        layout[kind].map((raw) => ({ kind, pattern: expandPattern(raw, options.homeDir, build) })),
      );
      const plan = planPoll(patterns);
      const memo = planMemo(memos, JSON.stringify(patterns));
      // A source with a batched poll (ssh) answers the whole poll in one request.
      let view = source;
      if (source.batch !== undefined) {
        const request = collectBatchRequest(patterns, plan, cache, settings.maxFileBytes);
        view = prefetchedSource(source, request, await source.batch(request));
      }
      const ctx: ReadContext = { ...settings, source: view, reread: 0, bytesRead: 0, settling: [] };
      const found = await findFiles(view, plan, memo);
      const read = await readAll(ctx, cache, found.files, options.knownHosts ?? [], pollOptions.now);
      if (pollOptions.kinds === undefined) evict(cache, found.files);
      return assemble(found, read, ctx);
    },
  };
}

interface Caches {
  readonly files: Map<string, FileCache>;
  readonly logs: Map<string, LogCache>;
}

/** Drops the cache entries of files no longer matched (nothing to do when the counts agree). */
function evict(cache: Caches, files: Record<ArtifactKind, ArtifactEntry[]>): void {
  let matched = 0;
  for (const kind of ARTIFACT_KINDS) matched += files[kind].length;
  if (cache.files.size + cache.logs.size <= matched) return; // every cached path is still matched
  const seen = new Set<string>();
  for (const kind of ARTIFACT_KINDS) for (const entry of files[kind]) seen.add(entry.path);
  for (const path of cache.files.keys()) if (!seen.has(path)) cache.files.delete(path);
  for (const path of cache.logs.keys()) if (!seen.has(path)) cache.logs.delete(path);
}

/**
 * What one poll plan (the expanded patterns of the polled kinds) keeps between polls (issue
 * "Fleet scale", P3: an idle poll should cost little more than the stats): the glob verdict per
 * listed path, and the last assembled output with the cache entries it was built from, reused as
 * is when every entry is the same object again.
 */
interface PlanMemo {
  readonly kindOf: Map<string, ArtifactKind | null>;
  /** Per listed folder: the previous listing and what it classified to (reused when equal). */
  readonly listings: Map<
    string,
    { entries: readonly ArtifactEntry[]; fixed: string; taken: readonly ArtifactEntry[][] }
  >;
  last: {
    readonly parts: readonly (FileCache | LogCache | undefined)[];
    readonly observations: readonly Observation[];
    readonly issues: readonly ParseIssue[];
  } | null;
}

/** Plans kept at once (a watcher alternates a partial and a full poll; builds change rarely). */
const MAX_PLAN_MEMOS = 4;

/** `pattern` with `~/` and `{build}` expanded, or `null` when it cannot apply this poll. */
function expandPattern(pattern: string, homeDir: string | undefined, build: string | null): string | null {
  let out = pattern;
  if (out.startsWith("~/")) {
    if (homeDir === undefined) return null;
    out = `${homeDir.replace(/\/+$/, "")}/${out.slice(2)}`;
  }
  if (out.includes("{build}")) {
    if (build === null) return null;
    out = out.replaceAll("{build}", build);
  }
  return out;
}

interface Found {
  readonly files: Record<ArtifactKind, ArtifactEntry[]>;
  readonly issues: readonly ParseIssue[];
  readonly memo: PlanMemo;
}

/** The listing memo of one poll plan (its expanded patterns), created on first use; at most `MAX_PLAN_MEMOS` kept. */
function planMemo(memos: Map<string, PlanMemo>, planKey: string): PlanMemo {
  let memo = memos.get(planKey);
  if (memo === undefined) {
    if (memos.size >= MAX_PLAN_MEMOS) memos.delete(memos.keys().next().value as string);
    memo = { kindOf: new Map(), listings: new Map(), last: null };
    memos.set(planKey, memo);
  }
  return memo;
}

/** Step 1: stat the fixed paths, list each minimal wildcard prefix once, match kinds. */
async function findFiles(
  source: ArtifactSource,
  plan: PollPlan<ArtifactKind>,
  memo: PlanMemo,
): Promise<Found> {
  const files = emptyFiles();
  const seen = new Set<string>();
  const issues: ParseIssue[] = [];
  for (const { kind, path } of plan.fixed) {
    if (seen.has(path)) continue;
    let entry: ArtifactEntry | null;
    try {
      entry = await source.stat(path);
    } catch (error) {
      issues.push(accessIssue(path, error));
      continue;
    }
    if (entry === null) continue;
    seen.add(path);
    files[kind].push(entry);
  }
  let listed = 0;
  const fixed = [...seen].join("\n"); // fixed paths win over globs: a change re-classifies
  for (const dir of plan.listed) {
    const listing = await source.list(dir);
    listed += listing.entries.length;
    const prev = memo.listings.get(dir);
    if (prev !== undefined && prev.fixed === fixed && sameListing(prev.entries, listing.entries)) {
      // Unchanged folder: the previous classification (and its entry objects) as is.
      prev.taken.forEach((taken, k) => {
        for (const entry of taken) files[ARTIFACT_KINDS[k] as ArtifactKind].push(entry);
      });
    } else {
      const into = emptyFiles();
      classifyEntries(listing.entries, plan.globs, seen, into, memo.kindOf);
      const taken = ARTIFACT_KINDS.map((kind) => into[kind]);
      taken.forEach((list, k) => {
        for (const entry of list) files[ARTIFACT_KINDS[k] as ArtifactKind].push(entry);
      });
      memo.listings.set(dir, { entries: listing.entries, fixed, taken });
    }
    for (const i of relevantListingIssues(listing.issues, plan.globs))
      issues.push({ file: i.path, kind: "unreadable", problem: i.message });
  }
  // Verdicts of paths that are gone would pile up over a long watch: start over past 2× the listing.
  if (memo.kindOf.size > 2 * listed + 64) memo.kindOf.clear();
  for (const kind of ARTIFACT_KINDS) if (!isSortedByPath(files[kind])) files[kind].sort(byPath);
  return { files, issues, memo };
}

type Got = FileCache | LogCache | undefined;

interface Read {
  /** Per kind, the cache entry of each file in `files[kind]` order (`undefined`: not read). */
  readonly got: Readonly<Record<ArtifactKind, readonly Got[]>>;
  readonly knownHosts: readonly string[];
}

/** Steps 2 and 3: host-defining files, then results with the known hosts, then runner logs. */
async function readAll(
  ctx: ReadContext,
  cache: Caches,
  files: Record<ArtifactKind, ArtifactEntry[]>,
  optionHosts: readonly string[],
  now: EpochMs | undefined,
): Promise<Read> {
  const got = emptyFiles<Got>();
  // Kinds that define known hosts first, without known hosts of their own.
  for (const kind of ["inventory", "cypress-config", "shell-history"] as const) {
    for (const entry of files[kind]) {
      got[kind].push(await readWhole(ctx, cache.files, entry, kind, optionHosts, ""));
    }
  }
  const hosts = new Set(optionHosts);
  for (const one of [...got.inventory, ...got["cypress-config"], ...got["shell-history"]]) {
    for (const o of one?.observations ?? []) {
      if (o.kind === "inventory") for (const e of o.entries) hosts.add(e.host);
      if (o.kind === "cypress-config") for (const h of o.hosts) hosts.add(h);
    }
  }
  for (const entry of files["generated-spec"]) {
    const base = specBaseName(entry.path);
    if (HOST_NAME_PATTERN.test(base)) hosts.add(base);
  }
  const knownHosts = [...hosts].sort();
  const hostsKey = knownHosts.join("\n"); // results are re-parsed when the known hosts change
  for (const kind of ["junit", "reporter-json"] as const) {
    const into = got[kind];
    for (const entry of files[kind]) {
      const cached = cache.files.get(entry.path);
      into.push(
        cached !== undefined && isFresh(cached, entry, hostsKey)
          ? cached // unchanged: no promise, no call (most files of an idle poll)
          : await readWhole(ctx, cache.files, entry, kind, knownHosts, hostsKey),
      );
    }
  }
  for (const entry of files["runner-log"]) {
    const meta: ArtifactMeta = {
      path: entry.path,
      mtimeMs: entry.mtimeMs,
      sizeBytes: entry.sizeBytes,
      ...(knownHosts.length > 0 ? { knownHosts } : {}),
      ...(now !== undefined ? { readAtMs: now } : {}),
    };
    got["runner-log"].push(await readLog(ctx, cache.logs, entry, meta));
  }
  return { got, knownHosts };
}

/** Step 4: assemble in dispatch order then path order; collection issues first. */
function assemble(found: Found, read: Read, ctx: ReadContext): PollResult {
  const settlingSet = new Set(ctx.settling);
  const parts: Got[] = [];
  for (const kind of ARTIFACT_KINDS) {
    const got = read.got[kind];
    for (let i = 0; i < found.files[kind].length; i++) parts.push(got[i]);
  }
  const last = found.memo.last;
  // Same cache entries in the same order, nothing settling, no collection issue: same output.
  const same =
    last !== null &&
    settlingSet.size === 0 &&
    found.issues.length === 0 &&
    last.parts.length === parts.length &&
    parts.every((got, i) => got === last.parts[i]);
  let observations: readonly Observation[];
  let issues: readonly ParseIssue[];
  if (same) {
    ({ observations, issues } = last);
  } else {
    const obs: Observation[] = [];
    const iss: ParseIssue[] = [...found.issues];
    let i = 0;
    for (const kind of ARTIFACT_KINDS) {
      for (const entry of found.files[kind]) {
        const got = parts[i++];
        if (got === undefined) continue;
        for (const o of got.observations) obs.push(o);
        for (const issue of got.issues) {
          if (settlingSet.has(entry.path) && SETTLING_KINDS.has(issue.kind)) continue;
          iss.push(issue);
        }
      }
    }
    observations = obs;
    issues = iss;
  }
  found.memo.last =
    settlingSet.size === 0 && found.issues.length === 0 ? { parts, observations, issues } : null;
  let fileCount = 0;
  for (const kind of ARTIFACT_KINDS) fileCount += found.files[kind].length;
  return {
    observations,
    issues,
    settling: [...settlingSet].sort(),
    files: found.files,
    knownHosts: read.knownHosts,
    stats: { files: fileCount, reread: ctx.reread, bytesRead: ctx.bytesRead },
  };
}
