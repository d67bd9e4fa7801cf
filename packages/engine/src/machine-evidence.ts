/**
 * What the run-state machine reads from one snapshot: the run-level verdict (D1, D2), the progress
 * fingerprint for hang detection (D9), the R1 runner-hang predicate, and the per-batch snapshot a
 * categorized post renders (W5). Pure functions of a `Snapshot`.
 */
import type { BatchEntry, HostEntry, RunnerActivity, Snapshot, Timing } from "./domain.ts";
import type { Verdict } from "./machine-types.ts";

/** `true` when the runner or a live (non-defunct) child Cypress process is active; `false` when activity is unknown. */
export function processesAlive(activity: RunnerActivity | null): boolean {
  return activity !== null && (activity.runnerAlive || activity.cypressAlive);
}

/**
 * The run-level verdict of one snapshot, before history (cancel markers, hang windows, R1):
 * - `cancelled` when the snapshot itself says CANCELLED;
 * - `terminated` when progress is `stopped` or the state is TERMINATED;
 * - `hung` when the snapshot itself says HUNG;
 * - `unclear` when progress is `unclear`, the state is UNKNOWN, or progress is `finished` with a
 *   non-final state (a contradiction);
 * - `complete` (D1) only when progress is `finished`, the state is COMPLETED or FAILED, and no runner
 *   or child Cypress process is active;
 * - otherwise `running` (including `finished` artifacts while processes are still alive, the R1 case).
 */
export function classifySnapshot(snapshot: Snapshot): Verdict {
  const why = snapshot.progressReasons.join("; ");
  const withWhy = (text: string): string => (why === "" ? text : `${text} (${why})`);
  if (snapshot.state === "CANCELLED")
    return { kind: "cancelled", reason: withWhy("snapshot says CANCELLED") };
  if (snapshot.progress === "stopped" || snapshot.state === "TERMINATED") {
    return { kind: "terminated", reason: withWhy("runner stopped before normal completion") };
  }
  if (snapshot.state === "HUNG") return { kind: "hung", reason: withWhy("snapshot says HUNG") };
  if (snapshot.progress === "unclear" || snapshot.state === "UNKNOWN") {
    return { kind: "unclear", reason: withWhy("run state cannot be determined from the evidence") };
  }
  if (snapshot.progress === "finished") {
    if (snapshot.state !== "COMPLETED" && snapshot.state !== "FAILED") {
      return { kind: "unclear", reason: withWhy(`progress finished but state ${snapshot.state}`) };
    }
    if (processesAlive(snapshot.activity)) {
      return { kind: "running", reason: "final artifacts seen but a runner process is still active (D1)" };
    }
    return { kind: "complete", state: snapshot.state, reason: withWhy(`run finished ${snapshot.state}`) };
  }
  return { kind: "running", reason: withWhy("run in progress") };
}

/** In-scope hosts (skipped hosts excluded). */
function inScope(snapshot: Snapshot): readonly HostEntry[] {
  return snapshot.hosts.filter((h) => h.status !== "SKIPPED");
}

/** `true` when the snapshot has in-scope hosts and every one is PASS or FAIL (D1 "final result"). */
export function resultsFinal(snapshot: Snapshot): boolean {
  const hosts = inScope(snapshot);
  return hosts.length > 0 && hosts.every((h) => h.status === "PASS" || h.status === "FAIL");
}

/**
 * R1: results are final, final reporter artifacts confirm the end (`snapshot.endConfirmed`), the run
 * is still live (progress `running`, runner or child alive), and the cloud run URL is recorded or a
 * defunct child shows the upload ended. Categorized runs also need every
 * batch FINISHED (one finished batch never ends the run, W5).
 */
