/**
 * Throughput of `parseRunnerLogChunk` on a synthetic 50,000-line runner log with ANSI colours
 * (research/performance.md: ~6 MB). Run: `npx tsx packages/artifacts/test/bench/runner-log-bench.ts`.
 * Not a test: it prints numbers and asserts nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseRunnerLogChunk, type RunnerLogState } from "../../src/runner-log.ts";

const fixture = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "logs", "cypress12-native.log"),
  "utf8",
);
const sample = fixture.split("\n").filter((l) => l.length > 0);
const LINES = 50_000;
const out: string[] = [];
for (let i = 0; out.length < LINES; i++) {
  const line = sample[i % sample.length] as string;
  // Pad to ~120 bytes a line, like a real Cypress console.
  out.push(line.length < 118 ? `${line}${" ".repeat(118 - line.length)}` : line);
}
const bytes = new TextEncoder().encode(`${out.join("\n")}\n`);
const knownHosts = ["atvm41-redhat6.0", "atvm7-ubuntu24.04"];

/** CPU time (user + system, ms) of one pass; wall time is meaningless on a shared, loaded machine. */
function once(chunkSize: number): number {
  const t0 = process.cpuUsage();
  let state: RunnerLogState | null = null;
  let observations = 0;
  for (let from = 0; from < bytes.length; from += chunkSize) {
    const to = Math.min(bytes.length, from + chunkSize);
    const r = parseRunnerLogChunk(
      bytes.subarray(from, to),
      { path: "bench.log", sizeBytes: to, knownHosts },
      state,
    );
    state = r.state;
    observations += r.observations.length;
  }
  if (observations === 0) throw new Error("no observations");
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1000;
}

for (let i = 0; i < 3; i++) once(bytes.length); // warm-up
for (const [label, size] of [
  ["one read", bytes.length],
  ["64 KiB reads", 65_536],
] as const) {
  const times = Array.from({ length: 7 }, () => once(size)).sort((a, b) => a - b);
  const ms = times[3] as number; // median
  console.log(
    `${label}: ${LINES} lines, ${(bytes.length / 1e6).toFixed(2)} MB in ${ms.toFixed(1)} ms CPU ` +
      `(${(((LINES / ms) * 1000) / 1e6).toFixed(2)} M lines/s, ${(bytes.length / 1e6 / (ms / 1000)).toFixed(0)} MB/s)`,
  );
}
