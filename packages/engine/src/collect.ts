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
  type EpochMs,
  HOST_NAME_PATTERN,
  type Observation,
  type ParseIssue,
  type ParseResult,
  specBaseName,
} from "@atvm-watch/artifacts";
import { globToRegExp, hasWildcard, staticPrefix } from "./collect-glob.ts";
import { type CollectParsers, defaultCollectParsers, type RunnerLogStateLike } from "./collect-parsers.ts";
import { decodeUtf8 } from "./collect-utf8.ts";

export { globToRegExp, hasWildcard, staticPrefix } from "./collect-glob.ts";
export {
  type CollectParsers,
  createCollectParsers,
  defaultCollectParsers,
  type RunnerLogStateLike,
} from "./collect-parsers.ts";
export { decodeUtf8 } from "./collect-utf8.ts";

import { AtvmError, isAtvmError } from "./errors.ts";
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
  "reporter-json": ["cypress/cmcReporter/logs/*/*.json", "cypress/cmcReporter/mochawesome/*.json"],
  "runner-log": ["/tmp/{build}.log"],
  "launch-log": ["/tmp/{build}.launch.log"],
  "cypress-config": ["cypress.atvm-config-gold.ts"],
  inventory: ["vm-inventory.md"],
  "shell-history": ["~/.bash_history"],
  "generated-spec": ["cypress/e2e/generated/*.cy.ts"],
};

/** Options of {@link createCollector}. */
export interface CollectorOptions {
  /** Extra known hosts (config `knownHosts`), merged with inventory, spec-pattern and generated-spec hosts. */
  readonly knownHosts?: readonly string[];
  /** Home folder for `~/` patterns, e.g. `/root`. Without it `~/` patterns are skipped. */
  readonly homeDir?: string;
  /** Parsers; default {@link defaultCollectParsers} (the `@atvm-watch/artifacts` parsers). */
  readonly parsers?: CollectParsers;
  /** Bytes → text; default a pure UTF-8 decoder. Apps may pass a native `TextDecoder`. */
  readonly decode?: (bytes: Uint8Array) => string;
  /** Whole-file artifacts larger than this are not read (a `too-large` issue). Default 64 MiB. */
  readonly maxFileBytes?: number;
  /** At most this many runner-log bytes are read per poll; the rest follows next poll. Default 32 MiB. */
  readonly maxLogChunkBytes?: number;
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
  /** Parse issues of current artifacts, settling files excluded. */
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
  /** Stats everything, re-reads what changed. Rejects on source errors other than a missing file. */
  poll(options?: PollOptions): Promise<PollResult>;
}

/** Build names allowed into paths (reliability.md §5.1): no `/`, no leading `-` or `.`, ≤ 57 chars. */
export const BUILD_NAME_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]{0,56}$/;

interface FileCache {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly observations: readonly Observation[];
  readonly issues: readonly ParseIssue[];
  readonly hostsKey: string;
  /** Force a re-read next poll (observations kept from an earlier read while settling). */
  readonly stale: boolean;
}

interface LogCache {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly state: RunnerLogStateLike | null;
  readonly observations: readonly Observation[];
  readonly issues: readonly ParseIssue[];
}

/** Bytes of the log head compared to detect a replaced log (artifacts `RUNNER_LOG_HEAD_BYTES`). */
const LOG_HEAD_BYTES = 64;

