/**
 * Idle-poll benchmark (issue "Fleet scale"): one collector poll when nothing changed, against the
 * floor of an `lstat` of every file, on the status corpus (2,000 hosts × 10 XML + 10 mochawesome
 * JSON by default). Goal: ratio ≤ 2.0. Prints medians and the ratio.
 *
 *   npx tsx --conditions=@atvm-watch/source test/bench/poll-bench.ts [--hosts 2000] [--runs 7]
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createCollector, DEFAULT_LAYOUT } from "../../packages/engine/src/index.ts";
import { createNodeFsSource } from "../../packages/node-fs/src/source.ts";
import { writeCorpus } from "./status-corpus.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const hosts = arg("--hosts", 2000);
const runs = arg("--runs", 7);
const root = mkdtempSync(join(tmpdir(), "atvm-poll-bench-"));
try {
  const corpus = writeCorpus(root, hosts);
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).map((p) => join(root, p));
  const layout = { ...DEFAULT_LAYOUT, "runner-log": [`${root}/tmp/{build}.log`], "launch-log": [] };
  const collector = createCollector(createNodeFsSource({ root, extraRoots: [join(root, "tmp")] }), layout);
  await collector.poll({ build: corpus.build, now: 0 }); // warm: everything read once
  const idle: number[] = [];
  const floor: number[] = [];
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    for (const f of files) lstatSync(f);
    floor.push(performance.now() - t);
    t = performance.now();
    const got = await collector.poll({ build: corpus.build, now: r + 1 });
    idle.push(performance.now() - t);
    if (got.stats.reread !== 0) throw new Error(`idle poll re-read ${got.stats.reread} files`);
  }
  const [p, l] = [median(idle), median(floor)];
  console.log(
    `${files.length} paths: idle poll ${p.toFixed(1)} ms, lstat floor ${l.toFixed(1)} ms, ratio ${(p / l).toFixed(2)} (goal ≤ 2.0)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
