// The baseline for the status benchmark: what a junit2json-based tool does to get a run's
// per-host results from the same controller folder — read every test-result-*.xml, parse it
// with junit2json (xml2js underneath), take the host from the Root Suite `file=`, keep the
// latest result per host, and print them as JSON. Run as a whole process.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "junit2json";

const root = process.argv[2];
const dir = join(root, "cypress/cmcReporter/xml");
const latest = new Map();
for (const name of readdirSync(dir)) {
  if (!name.startsWith("test-result-") || !name.endsWith(".xml")) continue;
  const report = await parse(readFileSync(join(dir, name), "utf8"));
  const suites = report.testsuite ?? [];
  const file = suites.find((s) => s.file)?.file ?? name;
  const host = file
    .split("/")
    .pop()
    .replace(/\.cy\.ts$/, "");
  const ts = suites.find((s) => s.timestamp)?.timestamp ?? "";
  const failures = suites.reduce((n, s) => n + (s.failures ?? 0), 0);
  const prev = latest.get(host);
  if (!prev || prev.ts < ts) latest.set(host, { host, ts, status: failures > 0 ? "FAIL" : "PASS" });
}
process.stdout.write(`${JSON.stringify([...latest.values()])}\n`);
