// The whole-run scope of an in-progress run without a config specPattern (issue "Status you can
// trust" §1): host-named spec files anywhere under cypress/e2e, partial per-host event logs, empty
// suites and declared-but-absent JUnit testcases. Real reporter output (the artifacts fixtures) runs
// through the real parsers, the collector's default layout and the one pipeline, over the ports.
import { readFileSync } from "node:fs";
import { parseJunitXml, parseReporterJson, type TestcaseResult } from "@atvm-watch/artifacts";
import { createManualClock, createMemoryProbe, createMemorySource, processInfo } from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import { DEFAULT_LAYOUT } from "../src/collect.ts";
import type { Scope, Snapshot } from "../src/domain.ts";
import { createRunObserver } from "../src/observe.ts";
import { verdictOf } from "../src/reconstruct/evidence.ts";
import { reconstruct } from "../src/reconstruct/index.ts";
import { resolveScope, specHost } from "../src/scope.ts";
import { at, hostResult, min, passed } from "./helpers/observations.ts";

const artifactsFixture = (path: string): string =>
  readFileSync(new URL(`../../artifacts/test/${path}`, import.meta.url), "utf8");
/** mocha 10 json-stream output: start (total 3), a pass of step 1, a failed after-each hook, end. */
const STREAM = artifactsFixture("fixtures/reporter/mocha-json-stream.jsonl").trim().split("\n");
/** pytest JUnit: tests="3" failures="1", but only 2 (passing) testcases. */
const DECLARED_ABSENT = artifactsFixture("fixtures-junit/declared-absent.xml");

const BUILD = "e2e-ubuntu-0327";
const START = Date.parse("2026-03-27T09:00:00Z");
const NOW = Date.parse("2026-03-27T11:00:00Z");

async function observe(files: Record<string, string>): Promise<Snapshot> {
  const observer = createRunObserver({
    source: createMemorySource(files),
    probe: createMemoryProbe([
      processInfo(
        4242,
        `python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name ${BUILD}`,
        { startedAt: START },
      ),
    ]),
    clock: createManualClock(NOW, 0),
    // The default layout, with the runner logs inside the memory root (none exist here).
    layout: {
      ...DEFAULT_LAYOUT,
      "runner-log": ["tmp/{build}.log"],
      "launch-log": ["tmp/{build}.launch.log"],
    },
  });
  return (await observer.observe()).snapshot;
}

const statuses = (snapshot: Snapshot): Record<string, string> =>
  Object.fromEntries(snapshot.hosts.map((h) => [h.host, h.status]));

describe("R10 the generated specs are the scope, wherever they live under cypress/e2e", () => {
  it("R10 specHost recognises host-named spec files by their names, not their folder", () => {
    expect(specHost("cypress/e2e/atvm/atvm41-redhat6.0.ts")).toBe("atvm41-redhat6.0");
    expect(specHost("cypress/e2e/generated/atvm113-debian9.0.0.cy.ts")).toBe("atvm113-debian9.0.0");
    expect(specHost("cypress/e2e/a/b/c/atvm7-ubuntu24.04.spec.js")).toBe("atvm7-ubuntu24.04");
    expect(specHost("cypress/e2e/atvm/helpers.ts")).toBeNull();
    expect(specHost("cypress/e2e/smoke/login.cy.ts")).toBeNull();
    expect(specHost("cypress/e2e/check-xml-files.ts")).toBeNull();
    // A spec inside a host-named folder is not that host's generated spec.
    expect(specHost("cypress/e2e/atvm41-redhat6.0/setup.ts")).toBeNull();
    // A known host that is not host-shaped counts by its exact name.
    expect(specHost("cypress/e2e/generated/lab-vm-3.cy.ts", ["lab-vm-3"])).toBe("lab-vm-3");
    expect(specHost("cypress/e2e/generated/lab-vm-3.cy.ts")).toBeNull();
  });

  it("R10 resolveScope takes the host-named specs of any folder, in natural order, and ignores the rest", () => {
    const scope = resolveScope({
      generatedSpecs: [
        "cypress/e2e/atvm/atvm17-ubuntu24.04.ts",
        "cypress/e2e/atvm/helpers.ts",
        "cypress/e2e/check-xml-files.ts",
        "cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts",
        "cypress/e2e/smoke/login.cy.ts",
      ],
    });
    expect(scope).toEqual({
      hosts: ["atvm7-ubuntu24.04", "atvm17-ubuntu24.04"],
      skipped: [],
      source: "generated-specs",
    });
  });

  it("R10 W7 a live run with no Cypress config: NOT STARTED hosts come from the spec files, a partial json-stream host is RUNNING at its last step", async () => {
    const snapshot = await observe({
      "cypress/e2e/atvm/atvm7-ubuntu24.04.ts": "// generated\n",
      "cypress/e2e/atvm/atvm17-ubuntu24.04.ts": "// generated\n",
      "cypress/e2e/generated/atvm41-redhat6.0.cy.ts": "// generated\n",
      "cypress/e2e/atvm/helpers.ts": "export {};\n",
      "cypress/e2e/check-xml-files.ts": "// bookkeeping\n",
      // Started, step 1 passed, no end event yet.
      "cypress/cmcReporter/logs/atvm17-ubuntu24.04/atvm17-ubuntu24.04.jsonl": `${STREAM.slice(0, 2).join("\n")}\n`,
    });
    expect(statuses(snapshot)).toEqual({
      "atvm7-ubuntu24.04": "NOT STARTED",
      "atvm17-ubuntu24.04": "RUNNING",
      "atvm41-redhat6.0": "NOT STARTED",
    });
    const running = snapshot.hosts.find((h) => h.host === "atvm17-ubuntu24.04");
    expect(running?.lastStep).toEqual({ step: 1, title: "Login to CMC", state: "passed" });
    expect(snapshot.state).toBe("RUNNING");
    expect(snapshot.issues).toEqual([]);
  });

  it("W7 the same json-stream once its end event is written is a final result, no longer RUNNING", async () => {
    const snapshot = await observe({
      "cypress/e2e/atvm/atvm17-ubuntu24.04.ts": "// generated\n",
      "cypress/cmcReporter/logs/atvm17-ubuntu24.04/atvm17-ubuntu24.04.jsonl": `${STREAM.join("\n")}\n`,
    });
    const host = snapshot.hosts.find((h) => h.host === "atvm17-ubuntu24.04");
    expect(host?.status).toBe("FAIL");
    expect(host?.lastStep).toBeUndefined();
  });
});

