// atvm triage / diff / summary / status --format ctrf over the bundled example
// examples/flat-run (real reporter output). Expected values come from
// examples/flat-run/expected.json (written by the fixture generator), not from our output.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummarySchema } from "@atvm-watch/triage";
import { validateStrict } from "ctrf";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";
import { capture, fixedProbe } from "./fixture.ts";

const repo = join(import.meta.dirname, "../../..");
const ROOT = "examples/flat-run";

interface ExpectedHost {
  host: string;
  status: string;
  failingStep: number | null;
  messageIncludes: string | null;
}
const expected: { build: string; finishedAt: string; hosts: ExpectedHost[] } = JSON.parse(
  readFileSync(join(repo, ROOT, "expected.json"), "utf8"),
);
const failed = expected.hosts.filter((h) => h.status === "FAIL");
const NOW = Date.parse(expected.finishedAt) + 3_600_000;

const temp = mkdtempSync(join(tmpdir(), "atvm-triage-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function run(argv: string[]) {
  const io = capture();
  const code = await main(argv, {
    stdout: io.stdout,
    stderr: io.stderr,
    env: { HOME: "/nonexistent-home" },
    probe: fixedProbe([]),
    clock: { now: () => NOW, monotonicMs: () => 0 },
    cwd: repo,
  });
  return { code, out: io.out(), err: io.err() };
}

interface Digest {
  host: string;
  class: string;
  step: number | null;
  message: string;
  evidence: unknown;
  signature: { id: string; hint: string; replay: string } | null;
}

describe("atvm triage over examples/flat-run", () => {
  it("T1 T2 digests every FAIL host of expected.json with its step, message and class", async () => {
    const { code, out, err } = await run(["triage", "--root", ROOT, "--format", "json", "--tz", "UTC"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(out) as { schema: string; build: string; digests: Digest[] };
    expect(report.schema).toBe("atvm.triage.v1");
    expect(report.build).toBe(expected.build);
    expect(failed.length).toBeGreaterThan(0);
    expect(report.digests.map((d) => d.host).sort()).toEqual(failed.map((h) => h.host).sort());
    for (const host of failed) {
      const d = report.digests.find((x) => x.host === host.host);
      expect(d, host.host).toBeDefined();
      expect(d?.step, host.host).toBe(host.failingStep);
      expect(d?.message, host.host).toContain(host.messageIncludes);
      expect(d?.class, host.host).not.toBe("");
      expect(d?.evidence, host.host).toBeDefined();
    }
  });

  it("T2 matches the default catalog's ssh-permission-denied signature, with hint and replay", async () => {
    const { out } = await run(["triage", "--root", ROOT, "--format", "json"]);
    const ssh = failed.find((h) => h.messageIncludes?.includes("Permission denied (publickey,password)"));
    const d = (JSON.parse(out) as { digests: Digest[] }).digests.find((x) => x.host === ssh?.host);
    expect(d?.signature?.id).toBe("ssh-permission-denied");
    expect(d?.signature?.hint).not.toBe("");
    expect(d?.signature?.replay).toMatch(/\S/);
  });

  it("T1 text output names every failed host and its step", async () => {
    const { code, out } = await run(["triage", "--root", ROOT, "--tz", "UTC"]);
    expect(code).toBe(0);
    expect(out).toContain(`${expected.build} - triage`);
    for (const host of failed) expect(out).toContain(`${host.host} - `);
    expect(out).toContain("[ssh-permission-denied]");
  });

  it("T2 a bad --signatures file exits 2 with one CONFIG_INVALID line", async () => {
    const file = join(temp, "bad-signatures.json");
    writeFileSync(file, JSON.stringify({ schema: "atvm.signatures.v1", signatures: [{ id: 3 }] }));
    const { code, out, err } = await run(["triage", "--root", ROOT, "--signatures", file]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain(file);
  });

  it("a --signatures file that is not JSON exits 2 with one line", async () => {
    const file = join(temp, "not-json.json");
    writeFileSync(file, "{ nope");
    const { code, err } = await run(["triage", "--root", ROOT, "--signatures", file]);
    expect(code).toBe(2);
    expect(err).toMatch(/^atvm: signatures .* is not JSON/);
    expect(err.trim().split("\n")).toHaveLength(1);
  });
});

describe("atvm diff and atvm summary", () => {
  it("T4 the run against itself (baseline build name) is known_failures_only, nothing newly failing", async () => {
    const { code, out, err } = await run([
      "diff",
      "--root",
      ROOT,
      "--baseline",
      expected.build,
      "--format",
      "json",
    ]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const diff = JSON.parse(out) as {
      schema: string;
      verdict: string;
      newlyFailing: unknown[];
      stillFailing: { host: string }[];
    };
    expect(diff.schema).toBe("atvm.diff.v1");
    expect(diff.verdict).toBe("known_failures_only");
    expect(diff.newlyFailing).toEqual([]);
    expect(diff.stillFailing.map((f) => f.host).sort()).toEqual(failed.map((h) => h.host).sort());
  });

  it("T4 a baseline summary file where a failing host passed gives regression with that host first", async () => {
    const summary = await run(["summary", "--root", ROOT]);
    expect(summary.code).toBe(0);
    const doc = JSON.parse(summary.out) as { hosts: Record<string, unknown>[] };
    const target = failed[0]?.host;
    doc.hosts = doc.hosts.map((h) => (h.host === target ? { host: target, status: "PASS" } : h));
    const file = join(temp, "base.json");
    writeFileSync(file, JSON.stringify(doc));
    const { code, out, err } = await run(["diff", "--root", ROOT, "--baseline", file, "--format", "json"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const diff = JSON.parse(out) as { verdict: string; newlyFailing: { host: string }[] };
    expect(diff.verdict).toBe("regression");
    expect(diff.newlyFailing[0]?.host).toBe(target);
    const md = await run(["diff", "--root", ROOT, "--baseline", file, "--format", "markdown"]);
    expect(md.out).toMatch(/^```\n.*regression[\s\S]*\n```\n$/);
  });

  it("T4 an invalid baseline summary file exits 2 naming the file and the field", async () => {
    const file = join(temp, "bad-base.json");
    writeFileSync(file, JSON.stringify({ schema: "atvm.summary.v1", build: 7 }));
    const { code, err } = await run(["diff", "--root", ROOT, "--baseline", file]);
    expect(code).toBe(2);
    expect(err).toContain(file);
    expect(err).toMatch(/build|hosts|schema/);
    expect(err.trim().split("\n")).toHaveLength(1);
  });

  it("T5 atvm summary prints a valid atvm.summary.v1 with every FAIL host of expected.json", async () => {
    const { code, out } = await run(["summary", "--root", ROOT]);
    expect(code).toBe(0);
    const parsed = SummarySchema.safeParse(JSON.parse(out));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    const hosts = parsed.success ? parsed.data.hosts : [];
    expect(
      hosts
        .filter((h) => h.status === "FAIL")
        .map((h) => h.host)
        .sort(),
    ).toEqual(failed.map((h) => h.host).sort());
  });
});

describe("atvm status --format ctrf", () => {
  it("T5 prints a CTRF report that passes ctrf validateStrict, failed tests = FAIL hosts", async () => {
    const { code, out, err } = await run(["status", "--root", ROOT, "--format", "ctrf"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const report: unknown = JSON.parse(out);
    expect(() => validateStrict(report)).not.toThrow();
    const summary = (report as { results: { summary: { failed: number } } }).results.summary;
    expect(summary.failed).toBe(failed.length);
  });
});
