/**
 * Real console wording → snapshot (Status you can trust §5): crash lines the runner-log parser
 * reads reach the host's failure evidence (R17, T1 class `crash`) and NOTES; the cloud API's
 * error reaches NOTES as an anomaly (R31). The log text is parsed by the real parser.
 */
import { parseRunnerLogChunk } from "@atvm-watch/artifacts";
import { describe, expect, it } from "vitest";
import type { Scope, Snapshot } from "../src/domain.ts";
import { reconstruct } from "../src/reconstruct/index.ts";
import { at } from "./helpers/observations.ts";

const A = "atvm7-ubuntu24.04";
const B = "atvm9-redhat9.7";
const scope: Scope = { hosts: [A, B], skipped: [], source: "spec-pattern" };

function snapshotOf(log: string): Snapshot {
  const bytes = new TextEncoder().encode(log);
  const parsed = parseRunnerLogChunk(
    bytes,
    { path: "/tmp/e2e-0327.log", sizeBytes: bytes.length, knownHosts: [A, B] },
    null,
  );
  expect(parsed.issues).toEqual([]);
  return reconstruct(scope, parsed.observations, {
    build: "e2e-0327",
    now: at("12:00"),
    runStartMs: at("08:00"),
    activity: { runnerAlive: false, cypressAlive: false, defunctChild: false },
  });
}

const running = (host: string, i: number) =>
  `  Running:  ${host}.cy.ts                            (${i} of 2)\n\n`;

describe("console crashes and anomalies reach the snapshot", () => {
  it("R17 T1 `The Test Runner unexpectedly exited via a exit event with signal SIGILL` fails the running host with class crash", () => {
    const snapshot = snapshotOf(
      `${running(A, 1)}    ✓ 1. Verifying set up (1204ms)\nThe Test Runner unexpectedly exited via a exit event with signal SIGILL\n\nPlease search Cypress documentation for possible solutions:\n`,
    );
    const a = snapshot.hosts.find((h) => h.host === A);
    expect(a).toMatchObject({
      status: "FAIL",
      failure: {
        class: "crash",
        source: "runner-log",
        title: "Test Runner exited unexpectedly (signal SIGILL)",
        message: `Runner log shows the Cypress Test Runner exiting on signal SIGILL on ${A}`,
      },
    });
    expect(snapshot.hosts.find((h) => h.host === B)?.status).toBe("NOT STARTED");
    expect(snapshot.notes).toContain(
      `Runner log shows the Cypress Test Runner exiting on signal SIGILL on ${A}`,
    );
  });

  it("R17 T1 a browser process crash the runner moved on from fails that host with class crash", () => {
    const snapshot = snapshotOf(
      `${running(A, 1)}We detected that the Chrome process just crashed with code 'null' and signal 'SIGTRAP'.\n\n${running(B, 2)}`,
    );
    expect(snapshot.hosts.find((h) => h.host === A)).toMatchObject({
      status: "FAIL",
      failure: { class: "crash", title: "Browser process crashed (signal SIGTRAP)" },
    });
    expect(snapshot.notes).toContain(`Runner log shows a browser process crash (signal SIGTRAP) on ${A}`);
  });

  it("R31 the cloud API's `unexpected error communicating with our servers` is a NOTES anomaly, counted once per wording", () => {
    const err =
      "We encountered an unexpected error communicating with our servers.\n\nStatusCodeError: 500\n\nWe will retry 3 more times in 30 seconds...\n";
    const snapshot = snapshotOf(`${err}${err}${running(A, 1)}`);
    expect(snapshot.notes).toContain(
      "Runner log: We encountered an unexpected error communicating with our servers. (2 times)",
    );
  });
});
