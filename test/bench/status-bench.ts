/**
 * Whole-process benchmark of `atvm status --format json` on a fleet-sized controller folder
 * (200 hosts × 10 XML + 10 mochawesome JSON per host by default; `--hosts N`), side by side in one
 * run with a junit2json-based read of the same XML (test/bench/junit2json-read.mjs).
 * Target (issue 4): atvm ≤ 0.5× the junit2json read's time. Prints medians and the ratio.
 *
 * Then the persistent parse cache (issue "Fleet scale": warm repeat ÷ junit2json ≤ 0.10), interleaved
 * round by round: cold (empty cache: parse everything, write the pack), warm (the pack holds every
 * file, nothing changed), `--no-cache`, the junit2json read, and `atvm --help` (Node start-up +
 * bundle load, the floor of any atvm call); and where the warm call's time goes
 * (test/bench/status-warm-phases.ts). The cache lives in a temporary XDG_CACHE_HOME.
 *
 *   npx tsx test/bench/status-bench.ts [--hosts 200] [--runs 5]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
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

const cacheHome = mkdtempSync(join(tmpdir(), "atvm-status-bench-cache-"));
const childEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };

function time(label: string, argv: string[], times: number[] = [], n = runs): number[] {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, argv, {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: childEnv,
    });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
    times.push(ms);
  }
  return times;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// Interleave warm-up runs so both see a warm page cache.
const status = ["packages/cli/bin/atvm.js", "status", "--root", root, "--format", "json"];
const noCache = [...status, "--no-cache"];
time("atvm", noCache);
time("junit2json", ["test/bench/junit2json-read.mjs", root]);
const atvm = time("atvm", noCache);
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

// The persistent parse cache, interleaved round by round.
const packDir = join(cacheHome, "atvm-watch");
const dropPack = () => rmSync(packDir, { recursive: true, force: true });
const series = {
  cold: [] as number[],
  warm: [] as number[],
  none: [] as number[],
  j2j: [] as number[],
  help: [] as number[],
};
for (let i = 0; i < runs; i++) {
  dropPack();
  time("cold", status, series.cold, 1);
  time("warm", status, series.warm, 1);
  time("no-cache", noCache, series.none, 1);
  time("junit2json", ["test/bench/junit2json-read.mjs", root], series.j2j, 1);
  time("help", ["packages/cli/bin/atvm.js", "--help"], series.help, 1);
}
const pack = readdirSync(packDir).find((n) => n.endsWith(".pack")) as string;
const packBytes = statSync(join(packDir, pack)).size;
const m = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, median(v)])) as Record<
  keyof typeof series,
  number
>;
const row = (what: string, xs: number[], med: number) =>
  `| ${what} | ${med.toFixed(0)} | ${(med / m.j2j).toFixed(2)} | ${xs.map((x) => x.toFixed(0)).join(", ")} |`;
console.log(`\nparse cache (pack ${(packBytes / 1e6).toFixed(1)} MB), interleaved, ${runs} rounds:`);
console.log(`| what | median ms | ÷ junit2json | runs ms |`);
console.log("| --- | ---: | ---: | --- |");
console.log(row("cold `atvm status` (empty cache: parse all, write the pack)", series.cold, m.cold));
console.log(row("warm `atvm status` (pack holds every file, nothing changed)", series.warm, m.warm));
console.log(row("`atvm status --no-cache`", series.none, m.none));
console.log(row("junit2json read of the XML", series.j2j, m.j2j));
console.log(row("`atvm --help` (Node start-up + bundle load)", series.help, m.help));
console.log(
  `warm ÷ junit2json = ${(m.warm / m.j2j).toFixed(2)} (target ≤ 0.10: ${m.warm / m.j2j <= 0.1 ? "met" : "MISSED"}); warm ÷ cold = ${(m.warm / m.cold).toFixed(2)}; cold ÷ no-cache = ${(m.cold / m.none).toFixed(2)}`,
);
const phase = (extra: string) => {
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@atvm-watch/source",
      "test/bench/status-warm-phases.ts",
      root,
      cacheHome,
      extra,
    ],
    { encoding: "utf8", env: childEnv },
  );
  if (r.status !== 0) throw new Error(`phases exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout) as Record<string, number>;
};
const phases = phase(corpus.build);
const whole = phase("main");
console.log(
  `warm phases (fresh process each, sources via tsx): pack load ${phases.packLoadMs?.toFixed(0)} ms (${phases.packEntries} files), one poll from the pack (list + stat ${phases.files} files, runner log, lookups; ${phases.reread} re-read) ${phases.pollFromPackMs?.toFixed(0)} ms, whole status in process ${whole.wholeStatusInProcessMs?.toFixed(0)} ms (remainder = config, locate, reconstruct, render: ${((whole.wholeStatusInProcessMs ?? 0) - (phases.packLoadMs ?? 0) - (phases.pollFromPackMs ?? 0)).toFixed(0)} ms), start-up (atvm --help) ${m.help.toFixed(0)} ms`,
);
rmSync(cacheHome, { recursive: true, force: true });
rmSync(root, { recursive: true, force: true });
