// End-to-end (issue 10, T1 T4): the finished-run post of the BUILT `atvm watch` against a real
// loopback Mattermost webhook carries each FAIL host's class and signature, and the diff verdict
// against ATVM_BASELINE (an atvm.summary.v1 file written by the real `atvm summary`).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWebhookServer, type WebhookServer } from "@atvm-watch/testing";
import { afterEach, describe, expect, it } from "vitest";
import { killLeftovers, runCli } from "./watcher-e2e-helpers.ts";

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
): Promise<{ text: string; stderr: string; code: number | null }> {
  const s = await startWebhookServer({ script: [] });
  servers.push(s);
  const state = mkdtempSync(join(tmpdir(), "atvm-triage-e2e-"));
  dirs.push(state);
  const r = await runCli(
    ["watch", "--root", FLAT.root, "--build", FLAT.build, "--state-dir", state, "--interval", "1"],
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
