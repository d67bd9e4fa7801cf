/**
 * Batches of a categorized run (R10, R32, R33, W5, W6): sequential groups by distro, each with a
 * child build id. Rebuilt from the runner log's batch lines, the grouped bookkeeping XMLs
 * (`test-result-<childBuildId>.xml`) and the hosts' results inside each batch's completion window.
 * Internal; pure.
 */
import {
  type BookkeepingObservation,
  type EpochMs,
  HOST_NAME_PATTERN,
  type RunnerLogObservation,
} from "@atvm-watch/artifacts";
import type { BatchEntry, HostStatus } from "../domain.ts";
import { bookkeepingTime } from "./evidence.ts";
import { compareText } from "./util.ts";

/** What batch reconstruction needs to know about one host. */
export interface BatchHostInfo {
  readonly host: string;
  readonly status: HostStatus;
  /** `true` when the host has a same-run result or live evidence (it ran or runs in this run). */
  readonly hasEvidence: boolean;
  /** Run timestamp of its latest same-run result (R33), for the completion windows. */
  readonly time: EpochMs | null;
  readonly startedAt: EpochMs | null;
  readonly finishedAt: EpochMs | null;
}

/** Input of {@link reconstructBatches}. */
export interface BatchInput {
  readonly build: string;
  readonly runStartMs: EpochMs | null;
  /** Runner-log observations in log order. */
  readonly log: readonly RunnerLogObservation[];
  /** Same-run bookkeeping observations. */
  readonly bookkeeping: readonly BookkeepingObservation[];
  /** In-scope and extra hosts, in display order. */
  readonly hosts: readonly BatchHostInfo[];
  /** Hosts of the live config `specPattern`: the current batch (R10). */
  readonly currentBatchHosts: readonly string[];
}

/** Batches in run order, and the batch id of every host. */
export interface BatchReconstruction {
  readonly batches: readonly BatchEntry[];
  readonly hostBatch: ReadonlyMap<string, string>;
}

/**
 * The distro group of a host: the letters after `atvm<N>-` (`atvm9-redhat9.7` → `redhat`,
 * `atvm113-debian9.0.0` → `debian`), lower-cased; the leading letters of any other name.
 */
export function distroGroup(host: string): string {
  const match = /^atvm\d+-([a-z]+)/i.exec(host) ?? /^([a-z]+)/i.exec(host);
  return (match?.[1] ?? host).toLowerCase();
}

/**
 * The batch key of a grouped bookkeeping XML: `<childBuildId>` of `test-result-<childBuildId>.xml`,
 * or `null` for mocha-junit-reporter's hash names and host-named files.
 */
export function batchKeyOfFile(path: string): string | null {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const match = /^test-result-(.+)\.xml$/i.exec(base);
  if (match === null) return null;
  const key = match[1] as string;
  if (/^[0-9a-f]{16,}$/i.test(key) || HOST_NAME_PATTERN.test(key)) return null;
  return key;
}

/**
 * Rebuilds the batches (see the module doc). Hosts join a batch, in order of strength: from the
 * runner-log lines between its `batch-started` and `batch-finished`; by their result's run
 * timestamp inside its completion window (previous batch end, its finalization] (R32, R33); as
 * the live config's current batch (R10); by distro group (the batch's hosts, else its label).
 * Hosts left over form predicted NOT STARTED batches named by their group. A batch is FINISHED
 * once its bookkeeping XML or `batch-finished` line is seen (R32); its start is the earliest host
 * run timestamp and its end the finalization timestamp (R33); `group` is inferred from the hosts
 * actually run, and the runner's label is kept in `label` when it differs (W6).
 */
export function reconstructBatches(input: BatchInput): BatchReconstruction {
  const book = new BatchBook();
  const openLogRec = readLogSegments(book, input.log);
  readFinalizations(book, input.bookkeeping);
  assignByWindows(book, input);
  const groupOf = (rec: Rec): string => evidenceGroup(book, rec, input);
  assignTheRest(book, input, openLogRec, groupOf);
  return batchEntries(book, input, groupOf);
}

