// The bundled examples (examples/*/expected.json, written by the fixture generator from what it
// intended, not from our output) through the whole CLI: `atvm status --root examples/<x> --format json`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProcessInfo } from "@atvm-watch/engine";
import { parseStatusJson } from "@atvm-watch/status";
import { describe, expect, it } from "vitest";
import { main } from "../src/main.ts";
import { capture, fixedProbe } from "./fixture.ts";

const repo = join(import.meta.dirname, "../../..");

interface Expected {
  build: string;
  categorized: boolean;
  runState: string;
  runStartedAt: string;
  finishedAt: string | null;
  now?: string;
  runUrl?: string;
  hosts: { host: string; status: string }[];
  skipped: { host: string; reason: string }[];
}

async function status(example: string, processes: readonly ProcessInfo[], now: number) {
  const io = capture();
  const code = await main(["status", "--root", `examples/${example}`, "--format", "json"], {
    stdout: io.stdout,
    stderr: io.stderr,
    env: { HOME: "/nonexistent-home" },
    probe: fixedProbe(processes),
    clock: { now: () => now, monotonicMs: () => 0 },
    cwd: repo,
  });
  expect(io.err()).toBe("");
  expect(code).toBe(0);
  const json = JSON.parse(io.out());
  // Every document the CLI prints satisfies the published atvm.status.v1 contract.
  const checked = parseStatusJson(json);
  expect(checked.ok ? [] : checked.problems).toEqual([]);
  return json;
}

const expectedOf = (example: string): Expected =>
  JSON.parse(readFileSync(join(repo, "examples", example, "expected.json"), "utf8"));

function hostStatuses(json: { hosts: { host: string; status: string; reason?: string }[] }) {
  return Object.fromEntries(json.hosts.map((h) => [h.host, h.status]));
}

describe("bundled examples through atvm status", () => {
  for (const example of ["flat-run", "categorized-run"]) {
    it(`R19 ${example}: with no live runner, the most recent run from shell history, every host as expected`, async () => {
      const expected = expectedOf(example);
      const now = Date.parse(expected.finishedAt ?? expected.runStartedAt) + 3_600_000;
      const json = await status(example, [], now);
      expect(json.build).toBe(expected.build);
      expect(json.categorized).toBe(expected.categorized);
      expect(hostStatuses(json)).toEqual({
        ...Object.fromEntries(expected.hosts.map((h) => [h.host, h.status])),
        ...Object.fromEntries(expected.skipped.map((h) => [h.host, "SKIPPED"])),
      });
      expect(json.state).toBe(expected.runState);
      if (expected.runUrl !== undefined) expect(json.runUrls).toContain(expected.runUrl);
    });
  }

  it("R21 in-progress: a live run-sorry-cypress.py process makes it the live run, RUNNING, with skipped hosts and reasons", async () => {
    const expected = expectedOf("in-progress");
    const start = Date.parse(expected.runStartedAt);
    const processes: ProcessInfo[] = [
      { pid: 1, ppid: 0, command: "/sbin/init", defunct: false, startedAt: null },
      {
        pid: 4242,
        ppid: 1,
        command: `python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name ${expected.build}`,
        defunct: false,
        startedAt: start,
      },
      {
        pid: 4300,
        ppid: 4242,
        command: "npm exec cypress-cloud run --record",
        defunct: false,
        startedAt: start + 2000,
      },
    ];
    const json = await status("in-progress", processes, Date.parse(expected.now ?? expected.runStartedAt));
    expect(json.build).toBe(expected.build);
    expect(json.state).toBe("RUNNING");
    expect(hostStatuses(json)).toEqual({
      ...Object.fromEntries(expected.hosts.map((h) => [h.host, h.status])),
      ...Object.fromEntries(expected.skipped.map((h) => [h.host, "SKIPPED"])),
    });
    const reasons = Object.fromEntries(
      json.hosts
        .filter((h: { status: string }) => h.status === "SKIPPED")
        .map((h: { host: string; reason: string }) => [h.host, h.reason]),
    );
    expect(reasons).toEqual(Object.fromEntries(expected.skipped.map((h) => [h.host, h.reason])));
  });

  // Expected values written by hand from the fixture's design (test/fixtures/examples.mjs
  // inProgressNoConfig), not from the tool's output.
  it("R10 R21 W7 in-progress-no-config: no config and no specPattern, the scope comes from the host-named spec files", async () => {
    const start = Date.parse("2026-03-29T06:00:00Z");
    const processes: ProcessInfo[] = [
      {
        pid: 5151,
        ppid: 1,
        command:
          "python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-debian9-0329",
        defunct: false,
        startedAt: start,
      },
    ];
    const json = await status("in-progress-no-config", processes, Date.parse("2026-03-29T07:25:20Z"));
    expect(json.build).toBe("e2e-debian9-0329");
    expect(json.state).toBe("RUNNING");
    // Five spec files name hosts (four in cypress/e2e/atvm/, one in cypress/e2e/generated/);
    // helpers.ts, smoke/login.cy.ts and check-xml-files.ts are not hosts.
    expect(hostStatuses(json)).toEqual({
      "atvm118-debian9.5.0": "PASS",
      "atvm119-debian9.6.0": "FAIL",
      "atvm120-debian9.7.0": "FAIL",
      "atvm121-debian9.8.0": "RUNNING",
      "atvm122-debian9.9.0": "NOT STARTED",
    });
    const byHost = Object.fromEntries(json.hosts.map((h: { host: string }) => [h.host, h]));
    expect(byHost["atvm119-debian9.6.0"].failure).toMatchObject({
      step: 5,
      title: "Copy CMC install command from GUI",
    });
    // W7: the empty suite is listed and never PASS.
    expect(byHost["atvm120-debian9.7.0"].failure).toMatchObject({
      step: null,
      title: "no tests ran",
      class: "no-tests",
    });
    // The partial json-stream log reported steps 1–6 and no end event.
    expect(byHost["atvm121-debian9.8.0"].lastStep).toEqual({
      step: 6,
      title: "Install CMC",
      state: "passed",
    });
    expect(json.summary).toMatchObject({ pass: 1, fail: 2, running: 1, notStarted: 1, skipped: 0 });
  });

  it("W7 in-progress-no-config as text: the empty suite reads FAIL - no tests ran, the running host its last step", async () => {
    const io = capture();
    const code = await main(["status", "--root", "examples/in-progress-no-config", "--tz", "UTC"], {
      stdout: io.stdout,
      stderr: io.stderr,
      env: { HOME: "/nonexistent-home" },
      probe: fixedProbe([]),
      clock: { now: () => Date.parse("2026-03-29T07:25:20Z"), monotonicMs: () => 0 },
      cwd: repo,
    });
    expect(code).toBe(0);
    const lines = io.out().split("\n");
    expect(lines.find((l) => l.includes("atvm120-debian9.7.0 - "))).toMatch(
      /^ {2}atvm120-debian9\.7\.0 - FAIL - no tests ran: the spec ran an empty suite \(/,
    );
    expect(lines.find((l) => l.includes("atvm121-debian9.8.0 - "))).toMatch(
      /^ {2}atvm121-debian9\.8\.0 - RUNNING - last reported: step 6 \(Install CMC\) passed/,
    );
  });
});
