import type { HostEntry } from "@atvm-watch/engine";
import { buildSnapshot, hostEntry } from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../src/default-catalog.ts";
import { diffRuns } from "../src/diff.ts";
import { digestRun } from "../src/digest.ts";
import { type RunSummary, SummarySchema, summarizeRun } from "../src/summary.ts";
import { failed } from "./helpers.ts";

function summary(build: string, hosts: readonly HostEntry[], template = "cmc-e2e"): RunSummary {
  const snapshot = buildSnapshot({ build, template, progress: "finished", at: Date.UTC(2026, 2, 27), hosts });
  return summarizeRun(snapshot, digestRun(snapshot, DEFAULT_CATALOG));
}

const SSH = "Permission denied (publickey,password)";
const baseline = summary("e2e-0320", [
  hostEntry("atvm9-redhat9.7", "PASS"),
  failed("atvm10-redhat9.7", 7, "Migration session status: Error - source disk /dev/sdb not found"),
  failed("atvm11-redhat9.7", 3, SSH),
  hostEntry("atvm12-redhat9.7", "PASS"),
  hostEntry("atvm13-redhat9.7", "PASS"),
]);

describe("T4 baseline diff", () => {
  it("T4 a run against itself is known_failures_only with nothing newly failing or fixed", () => {
    const d = diffRuns(baseline, baseline);
    expect(d.verdict).toBe("known_failures_only");
    expect(d.newlyFailing).toEqual([]);
    expect(d.fixed).toEqual([]);
    expect(d.stillFailing.map((f) => f.host)).toEqual(["atvm11-redhat9.7", "atvm10-redhat9.7"]);
  });

  it("T4 a generated baseline/current pair is a regression with the newly failing hosts ranked first by step", () => {
    const current = summary("e2e-0327", [
      failed("atvm9-redhat9.7", 12, "expected md5 of /mnt/x to equal 'a' but got 'b'"),
      hostEntry("atvm10-redhat9.7", "PASS"),
      failed("atvm11-redhat9.7", 3, SSH),
      failed("atvm12-redhat9.7", 2, "did not report an IP address"),
      hostEntry("atvm13-redhat9.7", "SKIPPED", { reason: "BLACKLISTED: RE-CREATE MIGHT BE NEEDED" }),
    ]);
    const d = diffRuns(baseline, current);
    expect(d.verdict).toBe("regression");
    expect(d.newlyFailing.map((f) => [f.host, f.step])).toEqual([
      ["atvm12-redhat9.7", 2],
      ["atvm9-redhat9.7", 12],
    ]);
    expect(d.stillFailing.map((f) => [f.host, f.age])).toEqual([["atvm11-redhat9.7", 2]]);
    expect(d.fixed.map((f) => f.host)).toEqual(["atvm10-redhat9.7"]);
    // Blacklisted now: listed as skipped with its reason, never as fixed or passing.
    expect(d.newlySkippedOrNotRun).toEqual([
      { host: "atvm13-redhat9.7", status: "SKIPPED", reason: "BLACKLISTED: RE-CREATE MIGHT BE NEEDED" },
    ]);
  });

  it("T4 identity includes the host: the same failure on another host is new, not known", () => {
    const current = summary("e2e-0327", [
      hostEntry("atvm11-redhat9.7", "PASS"),
      failed("atvm14-ubuntu24.04", 3, SSH),
    ]);
    const d = diffRuns(baseline, current);
    expect(d.verdict).toBe("regression");
    expect(d.newlyFailing.map((f) => f.host)).toEqual(["atvm14-ubuntu24.04"]);
    expect(d.fixed.map((f) => f.host)).toEqual(["atvm11-redhat9.7"]);
  });

  it("T4 host renames are applied to the baseline explicitly", () => {
    const current = summary("e2e-0327", [failed("atvm111-redhat9.7", 3, SSH)]);
    expect(diffRuns(baseline, current).verdict).toBe("regression");
    expect(
      diffRuns(baseline, current, { renames: { "atvm11-redhat9.7": "atvm111-redhat9.7" } }).verdict,
    ).toBe("known_failures_only");
  });

  it("T4 stable when nothing fails; age counts consecutive failing runs from history", () => {
    expect(diffRuns(baseline, summary("e2e-0327", [hostEntry("atvm9-redhat9.7", "PASS")])).verdict).toBe(
      "stable",
    );
    const older = summary("e2e-0313", [failed("atvm11-redhat9.7", 3, SSH)]);
    const oldest = summary("e2e-0306", [hostEntry("atvm11-redhat9.7", "PASS")]);
    const d = diffRuns(baseline, baseline, { history: [older, oldest, older] });
    expect(d.stillFailing.find((f) => f.host === "atvm11-redhat9.7")?.age).toBe(3);
  });

  it("T4 a different template makes every failure new and says so", () => {
    const current = summary("reboot-0327", [failed("atvm11-redhat9.7", 3, SSH)], "reboot");
    const d = diffRuns(baseline, current);
    expect(d.templateMismatch).toEqual({ baseline: "cmc-e2e", current: "reboot" });
    expect(d.verdict).toBe("regression");
  });

  it("T5 a summary survives a JSON round trip and validates against atvm.summary.v1", () => {
    const parsed = SummarySchema.parse(JSON.parse(JSON.stringify(baseline)));
    expect(parsed).toEqual(baseline);
    expect(SummarySchema.safeParse({ ...baseline, schema: "atvm.summary.v2" }).success).toBe(false);
  });
});
