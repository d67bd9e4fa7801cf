/**
 * Incremental parser for the runner log `/tmp/<build>.log`: the console output of
 * `run-sorry-cypress.py`, i.e. the Cypress native console (Cypress 12/13: `(Run Starting)` box,
 * `Running:  spec  (i of N)`, `(Results)` box, `(Run Finished)` table, `Recorded Run:`) and the
 * cypress-cloud / Currents console (`🎥 Run URL:`, `Running: a, b (claimed/total)`,
 * `Cloud Run Finished`, `🏁 Recorded Run:`, `Run cancelled:`), plus the runner's own categorized
 * batch lines (contracts.md). Formats: research/peers.md §4.3. Pure: bytes in, observations out.
 *
 * The log is read by byte offset: each call gets the bytes from `previous.offset` to the end of
 * the file and returns a plain-JSON state to persist for the next call. Only complete lines
 * (ending in `\n`) are parsed; the incomplete tail is carried in the state, so the observations
 * never depend on where the reads happened to cut the file (a UTF-8 character or a CRLF split
 * across two reads decodes the same as in one read).
 */

import { findHost, HOST_NAME_PATTERN, hostFromSpec } from "./hosts.ts";
import {
  concatBytes,
  decodeBase64,
  decodeHex,
  decodeUtf8,
  encodeBase64,
  encodeHex,
} from "./runner-log-bytes.ts";
import { parseStepTitle, stripAnsi } from "./text.ts";
import type { ArtifactMeta, ParseIssue, ParseResult, RunnerLogObservation, TestCounts } from "./types.ts";

/** Names of the runner-log patterns an operator may override (see `DEFAULT_RUNNER_LOG_PATTERNS`). */
export type RunnerLogPatternName =
  | "runUrl"
  | "specStarted"
  | "resultsStart"
  | "resultsField"
  | "runFinished"
  | "runFooter"
  | "attempt"
  | "failureStart"
  | "suiteHost"
  | "rendererCrash"
  | "runCancelled"
  | "batchStarted"
  | "batchFinished";

/**
 * The default line patterns, as RegExp sources (compiled without flags). Data, not code:
 * operators override any subset through `parseRunnerLogChunk`'s `patterns` argument when the
 * runner's wording changes. Every pattern except `failureStart` is matched against the *bare*
 * line: ANSI stripped (`stripAnsi`), leading whitespace, `|` and non-ASCII decoration removed
 * (box drawing `│`, emoji `🎥`/`🏁`, mojibake such as `©¦` or `â”‚`), and a trailing
 * whitespace-separated decoration run removed. `failureStart` sees the ANSI-stripped line with
 * its indentation (mocha's failure list is recognised by its two-space indent).
 *
 * Named groups each pattern must keep (checked when overridden):
 * - `runUrl`: `url` — Cypress `Run URL:` / `Recorded Run:` and cypress-cloud `🎥 Run URL:` / `🏁 Recorded Run:`.
 * - `specStarted`: `specs`, optional `index`, `total` — Cypress `Running:  a.cy.ts  (1 of 3)`,
 *   cypress-cloud `Running: a.cy.ts, b.cy.ts (4/10)`.
 * - `resultsStart`: none — the Cypress `(Results)` title.
 * - `resultsField`: `field`, `value` — `Tests:`, `Passing:`, `Failing:`, `Pending:`, `Skipped:`, `Spec Ran:` rows.
 * - `runFinished`: none — Cypress `(Run Finished)`, cypress-cloud `Cloud Run Finished`.
 * - `runFooter`: optional `allPassed`, `failed`, `total` — `All specs passed!` / `1 of 2 failed (50%)`.
 * - `attempt`: `attempt`, `of`, `title` — Cypress retries `(Attempt 1 of 3) 7. Create migration session`.
 * - `failureStart`: `title` — mocha's failure list `  1) atvm41-redhat6.0` (title continues on indented lines up to a `:`).
 * - `suiteHost`: `host` — the spec reporter's root suite title `  atvm7-ubuntu24.04` (two-space indent, matched
 *   with indentation like `failureStart`); a known host (or, with no known hosts, a host-shaped name)
 *   becomes the context host, so a renderer crash in a multi-spec cypress-cloud batch names its host.
 * - `rendererCrash`: none — `We detected that the Chrome Renderer process just crashed.`
 * - `runCancelled`: `reason` — cypress-cloud `Run cancelled: <reason>. Waiting for uploads to complete…`.
 * - `batchStarted` / `batchFinished`: `batchId`, optional `label` —
 *   `[run-sorry-cypress] Starting categorized batch 2/3: redhat -> build e2e-0327-redhat` and
 *   `[run-sorry-cypress] Finished categorized batch 2/3: redhat -> build e2e-0327-redhat (exit 0)`
 *   (run-sorry-cypress.py is undocumented; these lines are the agreed defaults, contracts.md).
 */
