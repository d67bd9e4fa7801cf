/**
 * fast-check arbitraries for property and model-based tests: snapshots of non-categorized and
 * categorized runs (random progress, states, host statuses, batches, activity flags), notifier
 * outcomes, and machine events. Biased toward self-consistent snapshots (what reconstruction would
 * produce) with a share of contradictory ones, so the machine meets both.
 */
import {
  type BatchEntry,
  type HostEntry,
  type HostStatus,
  type MachineEvent,
  type NotifyOutcome,
  RUN_STATES,
  type RunnerActivity,
  type RunProgress,
  type RunState,
  type Snapshot,
} from "@atvm-watch/engine";
import fc from "fast-check";
import { activity, batchEntry, buildSnapshot, hostEntry } from "./snapshots.ts";

/** Host names used by the arbitraries. */
export const SAMPLE_HOSTS: readonly string[] = [
  "atvm41-redhat9.7",
  "atvm42-redhat8.10",
  "atvm7-ubuntu24.04",
  "atvm20-debian12",
];

/** A host status, excluding SKIPPED (in-scope hosts). */
export const arbHostStatus: fc.Arbitrary<HostStatus> = fc.constantFrom<HostStatus>(
  "PASS",
  "FAIL",
  "RUNNING",
  "NOT STARTED",
);

