/**
 * Incremental parser for the runner log `/tmp/<build>.log`: the console output of
 * `run-sorry-cypress.py`, i.e. the Cypress native console (Cypress 12/13: `(Run Starting)` box,
 * `Running:  spec  (i of N)`, `(Results)` box, `(Run Finished)` table, `Recorded Run:`) and the
 * cypress-cloud / Currents console (`🎥 Run URL:`, `Running: a, b (claimed/total)`,
 * `Cloud Run Finished`, `🏁 Recorded Run:`, `Run cancelled:`), plus the runner's own categorized
 * batch lines (docs/config.md "logPatterns"). Format: the Cypress run console output, https://docs.cypress.io/app/references/command-line#cypress-run. Pure: bytes in, observations out.
 *
 * The log is read by byte offset: each call gets the bytes from `previous.offset` to the end of
 * the file and returns a plain-JSON state to persist for the next call. Only complete lines
 * (ending in `\n`) are parsed; the incomplete tail is carried in the state, so the observations
 * never depend on where the reads happened to cut the file (a UTF-8 character or a CRLF split
 * across two reads decodes the same as in one read).
 */

import { LineParser } from "./runner-log/line-parser.ts";
import { parseCompleteLines } from "./runner-log/lines.ts";
import { compilePatterns, DEFAULT_COMPILED, type RunnerLogPatterns } from "./runner-log/patterns.ts";
import { compilePrefixes } from "./runner-log/prefix.ts";
import {
  headChanged,
  initialRunnerLogState,
  isRunnerLogState,
  RUNNER_LOG_HEAD_BYTES,
  RUNNER_LOG_MAX_LINE_BYTES,
  type RunnerLogState,
} from "./runner-log/state.ts";
import { concatBytes, decodeBase64, decodeUtf8KeepBom, encodeBase64, encodeHex } from "./runner-log-bytes.ts";
import type { ArtifactMeta, ParseIssue, ParseResult, RunnerLogObservation } from "./types.ts";

export {
  DEFAULT_RUNNER_LOG_PATTERNS,
  RUNNER_LOG_PATTERN_NAMES,
  type RunnerLogPatternName,
  type RunnerLogPatterns,
  runnerLogPatternProblem,
} from "./runner-log/patterns.ts";
export { MAX_PREFIX_TOKENS, prefixProblem as runnerLogPrefixProblem } from "./runner-log/prefix.ts";
export {
  initialRunnerLogState,
  RUNNER_LOG_HEAD_BYTES,
  RUNNER_LOG_MAX_LINE_BYTES,
  type RunnerLogContext,
  type RunnerLogPendingFailure,
  type RunnerLogPendingResults,
  type RunnerLogState,
} from "./runner-log/state.ts";

/** Extra inputs of one read. */
export interface RunnerLogReadOptions {
  /**
   * The file's current first bytes (up to `RUNNER_LOG_HEAD_BYTES`). When given and they differ
   * from the state's `head`, the log was replaced (rotated) and parsing restarts from byte 0.
   */
  readonly head?: Uint8Array;
  /**
   * Wrapper prefixes to remove from the start of each line before the patterns run (config
   * `logPrefixes`): regular-expression sources compiled with RE2, anchored at the start of the
   * line. The common ones (timestamps, `[host]`, logging levels) are removed without configuration
   * (`runner-log/prefix.ts`). A source RE2 refuses is an `invalid` issue and is skipped.
   */
  readonly prefixes?: readonly string[];
  /**
   * Internal, for differential tests and benchmarks: `false` turns off the byte-level fast path
   * (`runner-log/lines.ts`) and the per-line pattern guards (`LineParser` `guards`: a default
   * pattern is tried only on a line holding the characters it needs). Observations and state are
   * the same either way.
   */
  readonly fastPath?: boolean;
}