export const DEFAULT_RUNNER_LOG_PATTERNS: Readonly<Record<RunnerLogPatternName, string>> = {
  runUrl: String.raw`(?:Run URL|Recorded Run):\s*(?<url>https?:\/\/\S+)`,
  specStarted: String.raw`^Running:\s+(?<specs>.+?)\s+\((?<index>\d+)(?:\s+of\s+|\/)(?<total>\d+)\)`,
  resultsStart: String.raw`^\(Results\)`,
  resultsField: String.raw`^(?<field>Tests|Passing|Failing|Pending|Skipped|Spec Ran):\s*(?<value>.*)$`,
  runFinished: String.raw`^(?:\(Run Finished\)|Cloud Run Finished)`,
  runFooter: String.raw`(?<allPassed>All specs passed!)|(?<failed>\d+)\s+of\s+(?<total>\d+)\s+failed`,
  attempt: String.raw`^\(Attempt (?<attempt>\d+) of (?<of>\d+)\)\s+(?<title>\S.*)$`,
  failureStart: String.raw`^  (?<index>\d+)\) (?<title>\S.*)$`,
  suiteHost: String.raw`^  (?<host>atvm\d+-[A-Za-z][\w.-]*)\s*$`,
  rendererCrash: String.raw`We detected that the (?:\S+ )*Renderer process just crashed`,
  runCancelled: String.raw`Run cancelled:\s*(?<reason>.*?)\.?(?:\s+Waiting for uploads.*)?$`,
  batchStarted: String.raw`\[run-sorry-cypress\]\s+Starting categorized batch\s+\d+\/\d+:\s*(?<label>.*?)\s*->\s*build\s+(?<batchId>[^\s()]+)`,
  batchFinished: String.raw`\[run-sorry-cypress\]\s+Finished categorized batch\s+\d+\/\d+:\s*(?<label>.*?)\s*->\s*build\s+(?<batchId>[^\s()]+)`,
};

/**
 * Operator overrides of runner-log patterns: any subset of `DEFAULT_RUNNER_LOG_PATTERNS`, each a
 * RegExp source string or a RegExp (its `g`/`y` flags are dropped). A pattern that does not compile,
 * lacks a required named group or has an unknown name yields an `invalid` parse issue and the
 * default is used instead; nothing throws.
 */
export type RunnerLogPatterns = { readonly [K in RunnerLogPatternName]?: string | RegExp };

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

/** Extra inputs of one read. */
export interface RunnerLogReadOptions {
  /**
   * The file's current first bytes (up to `RUNNER_LOG_HEAD_BYTES`). When given and they differ
   * from the state's `head`, the log was replaced (rotated) and parsing restarts from byte 0.
   */
  readonly head?: Uint8Array;
}

