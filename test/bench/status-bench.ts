/**
 * Whole-process benchmark of `atvm status --format json` on a fleet-sized controller folder
 * (200 hosts × 10 XML + 10 mochawesome JSON per host by default; `--hosts N`), side by side in one
 * run with a junit2json-based read of the same XML (test/bench/junit2json-read.mjs).
 * Target (issue 4): atvm ≤ 0.5× the junit2json read's time. Prints medians and the ratio.
 *
 *   npx tsx test/bench/status-bench.ts [--hosts 200] [--runs 5]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCorpus } from "./status-corpus.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const hosts = arg("--hosts", 200);
const runs = arg("--runs", 5);
const root = mkdtempSync(join(tmpdir(), "atvm-status-bench-"));
const corpus = writeCorpus(root, hosts);
console.log(
  `corpus: ${corpus.hosts.length} hosts, ${corpus.xmlFiles} XML (${(corpus.xmlBytes / 1e6).toFixed(1)} MB), ${corpus.jsonFiles} mochawesome JSON (${(corpus.jsonBytes / 1e6).toFixed(1)} MB)`,
);

function time(label: string, argv: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, argv, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
    times.push(ms);
  }
  return times;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// Interleave warm-up runs so both see a warm page cache.
time("atvm", ["packages/cli/bin/atvm.js", "status", "--root", root, "--format", "json"]);
time("junit2json", ["test/bench/junit2json-read.mjs", root]);
const atvm = time("atvm", ["packages/cli/bin/atvm.js", "status", "--root", root, "--format", "json"]);
const j2j = time("junit2json", ["test/bench/junit2json-read.mjs", root]);
const a = median(atvm);
const j = median(j2j);
console.log(`| what | median ms (of ${runs}) | runs ms |`);
console.log("| --- | ---: | --- |");
console.log(
  `| atvm status --format json (XML + mochawesome + log + config + history) | ${a.toFixed(0)} | ${atvm.map((x) => x.toFixed(0)).join(", ")} |`,
);
console.log(
  `| junit2json read of the same XML only | ${j.toFixed(0)} | ${j2j.map((x) => x.toFixed(0)).join(", ")} |`,
);
console.log(
  `ratio atvm / junit2json = ${(a / j).toFixed(2)} (target ≤ 0.50: ${a / j <= 0.5 ? "met" : "MISSED"})`,
);
rmSync(root, { recursive: true, force: true });
