/**
 * Reporter JSON parse benchmark.
 *
 * Writes the status-bench corpus (`writeCorpus`: per host 10 mochawesome 7 JSON files of 22
 * tests with `code`, `uuid`s and 18% failing with a 12-frame stack) into a temp directory, then
 * times, in ONE process and in interleaved rounds, a read + parse loop over every mochawesome
 * file for: plain read, `JSON.parse` only, the reference (zod-per-node) parser kept as the
 * differential-test oracle, and `parseReporterJson`. Prints the median per variant in ms, MB/s,
 * and ratios to `JSON.parse` (whole loop, and parse-only with the read subtracted).
 *
 * Usage: `npx tsx test/bench/reporter-bench.ts [--hosts N] [--rounds N] [--keep]`
 * (200 hosts = 2,000 files by default).
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseReporterJson } from "../../packages/artifacts/src/reporter-json.ts";
import type { ArtifactMeta } from "../../packages/artifacts/src/types.ts";
import { parseReporterJsonReference } from "../../packages/artifacts/test/reference/reporter-json-reference.ts";
import { writeCorpus } from "./status-corpus.ts";

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const HOSTS = flag("--hosts", 200);
const ROUNDS = flag("--rounds", 7);
const keep = args.includes("--keep");

const root = mkdtempSync(join(tmpdir(), "atvm-reporter-bench-"));
const info = writeCorpus(root, HOSTS);
const dir = join(root, "cypress/cmcReporter/mochawesome");
const files = readdirSync(dir)
  .filter((n) => n.endsWith(".json"))
  .sort()
  .map((n) => ({ full: join(dir, n), path: `cypress/cmcReporter/mochawesome/${n}` }));
const MB = info.jsonBytes / 1e6;

type Variant = (text: string, meta: ArtifactMeta) => number;

const variants: Record<string, Variant> = {
  "plain read": (text) => text.length,
  "JSON.parse only": (text) => (JSON.parse(text) === null ? 0 : 1),
  "reference parser (zod per node)": (text, meta) =>
    parseReporterJsonReference(text, meta).observations.length,
  "parseReporterJson (new)": (text, meta) => parseReporterJson(text, meta).observations.length,
};

// Sanity: both parsers agree on every file and find one host result each.
let checked = 0;
for (const f of files) {
  const text = readFileSync(f.full, "utf8");
  const meta = { path: f.path, knownHosts: info.hosts };
  const a = JSON.stringify(parseReporterJsonReference(text, meta));
  const b = JSON.stringify(parseReporterJson(text, meta));
  if (a !== b) throw new Error(`parsers disagree on ${f.path}`);
  checked++;
}

function loop(run: Variant): { ms: number; sink: number } {
  let sink = 0;
  const start = performance.now();
  for (const f of files) {
    const text = readFileSync(f.full, "utf8");
    sink += run(text, { path: f.path, knownHosts: info.hosts });
  }
  return { ms: performance.now() - start, sink };
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (const run of Object.values(variants)) loop(run); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, run] of Object.entries(variants)) times[name]?.push(loop(run).ms);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const read = med["plain read"] ?? 0;
const json = med["JSON.parse only"] ?? 1;
console.log(
  `reporter JSON bench: ${files.length} mochawesome files, ${MB.toFixed(1)} MB, ${HOSTS} hosts, ` +
    `median of ${ROUNDS} interleaved rounds (Node ${process.version}); ${checked} files cross-checked equal`,
);
console.log("variant                            ms     MB/s   ×JSON.parse  ×JSON.parse (parse only)");
for (const [name, ms] of Object.entries(med)) {
  const parseOnly = json - read > 0 ? (ms - read) / (json - read) : Number.NaN;
  console.log(
    `${name.padEnd(32)} ${ms.toFixed(0).padStart(6)} ${(MB / (ms / 1000)).toFixed(0).padStart(8)} ` +
      `${(ms / json).toFixed(2).padStart(12)} ${name === "plain read" ? "" : parseOnly.toFixed(2).padStart(25)}`,
  );
}
const ref = med["reference parser (zod per node)"] ?? 0;
const now = med["parseReporterJson (new)"] ?? 0;
console.log(`new / reference: ${(now / ref).toFixed(2)} (${(ref / now).toFixed(1)}× faster)`);

if (keep) console.log(`corpus kept at ${root}`);
else rmSync(root, { recursive: true, force: true });
