/**
 * Reconstruction: observations of one run → a snapshot of the whole run (R10, R11, R17, R27,
 * R31–R33, R35, R36, W6, W7, W10, D1, D2). Pure and deterministic: the same observations in any
 * order give the same snapshot (they are put in a canonical order first).
 *
 * How the run's `progress` and `state` are decided is documented on {@link reconstruct}.
 */
import {
  type BookkeepingObservation,
  type CypressConfigObservation,
  type EpochMs,
  HOST_NAME_PATTERN,
  type HostResultObservation,
  hostsIn,
  type InventoryObservation,
  type InvocationObservation,
  type Observation,
  type ParseIssue,
  type RunnerLogObservation,
} from "@atvm-watch/artifacts";
import type {
  FailureDescription,
  HostEntry,
  HostStatus,
  RunnerActivity,
  RunProgress,
  RunState,
  Scope,
  Snapshot,
} from "./domain.ts";
import { type BatchHostInfo, reconstructBatches } from "./reconstruct-batches.ts";
import { coverageOf, findRunInvocations, optionOf } from "./reconstruct-coverage.ts";
import {
  type Attempt,
  attemptFailure,
  bookkeepingTime,
  groupAttempts,
  inRunWindow,
  meaningfulText,
  resultTime,
  verdictOf,
} from "./reconstruct-evidence.ts";
import { isBookkeepingSpec } from "./scope.ts";
import { computeTiming } from "./timing.ts";

export { batchKeyOfFile, distroGroup } from "./reconstruct-batches.ts";
export { configFamilyOf } from "./reconstruct-coverage.ts";
export {
  FAILURE_MESSAGE_MAX_CHARS,
  fileNameTimestamp,
  meaningfulMessage,
  SAME_ATTEMPT_TOLERANCE_MS,
} from "./reconstruct-evidence.ts";

import { compareText } from "./order.ts";

/** Options of {@link reconstruct}. Times are UTC ms. */
export interface ReconstructOptions {
  /** The build name (`--build_name`), the snapshot's heading (R4). */
  readonly build: string;
  /** The instant of the snapshot. */
  readonly now: EpochMs;
  /**
   * The run start. An artifact belongs to the run when its own run timestamp (testsuite
   * timestamp, reporter `stats.start`, file-name time) is at or after it (R33); file mtimes never
   * count. `null`: every artifact counts, the most recent per host wins (R11).
   */
  readonly runStartMs: EpochMs | null;
  /**
   * The run window's end (exclusive; the next run's start), for a run that is not the latest:
   * results and bookkeeping with a run timestamp at or after it belong to a later run. `null` or
   * absent: open window. (Added for `atvm status --build <older build>`, R19/R21.)
   */
  readonly runEndMs?: EpochMs | null;
  /** The fleet's host names: a runner-log host counts when it is in the scope, known, or host-shaped (`atvm<N>-…`). */
  readonly knownHosts?: readonly string[];
  /** Live runner processes; `null`/absent = unknown (then only artifacts can show the end, D1). */
  readonly activity?: RunnerActivity | null;
  /** Parse issues of the artifacts; they ride on the snapshot unchanged. */
  readonly issues?: readonly ParseIssue[];
  /** A categorized run (`--categorize`); also detected from the runner invocation and batch log lines. */
  readonly categorized?: boolean;
  /** The config family for COVERAGE when the operator named it (W8 `ATVM_WATCHER_CONFIG_FAMILY`); else from the config file name. */
  readonly configFamily?: string;
}

