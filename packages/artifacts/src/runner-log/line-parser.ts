/**
 * The line-by-line state machine of the runner-log parser: one complete, decoded line in,
 * observations out, the context carried between lines (and, via the state, between reads). Pure.
 */

import { findHost, HOST_NAME_PATTERN, hostFromSpec } from "../hosts.ts";
import { stripAnsi } from "../text.ts";
import type { ArtifactMeta, RunnerLogObservation, TestCounts } from "../types.ts";
import { failureText, feedFailure } from "./failure-list.ts";
import { processCrash, trimEllipsis } from "./line-shapes.ts";
import { bareLine, cancelReason, cleanUrl, stripAnsiLinear, toCount } from "./line-text.ts";
import type { Compiled } from "./patterns.ts";
import { type PrefixMatcher, stripPrefix } from "./prefix.ts";
import {
  initialRunnerLogState,
  type RunnerLogContext,
  type RunnerLogPendingFailure,
  type RunnerLogPendingResults,
  type RunnerLogState,
} from "./state.ts";

/** {@link LineParser.fastMode}: nothing open. */
export const FAST_IDLE = 0;
/** {@link LineParser.fastMode}: a `(Results)` box is open. */
export const FAST_RESULTS = 1;
/** {@link LineParser.fastMode}: a run-finished title waits for its footer. */
export const FAST_FOOTER = 2;
/** {@link LineParser.fastMode}: every line needs the full parser. */
export const FAST_NONE = 3;

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
export class LineParser {
  readonly out: RunnerLogObservation[] = [];
  lines: number;
  private readonly ctx: MutableContext;
  private readonly file: string;
  private readonly at: number | null;
  private readonly known: readonly string[] | undefined;
  private readonly re: Compiled;
  private readonly prefixes: readonly PrefixMatcher[];
  private readonly guards: boolean;
  private lineNo = 0;

  /**
   * `guards`: the patterns are the defaults, so a pattern is tried only when the line holds the
   * characters its default needs (see `segment`); `parseRunnerLogChunk` sets it with the fast path.
   */
  constructor(
    meta: ArtifactMeta,
    re: Compiled,
    prev: RunnerLogState,
    prefixes: readonly PrefixMatcher[] = [],
    guards = false,
  ) {
    this.guards = guards;
    this.file = meta.path;
    this.at = meta.readAtMs ?? null;
    this.known = meta.knownHosts;
    this.re = re;
    this.prefixes = prefixes;
    this.lines = prev.lines;
    this.ctx = { ...prev.context };
  }

  context(): RunnerLogContext {
    return { ...this.ctx };
  }

  /** Forgets every open construct (after an internal error); the line count is kept. */
  reset(): void {
    Object.assign(this.ctx, initialRunnerLogState().context);
  }

  /**
   * `true` when no multi-line construct is open (failure entry, results box, run-finished footer):
   * a line that matches no pattern then changes nothing but the line count (the fast path's premise).
   */
  idle(): boolean {
    return this.fastMode() === FAST_IDLE;
  }

  /**
   * What the fast path may assume about the next line: {@link FAST_IDLE} (nothing open),
   * {@link FAST_RESULTS} (a `(Results)` box is open: its rows also matter), {@link FAST_FOOTER}
   * (a `(Run Finished)` title waits for its footer), or {@link FAST_NONE} (a failure entry is
   * open: every line goes to the full parser).
   */
  fastMode(): number {
    const c = this.ctx;
    if (c.failure !== null) return FAST_NONE;
    if (c.results === null) return c.finishing === null ? FAST_IDLE : FAST_FOOTER;
    return c.finishing === null ? FAST_RESULTS : FAST_NONE;
  }

  /** Counts a line the fast path proved matches no pattern (see `fastMode`). */
  skip(): void {
    this.lines++;
  }

  /** One complete line (without its `\n`). */
  line(text: string): void {
    this.lines++;
    this.lineNo = this.lines;
    let t = text.charCodeAt(text.length - 1) === 0x0d ? text.slice(0, -1) : text;
    if (t.includes("\u009b")) t = stripAnsi(t);
    else if (t.includes("\u001b")) t = stripAnsiLinear(t);
    if (!t.includes("\r")) {
      this.segment(t);
      return;
    }
    // A bare CR rewrites the terminal line (progress output): each piece is a line of its own.
    for (const piece of t.split("\r")) if (piece.length > 0) this.segment(piece);
  }

