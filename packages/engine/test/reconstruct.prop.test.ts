import { compactHostResult, type HostResultObservation, type Observation } from "@atvm-watch/artifacts";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import type { RunnerActivity, Scope } from "../src/domain.ts";
import { type ReconstructOptions, reconstruct } from "../src/reconstruct/index.ts";
import {
  bookkeeping,
  cypressConfig,
  hostResult,
  inventory,
  invocation,
  LogBuilder,
  min,
} from "./helpers/observations.ts";

const HOSTS = ["atvm9-redhat9.7", "atvm10-redhat8.10", "atvm7-ubuntu24.04", "atvm145-suse15.4"] as const;
const RUN_START = Date.UTC(2026, 2, 27, 9, 0, 0);
const SCOPE: Scope = {
  hosts: HOSTS.slice(0, 3),
  skipped: [{ host: "atvm144-suse15.0", reason: "CRASHES WHEN CREATING MIGRATION SESSION - BUG" }],
  source: "generated-specs",
};

const hostArb = fc.constantFrom(...HOSTS);
const fileArb = fc.constantFrom("a", "b", "c", "d", "e");

/** A host result at or after the run start (or without a timestamp) with any verdict. */
const sameRunResult = (startMin: number): fc.Arbitrary<HostResultObservation> =>
  fc
    .record({
      host: hostArb,
      source: fc.constantFrom("junit" as const, "mochawesome" as const, "mocha-json" as const),
      start: fc.option(fc.integer({ min: startMin, max: 300 }), { nil: null }),
      durationMin: fc.integer({ min: 1, max: 60 }),
      kind: fc.constantFrom("pass", "fail", "empty", "pending"),
      failStep: fc.integer({ min: 1, max: 3 }),
      hook: fc.boolean(),
      file: fileArb,
      mtime: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    })
    .map((r) =>
      hostResult({
        host: r.host,
        source: r.source,
        startedAt: r.start === null ? null : RUN_START + min(r.start),
        durationMs: min(r.durationMin),
        file: `cypress/cmcReporter/${r.source === "junit" ? "xml/test-result-" : `logs/${r.host}/`}${r.file}.${r.source === "junit" ? "xml" : "json"}`,
        mtimeMs: r.mtime === null ? null : RUN_START + min(r.mtime),
        ...(r.kind === "empty" ? { steps: 0 } : {}),
        ...(r.kind === "pending" ? { executed: 0 } : {}),
        ...(r.kind === "fail"
          ? {
              failure: {
                step: r.failStep,
                message: `step ${r.failStep} failed`,
                ...(r.hook ? { hook: "before each" as const } : {}),
              },
            }
          : {}),
      }),
    );

type LogOp =
  | ["started", string]
  | ["result", string, number]
  | ["failed", string]
  | ["crash", string]
  | ["url", string]
  | ["footer", boolean]
  | ["batch-start", string]
  | ["batch-end", string];

const logOpArb: fc.Arbitrary<LogOp> = fc.oneof(
  hostArb.map((h): LogOp => ["started", h]),
  fc.tuple(hostArb, fc.integer({ min: 0, max: 2 })).map(([h, f]): LogOp => ["result", h, f]),
  hostArb.map((h): LogOp => ["failed", h]),
  hostArb.map((h): LogOp => ["crash", h]),
  fc.constantFrom("https://c.example/run/1", "https://c.example/run/2").map((u): LogOp => ["url", u]),
  fc.boolean().map((b): LogOp => ["footer", b]),
  fc.constantFrom("redhat", "ubuntu").map((g): LogOp => ["batch-start", g]),
  fc.constantFrom("redhat", "ubuntu").map((g): LogOp => ["batch-end", g]),
);

function logOf(ops: readonly LogOp[]): readonly Observation[] {
  const log = new LogBuilder("/tmp/e2e-0327.log");
  for (const op of ops) {
    switch (op[0]) {
      case "started":
        log.specStarted(op[1]);
        break;
      case "result":
        log.specResult(op[1], { passed: 3 - op[2], failed: op[2] });
        break;
      case "failed":
        log.testFailed(op[1], 2, "Power on", "Error: no IP");
        break;
      case "crash":
        log.crash(op[1]);
        break;
      case "url":
        log.runUrl(op[1]);
        break;
      case "footer":
        log.footer(op[1]);
        break;
      case "batch-start":
        log.batchStarted(`e2e-0327-${op[1]}`, op[1]);
        break;
      case "batch-end":
        log.batchFinished(`e2e-0327-${op[1]}`);
        break;
    }
  }
  return log.observations;
}

const runArb = fc.record({
  results: fc.array(sameRunResult(0), { maxLength: 10 }),
  bookkeeping: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 320 }),
      key: fc.constantFrom("0123456789abcdef0123456789abcdef", "e2e-0327-redhat", "e2e-0327-ubuntu"),
      passed: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  log: fc.array(logOpArb, { maxLength: 14 }),
  currentVm: fc.option(hostArb, { nil: null }),
  categorized: fc.boolean(),
  activity: fc.option(
    fc.record({ runnerAlive: fc.boolean(), cypressAlive: fc.boolean(), defunctChild: fc.boolean() }),
    { nil: null },
  ),
});