/**
 * Rebuilds the status of the whole run from its scope and ALL its observations (R10).
 *
 * Hosts (R11, W7, R27): per host, the same-run results (run timestamp at or after
 * `runStartMs`; stale ones are ignored, timestamp-less ones kept but ranked last) are grouped into
 * attempts, the most recent winning; a JUnit XML and a reporter JSON of the same attempt merge
 * (JUnit for steps, the richer message), and a reporter JSON alone stands in for a missing XML
 * (R27). PASS needs ≥1 executed passing test and no failure; any failure (hooks included) is
 * FAIL; an empty suite is no result (a note says so). Without a result: a runner-log `(Results)`
 * line, then a failure or renderer crash the runner moved on from (FAIL), then live evidence
 * (the log's latest started spec without a later result, the config `current_vm`, a partial or
 * incomplete artifact) makes RUNNING; else NOT STARTED. Bookkeeping XML (`check-xml-files.ts`)
 * is never a host result. Kernel from the inventory (W10). Skipped hosts carry their reason (R3).
 *
 * Progress (D1) and state (D2):
 * - Runner alive (`activity`): `running` → RUNNING; when every host is final and the end is
 *   confirmed the reason says "results final; runner still alive" (R1, the state machine decides).
 * - Runner gone: `finished` (→ COMPLETED, or FAILED with ≥1 FAIL) when every in-scope host is
 *   PASS/FAIL and final artifacts confirm the end (non-categorized: a same-run bookkeeping XML or
 *   the runner footer; categorized: every batch finished, or a bookkeeping XML after every
 *   result); `stopped` (→ TERMINATED) when hosts are RUNNING/NOT STARTED and no finalization was
 *   seen, or the log says the run was cancelled; `unclear` (→ UNKNOWN) otherwise (no hosts, no
 *   confirmation, finalization with hosts missing, the runner footer contradicting host results).
 * - Activity unknown: `finished` from artifacts alone (every host final plus footer or final
 *   bookkeeping); `running` on live evidence (a RUNNING host); else `unclear`.
 * `progressReasons` says why, in words. Never throws.
 */
