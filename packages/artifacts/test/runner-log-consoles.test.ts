/**
 * Real consoles (Status you can trust §5): Cypress 3–13 and cypress-cloud wording the runner-log
 * parser must read. The crash and error lines are Cypress' own wording, from its system-test
 * snapshots (`system-tests/__snapshots__/browser_crash_handling_spec.js`, `record_spec.js`) and
 * `cli/lib/errors.js` (`childProcessKilled`).
 */
import { describe, expect, it } from "vitest";
import { parseRunnerLogChunk, type RunnerLogReadOptions } from "../src/runner-log.ts";
import type { RunnerLogObservation } from "../src/types.ts";

const FLEET = ["atvm41-redhat6.0", "atvm7-ubuntu24.04", "atvm144-suse15.0"];
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function parse(text: string, options?: RunnerLogReadOptions) {
  const bytes = utf8(text);
  return parseRunnerLogChunk(
    bytes,
    { path: "tmp/e2e.log", sizeBytes: bytes.length, knownHosts: FLEET },
    null,
    undefined,
    options,
  );
}

const kinds = (obs: readonly RunnerLogObservation[]) => obs.map((o) => o.kind);
function only<K extends RunnerLogObservation["kind"]>(
  obs: readonly RunnerLogObservation[],
  kind: K,
): Extract<RunnerLogObservation, { kind: K }>[] {
  return obs.filter((o): o is Extract<RunnerLogObservation, { kind: K }> => o.kind === kind);
}

const RUNNING = (host: string, i: number) =>
  `  Running:  ${host}.cy.ts                                                          (${i} of 3)\n\n`;

describe("R17 T1 crashes reach the crash evidence", () => {
  it.each(["SIGILL", "SIGABRT", "SIGSEGV", "SIGTRAP"])(
    "R17 T1 `The Test Runner unexpectedly exited via a exit event with signal %s` is a test-runner crash on the running host",
    (signal) => {
      const log = `${RUNNING("atvm41-redhat6.0", 1)}    ✓ 1. Verifying set up (1204ms)\nThe Test Runner unexpectedly exited via a exit event with signal ${signal}\n\nPlease search Cypress documentation for possible solutions:\n`;
      const r = parse(log);
      expect(r.issues).toEqual([]);
      expect(only(r.observations, "renderer-crash")).toMatchObject([
        { host: "atvm41-redhat6.0", process: "test-runner", signal, line: 4 },
      ]);
    },
  );

  it("R17 T1 the `close` event wording and chalk colours are read too", () => {
    const r = parse(
      `${RUNNING("atvm7-ubuntu24.04", 2)}The Test Runner unexpectedly exited via a \u001b[36mclose\u001b[39m event with signal \u001b[36mSIGKILL\u001b[39m\n`,
    );
    expect(only(r.observations, "renderer-crash")).toMatchObject([
      { host: "atvm7-ubuntu24.04", process: "test-runner", signal: "SIGKILL" },
    ]);
  });

  it("R17 T1 a browser process crash (code and signal) and a browser that exited unexpectedly are browser crashes", () => {
    const r = parse(
      `${RUNNING("atvm41-redhat6.0", 1)}We detected that the Chrome process just crashed with code 'null' and signal 'SIGTRAP'.\n\nWe have failed the current test and have relaunched Chrome.\n\n${RUNNING("atvm7-ubuntu24.04", 2)}We detected that the Firefox process running your tests just exited unexpectedly.\n`,
    );
    expect(only(r.observations, "renderer-crash").map((c) => [c.host, c.process, c.signal])).toEqual([
      ["atvm41-redhat6.0", "browser", "SIGTRAP"],
      ["atvm7-ubuntu24.04", "browser", null],
    ]);
  });

  it("R17 T1 Chromium and Electron renderer crashes stay renderer crashes", () => {
    const r = parse(
      `${RUNNING("atvm41-redhat6.0", 1)}We detected that the Chromium Renderer process just crashed.\n${RUNNING("atvm7-ubuntu24.04", 2)}We detected that the Electron Renderer process just crashed.\n`,
    );
    expect(only(r.observations, "renderer-crash").map((c) => [c.host, c.process])).toEqual([
      ["atvm41-redhat6.0", "renderer"],
      ["atvm7-ubuntu24.04", "renderer"],
    ]);
  });

  it("R17 the words alone in a test title are not a crash", () => {
    const r = parse(`${RUNNING("atvm41-redhat6.0", 1)}    ✓ 4. The Test Runner exited via the menu (12ms)\n`);
    expect(only(r.observations, "renderer-crash")).toEqual([]);
  });
});

