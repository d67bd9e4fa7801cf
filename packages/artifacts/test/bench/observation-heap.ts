/**
 * Retained heap of parsed observations (issue "Fleet scale"): parses the 200-host corpus the status
 * bench writes (test/bench/status-corpus.ts), keeps only the observations, and prints heapUsed after
 * a full GC before and after. Observations whose strings are V8 slices of the file text would keep
 * every file's whole text alive; flat copies keep only what they hold.
 *
 * Run: `npm run bench:heap` (node --expose-gc via tsx).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCorpus } from "../../../../test/bench/status-corpus.ts";
import { parseJunitXml } from "../../src/junit.ts";
import { parseReporterJson } from "../../src/reporter-json.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc (npm run bench:heap)");
const collect = gc;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) collect();
  return process.memoryUsage().heapUsed;
}

const root = mkdtempSync(join(tmpdir(), "atvm-heap-"));
try {
  const info = writeCorpus(root, 200);
  const known = info.hosts;
  const files = (dir: string) => readdirSync(join(root, dir)).map((f) => join(root, dir, f));
  const xml = files("cypress/cmcReporter/xml");
  const json = files("cypress/cmcReporter/mochawesome");
  const all: unknown[] = [];
  for (const [label, list, parse] of [
    [
      "JUnit XML",
      xml,
      (t: string, p: string) => parseJunitXml(t, { path: p, knownHosts: known }).observations,
    ],
    [
      "mochawesome JSON",
      json,
      (t: string, p: string) => parseReporterJson(t, { path: p, knownHosts: known }).observations,
    ],
  ] as const) {
    const before = heapAfterGc();
    let textBytes = 0;
    const kept: unknown[] = [];
    all.push(kept);
    for (const path of list) {
      const text = readFileSync(path, "utf8");
      textBytes += text.length;
      kept.push(parse(text, path));
    }
    const after = heapAfterGc();
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `${label}: ${list.length} files, ${mb(textBytes)} MB of text; observations retain ${mb(after - before)} MB (heapUsed ${mb(before)} → ${mb(after)} MB)`,
    );
    if (kept.length === 0) console.log("nothing kept");
  }
  if (all.length === 0) {
    console.log("nothing kept");
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
