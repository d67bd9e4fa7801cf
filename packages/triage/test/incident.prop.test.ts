import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { FailureDigest } from "../src/digest.ts";
import { detectIncidents } from "../src/incident.ts";

const WINDOW = 10 * 60_000;

function digest(
  host: string,
  at: number | null,
  step = 2,
  signature: string | null = "ssh-connect-failed",
): FailureDigest {
  return {
    host,
    class: signature === null ? "unknown" : "infrastructure",
    baseClass: "unknown",
    step,
    title: "Power on and obtain ip address and host name",
    message: `ssh: connect to host 10.0.0.${host.length} port 22: Connection timed out`,
    evidence: { path: null, field: "console line" },
    signature: signature === null ? null : { id: signature, hint: "h", replay: "replay" },
    finishedAt: at,
  };
}
const hosts = (n: number) => Array.from({ length: n }, (_, i) => `atvm${i + 1}-redhat9.7`);

describe("run-wide incidents (T1 infrastructure class across hosts)", () => {
  it("T1 12 hosts failing at step 2 with one signature within minutes are ONE incident", () => {
    const t0 = Date.UTC(2026, 2, 27, 8, 10);
    const list = hosts(12).map((h, i) => digest(h, t0 + i * 20_000));
    const incidents = detectIncidents(list);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.hosts).toHaveLength(12);
    expect(incidents[0]?.likelyInfrastructure).toBe(true);
    expect([incidents[0]?.from, incidents[0]?.to]).toEqual([t0, t0 + 11 * 20_000]);
  });

  test.prop([
    fc.integer({ min: 3, max: 8 }),
    fc.integer({ min: 0, max: 1e12 }),
    fc.oneof(fc.constant(WINDOW), fc.constant(0), fc.integer({ min: 0, max: WINDOW })),
  ])("T1 fires at exactly minHosts inside the window (span up to and including windowMs)", (n, t0, span) => {
    const list = hosts(n).map((h, i) => digest(h, t0 + (i === n - 1 ? span : Math.floor((span * i) / n))));
    const incidents = detectIncidents(list, { minHosts: n, windowMs: WINDOW });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.hosts.length).toBe(n);
  });

  test.prop([
    fc.integer({ min: 3, max: 8 }),
    fc.integer({ min: 0, max: 1e12 }),
    fc.oneof(fc.constant(1), fc.integer({ min: 1, max: WINDOW })),
  ])("T1 does not fire one host short, nor when the last host is 1 ms past the window", (n, t0, extra) => {
    const short = hosts(n - 1).map((h, i) => digest(h, t0 + i));
    expect(detectIncidents(short, { minHosts: n, windowMs: WINDOW })).toEqual([]);
    const spread = hosts(n).map((h, i) => digest(h, i === n - 1 ? t0 + WINDOW + extra : t0 + i));
    expect(detectIncidents(spread, { minHosts: n, windowMs: WINDOW })).toEqual([]);
  });

  test.prop([
    fc.array(
      fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 * WINDOW }), fc.boolean()),
      { maxLength: 30 },
    ),
  ])(
    "T1 incidents never mix steps or signatures, never reuse a failure, and do not depend on input order",
    (spec) => {
      const list = spec.map(([step, at, sig], i) => digest(`atvm${i}-x`, at, step, sig ? "a" : "b"));
      const a = detectIncidents(list);
      const b = detectIncidents([...list].reverse());
      expect(b).toEqual(a);
      const used = a.flatMap((x) => x.hosts);
      expect(new Set(used).size).toBe(used.length);
      for (const inc of a) {
        const members = list.filter((d) => inc.hosts.includes(d.host));
        expect(new Set(members.map((d) => `${d.step}/${d.signature?.id}`)).size).toBe(1);
        expect(inc.to - inc.from).toBeLessThanOrEqual(WINDOW);
      }
    },
  );

  it("T1 failures without an end time, or unrelated failures, form no incident", () => {
    expect(detectIncidents(hosts(5).map((h) => digest(h, null)))).toEqual([]);
    expect(detectIncidents(hosts(5).map((h, i) => digest(h, 0, i + 1)))).toEqual([]);
  });
});
