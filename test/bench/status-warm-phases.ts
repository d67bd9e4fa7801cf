/**
 * Where a warm `atvm status` (parse cache filled, nothing changed) spends its time, measured once in
 * a fresh process (cold JIT, like the real command) over the sources: pack load (read + JSON.parse
 * + checks), one collector poll answered from the pack (listing + stat of every file, the runner
 * log, cache lookups); or, with `main`, the whole status in process (`main`: config, locate, the
 * polls, reconstruct, render, flush) in its own fresh process, whose remainder after the first two
 * is reconstruct + render + the rest. Prints one JSON line. Run by status-bench.ts:
 *
 *   node --import tsx --conditions=@atvm-watch/source test/bench/status-warm-phases.ts <root> <cache home> <build>|main
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { decodeArtifactText } from "@atvm-watch/artifacts";
import { layoutOf } from "@atvm-watch/config";
import { createCollector, createCollectParsers } from "@atvm-watch/engine";
import { createNodeFsSource, openParseCache } from "@atvm-watch/node-fs";
import { main } from "../../packages/cli/src/main.ts";

const [root, cacheHome, mode] = process.argv.slice(2) as [string, string, string | undefined];
const env = { HOME: process.env.HOME, XDG_CACHE_HOME: cacheHome };
if (mode === "main") {
  let out = 0;
  const t0 = performance.now();
  await main(["status", "--root", root, "--format", "json"], {
    stdout: { write: (s: string) => (out += s.length) },
    stderr: { write: () => 0 },
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
  });
  process.stdout.write(
    `${JSON.stringify({ wholeStatusInProcessMs: performance.now() - t0, outputChars: out })}\n`,
  );
  process.exit(0);
}

const t0 = performance.now();
const cache = await openParseCache({ root, env });
const t1 = performance.now();
const source = createNodeFsSource({ root, extraRoots: [] });
const config = JSON.parse(readFileSync(join(root, "atvm.config.json"), "utf8"));
const collector = createCollector(source, layoutOf(config), {
  parsers: createCollectParsers(),
  decode: decodeArtifactText,
  parseCache: cache,
  ...(env.HOME !== undefined ? { homeDir: env.HOME } : {}),
});
const poll = await collector.poll({ now: Date.now(), build: mode as string });
const t2 = performance.now();
process.stdout.write(
  `${JSON.stringify({
    packLoadMs: t1 - t0,
    packEntries: cache.stats().loaded,
    pollFromPackMs: t2 - t1,
    files: poll.stats.files,
    reread: poll.stats.reread,
  })}\n`,
);