export function reconstruct(
  scope: Scope,
  observations: readonly Observation[],
  options: ReconstructOptions,
): Snapshot {
  const runStartMs = options.runStartMs;
  const activity = options.activity ?? null;
  const issues = options.issues ?? [];
  const parts = partition(canonical(observations));

  // Run window (R33): stale artifacts of earlier runs never change a host.
  // Window end (observe.ts): a later run's artifacts never belong to a historical run.
  const runEndMs = options.runEndMs ?? null;
  const beforeEnd = (at: EpochMs | null): boolean => at === null || runEndMs === null || at < runEndMs;
  const results = parts.results.filter(
    (r) => r.host !== null && inRunWindow(resultTime(r), runStartMs) && beforeEnd(resultTime(r)),
  );
  const bookkeeping = parts.bookkeeping.filter(
    (b) => inRunWindow(bookkeepingTime(b), runStartMs) && beforeEnd(bookkeepingTime(b)),
  );
  const log = parts.log;
  const facts = logFacts(log);

  // Commands and coverage (R35, R36).
  const invocations = findRunInvocations(parts.invocations, options.build);
  const categorized =
    options.categorized === true ||
    optionOf(invocations.runner, "categorize") !== undefined ||
    log.some((o) => o.kind === "batch-started");
  const coverage = coverageOf(invocations, {
    categorized,
    ...(options.configFamily === undefined ? {} : { configFamily: options.configFamily }),
  });

  // Live config: the current host and batch only, never the scope (R10).
  const currentVm = parts.configs.map((c) => c.currentVm).find((v): v is string => v !== null) ?? null;
  const configHosts = unique(parts.configs.flatMap((c) => c.hosts));
  const kernels = new Map<string, string>();
  for (const inv of parts.inventories) {
    for (const entry of inv.entries)
      if (entry.kernel !== null && entry.kernel !== "") kernels.set(entry.host, entry.kernel);
  }

  // Which hosts to show: scope, then hosts this run's evidence names (never shrink, R10), then skipped (R3).
  const resultsByHost = new Map<string, HostResultObservation[]>();
  for (const r of results) {
    const list = resultsByHost.get(r.host as string) ?? [];
    list.push(r);
    resultsByHost.set(r.host as string, list);
  }
  const attemptsByHost = new Map<string, readonly Attempt[]>();
  for (const [host, list] of resultsByHost) attemptsByHost.set(host, groupAttempts(list));

  const scopeHosts = unique(scope.hosts).filter((h) => !isBookkeepingSpec(h));
  const scopeSet = new Set(scopeHosts);
  const known = new Set(options.knownHosts ?? []);
  const evidenceHosts = unique([
    ...[...attemptsByHost.entries()]
      .filter(([, attempts]) => attempts.some((a) => a.verdict !== "empty"))
      .sort(
        ([ha, a], [hb, b]) =>
          (a[0]?.time ?? Number.POSITIVE_INFINITY) - (b[0]?.time ?? Number.POSITIVE_INFINITY) ||
          compareText(ha, hb),
      )
      .map(([host]) => host),
    ...facts.hostsInLogOrder.filter((h) => scopeSet.has(h) || known.has(h) || HOST_NAME_PATTERN.test(h)),
    ...(scopeHosts.length === 0 ? [...configHosts, ...(currentVm === null ? [] : [currentVm])] : []),
  ]).filter((h) => !isBookkeepingSpec(h));
  const skippedByHost = new Map(scope.skipped.map((s) => [s.host, s.reason]));
  const extras = evidenceHosts.filter((h) => !scopeSet.has(h));
  const shownHosts = [...scopeHosts, ...extras];
  const hostNotes = new Map<string, string[]>();
  const addHostNote = (host: string, note: string): void => {
    const list = hostNotes.get(host) ?? [];
    if (!list.includes(note)) list.push(note);
    hostNotes.set(host, list);
  };
  for (const host of extras) {
    const reason = skippedByHost.get(host);
    if (reason !== undefined) addHostNote(host, `${host} is skipped (${reason}) but ran in this run`);
    else if (scopeHosts.length > 0)
      addHostNote(host, `${host} is not in the run's scope but has results from this run`);
  }

  const incompleteHosts = new Set(
    issues.filter((i) => i.kind === "incomplete").flatMap((i) => hostsIn(i.file, shownHosts)),
  );
  const currentVmLive =
    currentVm !== null &&
    !facts.logIdle &&
    (scopeSet.size === 0 || scopeSet.has(currentVm) || extras.includes(currentVm));

  // Per-host status.
  const evals = new Map<string, HostEval>();
  for (const host of shownHosts) {
    evals.set(
      host,
      evaluateHost(host, attemptsByHost.get(host) ?? [], facts, {
        liveCurrentVm: currentVmLive && currentVm === host,
        incomplete: incompleteHosts.has(host),
        addNote: (note) => addHostNote(host, note),
      }),
    );
  }

  // Batches of a categorized run (R32, R33, W6); a finished batch never keeps a RUNNING host.
  let batches: Snapshot["batches"] = [];
  let hostBatch: ReadonlyMap<string, string> = new Map();
  if (categorized) {
    const infos: BatchHostInfo[] = shownHosts.map((host) => {
      const e = evals.get(host) as HostEval;
      return {
        host,
        status: e.status,
        hasEvidence: e.hasEvidence,
        time: e.time,
        startedAt: e.startedAt ?? null,
        finishedAt: e.finishedAt ?? null,
      };
    });
    const rebuilt = reconstructBatches({
      build: options.build,
      runStartMs,
      log,
      bookkeeping,
      hosts: infos,
      currentBatchHosts: configHosts,
    });
    batches = rebuilt.batches;
    hostBatch = rebuilt.hostBatch;
    for (const batch of batches) {
      if (batch.state !== "FINISHED") continue;
      for (const host of batch.hosts) {
        const e = evals.get(host) as HostEval;
        if (e.status === "RUNNING" || e.status === "NOT STARTED") {
          if (e.status === "RUNNING") evals.set(host, { ...e, status: "NOT STARTED" });
          addHostNote(host, `Batch ${batch.id} finished without a result for ${host}`);
        }
      }
    }
  }

  // Host entries: in-scope and evidence hosts, then skipped ones (R3).
  const entries: HostEntry[] = shownHosts.map((host) => {
    const e = evals.get(host) as HostEval;
    const kernel = kernels.get(host);
    const batch = hostBatch.get(host);
    return {
      host,
      status: e.status,
      ...(batch === undefined ? {} : { batch }),
      ...(e.startedAt === undefined ? {} : { startedAt: e.startedAt }),
      ...(e.finishedAt === undefined ? {} : { finishedAt: e.finishedAt }),
      ...(e.durationMs === undefined ? {} : { durationMs: e.durationMs }),
      ...(kernel === undefined ? {} : { kernel }),
      ...(e.failure === undefined ? {} : { failure: e.failure }),
      evidence: e.evidence,
    };
  });
  const shownSet = new Set(shownHosts);
  for (const skipped of scope.skipped) {
    if (shownSet.has(skipped.host)) continue;
    shownSet.add(skipped.host);
    const kernel = kernels.get(skipped.host);
    entries.push({
      host: skipped.host,
      status: "SKIPPED",
      reason: skipped.reason,
      ...(kernel === undefined ? {} : { kernel }),
      evidence: [],
    });
  }

  // Progress and state (D1, D2, R1).
  const inScope = entries.filter((e) => e.status !== "SKIPPED");
  const failed = inScope.filter((e) => e.status === "FAIL");
  const pending = inScope.filter((e) => e.status === "RUNNING" || e.status === "NOT STARTED");
  const running = inScope.filter((e) => e.status === "RUNNING");
  const allFinal = inScope.length > 0 && pending.length === 0;
  const finalizationTimes = bookkeeping.map(bookkeepingTime).filter((t): t is number => t !== null);
  const latestResultTime = Math.max(
    Number.NEGATIVE_INFINITY,
    ...inScope.map((e) => evals.get(e.host)?.time ?? Number.NEGATIVE_INFINITY),
  );
  const endConfirmed = categorized
    ? (batches.length > 0 && batches.every((b) => b.state === "FINISHED")) ||
      (allFinal && finalizationTimes.some((t) => t >= latestResultTime))
    : bookkeeping.length > 0 || facts.footers.length > 0;
  const contradictions = footerContradictions(facts, evals, inScope, bookkeeping);
  const decision = decideProgress({
    activity,
    inScopeCount: inScope.length,
    finalCount: inScope.length - pending.length,
    failedCount: failed.length,
    allFinal,
    endConfirmed,
    running: running.map((e) => e.host),
    notStarted: pending.length - running.length,
    cancelled: facts.cancelReasons,
    contradictions,
    urlSeen: facts.urls.length > 0,
  });

  // Timing (R6, R7, R9).
  const hostEnds = inScope.map((e) => e.finishedAt).filter((t): t is number => t !== undefined);
  const endCandidates = [...finalizationTimes, ...hostEnds];
  const timing = computeTiming({
    hosts: entries,
    now: options.now,
    runStartMs,
    complete: decision.progress === "finished",
    endedAt: endCandidates.length > 0 ? Math.max(...endCandidates) : null,
    progress: decision.progress,
  });

  // Notes (R31): operator-facing anomalies and failure context only.
  const notes: string[] = [];
  for (const reason of facts.cancelReasons) notes.push(`Run cancelled: ${reason}`);
  for (const host of facts.crashHosts) {
    notes.push(
      host === null ? "Runner log shows a renderer crash" : `Runner log shows a renderer crash on ${host}`,
    );
  }
  notes.push(...contradictions);
  for (const e of entries) notes.push(...(hostNotes.get(e.host) ?? []));
  for (const bk of bookkeeping) {
    if (bk.passed) continue;
    notes.push(
      bk.failedHosts.length > 0
        ? `check-xml-files.ts reported missing or failed results for ${bk.failedHosts.join(", ")}`
        : `check-xml-files.ts failed (${bk.file})`,
    );
  }
  if ((decision.progress === "finished" || decision.progress === "stopped") && facts.urls.length === 0) {
    notes.push(log.length === 0 ? "Run URL not seen (no runner log)" : "Run URL not seen in the runner log");
  }

  return {
    build: options.build,
    template: coverage.template,
    categorized,
    at: options.now,
    progress: decision.progress,
    progressReasons: decision.reasons,
    endConfirmed,
    state: decision.state,
    hosts: entries,
    batches,
    timing,
    coverage,
    runUrls: facts.urls,
    templateCommand: invocations.template?.command ?? null,
    runnerCommand: invocations.runner?.command ?? null,
    notes: unique(notes),
    activity,
    issues,
  };
}

