/**
 * `atvm.summary.v1` (T5): the compact record of a run, small enough to keep for every finished run
 * (the watcher writes one into its state dir when a run ends), so baselines and history exist without
 * re-reading artifacts. Built from a snapshot plus its digests; validated when read.
 */
import type { HostStatus, RunState, Snapshot } from "@atvm-watch/engine";
import { z } from "zod";
import { FAILURE_CLASSES, type FailureClass } from "./catalog.ts";
import type { FailureDigest } from "./digest.ts";

/** Schema id of a run summary. */
export const SUMMARY_SCHEMA_ID: "atvm.summary.v1" = "atvm.summary.v1";

/** One host of a summary. */
export interface SummaryHost {
  readonly host: string;
  readonly status: HostStatus;
  readonly batch?: string;
  /** FAIL only: first failing step, class, matched signature id and message. */
  readonly step?: number | null;
  readonly class?: FailureClass;
  readonly signature?: string | null;
  readonly message?: string;
  /** SKIPPED only: the blacklist reason (R3). */
  readonly reason?: string;
}

/** `atvm.summary.v1`. Times are ISO-8601 UTC strings. */
export interface RunSummary {
  readonly schema: typeof SUMMARY_SCHEMA_ID;
  readonly build: string;
  readonly template: string | null;
  readonly state: RunState;
  readonly at: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly runUrls: readonly string[];
  readonly templateCommand: string | null;
  readonly hosts: readonly SummaryHost[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Builds the summary of `snapshot`; `digests` supply the FAIL hosts' class and signature. */
export function summarizeRun(snapshot: Snapshot, digests: readonly FailureDigest[]): RunSummary {
  const byHost = new Map(digests.map((d) => [d.host, d]));
  return {
    schema: SUMMARY_SCHEMA_ID,
    build: snapshot.build,
    template: snapshot.template,
    state: snapshot.state,
    at: new Date(snapshot.at).toISOString(),
    startedAt: iso(snapshot.timing.startedAt),
    finishedAt: iso(snapshot.timing.finishedAt),
    runUrls: [...snapshot.runUrls],
    templateCommand: snapshot.templateCommand,
    hosts: snapshot.hosts.map((h): SummaryHost => {
      const d = byHost.get(h.host);
      return {
        host: h.host,
        status: h.status,
        ...(h.batch !== undefined ? { batch: h.batch } : {}),
        ...(h.reason !== undefined ? { reason: h.reason } : {}),
        ...(d !== undefined
          ? { step: d.step, class: d.class, signature: d.signature?.id ?? null, message: d.message }
          : {}),
      };
    }),
  };
}

const isoTime = z.iso.datetime().describe("ISO-8601 UTC instant");

/** The zod schema of `atvm.summary.v1` (JSON Schema: docs/summary.schema.json). */
export const SummarySchema: z.ZodType<RunSummary> = z.strictObject({
  schema: z.literal(SUMMARY_SCHEMA_ID),
  build: z.string().min(1),
  template: z.string().nullable(),
  state: z.enum(["RUNNING", "COMPLETED", "FAILED", "CANCELLED", "TERMINATED", "HUNG", "UNKNOWN"]),
  at: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  runUrls: z.array(z.string()),
  templateCommand: z.string().nullable(),
  hosts: z.array(
    z.strictObject({
      host: z.string().min(1),
      status: z.enum(["PASS", "FAIL", "RUNNING", "NOT STARTED", "SKIPPED"]),
      batch: z.string().exactOptional(),
      step: z.int().min(1).nullable().exactOptional(),
      class: z.enum(FAILURE_CLASSES).exactOptional(),
      signature: z.string().nullable().exactOptional(),
      message: z.string().exactOptional(),
      reason: z.string().exactOptional(),
    }),
  ),
});
