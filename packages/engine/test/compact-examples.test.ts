// Compacted host results end to end (issue 11 P4, "no result changes"): the run observer over
// every example controller root (real reporter output, examples/*) gives the same snapshot with
// the collector's default parsers (JUnit and reporter JSON with `testcases: "notable"`) as with
// parsers that list every testcase.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseJunitXml, parseReporterJson } from "@atvm-watch/artifacts";
import { createManualClock, createMemoryProbe, createMemorySource } from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import {
  type CollectLayout,
  type CollectParsers,
  DEFAULT_LAYOUT,
  defaultCollectParsers,
} from "../src/collect.ts";
import { createRunObserver } from "../src/observe.ts";

const EXAMPLES = join(import.meta.dirname, "../../../examples");
const LAYOUT: CollectLayout = {
  ...DEFAULT_LAYOUT,
  "runner-log": ["tmp/{build}.log"],
  "launch-log": ["tmp/{build}.launch.log"],
  "shell-history": [".bash_history"],
};
const FULL: CollectParsers = {
  ...defaultCollectParsers,
  junit: (text, meta) => parseJunitXml(text, meta),
  reporterJson: (text, meta) => parseReporterJson(text, meta),
};

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const abs = join(dir, name);
    if (statSync(abs).isFile()) out[relative(dir, abs)] = readFileSync(abs, "utf8");
  }
  return out;
}

const roots = readdirSync(EXAMPLES).filter((d) => {
  try {
    return statSync(join(EXAMPLES, d, "cypress")).isDirectory();
  } catch {
    return false;
  }
});

describe("compacted host results over the examples", () => {
  it("has example roots", () => {
    expect(roots.length).toBeGreaterThanOrEqual(3);
  });

  for (const name of roots) {
    it(`R17 W7 R11 ${name}: same snapshot with compacted and full testcase lists`, async () => {
      const content = files(join(EXAMPLES, name));
      const observe = (parsers: CollectParsers) =>
        createRunObserver({
          source: createMemorySource(content),
          probe: createMemoryProbe(),
          clock: createManualClock(Date.parse("2026-03-28T12:00:00Z"), 0),
          layout: LAYOUT,
          collector: { parsers },
        }).observe();
      const [compact, full] = [await observe(defaultCollectParsers), await observe(FULL)];
      const results = (o: typeof compact) => o.poll.observations.filter((x) => x.kind === "host-result");
      // The default parsers did compact (passing steps counted, not listed); the full ones did not.
      expect(results(compact).some((r) => r.kind === "host-result" && r.omitted !== undefined)).toBe(true);
      expect(results(full).every((r) => r.kind === "host-result" && r.omitted === undefined)).toBe(true);
      expect(compact.snapshot).toEqual(full.snapshot);
      expect(compact.poll.issues).toEqual(full.poll.issues);
    });
  }
});
