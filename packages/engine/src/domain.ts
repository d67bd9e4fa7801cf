/**
 * Domain types of a run, with the glossary's names (docs/architecture.md): run, scope, host,
 * batch, snapshot, run state, host status. Pure data, JSON-serializable.
 * Times are UTC epoch milliseconds (`EpochMs`); durations are milliseconds.
 */
import type { EpochMs, InventoryEntry, ParseIssue } from "@atvm-watch/artifacts";

export type { EpochMs } from "@atvm-watch/artifacts";

/** Run states (D2). `COMPLETED` and `FAILED` are finished runs; `FAILED` has one or more failed hosts. */
export type RunState = "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED" | "TERMINATED" | "HUNG" | "UNKNOWN";

/** All run states, in D2's order. */
export const RUN_STATES: readonly RunState[] = [
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TERMINATED",
  "HUNG",
  "UNKNOWN",
];

/** Host status in the `HOSTS:` section (R8/R12). */
export type HostStatus = "PASS" | "FAIL" | "RUNNING" | "NOT STARTED" | "SKIPPED";

/** A blacklist entry (R2/R13): a partial-match pattern and its reason, e.g. `atvm41-redhat6.0` → `BLACKLISTED: CMC INSTALL - CAN'T COMPILE`. */
export interface BlacklistEntry {
  readonly pattern: string;
  readonly reason: string;
}

/** A host excluded from the scope, with the reason shown in `HOSTS:` (R3). */
export interface SkippedHost {
  readonly host: string;
  readonly reason: string;
}

/**
 * The hosts a run must cover (glossary: scope). `hosts` are in run order; `skipped` are
 * blacklisted hosts a broad selector would otherwise have included (R3).
 */
export interface Scope {
  readonly hosts: readonly string[];
  readonly skipped: readonly SkippedHost[];
  /**
   * Where the scope came from, for notes and debugging. `selector`: a `--containsVm` selector
   * applied to the known hosts, when neither specs nor a spec pattern were available.
   */
  readonly source: "spec-pattern" | "generated-specs" | "explicit" | "selector" | "artifacts";
}

/** What failed on a host (R17): the failing step of the template flow and the message, from the best evidence. */
export interface FailureDescription {
  /** Step number of the template's test flow, or `null` when the evidence names none. */
  readonly step: number | null;
  /** Step title, e.g. `Install CMC`, or the failing test's title. */
  readonly title: string;
  /** The failure message (first meaningful line(s)), ANSI stripped. */
  readonly message: string;
  /** Root-cause class when known (T1), e.g. `assertion`, `timeout`, `hook`, `crash`. */
  readonly class?: string;
  /** Which artifact kind supplied it. */
  readonly source: "junit" | "reporter-json" | "runner-log";
}

/** The last step a running host reported (from its unfinished per-host event log, W7). */
export interface ReportedStep {
  /** Step number of the template's test flow, or `null` when the test title has none. */
  readonly step: number | null;
  /** Step title, e.g. `Install CMC`. */
  readonly title: string;
  /** How that step ended. */
  readonly state: "passed" | "failed";
}

/** One host's line in the snapshot. */
export interface HostEntry {
  readonly host: string;
  readonly status: HostStatus;
  /** The batch (child build id or group name) the host ran in, for categorized runs. */
  readonly batch?: string;
  readonly startedAt?: EpochMs;
  readonly finishedAt?: EpochMs;
  readonly durationMs?: number;
  /** Kernel from the VM inventory (W10). */
  readonly kernel?: string;
  /** Blacklist reason for `SKIPPED` hosts (R3). */
  readonly reason?: string;
  readonly failure?: FailureDescription;
  /** For a RUNNING host with an unfinished per-host event log: the last step it reported. */
  readonly lastStep?: ReportedStep;
  /** Artifact paths the status was decided from (most recent first). */
  readonly evidence: readonly string[];
}

/** Batch (sub-run) state: a batch is finished once its finalization (bookkeeping XML) is seen (R32). */
export type BatchState = "NOT STARTED" | "RUNNING" | "FINISHED";

/** One sequential group of a categorized run (W5). */
export interface BatchEntry {
  /** Child build id, e.g. `e2e-0327-redhat`, or the inferred group when none is known. */
  readonly id: string;
  /** Group name inferred from the hosts actually run (W6), e.g. `redhat`. */
  readonly group: string;
  /** The label the runner gave the batch, when it differs from `group` (W6). */
  readonly label?: string;
  readonly hosts: readonly string[];
  readonly state: BatchState;
  /** Earliest host run timestamp from reporter metadata or file-name timestamp, never mtime (R33). */
  readonly startedAt?: EpochMs;
  /** The batch finalization timestamp (R33). */
  readonly finishedAt?: EpochMs;
  /** The batch's own cloud (Currents) run URL: the last one the runner printed inside its log segment (R30). */
  readonly runUrl?: string;
  /** `true` when any host of the batch failed. */
  readonly failed: boolean;
}