// --- internal helpers ---

interface Partitioned {
  readonly results: HostResultObservation[];
  readonly bookkeeping: BookkeepingObservation[];
  readonly log: RunnerLogObservation[];
  readonly configs: CypressConfigObservation[];
  readonly inventories: InventoryObservation[];
  readonly invocations: InvocationObservation[];
}

/**
 * Observations in a canonical order (exact duplicates dropped), so input order never matters.
 * A cheap key (kind, file, line or timestamps) orders almost everything; the full JSON text only
 * breaks ties and finds duplicates.
 */
function canonical(observations: readonly Observation[]): Observation[] {
  const keyed = observations.map((o) => ({ o, key: cheapKey(o), json: null as string | null }));
  const jsonOf = (k: { o: Observation; json: string | null }): string => {
    k.json ??= JSON.stringify(k.o);
    return k.json;
  };
  keyed.sort((a, b) => compareText(a.key, b.key) || compareText(jsonOf(a), jsonOf(b)));
  const out: Observation[] = [];
  for (let i = 0; i < keyed.length; i += 1) {
    const k = keyed[i] as (typeof keyed)[number];
    const prev = keyed[i - 1];
    if (prev !== undefined && prev.key === k.key && jsonOf(prev) === jsonOf(k)) continue;
    out.push(k.o);
  }
  return out;
}

