// Compacted host results (issue 11 P4): `testcases: "notable"` keeps the testcases reconstruction
// reads (failed, retried; all of an unfinished json-stream) and counts the rest in `omitted`;
// everything else is the full parse's. Over the real reporter output of test/fixtures/reporters/
// (mocha-junit-reporter 2.2.1, mochawesome 8.1.1, mocha 10 json / json-stream).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compactHostResult, listedPassedCount, listedTestcaseCount } from "../src/compact.ts";
import { parseJunitXml } from "../src/junit.ts";
import { parseReporterJson } from "../src/reporter-json.ts";
import type { HostResultObservation, Observation, ParseResult } from "../src/types.ts";

const ROOT = new URL("../../../test/fixtures/reporters/", import.meta.url).pathname;

interface Plan {
  readonly case: string;
  readonly steps: readonly { readonly step: number; readonly state: string; readonly attempts?: number }[];
  readonly outputs: readonly { readonly reporter: string; readonly file: string }[];
}

const plans: Plan[] = existsSync(ROOT)
  ? readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, "expected.json")))
      .map((d) => JSON.parse(readFileSync(join(ROOT, d.name, "expected.json"), "utf8")) as Plan)
  : [];

function parse(
  plan: Plan,
  file: string,
  reporter: string,
  detail: "all" | "notable",
): ParseResult<Observation> {
  const text = readFileSync(join(ROOT, plan.case, file), "utf8");
  const meta = { path: file };
  return reporter === "mocha-junit-reporter"
    ? parseJunitXml(text, meta, { testcases: detail })
    : parseReporterJson(text, meta, { testcases: detail });
}

const results = (r: ParseResult<Observation>): HostResultObservation[] =>
  r.observations.filter((o): o is HostResultObservation => o.kind === "host-result");

describe("compacted host results", () => {
  it("has reporter fixtures to compare", () => {
    expect(plans.length).toBeGreaterThan(10);
  });

  for (const plan of plans) {
    for (const { reporter, file } of plan.outputs) {
      it(`R17 W7 ${plan.case} ${reporter}: only failed and retried testcases are listed, the rest counted; all else as the full parse`, () => {
        const full = parse(plan, file, reporter, "all");
        const notable = parse(plan, file, reporter, "notable");
        expect(notable.issues).toEqual(full.issues);
        expect(notable.observations.map((o) => o.kind)).toEqual(full.observations.map((o) => o.kind));
        const [f, n] = [results(full), results(notable)];
        f.forEach((whole, i) => {
          const small = n[i] as HostResultObservation;
          const { testcases: ft, omitted: fo, ...fRest } = whole;
          const { testcases: nt, omitted: no, ...nRest } = small;
          expect(fo).toBeUndefined();
          expect(nRest).toEqual(fRest);
          expect(nt).toEqual(ft.filter((tc) => tc.state === "failed" || (tc.retries ?? 0) > 0));
          const left = ft.filter((tc) => tc.state !== "failed" && !((tc.retries ?? 0) > 0));
          const passed = left.filter((tc) => tc.state === "passed").length;
          if (left.length === 0) expect(no).toBeUndefined();
          else expect(no).toEqual({ passed, skipped: left.length - passed });
          expect(listedTestcaseCount(small)).toBe(ft.length);
          expect(listedPassedCount(small)).toBe(ft.filter((tc) => tc.state === "passed").length);
        });
      });
    }
  }

  it("R17 fail-step7 JUnit keeps exactly the failing step 7 of the plan", () => {
    const plan = plans.find((p) => p.case === "fail-step7") as Plan;
    const out = plan.outputs.find((o) => o.reporter === "mocha-junit-reporter") as Plan["outputs"][number];
    const [obs] = results(parse(plan, out.file, out.reporter, "notable"));
    const failedSteps = plan.steps.filter((s) => s.state === "failed").map((s) => s.step);
    expect(failedSteps).toEqual([7]);
    expect(obs?.testcases.map((tc) => [tc.step, tc.state])).toEqual([[7, "failed"]]);
    // mocha-junit-reporter omits pending tests: the passed steps 1–6 are what was left out.
    expect(obs?.omitted).toEqual({ passed: 6, skipped: 0 });
  });

  it("issue 10 retries mocha json keeps the step that passed at its second attempt (flaky evidence)", () => {
    const plan = plans.find((p) => p.case === "retries") as Plan;
    const out = plan.outputs.find((o) => o.file.startsWith("mocha-json/")) as Plan["outputs"][number];
    const [obs] = results(parse(plan, out.file, out.reporter, "notable"));
    const retriedPassing = plan.steps.filter((s) => s.state === "passed" && (s.attempts ?? 1) > 1);
    expect(retriedPassing.map((s) => s.step)).toEqual([3]);
    expect(obs?.testcases.filter((tc) => tc.state === "passed").map((tc) => [tc.step, tc.retries])).toEqual([
      [3, 1],
    ]);
  });

  it("W7 an unfinished json-stream (no end event yet) keeps every testcase: its last reported step is read from them", () => {
    const plan = plans.find((p) => p.case === "fail-step7") as Plan;
    const out = plan.outputs.find((o) => o.file.endsWith(".jsonl")) as Plan["outputs"][number];
    const lines = readFileSync(join(ROOT, plan.case, out.file), "utf8").split("\n");
    const cut = lines
      .filter((l) => !l.startsWith('["end"'))
      .slice(0, 4)
      .join("\n");
    const full = results(parseReporterJson(cut, { path: out.file }));
    const notable = results(parseReporterJson(cut, { path: out.file }, { testcases: "notable" }));
    expect(full[0]?.unfinished).toBe(true);
    expect(full[0]?.testcases.some((tc) => tc.state === "passed")).toBe(true);
    expect(notable).toEqual(full);
  });

  it("W7 compacting twice adds the omitted counts up, never loses them", () => {
    const plan = plans.find((p) => p.case === "pass") as Plan;
    const out = plan.outputs.find((o) => o.reporter === "mocha-junit-reporter") as Plan["outputs"][number];
    const [obs] = results(parse(plan, out.file, out.reporter, "all"));
    const once = compactHostResult(obs as HostResultObservation);
    expect(once.testcases).toEqual([]);
    expect(once.omitted).toEqual({ passed: 22, skipped: 0 });
    expect(compactHostResult(once)).toBe(once);
    const doubled = compactHostResult({
      ...(obs as HostResultObservation),
      omitted: { passed: 1, skipped: 2 },
    });
    expect(doubled.omitted).toEqual({ passed: 23, skipped: 2 });
  });
});
