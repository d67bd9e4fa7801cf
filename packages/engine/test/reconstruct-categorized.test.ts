import type { Observation } from "@atvm-watch/artifacts";
import { describe, expect, it } from "vitest";
import type { BatchEntry, RunnerActivity, Scope, Snapshot } from "../src/domain.ts";
import { distroGroup, type ReconstructOptions, reconstruct } from "../src/reconstruct/index.ts";
import {
  at,
  bookkeeping,
  cypressConfig,
  failed,
  hostResult,
  min,
  passed,
  runnerLog,
} from "./helpers/observations.ts";

const BUILD = "e2e-0327";
const RH9 = "atvm9-redhat9.7";
const RH8 = "atvm10-redhat8.10";
const UB = "atvm7-ubuntu24.04";
const SU = "atvm145-suse15.4";
const SCOPE: Scope = { hosts: [RH9, RH8, UB, SU], skipped: [], source: "generated-specs" };
const ALIVE: RunnerActivity = { runnerAlive: true, cypressAlive: true, defunctChild: false };
const GONE: RunnerActivity = { runnerAlive: false, cypressAlive: false, defunctChild: false };

const run = (
  scope: Scope,
  observations: readonly Observation[],
  options: Partial<ReconstructOptions> = {},
): Snapshot =>
  reconstruct(scope, observations, {
    build: BUILD,
    now: at("12:00"),
    runStartMs: at("08:55"),
    categorized: true,
    ...options,
  });
const grouped = (childBuildId: string, finishedAt: number) =>
  bookkeeping(finishedAt, { file: `cypress/cmcReporter/xml/test-result-${childBuildId}.xml` });
const json = (host: string, startedAt: number, durationMs: number, mtimeMs: number) =>
  passed(host, startedAt, durationMs, {
    source: "mochawesome",
    file: `cypress/cmcReporter/logs/${host}/r.json`,
    mtimeMs,
  });
const batch = (snapshot: Snapshot, id: string): BatchEntry => {
  const found = snapshot.batches.find((b) => b.id === id);
  if (found === undefined) throw new Error(`no batch ${id}`);
  return found;
};