function cheapKey(o: Observation): string {
  switch (o.kind) {
    case "host-result":
      return `${o.kind}\u0000${o.file}\u0000${o.startedAt ?? ""}\u0000${o.finishedAt ?? ""}\u0000${o.mtimeMs ?? ""}`;
    case "bookkeeping":
      return `${o.kind}\u0000${o.file}\u0000${o.finishedAt ?? ""}\u0000${o.mtimeMs ?? ""}`;
    case "cypress-config":
    case "inventory":
      return `${o.kind}\u0000${o.file}`;
    case "invocation":
      return `${o.kind}\u0000${o.file}\u0000${String(o.order).padStart(12, "0")}`;
    default:
      return `log\u0000${o.file}\u0000${String(o.line).padStart(12, "0")}\u0000${o.kind}`;
  }
}

function partition(observations: readonly Observation[]): Partitioned {
  const p: Partitioned = {
    results: [],
    bookkeeping: [],
    log: [],
    configs: [],
    inventories: [],
    invocations: [],
  };
  for (const o of observations) {
    switch (o.kind) {
      case "host-result":
        p.results.push(o);
        break;
      case "bookkeeping":
        p.bookkeeping.push(o);
        break;
      case "cypress-config":
        p.configs.push(o);
        break;
      case "inventory":
        p.inventories.push(o);
        break;
      case "invocation":
        p.invocations.push(o);
        break;
      default:
        p.log.push(o);
    }
  }
  // Runner-log lines in log order (file, line); the canonical order breaks remaining ties.
  p.log.sort((a, b) => compareText(a.file, b.file) || a.line - b.line);
  p.bookkeeping.sort(
    (a, b) =>
      (bookkeepingTime(a) ?? Number.POSITIVE_INFINITY) - (bookkeepingTime(b) ?? Number.POSITIVE_INFINITY),
  );
  p.configs.sort((a, b) => compareText(a.file, b.file));
  p.inventories.sort((a, b) => compareText(a.file, b.file));
  return p;
}

interface TestFailedLine {
  readonly pos: number;
  readonly host: string;
  readonly step: number | null;
  readonly title: string;
  readonly message: string;
}

interface Footer {
  readonly pos: number;
  readonly allPassed: boolean | null;
  readonly failedSpecs: number | null;
  readonly totalSpecs: number | null;
  /** Hosts with log lines in the footer's segment (since the last `batch-started`). */
  readonly segmentHosts: readonly string[];
}

interface LogFacts {
  readonly logFile: string | null;
  readonly urls: string[];
  readonly hostsInLogOrder: string[];
  readonly lastStarted: Map<string, number>;
  readonly lastResult: Map<
    string,
    { pos: number; counts: { total: number; passed: number; failed: number; skipped: number } }
  >;
  readonly testFailed: TestFailedLine[];
  readonly crashHosts: (string | null)[];
  readonly crashed: Set<string>;
  readonly footers: Footer[];
  readonly cancelReasons: string[];
  /** The host of the latest `spec-started` with no later result or footer. */
  readonly runningHost: string | null;
  /** The last position where the runner moved on: a spec start, footer or batch end. */
  readonly lastMovePos: number;
  /** `true` when the log's latest event is a footer or batch end (nothing runs now per the log). */
  readonly logIdle: boolean;
}

