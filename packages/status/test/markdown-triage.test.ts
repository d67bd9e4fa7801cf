// The finished-run Mattermost post carries triage (issue 10, T1/T4): each FAIL host's class and
// signature on its line, the incident lines and the baseline verdict in SUMMARY, within 16,383
// characters however many hosts failed.
import { describe, expect, it } from "vitest";
import { MATTERMOST_MAX_CHARS, type PostTriage, renderMarkdown } from "../src/index.ts";
import { host, markdownHostLines, snapshot } from "./helpers.ts";

const UTC = { zone: "UTC" } as const;
const codePoints = (text: string): number => [...text].length;

const TRIAGE: PostTriage = {
  hosts: { "atvm10-redhat9.6": { class: "timeout", signature: "cypress-timed-out-retrying" } },
  incidents: [
    "3 hosts failed at step 2 with signature ssh-connect-failed between 08:10 and 08:12: likely infrastructure (atvm1-redhat9.7, atvm2-redhat9.7, atvm3-redhat9.7)",
  ],
  diff: { verdict: "regression", baseline: "e2e-0326-redhat", newlyFailing: ["atvm10-redhat9.6"] },
};

describe("Mattermost post with triage (T1 T4)", () => {
  it("T1 each FAIL host line carries its class and matched signature; other lines do not", () => {
    const lines = markdownHostLines(renderMarkdown(snapshot(), { ...UTC, triage: TRIAGE }));
    expect(lines).toContain(
      "atvm10-redhat9.6 - FAIL [timeout: cypress-timed-out-retrying] - step 6 (Install CMC): Timed out retrying after 4000ms: expected 'Installed' to be visible",
    );
    expect(lines.filter((l) => l.includes("["))).toHaveLength(1);
  });

  it("T4 T2 SUMMARY carries the baseline verdict and the incident line (escaped markdown)", () => {
    const md = renderMarkdown(snapshot(), { ...UTC, triage: TRIAGE });
    expect(md).toContain("- Baseline: regression vs e2e-0326-redhat (1 newly failing: atvm10-redhat9.6)");
    expect(md).toContain(
      "- Incident: 3 hosts failed at step 2 with signature ssh-connect-failed between 08:10 and 08:12: likely infrastructure",
    );
    const stable = renderMarkdown(snapshot(), {
      ...UTC,
      triage: { diff: { verdict: "known_failures_only", baseline: "e2e-0326", newlyFailing: [] } },
    });
    expect(stable).toContain("- Baseline: known\\_failures\\_only vs e2e-0326\n");
  });

  it("T1 without triage the post is exactly what it was", () => {
    expect(renderMarkdown(snapshot(), { ...UTC, triage: {} })).toBe(renderMarkdown(snapshot(), UTC));
    expect(renderMarkdown(snapshot(), UTC)).not.toContain("Baseline:");
  });

  it("T1 T4 2,000 failed hosts with classes, 50 incidents and a long verdict stay within 16,383 characters; no FAIL host vanishes", () => {
    const n = 2000;
    const names = Array.from({ length: n }, (_, i) => `atvm${i}-ubuntu24.04`);
    const hosts = names.map((name, i) =>
      host(name, "FAIL", {
        failure: {
          step: (i % 22) + 1,
          title: "Create migration session",
          message: `ssh: connect to host 10.0.${i % 250}.7 port 22: Connection timed out ${"x".repeat(400)}`,
          source: "junit",
        },
      }),
    );
    const triage: PostTriage = {
      hosts: Object.fromEntries(
        names.map((name) => [name, { class: "infrastructure", signature: "ssh-connect-failed" }]),
      ),
      incidents: Array.from(
        { length: 50 },
        (_, i) => `${n} hosts failed at step ${i + 1} with signature ssh-connect-failed ${"y".repeat(500)}`,
      ),
      diff: { verdict: "regression", baseline: "e2e-0326", newlyFailing: names },
    };
    const md = renderMarkdown(snapshot({ hosts, state: "FAILED" }), { ...UTC, triage });
    expect(codePoints(md)).toBeLessThanOrEqual(MATTERMOST_MAX_CHARS);
    const lines = markdownHostLines(md);
    const listed = lines.filter((l) => l.includes(" - FAIL"));
    expect(listed.length).toBeGreaterThan(100);
    // Every listed FAIL line keeps its class, even when its description is dropped.
    for (const l of listed) expect(l).toContain(" - FAIL [infrastructure: ssh-connect-failed]");
    const counted = /\((\d+) more FAIL hosts not listed/.exec(lines.join("\n"));
    expect(listed.length + Number(counted?.[1] ?? 0)).toBe(n);
    expect(md).toContain(`(${n} newly failing: atvm0-ubuntu24.04, atvm1-ubuntu24.04`);
    expect(md).toContain("- Incident: … and 47 more (atvm triage)");
  });
});