/** The batches found so far and which batch each host joined. */
class BatchBook {
  readonly recs: Rec[] = [];
  readonly byId = new Map<string, Rec>();
  readonly assigned = new Map<string, Rec>();

  create(id: string, label: string | null, logPos: number | null, predicted = false): Rec {
    const rec: Rec = {
      id,
      label,
      logPos,
      finishedByLog: false,
      finalizationAt: null,
      predicted,
      runUrl: null,
    };
    this.recs.push(rec);
    this.byId.set(id, rec);
    return rec;
  }
}

/** 1. Runner-log batch segments; returns the batch still open at the end of the log. */
function readLogSegments(book: BatchBook, log: readonly RunnerLogObservation[]): Rec | null {
  let current: Rec | null = null;
  for (const [pos, obs] of log.entries()) {
    switch (obs.kind) {
      case "batch-started": {
        const rec = book.byId.get(obs.batchId) ?? book.create(obs.batchId, obs.label, pos);
        if (rec.label === null && obs.label !== null) rec.label = obs.label;
        if (rec.logPos === null) rec.logPos = pos;
        current = rec;
        break;
      }
      case "batch-finished": {
        const rec = book.byId.get(obs.batchId) ?? book.create(obs.batchId, null, pos);
        rec.finishedByLog = true;
        if (current === rec) current = null;
        break;
      }
      case "run-url":
        // The cloud run URL printed inside a batch's segment is that batch's own run (R30, W5).
        if (current !== null) current.runUrl = obs.url;
        break;
      case "spec-started":
      case "spec-result":
      case "test-failed":
      case "renderer-crash":
      case "attempt":
        if (obs.host !== null && current !== null) book.assigned.set(obs.host, current);
        break;
      default:
        break;
    }
  }
  return current;
}

/** 2. Grouped bookkeeping XMLs: finalization of their batch. */
function readFinalizations(book: BatchBook, bookkeeping: readonly BookkeepingObservation[]): void {
  for (const bk of bookkeeping) {
    const key = batchKeyOfFile(bk.file);
    if (key === null) continue;
    const rec = book.byId.get(key) ?? book.create(key, null, null);
    const at = bookkeepingTime(bk);
    if (at !== null) rec.finalizationAt = rec.finalizationAt === null ? at : Math.max(rec.finalizationAt, at);
    else rec.finalizedWithoutTime = true;
  }
}

/** 3. Completion windows (R32, R33): a host result inside (previous end, finalization]. */
function assignByWindows(book: BatchBook, input: BatchInput): void {
  const finalized = book.recs
    .filter((r) => r.finalizationAt !== null)
    .sort((a, b) => (a.finalizationAt as number) - (b.finalizationAt as number) || compareText(a.id, b.id));
  let previousEnd = input.runStartMs ?? Number.NEGATIVE_INFINITY;
  for (const rec of finalized) {
    const end = rec.finalizationAt as number;
    for (const h of input.hosts) {
      if (book.assigned.has(h.host) || h.time === null || !h.hasEvidence) continue;
      if (h.time > previousEnd && h.time <= end) book.assigned.set(h.host, rec);
    }
    previousEnd = Math.max(previousEnd, end);
  }
}