describe("R11 Cypress 3's `Running: spec.js...   (14 of 20)`", () => {
  it("R11 the trailing dots are not part of the spec name, so the host is recovered", () => {
    const r = parse("  Running: atvm144-suse15.0.cy.js...                                (14 of 20)\n");
    expect(only(r.observations, "spec-started")).toMatchObject([
      { spec: "atvm144-suse15.0.cy.js", host: "atvm144-suse15.0", index: 14, total: 20 },
    ]);
  });

  it("R11 a Unicode ellipsis is dropped the same way", () => {
    const r = parse("Running: atvm7-ubuntu24.04.cy.ts… (3 of 4)\n");
    expect(only(r.observations, "spec-started")[0]?.host).toBe("atvm7-ubuntu24.04");
  });
});

describe("R1 R17 lines behind a wrapper's prefix", () => {
  const BODY = [
    "  Running:  atvm41-redhat6.0.cy.ts                                              (1 of 3)",
    "  1) atvm41-redhat6.0",
    "       cmc-e2e",
    "         7. Create migration session:",
    "     AssertionError: expected 500 to equal 200",
    "",
    "  (Results)",
    "  │ Tests:        22                                  │",
    "  │ Passing:      6                                   │",
    "  │ Failing:      1                                   │",
    "  │ Skipped:      15                                  │",
    "  │ Spec Ran:     atvm41-redhat6.0.cy.ts              │",
    "  Recorded Run: https://cloud.cypress.io/projects/bae1oz/runs/7",
  ];
  const expected = (obs: readonly RunnerLogObservation[]) => {
    expect(kinds(obs)).toEqual(["spec-started", "test-failed", "spec-result", "run-url"]);
    expect(only(obs, "test-failed")[0]).toMatchObject({
      host: "atvm41-redhat6.0",
      step: 7,
      title: "Create migration session",
      message: "AssertionError: expected 500 to equal 200",
    });
    expect(only(obs, "spec-result")[0]?.counts).toEqual({ total: 22, passed: 6, failed: 1, skipped: 15 });
  };
  it.each([
    ["an ISO timestamp (docker logs --timestamps)", "2026-03-27T07:58:00.123456789Z "],
    ["an RFC 3339 offset", "2026-03-27T07:58:00+01:00 "],
    ["a bracketed ISO timestamp (Jenkins timestamper)", "[2026-03-27T07:58:00.123Z] "],
    ["a time of day", "07:58:00 "],
    ["a [host] tag", "[atvm-controller] "],
    ["a level with a colon", "INFO: "],
    ["a bracketed level", "[INFO] "],
    ["Python logging basicConfig's default", "INFO:root:"],
    ["Python logging's asctime and level", "2026-03-27 07:58:00,123 INFO "],
    ["asctime - level - message", "2026-03-27 07:58:00,123 - INFO - "],
    ["timestamp, [host] and level together", "2026-03-27T07:58:00Z [atvm-controller] WARNING: "],
  ])("R1 R17 %s", (_label, prefix) => {
    const r = parse(`${BODY.map((l) => `${prefix}${l}`).join("\n")}\n`);
    expect(r.issues).toEqual([]);
    expected(r.observations);
  });

  it("R1 the categorized batch lines still read behind a prefix", () => {
    const r = parse(
      "2026-03-27 07:58:00,123 INFO [run-sorry-cypress] Starting categorized batch 1/2: redhat -> build e2e-0327-redhat\n",
    );
    expect(only(r.observations, "batch-started")).toMatchObject([
      { batchId: "e2e-0327-redhat", label: "redhat" },
    ]);
  });

  it("R1 a prefix the built-ins do not know is named in logPrefixes (RE2), and the message keeps its indent", () => {
    const prefix = "e2e-0327 | pid=4242 | ";
    const text = `${BODY.map((l) => `${prefix}${l}`).join("\n")}\n`;
    expect(only(parse(text).observations, "spec-started")).toEqual([]);
    const r = parse(text, { prefixes: [String.raw`\S+ \| pid=\d+ \| `] });
    expect(r.issues).toEqual([]);
    expected(r.observations);
  });

  it("R1 a logPrefixes entry RE2 refuses, or one that matches nothing, is an invalid issue; the rest still parses", () => {
    const r = parse(`${BODY.join("\n")}\n`, { prefixes: [String.raw`(a)\1`, "x*"] });
    expect(r.issues.map((i) => i.kind)).toEqual(["invalid", "invalid"]);
    expect(r.issues[0]?.problem).toContain("logPrefixes[0]");
    expect(r.issues[1]?.problem).toContain("empty prefix");
    expected(r.observations);
  });

  it("§4 a prefix-shaped hostile line stays linear (60,000 digits and brackets)", () => {
    const hostile = `${"1".repeat(30_000)}${"[".repeat(30_000)}\n`.repeat(20);
    const r = parse(hostile);
    expect(r.observations).toEqual([]);
    expect(r.state.lines).toBe(20);
  });
});

