/**
 * The versioned JSON contract `atvm.status.v1` (docs/json-contract.md, docs/status.schema.json):
 * the same content as the fixed layout, as data. Times are ISO-8601 UTC strings, durations
 * integer milliseconds. Pure.
 */
import type { ParseIssueKind } from "@atvm-watch/artifacts";
import type { BatchState, HostEntry, HostStatus, RunState, Snapshot } from "@atvm-watch/engine";
import { resolveTestFlow } from "./flows.ts";
import { assertZone } from "./format.ts";
import {
  countHosts,
  coverageSelector,
  isBookkeepingNote,
  type RenderOptions,
  stateReasonOf,
} from "./model.ts";
import { JSON_LIST_LIMIT, stripBidiDeep } from "./safety.ts";

/** The schema id of {@link StatusJsonV1}. */
export const STATUS_SCHEMA_ID = "atvm.status.v1";

/** What failed on a FAIL host (R17, T1). */
export interface StatusJsonFailureV1 {
  /** Step number of the template's test flow, `null` when the evidence names none. */
  readonly step: number | null;
  readonly title: string;
  readonly message: string;
  /** Root-cause class (T1), e.g. `assertion`, `timeout`, when known. */
  readonly class?: string;
}

/** One host (R8/R12): in-scope hosts in scope order, then skipped hosts (R3). */
export interface StatusJsonHostV1 {
  readonly host: string;
  readonly status: HostStatus;
  /** Batch (child build id or group) of a categorized run. */
  readonly batch?: string;
  /** ISO-8601 UTC. */
  readonly startedAt?: string;
  /** ISO-8601 UTC. */
  readonly finishedAt?: string;
  /** Integer milliseconds. */
  readonly durationMs?: number;
  /** From the VM inventory (W10). */
  readonly kernel?: string;
  /** Blacklist reason of a SKIPPED host (R3). */
  readonly reason?: string;
  readonly failure?: StatusJsonFailureV1;
  /** A RUNNING host's last reported step, from its unfinished per-host event log (W7). */
  readonly lastStep?: StatusJsonStepV1;
}

/** The last step a RUNNING host reported. */
export interface StatusJsonStepV1 {
  /** Step number of the test flow, or `null` when the test title has none. */
  readonly step: number | null;
  readonly title: string;
  readonly state: "passed" | "failed";
}

/** One batch of a categorized run (W5, W6, R33). */
export interface StatusJsonBatchV1 {
  readonly id: string;
  readonly group: string;
  readonly label?: string;
  readonly hosts: readonly string[];
  readonly state: BatchState;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** The batch's own cloud (Currents) run URL, when the runner printed one inside the batch (R30). */
  readonly runUrl?: string;
  readonly failed: boolean;
}

/** A host and its completed runtime in integer milliseconds. */
export interface StatusJsonHostDurationV1 {
  readonly host: string;
  readonly durationMs: number;
}

/** TIMING (R6, R7, R9); times ISO-8601 UTC, durations integer milliseconds. */
export interface StatusJsonTimingV1 {
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly totalMs: number | null;
  readonly elapsedMs: number | null;
  readonly quickest: StatusJsonHostDurationV1 | null;
  readonly longest: StatusJsonHostDurationV1 | null;
  readonly averageMs: number | null;
  /** ETA of the whole remaining run (R9). */
  readonly eta: { readonly finishAt: string; readonly remainingMs: number; readonly basis: string } | null;
}

/** COVERAGE (R35); `selector` never carries an explicit host list. */
export interface StatusJsonCoverageV1 {
  readonly template: string | null;
  readonly configFamily: string | null;
  readonly configFile: string | null;
  readonly integration: string | null;
  readonly plugin: string | null;
  readonly flags: readonly string[];
  readonly selector: string | null;
}

/** Host counts; `inScope` excludes skipped hosts. Batch counts are `null` for a non-categorized run. */
export interface StatusJsonSummaryV1 {
  readonly inScope: number;
  readonly pass: number;
  readonly fail: number;
  readonly running: number;
  readonly notStarted: number;
  readonly skipped: number;
  readonly batchesFinished: number | null;
  readonly batchesTotal: number | null;
}