const SETTLING_KINDS = new Set<ParseIssue["kind"]>(["incomplete", "malformed", "empty"]);

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
  const decode = options.decode ?? decodeUtf8;
  const maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
  const maxLogChunkBytes = options.maxLogChunkBytes ?? 32 * 1024 * 1024;
  const fileCache = new Map<string, FileCache>();
  const logCache = new Map<string, LogCache>();

  const expand = (pattern: string, build: string | null): string | null => {
    let out = pattern;
    if (out.startsWith("~/")) {
      if (options.homeDir === undefined) return null;
      out = `${options.homeDir.replace(/\/+$/, "")}/${out.slice(2)}`;
    }
    if (out.includes("{build}")) {
      if (build === null) return null;
      out = out.replaceAll("{build}", build);
    }
    return out;
  };

  const parseWhole = (kind: ArtifactKind, text: string, meta: ArtifactMeta): ParseResult<Observation> => {
    switch (kind) {
      case "junit":
        return parsers.junit(text, meta);
      case "reporter-json":
        return parsers.reporterJson(text, meta);
      case "cypress-config":
        return parsers.cypressConfig(text, meta);
      case "inventory":
        return parsers.inventory(text, meta);
      case "shell-history":
        return parsers.shellHistory(text, meta);
      default:
        return { observations: [], issues: [] };
    }
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
      let reread = 0;
      let bytesRead = 0;

      // 1. Find the files: stat fixed paths, list each minimal wildcard prefix once.
      const fixed: { kind: ArtifactKind; path: string }[] = [];
      const globs: { kind: ArtifactKind; prefix: string; re: RegExp }[] = [];
      for (const kind of ARTIFACT_KINDS) {
        for (const raw of layout[kind]) {
          const pattern = expand(raw, build);
          if (pattern === null) continue;
          if (hasWildcard(pattern))
            globs.push({ kind, prefix: staticPrefix(pattern), re: globToRegExp(pattern) });
          else fixed.push({ kind, path: pattern });
        }
      }
      const covers = (outer: string, inner: string): boolean =>
        outer === inner ||
        (outer === "" && !inner.startsWith("/")) ||
        inner.startsWith(outer.endsWith("/") ? outer : `${outer}/`);
      const prefixes = [...new Set(globs.map((g) => g.prefix))].sort((a, b) => a.length - b.length);
      const listed: string[] = [];
      for (const prefix of prefixes) if (!listed.some((outer) => covers(outer, prefix))) listed.push(prefix);
      const entries: ArtifactEntry[] = [];
      for (const dir of listed) for (const entry of await source.list(dir)) entries.push(entry);

      const files = emptyFiles();
      const seen = new Set<string>();
      for (const { kind, path } of fixed) {
        if (seen.has(path)) continue;
        const entry = await source.stat(path);
        if (entry === null) continue;
        seen.add(path);
        files[kind].push(entry);
      }
      for (const entry of entries) {
        if (seen.has(entry.path)) continue;
        const match = globs.find((g) => g.re.test(entry.path));
        if (match === undefined) continue;
        seen.add(entry.path);
        files[match.kind].push(entry);
      }
      for (const kind of ARTIFACT_KINDS)
        files[kind].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

      const settling: string[] = [];

      // 2. Whole-file kinds, re-read only when size or mtime changed.
      const readWhole = async (
        kind: ArtifactKind,
        entry: ArtifactEntry,
        knownHosts: readonly string[],
        hostsKey: string,
      ) => {
        const cached = fileCache.get(entry.path);
        if (
          cached !== undefined &&
          !cached.stale &&
          cached.sizeBytes === entry.sizeBytes &&
          cached.mtimeMs === entry.mtimeMs &&
          cached.hostsKey === hostsKey
        ) {
          return cached;
        }
        const isSettling = cached !== undefined && cached.sizeBytes !== entry.sizeBytes;
        if (entry.sizeBytes > maxFileBytes) {
          const issue: ParseIssue = {
            file: entry.path,
            kind: "too-large",
            problem: `${entry.path} is ${entry.sizeBytes} bytes, over the ${maxFileBytes}-byte bound; not read`,
          };
          const next: FileCache = { ...entry, observations: [], issues: [issue], hostsKey, stale: false };
          fileCache.set(entry.path, next);
          return next;
        }
        let bytes: Uint8Array;
        try {
          bytes = await source.read(entry.path, 0, maxFileBytes);
        } catch (error) {
          if (isAtvmError(error) && error.code === "ARTIFACT_NOT_FOUND") return null;
          throw error;
        }
        reread += 1;
        bytesRead += bytes.length;
        const meta: ArtifactMeta = {
          path: entry.path,
          mtimeMs: entry.mtimeMs,
          sizeBytes: bytes.length,
          ...(knownHosts.length > 0 ? { knownHosts } : {}),
        };
        const result = parseWhole(kind, decode(bytes), meta);
        const unsettled = result.issues.some((i) => SETTLING_KINDS.has(i.kind));
        if (isSettling) settling.push(entry.path);
        if (isSettling && unsettled && cached !== undefined && cached.observations.length > 0) {
          // Mid-write: keep what the file said before, and look again next poll.
          const next: FileCache = {
            sizeBytes: bytes.length,
            mtimeMs: entry.mtimeMs,
            observations: cached.observations,
            issues: result.issues,
            hostsKey,
            stale: true,
          };
          fileCache.set(entry.path, next);
          return next;
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
        fileCache.set(entry.path, next);
        return next;
      };

      const byPath = new Map<string, FileCache>();
      const optionHosts = options.knownHosts ?? [];
      // Kinds that define known hosts first, without known hosts of their own.
      for (const kind of ["inventory", "cypress-config", "shell-history"] as const) {
        for (const entry of files[kind]) {
          const got = await readWhole(kind, entry, optionHosts, "");
          if (got !== null) byPath.set(entry.path, got);
        }
      }
      const hosts = new Set(optionHosts);
      for (const cache of byPath.values()) {
        for (const o of cache.observations) {
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
          const got = await readWhole(kind, entry, knownHosts, hostsKey);
          if (got !== null) byPath.set(entry.path, got);
        }
      }

      // 3. Runner logs: from the consumed offset; from byte 0 when the parser says the log
      //    shrank or was replaced (its first bytes changed).
      for (const entry of files["runner-log"]) {
        const cached = logCache.get(entry.path);
        const consumed = cached?.state?.offset ?? 0;
        if (
          cached !== undefined &&
          cached.sizeBytes === entry.sizeBytes &&
          cached.mtimeMs === entry.mtimeMs &&
          consumed >= entry.sizeBytes
        ) {
          continue;
        }
        const meta: ArtifactMeta = {
          path: entry.path,
          mtimeMs: entry.mtimeMs,
          sizeBytes: entry.sizeBytes,
          ...(knownHosts.length > 0 ? { knownHosts } : {}),
          ...(pollOptions.now !== undefined ? { readAtMs: pollOptions.now } : {}),
        };
        const readFrom = async (state: RunnerLogStateLike | null) => {
          const offset = state?.offset ?? 0;
          const head = offset > 0 ? await source.read(entry.path, 0, LOG_HEAD_BYTES) : undefined;
          const chunk = await source.read(entry.path, offset, maxLogChunkBytes);
          reread += 1;
          bytesRead += chunk.length + (head?.length ?? 0);
          return parsers.runnerLogChunk(chunk, meta, state, head);
        };
        let previousObs = cached?.observations ?? [];
        let previousIssues = cached?.issues ?? [];
        let result: Awaited<ReturnType<typeof readFrom>>;
        try {
          result = await readFrom(cached?.state ?? null);
          if (result.restartFromZero) {
            previousObs = [];
            previousIssues = result.issues; // the parser's `truncated-log` note
            result = await readFrom(null);
          }
        } catch (error) {
          if (isAtvmError(error) && error.code === "ARTIFACT_NOT_FOUND") continue;
          throw error;
        }
        logCache.set(entry.path, {
          sizeBytes: entry.sizeBytes,
          mtimeMs: entry.mtimeMs,
          state: result.state,
          observations: [...previousObs, ...result.observations],
          issues: [...previousIssues, ...result.issues],
        });
      }

      // Forget files that are gone.
      for (const path of fileCache.keys()) if (!seen.has(path)) fileCache.delete(path);
      for (const path of logCache.keys()) if (!seen.has(path)) logCache.delete(path);

      // 4. Assemble, in dispatch order then path order.
      const observations: Observation[] = [];
      const issues: ParseIssue[] = [];
      const settlingSet = new Set(settling);
      for (const kind of ARTIFACT_KINDS) {
        for (const entry of files[kind]) {
          const cache = kind === "runner-log" ? logCache.get(entry.path) : byPath.get(entry.path);
          if (cache === undefined) continue;
          for (const o of cache.observations) observations.push(o);
          for (const issue of cache.issues) {
            if (settlingSet.has(entry.path) && SETTLING_KINDS.has(issue.kind)) continue;
            issues.push(issue);
          }
        }
      }
      let fileCount = 0;
      for (const kind of ARTIFACT_KINDS) fileCount += files[kind].length;
      return {
        observations,
        issues,
        settling: [...settlingSet].sort(),
        files,
        knownHosts,
        stats: { files: fileCount, reread, bytesRead },
      };
    },
  };
}