/** The ETA for the whole remaining run (R9), never for the current host only. */
export interface Eta {
  /** Estimated ms until the whole remaining run finishes. */
  readonly remainingMs: number;
  /** `now + remainingMs`. */
  readonly finishAt: EpochMs;
  /** How it was computed, e.g. `3 hosts remaining × 41m average, minus 12m already spent on atvm7-ubuntu24.04`. */
  readonly basis: string;
}

/** A host and its completed runtime. */
export interface HostDuration {
  readonly host: string;
  readonly durationMs: number;
}

/** TIMING (R6, R7, R9). */
export interface Timing {
  readonly startedAt: EpochMs | null;
  /** Set once the run is complete. */
  readonly finishedAt: EpochMs | null;
  /** `finishedAt − startedAt` when complete. */
  readonly totalMs: number | null;
  /** `now − startedAt` while running. */
  readonly elapsedMs: number | null;
  readonly quickest: HostDuration | null;
  readonly longest: HostDuration | null;
  readonly averageMs: number | null;
  readonly eta: Eta | null;
  /** Why `eta` is `null`, in words (e.g. `no host has completed yet`); absent when `eta` is set (R9). */
  readonly etaReason?: string;
}

/** COVERAGE (R35): a concise echo of the `cmc-templates.py` inputs; never the explicit host list. */
export interface Coverage {
  readonly template: string | null;
  /** Datastore / config family, e.g. `pure`. */
  readonly configFamily: string | null;
  readonly configFile: string | null;
  readonly integration: string | null;
  readonly plugin: string | null;
  /** Operator-relevant flags, e.g. `--ignore_force_shutdown`, `--categorize`. */
  readonly flags: readonly string[];
  /** The selector, e.g. `--containsVm redhat9`, `--randomize 5`, `--specify_vms` (no host list). */
  readonly selector: string | null;
}

/** Live evidence about the runner processes on the controller (from the process probe). */
export interface RunnerActivity {
  /** A `run-sorry-cypress.py … --build_name <build>` process is alive. */
  readonly runnerAlive: boolean;
  /** A child Cypress (or `npm exec cypress-cloud`) process is alive and not defunct. */
  readonly cypressAlive: boolean;
  /** A defunct (zombie) child of the runner exists (R1). */
  readonly defunctChild: boolean;
}

/**
 * What reconstruction concludes about the run as a whole, before the state machine adds history
 * (cancel markers, hang windows). `finished` follows D1; `stopped` means the runner is gone while
 * hosts are still RUNNING or NOT STARTED and no finalization was seen (a TERMINATED candidate).
 */
export type RunProgress = "running" | "finished" | "stopped" | "unclear";

/** The reconstructed status of a whole run (and its batches) at one instant (glossary: snapshot). */
export interface Snapshot {
  readonly build: string;
  /** Template name (`--template_name`), e.g. `cmc-e2e`, or `null` when unknown. */
  readonly template: string | null;
  readonly categorized: boolean;
  /** When reconstruction ran (UTC ms); the `now` passed in. */
  readonly at: EpochMs;
  readonly progress: RunProgress;
  /** Human reasons behind `progress` (for D8 logs and `UNKNOWN` notes). */
  readonly progressReasons: readonly string[];
  /**
   * Final reporter artifacts confirm the end (D1): a same-run `check-xml-files.ts` XML after the last
   * result or the runner's `(Run Finished)` / `Cloud Run Finished` footer; for categorized runs every
   * batch finished. Absent (older snapshots, hand-built ones) means not confirmed. R1 needs it: a run
   * URL alone is printed at the start of a cypress-cloud run and proves nothing about the end.
   */
  readonly endConfirmed?: boolean;
  /**
   * The run state this snapshot alone implies (D2): RUNNING, COMPLETED, FAILED, TERMINATED or UNKNOWN.
   * The state machine refines it with history (CANCELLED, HUNG, R1).
   */
  readonly state: RunState;
  /** In-scope hosts in scope order, then skipped hosts (R3). */
  readonly hosts: readonly HostEntry[];
  readonly batches: readonly BatchEntry[];
  readonly timing: Timing;
  readonly coverage: Coverage;
  /** The cloud (Currents) run URL(s), newest last (R30, R31). */
  readonly runUrls: readonly string[];
  /** The exact `cmc-templates.py` command, outer wrapper removed (R36). */
  readonly templateCommand: string | null;
  readonly runnerCommand: string | null;
  /** Operator-facing anomalies and failure context (R31); never bookkeeping. */
  readonly notes: readonly string[];
  readonly activity: RunnerActivity | null;
  readonly issues: readonly ParseIssue[];
}

export type { InventoryEntry, ParseIssue };
