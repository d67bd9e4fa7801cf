// Runs examples/consumer-script as a child process on the BUILT packages (dist is built once by
// test/global-setup.ts) and checks its output against the example's recorded facts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "..");
const expected = JSON.parse(readFileSync(join(repo, "examples/flat-run/expected.json"), "utf8")) as {
  build: string;
  runState: string;
  hosts: { host: string; status: string }[];
};

describe("examples/consumer-script (built output, default export conditions)", () => {
  it("prints the flat-run facts of examples/flat-run/expected.json", () => {
    // No --conditions flag: Node picks `default` (dist/index.js), never `@atvm-watch/source`.
    const r = spawnSync(process.execPath, [join(repo, "examples/consumer-script/status-of-flat-run.mjs")], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines).toContain("junit: atvm9-redhat9.7 passed=22 failed=0");
    expect(lines).toContain(`build: ${expected.build}`);
    expect(lines).toContain(`state: ${expected.runState}`);
    expect(lines.filter((l) => l.startsWith("host: "))).toEqual(
      expected.hosts.map((h) => `host: ${h.host} ${h.status}`),
    );
    expect(r.stdout).toContain("SUMMARY:");
  });
});
