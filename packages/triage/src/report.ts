/**
 * `atvm.triage.v1` (T5: digests plus incidents) and the CTRF report of a snapshot
 * (Common Test Report Format, https://ctrf.io, spec and schema in ctrf-io/ctrf `spec/ctrf.md`,
 * `schema/ctrf.schema.json`). CTRF quirk: the spec, the reference `ctrf` library
 * (`CURRENT_SPEC_VERSION`) and the Cypress reporter all emit `specVersion: "0.0.0"`, although the
 * spec's minimal example says `1.0.0`; the library's `getSchema()` rejects unknown versions, so we
 * emit `0.0.0`. CTRF rejects unknown fields outside `extra`, so everything of ours lives in `extra.atvm`.
 */
import type { HostStatus, Snapshot } from "@atvm-watch/engine";
import { z } from "zod";
import { FAILURE_CLASSES, REPLAY_POLICIES } from "./catalog.ts";
import type { FailureDigest } from "./digest.ts";
import { type FlakyHost, flakyHosts } from "./flaky.ts";
import type { Incident } from "./incident.ts";

/** Schema id of a triage report. */
export const TRIAGE_SCHEMA_ID: "atvm.triage.v1" = "atvm.triage.v1";

/** `atvm.triage.v1`: a run's failure digests and incidents. Times are UTC ms. */
export interface TriageReport {
  readonly schema: typeof TRIAGE_SCHEMA_ID;
  readonly build: string;
  readonly state: string;
  readonly digests: readonly FailureDigest[];
  readonly incidents: readonly Incident[];
  /**
   * PASS hosts that passed only after a failed attempt (added within v1: optional when read, always
   * written).
   */
  readonly flaky?: readonly FlakyHost[];
}

/** Builds the triage report of a run; the flaky hosts come from the snapshot (`HostEntry.flaky`). */
export function triageReport(
  snapshot: Snapshot,
  digests: readonly FailureDigest[],
  incidents: readonly Incident[],
): TriageReport {
  return {
    schema: TRIAGE_SCHEMA_ID,
    build: snapshot.build,
    state: snapshot.state,
    digests,
    incidents,
    flaky: flakyHosts(snapshot),
  };
}

const ms = z.number().int().min(0);
const failureClass = z.enum(FAILURE_CLASSES);

/** The zod schema of `atvm.triage.v1` (JSON Schema: docs/triage.schema.json). */
export const TriageSchema: z.ZodType<TriageReport> = z.strictObject({
  schema: z.literal(TRIAGE_SCHEMA_ID),
  build: z.string(),
  state: z.string(),
  digests: z.array(
    z.strictObject({
      host: z.string(),
      batch: z.string().exactOptional(),
      class: failureClass,
      baseClass: failureClass,
      step: z.int().min(1).nullable(),
      title: z.string(),
      message: z.string(),
      evidence: z.strictObject({ path: z.string().nullable(), field: z.string() }),
      signature: z
        .strictObject({ id: z.string(), hint: z.string(), replay: z.enum(REPLAY_POLICIES) })
        .nullable(),
      finishedAt: ms.nullable(),
    }),
  ),
  incidents: z.array(
    z.strictObject({
      step: z.int().min(1).nullable(),
      signature: z.string().nullable(),
      message: z.string(),
      class: failureClass,
      hosts: z.array(z.string()),
      from: ms,
      to: ms,
      likelyInfrastructure: z.boolean(),
    }),
  ),
  flaky: z
    .array(
      z.strictObject({
        host: z.string(),
        batch: z.string().exactOptional(),
        attempts: z.int().min(2),
        tests: z.array(
          z.strictObject({ step: z.int().min(1).nullable(), title: z.string(), attempts: z.int().min(2) }),
        ),
        source: z.enum(["reporter-json", "runner-log", "same-run-results"]),
      }),
    )
    .exactOptional()
    .describe("PASS hosts that passed only after a failed attempt"),
});

/** CTRF test status. */
type CtrfStatus = "passed" | "failed" | "skipped" | "pending" | "other";

const CTRF_STATUS: Readonly<Record<HostStatus, CtrfStatus>> = {
  PASS: "passed",
  FAIL: "failed",
  SKIPPED: "skipped",
  "NOT STARTED": "pending",
  RUNNING: "other",
};

/** A CTRF document (the fields we emit). */
export interface CtrfReport {
  readonly reportFormat: "CTRF";
  readonly specVersion: "0.0.0";
  readonly results: {
    readonly tool: { readonly name: string; readonly version?: string };
    readonly summary: {
      readonly tests: number;
      readonly passed: number;
      readonly failed: number;
      readonly skipped: number;
      readonly pending: number;
      readonly other: number;
      readonly start: number;
      readonly stop: number;
    };
    readonly tests: readonly Record<string, unknown>[];
    readonly extra: Record<string, unknown>;
  };
}

/**
 * The CTRF report of a snapshot: one test per host (name = host, the identity T4 uses), status
 * PASS→passed, FAIL→failed, SKIPPED→skipped, NOT STARTED→pending, RUNNING→other; duration in ms;
 * failures carry the message and `extra.atvm` the step, class and signature; the run's build, state,
 * run URLs and incidents are in `results.extra.atvm`. `toolVersion` is the atvm-watch version.
 */
export function toCtrf(
  snapshot: Snapshot,
  digests: readonly FailureDigest[],
  incidents: readonly Incident[],
  toolVersion?: string,
): CtrfReport {
  const byHost = new Map(digests.map((d) => [d.host, d]));
  const counts = { passed: 0, failed: 0, skipped: 0, pending: 0, other: 0 };
  const tests = snapshot.hosts.map((h) => {
    const status = CTRF_STATUS[h.status];
    counts[status]++;
    const d = byHost.get(h.host);
    return {
      name: h.host,
      status,
      duration: Math.max(0, Math.round(h.durationMs ?? 0)),
      ...(h.startedAt !== undefined ? { start: h.startedAt } : {}),
      ...(h.finishedAt !== undefined ? { stop: h.finishedAt } : {}),
      ...(h.batch !== undefined ? { suite: [h.batch] } : {}),
      ...(h.failure !== undefined ? { message: h.failure.message } : {}),
      ...(h.reason !== undefined ? { message: h.reason } : {}),
      // CTRF: `flaky` only when the final status passed after a failed attempt; `retries` = attempts − 1.
      ...(h.status === "PASS" && h.flaky !== undefined
        ? { flaky: true, retries: Math.max(1, h.flaky.attempts - 1) }
        : {}),
      ...(d !== undefined
        ? {
            extra: {
              atvm: {
                step: d.step,
                title: d.title,
                class: d.class,
                signature: d.signature?.id ?? null,
                evidence: d.evidence,
              },
            },
          }
        : {}),
    };
  });
  const start = snapshot.timing.startedAt ?? snapshot.at;
  return {
    reportFormat: "CTRF",
    specVersion: "0.0.0",
    results: {
      tool: { name: "atvm-watch", ...(toolVersion !== undefined ? { version: toolVersion } : {}) },
      summary: {
        tests: tests.length,
        ...counts,
        start,
        stop: Math.max(start, snapshot.timing.finishedAt ?? snapshot.at),
      },
      tests,
      extra: {
        atvm: {
          build: snapshot.build,
          template: snapshot.template,
          state: snapshot.state,
          runUrls: snapshot.runUrls,
          incidents,
        },
      },
    },
  };
}
