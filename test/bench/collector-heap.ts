/**
 * Retained heap of one cold collector poll (issue 11 P4): polls a corpus written by
 * test/bench/status-corpus.ts once, then prints heapUsed after a full GC, split into what the
 * host-result observations' testcase lists hold and the rest.
 *
 *   node --expose-gc --import tsx --conditions=@atvm-watch/source test/bench/collector-heap.ts [--hosts 200] [--root DIR --build NAME]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCollector, DEFAULT_LAYOUT } from "../../packages/engine/src/index.ts";
import { createNodeFsSource } from "../../packages/node-fs/src/source.ts";
import { writeCorpus } from "./status-corpus.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const collect = gc;
const heap = (): number => {
  for (let i = 0; i < 3; i++) collect();
  return process.memoryUsage().heapUsed;
};
const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);

const given = arg("--root");
const root = given ?? mkdtempSync(join(tmpdir(), "atvm-collector-heap-"));
try {
  const build =
    given !== undefined ? (arg("--build") as string) : writeCorpus(root, Number(arg("--hosts") ?? 200)).build;
  const layout = { ...DEFAULT_LAYOUT, "runner-log": [`${root}/tmp/{build}.log`], "launch-log": [] };
  const before = heap();
  const collector = createCollector(createNodeFsSource({ root, extraRoots: [join(root, "tmp")] }), layout);
  const t0 = performance.now();
  const result = await collector.poll({ build, now: 0 });
  const ms = performance.now() - t0;
  const after = heap();
  let results = 0;
  let testcases = 0;
  let failures = 0;
  for (const o of result.observations) {
    if (o.kind !== "host-result") continue;
    results++;
    testcases += o.testcases.length;
    for (const tc of o.testcases) if (tc.failure !== undefined) failures++;
  }
  console.log(
    `poll ${ms.toFixed(0)} ms, ${result.stats.files} files, ${results} host results, ${testcases} testcases kept (${failures} with a failure); retained ${mb(after - before)} MB (heapUsed ${mb(before)} → ${mb(after)} MB), rss ${mb(process.memoryUsage().rss)} MB`,
  );
  if (result.observations.length < 0) console.log("unreachable"); // keeps `result` alive through the measure
} finally {
  if (given === undefined) rmSync(root, { recursive: true, force: true });
}
