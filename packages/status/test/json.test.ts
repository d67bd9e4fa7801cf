import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStatusJson, STATUS_SCHEMA_ID, statusJsonSchema, toStatusJson } from "../src/index.ts";
import { host, MIN, snapshot, T0 } from "./helpers.ts";

const UTC = { zone: "UTC" } as const;
const SCHEMA_FILE = new URL("../../../docs/status.schema.json", import.meta.url);

describe("atvm.status.v1", () => {
  it("T5 docs/status.schema.json is the JSON Schema (draft 2020-12) generated from the source schema", () => {
    const committed = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
    expect(committed).toEqual(statusJsonSchema());
    expect(committed.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("T5 the schema's run states are D2's seven, in D2's order (the schema reads engine RUN_STATES)", () => {
    const properties = statusJsonSchema().properties as Record<string, { enum?: string[] }>;
    expect(properties.state?.enum).toEqual([
      "RUNNING",
      "COMPLETED",
      "FAILED",
      "CANCELLED",
      "TERMINATED",
      "HUNG",
      "UNKNOWN",
    ]);
  });

  it("R6 R7 R9 carries times as ISO-8601 UTC and durations as integer ms", () => {
    const json = toStatusJson(snapshot(), { zone: "Europe/Berlin" });
    expect(json.schema).toBe(STATUS_SCHEMA_ID);
    expect(json.schema).toBe("atvm.status.v1");
    expect(json.at).toBe("2026-03-27T10:10:00.000Z");
    expect(json.timing).toEqual({
      startedAt: "2026-03-27T08:00:00.000Z",
      finishedAt: null,
      totalMs: null,
      elapsedMs: 7_800_000,
      quickest: { host: "atvm9-redhat9.7", durationMs: 2_460_000 },
      longest: { host: "atvm10-redhat9.6", durationMs: 3_123_000 },
      averageMs: 2_790_000,
      eta: {
        finishAt: "2026-03-27T12:24:00.000Z",
        remainingMs: 8_040_000,
        basis: "2 hosts remaining × 46m 30s average, minus 37m already spent on atvm11-redhat9.5",
      },
    });
  });

  it("R8/R12 R17 R3 W10 one object per host with status, failure, reason and kernel", () => {
    const json = toStatusJson(snapshot(), UTC);
    expect(json.hosts).toEqual([
      {
        host: "atvm9-redhat9.7",
        status: "PASS",
        startedAt: "2026-03-27T08:00:00.000Z",
        finishedAt: "2026-03-27T08:41:00.000Z",
        durationMs: 2_460_000,
        kernel: "5.14.0-570.el9",
      },
      {
        host: "atvm10-redhat9.6",
        status: "FAIL",
        startedAt: "2026-03-27T08:41:00.000Z",
        finishedAt: "2026-03-27T09:33:00.000Z",
        durationMs: 3_120_000,
        failure: {
          step: 6,
          title: "Install CMC",
          message: "Timed out retrying after 4000ms: expected 'Installed' to be visible",
          class: "timeout",
        },
      },
      { host: "atvm11-redhat9.5", status: "RUNNING", startedAt: "2026-03-27T09:33:00.000Z" },
      { host: "atvm12-redhat9.4", status: "NOT STARTED" },
      { host: "atvm41-redhat6.0", status: "SKIPPED", reason: "BLACKLISTED: CMC INSTALL - CAN'T COMPILE" },
    ]);
    expect(json.summary).toEqual({
      inScope: 4,
      pass: 1,
      fail: 1,
      running: 1,
      notStarted: 1,
      skipped: 1,
      batchesFinished: null,
      batchesTotal: null,
    });
  });

  it("R25 R35 R36 R31 test flow, coverage, command and notes", () => {
    const s = snapshot({
      notes: ["Final reporting artifacts were detected.", "atvm10-redhat9.6: installer timed out"],
      issues: [{ file: "x.xml", kind: "malformed", problem: "not XML" }],
    });
    const json = toStatusJson(s, UTC);
    expect(json.testFlow.template).toBe("cmc-e2e");
    expect(json.testFlow.steps?.[0]).toBe("Verifying set up");
    expect(json.testFlow.steps?.[21]).toBe("Power off");
    expect(json.testFlow.steps).toHaveLength(22);
    expect(json.coverage).toEqual({
      template: "cmc-e2e",
      configFamily: "pure",
      configFile: "cypress.atvm-config-gold.ts",
      integration: "pure",
      plugin: "iscsi",
      flags: ["--ignore_force_shutdown"],
      selector: "--containsVm redhat9",
    });
    expect(json.templateCommand).toBe(s.templateCommand);
    expect(json.runUrls).toEqual(["https://currents.example/run/abc123"]);
    expect(json.notes).toEqual(["atvm10-redhat9.6: installer timed out"]);
    expect(json.issues).toEqual([{ file: "x.xml", kind: "malformed", problem: "not XML" }]);
    expect(toStatusJson(snapshot({ template: "nope" }), UTC).testFlow).toEqual({
      template: "nope",
      steps: null,
    });
  });

  it("W5 batches of a categorized run, with counts", () => {
    const s = snapshot({
      categorized: true,
      hosts: [host("atvm9-redhat9.7", "PASS", { batch: "e2e-0327-redhat" })],
      batches: [
        {
          id: "e2e-0327-redhat",
          group: "redhat",
          hosts: ["atvm9-redhat9.7"],
          state: "FINISHED",
          startedAt: T0,
          finishedAt: T0 + 41 * MIN,
          failed: false,
        },
        { id: "e2e-0327-ubuntu", group: "ubuntu", hosts: [], state: "NOT STARTED", failed: false },
      ],
    });
    const json = toStatusJson(s, UTC);
    expect(json.batches[0]).toEqual({
      id: "e2e-0327-redhat",
      group: "redhat",
      hosts: ["atvm9-redhat9.7"],
      state: "FINISHED",
      startedAt: "2026-03-27T08:00:00.000Z",
      finishedAt: "2026-03-27T08:41:00.000Z",
      failed: false,
    });
    expect([json.summary.batchesFinished, json.summary.batchesTotal]).toEqual([1, 2]);
    expect(json.hosts[0]?.batch).toBe("e2e-0327-redhat");
  });

  it("T5 parseStatusJson rejects a document that breaks the contract, naming the path", () => {
    const bad = JSON.parse(JSON.stringify(toStatusJson(snapshot(), UTC))) as { hosts: { status: string }[] };
    (bad.hosts[0] as { status: string }).status = "PASSED";
    const result = parseStatusJson(bad);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join("\n")).toContain("hosts.0.status");
    expect(parseStatusJson({ ...toStatusJson(snapshot(), UTC), extra: 1 }).ok).toBe(false);
    expect(parseStatusJson(JSON.parse(JSON.stringify(toStatusJson(snapshot(), UTC)))).ok).toBe(true);
  });
});
