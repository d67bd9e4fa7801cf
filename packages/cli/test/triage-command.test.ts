// atvm triage / diff / summary / status --format ctrf over the bundled example
// examples/flat-run (real reporter output). Expected values come from
// examples/flat-run/expected.json (written by the fixture generator), not from our output.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummarySchema } from "@atvm-watch/triage";
import { validateStrict } from "ctrf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

async function run(argv: string[], env: Record<string, string> = {}) {
  const io = capture();
  const code = await main(argv, {
    stdout: io.stdout,
    stderr: io.stderr,
    env: { HOME: "/nonexistent-home", ...env },
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

// The baseline's precedence (T4): --baseline > ATVM_BASELINE > config "baseline" > none. Two
// summaries of the same run tell which one was used: `regressed.json`, where the first FAIL host of
// expected.json passed (so the diff says regression), and `same.json`, the run itself
// (known_failures_only). The config is examples/flat-run's own, plus the key, in a temp folder.
describe("the baseline: flag, env, config (T4, T5)", () => {
  const dir = mkdtempSync(join(tmpdir(), "atvm-baseline-keys-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const flatConfig = JSON.parse(readFileSync(join(repo, ROOT, "atvm.config.json"), "utf8")) as object;
  const configWith = (name: string, extra: object): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ ...flatConfig, ...extra }));
    return file;
  };
  const target = failed[0]?.host;
  const files = { regressed: join(dir, "regressed.json"), same: join(dir, "same.json") };
  const verdict = async (argv: string[], env: Record<string, string> = {}) => {
    const r = await run(["diff", "--root", ROOT, "--format", "json", ...argv], env);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    return (JSON.parse(r.out) as { verdict: string }).verdict;
  };

  beforeAll(async () => {
    const summary = await run(["summary", "--root", ROOT]);
    expect(summary.code).toBe(0);
    writeFileSync(files.same, summary.out);
    const doc = JSON.parse(summary.out) as { hosts: Record<string, unknown>[] };
    doc.hosts = doc.hosts.map((h) => (h.host === target ? { host: target, status: "PASS" } : h));
    writeFileSync(files.regressed, JSON.stringify(doc));
  });

  it("T4 T5 the two baseline summaries (from the real atvm summary) give different verdicts", async () => {
    expect(await verdict(["--baseline", files.same])).toBe("known_failures_only");
    expect(await verdict(["--baseline", files.regressed])).toBe("regression");
  });

  it("T4 config baseline, relative to the config file's folder, is used when nothing else names one", async () => {
    const config = configWith("relative.json", { baseline: "regressed.json" });
    expect(await verdict(["--config", config])).toBe("regression");
  });

  it("T4 config baseline: an absolute path and a ~/ path", async () => {
    const absolute = configWith("absolute.json", { baseline: files.regressed });
    expect(await verdict(["--config", absolute])).toBe("regression");
    const home = configWith("home.json", { baseline: "~/same.json" });
    expect(await verdict(["--config", home], { HOME: dir })).toBe("known_failures_only");
  });

  it("T4 ATVM_BASELINE wins over the config baseline", async () => {
    const config = configWith("env-wins.json", { baseline: "regressed.json" });
    expect(await verdict(["--config", config], { ATVM_BASELINE: files.same })).toBe("known_failures_only");
    // An empty ATVM_BASELINE counts as unset: the config's baseline applies.
    expect(await verdict(["--config", config], { ATVM_BASELINE: "" })).toBe("regression");
  });

  it("T4 --baseline wins over ATVM_BASELINE and the config baseline", async () => {
    const config = configWith("flag-wins.json", { baseline: "same.json" });
    const env = { ATVM_BASELINE: files.same };
    expect(await verdict(["--config", config, "--baseline", files.regressed], env)).toBe("regression");
    // A build name works as the flag's value too: the run itself.
    expect(
      await verdict(["--config", config, "--baseline", expected.build], { ATVM_BASELINE: files.regressed }),
    ).toBe("known_failures_only");
  });

  it("T4 no baseline from any of the three exits 2 with one line naming all three", async () => {
    const { code, out, err } = await run(["diff", "--root", ROOT]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain("--baseline");
    expect(err).toContain("ATVM_BASELINE");
    expect(err).toContain('"baseline"');
  });

  it("T4 a config baseline file that does not exist exits 2 naming the path, the key and atvm summary", async () => {
    const config = configWith("missing.json", { baseline: "nope/base.json" });
    const { code, out, err } = await run(["diff", "--root", ROOT, "--config", config]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain(
      `baseline file ${join(dir, "nope/base.json")} (from "baseline" in ${config}) does not exist`,
    );
    expect(err).toContain("npx atvm summary");
  });

  it("T4 a --baseline or ATVM_BASELINE path that does not exist is a missing file, not an unknown build", async () => {
    const missing = join(dir, "gone.json");
    for (const [argv, env, origin] of [
      [["--baseline", missing], {}, "--baseline"],
      [[], { ATVM_BASELINE: missing }, "ATVM_BASELINE"],
    ] as const) {
      const { code, err } = await run(["diff", "--root", ROOT, ...argv], env);
      expect(code).toBe(2);
      expect(err).toBe(
        `atvm: baseline file ${missing} (from ${origin}) does not exist; write it with npx atvm summary --build <baseline build> > ${missing}, or fix ${origin}\n`,
      );
    }
  });
});

// The catalog's precedence (T2): --signatures > config "signatures" > the built-in catalog. The
// custom catalog classes the ssh failure of examples/flat-run as runner-error under its own id.
describe("the signature catalog: flag, config (T2)", () => {
  const dir = mkdtempSync(join(tmpdir(), "atvm-signature-keys-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const flatConfig = JSON.parse(readFileSync(join(repo, ROOT, "atvm.config.json"), "utf8")) as object;
  const catalog = (id: string) => ({
    schema: "atvm.signatures.v1",
    signatures: [
      {
        id,
        match: { message: "Permission denied \\(publickey" },
        class: "runner-error",
        hint: "rotate the lab key",
        replay: "do-not-replay",
      },
    ],
  });
  writeFileSync(join(dir, "lab.json"), JSON.stringify(catalog("lab-key-rotated")));
  writeFileSync(join(dir, "flag.json"), JSON.stringify(catalog("from-the-flag")));
  const config = join(dir, "atvm.config.json");
  writeFileSync(config, JSON.stringify({ ...flatConfig, signatures: "lab.json" }));
  const ssh = failed.find((h) => h.messageIncludes?.includes("Permission denied (publickey,password)"));
  const digestOf = async (argv: string[], command = "triage") => {
    const r = await run([command, "--root", ROOT, "--format", "json", ...argv]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    return r.out;
  };

  it("T2 atvm triage uses the config's signatures (relative to the config file) without --signatures", async () => {
    const out = await digestOf(["--config", config]);
    const d = (JSON.parse(out) as { digests: Digest[] }).digests.find((x) => x.host === ssh?.host);
    expect(d?.signature?.id).toBe("lab-key-rotated");
    expect(d?.class).toBe("runner-error");
  });

  it("T2 --signatures wins over the config's signatures", async () => {
    const out = await digestOf(["--config", config, "--signatures", join(dir, "flag.json")]);
    const d = (JSON.parse(out) as { digests: Digest[] }).digests.find((x) => x.host === ssh?.host);
    expect(d?.signature?.id).toBe("from-the-flag");
  });

  it("T2 T5 atvm summary uses the config's signatures too", async () => {
    const r = await run(["summary", "--root", ROOT, "--config", config]);
    expect(r.code).toBe(0);
    const hosts = (
      JSON.parse(r.out) as { hosts: { host: string; class?: string; signature?: string | null }[] }
    ).hosts;
    const h = hosts.find((x) => x.host === ssh?.host);
    expect(h?.class).toBe("runner-error");
    expect(h?.signature).toBe("lab-key-rotated");
  });

  it("T2 a config signatures file that cannot be read exits 2 naming the file and the key", async () => {
    const bad = join(dir, "bad-config.json");
    writeFileSync(bad, JSON.stringify({ ...flatConfig, signatures: "absent.json" }));
    const { code, err } = await run(["triage", "--root", ROOT, "--config", bad]);
    expect(code).toBe(2);
    expect(err).toBe(
      `atvm: cannot read signatures ${join(dir, "absent.json")}; check the path given to "signatures" in ${bad}\n`,
    );
  });
});
