// Flaky evidence in triage (issue 10): atvm.triage.v1 `flaky`, the FLAKY section of `atvm triage`,
// and CTRF `flaky`/`retries` (ctrf.io: flaky only when the final status passed after a failed attempt).
import type { FlakyEvidence } from "@atvm-watch/engine";
import { buildSnapshot, hostEntry } from "@atvm-watch/testing";
import { validateStrict } from "ctrf";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../src/default-catalog.ts";
import { digestRun } from "../src/digest.ts";
import { flakyHosts } from "../src/flaky.ts";
import { renderTriageText } from "../src/render.ts";
import { TriageSchema, toCtrf, triageReport } from "../src/report.ts";
import { failed } from "./helpers.ts";

const RETRIED: FlakyEvidence = {
  attempts: 3,
  tests: [{ step: 2, title: "Power on and obtain ip address and host name", attempts: 3 }],
  source: "runner-log",
};

const snapshot = buildSnapshot({
  hosts: [
    hostEntry("atvm9-redhat9.7", "PASS"),
    hostEntry("atvm7-ubuntu24.04", "PASS", { flaky: RETRIED, batch: "ubuntu" }),
    // Retries on a host that still failed: not flaky (it failed).
    { ...failed("atvm17-ubuntu24.04", 9, "fio exited with status 5"), flaky: RETRIED },
  ],
});

describe("flaky hosts in triage (issue 10 flaky evidence)", () => {
  it("T1 only PASS hosts with retry evidence are flaky, in host order", () => {
    expect(flakyHosts(snapshot)).toEqual([
      {
        host: "atvm7-ubuntu24.04",
        batch: "ubuntu",
        attempts: 3,
        tests: RETRIED.tests,
        source: "runner-log",
      },
    ]);
  });

  it("T5 atvm.triage.v1 carries them and validates; a report without the field (older v1) still reads", () => {
    const report = triageReport(snapshot, digestRun(snapshot, DEFAULT_CATALOG), []);
    expect(report.flaky?.map((f) => f.host)).toEqual(["atvm7-ubuntu24.04"]);
    expect(TriageSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    const { flaky: _dropped, ...older } = report;
    expect(TriageSchema.safeParse(older).success).toBe(true);
    expect(
      TriageSchema.safeParse({ ...report, flaky: [{ ...report.flaky?.[0], attempts: 1 }] }).success,
    ).toBe(false);
  });

  it("T1 atvm triage text lists flaky hosts under FLAKY, `none` when there are none", () => {
    const digests = digestRun(snapshot, DEFAULT_CATALOG);
    const text = renderTriageText(snapshot.build, digests, [], "UTC", flakyHosts(snapshot));
    const section = text.split("FLAKY (passed after a failed attempt):\n")[1];
    expect(section).toBe(
      "atvm7-ubuntu24.04 - PASS after 3 attempts - step 2 Power on and obtain ip address and host name (3 attempts) [runner-log]\n",
    );
    expect(renderTriageText(snapshot.build, digests, [], "UTC")).toContain(
      "FLAKY (passed after a failed attempt):\nnone\n",
    );
  });

  it("T5 CTRF marks the flaky host flaky with retries = attempts − 1 and still validates strictly", () => {
    const report = toCtrf(snapshot, digestRun(snapshot, DEFAULT_CATALOG), []);
    expect(() => validateStrict(report)).not.toThrow();
    const byName = new Map(report.results.tests.map((t) => [t.name, t]));
    expect(byName.get("atvm7-ubuntu24.04")).toMatchObject({ status: "passed", flaky: true, retries: 2 });
    expect(byName.get("atvm9-redhat9.7")).not.toHaveProperty("flaky");
    expect(byName.get("atvm17-ubuntu24.04")).not.toHaveProperty("flaky");
  });
});
