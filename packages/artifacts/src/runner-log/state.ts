/**
 * The persisted state of an incremental runner-log read: its shape (plain JSON), the fresh
 * state, the validation of a state read back from storage, and the rotation check. Pure.
 */

import { decodeBase64, decodeHex } from "../runner-log-bytes.ts";

/** Bytes of the file head kept in the state to detect a replaced (rotated) log. */
export const RUNNER_LOG_HEAD_BYTES = 64;

/** Longest line kept, in bytes; the rest of a longer line is dropped (bounds the persisted carry). */
export const RUNNER_LOG_MAX_LINE_BYTES = 65_536;

/** A `(Results)` box being read (Cypress per-spec summary). Counts are `null` until their row is seen. */
export interface RunnerLogPendingResults {
  readonly line: number;
  readonly spec: string | null;
  readonly tests: number | null;
  readonly passing: number | null;
  readonly failing: number | null;
  readonly pending: number | null;
  readonly skipped: number | null;
}

/** A mocha failure-list entry being read: title parts (until one ends in `:`), then error lines. */
export interface RunnerLogPendingFailure {
  readonly line: number;
  readonly parts: readonly string[];
  readonly titleDone: boolean;
  readonly message: readonly string[];
}

/** What the parser remembers between lines and reads. Plain JSON. */
export interface RunnerLogContext {
  /** Current categorized batch (from `Starting categorized batch`), until it finishes. */
  readonly batchId: string | null;
  /** The spec running now (when one spec runs at a time) and its host. */
  readonly spec: string | null;
  readonly host: string | null;
  /** The last run URL emitted; a repeat of the same URL is not emitted again. */
  readonly runUrl: string | null;
  readonly results: RunnerLogPendingResults | null;
  /** Line of a `(Run Finished)` / `Cloud Run Finished` title whose footer has not been read yet. */
  readonly finishing: number | null;
  readonly failure: RunnerLogPendingFailure | null;
}

/**
 * The persisted state of one runner log. Plain JSON; store it as is and pass it back.
 * `offset` counts every byte consumed, including the carried incomplete last line, so the next
 * read starts at `offset`.
 */
export interface RunnerLogState {
  readonly version: 1;
  /** Bytes of the file consumed; the next chunk must start at this byte. */
  readonly offset: number;
  /** Complete lines parsed so far (the next complete line is number `lines + 1`, 1-based). */
  readonly lines: number;
  /** The incomplete last line's bytes (at most `RUNNER_LOG_MAX_LINE_BYTES`), base64. */
  readonly carry: string;
  /** Bytes of the incomplete last line dropped beyond `RUNNER_LOG_MAX_LINE_BYTES`. */
  readonly carryDropped: number;
  /** The file's first `RUNNER_LOG_HEAD_BYTES` bytes (fewer while the file is shorter), lower-case hex. */
  readonly head: string;
  readonly context: RunnerLogContext;
}

/** The state of a log nothing has been read from (offset 0). */
export function initialRunnerLogState(): RunnerLogState {
  return {
    version: 1,
    offset: 0,
    lines: 0,
    carry: "",
    carryDropped: 0,
    head: "",
    context: {
      batchId: null,
      spec: null,
      host: null,
      runUrl: null,
      results: null,
      finishing: null,
      failure: null,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function isNullableString(value: unknown): boolean {
  return value === null || typeof value === "string";
}

/** `true` when `value` is a well-formed version-1 `RunnerLogState` (e.g. after a JSON round trip). */
export function isRunnerLogState(value: unknown): value is RunnerLogState {
  if (!isObject(value) || value.version !== 1) return false;
  if (!isCount(value.offset) || !isCount(value.lines) || !isCount(value.carryDropped)) return false;
  if (typeof value.carry !== "string" || decodeBase64(value.carry) === null) return false;
  if (typeof value.head !== "string" || decodeHex(value.head) === null) return false;
  const c = value.context;
  if (!isObject(c)) return false;
  if (!isNullableString(c.batchId) || !isNullableString(c.spec) || !isNullableString(c.host)) return false;
  if (!isNullableString(c.runUrl) || !(c.finishing === null || isCount(c.finishing))) return false;
  if (c.results !== null) {
    const r = c.results;
    if (!isObject(r) || !isCount(r.line) || !isNullableString(r.spec)) return false;
    for (const k of ["tests", "passing", "failing", "pending", "skipped"]) {
      if (!(r[k] === null || isCount(r[k]))) return false;
    }
  }
  if (c.failure !== null) {
    const f = c.failure;
    if (!isObject(f) || !isCount(f.line) || typeof f.titleDone !== "boolean") return false;
    if (!Array.isArray(f.parts) || !f.parts.every((p) => typeof p === "string")) return false;
    if (!Array.isArray(f.message) || !f.message.every((p) => typeof p === "string")) return false;
  }
  return true;
}

/** `true` when the file's current first bytes differ from the stored head fingerprint (the log was replaced). */
export function headChanged(storedHex: string, current: Uint8Array): boolean {
  const stored = decodeHex(storedHex);
  if (stored === null) return true;
  const n = Math.min(stored.length, current.length, RUNNER_LOG_HEAD_BYTES);
  if (current.length < stored.length && current.length < RUNNER_LOG_HEAD_BYTES) return true;
  for (let i = 0; i < n; i++) if (stored[i] !== current[i]) return true;
  return false;
}