describe("R1 D1 a `(Run Finished)` title with no footer yet", () => {
  const TITLE = "====================\n\n  (Run Finished)\n\n";
  it("R1 D1 is reported at once, marked partial", () => {
    const r = parse(`${RUNNING("atvm41-redhat6.0", 1)}${TITLE}`);
    expect(only(r.observations, "run-finished")).toEqual([
      {
        file: "tmp/e2e.log",
        line: 5,
        at: null,
        kind: "run-finished",
        allPassed: null,
        failedSpecs: null,
        totalSpecs: null,
        partial: true,
      },
    ]);
  });

  it("R1 D1 the footer read later adds the counts; nothing is reported twice across reads", () => {
    const first = parse(TITLE);
    const rest = utf8("       Spec      Tests\n    ✖  1 of 2 failed (50%)     XX:XX\n");
    const second = parseRunnerLogChunk(
      rest,
      { path: "tmp/e2e.log", sizeBytes: utf8(TITLE).length + rest.length, knownHosts: FLEET },
      first.state,
    );
    expect(only(first.observations, "run-finished").map((o) => o.partial)).toEqual([true]);
    expect(only(second.observations, "run-finished")).toMatchObject([
      { allPassed: false, failedSpecs: 1, totalSpecs: 2 },
    ]);
    expect(only(second.observations, "run-finished")[0]?.partial).toBeUndefined();
  });
});

describe("R31 the cloud API's retry warning is an anomaly", () => {
  it("R31 `We encountered an unexpected error communicating with our servers` becomes an anomaly observation", () => {
    const r = parse(
      'We encountered an unexpected error communicating with our servers.\n\nStatusCodeError: 500 - "Internal Server Error"\n\nWe will retry 3 more times in 30 seconds...\n\nWarning: We encountered an unexpected error communicating with our servers.\n',
    );
    expect(only(r.observations, "anomaly")).toMatchObject([
      {
        anomaly: "cloud-api-error",
        message: "We encountered an unexpected error communicating with our servers.",
        line: 1,
      },
      {
        anomaly: "cloud-api-error",
        message: "Warning: We encountered an unexpected error communicating with our servers.",
        line: 7,
      },
    ]);
  });
});