/** The distro group most of a batch's hosts with evidence belong to, else its label's (W6). */
function evidenceGroup(book: BatchBook, rec: Rec, input: BatchInput): string {
  const counts = new Map<string, number>();
  for (const h of input.hosts) {
    if (book.assigned.get(h.host) === rec && h.hasEvidence) {
      const g = distroGroup(h.host);
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  for (const [g, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = g;
  return best ?? labelGroup(rec, input.build);
}

/** 4. The rest: current batch, then distro group, then predicted batches. */
function assignTheRest(
  book: BatchBook,
  input: BatchInput,
  openLogRec: Rec | null,
  groupOf: (rec: Rec) => string,
): void {
  const evidenceGroups = new Map(book.recs.map((rec) => [rec, groupOf(rec)]));
  for (const h of input.hosts) {
    if (book.assigned.has(h.host)) continue;
    if (openLogRec !== null && input.currentBatchHosts.includes(h.host)) {
      book.assigned.set(h.host, openLogRec);
      continue;
    }
    const group = distroGroup(h.host);
    const sameGroup = book.recs.filter((r) => !r.predicted && evidenceGroups.get(r) === group);
    const target =
      sameGroup.find((r) => !isFinished(r)) ??
      sameGroup[sameGroup.length - 1] ??
      book.byId.get(group) ??
      book.create(group, null, null, true);
    if (!evidenceGroups.has(target)) evidenceGroups.set(target, group);
    book.assigned.set(h.host, target);
  }
}

/** 5. Entries, in run order: log batches, then finalized ones, then predicted ones. */
function batchEntries(
  book: BatchBook,
  input: BatchInput,
  groupOf: (rec: Rec) => string,
): BatchReconstruction {
  const ordered = [
    ...book.recs.filter((r) => r.logPos !== null).sort((a, b) => (a.logPos as number) - (b.logPos as number)),
    ...book.recs
      .filter((r) => r.logPos === null && !r.predicted)
      .sort(
        (a, b) =>
          (a.finalizationAt ?? Number.POSITIVE_INFINITY) - (b.finalizationAt ?? Number.POSITIVE_INFINITY) ||
          compareText(a.id, b.id),
      ),
    ...book.recs.filter((r) => r.predicted),
  ];
  const hostBatch = new Map<string, string>();
  const batches = ordered.map((rec): BatchEntry => {
    const hosts = input.hosts.filter((h) => book.assigned.get(h.host) === rec);
    for (const h of hosts) hostBatch.set(h.host, rec.id);
    return batchEntry(rec, hosts, groupOf(rec), input.build);
  });
  return { batches, hostBatch };
}

function batchEntry(rec: Rec, hosts: readonly BatchHostInfo[], group: string, build: string): BatchEntry {
  const rawLabel = rec.predicted ? null : (rec.label ?? labelFromId(rec.id, build));
  const starts = hosts.map((h) => h.startedAt).filter((t): t is number => t !== null);
  const ends = hosts.map((h) => h.finishedAt).filter((t): t is number => t !== null);
  const finished = isFinished(rec);
  const finishedAt = rec.finalizationAt ?? (finished && ends.length > 0 ? Math.max(...ends) : null);
  const state = finished
    ? "FINISHED"
    : rec.logPos !== null || hosts.some((h) => h.hasEvidence)
      ? "RUNNING"
      : "NOT STARTED";
  return {
    id: rec.id,
    group,
    ...(rawLabel !== null && rawLabel !== group ? { label: rawLabel } : {}),
    hosts: hosts.map((h) => h.host),
    state,
    ...(starts.length > 0 ? { startedAt: Math.min(...starts) } : {}),
    ...(finishedAt !== null ? { finishedAt } : {}),
    ...(rec.runUrl !== null ? { runUrl: rec.runUrl } : {}),
    failed: hosts.some((h) => h.status === "FAIL"),
  };
}

// --- internal helpers ---

interface Rec {
  readonly id: string;
  label: string | null;
  logPos: number | null;
  finishedByLog: boolean;
  finalizationAt: EpochMs | null;
  finalizedWithoutTime?: boolean;
  readonly predicted: boolean;
  runUrl: string | null;
}

function isFinished(rec: Rec): boolean {
  return rec.finalizationAt !== null || rec.finishedByLog || rec.finalizedWithoutTime === true;
}

/** The group a child build id names: the part after `<build>-`, else its last `-` segment (`e2e-0327-redhat` → `redhat`). */
function labelFromId(id: string, build: string): string {
  if (id.startsWith(`${build}-`) && id.length > build.length + 1) return id.slice(build.length + 1);
  return id.slice(id.lastIndexOf("-") + 1);
}

function labelGroup(rec: Rec, build: string): string {
  return (rec.label ?? labelFromId(rec.id, build)).toLowerCase();
}