/** Runner activity, or `null` (unknown) one time in eight. */
export const arbActivity: fc.Arbitrary<RunnerActivity | null> = fc.oneof(
  {
    weight: 7,
    arbitrary: fc.record({
      runnerAlive: fc.boolean(),
      cypressAlive: fc.boolean(),
      defunctChild: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** A run progress. */
export const arbProgress: fc.Arbitrary<RunProgress> = fc.constantFrom<RunProgress>(
  "running",
  "finished",
  "stopped",
  "unclear",
);

const arbRunUrls: fc.Arbitrary<readonly string[]> = fc.oneof(
  fc.constant([]),
  fc.constantFrom(
    ["https://currents.example/run/1"],
    ["https://currents.example/run/1", "https://currents.example/run/2"],
  ),
);

/** Optional overrides of a random state: `undefined` keeps the state the builder implies from progress. */
const arbStateOverride: fc.Arbitrary<RunState | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom<RunState>(...RUN_STATES) },
);

function hostsArb(hosts: readonly string[], status: fc.Arbitrary<HostStatus>): fc.Arbitrary<HostEntry[]> {
  return fc.tuple(...hosts.map((host) => status.map((s) => hostEntry(host, s))));
}

/** Options of the snapshot arbitraries: override the progress or host-status distributions to steer runs. */
export interface SnapshotArbOptions {
  readonly build?: string;
  readonly progress?: fc.Arbitrary<RunProgress>;
  readonly hostStatus?: fc.Arbitrary<HostStatus>;
}

/** A non-categorized snapshot of `build` over `hosts`. */
export function arbRunSnapshot(
  options: SnapshotArbOptions & { readonly hosts?: readonly string[] } = {},
): fc.Arbitrary<Snapshot> {
  const build = options.build ?? "e2e-0327";
  const hosts = options.hosts ?? SAMPLE_HOSTS.slice(0, 2);
  return fc
    .record({
      progress: options.progress ?? arbProgress,
      state: arbStateOverride,
      hosts: hostsArb(hosts, options.hostStatus ?? arbHostStatus),
      runUrls: arbRunUrls,
      activity: arbActivity,
      aliveDefault: fc.boolean(),
    })
    .map(({ progress, state, hosts: entries, runUrls, activity: act, aliveDefault }) => {
      const base = buildSnapshot({ build, progress, hosts: entries, runUrls });
      const chosen = aliveDefault ? base.activity : act;
      return { ...base, ...(state === undefined ? {} : { state }), activity: chosen };
    });
}

/** Batch ids of a categorized run of `build`, e.g. `e2e-0327-redhat`. */
export function sampleBatchIds(build: string): readonly string[] {
  return [`${build}-redhat`, `${build}-ubuntu`, `${build}-debian`];
}

/**
 * A categorized snapshot: the first k of `batchIds` (sequential sub-runs, W5), each with a random
 * state and failure flag and one host, random activity and progress.
 */
export function arbCategorizedSnapshot(
  options: SnapshotArbOptions & { readonly batchIds?: readonly string[] } = {},
): fc.Arbitrary<Snapshot> {
  const build = options.build ?? "e2e-0327";
  const ids = options.batchIds ?? sampleBatchIds(build);
  return fc
    .record({
      count: fc.integer({ min: 0, max: ids.length }),
      states: fc.array(
        fc.constantFrom<BatchEntry["state"]>("NOT STARTED", "RUNNING", "FINISHED", "FINISHED"),
        {
          minLength: ids.length,
          maxLength: ids.length,
        },
      ),
      failed: fc.array(fc.boolean(), { minLength: ids.length, maxLength: ids.length }),
      progress: options.progress ?? arbProgress,
      state: arbStateOverride,
      activity: arbActivity,
      runUrls: arbRunUrls,
    })
    .map(({ count, states, failed, progress, state, activity: act, runUrls }) => {
      const batches = ids.slice(0, count).map((id, i) => {
        const host = SAMPLE_HOSTS[i % SAMPLE_HOSTS.length] ?? `atvm${i}`;
        const batchState = states[i] ?? "RUNNING";
        return batchEntry(id, [host], batchState, {
          failed: batchState === "FINISHED" && (failed[i] ?? false),
        });
      });
      const hosts = batches.map((b, i) => {
        const host = b.hosts[0] ?? `atvm${i}`;
        if (b.state === "FINISHED") return hostEntry(host, b.failed ? "FAIL" : "PASS", { batch: b.id });
        return hostEntry(host, b.state === "RUNNING" ? "RUNNING" : "NOT STARTED", { batch: b.id });
      });
      const base = buildSnapshot({ build, categorized: true, progress, hosts, batches, runUrls });
      return { ...base, ...(state === undefined ? {} : { state }), activity: act ?? activity() };
    });
}

/** A notifier outcome: ok, rejected (retryable 503 or permanent 400), or unknown. */
export const arbNotifyOutcome: fc.Arbitrary<NotifyOutcome> = fc.oneof(
  fc.constant<NotifyOutcome>({ kind: "ok" }),
  fc.constantFrom<NotifyOutcome>(
    { kind: "rejected", status: 503, detail: "Service Unavailable", retryable: true },
    { kind: "rejected", status: 400, detail: "invalid payload", retryable: false },
  ),
  fc.constant<NotifyOutcome>({ kind: "unknown", detail: "timeout after the request was sent" }),
);

/**
 * Any machine event for `build` and the given unit ids, with `at`/`mono` in [0, 10 h]; snapshots come
 * from `arbRunSnapshot` or `arbCategorizedSnapshot` by `categorized`. For totality properties: the
 * sequence is not meant to be realistic.
 */
export function arbMachineEvent(options: {
  readonly build: string;
  readonly units: readonly string[];
  readonly categorized: boolean;
}): fc.Arbitrary<MachineEvent> {
  const time = fc.integer({ min: 0, max: 10 * 60 * 60_000 });
  const unit = fc.constantFrom(...(options.units.length > 0 ? options.units : [options.build]));
  const snapshot = options.categorized
    ? arbCategorizedSnapshot({ build: options.build })
    : arbRunSnapshot({ build: options.build });
  return fc.oneof(
    fc.record({ type: fc.constant("watcher.started" as const), at: time, mono: time }),
    fc.record({ type: fc.constant("snapshot.observed" as const), at: time, mono: time, snapshot }),
    fc.record(
      { type: fc.constant("cancel.requested" as const), at: time, batch: unit },
      { requiredKeys: ["type", "at"] },
    ),
    fc.record({ type: fc.constant("post.intent-recorded" as const), at: time, unit }),
    fc.record({ type: fc.constant("post.succeeded" as const), at: time, unit }),
    fc.record({
      type: fc.constant("post.failed" as const),
      at: time,
      unit,
      retryable: fc.boolean(),
      detail: fc.constant("HTTP 503"),
    }),
    fc.record({
      type: fc.constant("post.outcome-unknown" as const),
      at: time,
      unit,
      detail: fc.constant("timeout"),
    }),
    fc.record({ type: fc.constant("tick" as const), at: time, mono: time }),
    fc.record({ type: fc.constant("runner.terminated" as const), at: time, mono: time, ok: fc.boolean() }),
  );
}
