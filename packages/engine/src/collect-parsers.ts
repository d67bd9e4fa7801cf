/**
 * The default parsers of the collector: the `@atvm-watch/artifacts` parsers,
 * adapted to the collector's `CollectParsers` shape. Runner-log patterns are configurable
 * (config `logPatterns`); the defaults are `DEFAULT_RUNNER_LOG_PATTERNS`.
 */

import type { ArtifactMeta, Observation, ParseResult } from "@atvm-watch/artifacts";
import {
  PARSER_VERSION,
  parseCypressConfig,
  parseJunitXml,
  parseReporterJson,
  parseRunnerLogChunk,
  parseShellHistory,
  parseVmInventory,
  type RunnerLogPatterns,
  type RunnerLogState,
} from "@atvm-watch/artifacts";

/** Runner-log parser state as the collector needs it: plain JSON with the consumed byte offset. */
export interface RunnerLogStateLike {
  /** Bytes consumed; the next read starts here. */
  readonly offset: number;
}

/**
 * The parsers the collector dispatches to, one per parsed kind (defaults: `@atvm-watch/artifacts`).
 * `runnerLogChunk` follows `parseRunnerLogChunk`: `head` is the file's current first bytes (to
 * detect a replaced log); `restartFromZero` asks the collector to read again from byte 0.
 */
export interface CollectParsers {
  /**
   * What the parse results depend on besides the file and the known hosts (`PARSER_VERSION`, the
   * parser options), as one string; part of every persistent parse cache key
   * (`ParseCacheKey.context`). Parsers without it (custom or test parsers) are never cached.
   */
  readonly cacheIdentity?: string;
  junit(text: string, meta: ArtifactMeta): ParseResult<Observation>;
  reporterJson(text: string, meta: ArtifactMeta): ParseResult<Observation>;
  cypressConfig(text: string, meta: ArtifactMeta): ParseResult<Observation>;
  inventory(text: string, meta: ArtifactMeta): ParseResult<Observation>;
  shellHistory(text: string, meta: ArtifactMeta): ParseResult<Observation>;
  runnerLogChunk(
    chunk: Uint8Array,
    meta: ArtifactMeta,
    previous: RunnerLogStateLike | null,
    head?: Uint8Array,
  ): ParseResult<Observation> & { readonly state: RunnerLogStateLike; readonly restartFromZero: boolean };
}

/**
 * The artifacts parsers as `CollectParsers` (JUnit and reporter JSON with `testcases: "notable"`:
 * compacted host results, `HostResultObservation.omitted`), with `patterns` (config `logPatterns`) and `prefixes`
 * (config `logPrefixes`) for the runner log when given.
 */
export function createCollectParsers(
  patterns?: RunnerLogPatterns,
  prefixes?: readonly string[],
): CollectParsers {
  const options = Object.entries(patterns ?? {}).map(([name, value]) => [name, String(value)]);
  return {
    cacheIdentity: JSON.stringify({
      parser: PARSER_VERSION,
      testcases: "notable",
      patterns: options,
      prefixes: prefixes ?? [],
    }),
    // Compacted results (issue 11 P4): a watcher keeps every result for hours, and reconstruction
    // reads only the failed and retried testcases (artifacts `compactHostResult`).
    junit: (text, meta) => parseJunitXml(text, meta, { testcases: "notable" }),
    reporterJson: (text, meta) => parseReporterJson(text, meta, { testcases: "notable" }),
    cypressConfig: (text, meta) => parseCypressConfig(text, meta),
    inventory: (text, meta) => parseVmInventory(text, meta),
    shellHistory: (text, meta) => parseShellHistory(text, meta),
    runnerLogChunk: (chunk, meta, previous, head) =>
      parseRunnerLogChunk(chunk, meta, previous as RunnerLogState | null, patterns, {
        ...(head === undefined ? {} : { head }),
        ...(prefixes === undefined || prefixes.length === 0 ? {} : { prefixes }),
      }),
  };
}

/** {@link createCollectParsers} with the default runner-log patterns. */
export const defaultCollectParsers: CollectParsers = createCollectParsers();
