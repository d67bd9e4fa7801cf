import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseReporterJson } from "../src/reporter-json.ts";
import type { HostResultObservation } from "../src/types.ts";

const FLEET = [
  "atvm7-ubuntu24.04",
  "atvm17-ubuntu24.04",
  "atvm41-redhat6.0",
  "atvm41-redhat6.10",
  "atvm42-redhat6.10",
  "atvm113-debian9.0.0",
];

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/reporter/${name}`, import.meta.url), "utf8");
}

function one(result: ReturnType<typeof parseReporterJson>): HostResultObservation {
  expect(result.observations).toHaveLength(1);
  return result.observations[0] as HostResultObservation;
}

/** A minimal mochawesome 8 report of one spec with the given tests (no spec file unless given). */
function mochawesome(tests: readonly object[], file = ""): string {
  return JSON.stringify({
    stats: {
      tests: tests.length,
      start: "2026-03-27T10:00:00.000Z",
      end: "2026-03-27T10:01:00.000Z",
      duration: 60000,
    },
    results: [
      {
        title: "",
        file,
        fullFile: file,
        tests: [],
        beforeHooks: [],
        afterHooks: [],
        suites: [{ title: "e2e", tests, suites: [] }],
      },
    ],
    meta: { mochawesome: { version: "8.1.1" } },
  });
}

const PASSED = {
  title: "1. Login to CMC",
  fullTitle: "e2e 1. Login to CMC",
  state: "passed",
  duration: 10,
  err: {},
};

describe("parseReporterJson: mochawesome", () => {
  it("R17 reads steps, states, err.message and the failing step of a mochawesome 8 report", () => {
    const result = parseReporterJson(fixture("mochawesome-8.json"), {
      path: "cypress/cmcReporter/mochawesome/atvm41-redhat6.json",
      knownHosts: FLEET,
    });
    expect(result.issues).toEqual([]);
    const obs = one(result);
    expect(obs.source).toBe("mochawesome");
    expect([obs.host, obs.hostEvidence]).toEqual(["atvm41-redhat6.0", "root-suite-file"]);
    expect(obs.spec).toBe("cypress/e2e/generated/atvm41-redhat6.0.cy.ts");
    expect(obs.testcases.map((t) => [t.step, t.title, t.state])).toEqual([
      [1, "Login to CMC", "passed"],
      [2, "Install CMC", "passed"],
      [3, "Configure policies", "failed"],
      [4, "Logout", "skipped"],
    ]);
    const failure = obs.testcases[2]?.failure;
    expect(failure?.message).toBe(
      "AssertionError: Timed out retrying after 60000ms: expected 'Pending' to equal 'Applied'",
    );
    expect(failure?.timedOut).toBe(true);
    expect(failure?.stack).toContain("atvm41-redhat6.0.cy.ts:40:12");
    expect(obs.counts).toEqual({ total: 4, passed: 2, failed: 1, skipped: 1 });
  });

  it("R33 takes startedAt/finishedAt from stats.start/end, never the file mtime", () => {
    const obs = one(
      parseReporterJson(fixture("mochawesome-8.json"), {
        path: "m.json",
        knownHosts: FLEET,
        mtimeMs: Date.UTC(2030, 0, 1),
      }),
    );
    expect(obs.startedAt).toBe(Date.UTC(2026, 2, 27, 10, 0, 0, 125));
    expect(obs.finishedAt).toBe(Date.UTC(2026, 2, 27, 10, 3, 20, 625));
    expect(obs.durationMs).toBe(200_500);
    expect(obs.mtimeMs).toBe(Date.UTC(2030, 0, 1));
  });

  it("R17 a failed before-all hook stands for the step it names (mochawesome 6, unknown fields ignored)", () => {
    const obs = one(
      parseReporterJson(fixture("mochawesome-hook.json"), {
        path: "cypress/cmcReporter/logs/atvm42-redhat6.10/mochawesome.json",
        knownHosts: FLEET,
      }),
    );
    expect([obs.host, obs.hostEvidence]).toEqual(["atvm42-redhat6.10", "reporter-path"]);
    expect(obs.testcases.map((t) => [t.step, t.state, t.failure?.hook])).toEqual([
      [1, "failed", "before all"],
      [2, "skipped", undefined],
    ]);
    expect(obs.testcases[0]?.failure?.message).toContain("ECONNREFUSED");
    expect(obs.counts).toEqual({ total: 2, passed: 0, failed: 1, skipped: 1 });
  });

  it("W7 maps a mochawesome [name] stem back through known hosts by prefix", () => {
    const obs = one(
      parseReporterJson(mochawesome([PASSED]), {
        path: "mochawesome/atvm7-ubuntu24.json",
        knownHosts: FLEET,
      }),
    );
    expect([obs.host, obs.hostEvidence]).toEqual(["atvm7-ubuntu24.04", "file-name"]);
  });

  it("W7 reports an ambiguous mochawesome stem (atvm41-redhat6 → 6.0 or 6.10) instead of guessing", () => {
    const result = parseReporterJson(mochawesome([PASSED]), {
      path: "mochawesome/atvm41-redhat6.json",
      knownHosts: FLEET,
    });
    expect(one(result).host).toBeNull();
    expect(result.issues.map((i) => i.kind)).toEqual(["ambiguous"]);
    expect(result.issues[0]?.problem).toContain("atvm41-redhat6.0, atvm41-redhat6.10");
  });

  it("W7 does not turn a cut stem into a host without a known host list", () => {
    const result = parseReporterJson(mochawesome([PASSED]), { path: "mochawesome/atvm41-redhat6.json" });
    expect(one(result).host).toBeNull();
    expect(result.issues.map((i) => i.kind)).toEqual(["unresolved-host"]);
  });

  it("W7 an empty results list is zero counts, not a pass", () => {
    const text = JSON.stringify({
      stats: { tests: 0, start: "2026-03-27T10:00:00Z" },
      results: [],
      meta: {},
    });
    const obs = one(
      parseReporterJson(text, {
        path: "cypress/cmcReporter/logs/atvm41-redhat6.0/m.json",
        knownHosts: FLEET,
      }),
    );
    expect(obs.host).toBe("atvm41-redhat6.0");
    expect(obs.counts).toEqual({ total: 0, passed: 0, failed: 0, skipped: 0 });
    expect(obs.testcases).toEqual([]);
  });

  it("R11 never reads atvm7-ubuntu24.04 out of an atvm17-ubuntu24.04 spec file", () => {
    const obs = one(
      parseReporterJson(mochawesome([PASSED], "cypress/e2e/generated/atvm17-ubuntu24.04.cy.ts"), {
        path: "m.json",
        knownHosts: FLEET,
      }),
    );
    expect(obs.host).toBe("atvm17-ubuntu24.04");
  });

  it("tolerates version drift: wrong-typed fields are ignored, not fatal", () => {
    const text = mochawesome([
      { title: "1. Login", state: "passed", duration: "slow", err: null, extra: [1, 2] },
      { title: 42, state: "failed", err: { message: 7 } },
    ]);
    const result = parseReporterJson(text, {
      path: "cypress/cmcReporter/logs/atvm41-redhat6.0/m.json",
      knownHosts: FLEET,
    });
    const obs = one(result);
    expect(obs.testcases.map((t) => [t.step, t.state, t.durationMs])).toEqual([
      [1, "passed", null],
      [null, "failed", null],
    ]);
    expect(obs.testcases[1]?.failure?.message).toBe("");
  });
});

describe("parseReporterJson: mocha json and json-stream", () => {
  it("R17 reads the mocha json reporter: pending as skipped, err.message, host from the test file", () => {
    const result = parseReporterJson(fixture("mocha-json.json"), {
      path: "out/report.json",
      knownHosts: FLEET,
    });
    expect(result.issues).toEqual([]);
    const obs = one(result);
    expect(obs.source).toBe("mocha-json");
    expect([obs.host, obs.hostEvidence]).toEqual(["atvm7-ubuntu24.04", "root-suite-file"]);
    expect(obs.testcases.map((t) => [t.step, t.state])).toEqual([
      [1, "passed"],
      [2, "failed"],
      [3, "skipped"],
    ]);
    expect(obs.testcases[1]?.failure).toMatchObject({
      type: "AssertionError",
      message: "expected 'failed' to equal 'installed'",
    });
    expect(obs.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(obs.startedAt).toBe(Date.UTC(2026, 2, 27, 14, 0, 0));
    expect(obs.finishedAt).toBe(Date.UTC(2026, 2, 27, 14, 0, 9, 500));
  });

  it("R17 reads mocha json-stream lines, with a hook failure's timeout", () => {
    const result = parseReporterJson(fixture("mocha-json-stream.jsonl"), {
      path: "out/stream.jsonl",
      knownHosts: FLEET,
    });
    expect(result.issues).toEqual([]);
    const obs = one(result);
    expect(obs.source).toBe("mocha-json-stream");
    expect(obs.host).toBe("atvm17-ubuntu24.04");
    expect(obs.testcases.map((t) => [t.step, t.state, t.failure?.hook, t.failure?.timedOut])).toEqual([
      [1, "passed", undefined, undefined],
      [1, "failed", "after each", true],
    ]);
    expect(obs.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(obs.startedAt).toBe(Date.UTC(2026, 2, 27, 15, 0, 0));
  });

  it("W7 a json-stream without its end event is an unfinished result: the tests so far, no times, no issue", () => {
    const lines = fixture("mocha-json-stream.jsonl").trim().split("\n");
    const result = parseReporterJson(lines.slice(0, 2).join("\n"), { path: "s.jsonl", knownHosts: FLEET });
    expect(result.issues).toEqual([]);
    const obs = one(result);
    expect(obs.unfinished).toBe(true);
    expect(obs.host).toBe("atvm17-ubuntu24.04");
    expect(obs.testcases.map((t) => [t.step, t.state])).toEqual([[1, "passed"]]);
    // The start event declares 3 tests; 2 are not reported yet.
    expect(obs.counts).toEqual({ total: 3, passed: 1, failed: 0, skipped: 2 });
    expect([obs.startedAt, obs.finishedAt]).toEqual([null, null]);
  });

  it("W7 a json-stream with only its start event is unfinished with no test yet; without start it is incomplete", () => {
    const lines = fixture("mocha-json-stream.jsonl").trim().split("\n");
    const started = parseReporterJson(lines[0] as string, {
      path: "cypress/cmcReporter/logs/atvm17-ubuntu24.04/s.jsonl",
      knownHosts: FLEET,
    });
    expect(started.issues).toEqual([]);
    expect(one(started)).toMatchObject({ unfinished: true, host: "atvm17-ubuntu24.04", testcases: [] });
    const noStart = parseReporterJson('["other",{}]', { path: "s.jsonl", knownHosts: FLEET });
    expect(noStart.observations).toEqual([]);
    expect(noStart.issues.map((i) => i.kind)).toEqual(["incomplete"]);
  });

  it("skips console noise between json-stream events", () => {
    const lines = fixture("mocha-json-stream.jsonl").trim().split("\n");
    const noisy = [lines[0], "  Running: atvm17-ubuntu24.04.cy.js", ...lines.slice(1)].join("\n");
    expect(one(parseReporterJson(noisy, { path: "s.jsonl", knownHosts: FLEET })).counts.passed).toBe(1);
  });
});

describe("parseReporterJson: bad input returns issues", () => {
  it("tells truncated JSON (incomplete) from broken JSON (malformed) and other shapes (invalid)", () => {
    const text = fixture("mochawesome-8.json");
    const kinds = (t: string) => parseReporterJson(t, { path: "m.json" }).issues.map((i) => i.kind);
    expect(kinds(text.slice(0, 700))).toEqual(["incomplete"]);
    expect(kinds("{ not json }")).toEqual(["malformed"]);
    expect(kinds('{"hello": "world"}')).toEqual(["invalid"]);
    expect(kinds('{"stats": {}, "results": "nope"}')).toEqual(["invalid"]);
    expect(kinds("[1, 2, 3]")).toEqual(["invalid"]);
    expect(kinds("")).toEqual(["empty"]);
  });
});

describe("mocha json identity keys", () => {
  it("W7 a test whose fullTitle is an object with a toString key is read, not an internal parser error", () => {
    const doc = `{"stats":{"tests":1},"tests":[{"title":"1. a","fullTitle":{"toString":1},"file":"cypress/e2e/generated/atvm41-redhat6.0.cy.ts"}],"pending":[],"failures":[],"passes":[]}`;
    const result = parseReporterJson(doc, { path: "r/mocha.json", knownHosts: ["atvm41-redhat6.0"] });
    expect(result.issues).toEqual([]);
    expect(result.observations.map((o) => [o.host, o.counts.passed])).toEqual([["atvm41-redhat6.0", 1]]);
  });
});
