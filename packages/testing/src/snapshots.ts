/**
 * A small builder for `Snapshot` values in tests. Defaults make a live, non-categorized `cmc-e2e` run;
 * every field can be overridden. `state` and `activity` follow `progress` unless given, the way
 * reconstruction would set them (D1, D2): `finished` → COMPLETED/FAILED from host statuses with no
 * processes; `stopped` → TERMINATED; `unclear` → UNKNOWN; `running` → RUNNING with the runner alive.
 */
import type {
  BatchEntry,
  Coverage,
  HostEntry,
  HostStatus,
  RunnerActivity,
  RunProgress,
  RunState,
  Snapshot,
  Timing,
} from "@atvm-watch/engine";

/** An empty TIMING block. */
export const EMPTY_TIMING: Timing = {
  startedAt: null,
  finishedAt: null,
  totalMs: null,
  elapsedMs: null,
  quickest: null,
  longest: null,
  averageMs: null,
  eta: null,
};

/** An empty COVERAGE block with template `cmc-e2e`. */
export const EMPTY_COVERAGE: Coverage = {
  template: "cmc-e2e",
  configFamily: null,
  configFile: null,
  integration: null,
  plugin: null,
  flags: [],
  selector: null,
};

/** A host line; `evidence` defaults to one made-up artifact path per status so progress keys differ. */
export function hostEntry(host: string, status: HostStatus, extra: Partial<HostEntry> = {}): HostEntry {
  const evidence =
    status === "PASS" || status === "FAIL" ? [`cypress/cmcReporter/xml/test-result-${host}.xml`] : [];
  return { host, status, evidence, ...extra };
}

/** Runner activity; every flag defaults to `false`. */
export function activity(flags: Partial<RunnerActivity> = {}): RunnerActivity {
  return { runnerAlive: false, cypressAlive: false, defunctChild: false, ...flags };
}

/** A batch of a categorized run; `group` defaults to the part of `id` after the last `-`. */
export function batchEntry(
  id: string,
  hosts: readonly string[],
  state: BatchEntry["state"],
  extra: Partial<BatchEntry> = {},
): BatchEntry {
  return { id, group: id.split("-").pop() ?? id, hosts, state, failed: false, ...extra };
}

/** Options of `buildSnapshot`: `hosts` may be a `{ host: status }` record or full entries. */
export interface SnapshotInput extends Partial<Omit<Snapshot, "hosts">> {
  readonly hosts?: readonly HostEntry[] | Readonly<Record<string, HostStatus>>;
}

function impliedState(progress: RunProgress, hosts: readonly HostEntry[]): RunState {
  switch (progress) {
    case "finished":
      return hosts.some((h) => h.status === "FAIL") ? "FAILED" : "COMPLETED";
    case "stopped":
      return "TERMINATED";
    case "unclear":
      return "UNKNOWN";
    case "running":
      return "RUNNING";
  }
}

/** Builds a snapshot; see the module docstring for the defaults. */
export function buildSnapshot(input: SnapshotInput = {}): Snapshot {
  const { hosts: hostInput, ...rest } = input;
  const hosts: readonly HostEntry[] = Array.isArray(hostInput)
    ? (hostInput as readonly HostEntry[])
    : Object.entries((hostInput ?? {}) as Readonly<Record<string, HostStatus>>).map(([host, status]) =>
        hostEntry(host, status),
      );
  const progress = rest.progress ?? "running";
  const live = progress === "running";
  return {
    build: "e2e-0327",
    template: "cmc-e2e",
    categorized: false,
    at: 0,
    progress,
    progressReasons: [],
    // Hand-built snapshots whose in-scope hosts are all final count as confirmed unless told otherwise.
    endConfirmed:
      hosts.some((h) => h.status !== "SKIPPED") &&
      hosts.every((h) => h.status === "PASS" || h.status === "FAIL" || h.status === "SKIPPED"),
    state: impliedState(progress, hosts),
    hosts,
    batches: [],
    timing: EMPTY_TIMING,
    coverage: EMPTY_COVERAGE,
    runUrls: [],
    templateCommand: null,
    runnerCommand: null,
    notes: [],
    activity: activity({ runnerAlive: live, cypressAlive: live }),
    issues: [],
    ...rest,
  };
}
