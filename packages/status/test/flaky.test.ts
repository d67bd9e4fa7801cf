// Flaky evidence in the status (issue 10): a PASS host that passed only after a failed attempt is
// marked on its HOSTS line, named in NOTES and carried in atvm.status.v1 `hosts[].flaky`.
import type { FlakyEvidence } from "@atvm-watch/engine";
import { describe, expect, it } from "vitest";
import { parseStatusJson, renderMarkdown, renderText, toStatusJson } from "../src/index.ts";
import { host, MIN, sectionLines, snapshot, T0 } from "./helpers.ts";

const UTC = { zone: "UTC" } as const;

const RETRIED: FlakyEvidence = {
  attempts: 2,
  tests: [{ step: 3, title: "Uninstall CMC if still exists", attempts: 2 }],
  source: "reporter-json",
};

function flakyRun(flaky: FlakyEvidence = RETRIED) {
  return snapshot({
    hosts: [
      host("atvm17-ubuntu24.04", "PASS", {
        startedAt: T0,
        finishedAt: T0 + 40 * MIN,
        durationMs: 40 * MIN,
        kernel: "6.8.0-31-generic",
        flaky,
      }),
      host("atvm9-redhat9.7", "PASS", { startedAt: T0, finishedAt: T0 + 41 * MIN, durationMs: 41 * MIN }),
    ],
  });
}

describe("flaky hosts in the status (issue 10 flaky evidence)", () => {
  it("T1 a flaky PASS host's line reads `PASS (flaky: N attempts)` before the kernel; others stay plain", () => {
    const hosts = sectionLines(renderText(flakyRun(), UTC), "HOSTS:");
    expect(hosts).toEqual([
      "  atvm17-ubuntu24.04 - PASS (flaky: 2 attempts) (kernel 6.8.0-31-generic)",
      "  atvm9-redhat9.7 - PASS",
    ]);
    expect(renderMarkdown(flakyRun(), UTC)).toContain("atvm17-ubuntu24.04 - PASS (flaky: 2 attempts)");
  });

  it("T1 NOTES names the flaky host, the retried step and where the retries were seen", () => {
    const notes = sectionLines(renderText(flakyRun(), UTC), "NOTES:");
    expect(notes).toContain(
      "  Flaky (passed after a failed attempt): atvm17-ubuntu24.04 step 3 (Uninstall CMC if still exists) took 2 attempts [mocha currentRetry]",
    );
    const console: FlakyEvidence = {
      attempts: 3,
      tests: [{ step: 2, title: "Power on and obtain ip address and host name", attempts: 3 }],
      source: "runner-log",
    };
    expect(sectionLines(renderText(flakyRun(console), UTC), "NOTES:").join("\n")).toContain(
      "atvm17-ubuntu24.04 step 2 (Power on and obtain ip address and host name) took 3 attempts [console (Attempt N of M)]",
    );
    const rerun: FlakyEvidence = { attempts: 2, tests: [], source: "same-run-results" };
    expect(sectionLines(renderText(flakyRun(rerun), UTC), "NOTES:").join("\n")).toContain(
      "atvm17-ubuntu24.04 spec passed on run 2 [an earlier failed result of the same run]",
    );
  });

  it("T1 a run without flaky hosts has no flaky marker or note", () => {
    const text = renderText(snapshot(), UTC);
    expect(text).not.toContain("flaky");
    expect(text).not.toContain("Flaky");
  });

  it("T1 flaky evidence on a host that is not PASS is not shown (flaky means the final status passed)", () => {
    const s = snapshot({
      hosts: [host("atvm17-ubuntu24.04", "FAIL", { flaky: RETRIED })],
    });
    expect(renderText(s, UTC)).not.toMatch(/flaky/i);
    expect(toStatusJson(s, UTC).hosts[0]).not.toHaveProperty("flaky");
  });

  it("R31 many flaky hosts stay one NOTES line: the first 20, then … and N more", () => {
    const hosts = Array.from({ length: 25 }, (_, i) =>
      host(`atvm${i + 100}-ubuntu24.04`, "PASS", { flaky: RETRIED }),
    );
    const notes = sectionLines(renderText(snapshot({ hosts }), UTC), "NOTES:").filter((n) =>
      n.includes("Flaky"),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("atvm119-ubuntu24.04");
    expect(notes[0]).not.toContain("atvm120-ubuntu24.04");
    expect(notes[0]?.endsWith("… and 5 more flaky hosts")).toBe(true);
  });

  it("T5 atvm.status.v1 carries hosts[].flaky and the schema accepts it", () => {
    const json = toStatusJson(flakyRun(), UTC);
    expect(json.hosts[0]?.flaky).toEqual({
      attempts: 2,
      tests: [{ step: 3, title: "Uninstall CMC if still exists", attempts: 2 }],
      source: "reporter-json",
    });
    expect(json.hosts[1]).not.toHaveProperty("flaky");
    expect(parseStatusJson(JSON.parse(JSON.stringify(json))).ok).toBe(true);
    const bad = JSON.parse(JSON.stringify(json)) as { hosts: { flaky?: { attempts: number } }[] };
    (bad.hosts[0]?.flaky as { attempts: number }).attempts = 1;
    expect(parseStatusJson(bad).ok).toBe(false);
  });
});
