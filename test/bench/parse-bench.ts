/**
 * JUnit XML parse benchmark (docs/benchmarks.md "Parsing").
 *
 * Generates a mocha-junit-reporter-shaped corpus like the fleet in docs/benchmarks.md into a temp
 * directory — per host 10 hash-named `test-result-<md5>.xml` (1 check-xml-files bookkeeping,
 * 1 first run, 5 batches, 3 re-runs), each a `<testsuites>` with a Root Suite carrying `file=`
 * and 1–4 describe suites of 22 testcases, 18% of describes failing one step with a CDATA
 * stack and most of those skipping the rest — then times, in ONE process and interleaved
 * rounds, a read + parse loop over every file for: plain read, fast-xml-parser with default
 * options (attributes on), junit2json 4 (xml2js underneath), `parseJunitXml` as shipped
 * (engine "auto": the fast path, fast-xml-parser only where it declines) and `parseJunitXml`
 * with engine "reference" (fast-xml-parser always). Before timing it checks that the fast path
 * declines no corpus file and gives the reference's result for every one.
 *
 * Usage: `npx tsx test/bench/parse-bench.ts [--large] [--rounds N] [--keep]`
 * (200 hosts by default, 2,000 with `--large`; `npm run bench` runs the default).
 */

import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { XMLParser } from "fast-xml-parser";
import { parse as junit2json } from "junit2json";
import { type JunitEngine, parseJunitXml } from "../../packages/artifacts/src/junit.ts";

const args = process.argv.slice(2);
const large = args.includes("--large");
const keep = args.includes("--keep");
const roundsArg = args.indexOf("--rounds");
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : large ? 3 : 5;
const HOSTS = large ? 2000 : 200;