type RunInput = typeof runArb extends fc.Arbitrary<infer T> ? T : never;

function observationsOf(input: RunInput): Observation[] {
  return [
    ...input.results,
    ...input.bookkeeping.map((b) =>
      bookkeeping(RUN_START + min(b.at), {
        file: `cypress/cmcReporter/xml/test-result-${b.key}.xml`,
        passed: b.passed,
      }),
    ),
    ...logOf(input.log),
    cypressConfig(["atvm7-ubuntu24.04"], input.currentVm),
    inventory({ "atvm9-redhat9.7": "5.14.0-503.el9", "atvm7-ubuntu24.04": "6.8.0-31-generic" }),
    invocation(
      "python3 ./cmc-templates.py --template_name cmc-e2e --containsVm atvm --ignore_force_shutdown",
      1,
    ),
    invocation("python3 ./run-sorry-cypress.py --build_name e2e-0327 --categorize", 2),
  ];
}

const optionsOf = (input: RunInput): ReconstructOptions => ({
  build: "e2e-0327",
  now: RUN_START + min(330),
  runStartMs: RUN_START,
  categorized: input.categorized,
  activity: input.activity as RunnerActivity | null,
});

describe("reconstruct properties", () => {
  test.prop([
    runArb.chain((input) => {
      const observations = observationsOf(input);
      return fc.tuple(
        fc.constant(input),
        fc.shuffledSubarray(observations, { minLength: observations.length, maxLength: observations.length }),
      );
    }),
  ])(
    "R11 R10 order independence: the same observations in any order give the same snapshot",
    ([input, shuffled]) => {
      const options = optionsOf(input);
      expect(reconstruct(SCOPE, shuffled, options)).toEqual(
        reconstruct(SCOPE, observationsOf(input), options),
      );
    },
  );

  test.prop([
    runArb,
    fc.array(
      fc
        .record({
          host: hostArb,
          startBefore: fc.integer({ min: 61, max: 600 }),
          durationMin: fc.integer({ min: 1, max: 60 }),
          fail: fc.boolean(),
          mtime: fc.integer({ min: 0, max: 400 }),
          file: fileArb,
        })
        .map((r) =>
          hostResult({
            host: r.host,
            startedAt: RUN_START - min(r.startBefore),
            durationMs: min(r.durationMin),
            file: `cypress/cmcReporter/xml/test-result-${r.file}.xml`,
            // fresh mtimes (a git clone, a copy): must not make a stale result count (R33)
            mtimeMs: RUN_START + min(r.mtime),
            ...(r.fail ? { failure: { step: 2, message: "stale failure" } } : {}),
          }),
        ),
      { minLength: 1, maxLength: 6 },
    ),
  ])("R33 a stale pre-run artifact never changes a host (or anything else)", (input, stale) => {
    const options = optionsOf(input);
    const fresh = observationsOf(input);
    const staleBookkeeping = bookkeeping(RUN_START - min(5), {
      passed: false,
      failedHosts: ["atvm9-redhat9.7"],
    });
    expect(reconstruct(SCOPE, [...stale, staleBookkeeping, ...fresh], options)).toEqual(
      reconstruct(SCOPE, fresh, options),
    );
  });
  /**
   * Results as other producers and hand-made observations give them, beside the parsers' own:
   * counts that understate the testcases (`zero`: verdicts then come from the testcase list) or
   * declare more tests than listed (`shortfall`), and a passing step retried (mocha json `currentRetry`).
   */
  const variedResult = fc
    .tuple(
      sameRunResult(0),
      fc.constantFrom("exact", "zero", "shortfall"),
      fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    )
    .map(([r, counts, retried]): HostResultObservation => {
      const testcases = r.testcases.map((tc, i) =>
        i === retried && tc.state === "passed" ? { ...tc, retries: 1 } : tc,
      );
      const c =
        counts === "zero"
          ? { total: 0, passed: 0, failed: 0, skipped: 0 }
          : counts === "shortfall"
            ? { ...r.counts, total: r.counts.total + 2 }
            : r.counts;
      return { ...r, counts: c, testcases };
    });

  test.prop([runArb, fc.array(variedResult, { maxLength: 6 })])(
    "R17 W7 issue 11: compacted results (failed and retried testcases kept, the rest counted) give the same snapshot",
    (input, varied) => {
      const options = optionsOf(input);
      const full = [...observationsOf(input), ...varied];
      const compacted = full.map((o) => (o.kind === "host-result" ? compactHostResult(o) : o));
      expect(reconstruct(SCOPE, compacted, options)).toEqual(reconstruct(SCOPE, full, options));
    },
  );
});