/**
 * `atvm.status.v1`: the status of one run as stable JSON. Within v1, fields are only ever added
 * (documented in docs/json-contract.md), never renamed, removed or changed in meaning.
 */
export interface StatusJsonV1 {
  readonly schema: typeof STATUS_SCHEMA_ID;
  readonly build: string;
  readonly template: string | null;
  readonly categorized: boolean;
  /** When the snapshot was taken, ISO-8601 UTC (`null` only for an unrepresentable time). */
  readonly at: string | null;
  readonly state: RunState;
  readonly summary: StatusJsonSummaryV1;
  readonly hosts: readonly StatusJsonHostV1[];
  readonly batches: readonly StatusJsonBatchV1[];
  readonly timing: StatusJsonTimingV1;
  readonly coverage: StatusJsonCoverageV1;
  /** The template's numbered steps (R25): `steps[i]` is step `i + 1`; `null` when no flow is defined. */
  readonly testFlow: { readonly template: string | null; readonly steps: readonly string[] | null };
  /** Cloud (Currents) run URLs, newest last (R30, R31). */
  readonly runUrls: readonly string[];
  /** The exact `cmc-templates.py` command, untrimmed (R36). */
  readonly templateCommand: string | null;
  /** Why a CANCELLED/TERMINATED/HUNG/UNKNOWN run is so (progress reasons joined by `; `); `null` otherwise. */
  readonly stateReason: string | null;
  /** Operator notes (R31): anomalies and failure context; bookkeeping removed; the first 100. */
  readonly notes: readonly string[];
  /** All notes, including those past the first 100. */
  readonly noteCount: number;
  /** All parse issues, including those past the first 100 kept in `issues`. */
  readonly issueCount: number;
  /** Artifacts that could not be read. */
  readonly issues: readonly {
    readonly file: string;
    readonly kind: ParseIssueKind;
    readonly problem: string;
  }[];
}

/** Largest epoch ms whose ISO string has a 4-digit year (9999-12-31T23:59:59.999Z). */
const MAX_ISO_MS = 253_402_300_799_999;

/** ISO-8601 UTC of `ms`, or `null` when not representable as a 4-digit-year instant. */
function iso(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > MAX_ISO_MS) return null;
  return new Date(Math.round(ms)).toISOString();
}

/** Integer, non-negative milliseconds, or `null` for a non-finite value. */
function msValue(ms: number | null | undefined): number | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  return Math.max(0, Math.round(ms));
}

function hostJson(h: HostEntry): StatusJsonHostV1 {
  const startedAt = iso(h.startedAt);
  const finishedAt = iso(h.finishedAt);
  const durationMs = msValue(h.durationMs);
  return {
    host: h.host,
    status: h.status,
    ...(h.batch !== undefined ? { batch: h.batch } : {}),
    ...(startedAt !== null ? { startedAt } : {}),
    ...(finishedAt !== null ? { finishedAt } : {}),
    ...(durationMs !== null ? { durationMs } : {}),
    ...(h.kernel !== undefined ? { kernel: h.kernel } : {}),
    ...(h.reason !== undefined ? { reason: h.reason } : {}),
    ...(h.failure !== undefined
      ? {
          failure: {
            step: h.failure.step !== null && Number.isInteger(h.failure.step) ? h.failure.step : null,
            title: h.failure.title,
            message: h.failure.message,
            ...(h.failure.class !== undefined ? { class: h.failure.class } : {}),
          },
        }
      : {}),
    ...(h.lastStep !== undefined
      ? {
          lastStep: {
            step: h.lastStep.step !== null && Number.isInteger(h.lastStep.step) ? h.lastStep.step : null,
            title: h.lastStep.title,
            state: h.lastStep.state,
          },
        }
      : {}),
  };
}

