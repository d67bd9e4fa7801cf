/**
 * From host evaluations to the snapshot's host entries and batches (R3, R32, R33, W6). Pure.
 */
import type { BookkeepingObservation, EpochMs, RunnerLogObservation } from "@atvm-watch/artifacts";
import type { HostEntry, Scope, Snapshot } from "../domain.ts";
import { type BatchHostInfo, reconstructBatches } from "./batches.ts";
import type { HostEval } from "./host-eval.ts";
import type { HostNotes } from "./notes.ts";

/** Input of {@link batchesOf}. */
export interface BatchesContext {
  readonly build: string;
  readonly runStartMs: EpochMs | null;
  readonly log: readonly RunnerLogObservation[];
  readonly bookkeeping: readonly BookkeepingObservation[];
  readonly shownHosts: readonly string[];
  /** Evaluations per shown host; a host of a finished batch without a result is set back to NOT STARTED. */
  readonly evals: Map<string, HostEval>;
  /** Hosts of the live config's current batch. */
  readonly configHosts: readonly string[];
  readonly notes: HostNotes;
}

/**
 * The batches of a categorized run (R32, R33, W6) and each host's batch id. A finished batch
 * never keeps a RUNNING host: it becomes NOT STARTED (in `evals`), with a note.
 */
export function batchesOf(c: BatchesContext): {
  batches: Snapshot["batches"];
  hostBatch: ReadonlyMap<string, string>;
} {
  const infos: BatchHostInfo[] = c.shownHosts.map((host) => {
    const e = c.evals.get(host) as HostEval;
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
    build: c.build,
    runStartMs: c.runStartMs,
    log: c.log,
    bookkeeping: c.bookkeeping,
    hosts: infos,
    currentBatchHosts: c.configHosts,
  });
  for (const batch of rebuilt.batches) {
    if (batch.state !== "FINISHED") continue;
    for (const host of batch.hosts) {
      const e = c.evals.get(host) as HostEval;
      if (e.status === "RUNNING" || e.status === "NOT STARTED") {
        if (e.status === "RUNNING") c.evals.set(host, { ...e, status: "NOT STARTED" });
        c.notes.add(host, `Batch ${batch.id} finished without a result for ${host}`);
      }
    }
  }
  return { batches: rebuilt.batches, hostBatch: rebuilt.hostBatch };
}

/** Host entries: the shown hosts in order, then skipped hosts not shown (R3), with kernels (W10). */
export function hostEntries(
  shownHosts: readonly string[],
  evals: ReadonlyMap<string, HostEval>,
  hostBatch: ReadonlyMap<string, string>,
  kernels: ReadonlyMap<string, string>,
  skipped: Scope["skipped"],
): HostEntry[] {
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
      ...(e.lastStep === undefined || e.status !== "RUNNING" ? {} : { lastStep: e.lastStep }),
      evidence: e.evidence,
    };
  });
  const shownSet = new Set(shownHosts);
  for (const s of skipped) {
    if (shownSet.has(s.host)) continue;
    shownSet.add(s.host);
    const kernel = kernels.get(s.host);
    entries.push({
      host: s.host,
      status: "SKIPPED",
      reason: s.reason,
      ...(kernel === undefined ? {} : { kernel }),
      evidence: [],
    });
  }
  return entries;
}