describe("categorized runs", () => {
  it("R10 the whole run is rebuilt from the scope and all artifacts; the current batch's specPattern never shrinks it", () => {
    const log = runnerLog()
      .batchStarted(`${BUILD}-redhat`, "redhat")
      .specStarted(RH9, 1, 2)
      .specResult(RH9)
      .specStarted(RH8, 2, 2)
      .specResult(RH8)
      .footer(true, 0, 2)
      .batchFinished(`${BUILD}-redhat`)
      .batchStarted(`${BUILD}-ubuntu`, "ubuntu")
      .specStarted(UB, 1, 1);
    const snapshot = run(
      SCOPE,
      [
        ...log.observations,
        passed(RH9, at("09:00"), min(30)),
        passed(RH8, at("09:31"), min(30)),
        grouped(`${BUILD}-redhat`, at("10:03")),
        cypressConfig([UB], UB),
      ],
      { activity: ALIVE },
    );
    expect(snapshot.hosts.map((h) => [h.host, h.status, h.batch])).toEqual([
      [RH9, "PASS", `${BUILD}-redhat`],
      [RH8, "PASS", `${BUILD}-redhat`],
      [UB, "RUNNING", `${BUILD}-ubuntu`],
      [SU, "NOT STARTED", "suse"],
    ]);
    expect(snapshot.batches.map((b) => [b.id, b.group, b.state])).toEqual([
      [`${BUILD}-redhat`, "redhat", "FINISHED"],
      [`${BUILD}-ubuntu`, "ubuntu", "RUNNING"],
      ["suse", "suse", "NOT STARTED"],
    ]);
    expect(snapshot.state).toBe("RUNNING");
    // W5/D1: one finished batch never means the run is finished.
    const stopped = run(
      SCOPE,
      [
        ...log.observations,
        passed(RH9, at("09:00"), min(30)),
        passed(RH8, at("09:31"), min(30)),
        grouped(`${BUILD}-redhat`, at("10:03")),
      ],
      { activity: GONE },
    );
    expect(stopped.state).toBe("TERMINATED");
  });

  it("R32 a grouped XML with only check-xml-files.ts: hosts are recovered from per-host artifacts inside the batch window", () => {
    const snapshot = run(
      { hosts: [RH9, RH8, UB], skipped: [], source: "generated-specs" },
      [
        json(RH9, at("09:00"), min(30), at("09:30")),
        json(RH8, at("09:31"), min(30), at("10:01")),
        grouped(`${BUILD}-redhat`, at("10:03")),
        json(UB, at("10:05"), min(30), at("10:35")),
        grouped(`${BUILD}-ubuntu`, at("10:37")),
      ],
      { activity: null },
    );
    expect(snapshot.batches.map((b) => [b.id, b.hosts, b.state])).toEqual([
      [`${BUILD}-redhat`, [RH9, RH8], "FINISHED"],
      [`${BUILD}-ubuntu`, [UB], "FINISHED"],
    ]);
    expect([snapshot.progress, snapshot.state]).toEqual(["finished", "COMPLETED"]);
    expect(snapshot.timing.finishedAt).toBe(at("10:37"));
  });

  it("R32 a finished batch never stays RUNNING: its host without a result is no longer RUNNING, with a note", () => {
    const log = runnerLog()
      .batchStarted(`${BUILD}-redhat`, "redhat")
      .specStarted(RH9)
      .specResult(RH9)
      .specStarted(RH8);
    const snapshot = run(
      { hosts: [RH9, RH8], skipped: [], source: "generated-specs" },
      [...log.observations, passed(RH9, at("09:00"), min(30)), grouped(`${BUILD}-redhat`, at("10:03"))],
      { activity: ALIVE },
    );
    expect(batch(snapshot, `${BUILD}-redhat`).state).toBe("FINISHED");
    expect(snapshot.hosts.find((h) => h.host === RH8)?.status).toBe("NOT STARTED");
    expect(snapshot.notes).toContain(`Batch ${BUILD}-redhat finished without a result for ${RH8}`);
  });

  it("R33 batch start is the earliest host run timestamp (never mtime), end the finalization timestamp", () => {
    const snapshot = run({ hosts: [RH9, RH8], skipped: [], source: "generated-specs" }, [
      // mtimes as after a fresh clone: all later than the real run timestamps
      json(RH9, at("09:00"), min(30), at("11:50")),
      json(RH8, at("09:31"), min(30), at("11:50")),
      grouped(`${BUILD}-redhat`, at("10:03")),
    ]);
    expect(batch(snapshot, `${BUILD}-redhat`)).toMatchObject({
      startedAt: at("09:00"),
      finishedAt: at("10:03"),
    });
    const byName = run({ hosts: [RH9], skipped: [], source: "generated-specs" }, [
      hostResult({
        host: RH9,
        source: "mochawesome",
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        file: `cypress/cmcReporter/logs/${RH9}/${RH9}-2026-03-27T09-02-00.json`,
        mtimeMs: at("11:50"),
      }),
      grouped(`${BUILD}-redhat`, at("10:03")),
    ]);
    expect(batch(byName, `${BUILD}-redhat`).startedAt).toBe(at("09:02"));
  });

  it("W6 a child build id whose label does not match the hosts run is reported under the inferred group, label kept", () => {
    const log = runnerLog()
      .batchStarted(`${BUILD}-ubuntu`, "ubuntu")
      .specStarted(RH9)
      .specResult(RH9)
      .batchFinished(`${BUILD}-ubuntu`);
    const fromLog = run({ hosts: [RH9], skipped: [], source: "generated-specs" }, [
      ...log.observations,
      passed(RH9, at("09:00"), min(30)),
    ]);
    expect(fromLog.batches).toEqual([
      {
        id: `${BUILD}-ubuntu`,
        group: "redhat",
        label: "ubuntu",
        hosts: [RH9],
        state: "FINISHED",
        startedAt: at("09:00"),
        finishedAt: at("09:30"),
        failed: false,
      },
    ]);
    const fromXml = run({ hosts: [RH9], skipped: [], source: "generated-specs" }, [
      failed(RH9, at("09:00"), min(30), { step: 2, message: "no IP" }, { source: "mochawesome" }),
      grouped(`${BUILD}-ubuntu`, at("09:40")),
    ]);
    expect(fromXml.batches[0]).toMatchObject({
      id: `${BUILD}-ubuntu`,
      group: "redhat",
      label: "ubuntu",
      failed: true,
    });
  });

  it("W6 distro group of a host name", () => {
    expect(distroGroup("atvm9-redhat9.7")).toBe("redhat");
    expect(distroGroup("atvm113-debian9.0.0")).toBe("debian");
    expect(distroGroup("atvm7-ubuntu24.04")).toBe("ubuntu");
  });

  it("R28 a non-categorized run has no synthetic batch", () => {
    const snapshot = run(
      { hosts: [RH9], skipped: [], source: "spec-pattern" },
      [passed(RH9, at("09:00"), min(30))],
      {
        categorized: false,
      },
    );
    expect(snapshot.categorized).toBe(false);
    expect(snapshot.batches).toEqual([]);
  });
});
