/**
 * The byte-level fast path (runner-log/lines.ts, issue 11 P5) never changes a result: with it on
 * and off, the same bytes give the same observations, issues and state, on the fixtures and on
 * generated logs mixing every line shape the patterns know with ANSI colours, CRs and decoration.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parseRunnerLogChunk } from "../src/runner-log.ts";

const LOGS = join(import.meta.dirname, "fixtures", "logs");
const FLEET = ["atvm41-redhat6.0", "atvm7-ubuntu24.04"];

function both(bytes: Uint8Array, cut?: number) {
  const run = (fastPath: boolean) => {
    const meta = { path: "t.log", sizeBytes: bytes.length, knownHosts: FLEET };
    if (cut === undefined) return parseRunnerLogChunk(bytes, meta, null, undefined, { fastPath });
    const a = parseRunnerLogChunk(bytes.subarray(0, cut), { ...meta, sizeBytes: cut }, null, undefined, {
      fastPath,
    });
    const b = parseRunnerLogChunk(bytes.subarray(cut), meta, a.state, undefined, { fastPath });
    return {
      observations: [...a.observations, ...b.observations],
      issues: [...a.issues, ...b.issues],
      state: b.state,
    };
  };
  return { fast: run(true), slow: run(false) };
}

const LINES = [
  "  Running:  atvm41-redhat6.0.cy.ts                                  (1 of 2)",
  "Running: atvm7-ubuntu24.04.cy.ts... (2/2)",
  "  1) atvm41-redhat6.0",
  "       cmc-e2e",
  "         7. Create migration session:",
  "     AssertionError: expected 500 to equal 200",
  "      at Context.<anonymous> (webpack:///./x.ts:1:1)",
  "  atvm7-ubuntu24.04",
  "    ✓ 1. Verifying set up (1204ms)",
  "    ✓ 3. Install the agent on the target VM (12ms)",
  "  (Results)",
  "  │ Tests:        22 │",
  "  │ Passing:      21 │",
  "  │ Failing:      1 │",
  "  │ Screenshots:  0 │",
  "  │ Spec Ran:     atvm41-redhat6.0.cy.ts │",
  "  (Run Finished)",
  "    ✖  1 of 2 failed (50%)   XX:XX",
  "    ✔  All specs passed!",
  "  │ ✔  atvm7-ubuntu24.04.cy.ts   02:13   22   22   -   -   - │",
  "(Attempt 1 of 2) 7. Create migration session",
  "  │ Run URL:   https://cloud.cypress.io/projects/x/runs/7 │",
  "We detected that the Chrome Renderer process just crashed.",
  "We detected that the Chrome process just crashed with code 'null' and signal 'SIGTRAP'.",
  "The Test Runner unexpectedly exited via a exit event with signal SIGILL",
  "We encountered an unexpected error communicating with our servers.",
  "Run cancelled: by user. Waiting for uploads to complete",
  "[run-sorry-cypress] Starting categorized batch 1/2: redhat -> build e2e-1",
  "[run-sorry-cypress] Finished categorized batch 1/2: redhat -> build e2e-1 (exit 0)",
  "2026-03-27 07:58:00,123 INFO   1) atvm7-ubuntu24.04",
  "INFO:root:  (Results)",
  "[ctl] Cloud Run Finished",
  "",
  "  ",
  "────────────────────────",
];
const DECOR = ["", "\u001b[31m", "\u001b[39m", "\u001b]8;;x\u0007", "\r", "\u009b1m", "│ ", "🎥 ", "  "];

describe("fast path = full parser", () => {
  it("P5 every fixture log gives the same observations, issues and state with the fast path on and off", () => {
    for (const name of ["cypress12-native.log", "currents-categorized.log", "jenkins-mojibake-crlf.log"]) {
      const { fast, slow } = both(new Uint8Array(readFileSync(join(LOGS, name))));
      expect(fast.observations.length).toBeGreaterThan(3);
      expect(fast).toEqual(slow);
    }
  });

  test.prop(
    [
      fc.array(
        fc.tuple(
          fc.constantFrom(...LINES),
          fc.constantFrom(...DECOR),
          fc.constantFrom(...DECOR),
          fc.boolean(),
        ),
        { maxLength: 60 },
      ),
      fc.nat(),
    ],
    { numRuns: 300 },
  )("P5 generated logs, read whole or in two pieces, give the same result either way", (parts, cutSeed) => {
    const text = parts.map(([line, a, b, crlf]) => `${a}${line}${b}${crlf ? "\r" : ""}\n`).join("");
    const bytes = new TextEncoder().encode(text);
    const whole = both(bytes);
    expect(whole.fast).toEqual(whole.slow);
    const cut = bytes.length === 0 ? 0 : cutSeed % bytes.length;
    const pieces = both(bytes, cut);
    expect(pieces.fast).toEqual(pieces.slow);
  });
});
