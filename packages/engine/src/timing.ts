/**
 * TIMING (R6, R7, R9): run start and end, total or elapsed time, quickest/longest/average
 * completed host runtime, and the ETA of the whole remaining run. Pure; `now` comes in.
 */
import type { EpochMs, HostDuration, HostEntry, RunProgress, Timing } from "./domain.ts";

/** What {@link computeTiming} works from. All times UTC ms. */
export interface TimingInput {
  /** The snapshot's hosts (SKIPPED hosts are ignored). */
  readonly hosts: readonly HostEntry[];
  /** The instant of the snapshot. */
  readonly now: EpochMs;
  /** The run start (R6), when known; else the earliest host start is used. */
  readonly runStartMs: EpochMs | null;
  /** `true` once the run is complete (D1): then `end` and `total` are given, never an ETA. */
  readonly complete: boolean;
  /** The run end when complete: the latest finalization or host end; else the latest host end is used. */
  readonly endedAt: EpochMs | null;
  /** Reconstruction's progress; a `stopped` run gets no ETA. */
  readonly progress?: RunProgress;
}

/**
 * TIMING of a run.
 * - `startedAt` = `runStartMs`, else the earliest host `startedAt` (R6).
 * - Complete: `finishedAt` = `endedAt` (else the latest host `finishedAt`), `totalMs` = end − start.
 *   Running: `elapsedMs` = `now` − start (R6). Stopped (TERMINATED): `elapsedMs` runs to the latest
 *   host start or end seen, not to `now`, so a dead run's elapsed time does not keep growing.
 * - `quickest`/`longest`/`averageMs` over PASS/FAIL hosts that have a `durationMs` (R7); ties go
 *   to the host listed first; the average is rounded to whole ms.
 * - ETA (R9) is for the whole remaining run, never the current host only:
 *   `remainingMs` = NOT STARTED hosts × average + Σ over RUNNING hosts of max(0, average − time
 *   already spent on it) (time spent = `now` − its `startedAt`; with no start of its own and one
 *   host running, `now` − the latest completed host's end, since hosts run one after another;
 *   else unknown, counted as 0), and
 *   `finishAt` = `now` + `remainingMs`; `basis` states the numbers in words.
 *   No ETA (`eta: null`, `etaReason` says why) when the run is complete, stopped, has no host left,
 *   or no host has completed yet (there is no average to extrapolate from).
 * Never throws.
 */
export function computeTiming(input: TimingInput): Timing {
  const hosts = input.hosts.filter((h) => h.status !== "SKIPPED");
  const starts = hosts.map((h) => h.startedAt).filter(isTime);
  const startedAt = input.runStartMs ?? (starts.length > 0 ? Math.min(...starts) : null);

  let finishedAt: EpochMs | null = null;
  if (input.complete) {
    const ends = hosts.map((h) => h.finishedAt).filter(isTime);
    finishedAt = input.endedAt ?? (ends.length > 0 ? Math.max(...ends) : null);
  }
  const totalMs = startedAt !== null && finishedAt !== null ? Math.max(0, finishedAt - startedAt) : null;
  // A stopped run's clock stops at its last evidence: `now` would keep growing for a dead run.
  const evidence = hosts.flatMap((h) => [h.startedAt, h.finishedAt]).filter(isTime);
  const until = input.progress === "stopped" && evidence.length > 0 ? Math.max(...evidence) : input.now;
  const elapsedMs = !input.complete && startedAt !== null ? Math.max(0, until - startedAt) : null;

  const completed: HostDuration[] = [];
  for (const h of hosts) {
    if ((h.status === "PASS" || h.status === "FAIL") && isTime(h.durationMs) && h.durationMs >= 0) {
      completed.push({ host: h.host, durationMs: h.durationMs });
    }
  }
  let quickest: HostDuration | null = null;
  let longest: HostDuration | null = null;
  for (const d of completed) {
    if (quickest === null || d.durationMs < quickest.durationMs) quickest = d;
    if (longest === null || d.durationMs > longest.durationMs) longest = d;
  }
  const averageMs =
    completed.length > 0
      ? Math.round(completed.reduce((sum, d) => sum + d.durationMs, 0) / completed.length)
      : null;

  const base = { startedAt, finishedAt, totalMs, elapsedMs, quickest, longest, averageMs };
  const noEta = (etaReason: string): Timing => ({ ...base, eta: null, etaReason });
  if (input.complete) return noEta("the run is complete");
  if (input.progress === "stopped") return noEta("the runner stopped before the run finished");
  const notStarted = hosts.filter((h) => h.status === "NOT STARTED");
  const running = hosts.filter((h) => h.status === "RUNNING");
  if (notStarted.length === 0 && running.length === 0) return noEta("no host is left to run");
  if (averageMs === null) return noEta("no host has completed yet, so there is no average runtime");

  let remainingMs = notStarted.length * averageMs;
  const parts: string[] = [];
  if (notStarted.length > 0) {
    parts.push(
      `${notStarted.length} ${notStarted.length === 1 ? "host" : "hosts"} not started × ${formatMs(averageMs)} average`,
    );
  }
  // Hosts run one after another: a running host with no start time of its own (log lines carry no
  // clock) started no earlier than the latest completed host's end, when that is after the run start.
  const ends = hosts.map((h) => h.finishedAt).filter(isTime);
  const lastEnd = ends.length > 0 ? Math.max(...ends) : null;
  const lastEndHost = hosts.find((h) => h.finishedAt === lastEnd)?.host;
  for (const h of running) {
    if (!isTime(h.startedAt)) {
      if (
        running.length === 1 &&
        lastEnd !== null &&
        lastEnd <= input.now &&
        (startedAt === null || lastEnd >= startedAt)
      ) {
        const spentMs = input.now - lastEnd;
        const leftMs = Math.max(0, averageMs - spentMs);
        remainingMs += leftMs;
        parts.push(
          `${formatMs(leftMs)} left on ${h.host} (about ${formatMs(spentMs)} spent since ${lastEndHost ?? "the previous host"} finished)`,
        );
        continue;
      }
      remainingMs += averageMs;
      parts.push(`${formatMs(averageMs)} for ${h.host} (start time unknown)`);
      continue;
    }
    const spentMs = Math.max(0, input.now - h.startedAt);
    const leftMs = Math.max(0, averageMs - spentMs);
    remainingMs += leftMs;
    parts.push(`${formatMs(leftMs)} left on ${h.host} (${formatMs(spentMs)} spent)`);
  }
  return {
    ...base,
    eta: {
      remainingMs,
      finishAt: input.now + remainingMs,
      basis: `whole remaining run: ${parts.join(" + ")} = ${formatMs(remainingMs)}`,
    },
  };
}

// --- internal helpers ---

function isTime(value: number | undefined | null): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** `1h 05m`, `41m 12s`, `45s`: a compact duration for the ETA basis. */
function formatMs(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