function logFacts(log: readonly RunnerLogObservation[]): LogFacts {
  const urls: string[] = [];
  const hostsInLogOrder: string[] = [];
  const lastStarted = new Map<string, number>();
  const lastResult: LogFacts["lastResult"] = new Map();
  const testFailed: TestFailedLine[] = [];
  const crashHosts: (string | null)[] = [];
  const crashed = new Set<string>();
  const footers: Footer[] = [];
  const cancelReasons: string[] = [];
  let lastMove = -1;
  let segmentHosts: string[] = [];
  let lastStartPos = -1;
  let lastStartHost: string | null = null;
  let lastEndPos = -1;
  const seen = new Set<string>();
  let segmentSeen = new Set<string>();
  const seeHost = (host: string | null): void => {
    if (host === null) return;
    if (!seen.has(host)) {
      seen.add(host);
      hostsInLogOrder.push(host);
    }
    if (!segmentSeen.has(host)) {
      segmentSeen.add(host);
      segmentHosts.push(host);
    }
  };
  log.forEach((o, pos) => {
    switch (o.kind) {
      case "run-url":
        if (!urls.includes(o.url)) urls.push(o.url);
        break;
      case "spec-started":
        seeHost(o.host);
        lastMove = pos;
        lastStartPos = pos;
        lastStartHost = o.host;
        if (o.host !== null) lastStarted.set(o.host, pos);
        break;
      case "spec-result":
        seeHost(o.host);
        if (o.host !== null) lastResult.set(o.host, { pos, counts: o.counts });
        break;
      case "test-failed":
        seeHost(o.host);
        if (o.host !== null)
          testFailed.push({ pos, host: o.host, step: o.step, title: o.title, message: o.message });
        break;
      case "renderer-crash":
        seeHost(o.host);
        if (!crashHosts.includes(o.host)) crashHosts.push(o.host);
        if (o.host !== null) crashed.add(o.host);
        break;
      case "attempt":
        seeHost(o.host);
        break;
      case "run-finished":
        footers.push({
          pos,
          allPassed: o.allPassed,
          failedSpecs: o.failedSpecs,
          totalSpecs: o.totalSpecs,
          segmentHosts: [...segmentHosts],
        });
        lastMove = pos;
        lastEndPos = pos;
        break;
      case "run-cancelled":
        if (!cancelReasons.includes(o.reason)) cancelReasons.push(o.reason);
        break;
      case "batch-started":
        segmentHosts = [];
        segmentSeen = new Set();
        break;
      case "batch-finished":
        lastMove = pos;
        lastEndPos = pos;
        break;
    }
  });
  let runningHost: string | null = null;
  if (lastStartHost !== null && lastEndPos < lastStartPos) {
    const result = lastResult.get(lastStartHost);
    if (result === undefined || result.pos < lastStartPos) runningHost = lastStartHost;
  }
  return {
    logFile: log[0]?.file ?? null,
    urls,
    hostsInLogOrder,
    lastStarted,
    lastResult,
    testFailed,
    crashHosts,
    crashed,
    footers,
    cancelReasons,
    runningHost,
    lastMovePos: lastMove,
    logIdle: lastEndPos > lastStartPos,
  };
}

interface HostEval {
  readonly status: HostStatus;
  readonly startedAt?: EpochMs;
  readonly finishedAt?: EpochMs;
  readonly durationMs?: number;
  readonly failure?: FailureDescription;
  readonly evidence: readonly string[];
  /** Run timestamp of the attempt used (R33), for batch windows. */
  readonly time: EpochMs | null;
  /** The host ran or runs in this run (a same-run result or live evidence). */
  readonly hasEvidence: boolean;
}

