// The collector over the real file system: a 4,000-file controller, polled twice
// (docs/benchmarks.md "Polling": stat everything, re-read only what changed).
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createCollector, DEFAULT_LAYOUT } from "@atvm-watch/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeFsSource } from "../src/source.ts";

// 1,000 XML files keep the suite fast; ATVM_BENCH=1 runs the 4,000-file measurement and prints it.
const HOSTS = process.env.ATVM_BENCH === "1" ? 400 : 100;
const FILES_PER_HOST = 10;
let base: string;
let root: string;
let tmp: string;

function xml(host: string, n: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Mocha Tests" time="10.000" tests="1" failures="0">
  <testsuite name="Root Suite" timestamp="2026-03-27T08:${String(n % 60).padStart(2, "0")}:00" tests="0" file="cypress/e2e/generated/${host}.cy.ts" time="0.000" failures="0">
  </testsuite>
  <testsuite name="${host} e2e" timestamp="2026-03-27T08:${String(n % 60).padStart(2, "0")}:00" tests="1" time="10.000" failures="0">
    <testcase name="${host} e2e 1. Login" time="10.000" classname="1. Login"></testcase>
  </testsuite>
</testsuites>
`;
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "atvm-poll-"));
  root = join(base, "root");
  tmp = join(base, "tmp");
  mkdirSync(join(root, "cypress/cmcReporter/xml"), { recursive: true });
  mkdirSync(join(root, "cypress/e2e/generated"), { recursive: true });
  mkdirSync(tmp);
  for (let h = 0; h < HOSTS; h += 1) {
    const host = `atvm${h + 1}-redhat9.${h % 10}`;
    writeFileSync(join(root, "cypress/e2e/generated", `${host}.cy.ts`), "// spec\n");
    for (let f = 0; f < FILES_PER_HOST; f += 1) {
      writeFileSync(join(root, "cypress/cmcReporter/xml", `test-result-${h}-${f}.xml`), xml(host, f));
    }
  }
  writeFileSync(join(tmp, "e2e-big.log"), "Running:  atvm1-redhat9.0.cy.ts   (1 of 400)\n");
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("incremental collection over node-fs", () => {
  it("a second poll over thousands of unchanged XML files stats them all and re-reads none", async () => {
    const layout = { ...DEFAULT_LAYOUT, "runner-log": [`${tmp}/{build}.log`], "launch-log": [] };
    const collector = createCollector(createNodeFsSource({ root, extraRoots: [tmp] }), layout);
    let t = performance.now();
    const first = await collector.poll({ build: "e2e-big", now: 1 });
    const firstMs = performance.now() - t;
    expect(first.files.junit).toHaveLength(HOSTS * FILES_PER_HOST);
    expect(first.stats.reread).toBe(HOSTS * FILES_PER_HOST + 1);

    t = performance.now();
    const second = await collector.poll({ build: "e2e-big", now: 2 });
    const secondMs = performance.now() - t;
    expect(second.stats).toEqual({ files: first.stats.files, reread: 0, bytesRead: 0 });
    expect(second.observations).toEqual(first.observations);

    // One XML rewritten and the log appended: exactly those two are read again.
    const changed = join(root, "cypress/cmcReporter/xml/test-result-7-3.xml");
    writeFileSync(changed, xml("atvm8-redhat9.7", 59));
    utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    appendFileSync(join(tmp, "e2e-big.log"), "Running:  atvm2-redhat9.1.cy.ts   (2 of 400)\n");
    const third = await collector.poll({ build: "e2e-big", now: 3 });
    expect(third.stats.reread).toBe(2);

    if (process.env.ATVM_BENCH === "1") {
      console.log(
        `${HOSTS * FILES_PER_HOST}-file poll: first ${firstMs.toFixed(0)} ms (${first.stats.bytesRead} bytes read), second ${secondMs.toFixed(1)} ms (reread ${second.stats.reread})`,
      );
    }
  });
});
