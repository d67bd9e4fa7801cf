/**
 * Poll benchmark (issue "Fleet scale", P3 and P4′): on the status corpus (2,000 hosts × 10 XML +
 * 10 mochawesome JSON by default), in one process and interleaved with the floor:
 * - an idle collector poll (nothing changed) against an `lstat` of every file (goal ≤ 2.0×);
 * - a changed-file poll (one XML's mtime moved, one runner-log line appended) against the same floor;
 * - with `--uncached`, the same idle poll over a second source with the folder cache off
 *   (`folderCache: false`: every folder read again), interleaved round by round (a second
 *   collector: its memory then counts in the series below);
 * - the process RSS and the heap after a forced GC over `--polls` idle polls (goal: flat, ≤ 250 MB).
 * Prints medians, ratios and the RSS series.
 *
 *   node --expose-gc --import tsx --conditions=@atvm-watch/source test/bench/poll-bench.ts \
 *     [--hosts 2000] [--runs 7] [--polls 100] [--uncached] [--root DIR --build NAME]
 *
 * `--root`/`--build` reuse a corpus written by test/bench/status-corpus.ts (fleet-bench.ts passes them).
 */
import { appendFileSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createCollector, DEFAULT_LAYOUT } from "../../packages/engine/src/index.ts";
import { createNodeFsSource } from "../../packages/node-fs/src/source.ts";
import { writeCorpus } from "./status-corpus.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const gc = (globalThis as { gc?: () => void }).gc;

const hosts = Number(arg("--hosts") ?? 2000);
const runs = Number(arg("--runs") ?? 7);
const polls = Number(arg("--polls") ?? 100);
const given = arg("--root");
const root = given ?? mkdtempSync(join(tmpdir(), "atvm-poll-bench-"));
try {
  const build = given !== undefined ? (arg("--build") as string) : writeCorpus(root, hosts).build;
  const files = readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((p) => join(root, p))
    .filter((p) => lstatSync(p).isFile());
  const xml = files.find((p) => p.endsWith(".xml")) as string;
  const log = join(root, "tmp", `${build}.log`);
  const layout = { ...DEFAULT_LAYOUT, "runner-log": [`${root}/tmp/{build}.log`], "launch-log": [] };
  const collector = createCollector(createNodeFsSource({ root, extraRoots: [join(root, "tmp")] }), layout);
  const uncached = process.argv.includes("--uncached")
    ? createCollector(
        createNodeFsSource({ root, extraRoots: [join(root, "tmp")], folderCache: false }),
        layout,
      )
    : undefined;
  let now = 0;
  await collector.poll({ build, now: now++ }); // warm: everything read once
  await uncached?.poll({ build, now: now++ });
  const floor = (): number => {
    const t = performance.now();
    for (const f of files) lstatSync(f);
    return performance.now() - t;
  };
  const idle: number[] = [];
  const idleUncached: number[] = [];
  const changed: number[] = [];
  const floors: number[] = [];
  for (let r = 0; r < runs; r++) {
    floors.push(floor());
    let t = performance.now();
    const got = await collector.poll({ build, now: now++ });
    idle.push(performance.now() - t);
    if (got.stats.reread !== 0) throw new Error(`idle poll re-read ${got.stats.reread} files`);
    if (uncached !== undefined) {
      t = performance.now();
      await uncached.poll({ build, now: now++ });
      idleUncached.push(performance.now() - t);
    }
    const at = statSync(xml).mtimeMs / 1000 + 1;
    utimesSync(xml, at, at);
    appendFileSync(log, `bench line ${r}\n`);
    floors.push(floor());
    t = performance.now();
    const next = await collector.poll({ build, now: now++ });
    changed.push(performance.now() - t);
    if (next.stats.reread !== 2) throw new Error(`changed poll re-read ${next.stats.reread} files, not 2`);
    await uncached?.poll({ build, now: now++ }); // catch up with the change outside the timing
  }
  const l = median(floors);
  const [p, c] = [median(idle), median(changed)];
  console.log(`${files.length} files, lstat floor ${l.toFixed(1)} ms (median of ${floors.length})`);
  console.log(
    `P3 idle poll ${p.toFixed(1)} ms, ratio ${(p / l).toFixed(2)} (goal ≤ 2.0: ${p / l <= 2 ? "met" : "MISSED"})`,
  );
  console.log(`changed-file poll (1 XML + runner log) ${c.toFixed(1)} ms, ratio ${(c / l).toFixed(2)}`);
  if (uncached !== undefined) {
    const u = median(idleUncached);
    console.log(`idle poll with the folder cache off ${u.toFixed(1)} ms, ratio ${(u / l).toFixed(2)}`);
  }
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
  const series: string[] = [];
  for (let i = 1; i <= polls; i++) {
    await collector.poll({ build, now: now++ });
    if (i === 1 || i === 20 || i === 50 || i === polls) {
      gc?.();
      const m = process.memoryUsage();
      series.push(
        `poll ${i}: RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB (of ${mb(m.heapTotal)}), external ${mb(m.external)} MB`,
      );
    }
  }
  console.log(
    `P4′ watcher memory over ${polls} idle polls${gc === undefined ? " (no --expose-gc: heap not collected)" : " (heap after a forced GC)"}: ${series.join("; ")}`,
  );
} finally {
  if (given === undefined) rmSync(root, { recursive: true, force: true });
}