/** `parseRunnerLogChunk`'s answer: observations and issues, the state to persist, and whether to re-read from byte 0. */
export type RunnerLogChunkResult = ParseResult<RunnerLogObservation> & {
  readonly state: RunnerLogState;
  /** `true` when the log shrank or was replaced: the chunk was ignored, `state` is fresh, read again from byte 0. */
  readonly restartFromZero: boolean;
};

/**
 * Parses the next bytes of a runner log.
 *
 * - `chunk`: the file's bytes from `previous?.offset ?? 0` to its end (any length, even 0).
 * - `meta`: `path` names the log in observations; `sizeBytes` is the file's size now (bytes);
 *   `readAtMs` (UTC ms) becomes each observation's `at`; `knownHosts` recovers hosts from specs
 *   and failing titles (R11 name boundaries).
 * - `previous`: the state the last call returned, or `null` for a first read from byte 0.
 * - `patterns`: operator overrides of `DEFAULT_RUNNER_LOG_PATTERNS`.
 * - `options.head`: the file's current first bytes, to detect rotation.
 *
 * When `meta.sizeBytes` is below `previous.offset` (truncated) or `options.head` differs from the
 * stored head (replaced), or `previous` is not a valid state, the chunk is ignored and the result
 * has `restartFromZero: true`, a fresh state and a `truncated-log` (or `invalid`) issue: read the
 * file again from byte 0 and pass the fresh state. Never throws.
 *
 * Observations (types.ts `RunnerLogObservation`): `run-url` (trailing punctuation stripped,
 * repeats of the last URL suppressed; R1: recorded as soon as its line is complete, whether or
 * not the runner ever exits), `spec-started` (one per spec), `spec-result`, `run-finished`,
 * `attempt`, `test-failed` (step, title and first error lines: R17 evidence; reported once the
 * error text ends at a blank line, a stack line or the next entry), `renderer-crash`,
 * `run-cancelled`, `batch-started`, `batch-finished`.
 */
export function parseRunnerLogChunk(
  chunk: Uint8Array,
  meta: ArtifactMeta,
  previous: RunnerLogState | null,
  patterns?: RunnerLogPatterns,
  options?: RunnerLogReadOptions,
): RunnerLogChunkResult {
  const issues: ParseIssue[] = [];
  const compiled = patterns === undefined ? DEFAULT_COMPILED : compilePatterns(patterns, meta.path, issues);

  const prev = previous === null ? initialRunnerLogState() : usablePrevious(previous, meta, options, issues);
  if (prev === null) return restart(issues);

  const prefixSources = options?.prefixes ?? [];
  const prefixes = compilePrefixes(prefixSources);
  for (const problem of prefixes.problems) {
    issues.push({ file: meta.path, kind: "invalid", problem: `${problem}; this prefix is not removed` });
  }
  const fast =
    options?.fastPath !== false &&
    prefixSources.length === 0 &&
    (patterns === undefined || Object.values(patterns).every((v) => v === undefined));
  const parser = new LineParser(meta, compiled, prev, prefixes.matchers, fast);
  let head = prev.head;
  const headBytes = head.length / 2;
  if (headBytes < RUNNER_LOG_HEAD_BYTES && chunk.length > 0) {
    head += encodeHex(chunk.subarray(0, RUNNER_LOG_HEAD_BYTES - headBytes));
  }

  let tail: { carry: Uint8Array; dropped: number };
  try {
    tail = consumeBytes(chunk, prev, parser, fast);
  } catch (cause) {
    // Defence in depth: no input is known to get here (property tests assert it never does).
    // The chunk is skipped with a fresh context rather than crashing the watcher.
    const why = cause instanceof Error ? cause.message : String(cause);
    issues.push({
      file: meta.path,
      kind: "malformed",
      problem: `${RUNNER_LOG_INTERNAL_ERROR} at line ${parser.lines} of ${meta.path} (${why.slice(0, 200)}); the rest of this read was skipped`,
    });
    tail = { carry: EMPTY, dropped: 0 };
    parser.reset();
  }

  return {
    observations: parser.out,
    issues,
    restartFromZero: false,
    state: {
      version: 1,
      offset: prev.offset + chunk.length,
      lines: parser.lines,
      carry: encodeBase64(tail.carry),
      carryDropped: tail.dropped,
      head,
      context: parser.context(),
    },
  };
}

