/**
 * Fleet-scale benchmark (issue "Fleet scale"): `atvm status --format json` as a whole process on a
 * 2,000-host controller folder (20,000 XML + 20,000 mochawesome JSON by default; `--hosts N`), side by
 * side in one run with a bare fast-xml-parser read of the same XML (test/bench/fxp-read.mjs), and the
 * peak RSS of each (getrusage ru_maxrss through test/bench/maxrss.cjs). Interleaved A B A B, medians.
 *
 *   npx tsx test/bench/fleet-bench.ts [--hosts 2000] [--runs 3] [--polls 100] [--extra "..."]
 *
 * Then, on the same corpus, test/bench/poll-bench.ts: the idle and changed-file collector poll against
 * an `lstat` of every file (P3), and the watcher's RSS/heap over `--polls` idle polls (P4′).
 *
 * Targets: P2 atvm ÷ fast-xml-parser ≤ 1.00; P4 peak RSS ≤ 250 MB; P3 ≤ 2.0; P4′ flat, ≤ 250 MB.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCorpus } from "./status-corpus.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const hosts = Number(arg("--hosts", "2000"));
const runs = Number(arg("--runs", "3"));
const extra = arg("--extra", "")
  .split(" ")
  .filter((s) => s !== "");
const root = mkdtempSync(join(tmpdir(), "atvm-fleet-bench-"));
const corpus = writeCorpus(root, hosts);
console.log(
  `corpus: ${corpus.hosts.length} hosts, ${corpus.xmlFiles} XML (${(corpus.xmlBytes / 1e6).toFixed(1)} MB), ${corpus.jsonFiles} mochawesome JSON (${(corpus.jsonBytes / 1e6).toFixed(1)} MB); node ${process.version}`,
);

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
}

function once(label: string, argv: readonly string[]): Sample {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--require", "./test/bench/maxrss.cjs", ...argv], {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const kb = Number(/ATVM_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  return { ms, rssMb: kb / 1024 };
}

const atvmArgv = ["packages/cli/bin/atvm.js", "status", "--root", root, "--format", "json", ...extra];
const fxpArgv = ["test/bench/fxp-read.mjs", root];
once("atvm", atvmArgv); // warm the page cache for both
once("fxp", fxpArgv);
const a: Sample[] = [];
const f: Sample[] = [];
for (let i = 0; i < runs; i++) {
  a.push(once("atvm", atvmArgv));
  f.push(once("fxp", fxpArgv));
}
const median = (xs: readonly number[]): number =>
  [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
const ratios = a.map((s, i) => s.ms / (f[i] as Sample).ms);
console.log(`| what | median ms (of ${runs}) | runs ms | peak RSS MB (median) |`);
console.log("| --- | ---: | --- | ---: |");
console.log(
  `| atvm status --format json ${extra.join(" ")} | ${median(a.map((s) => s.ms)).toFixed(0)} | ${a.map((s) => s.ms.toFixed(0)).join(", ")} | ${median(a.map((s) => s.rssMb)).toFixed(0)} |`,
);
console.log(
  `| fast-xml-parser read of the same XML | ${median(f.map((s) => s.ms)).toFixed(0)} | ${f.map((s) => s.ms.toFixed(0)).join(", ")} | ${median(f.map((s) => s.rssMb)).toFixed(0)} |`,
);
const r = median(ratios);
console.log(
  `P2 ratio atvm / fast-xml-parser (pairwise median) = ${r.toFixed(2)} (target ≤ 1.00: ${r <= 1 ? "met" : "MISSED"})`,
);
const rss = median(a.map((s) => s.rssMb));
console.log(
  `P4 peak RSS of atvm status = ${rss.toFixed(0)} MB (target ≤ 250: ${rss <= 250 ? "met" : "MISSED"})`,
);
const polls = arg("--polls", "100");
const poll = spawnSync(
  process.execPath,
  [
    "--expose-gc",
    "--import",
    "tsx",
    "--conditions=@atvm-watch/source",
    "test/bench/poll-bench.ts",
    ...["--root", root, "--build", corpus.build, "--runs", String(Math.max(runs, 5)), "--polls", polls],
  ],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
process.stdout.write(poll.stdout);
rmSync(root, { recursive: true, force: true });
