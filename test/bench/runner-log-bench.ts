/**
 * Runner-log parser cost: per-line CPU time against line length (100, 1k, 10k, 60k chars) for
 * normal and pathological lines, with the default patterns and with an operator pattern run on
 * RE2 (`(x+x+)+y`), plus overall throughput on a 50,000-line log with ANSI colours.
 * Run: `npm run bench:runner-log`. Not a test: prints numbers, asserts nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseRunnerLogChunk, type RunnerLogPatterns } from "../../packages/artifacts/src/runner-log.ts";

const enc = new TextEncoder();

/** CPU ms (user + system) of `fn`, median of `runs`. */
function cpuMs(fn: () => void, runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    fn();
    const used = process.cpuUsage(t0);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

const SHAPES: Record<string, (n: number) => string> = {
  "normal text": (n) =>
    "  ✓ 3. Install the CMC agent on the target VM (1234ms) ".repeat(n / 50 + 1).slice(0, n),
  spaces: (n) => " ".repeat(n),
  "Running: + spaces": (n) => `Running: a${" ".repeat(n)}x`,
  digits: (n) => "1".repeat(n),
  "x run": (n) => "x".repeat(n),
};
const USER: RunnerLogPatterns = { rendererCrash: "(x+x+)+y" };
const LINES_PER_CASE = 20;

console.log("per-line cost (µs CPU, median of 5; 20 identical lines per read)");
for (const [label, patterns] of [
  ["defaults", undefined],
  ["user (x+x+)+y", USER],
] as const) {
  for (const [shape, make] of Object.entries(SHAPES)) {
    const cells: string[] = [];
    for (const n of [100, 1_000, 10_000, 60_000]) {
      const bytes = enc.encode(`${make(n)}\n`.repeat(LINES_PER_CASE));
      const ms = cpuMs(() =>
        parseRunnerLogChunk(bytes, { path: "b.log", sizeBytes: bytes.length }, null, patterns),
      );
      cells.push(`${n}: ${((ms * 1000) / LINES_PER_CASE).toFixed(1)}`);
    }
    console.log(`  ${label.padEnd(14)} ${shape.padEnd(18)} ${cells.join("  ")}`);
  }
}

const fixture = readFileSync(
  join(
    import.meta.dirname,
    "..",
    "..",
    "packages",
    "artifacts",
    "test",
    "fixtures",
    "logs",
    "cypress12-native.log",
  ),
  "utf8",
);
const sample = fixture.split("\n").filter((l) => l.length > 0);
const LINES = 50_000;
const out: string[] = [];
for (let i = 0; out.length < LINES; i++) {
  const line = sample[i % sample.length] as string;
  out.push(line.length < 118 ? `${line}${" ".repeat(118 - line.length)}` : line);
}
const log = enc.encode(`${out.join("\n")}\n`);
// "defaults" runs the byte-level fast path; "defaults, fast path off" is the same parse without it
// (interleaved in one process, so the ratio holds on a loaded machine); an operator pattern turns it off.
for (const [label, patterns, fastPath] of [
  ["defaults", undefined, true],
  ["defaults, fast path off", undefined, false],
  ["user (x+x+)+y", USER, true],
] as const) {
  const parse = () =>
    parseRunnerLogChunk(log, { path: "b.log", sizeBytes: log.length }, null, patterns, { fastPath });
  cpuMs(parse, 2); // warm-up
  const ms = cpuMs(parse, 7);
  console.log(
    `throughput (${label}): ${LINES} lines, ${(log.length / 1e6).toFixed(2)} MB in ${ms.toFixed(1)} ms CPU ` +
      `(${(LINES / ms / 1000).toFixed(2)} M lines/s)`,
  );
}
