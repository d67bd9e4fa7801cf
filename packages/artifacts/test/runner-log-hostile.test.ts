import { describe, expect, it } from "vitest";
import {
  DEFAULT_RUNNER_LOG_PATTERNS,
  parseRunnerLogChunk,
  RUNNER_LOG_PATTERN_NAMES,
  runnerLogPatternProblem,
} from "../src/runner-log.ts";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const parse = (text: string, patterns?: Record<string, string>) => {
  const bytes = utf8(text);
  return parseRunnerLogChunk(bytes, { path: "tmp/hostile.log", sizeBytes: bytes.length }, null, patterns);
};

// Lines that made the old defaults backtrack (quadratic or worse in V8): each must finish within
// vitest's default timeout; no timed assertion (the benchmark prints the per-line cost).
const SPACES = " ".repeat(60_000);
const HOSTILE: readonly string[] = [
  SPACES,
  `x${SPACES}x`,
  `Running: ${SPACES}x`,
  `Running: a${SPACES}x`,
  `Running: a (1 of ${SPACES}`,
  "1".repeat(60_000),
  `1${SPACES}of${SPACES}1`,
  `Run cancelled:${SPACES}x`,
  `[run-sorry-cypress] Starting categorized batch 1/2:${SPACES}x`,
  `We detected that the ${"a ".repeat(30_000)}`,
  `  1) ${"a".repeat(60_000)}`,
];

describe("hostile lines: the default patterns are linear (Status you can trust §4)", () => {
  it("a line of 60,000 spaces and 100 such lines parse to nothing", () => {
    expect(parse(`${SPACES}\n`).observations).toEqual([]);
    const r = parse(`${SPACES}\n`.repeat(100));
    expect(r.observations).toEqual([]);
    expect(r.state.lines).toBe(100);
  });

  it("every pathological line finishes, and ordinary lines around it still parse", () => {
    const text = `${HOSTILE.join("\n")}\nRunning:  atvm41-redhat6.0.cy.ts  (1 of 2)\n`;
    const r = parse(text);
    expect(r.issues).toEqual([]);
    expect(r.observations.filter((o) => o.kind === "spec-started")).toMatchObject([
      { spec: "atvm41-redhat6.0.cy.ts", index: 1, total: 2 },
    ]);
  });

  it("the rewritten defaults still read cancel reasons and batch labels", () => {
    const r = parse(
      "Run cancelled: Cancelled by user. Waiting for uploads to complete...\n" +
        "[run-sorry-cypress] Starting categorized batch 2/3: redhat -> build e2e-0327-redhat\n",
    );
    expect(r.observations).toMatchObject([
      { kind: "run-cancelled", reason: "Cancelled by user" },
      { kind: "batch-started", batchId: "e2e-0327-redhat", label: "redhat" },
    ]);
  });
});

describe("operator patterns run on a linear-time engine (RE2)", () => {
  it("(x+x+)+y from the config is linear: 100 lines of 60,000 x finish", () => {
    expect(runnerLogPatternProblem("rendererCrash", "(x+x+)+y")).toBeNull();
    const r = parse(`${"x".repeat(60_000)}\n`.repeat(100) + "xxy\n", { rendererCrash: "(x+x+)+y" });
    expect(r.issues).toEqual([]);
    expect(r.observations).toMatchObject([{ kind: "renderer-crash", line: 101 }]);
  });

  it("a pattern RE2 cannot run (backreference, lookahead) is refused with a message naming it", () => {
    const problem = runnerLogPatternProblem("runUrl", String.raw`(?<url>a)\1`);
    expect(problem).toMatch(/runner-log pattern "runUrl".*refused/);
    expect(problem).toContain(String.raw`(?<url>a)\\1`);
    const r = parse("Run URL: https://x.test/run/1\n", { runUrl: "(?=x)(?<url>x)" });
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.problem).toMatch(/"runUrl".*\(\?=x\)\(\?<url>x\).*refused.*default is used/);
    expect(r.observations).toMatchObject([{ kind: "run-url", url: "https://x.test/run/1" }]);
  });

  it("every default compiles under RE2 too, and unknown names are problems", () => {
    for (const name of RUNNER_LOG_PATTERN_NAMES) {
      // (?<!\d) in runFooter is lookbehind, which RE2 refuses: the one default that needs V8.
      if (name === "runFooter") continue;
      expect(runnerLogPatternProblem(name, DEFAULT_RUNNER_LOG_PATTERNS[name])).toBeNull();
    }
    expect(runnerLogPatternProblem("runurl", "x")).toMatch(/unknown runner-log pattern "runurl"/);
  });
});
