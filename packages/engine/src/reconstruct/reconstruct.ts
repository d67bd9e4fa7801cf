/**
 * Reconstruction: observations of one run → a snapshot of the whole run (R10, R11, R17, R27,
 * R31–R33, R35, R36, W6, W7, W10, D1, D2). Pure and deterministic: the same observations in any
 * order give the same snapshot (they are put in a canonical order first).
 *
 * How the run's `progress` and `state` are decided is documented on {@link reconstruct}.
 */
import type { EpochMs, Observation, ParseIssue } from "@atvm-watch/artifacts";
import type { HostEntry, RunnerActivity, Scope, Snapshot, Timing } from "../domain.ts";
import { computeTiming } from "../timing.ts";
import { runCommandsOf } from "./coverage.ts";
import { batchesOf, hostEntries } from "./entries.ts";
import { evaluateHosts } from "./host-eval.ts";
import { liveConfig, runInputs } from "./inputs.ts";
import { logFacts } from "./log-facts.ts";
import { HostNotes, runNotes } from "./notes.ts";
import { type ProgressOutcome, progressOf } from "./progress.ts";
import { shownHostsOf } from "./shown-hosts.ts";

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
 * (R27). PASS needs ≥1 executed passing test and no failure; any failure (hooks included), or
 * tests a non-mocha JUnit declares but does not hold, is FAIL; an empty suite (no test at all)
 * is FAIL with the failure `no tests ran` (class `no-tests`), never PASS, and its host is listed
 * even outside the scope. Without a result: a runner-log `(Results)` line, then a failure or
 * renderer crash the runner moved on from (FAIL), then live evidence (the log's latest started
 * spec without a later result, the config `current_vm`, a partial artifact such as a json-stream
 * log without its `end` event, which also gives the host's last reported step, or an incomplete
 * artifact) makes RUNNING; else NOT STARTED. Bookkeeping XML (`check-xml-files.ts`)
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
  const parts = runInputs(observations, runStartMs, options.runEndMs ?? null);
  const { log, bookkeeping } = parts;
  const facts = logFacts(log);

  // Commands and coverage (R35, R36).
  const { invocations, categorized, coverage } = runCommandsOf(parts.invocations, log, options);

  // Live config: the current host and batch only, never the scope (R10). Kernels (W10).
  const { currentVm, configHosts, kernels } = liveConfig(parts);

  // 1. Shown hosts: scope, then hosts this run's evidence names (never shrink, R10).
  const notes = new HostNotes();
  const shown = shownHostsOf({
    scope,
    results: parts.results,
    facts,
    knownHosts: options.knownHosts ?? [],
    configHosts,
    currentVm,
    notes,
  });
  const evals = evaluateHosts(shown, facts, currentVm, issues, notes);

  // 2. Batches of a categorized run (R32, R33, W6).
  const { batches, hostBatch } = categorized
    ? batchesOf({
        build: options.build,
        runStartMs,
        log,
        bookkeeping,
        shownHosts: shown.hosts,
        evals,
        configHosts,
        notes,
      })
    : { batches: [], hostBatch: new Map<string, string>() };

  // 3. Host entries (R3), progress and state (D1, D2, R1), timing (R6, R7, R9).
  const entries = hostEntries(shown.hosts, evals, hostBatch, kernels, scope.skipped);
  const decision = progressOf({ activity, categorized, entries, evals, batches, bookkeeping, facts });
  const timing = timingOf(entries, decision, options.now, runStartMs);

  // 4. Notes (R31).
  return {
    build: options.build,
    template: coverage.template,
    categorized,
    at: options.now,
    progress: decision.progress,
    progressReasons: decision.reasons,
    endConfirmed: decision.endConfirmed,
    state: decision.state,
    hosts: entries,
    batches,
    timing,
    coverage,
    runUrls: facts.urls,
    templateCommand: invocations.template?.command ?? null,
    runnerCommand: invocations.runner?.command ?? null,
    notes: runNotes({
      facts,
      contradictions: decision.contradictions,
      entries,
      hostNotes: notes,
      bookkeeping,
      progress: decision.progress,
      logSeen: log.length > 0,
    }),
    activity,
    issues,
  };
}

/** TIMING (R6, R7, R9): the end is the latest finalization or host end. */
function timingOf(
  entries: readonly HostEntry[],
  decision: ProgressOutcome,
  now: EpochMs,
  runStartMs: EpochMs | null,
): Timing {
  const hostEnds = entries
    .filter((e) => e.status !== "SKIPPED")
    .map((e) => e.finishedAt)
    .filter((t): t is number => t !== undefined);
  const endCandidates = [...decision.finalizationTimes, ...hostEnds];
  return computeTiming({
    hosts: entries,
    now,
    runStartMs,
    complete: decision.progress === "finished",
    endedAt: endCandidates.length > 0 ? Math.max(...endCandidates) : null,
    progress: decision.progress,
  });
}
