/**
 * JUnit XML from producers other than mocha-junit-reporter (fixtures in `fixtures-junit/`, each
 * built from the producer's documented format; sources in `fixtures-junit/README.md`).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type JunitEngine, parseJunitXml } from "../src/junit.ts";
import type { HostResultObservation } from "../src/types.ts";

const FLEET = ["atvm41-redhat6.0", "atvm7-ubuntu24.04"];
const fixture = (name: string) => readFileSync(new URL(`./fixtures-junit/${name}`, import.meta.url), "utf8");
const ENGINES: readonly JunitEngine[] = ["auto", "reference"];

function read(name: string, engine: JunitEngine) {
  const result = parseJunitXml(
    fixture(name),
    { path: `reports/${name}/test-result-atvm41-redhat6.0.xml`, knownHosts: FLEET },
    { engine },
  );
  const hosts = result.observations.filter((o): o is HostResultObservation => o.kind === "host-result");
  return { result, hosts };
}

describe.each(ENGINES)("other producers' JUnit (%s engine)", (engine) => {
  it("R11 W7 nested testsuites (Jenkins/Ant): a parent's tests= already counts its children, nothing is invented as skipped", () => {
    const { result, hosts } = read("nested-suites.xml", engine);
    expect(result.issues).toEqual([]);
    expect(hosts.map((h) => [h.host, h.counts])).toEqual([
      ["atvm41-redhat6.0", { total: 3, passed: 2, failed: 1, skipped: 0 }],
    ]);
  });

  it("W7 a declared testcase missing from non-mocha output (pytest) is an issue, never a silent skip", () => {
    const { result, hosts } = read("declared-absent.xml", engine);
    expect(result.issues.map((i) => i.kind)).toEqual(["invalid"]);
    expect(result.issues[0]?.problem).toContain("declares tests=3 but holds 2 testcase(s)");
    expect(hosts.map((h) => h.counts)).toEqual([{ total: 3, passed: 2, failed: 0, skipped: 0 }]);
  });

  it('W7 status="disabled" testcases are skipped, not passed', () => {
    const { result, hosts } = read("disabled.xml", engine);
    expect(result.issues).toEqual([]);
    expect(hosts[0]?.counts).toEqual({ total: 3, passed: 2, failed: 0, skipped: 1 });
    expect(hosts[0]?.testcases.map((t) => [t.step, t.state])).toEqual([
      [1, "passed"],
      [2, "passed"],
      [3, "skipped"],
    ]);
  });

  it("R33 an impossible timestamp= and a negative time= are issues naming the value; the rest still parses", () => {
    const { result, hosts } = read("bad-times.xml", engine);
    const problems = result.issues.map((i) => [i.kind, i.problem]);
    expect(problems).toEqual([
      [
        "invalid",
        'testsuite "atvm41-redhat6.0" timestamp="99999-01-01T00:00:00" is not a UTC ISO-8601 time; ignored',
      ],
      [
        "invalid",
        'testcase "1. Login to CMC" in testsuite "atvm41-redhat6.0": time="-1.5" is not non-negative seconds; ignored',
      ],
    ]);
    expect(hosts.map((h) => [h.host, h.startedAt, h.counts.passed])).toEqual([["atvm41-redhat6.0", null, 2]]);
    expect(hosts[0]?.testcases.map((t) => t.durationMs)).toEqual([null, 2000]);
  });
});
