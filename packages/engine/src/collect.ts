/**
 * Incremental artifact collection over the `ArtifactSource` port (pure: no `node:`, no clock).
 *
 * Each `poll()` stats every artifact of the layout, re-reads only files whose size or mtime
 * changed since the previous poll (the cache keeps the observations of unchanged files, so nothing
 * is lost), and reads the runner log from the byte offset the log parser consumed up to
 * (research/performance.md, "What follows": re-parsing everything costs seconds at 2,000 hosts).
 */
import {
  type ArtifactMeta,
  decodeArtifactText,
  type EpochMs,
  HOST_NAME_PATTERN,
  type Observation,
  type ParseIssue,
  type ParseResult,
  specBaseName,
} from "@atvm-watch/artifacts";
import { type CollectParsers, defaultCollectParsers } from "./collect-parsers.ts";
import { byPath, classifyEntries, planPoll, relevantListingIssues } from "./collect-plan.ts";
import {
  accessIssue,
  type FileCache,
  type LogCache,
  type ReadContext,
  readLog,
  readWhole,
  SETTLING_KINDS,
} from "./collect-read.ts";

export { globToRegExp, hasWildcard, staticPrefix } from "./collect-glob.ts";
export {
  type CollectParsers,
  createCollectParsers,
  defaultCollectParsers,
  type RunnerLogStateLike,
} from "./collect-parsers.ts";
export { decodeUtf8, escapePathBytes, hasByteEscape, unescapePath } from "./collect-utf8.ts";

import { AtvmError } from "./errors.ts";
import type { ArtifactEntry, ArtifactSource } from "./ports.ts";

/**
 * Artifact kinds of a controller (DESIGN.md "Where things are on a controller"). `launch-log`
 * (the template phase output) and `generated-spec` are listed, never parsed.
 */
export type ArtifactKind =
  | "junit"
  | "reporter-json"
  | "runner-log"
  | "launch-log"
  | "cypress-config"
  | "inventory"
  | "shell-history"
  | "generated-spec";

/** Kinds in dispatch order: a path matched by an earlier kind is not offered to a later one. */
export const ARTIFACT_KINDS: readonly ArtifactKind[] = [
  "inventory",
  "cypress-config",
  "shell-history",
  "generated-spec",
  "runner-log",
  "launch-log",
  "junit",
  "reporter-json",
];

/**
 * Glob patterns per artifact kind (`*`, `**`, `?`; see collect-glob.ts). Relative patterns are
 * relative to the source root; absolute ones need the source's permission (node-fs `extraRoots`).
 * `{build}` is replaced by the poll's build name (a pattern with `{build}` is skipped while the
 * build is unknown); a leading `~/` by `CollectorOptions.homeDir` (skipped when unset).
 */
export type CollectLayout = Readonly<Record<ArtifactKind, readonly string[]>>;

/** The seed controller layout (contracts.md "Controller layout"; DESIGN.md). */
export const DEFAULT_LAYOUT: CollectLayout = {
  junit: ["cypress/cmcReporter/xml/test-result-*.xml", "cypress/cmcReporter/**/test-result-*.xml"],
  "reporter-json": [
    "cypress/cmcReporter/logs/*/*.json",
    "cypress/cmcReporter/logs/*/*.jsonl",
    "cypress/cmcReporter/mochawesome/*.json",
  ],
  "runner-log": ["/tmp/{build}.log"],
  "launch-log": ["/tmp/{build}.launch.log"],
  "cypress-config": ["cypress.atvm-config-gold.ts"],
  inventory: ["vm-inventory.md"],
  "shell-history": ["~/.bash_history"],
  // Every spec under the Cypress spec folder: the host-named ones are the generated specs (R10, scope.ts `specHost`).
  "generated-spec": ["cypress/e2e/**/*.ts", "cypress/e2e/**/*.js"],
};

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
}

/** Per-poll arguments. */
export interface PollOptions {
  /** Build name for `{build}` patterns (must match `BUILD_NAME_PATTERN`; else `INVALID_NAME`). */
  readonly build?: string | null;
  /** When the poll happens (UTC ms), stamped on runner-log lines as `readAtMs`. */
  readonly now?: EpochMs;
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

/** Build names allowed into paths (reliability.md §5.1): no `/`, no leading `-` or `.`, ≤ 57 chars. */
export const BUILD_NAME_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]{0,56}$/;