function evaluateHost(
  host: string,
  attempts: readonly Attempt[],
  facts: LogFacts,
  live: {
    readonly liveCurrentVm: boolean;
    readonly incomplete: boolean;
    readonly addNote: (note: string) => void;
  },
): HostEval {
  const used = attempts.find((a) => a.verdict !== "empty");
  const usedIndex = used === undefined ? attempts.length : attempts.indexOf(used);
  if (attempts.slice(0, usedIndex).length > 0) {
    const empty = attempts[0] as Attempt;
    live.addNote(
      `${host}: ${empty.results[0]?.file ?? "an artifact"} recorded no tests (empty suite); not counted as a result`,
    );
  }
  const counted = attempts.filter((a) => a.verdict !== "empty");
  const evidence = unique(counted.flatMap((a) => a.results.map((r) => r.file)));
  if (counted.length > 1 && used !== undefined) {
    const when = used.time === null ? "" : `, started ${isoUtc(used.time)}`;
    live.addNote(
      `${host} has ${counted.length} same-run results; the latest (${used.results[0]?.file ?? "?"}${when}) was used`,
    );
  }
  const logFailure = (): FailureDescription | null => {
    const started = facts.lastStarted.get(host) ?? -1;
    const lines = facts.testFailed.filter((t) => t.host === host);
    const line = lines.find((t) => t.pos > started) ?? lines[0];
    if (line === undefined) return null;
    return {
      step: line.step,
      title: line.title,
      message: meaningfulText(line.message),
      source: "runner-log",
      ...(facts.crashed.has(host) ? { class: "crash" } : {}),
    };
  };
  const withCrash = (f: FailureDescription): FailureDescription =>
    facts.crashed.has(host) ? { ...f, class: "crash" } : f;
  const times = (a: Attempt): Pick<HostEval, "startedAt" | "finishedAt" | "durationMs"> => ({
    ...(a.startedAt === null ? {} : { startedAt: a.startedAt }),
    ...(a.finishedAt === null ? {} : { finishedAt: a.finishedAt }),
    ...(a.durationMs === null ? {} : { durationMs: a.durationMs }),
  });

  // 1. A parsed same-run result (W7, R11, R27) — unless the runner log shows the host's spec
  // started again after the log's last result for it: a re-run is in progress, and the parsed
  // result is the earlier attempt's (W7: keep the real running state).
  const earlierLogResult = facts.lastResult.get(host);
  const rerunning =
    facts.runningHost === host &&
    earlierLogResult !== undefined &&
    earlierLogResult.pos < (facts.lastStarted.get(host) ?? -1);
  if (rerunning && used !== undefined && (used.verdict === "pass" || used.verdict === "fail")) {
    live.addNote(
      `${host} is running again (re-run); its previous attempt ended ${used.verdict === "pass" ? "PASS" : "FAIL"}`,
    );
    return {
      status: "RUNNING",
      evidence: unique([...evidence, ...(facts.logFile === null ? [] : [facts.logFile])]),
      time: used.time,
      hasEvidence: true,
    };
  }
  if (used !== undefined && (used.verdict === "pass" || used.verdict === "fail")) {
    const base = { evidence, time: used.time, hasEvidence: true, ...times(used) };
    if (used.verdict === "pass") return { status: "PASS", ...base };
    let failure = attemptFailure(used);
    if (failure === null || failure.message === "") {
      const fromLog = logFailure();
      if (failure === null) failure = fromLog;
      else if (fromLog !== null && fromLog.message !== "")
        failure = { ...failure, message: fromLog.message, source: "runner-log" };
    }
    if (failure === null) live.addNote(`${host} failed, but its results name no failing test`);
    return { status: "FAIL", ...base, ...(failure === null ? {} : { failure: withCrash(failure) }) };
  }

  const logEvidence = facts.logFile === null ? [] : [facts.logFile];
  // 2. The runner log's `(Results)` for the host.
  const logResult = facts.lastResult.get(host);
  if (logResult !== undefined && (facts.lastStarted.get(host) ?? -1) < logResult.pos) {
    const verdict = verdictOf(logResult.counts, [], 0);
    if (verdict === "pass" || verdict === "fail") {
      const base = {
        evidence: unique([...evidence, ...logEvidence]),
        time: used?.time ?? null,
        hasEvidence: true,
      };
      if (verdict === "pass") return { status: "PASS", ...base };
      const failure = logFailure();
      if (failure === null) live.addNote(`${host} failed, but its results name no failing test`);
      return { status: "FAIL", ...base, ...(failure === null ? {} : { failure: withCrash(failure) }) };
    }
  }

  // 3. A failure or renderer crash the runner moved on from.
  const started = facts.lastStarted.get(host);
  const movedOn = started !== undefined && facts.lastMovePos > started;
  if (movedOn) {
    const failure = logFailure();
    if (failure !== null || facts.crashed.has(host)) {
      return {
        status: "FAIL",
        evidence: unique([...evidence, ...logEvidence]),
        time: used?.time ?? null,
        hasEvidence: true,
        failure: failure ?? {
          step: null,
          title: "Renderer process crashed",
          message: `Runner log shows a renderer crash on ${host}`,
          class: "crash",
          source: "runner-log",
        },
      };
    }
    if (used === undefined) live.addNote(`${host} started (runner log) but left no result`);
  }

  // 4. Live evidence: RUNNING; else NOT STARTED.
  const partial = used !== undefined && used.verdict === "partial";
  const isRunning = partial || facts.runningHost === host || live.liveCurrentVm || live.incomplete;
  const hasEvidence = isRunning || used !== undefined || started !== undefined;
  if (isRunning) {
    return {
      status: "RUNNING",
      evidence: unique([...evidence, ...(facts.runningHost === host ? logEvidence : [])]),
      time: used?.time ?? null,
      hasEvidence,
      ...(partial && used.startedAt !== null ? { startedAt: used.startedAt } : {}),
    };
  }
  return { status: "NOT STARTED", evidence, time: used?.time ?? null, hasEvidence };
}

