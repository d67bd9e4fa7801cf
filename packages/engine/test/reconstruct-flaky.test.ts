// Flaky evidence (issue 10): a PASS host that passed only after a failed attempt, from real
// console output (`(Attempt N of M)`), real mocha json-stream output (`currentRetry`) and an
// earlier failed same-run result.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type HostResultObservation,
  type Observation,
  parseReporterJson,
  parseRunnerLogChunk,
} from "@atvm-watch/artifacts";
import { describe, expect, it } from "vitest";
import type { HostEntry, Scope, Snapshot } from "../src/domain.ts";
import { reconstruct } from "../src/reconstruct/index.ts";
import { at, failed, hostResult, min, passed } from "./helpers/observations.ts";

const REPO = join(import.meta.dirname, "..", "..", "..");
const FLEET = ["atvm41-redhat6.0", "atvm7-ubuntu24.04", "atvm17-ubuntu24.04"];
const scopeOf = (hosts: string[]): Scope => ({ hosts, skipped: [], source: "spec-pattern" });
const run = (hosts: string[], observations: readonly Observation[]): Snapshot =>
  reconstruct(scopeOf(hosts), observations, {
    build: "e2e-0327",
    now: at("23:00"),
    runStartMs: at("07:00"),
  });
const host = (s: Snapshot, name: string): HostEntry => s.hosts.find((h) => h.host === name) as HostEntry;

/** The real Cypress 12 console log of the artifacts fixtures (two specs, two retried tests). */
function consoleLog(): readonly Observation[] {
  const bytes = new Uint8Array(
    readFileSync(join(REPO, "packages/artifacts/test/fixtures/logs/cypress12-native.log")),
  );
  return parseRunnerLogChunk(
    bytes,
    { path: "tmp/e2e-0327.log", sizeBytes: bytes.length, readAtMs: at("12:00"), knownHosts: FLEET },
    null,
  ).observations;
}

/** A real mocha json-stream report of the fixture generator (test/fixtures/reporters/<case>). */
function jsonStream(name: string, hostName: string): HostResultObservation {
  const path = `test/fixtures/reporters/${name}/json-stream/${hostName}.jsonl`;
  const parsed = parseReporterJson(readFileSync(join(REPO, path), "utf8"), {
    path,
    knownHosts: FLEET,
  });
  return parsed.observations[0] as HostResultObservation;
}

describe("flaky evidence (issue 10)", () => {
  it("T1 console `(Attempt 1 of 3)` then a pass: the PASS host is flaky, 2 attempts, at step 2", () => {
    const s = run(["atvm41-redhat6.0", "atvm7-ubuntu24.04"], consoleLog());
    expect(host(s, "atvm7-ubuntu24.04")).toMatchObject({
      status: "PASS",
      flaky: {
        attempts: 2,
        tests: [{ step: 2, title: "Power on and obtain ip address and host name", attempts: 2 }],
        source: "runner-log",
      },
    });
    // atvm41 retried step 7 and still failed: a failure, never flaky.
    expect(host(s, "atvm41-redhat6.0").status).toBe("FAIL");
    expect(host(s, "atvm41-redhat6.0")).not.toHaveProperty("flaky");
  });

  it("T1 mocha json-stream currentRetry of a passed test makes a PASS host flaky; the real retries case failed, so it is not", () => {
    const real = jsonStream("retries", "atvm17-ubuntu24.04");
    expect(host(run(["atvm17-ubuntu24.04"], [real]), "atvm17-ubuntu24.04")).toMatchObject({ status: "FAIL" });
    expect(host(run(["atvm17-ubuntu24.04"], [real]), "atvm17-ubuntu24.04")).not.toHaveProperty("flaky");
    // The same report cut before its failing step: the host passed with step 3 retried once.
    const cut: HostResultObservation = {
      ...real,
      testcases: real.testcases.filter((t) => t.step !== null && t.step < 9),
      counts: { total: 8, passed: 8, failed: 0, skipped: 0 },
    };
    expect(host(run(["atvm17-ubuntu24.04"], [cut]), "atvm17-ubuntu24.04")).toMatchObject({
      status: "PASS",
      flaky: {
        attempts: 2,
        tests: [{ step: 3, title: "Uninstall CMC if still exists", attempts: 2 }],
        source: "reporter-json",
      },
    });
  });

  it("T1 a pass at the first attempt is not flaky (real pass case, no retries)", () => {
    const s = run(["atvm9-redhat9.7"], [jsonStreamPass()]);
    expect(host(s, "atvm9-redhat9.7").status).toBe("PASS");
    expect(host(s, "atvm9-redhat9.7")).not.toHaveProperty("flaky");
  });

  it("T1 an earlier failed same-run result and a later pass: flaky from same-run results", () => {
    const A = "atvm7-ubuntu24.04";
    const first = failed(A, at("09:00"), min(20), { step: 2, message: "no IP" }, { file: "xml/a.xml" });
    const rerun = passed(A, at("10:00"), min(25), { file: "xml/b.xml" });
    expect(host(run([A], [first, rerun]), A)).toMatchObject({
      status: "PASS",
      flaky: { attempts: 2, tests: [], source: "same-run-results" },
    });
    // Two passes are not flaky; a pass then a later failure is a FAIL.
    const again = passed(A, at("09:00"), min(20), { file: "xml/a.xml" });
    expect(host(run([A], [again, rerun]), A)).not.toHaveProperty("flaky");
    const later = failed(A, at("11:00"), min(20), { step: 2, message: "no IP" }, { file: "xml/c.xml" });
    expect(host(run([A], [rerun, later]), A)).toMatchObject({ status: "FAIL" });
    expect(host(run([A], [rerun, later]), A)).not.toHaveProperty("flaky");
    expect(hostResult({ host: A }).testcases.some((t) => t.retries !== undefined)).toBe(false);
  });
});

function jsonStreamPass(): HostResultObservation {
  const path = "test/fixtures/reporters/pass/json-stream/atvm9-redhat9.7.jsonl";
  return parseReporterJson(readFileSync(join(REPO, path), "utf8"), {
    path,
    knownHosts: ["atvm9-redhat9.7", ...FLEET],
  }).observations[0] as HostResultObservation;
}
