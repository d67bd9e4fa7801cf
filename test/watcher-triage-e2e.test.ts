// End-to-end (issue 10, T1 T4): the finished-run post of the BUILT `atvm watch` against a real
// loopback Mattermost webhook carries each FAIL host's class and signature, and the diff verdict
// against ATVM_BASELINE (an atvm.summary.v1 file written by the real `atvm summary`).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWebhookServer, type WebhookServer } from "@atvm-watch/testing";
import { afterEach, describe, expect, it } from "vitest";
import { killLeftovers, repo, runCli } from "./watcher-e2e-helpers.ts";

const FLAT = { root: "examples/flat-run", build: "e2e-redhat9.7-0327" };
const dirs: string[] = [];
const servers: WebhookServer[] = [];

afterEach(async () => {
  killLeftovers();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function watchPost(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<{ text: string; stderr: string; code: number | null }> {
  const s = await startWebhookServer({ script: [] });
  servers.push(s);
  const state = mkdtempSync(join(tmpdir(), "atvm-triage-e2e-"));
  dirs.push(state);
  const r = await runCli(
    ["watch", "--root", FLAT.root, "--build", FLAT.build, "--state-dir", state, "--interval", "1", ...args],
    { env: { MATTERMOST_ATVM_WEBHOOK: s.url, ...env }, timeoutMs: 25_000 },
  );
  const posts = s.requests.filter((q) => q.method === "POST");
  expect(posts).toHaveLength(1);
  const body = posts[0]?.body as { text?: string } | null;
  return { text: body?.text ?? "", stderr: r.stderr, code: r.code };
}

describe("atvm watch posts triage (T1 T4, real CLI, loopback webhook)", () => {
  it("T1 T4 each FAIL line names its class and signature; a baseline where atvm24 passed gives regression naming it", async () => {
    const summary = await runCli(["summary", "--root", FLAT.root, "--build", FLAT.build]);
    expect(summary.code).toBe(0);
    const baseline = JSON.parse(summary.stdout) as { hosts: Record<string, unknown>[] };
    // The baseline run: atvm24-redhat9.6 passed there, so its failure now is new.
    baseline.hosts = baseline.hosts.map((h) =>
      h.host === "atvm24-redhat9.6" ? { host: h.host, status: "PASS" } : h,
    );
    const dir = mkdtempSync(join(tmpdir(), "atvm-baseline-"));
    dirs.push(dir);
    const file = join(dir, "baseline.json");
    writeFileSync(file, JSON.stringify(baseline));

    const { text, code } = await watchPost({ ATVM_BASELINE: file });
    expect(code).toBe(0);
    expect(text).toContain("atvm22-redhat9.2 - FAIL [assertion: migration-session-error] - step 7");
    expect(text).toContain("atvm23-redhat9.4 - FAIL [infrastructure: ssh-permission-denied] - step 1");
    expect(text).toContain("atvm24-redhat9.6 - FAIL [assertion: checksum-mismatch] - step 10");
    expect(text).toContain(
      "- Baseline: regression vs e2e-redhat9.7-0327 (1 newly failing: atvm24-redhat9.6)",
    );
    // Flaky evidence reaches the post too.
    expect(text).toContain("atvm21-redhat9.0 - PASS (flaky: 2 attempts)");
  });

  it("T4 the run itself as the baseline (a build name) says known_failures_only", async () => {
    const { text } = await watchPost({ ATVM_BASELINE: FLAT.build });
    expect(text).toContain("- Baseline: known\\_failures\\_only vs e2e-redhat9.7-0327\n");
  });

  it("T4 an unusable ATVM_BASELINE still posts once, without a verdict, and says why on stderr", async () => {
    const { text, stderr, code } = await watchPost({ ATVM_BASELINE: "no-such-build-0000" });
    expect(code).toBe(0);
    expect(text).not.toContain("Baseline:");
    expect(text).toContain("[infrastructure: ssh-permission-denied]");
    expect(stderr).toContain("atvm watch: ATVM_BASELINE not used:");
  });
});

/** A temp folder removed after the test. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** examples/flat-run's own config plus `extra`, written to `<dir>/atvm.config.json`. */
function configWith(dir: string, extra: object): string {
  const flat = JSON.parse(readFileSync(join(repo, FLAT.root, "atvm.config.json"), "utf8")) as object;
  const file = join(dir, "atvm.config.json");
  writeFileSync(file, JSON.stringify({ ...flat, ...extra }));
  return file;
}

/** A catalog (atvm.signatures.v1) that refines the ssh and checksum failures its own way. */
function customCatalog(dir: string): string {
  const file = join(dir, "lab-signatures.json");
  const entry = (id: string, message: string, cls: string) => ({
    id,
    match: { message },
    class: cls,
    hint: "lab-specific",
    replay: "replay",
  });
  writeFileSync(
    file,
    JSON.stringify({
      schema: "atvm.signatures.v1",
      signatures: [
        entry("lab-key-rotated", "Permission denied", "runner-error"),
        entry("lab-bad-mirror", "md5 of /mnt", "infrastructure"),
      ],
    }),
  );
  return file;
}

/** Each FAIL host's `[class: signature]` as `atvm triage --format json` prints it for `args`. */
async function triageTags(args: readonly string[]): Promise<string[]> {
  const r = await runCli(["triage", "--root", FLAT.root, "--build", FLAT.build, "--format", "json", ...args]);
  expect(r.code).toBe(0);
  const digests = (
    JSON.parse(r.stdout) as { digests: { host: string; class: string; signature: { id: string } | null }[] }
  ).digests;
  expect(digests.length).toBeGreaterThan(0);
  return digests.map(
    (d) => `${d.host} - FAIL [${d.class}${d.signature === null ? "" : `: ${d.signature.id}`}]`,
  );
}

describe("atvm watch takes the catalog and baseline as atvm triage and atvm diff do (T2 T4)", () => {
  it("T2 with --signatures every FAIL line carries the class and signature atvm triage --signatures prints", async () => {
    const catalog = customCatalog(tempDir("atvm-sig-flag-"));
    const tags = await triageTags(["--signatures", catalog]);
    // The custom catalog changed what the default says (see the first test above).
    expect(tags).toContain("atvm23-redhat9.4 - FAIL [runner-error: lab-key-rotated]");
    expect(tags).toContain("atvm24-redhat9.6 - FAIL [infrastructure: lab-bad-mirror]");
    const { text, code } = await watchPost({}, ["--signatures", catalog]);
    expect(code).toBe(0);
    for (const tag of tags) expect(text).toContain(tag);
    expect(text).not.toContain("ssh-permission-denied");
  });

  it("T2 the config's signatures (relative to the config file) reach the post as they reach atvm triage", async () => {
    const dir = tempDir("atvm-sig-config-");
    customCatalog(dir);
    const config = configWith(dir, { signatures: "lab-signatures.json" });
    const tags = await triageTags(["--config", config]);
    expect(tags).toContain("atvm23-redhat9.4 - FAIL [runner-error: lab-key-rotated]");
    const { text, code } = await watchPost({}, ["--config", config]);
    expect(code).toBe(0);
    for (const tag of tags) expect(text).toContain(tag);
  });

  it("T2 a catalog that cannot be read stops the watch with 78 and one line naming it; nothing is posted", async () => {
    const s = await startWebhookServer({ script: [] });
    servers.push(s);
    const state = tempDir("atvm-sig-bad-");
    const missing = join(state, "absent.json");
    const r = await runCli(
      ["watch", "--root", FLAT.root, "--build", FLAT.build, "--state-dir", state, "--signatures", missing],
      { env: { MATTERMOST_ATVM_WEBHOOK: s.url }, timeoutMs: 25_000 },
    );
    expect(r.code).toBe(78);
    expect(r.stderr).toBe(
      `atvm watch: cannot read signatures ${missing}; check the path given to --signatures\n`,
    );
    expect(s.requests).toHaveLength(0);
  });

  it("T4 the config's baseline gives the verdict; ATVM_BASELINE wins over it; --baseline wins over both", async () => {
    const dir = tempDir("atvm-base-config-");
    const summary = await runCli(["summary", "--root", FLAT.root, "--build", FLAT.build]);
    expect(summary.code).toBe(0);
    const doc = JSON.parse(summary.stdout) as { hosts: Record<string, unknown>[] };
    doc.hosts = doc.hosts.map((h) => (h.host === "atvm24-redhat9.6" ? { host: h.host, status: "PASS" } : h));
    writeFileSync(join(dir, "regressed.json"), JSON.stringify(doc));
    const config = configWith(dir, { baseline: "regressed.json" });
    const regression = "- Baseline: regression vs e2e-redhat9.7-0327 (1 newly failing: atvm24-redhat9.6)";
    const known = "- Baseline: known\\_failures\\_only vs e2e-redhat9.7-0327\n";

    expect((await watchPost({}, ["--config", config])).text).toContain(regression);
    expect((await watchPost({ ATVM_BASELINE: FLAT.build }, ["--config", config])).text).toContain(known);
    const flagWins = await watchPost({ ATVM_BASELINE: FLAT.build }, [
      "--config",
      config,
      "--baseline",
      join(dir, "regressed.json"),
    ]);
    expect(flagWins.text).toContain(regression);
  });

  it("T4 a config baseline file that does not exist: one post without a verdict, stderr names the path and the key", async () => {
    const dir = tempDir("atvm-base-missing-");
    const config = configWith(dir, { baseline: "old/base.json" });
    const { text, stderr, code } = await watchPost({}, ["--config", config]);
    expect(code).toBe(0);
    expect(text).not.toContain("Baseline:");
    expect(stderr).toContain(
      `atvm watch: "baseline" in ${config} not used: baseline file ${join(dir, "old/base.json")} (from "baseline" in ${config}) does not exist; write it with npx atvm summary`,
    );
  });
});