describe("W7 a declared-but-absent failure is not lost", () => {
  it("W7 verdictOf: a JUnit that declares more tests than it accounts for is not PASS; runner-log counts are unaffected", () => {
    const pass = (step: number): TestcaseResult => ({
      step,
      title: `step ${step}`,
      fullTitle: `x ${step}. step ${step}`,
      state: "passed",
      durationMs: 1000,
    });
    const declared = { total: 3, passed: 2, failed: 0, skipped: 0 };
    expect(verdictOf(declared, [pass(1), pass(2)], at("10:00"))).toBe("fail");
    expect(verdictOf({ ...declared, skipped: 1 }, [pass(1), pass(2)], at("10:00"))).toBe("pass");
    expect(verdictOf({ total: 2, passed: 2, failed: 0, skipped: 0 }, [], 0)).toBe("pass");
  });

  it("W7 pytest JUnit with tests=3 and two passing testcases reads FAIL, with the shortfall as its failure", async () => {
    const file = "cypress/cmcReporter/xml/test-result-atvm41-redhat6.0.xml";
    // The parser's own view first: counts keep the declared total, nothing is invented as skipped.
    const parsed = parseJunitXml(DECLARED_ABSENT, { path: file, knownHosts: ["atvm41-redhat6.0"] });
    expect(parsed.observations).toMatchObject([{ counts: { total: 3, passed: 2, failed: 0, skipped: 0 } }]);
    const snapshot = await observe({
      "cypress/e2e/generated/atvm41-redhat6.0.cy.ts": "// generated\n",
      [file]: DECLARED_ABSENT,
    });
    const host = snapshot.hosts.find((h) => h.host === "atvm41-redhat6.0");
    expect(host?.status).toBe("FAIL");
    expect(host?.failure).toEqual({
      step: null,
      title: "declared tests missing",
      message: `${file} declares 3 tests but accounts for 2; the 1 missing may have failed`,
      source: "junit",
    });
  });
});

describe("W7 an empty suite is listed, never PASS", () => {
  const A = "atvm7-ubuntu24.04";
  const B = "atvm9-redhat9.7";
  const scope: Scope = { hosts: [A], skipped: [], source: "generated-specs" };
  const run = (observations: Parameters<typeof reconstruct>[1]) =>
    reconstruct(scope, observations, { build: BUILD, now: at("12:00"), runStartMs: at("08:00") });

  it("W7 a host outside the scope whose spec ran no tests is still listed, FAIL - no tests ran", () => {
    const snapshot = run([
      passed(A, at("09:00"), min(30)),
      hostResult({ host: B, startedAt: at("09:40"), steps: 0 }),
    ]);
    expect(statuses(snapshot)).toEqual({ [A]: "PASS", [B]: "FAIL" });
    expect(snapshot.hosts.find((h) => h.host === B)?.failure).toMatchObject({
      title: "no tests ran",
      class: "no-tests",
    });
  });

  it("R11 W7 a later empty suite supersedes an earlier PASS of the same host (the most recent wins)", () => {
    const snapshot = run([
      passed(A, at("09:00"), min(30), { file: "cypress/cmcReporter/xml/test-result-aaaa.xml" }),
      hostResult({
        host: A,
        startedAt: at("10:00"),
        steps: 0,
        file: "cypress/cmcReporter/xml/test-result-bbbb.xml",
      }),
    ]);
    expect(statuses(snapshot)).toEqual({ [A]: "FAIL" });
    expect(snapshot.hosts[0]?.failure?.message).toContain("test-result-bbbb.xml");
    expect(snapshot.state).not.toBe("COMPLETED");
  });

  it("W7 an empty mochawesome report from the real parser reads FAIL - no tests ran", () => {
    const empty = JSON.stringify({
      stats: {
        suites: 0,
        tests: 0,
        passes: 0,
        pending: 0,
        failures: 0,
        start: "2026-03-27T09:10:00.000Z",
        end: "2026-03-27T09:10:02.000Z",
        duration: 2000,
      },
      results: [
        {
          uuid: "u",
          title: "",
          fullFile: `cypress/e2e/generated/${A}.cy.ts`,
          file: `cypress/e2e/generated/${A}.cy.ts`,
          tests: [],
          suites: [],
        },
      ],
      meta: {},
    });
    const parsed = parseReporterJson(empty, {
      path: `cypress/cmcReporter/logs/${A}/${A}_2026-03-27T091002Z.json`,
    });
    expect(parsed.issues).toEqual([]);
    const snapshot = run(parsed.observations);
    expect(snapshot.hosts.map((h) => [h.host, h.status, h.failure?.title])).toEqual([
      [A, "FAIL", "no tests ran"],
    ]);
  });
});
