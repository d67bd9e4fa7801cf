/**
 * Watcher memory benchmark (issue "Fleet scale", P4′): one collector polls a corpus written by
 * test/bench/status-corpus.ts `--polls` times with NO forced GC (as a watcher runs), and prints the
 * mean poll time and, at polls 1, 25, 50, 75, 100, RSS / heap used / array buffers in MB.
 *   node --import tsx --conditions=@atvm-watch/source test/bench/watcher-rss.ts ROOT BUILD [POLLS] [poll|list]
 * (`list`: only the node-fs listing of `cypress/`). Add `--expose-gc` to collect before each sample.
 */
import { join } from "node:path";
import { createCollector, DEFAULT_LAYOUT } from "../../packages/engine/src/index.ts";
import { createNodeFsSource } from "../../packages/node-fs/src/source.ts";

const root = process.argv[2] as string;
const build = process.argv[3] as string;
const polls = Number(process.argv[4] ?? 100);
const mode = process.argv[5] ?? "poll";
const gc = (globalThis as { gc?: () => void }).gc;
const layout = { ...DEFAULT_LAYOUT, "runner-log": [`${root}/tmp/{build}.log`], "launch-log": [] };
const source = createNodeFsSource({ root, extraRoots: [join(root, "tmp")] });
const collector = createCollector(source, layout);
await collector.poll({ build, now: 0 });
const mb = (n: number) => (n / 1048576).toFixed(0);
const out: string[] = [];
const t0 = performance.now();
for (let i = 1; i <= polls; i++) {
  if (mode === "list") await source.list("cypress");
  else await collector.poll({ build, now: i });
  if (i % 25 === 0 || i === 1) {
    gc?.();
    const m = process.memoryUsage();
    out.push(`${i}:${mb(m.rss)}/${mb(m.heapUsed)}/${mb(m.arrayBuffers)}`);
  }
}
console.log(
  `${((performance.now() - t0) / polls).toFixed(0)} ms/poll`,
  mode,
  process.execArgv
    .filter((a) => a.startsWith("--") && !a.includes("import") && !a.includes("cond"))
    .join(" "),
  out.join(" "),
);