/** Deterministic PRNG (mulberry32) so every run measures the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STEPS = [
  "Login to CMC",
  "Check the dashboard loads",
  "Add the VM to inventory",
  "Install the agent",
  "Verify agent heartbeat",
  "Install CMC",
  "Configure policies",
  "Run a scan",
  "Check scan results",
  "Apply updates",
  "Reboot the VM",
  "Verify services after reboot",
  "Check logs for errors",
  "Export the report",
  "Verify the report contents",
  "Remove policies",
  "Uninstall CMC",
  "Uninstall the agent",
  "Verify uninstall",
  "Remove the VM from inventory",
  "Check the audit trail",
  "Logout",
];
const DISTROS = ["redhat6.0", "redhat8.4", "ubuntu24.04", "debian9.0.0", "centos7.9", "sles15.3"];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, -5);
}

function hostXml(host: string, rnd: () => number, start: number): string {
  const spec = `cypress/e2e/generated/${host}.cy.ts`;
  const describes = 1 + Math.floor(rnd() * 4);
  let total = 0;
  let failures = 0;
  const suites: string[] = [];
  let t = start;
  for (let d = 0; d < describes; d++) {
    const title = `${host} cmc-e2e${d === 0 ? "" : ` part ${d + 1}`}`;
    const failAt = rnd() < 0.18 ? Math.floor(rnd() * 22) : -1;
    const skipRest = failAt >= 0 && rnd() < 0.8;
    const cases: string[] = [];
    let suiteTime = 0;
    for (let i = 0; i < 22; i++) {
      if (skipRest && failAt >= 0 && i > failAt) break;
      const stepTitle = `${i + 1}. ${STEPS[i]}`;
      const secs = rnd() * 40;
      suiteTime += secs;
      const open = `      <testcase name="${esc(`${title} ${stepTitle}`)}" time="${secs.toFixed(3)}" classname="${esc(stepTitle)}">`;
      if (i === failAt) {
        failures++;
        const message = `Timed out retrying after 4000ms: expected '<div.status>' to contain 'Installed' on ${host}`;
        const frames = Array.from(
          { length: 12 },
          (_, k) => `    at Context.eval (webpack:///./cypress/support/commands.ts:${100 + k}:${k + 3})`,
        ).join("\n");
        cases.push(
          `${open}\n        <failure message="${esc(message)}" type="AssertionError"><![CDATA[AssertionError: ${message}\n${frames}\n    at ${spec}:${i * 10 + 5}:7]]></failure>\n      </testcase>`,
        );
      } else {
        cases.push(`${open}\n      </testcase>`);
      }
    }
    total += 22;
    suites.push(
      `  <testsuite name="${esc(title)}" timestamp="${iso(t)}" tests="22" time="${suiteTime.toFixed(3)}" failures="${failAt >= 0 ? 1 : 0}">\n${cases.join("\n")}\n  </testsuite>`,
    );
    t += Math.round(suiteTime * 1000);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Mocha Tests" time="${((t - start) / 1000).toFixed(3)}" tests="${total}" failures="${failures}">
  <testsuite name="Root Suite" timestamp="${iso(start)}" tests="0" file="${spec}" time="0.000" failures="0">
  </testsuite>
${suites.join("\n")}
</testsuites>
`;
}

function bookkeepingXml(hosts: readonly string[], start: number): string {
  const cases = hosts
    .slice(0, 5)
    .map(
      (h) =>
        `    <testcase name="check-xml-files ${h} has a result" time="0.010" classname="${h} has a result">\n    </testcase>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Mocha Tests" time="0.200" tests="5" failures="0">
  <testsuite name="Root Suite" timestamp="${iso(start)}" tests="0" file="cypress/e2e/check-xml-files.ts" time="0.000" failures="0">
  </testsuite>
  <testsuite name="check-xml-files" timestamp="${iso(start)}" tests="5" time="0.200" failures="0">
${cases}
  </testsuite>
</testsuites>
`;
}

function generate(dir: string): { files: string[]; bytes: number; hosts: string[] } {
  const rnd = prng(20261122);
  const hosts = Array.from({ length: HOSTS }, (_, i) => `atvm${i + 1}-${DISTROS[i % DISTROS.length]}`);
  const xmlDir = join(dir, "cypress", "cmcReporter", "xml");
  mkdirSync(xmlDir, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  const base = Date.UTC(2026, 2, 27, 8, 0, 0);
  hosts.forEach((host, h) => {
    for (let k = 0; k < 10; k++) {
      const start = base + h * 60_000 + k * 3_600_000;
      const xml = k === 0 ? bookkeepingXml(hosts.slice(h, h + 5), start) : hostXml(host, rnd, start);
      const file = join(xmlDir, `test-result-${createHash("md5").update(xml).digest("hex")}.xml`);
      writeFileSync(file, xml);
      files.push(file);
      bytes += Buffer.byteLength(xml);
    }
  });
  return { files, bytes, hosts };
}

type Runner = { name: string; run: (files: readonly string[]) => Promise<number> };

const fxpDefault = new XMLParser({ ignoreAttributes: false });

function runners(hosts: readonly string[]): Runner[] {
  return [
    {
      name: "plain read (readFileSync utf8)",
      run: async (files) => {
        let n = 0;
        for (const f of files) n += readFileSync(f, "utf8").length;
        return n;
      },
    },
    {
      name: "fast-xml-parser 5.12 defaults (attributes on)",
      run: async (files) => {
        let n = 0;
        for (const f of files) n += Object.keys(fxpDefault.parse(readFileSync(f, "utf8"))).length;
        return n;
      },
    },
    {
      name: "junit2json 4.0.0 (xml2js)",
      run: async (files) => {
        let n = 0;
        for (const f of files) n += (await junit2json(readFileSync(f, "utf8"))) ? 1 : 0;
        return n;
      },
    },
    {
      name: AUTO,
      run: async (files) => ours(files, hosts, "auto"),
    },
    {
      name: "parseJunitXml, engine reference (fast-xml-parser)",
      run: async (files) => ours(files, hosts, "reference"),
    },
  ];
}

const AUTO = "parseJunitXml (atvm-watch; engine auto = fast path)";

/** The read + parse loop of `parseJunitXml` (stat included, as a watcher does): observations − issues. */
function ours(files: readonly string[], hosts: readonly string[], engine: JunitEngine): number {
  let n = 0;
  for (const f of files) {
    const st = statSync(f);
    const r = parseJunitXml(
      readFileSync(f, "utf8"),
      { path: f, mtimeMs: st.mtimeMs, sizeBytes: st.size, knownHosts: hosts },
      { engine },
    );
    n += r.observations.length - r.issues.length;
  }
  return n;
}