const NEWLINE = 0x0a;
const EMPTY = new Uint8Array(0);

/**
 * `previous` when the chunk continues it; `null` (with the reason in `issues`) when the state is
 * not valid, the file shrank below its offset, or its first bytes changed (rotated).
 */
function usablePrevious(
  previous: RunnerLogState,
  meta: ArtifactMeta,
  options: RunnerLogReadOptions | undefined,
  issues: ParseIssue[],
): RunnerLogState | null {
  if (!isRunnerLogState(previous)) {
    issues.push({
      file: meta.path,
      kind: "invalid",
      problem: `runner-log state for ${meta.path} is not a version-1 state; parsing restarts from byte 0`,
    });
    return null;
  }
  if (meta.sizeBytes !== undefined && meta.sizeBytes < previous.offset) {
    issues.push({
      file: meta.path,
      kind: "truncated-log",
      problem: `runner log ${meta.path} shrank from ${previous.offset} to ${meta.sizeBytes} bytes (truncated or replaced); parsing restarts from byte 0`,
    });
    return null;
  }
  if (options?.head !== undefined && headChanged(previous.head, options.head)) {
    issues.push({
      file: meta.path,
      kind: "truncated-log",
      problem: `runner log ${meta.path} was replaced (its first bytes changed); parsing restarts from byte 0`,
    });
    return null;
  }
  return previous;
}

/**
 * The start of an `invalid`/`malformed` issue's problem when the parser itself failed (a bug, not
 * a bad log). Tests assert that no input ever produces it.
 */
export const RUNNER_LOG_INTERNAL_ERROR = "internal runner-log parser error";

/**
 * Feeds the carried incomplete line of `prev` plus `chunk` to `parser`, line by line, and
 * returns the new incomplete tail (at most `RUNNER_LOG_MAX_LINE_BYTES`) and the bytes dropped
 * beyond that limit.
 */
function consumeBytes(
  chunk: Uint8Array,
  prev: RunnerLogState,
  parser: LineParser,
  fast: boolean,
): { carry: Uint8Array; dropped: number } {
  let carry = decodeBase64(prev.carry) ?? new Uint8Array(0);
  let dropped = prev.carryDropped;
  let rest = chunk;
  if (carry.length >= RUNNER_LOG_MAX_LINE_BYTES) {
    // Inside an over-long line: drop bytes up to its newline, then parse the kept prefix.
    const nl = rest.indexOf(NEWLINE);
    if (nl < 0) {
      dropped += rest.length;
      rest = EMPTY;
    } else {
      parser.line(decodeUtf8KeepBom(carry));
      carry = EMPTY;
      dropped = 0;
      rest = rest.subarray(nl + 1);
    }
  }
  if (rest.length > 0) {
    const data = concatBytes(carry, rest);
    const lastNl = data.lastIndexOf(NEWLINE);
    if (lastNl >= 0) parseCompleteLines(data, lastNl, parser, fast);
    const tail = data.subarray(lastNl + 1);
    if (tail.length > RUNNER_LOG_MAX_LINE_BYTES) {
      carry = tail.slice(0, RUNNER_LOG_MAX_LINE_BYTES);
      dropped = tail.length - RUNNER_LOG_MAX_LINE_BYTES;
    } else {
      carry = tail;
    }
  }
  return { carry, dropped };
}

function restart(issues: ParseIssue[]): RunnerLogChunkResult {
  return { observations: [], issues, state: initialRunnerLogState(), restartFromZero: true };
}