export function isRunnerHangAfterUpload(snapshot: Snapshot): boolean {
  if (snapshot.progress !== "running" && snapshot.progress !== "finished") return false;
  if (!processesAlive(snapshot.activity)) return false;
  if (!resultsFinal(snapshot)) return false;
  // Results alone are not enough: cypress-cloud prints the run URL at the start, and a re-queued
  // spec can be running while every host already has an earlier result (replay: flat-run 10:40).
  if (snapshot.endConfirmed !== true) return false;
  if (
    snapshot.categorized &&
    !(snapshot.batches.length > 0 && snapshot.batches.every((b) => b.state === "FINISHED"))
  ) {
    return false;
  }
  return snapshot.runUrls.length > 0 || snapshot.activity?.defunctChild === true;
}

/**
 * The progress fingerprint (D9): a stable string of the run progress, every host's status and evidence
 * paths, batch states, the number of run URLs and parse issues, plus `extra` from the shell (e.g. runner
 * log size, artifact sizes/mtimes). Excludes `at` and elapsed timing, which change on every poll.
 * Two snapshots with equal keys show no progress between them.
 */
export function progressKey(snapshot: Snapshot, extra?: string): string {
  return JSON.stringify([
    snapshot.progress,
    snapshot.state,
    snapshot.hosts.map((h) => [h.host, h.status, h.evidence.join("|")]),
    snapshot.batches.map((b) => [b.id, b.state, b.hosts.length]),
    snapshot.runUrls.length,
    snapshot.issues.length,
    extra ?? "",
  ]);
}

/** D5 "last observed host summary": counts per status in a fixed order, e.g. `2 PASS, 1 FAIL, 1 RUNNING`; `no hosts` when empty. */
export function hostSummary(hosts: readonly HostEntry[]): string {
  const order = ["PASS", "FAIL", "RUNNING", "NOT STARTED", "SKIPPED"] as const;
  const parts = order
    .map((status) => [status, hosts.filter((h) => h.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  return parts.length === 0 ? "no hosts" : parts.join(", ");
}

function batchTiming(batch: BatchEntry, hosts: readonly HostEntry[]): Timing {
  const durations = hosts.flatMap((h) =>
    h.durationMs === undefined ? [] : [{ host: h.host, durationMs: h.durationMs }],
  );
  const sorted = [...durations].sort((a, b) => a.durationMs - b.durationMs);
  const startedAt = batch.startedAt ?? null;
  const finishedAt = batch.finishedAt ?? null;
  return {
    startedAt,
    finishedAt,
    totalMs: startedAt !== null && finishedAt !== null ? finishedAt - startedAt : null,
    elapsedMs: null,
    quickest: sorted[0] ?? null,
    longest: sorted[sorted.length - 1] ?? null,
    averageMs: sorted.length === 0 ? null : sorted.reduce((sum, d) => sum + d.durationMs, 0) / sorted.length,
    eta: null,
  };
}

/**
 * The snapshot a categorized batch post renders (W5): the batch id as the build heading (R4), only the
 * batch's hosts (plus the run's skipped hosts, R3), that batch alone, its own state and timing.
 * Returns `null` when `batchId` is not in the snapshot.
 */
export function batchSnapshot(snapshot: Snapshot, batchId: string): Snapshot | null {
  const batch = snapshot.batches.find((b) => b.id === batchId);
  if (batch === undefined) return null;
  const members = new Set(batch.hosts);
  const hosts = snapshot.hosts.filter(
    (h) => h.status === "SKIPPED" || members.has(h.host) || (h.batch !== undefined && h.batch === batch.id),
  );
  const finished = batch.state === "FINISHED";
  return {
    ...snapshot,
    build: batch.id,
    progress: finished ? "finished" : "running",
    state: finished ? (batch.failed ? "FAILED" : "COMPLETED") : "RUNNING",
    hosts,
    batches: [batch],
    // A batch post names its own run only (W5, R30); never an earlier batch's URL.
    runUrls: batch.runUrl !== undefined ? [batch.runUrl] : [],
    timing: batchTiming(
      batch,
      hosts.filter((h) => h.status !== "SKIPPED"),
    ),
  };
}