/** Files where the fast path declines, and where its result differs from the reference's. */
function differential(
  files: readonly string[],
  hosts: readonly string[],
): { declined: number; differ: number } {
  let declined = 0;
  let differ = 0;
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    const meta = { path: f, knownHosts: hosts };
    const fast = parseJunitXml(text, meta, { engine: "fast" });
    if (fast.issues.some((i) => i.problem.startsWith("fast path declined"))) declined++;
    if (!isDeepStrictEqual(fast, parseJunitXml(text, meta, { engine: "reference" }))) differ++;
  }
  return { declined, differ };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "atvm-parse-bench-"));
  try {
    const t0 = performance.now();
    const { files, bytes, hosts } = generate(dir);
    const mb = bytes / 1e6;
    console.log(
      `corpus: ${HOSTS} hosts, ${files.length} XML files, ${mb.toFixed(1)} MB (generated in ${(performance.now() - t0).toFixed(0)} ms in ${dir})`,
    );
    console.log(
      `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${ROUNDS} interleaved rounds, median shown`,
    );
    const list = runners(hosts);
    const checks = new Map<string, number>();
    for (const r of list) checks.set(r.name, await r.run(files)); // warm-up (JIT, page cache)
    // One observation (host result or bookkeeping) and no issue per file, on both engines.
    for (const name of [AUTO, list[4]?.name ?? ""]) {
      const got = checks.get(name) ?? 0;
      if (got !== files.length) {
        console.log(`WARNING: ${name} returned ${got} (observations − issues), expected ${files.length}`);
      }
    }
    const diff = differential(files, hosts);
    console.log(
      `differential: fast path declined ${diff.declined} of ${files.length} files; ${diff.differ} differ from the reference`,
    );
    const times = new Map<string, number[]>(list.map((r) => [r.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of round % 2 === 0 ? list : [...list].reverse()) {
        const start = performance.now();
        await r.run(files);
        times.get(r.name)?.push(performance.now() - start);
      }
    }
    const read = median(times.get(list[0]?.name ?? "") ?? [1]);
    const fxp = median(times.get(list[1]?.name ?? "") ?? [1]);
    const j2j = median(times.get(list[2]?.name ?? "") ?? [1]);
    const mine = median(times.get(AUTO) ?? [1]);
    const rows = list.map((r) => {
      const ms = median(times.get(r.name) ?? [0]);
      return `| ${r.name} | ${ms.toFixed(0)} | ${(mb / (ms / 1000)).toFixed(1)} | ${(ms / read).toFixed(1)} | ${(j2j / ms).toFixed(2)} | ${(fxp / ms).toFixed(2)} |`;
    });
    console.log(
      "\n| what (read + parse loop) | median ms | MB/s | × plain read | junit2json ÷ this | fxp default ÷ this |",
    );
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const row of rows) console.log(row);
    const vsJ2j = j2j / mine;
    const vsFxp = fxp / mine;
    console.log(
      `\ntargets: ≥ 2× junit2json throughput: ${vsJ2j >= 2 ? "MET" : "NOT MET"} (${vsJ2j.toFixed(2)}×); ` +
        `no slower than fast-xml-parser defaults: ${vsFxp >= 1 ? "MET" : "NOT MET"} (${vsFxp.toFixed(2)}×)`,
    );
    console.log(`files under ${dir}: ${readdirSync(join(dir, "cypress", "cmcReporter", "xml")).length}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