/** `parseRunnerLogChunk`'s answer: observations and issues, the state to persist, and whether to re-read from byte 0. */
export type RunnerLogChunkResult = ParseResult<RunnerLogObservation> & {
  readonly state: RunnerLogState;
  /** `true` when the log shrank or was replaced: the chunk was ignored, `state` is fresh, read again from byte 0. */
  readonly restartFromZero: boolean;
};

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

  let prev: RunnerLogState = initialRunnerLogState();
  if (previous !== null) {
    if (!isRunnerLogState(previous)) {
      issues.push({
        file: meta.path,
        kind: "invalid",
        problem: `runner-log state for ${meta.path} is not a version-1 state; parsing restarts from byte 0`,
      });
      return restart(issues);
    }
    prev = previous;
    if (meta.sizeBytes !== undefined && meta.sizeBytes < prev.offset) {
      issues.push({
        file: meta.path,
        kind: "truncated-log",
        problem: `runner log ${meta.path} shrank from ${prev.offset} to ${meta.sizeBytes} bytes (truncated or replaced); parsing restarts from byte 0`,
      });
      return restart(issues);
    }
    if (options?.head !== undefined && headChanged(prev.head, options.head)) {
      issues.push({
        file: meta.path,
        kind: "truncated-log",
        problem: `runner log ${meta.path} was replaced (its first bytes changed); parsing restarts from byte 0`,
      });
      return restart(issues);
    }
  }

  const parser = new LineParser(meta, compiled, prev);
  let head = prev.head;
  const headBytes = head.length / 2;
  if (headBytes < RUNNER_LOG_HEAD_BYTES && chunk.length > 0) {
    head += encodeHex(chunk.subarray(0, RUNNER_LOG_HEAD_BYTES - headBytes));
  }

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
      parser.line(decodeUtf8(carry));
      carry = EMPTY;
      dropped = 0;
      rest = rest.subarray(nl + 1);
    }
  }
  if (rest.length > 0) {
    const data = concatBytes(carry, rest);
    const lastNl = data.lastIndexOf(NEWLINE);
    if (lastNl >= 0) parseCompleteLines(data, lastNl, parser);
    const tail = data.subarray(lastNl + 1);
    if (tail.length > RUNNER_LOG_MAX_LINE_BYTES) {
      carry = tail.slice(0, RUNNER_LOG_MAX_LINE_BYTES);
      dropped = tail.length - RUNNER_LOG_MAX_LINE_BYTES;
    } else {
      carry = tail;
    }
  }

  return {
    observations: parser.out,
    issues,
    restartFromZero: false,
    state: {
      version: 1,
      offset: prev.offset + chunk.length,
      lines: parser.lines,
      carry: encodeBase64(carry),
      carryDropped: dropped,
      head,
      context: parser.context(),
    },
  };
}

// --- internal helpers ---

const NEWLINE = 0x0a;
const EMPTY = new Uint8Array(0);
const MAX_TITLE_PARTS = 8;
const MAX_MESSAGE_LINES = 6;
const MAX_MESSAGE_CHARS = 2000;

const REQUIRED_GROUPS: Readonly<Record<RunnerLogPatternName, readonly string[]>> = {
  runUrl: ["url"],
  specStarted: ["specs"],
  resultsStart: [],
  resultsField: ["field", "value"],
  runFinished: [],
  runFooter: [],
  attempt: ["attempt", "of", "title"],
  failureStart: ["title"],
  suiteHost: ["host"],
  rendererCrash: [],
  runCancelled: ["reason"],
  batchStarted: ["batchId"],
  batchFinished: ["batchId"],
};

type Compiled = Readonly<Record<RunnerLogPatternName, RegExp>>;

function compileDefaults(): Compiled {
  const out = {} as Record<RunnerLogPatternName, RegExp>;
  for (const name of Object.keys(DEFAULT_RUNNER_LOG_PATTERNS) as RunnerLogPatternName[]) {
    out[name] = new RegExp(DEFAULT_RUNNER_LOG_PATTERNS[name]);
  }
  return out;
}

const DEFAULT_COMPILED: Compiled = compileDefaults();