function emptyFiles(): Record<ArtifactKind, ArtifactEntry[]> {
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
  const settings = {
    source,
    parsers,
    decode,
    maxFileBytes: options.maxFileBytes ?? 64 * 1024 * 1024,
    maxLogChunkBytes: options.maxLogChunkBytes ?? 8 * 1024 * 1024,
    maxLogBytesPerPoll: options.maxLogBytesPerPoll ?? 1024 * 1024 * 1024,
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
      const ctx: ReadContext = { ...settings, reread: 0, bytesRead: 0, settling: [] };
      const found = await findFiles(source, layout, options.homeDir, build);
      const read = await readAll(ctx, cache, found.files, options.knownHosts ?? [], pollOptions.now);
      for (const path of cache.files.keys()) if (!found.seen.has(path)) cache.files.delete(path);
      for (const path of cache.logs.keys()) if (!found.seen.has(path)) cache.logs.delete(path);
      return assemble(found, read, ctx);
    },
  };
}

interface Caches {
  readonly files: Map<string, FileCache>;
  readonly logs: Map<string, LogCache>;
}

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
  readonly seen: ReadonlySet<string>;
  readonly issues: readonly ParseIssue[];
}

/** Step 1: stat the fixed paths, list each minimal wildcard prefix once, match kinds. */
async function findFiles(
  source: ArtifactSource,
  layout: CollectLayout,
  homeDir: string | undefined,
  build: string | null,
): Promise<Found> {
  const plan = planPoll(
    ARTIFACT_KINDS.flatMap((kind) =>
      layout[kind].map((raw) => ({ kind, pattern: expandPattern(raw, homeDir, build) })),
    ),
  );
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
  for (const dir of plan.listed) {
    const listing = await source.list(dir);
    classifyEntries(listing.entries, plan.globs, seen, files);
    for (const i of relevantListingIssues(listing.issues, plan.globs))
      issues.push({ file: i.path, kind: "unreadable", problem: i.message });
  }
  for (const kind of ARTIFACT_KINDS) files[kind].sort(byPath);
  return { files, seen, issues };
}

/** The parser of a whole-file kind; kinds that are only listed parse to nothing. Exhaustive. */
function wholeFileParser(
  parsers: CollectParsers,
  kind: ArtifactKind,
): (text: string, meta: ArtifactMeta) => ParseResult<Observation> {
  switch (kind) {
    case "junit":
      return parsers.junit;
    case "reporter-json":
      return parsers.reporterJson;
    case "cypress-config":
      return parsers.cypressConfig;
    case "inventory":
      return parsers.inventory;
    case "shell-history":
      return parsers.shellHistory;
    case "runner-log":
    case "launch-log":
    case "generated-spec":
      return () => ({ observations: [], issues: [] });
    default: {
      const unknown: never = kind;
      throw new Error(`unknown artifact kind ${String(unknown)}`);
    }
  }
}

interface Read {
  readonly byPath: ReadonlyMap<string, FileCache | LogCache>;
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
  const byPathMap = new Map<string, FileCache | LogCache>();
  // Kinds that define known hosts first, without known hosts of their own.
  for (const kind of ["inventory", "cypress-config", "shell-history"] as const) {
    for (const entry of files[kind]) {
      byPathMap.set(
        entry.path,
        await readWhole(ctx, cache.files, entry, wholeFileParser(ctx.parsers, kind), optionHosts, ""),
      );
    }
  }
  const hosts = new Set(optionHosts);
  for (const got of byPathMap.values()) {
    for (const o of got.observations) {
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
    for (const entry of files[kind]) {
      byPathMap.set(
        entry.path,
        await readWhole(ctx, cache.files, entry, wholeFileParser(ctx.parsers, kind), knownHosts, hostsKey),
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
    const got = await readLog(ctx, cache.logs, entry, meta);
    if (got !== undefined) byPathMap.set(entry.path, got);
  }
  return { byPath: byPathMap, knownHosts };
}

/** Step 4: assemble in dispatch order then path order; collection issues first. */
function assemble(found: Found, read: Read, ctx: ReadContext): PollResult {
  const observations: Observation[] = [];
  const issues: ParseIssue[] = [...found.issues];
  const settlingSet = new Set(ctx.settling);
  let fileCount = 0;
  for (const kind of ARTIFACT_KINDS) {
    fileCount += found.files[kind].length;
    for (const entry of found.files[kind]) {
      const got = read.byPath.get(entry.path);
      if (got === undefined) continue;
      for (const o of got.observations) observations.push(o);
      for (const issue of got.issues) {
        if (settlingSet.has(entry.path) && SETTLING_KINDS.has(issue.kind)) continue;
        issues.push(issue);
      }
    }
  }
  return {
    observations,
    issues,
    settling: [...settlingSet].sort(),
    files: found.files,
    knownHosts: read.knownHosts,
    stats: { files: fileCount, reread: ctx.reread, bytesRead: ctx.bytesRead },
  };
}
