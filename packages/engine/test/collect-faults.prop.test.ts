// Property: access failures injected into the memory source (unlistable folders, unstattable
// files, unreadable files) never change what the collector observes for the OTHER files
// (issue "Status you can trust" §3: a failure in one folder never empties another).
import { readFileSync } from "node:fs";
import type { Observation } from "@atvm-watch/artifacts";
import { createMemorySource } from "@atvm-watch/testing";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { createCollector, DEFAULT_LAYOUT } from "../src/collect.ts";

const FIX = new URL("../../../test/fixtures/reporters/", import.meta.url);
const XML = readFileSync(
  new URL("fail-step7/junit/test-result-7f8ed8ad4e06daf2ab00c220ad324d1a.xml", FIX),
  "utf8",
);
const HOSTS = ["atvm1-redhat9.0", "atvm2-ubuntu24.04", "atvm3-rocky9.4", "atvm4-debian12", "atvm5-sles15"];
const LAYOUT = { ...DEFAULT_LAYOUT, "runner-log": [], "launch-log": [] };

/** Files: per host one XML in `xml/` and one in a per-host folder under `logs/` (nested). */
function files(): Record<string, string> {
  const out: Record<string, string> = {};
  HOSTS.forEach((host, i) => {
    const xml = XML.replaceAll("atvm7-ubuntu24.04", host);
    out[`cypress/cmcReporter/xml/test-result-${i}.xml`] = xml;
    out[`cypress/cmcReporter/nested/${host}/test-result-n${i}.xml`] = xml;
  });
  return out;
}

const byFile = (observations: readonly Observation[]): Map<string, string> => {
  const map = new Map<string, string[]>();
  for (const o of observations) {
    const file = "file" in o ? o.file : "?";
    map.set(file, [...(map.get(file) ?? []), JSON.stringify(o)]);
  }
  return new Map([...map].map(([k, v]) => [k, v.join("\n")]));
};

const PATHS = Object.keys(files());
const FOLDERS = [...new Set(PATHS.map((p) => p.slice(0, p.lastIndexOf("/"))))];
const arbFault = fc.oneof(
  fc.record({ path: fc.constantFrom(...FOLDERS), on: fc.constant("list" as const) }),
  fc.record({ path: fc.constantFrom(...PATHS), on: fc.constantFrom("list" as const, "read" as const) }),
);

describe("collector under injected access failures (property)", () => {
  test.prop(
    [
      fc.uniqueArray(arbFault, { maxLength: 6, selector: (f) => f.path }),
      fc.constantFrom("EACCES", "ELOOP", "ENAMETOOLONG", "EIO"),
    ],
    {
      numRuns: 150,
    },
  )(
    "failures change nothing for the other files, and each failure is an unreadable issue",
    async (faults, code) => {
      const clean = await createCollector(createMemorySource(files()), LAYOUT).poll({ now: 1 });
      const source = createMemorySource(files());
      for (const f of faults) source.fail(f.path, f.on, code);
      const faulty = await createCollector(source, LAYOUT).poll({ now: 1 });
      const hit = (path: string): boolean =>
        faults.some((f) => path === f.path || path.startsWith(`${f.path}/`));
      const want = [...byFile(clean.observations)].filter(([file]) => !hit(file));
      const got = [...byFile(faulty.observations)];
      expect(got).toEqual(want);
      const unreadable = faulty.issues.filter((i) => i.kind === "unreadable");
      // A fault inside a folder that cannot be listed is hidden by that folder's one issue.
      const outermost = faults.filter(
        (f) => !faults.some((g) => g.on === "list" && f.path.startsWith(`${g.path}/`)),
      );
      expect(unreadable.map((i) => i.file).sort()).toEqual(outermost.map((f) => f.path).sort());
      for (const i of unreadable) expect(i.problem.startsWith(`${code}:`)).toBe(true);
    },
  );
});