  private segment(line: string): void {
    // A wrapper's timestamp / [host] / level prefix is removed first; the message keeps its indent.
    const raw = stripPrefix(line, this.prefixes);
    if (this.ctx.failure !== null && this.feedFailure(this.ctx.failure, raw)) return;
    const bare = bareLine(raw);
    if (bare.length === 0) return;
    if (this.guards ? this.guarded(line, raw, bare) : this.tryAll(line, raw, bare)) return;
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

  /** Every bare-line pattern in order; `true` when one matched. */
  private tryAll(line: string, raw: string, bare: string): boolean {
    // `[run-sorry-cypress]` looks like a `[host]` tag: the batch lines are also tried unstripped.
    if (raw !== line && this.onBatch(bareLine(line))) return true;
    return (
      this.onBatch(bare) ||
      this.onRunUrl(bare) ||
      this.onSpecStarted(bare) ||
      this.onResults(bare) ||
      this.onRunFinished(bare) ||
      this.onAttempt(bare) ||
      this.onCrashOrCancel(bare)
    );
  }

  /**
   * {@link tryAll} with the default patterns, trying only those the line can match: each default
   * needs a literal (`[run-sorry-cypress]`; `R` in Run URL, Recorded Run, Running, Test Runner,
   * Run cancelled, Cloud Run Finished; `W` in We detected / We encountered) or starts with a known
   * first character (`R`unning, `(`Results / Run Finished / Attempt, `C`loud Run Finished,
   * results rows `T P F S`, the footer only while one is awaited). Same order, same answers.
   */
  private guarded(line: string, raw: string, bare: string): boolean {
    if (raw !== line && line.includes("[run-sorry-cypress]") && this.onBatch(bareLine(line))) return true;
    if (bare.includes("[run-sorry-cypress]") && this.onBatch(bare)) return true;
    const hasR = bare.includes("R");
    if (hasR && this.onRunUrl(bare)) return true;
    const first = bare.charCodeAt(0);
    if (first === 0x52 && this.onSpecStarted(bare)) return true;
    if ((first === 0x28 || this.ctx.results !== null) && this.onResults(bare)) return true;
    if ((first === 0x28 || first === 0x43 || this.ctx.finishing !== null) && this.onRunFinished(bare))
      return true;
    if (first === 0x28 && this.onAttempt(bare)) return true;
    return (hasR || bare.includes("W")) && this.onCrashOrCancel(bare);
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
      this.out.push({ file: this.file, line: this.lineNo, at: this.at, kind: "batch-finished", batchId });
    } else {
      const label = (m.groups?.label ?? "").trim();
      this.out.push({
        file: this.file,
        line: this.lineNo,
        at: this.at,
        kind: "batch-started",
        batchId,
        label: label === "" ? null : label,
      });
    }
    return true;
  }

  private onRunUrl(bare: string): boolean {
    const m = this.re.runUrl.exec(bare);
    if (m === null) return false;
    const url = cleanUrl(m.groups?.url ?? "");
    if (url !== "" && url !== this.ctx.runUrl) {
      this.ctx.runUrl = url;
      this.out.push({ file: this.file, line: this.lineNo, at: this.at, kind: "run-url", url });
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
      // Said at once: a log that ends at the title (no footer yet) still says the run finished.
      this.out.push({
        file: this.file,
        line: this.lineNo,
        at: this.at,
        kind: "run-finished",
        allPassed: null,
        failedSpecs: null,
        totalSpecs: null,
        partial: true,
      });
      return true;
    }
    if (this.ctx.finishing === null) return false;
    const m = this.re.runFooter.exec(bare);
    if (m === null) return false;
    const g = m.groups ?? {};
    const allPassed = g.allPassed !== undefined ? true : g.failed !== undefined ? false : null;
    this.out.push({
      file: this.file,
      line: this.lineNo,
      at: this.at,
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
      file: this.file,
      line: this.lineNo,
      at: this.at,
      kind: "attempt",
      attempt: Number(m.groups?.attempt),
      of: Number(m.groups?.of),
      title,
      host: this.hostOf(title, null),
    });
    return true;
  }

  private onCrashOrCancel(bare: string): boolean {
    const host = this.ctx.host;
    if (this.re.rendererCrash.test(bare)) {
      this.out.push({
        file: this.file,
        line: this.lineNo,
        at: this.at,
        kind: "renderer-crash",
        host,
        process: "renderer",
        signal: null,
      });
      return true;
    }
    const crash = processCrash(this.re, bare);
    if (crash !== null) {
      this.out.push({
        file: this.file,
        line: this.lineNo,
        at: this.at,
        kind: "renderer-crash",
        host,
        ...crash,
      });
      return true;
    }
    if (this.re.cloudApiError.test(bare)) {
      this.out.push({
        file: this.file,
        line: this.lineNo,
        at: this.at,
        kind: "anomaly",
        anomaly: "cloud-api-error",
        message: bare.slice(0, 300),
      });
      return true;
    }
    const m = this.re.runCancelled.exec(bare);
    if (m === null) return false;
    this.out.push({
      file: this.file,
      line: this.lineNo,
      at: this.at,
      kind: "run-cancelled",
      reason: cancelReason(m.groups?.reason ?? ""),
    });
    return true;
  }

  private onSpecStarted(bare: string): boolean {
    const m = this.re.specStarted.exec(bare);
    if (m === null) return false;
    this.flushPending();
    // Cypress 3 printed `Running: spec.js...   (14 of 20)`: the dots are not part of the name.
    const specs = (m.groups?.specs ?? "")
      .split(/,\s*/)
      .map((s) => trimEllipsis(s.trim()))
      .filter((s) => s.length > 0);
    const claimed = toCount(m.groups?.index);
    const total = toCount(m.groups?.total);
    specs.forEach((spec, i) => {
      const index = claimed === null ? null : claimed - (specs.length - 1 - i);
      this.out.push({
        file: this.file,
        line: this.lineNo,
        at: this.at,
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

  /** Closes open multi-line constructs before a new section starts (a footer-less title was already reported). */
  private flushPending(): void {
    this.flushResults();
    this.ctx.finishing = null;
  }

  /** Feeds a line to the failure entry being read; `true` when the line was consumed by it. */
  private feedFailure(f: RunnerLogPendingFailure, raw: string): boolean {
    const step = feedFailure(f, raw, (line) => this.re.failureStart.test(line));
    this.ctx.failure = step.next;
    if (step.done !== null) this.emitFailure(step.done);
    return step.consumed;
  }

  private emitFailure(f: RunnerLogPendingFailure): void {
    this.ctx.failure = null;
    const { step, title, full, first, message } = failureText(f);
    const host = this.hostOf(full, HOST_NAME_PATTERN.test(first) ? first : null);
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