function footerContradictions(
  facts: LogFacts,
  evals: ReadonlyMap<string, HostEval>,
  inScope: readonly HostEntry[],
  bookkeeping: readonly BookkeepingObservation[],
): string[] {
  const out: string[] = [];
  const bookkeepingFailed = bookkeeping.some((b) => !b.passed);
  for (const footer of facts.footers) {
    const hosts = footer.segmentHosts.length > 0 ? footer.segmentHosts : inScope.map((e) => e.host);
    const statuses = hosts.map((h) => [h, evals.get(h)?.status] as const).filter(([, s]) => s !== undefined);
    const failedHosts = statuses.filter(([, s]) => s === "FAIL").map(([h]) => h);
    const allFinal = statuses.length > 0 && statuses.every(([, s]) => s === "PASS" || s === "FAIL");
    if (footer.allPassed === true && failedHosts.length > 0) {
      out.push(`Runner log footer says all specs passed, but ${failedHosts.join(", ")} failed`);
    } else if (
      footer.allPassed === false &&
      (footer.failedSpecs ?? 1) > 0 &&
      allFinal &&
      failedHosts.length === 0 &&
      !bookkeepingFailed
    ) {
      const count =
        footer.failedSpecs === null
          ? "some specs"
          : `${footer.failedSpecs} of ${footer.totalSpecs ?? "?"} specs`;
      out.push(`Runner log footer reports ${count} failed, but every host result passed`);
    }
  }
  return out;
}

interface ProgressInput {
  readonly activity: RunnerActivity | null;
  readonly inScopeCount: number;
  readonly finalCount: number;
  readonly failedCount: number;
  readonly allFinal: boolean;
  readonly endConfirmed: boolean;
  readonly running: readonly string[];
  readonly notStarted: number;
  readonly cancelled: readonly string[];
  readonly contradictions: readonly string[];
  readonly urlSeen: boolean;
}

function decideProgress(p: ProgressInput): { progress: RunProgress; state: RunState; reasons: string[] } {
  const reasons: string[] = [];
  const tally = `${p.finalCount} of ${p.inScopeCount} hosts final`;
  const runningText = p.running.length > 0 ? `; running: ${p.running.join(", ")}` : "";
  let progress: RunProgress;
  const alive = p.activity === null ? null : p.activity.runnerAlive || p.activity.cypressAlive;
  if (alive === true) {
    progress = "running";
    if (p.allFinal && p.endConfirmed) {
      const extra = [
        p.urlSeen ? "run URL recorded" : "run URL not seen yet",
        ...(p.activity?.defunctChild === true ? ["a defunct child process"] : []),
      ];
      reasons.push(`results final; runner still alive (${extra.join("; ")})`);
    } else {
      reasons.push(`runner alive; ${tally}${runningText}`);
    }
    reasons.push(...p.contradictions);
  } else if (p.inScopeCount === 0) {
    progress = "unclear";
    reasons.push("no host in the scope or in this run's artifacts");
  } else if (p.cancelled.length > 0) {
    progress = "stopped";
    reasons.push(`the runner log says the run was cancelled: ${p.cancelled.join("; ")}`);
  } else if (p.contradictions.length > 0) {
    progress = "unclear";
    reasons.push(...p.contradictions);
  } else if (p.allFinal && p.endConfirmed) {
    progress = "finished";
    reasons.push(
      alive === false
        ? `no runner process; every host final; final reporter artifacts confirm the end`
        : `runner activity unknown; every host final; final reporter artifacts confirm the end`,
    );
  } else if (alive === false) {
    if (p.allFinal) {
      progress = "unclear";
      reasons.push(
        "runner gone and every host has a result, but no final reporter artifact (check-xml-files.ts XML or runner footer) confirms the end",
      );
    } else if (p.endConfirmed) {
      progress = "unclear";
      reasons.push(
        `final reporter artifacts say the run ended, but ${p.inScopeCount - p.finalCount} hosts have no result`,
      );
    } else {
      progress = "stopped";
      reasons.push(`runner gone before the end; ${tally}${runningText}`);
    }
  } else if (p.running.length > 0) {
    progress = "running";
    reasons.push(`runner activity unknown; live evidence${runningText.replace(/^;/, ":")}; ${tally}`);
  } else {
    progress = "unclear";
    reasons.push(`runner activity unknown and no live evidence; ${tally}, ${p.notStarted} not started`);
  }
  return { progress, state: stateOf(progress, p), reasons };
}

function stateOf(progress: RunProgress, p: ProgressInput): RunState {
  switch (progress) {
    case "running":
      return "RUNNING";
    case "stopped":
      return "TERMINATED";
    case "unclear":
      return "UNKNOWN";
    case "finished":
      return p.failedCount > 0 ? "FAILED" : "COMPLETED";
  }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function isoUtc(ms: EpochMs): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
