import { readFileSync } from "node:fs";
import { buildSnapshot, hostEntry } from "@atvm-watch/testing";
import { validateStrict } from "ctrf";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../src/default-catalog.ts";
import { DiffSchema, diffRuns } from "../src/diff.ts";
import { digestRun } from "../src/digest.ts";
import { detectIncidents } from "../src/incident.ts";
import { incidentLine, renderDiffText, renderTriageText } from "../src/render.ts";
import { TriageSchema, toCtrf, triageReport } from "../src/report.ts";
import { triageJsonSchemas } from "../src/schemas.ts";
import { summarizeRun } from "../src/summary.ts";
import { failed } from "./helpers.ts";

const t0 = Date.UTC(2026, 2, 27, 8, 10);
const snapshot = buildSnapshot({
  progress: "finished",
  at: t0 + 3_600_000,
  timing: {
    startedAt: t0 - 3_600_000,
    finishedAt: t0 + 3_000_000,
    totalMs: 6_600_000,
    elapsedMs: null,
    quickest: null,
    longest: null,
    averageMs: null,
    eta: null,
  },
  hosts: [
    hostEntry("atvm9-redhat9.7", "PASS", { durationMs: 1_200_000 }),
    ...["atvm1-redhat9.7", "atvm2-redhat9.7", "atvm3-redhat9.7"].map((h, i) =>
      failed(h, 2, "ssh: connect to host 10.0.0.7 port 22: Connection timed out", {}, t0 + i * 60_000),
    ),
    hostEntry("atvm41-redhat6.0", "SKIPPED", { reason: "BLACKLISTED: CMC INSTALL - CAN'T COMPILE" }),
    hostEntry("atvm5-redhat9.7", "NOT STARTED"),
  ],
});
const digests = digestRun(snapshot, DEFAULT_CATALOG);
const incidents = detectIncidents(digests);

describe("T5 machine-readable triage artifacts and CTRF", () => {
  it("T5 atvm status as CTRF validates strictly with the CTRF reference implementation", () => {
    const report = toCtrf(snapshot, digests, incidents, "0.1.0");
    expect(() => validateStrict(report)).not.toThrow();
    expect(report.specVersion).toBe("0.0.0");
    expect(report.results.summary).toMatchObject({
      tests: 6,
      passed: 1,
      failed: 3,
      skipped: 1,
      pending: 1,
      other: 0,
    });
    // The validator really checks: an unknown field outside `extra` is rejected.
    expect(() => validateStrict({ ...report, results: { ...report.results, atvm: 1 } })).toThrow();
  });
  it("T5 atvm.triage.v1 and atvm.diff.v1 validate after a JSON round trip; a wrong schema id does not", () => {
    const triage = triageReport(snapshot, digests, incidents);
    expect(TriageSchema.parse(JSON.parse(JSON.stringify(triage)))).toEqual(triage);
    const s = summarizeRun(snapshot, digests);
    const diff = diffRuns(s, s);
    expect(DiffSchema.parse(JSON.parse(JSON.stringify(diff)))).toEqual(diff);
    expect(TriageSchema.safeParse({ ...triage, schema: "atvm.triage.v0" }).success).toBe(false);
  });
  it("T5 the committed JSON Schemas under docs/ equal the ones generated from zod", () => {
    for (const [file, schema] of Object.entries(triageJsonSchemas())) {
      const committed = JSON.parse(readFileSync(new URL(`../../../docs/${file}`, import.meta.url), "utf8"));
      expect(committed, `docs/${file} is stale: run npm run schemas -w @atvm-watch/triage`).toEqual(schema);
    }
  });
  it("T1 the incident line says how many hosts, which step, which signature, when, and why", () => {
    expect(incidents).toHaveLength(1);
    expect(incidentLine(incidents[0] as (typeof incidents)[number], "UTC")).toBe(
      "3 hosts failed at step 2 with signature ssh-connect-failed between 08:10 and 08:12: likely infrastructure (atvm1-redhat9.7, atvm2-redhat9.7, atvm3-redhat9.7)",
    );
    const text = renderTriageText(snapshot.build, digests, incidents, "UTC");
    expect(text).toContain("atvm1-redhat9.7 - infrastructure - step 2 step 2: ssh: connect to host");
    expect(text).toContain("hint: the VM is down or unreachable");
    const s = summarizeRun(snapshot, digests);
    expect(renderDiffText(diffRuns(s, s))).toMatch(/^e2e-0327 vs e2e-0327 - known_failures_only\n/);
  });
});
