// The P2 baseline of the fleet benchmark: a bare fast-xml-parser read of a run's JUnit XML
// (`ignoreAttributes: false`, everything else default), keeping the latest result per host from the
// Root Suite `file=`. Run as a whole process: node test/bench/fxp-read.mjs ROOT
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";

const root = process.argv[2];
const dir = join(root, "cypress/cmcReporter/xml");
const parser = new XMLParser({ ignoreAttributes: false });
const latest = new Map();
const list = (x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
for (const name of readdirSync(dir)) {
  if (!name.startsWith("test-result-") || !name.endsWith(".xml")) continue;
  const doc = parser.parse(readFileSync(join(dir, name), "utf8"));
  const suites = list(doc.testsuites?.testsuite);
  const file = suites.find((s) => s["@_file"])?.["@_file"] ?? name;
  const host = file
    .split("/")
    .pop()
    .replace(/\.cy\.ts$/, "");
  const ts = suites.find((s) => s["@_timestamp"])?.["@_timestamp"] ?? "";
  const failures = suites.reduce((n, s) => n + Number(s["@_failures"] ?? 0), 0);
  const prev = latest.get(host);
  if (!prev || prev.ts < ts) latest.set(host, { host, ts, status: failures > 0 ? "FAIL" : "PASS" });
}
process.stdout.write(`${JSON.stringify([...latest.values()])}\n`);