function compilePatterns(overrides: RunnerLogPatterns, file: string, issues: ParseIssue[]): Compiled {
  const out = { ...DEFAULT_COMPILED } as Record<RunnerLogPatternName, RegExp>;
  for (const [name, value] of Object.entries(overrides) as [string, unknown][]) {
    if (value === undefined) continue;
    if (!Object.hasOwn(REQUIRED_GROUPS, name)) {
      issues.push({
        file,
        kind: "invalid",
        problem: `unknown runner-log pattern "${name}"; known names: ${Object.keys(REQUIRED_GROUPS).join(", ")}`,
      });
      continue;
    }
    const key = name as RunnerLogPatternName;
    let re: RegExp;
    try {
      if (value instanceof RegExp) re = new RegExp(value.source, value.flags.replace(/[gy]/g, ""));
      else if (typeof value === "string") re = new RegExp(value);
      else throw new Error(`expected a string or RegExp, got ${typeof value}`);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      issues.push({
        file,
        kind: "invalid",
        problem: `runner-log pattern "${key}" does not compile (${why}); the default is used`,
      });
      continue;
    }
    const missing = (REQUIRED_GROUPS[key] as readonly string[]).filter(
      (g) => !re.source.includes(`(?<${g}>`),
    );
    if (missing.length > 0) {
      issues.push({
        file,
        kind: "invalid",
        problem: `runner-log pattern "${key}" lacks the named group(s) ${missing.map((g) => `(?<${g}>…)`).join(", ")}; the default is used`,
      });
      continue;
    }
    out[key] = re;
  }
  return out;
}

function restart(issues: ParseIssue[]): RunnerLogChunkResult {
  return { observations: [], issues, state: initialRunnerLogState(), restartFromZero: true };
}

function headChanged(storedHex: string, current: Uint8Array): boolean {
  const stored = decodeHex(storedHex);
  if (stored === null) return true;
  const n = Math.min(stored.length, current.length, RUNNER_LOG_HEAD_BYTES);
  if (current.length < stored.length && current.length < RUNNER_LOG_HEAD_BYTES) return true;
  for (let i = 0; i < n; i++) if (stored[i] !== current[i]) return true;
  return false;
}

