// One real spawn of the built command: bin/atvm.js → dist/main.js (the bundle `npm ci` builds).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCorpus } from "../../../test/bench/status-corpus.ts";
import { BUILD, finishedRoot } from "./fixture.ts";

const repo = join(import.meta.dirname, "../../..");
const bin = join(repo, "packages/cli/bin/atvm.js");
const dist = join(repo, "packages/cli/dist/main.js");

const made: string[] = [];
// dist is built once before all tests by test/global-setup.ts (root vitest.config.ts), or by .ci/run.
beforeAll(() => {
  expect(statSync(dist, { throwIfNoEntry: false }), `${dist} is missing: run npm run build`).toBeDefined();
});
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const atvm = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

describe("bin/atvm.js (built)", () => {
  it("--help lists the status command and exits 0", () => {
    const r = atvm("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("status [options]");
  });
  it("exits 2 with a one-line error for a missing root", () => {
    const r = atvm("status", "--root", "/nonexistent/cdc-e2e-cyp-12.17.4");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "atvm: automation root /nonexistent/cdc-e2e-cyp-12.17.4 is not a folder; pass --root with the controller's automation folder, e.g. --root /root/cdc-e2e-cyp-12.17.4\n",
    );
  });
  it("prints the --build run of a controller root as JSON and exits 0 (--build: a live runner elsewhere on this machine must not win)", () => {
    const { root } = finishedRoot();
    made.push(root);
    const r = atvm("status", "--root", root, "--format", "json", "--build", BUILD);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: "atvm.status.v1", build: BUILD });
  });
  it("exits quietly when the reader closes the pipe early (atvm status | head)", () => {
    // Output larger than a pipe buffer (64 KiB), so the write really hits the closed pipe.
    const root = mkdtempSync(join(tmpdir(), "atvm-epipe-"));
    made.push(root);
    writeCorpus(root, 300, 2);
    const r = spawnSync(
      "bash",
      [
        "-c",
        'set -o pipefail; node "$0" status --root "$1" --format json | head -c 20 >/dev/null',
        bin,
        root,
      ],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(r.stderr).not.toContain("EPIPE");
    expect(r.status).toBe(0);
  });
  it("> /dev/full: one line naming stdout and ENOSPC, exit 1, no stack trace", () => {
    const { root } = finishedRoot();
    made.push(root);
    const r = spawnSync("bash", ["-c", 'node "$0" status --root "$1" > /dev/full', bin, root], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("atvm: cannot write to stdout: ENOSPC (no space left on device, write)\n");
  });
  it("stdout and stderr both on /dev/full: exit 1, nothing else to say", () => {
    const { root } = finishedRoot();
    made.push(root);
    const r = spawnSync("bash", ["-c", 'node "$0" status --root "$1" > /dev/full 2>&1', bin, root], {
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
  });
});