/**
 * The snapshot as `atvm.status.v1` JSON data (plain objects, ready for `JSON.stringify`). Times
 * are ISO-8601 UTC strings (`options.zone` only affects the text renderings), durations integer
 * milliseconds; notes without bookkeeping (R31, R24); the selector without a host list (R35);
 * the test flow resolved like `TEST FLOW:` (R25); the state reason that text and markdown show as a
 * `State <STATE>: …` note in `stateReason`; `notes` and `issues` keep the first 100 entries, with the
 * full counts in `noteCount` and `issueCount` (R31 bounds); bidirectional controls stripped from every
 * string (safety.ts). Pure.
 *
 * @throws AtvmError `CONFIG_INVALID` when `options.zone` is not a valid IANA zone (checked for
 * every renderer alike, so a bad config fails the same way everywhere).
 */
export function toStatusJson(snapshot: Snapshot, options: RenderOptions): StatusJsonV1 {
  assertZone(options.zone);
  const counts = countHosts(snapshot.hosts);
  const t = snapshot.timing;
  const duration = (d: { host: string; durationMs: number } | null): StatusJsonHostDurationV1 | null =>
    d === null ? null : { host: d.host, durationMs: msValue(d.durationMs) ?? 0 };
  const etaFinish = t.eta !== null ? iso(t.eta.finishAt) : null;
  const template = snapshot.template ?? snapshot.coverage.template;
  const flow = resolveTestFlow(template, options.flows);
  const c = snapshot.coverage;
  const notes = snapshot.notes.filter((n) => !isBookkeepingNote(n));
  return stripBidiDeep<StatusJsonV1>({
    schema: STATUS_SCHEMA_ID,
    build: snapshot.build,
    template,
    categorized: snapshot.categorized,
    at: iso(snapshot.at),
    state: snapshot.state,
    summary: {
      inScope: counts.inScope,
      pass: counts.pass,
      fail: counts.fail,
      running: counts.running,
      notStarted: counts.notStarted,
      skipped: counts.skipped,
      batchesFinished: snapshot.categorized
        ? snapshot.batches.filter((b) => b.state === "FINISHED").length
        : null,
      batchesTotal: snapshot.categorized ? snapshot.batches.length : null,
    },
    hosts: snapshot.hosts.map(hostJson),
    batches: snapshot.batches.map((b) => {
      const startedAt = iso(b.startedAt);
      const finishedAt = iso(b.finishedAt);
      return {
        id: b.id,
        group: b.group,
        ...(b.label !== undefined ? { label: b.label } : {}),
        hosts: [...b.hosts],
        state: b.state,
        ...(startedAt !== null ? { startedAt } : {}),
        ...(finishedAt !== null ? { finishedAt } : {}),
        ...(b.runUrl !== undefined ? { runUrl: b.runUrl } : {}),
        failed: b.failed,
      };
    }),
    timing: {
      startedAt: iso(t.startedAt),
      finishedAt: iso(t.finishedAt),
      totalMs: msValue(t.totalMs),
      elapsedMs: msValue(t.elapsedMs),
      quickest: duration(t.quickest),
      longest: duration(t.longest),
      averageMs: msValue(t.averageMs),
      eta:
        t.eta !== null && etaFinish !== null
          ? { finishAt: etaFinish, remainingMs: msValue(t.eta.remainingMs) ?? 0, basis: t.eta.basis }
          : null,
    },
    coverage: {
      template: c.template ?? snapshot.template,
      configFamily: c.configFamily,
      configFile: c.configFile,
      integration: c.integration,
      plugin: c.plugin,
      flags: [...c.flags],
      selector: coverageSelector(snapshot),
    },
    testFlow: { template: flow.template, steps: flow.steps === null ? null : [...flow.steps] },
    runUrls: [...snapshot.runUrls],
    templateCommand: snapshot.templateCommand,
    stateReason: stateReasonOf(snapshot),
    notes: notes.slice(0, JSON_LIST_LIMIT),
    noteCount: notes.length,
    issues: snapshot.issues
      .slice(0, JSON_LIST_LIMIT)
      .map((i) => ({ file: i.file, kind: i.kind, problem: i.problem })),
    issueCount: snapshot.issues.length,
  });
}