/** Parses every complete line of `data[0, lastNl]` (`data[lastNl]` is a newline). */
function parseCompleteLines(data: Uint8Array, lastNl: number, parser: LineParser): void {
  let longLine = false;
  for (let from = 0; from <= lastNl; ) {
    const nl = data.indexOf(NEWLINE, from);
    if (nl - from > RUNNER_LOG_MAX_LINE_BYTES) {
      longLine = true;
      break;
    }
    from = nl + 1;
  }
  if (!longLine) {
    const lines = decodeUtf8(data, 0, lastNl).split("\n");
    for (const text of lines) parser.line(text);
    return;
  }
  for (let from = 0; from <= lastNl; ) {
    const nl = data.indexOf(NEWLINE, from);
    parser.line(decodeUtf8(data, from, Math.min(nl, from + RUNNER_LOG_MAX_LINE_BYTES)));
    from = nl + 1;
  }
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

function isRunnerLogState(value: unknown): value is RunnerLogState {
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

/** Removes decoration around a line: leading whitespace/`|`/non-ASCII, trailing whitespace + decoration run. */
function bareLine(text: string): string {
  let s = 0;
  while (s < text.length) {
    const c = text.charCodeAt(s);
    if (c === 0x20 || c === 0x09 || c === 0x7c || c >= 0x80) s++;
    else break;
  }
  let e = text.length;
  while (e > s) {
    const c = text.charCodeAt(e - 1);
    if (c === 0x20 || c === 0x09 || c === 0x7c || c >= 0x80) e--;
    else break;
  }
  if (e < text.length) {
    const first = text.charCodeAt(e);
    // Only whitespace-separated decoration is removed: `passed!` or a title ending in `é` stay.
    if (first !== 0x20 && first !== 0x09) {
      e = text.length;
      while (e > s && /\s/.test(text.charAt(e - 1))) e--;
    }
  }
  return text.slice(s, e);
}

/** Cuts a URL at the first character that cannot be part of one and strips trailing punctuation. */
function cleanUrl(raw: string): string {
  const valid = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/.exec(raw);
  let url = valid === null ? "" : valid[0];
  for (;;) {
    const last = url.charAt(url.length - 1);
    if (".,;:!?'\"".includes(last) && last !== "") url = url.slice(0, -1);
    else if (last === ")" && !url.includes("(")) url = url.slice(0, -1);
    else if (last === "]" && !url.includes("[")) url = url.slice(0, -1);
    else break;
  }
  return url;
}

function toCount(value: string | undefined): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (v === "-" || v === "—") return 0;
  const m = /^\d+/.exec(v);
  return m === null ? null : Number(m[0]);
}

const HOOK = /^"(before all|before each|after all|after each)" hook(?: for "(.*)")?$/;

interface MutableContext {
  batchId: string | null;
  spec: string | null;
  host: string | null;
  runUrl: string | null;
  results: RunnerLogPendingResults | null;
  finishing: number | null;
  failure: RunnerLogPendingFailure | null;
}

/** Line-by-line state machine over one read; `lines` and the context carry over via the state. */
class LineParser {
  readonly out: RunnerLogObservation[] = [];
  lines: number;
  private readonly ctx: MutableContext;
  private readonly file: string;
  private readonly at: number | null;
  private readonly known: readonly string[] | undefined;
  private readonly re: Compiled;
  private lineNo = 0;

  constructor(meta: ArtifactMeta, re: Compiled, prev: RunnerLogState) {
    this.file = meta.path;
    this.at = meta.readAtMs ?? null;
    this.known = meta.knownHosts;
    this.re = re;
    this.lines = prev.lines;
    this.ctx = { ...prev.context };
  }

  context(): RunnerLogContext {
    return { ...this.ctx };
  }

  /** One complete line (without its `\n`). */
  line(text: string): void {
    this.lines++;
    this.lineNo = this.lines;
    let t = text.charCodeAt(text.length - 1) === 0x0d ? text.slice(0, -1) : text;
    if (t.includes("\u001b") || t.includes("\u009b")) t = stripAnsi(t);
    if (!t.includes("\r")) {
      this.segment(t);
      return;
    }
    // A bare CR rewrites the terminal line (progress output): each piece is a line of its own.
    for (const piece of t.split("\r")) if (piece.length > 0) this.segment(piece);
  }

  private ref(): { file: string; line: number; at: number | null } {
    return { file: this.file, line: this.lineNo, at: this.at };
  }

  private segment(raw: string): void {
    if (this.ctx.failure !== null && this.feedFailure(this.ctx.failure, raw)) return;
    const bare = bareLine(raw);
    if (bare.length === 0) return;
    if (
      this.onBatch(bare) ||
      this.onRunUrl(bare) ||
      this.onSpecStarted(bare) ||
      this.onResults(bare) ||
      this.onRunFinished(bare) ||
      this.onAttempt(bare) ||
      this.onCrashOrCancel(bare)
    ) {
      return;
    }
    const suite = this.re.suiteHost.exec(raw);
    if (suite !== null) {
      this.onSuiteHost(suite.groups?.host ?? "");
      return;
    }
    const m = this.re.failureStart.exec(raw);
    if (m !== null) {
      const title = (m.groups?.title ?? "").trimEnd();
      this.ctx.failure = { line: this.lineNo, parts: [title], titleDone: title.endsWith(":"), message: [] };
    }
  }

  private onSuiteHost(name: string): void {
    const known = this.known;
    const isHost =
      known !== undefined && known.length > 0 ? known.includes(name) : HOST_NAME_PATTERN.test(name);
    if (isHost) this.ctx.host = name;
  }

  private onBatch(bare: string): boolean {
    const started = this.re.batchStarted.exec(bare);
    const m = started ?? this.re.batchFinished.exec(bare);
    if (m === null) return false;
    this.flushPending();
    const batchId = m.groups?.batchId ?? "";
    this.ctx.batchId = started === null ? null : batchId;
    this.ctx.spec = null;
    this.ctx.host = null;
    if (started === null) {
      this.out.push({ ...this.ref(), kind: "batch-finished", batchId });
    } else {
      const label = (m.groups?.label ?? "").trim();
      this.out.push({ ...this.ref(), kind: "batch-started", batchId, label: label === "" ? null : label });
    }
    return true;
  }

  private onRunUrl(bare: string): boolean {
    const m = this.re.runUrl.exec(bare);
    if (m === null) return false;
    const url = cleanUrl(m.groups?.url ?? "");
    if (url !== "" && url !== this.ctx.runUrl) {
      this.ctx.runUrl = url;
      this.out.push({ ...this.ref(), kind: "run-url", url });
    }
    return true;
  }

  private onResults(bare: string): boolean {
    if (this.re.resultsStart.test(bare)) {
      this.flushPending();
      this.ctx.results = {
        line: this.lineNo,
        spec: null,
        tests: null,
        passing: null,
        failing: null,
        pending: null,
        skipped: null,
      };
      return true;
    }
    if (this.ctx.results === null) return false;
    const m = this.re.resultsField.exec(bare);
    if (m === null) return false;
    this.resultsField(this.ctx.results, m.groups?.field ?? "", m.groups?.value ?? "");
    return true;
  }

  private onRunFinished(bare: string): boolean {
    if (this.re.runFinished.test(bare)) {
      this.flushPending();
      this.ctx.finishing = this.lineNo;
      return true;
    }
    if (this.ctx.finishing === null) return false;
    const m = this.re.runFooter.exec(bare);
    if (m === null) return false;
    const g = m.groups ?? {};
    const allPassed = g.allPassed !== undefined ? true : g.failed !== undefined ? false : null;
    this.out.push({
      ...this.ref(),
      kind: "run-finished",
      allPassed,
      failedSpecs: allPassed === true ? 0 : toCount(g.failed),
      totalSpecs: toCount(g.total),
    });
    this.ctx.finishing = null;
    return true;
  }

  private onAttempt(bare: string): boolean {
    const m = this.re.attempt.exec(bare);
    if (m === null) return false;
    const title = (m.groups?.title ?? "").trim();
    this.out.push({
      ...this.ref(),
      kind: "attempt",
      attempt: Number(m.groups?.attempt),
      of: Number(m.groups?.of),
      title,
      host: this.hostOf(title, null),
    });
    return true;
  }

  private onCrashOrCancel(bare: string): boolean {
    if (this.re.rendererCrash.test(bare)) {
      this.out.push({ ...this.ref(), kind: "renderer-crash", host: this.ctx.host });
      return true;
    }
    const m = this.re.runCancelled.exec(bare);
    if (m === null) return false;
    this.out.push({ ...this.ref(), kind: "run-cancelled", reason: (m.groups?.reason ?? "").trim() });
    return true;
  }

  private onSpecStarted(bare: string): boolean {
    const m = this.re.specStarted.exec(bare);
    if (m === null) return false;
    this.flushPending();
    const specs = (m.groups?.specs ?? "")
      .split(/,\s*/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const claimed = toCount(m.groups?.index);
    const total = toCount(m.groups?.total);
    specs.forEach((spec, i) => {
      const index = claimed === null ? null : claimed - (specs.length - 1 - i);
      this.out.push({
        ...this.ref(),
        kind: "spec-started",
        spec,
        host: hostFromSpec(spec, this.known),
        index: index !== null && index >= 1 ? index : null,
        total,
      });
    });
    const only = specs.length === 1 ? (specs[0] as string) : null;
    this.ctx.spec = only;
    this.ctx.host = only === null ? null : hostFromSpec(only, this.known);
    return true;
  }

  private resultsField(r: RunnerLogPendingResults, field: string, value: string): void {
    switch (field) {
      case "Tests":
        this.ctx.results = { ...r, tests: toCount(value) };
        return;
      case "Passing":
        this.ctx.results = { ...r, passing: toCount(value) };
        return;
      case "Failing":
        this.ctx.results = { ...r, failing: toCount(value) };
        return;
      case "Pending":
        this.ctx.results = { ...r, pending: toCount(value) };
        return;
      case "Skipped":
        this.ctx.results = { ...r, skipped: toCount(value) };
        return;
      case "Spec Ran": {
        const spec = value.trim();
        this.ctx.results = { ...r, spec: spec === "" ? null : spec };
        this.flushResults();
        return;
      }
    }
  }

  /** Emits a `(Results)` box read so far (when it had any count) and closes it. */
  private flushResults(): void {
    const r = this.ctx.results;
    this.ctx.results = null;
    if (r === null) return;
    if (
      r.tests === null &&
      r.passing === null &&
      r.failing === null &&
      r.pending === null &&
      r.skipped === null
    ) {
      return;
    }
    const passed = r.passing ?? 0;
    const failed = r.failing ?? 0;
    const skipped = (r.pending ?? 0) + (r.skipped ?? 0);
    const counts: TestCounts = { total: r.tests ?? passed + failed + skipped, passed, failed, skipped };
    const spec = r.spec ?? this.ctx.spec;
    const host = spec === null ? this.ctx.host : (hostFromSpec(spec, this.known) ?? this.ctx.host);
    this.out.push({ file: this.file, line: r.line, at: this.at, kind: "spec-result", spec, host, counts });
  }

  /** Closes open multi-line constructs before a new section starts. */
  private flushPending(): void {
    this.flushResults();
    if (this.ctx.finishing !== null) {
      this.out.push({
        file: this.file,
        line: this.ctx.finishing,
        at: this.at,
        kind: "run-finished",
        allPassed: null,
        failedSpecs: null,
        totalSpecs: null,
      });
      this.ctx.finishing = null;
    }
  }

  /** Feeds a line to the failure entry being read; `true` when the line was consumed by it. */
  private feedFailure(f: RunnerLogPendingFailure, raw: string): boolean {
    if (!f.titleDone) {
      const m = /^ {5,}(\S.*)$/.exec(raw);
      if (m === null || f.parts.length >= MAX_TITLE_PARTS) {
        this.ctx.failure = null; // not a failure-list entry after all (e.g. a live reporter line)
        return false;
      }
      const part = (m[1] as string).trimEnd();
      this.ctx.failure = { ...f, parts: [...f.parts, part], titleDone: part.endsWith(":") };
      return true;
    }
    const text = raw.trim();
    if (text === "" || /^at\s/.test(text)) {
      this.emitFailure(f);
      return true;
    }
    if (this.re.failureStart.test(raw)) {
      this.emitFailure(f);
      return false;
    }
    const message = [...f.message, text];
    const chars = message.reduce((n, l) => n + l.length, 0);
    if (message.length >= MAX_MESSAGE_LINES || chars >= MAX_MESSAGE_CHARS) {
      this.emitFailure({ ...f, message });
      return true;
    }
    this.ctx.failure = { ...f, message };
    return true;
  }

  private emitFailure(f: RunnerLogPendingFailure): void {
    this.ctx.failure = null;
    const parts = f.parts.map((p) => p.trim());
    const last = (parts[parts.length - 1] ?? "").replace(/:$/, "");
    let step: number | null;
    let title: string;
    const hook = HOOK.exec(last);
    if (hook !== null) {
      const inner = parseStepTitle(hook[2] ?? "");
      step = inner.step;
      title = hook[2] === undefined ? `"${hook[1]}" hook` : `"${hook[1]}" hook for "${inner.title}"`;
    } else {
      const parsed = parseStepTitle(last);
      step = parsed.step;
      title = parsed.title;
    }
    const full = parts.join(" ").replace(/:$/, "");
    const first = (parts[0] ?? "").split(/\s+/)[0] ?? "";
    const host = this.hostOf(full, HOST_NAME_PATTERN.test(first) ? first : null);
    const message = f.message.join("\n").slice(0, MAX_MESSAGE_CHARS);
    this.out.push({
      file: this.file,
      line: f.line,
      at: this.at,
      kind: "test-failed",
      host,
      step,
      title,
      message,
    });
  }

  /** The known host named in `text`, else `fallback` (a host-shaped suite title), else the running spec's host. */
  private hostOf(text: string, fallback: string | null): string | null {
    if (this.known !== undefined && this.known.length > 0) {
      const found = findHost(text, this.known);
      if (found !== null && found !== "ambiguous") return found;
    }
    return fallback ?? this.ctx.host;
  }
}
