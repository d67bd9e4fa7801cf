import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildSnapshot,
  createManualClock,
  createMemoryProbe,
  createRecordingNotifier,
  createScriptedRunner,
} from "@atvm-watch/testing";
import { afterAll, describe, expect, it } from "vitest";
import { runCancel } from "../src/cancel-command.ts";
import type { CliIo } from "../src/io.ts";
import { createNodeDisk } from "../src/node-disk.ts";
import { runRuns } from "../src/runs-command.ts";
import { runWatch, type WatchWiring } from "../src/watch-command.ts";

const WEBHOOK = "https://chat.example.test/hooks/k7x9secrethookid42";
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "atvm-cli-state-"));
  chmodSync(dir, 0o755);
  made.push(dir);
  return dir;
}
function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    env,
    probe: createMemoryProbe(),
    clock: createManualClock(Date.UTC(2026, 2, 27, 9, 0)),
    disk: createNodeDisk(),
    cwd: "/",
  };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}
const done = buildSnapshot({ progress: "finished", hosts: { "atvm1-redhat8": "PASS" } });
function wiring(notifier = createRecordingNotifier()): WatchWiring {
  return {
    observer: () => async () => ({ snapshot: done }),
    notifier: () => notifier,
    render: (s) => `#### ${s.build}`,
    terminateRunner: async () => ({ ok: true }),
    sleep: async () => undefined,
  };
}

describe("atvm watch / cancel / runs", () => {
  it("W8 watch exits 78 with one line when the webhook is missing or malformed, never echoing it", async () => {
    const a = io({ ATVM_STATE_DIR: stateDir() });
    expect(await runWatch({ build: "e2e-0327" }, a.io, wiring())).toBe(78);
    expect(a.err()).toMatch(/^atvm watch: webhook not configured: set MATTERMOST_ATVM_WEBHOOK.*\n$/);
    const b = io({ ATVM_STATE_DIR: stateDir(), MATTERMOST_ATVM_WEBHOOK: "not a url k7x9secret" });
    expect(await runWatch({ build: "e2e-0327" }, b.io, wiring())).toBe(78);
    expect(b.err()).not.toContain("k7x9secret");
  });

  it("reliability §6 case 21: a bad build name is refused with 78 before any path use", async () => {
    const dir = stateDir();
    const a = io({ ATVM_STATE_DIR: dir, MATTERMOST_ATVM_WEBHOOK: WEBHOOK });
    expect(await runWatch({ build: "../../etc" }, a.io, wiring())).toBe(78);
    expect(a.err()).toContain('"../../etc"');
  });

  it("D3 D10 watch posts a finished run once, exits 0, and a second watch posts nothing", async () => {
    const dir = stateDir();
    const notifier = createRecordingNotifier();
    const a = io({ ATVM_STATE_DIR: dir, MATTERMOST_ATVM_WEBHOOK: WEBHOOK });
    expect(await runWatch({ build: "e2e-0327" }, a.io, wiring(notifier))).toBe(0);
    expect(await runWatch({ build: "e2e-0327" }, a.io, wiring(notifier))).toBe(0);
    expect(notifier.calls).toHaveLength(1);
    expect(a.err()).not.toContain("k7x9secrethookid42");
    const r = io({ ATVM_STATE_DIR: dir });
    expect(await runRuns({ format: "json" }, r.io)).toBe(0);
    const json = JSON.parse(r.out()) as {
      builds: { build: string; units: { posted: boolean; state: string }[] }[];
    };
    expect(json.builds).toMatchObject([{ build: "e2e-0327", units: [{ posted: true, state: "COMPLETED" }] }]);
  });

  it("W8 watch reads the automation root from ATVM_WATCHER_ROOT (the launch's env file) unless --root is given", async () => {
    const roots: (string | undefined)[] = [];
    const seen = (): WatchWiring => ({
      ...wiring(),
      observer: (o) => {
        roots.push(o.root);
        return async () => ({ snapshot: done });
      },
    });
    const env = {
      ATVM_STATE_DIR: stateDir(),
      MATTERMOST_ATVM_WEBHOOK: WEBHOOK,
      ATVM_WATCHER_ROOT: "/srv/auto",
    };
    expect(await runWatch({ build: "e2e-0327" }, io(env).io, seen())).toBe(0);
    expect(await runWatch({ build: "e2e-0328", root: "/other" }, io(env).io, seen())).toBe(0);
    expect(await runWatch({ build: "e2e-0329" }, io({ ...env, ATVM_WATCHER_ROOT: "" }).io, seen())).toBe(0);
    expect(roots).toEqual(["/srv/auto", "/other", undefined]);
  });

  it("D4/W4 cancel writes cancelled.marker, closes CANCELLED, skips systemctl without systemd; a later watch posts nothing", async () => {
    const dir = stateDir();
    const runner = createScriptedRunner();
    const c = io({ ATVM_STATE_DIR: dir });
    expect(await runCancel({ build: "e2e-0327" }, c.io, { runner, systemd: () => false })).toBe(0);
    expect(runner.calls).toHaveLength(0);
    expect(readFileSync(join(dir, "e2e-0327", "cancelled.marker"), "utf8")).toContain("atvm cancel");
    const notifier = createRecordingNotifier();
    const w = io({ ATVM_STATE_DIR: dir, MATTERMOST_ATVM_WEBHOOK: WEBHOOK });
    expect(await runWatch({ build: "e2e-0327" }, w.io, wiring(notifier))).toBe(0);
    expect(notifier.calls).toHaveLength(0);
    const r = io({ ATVM_STATE_DIR: dir });
    await runRuns({}, r.io);
    expect(r.out()).toMatch(
      /^e2e-0327 - CANCELLED \(exited, cancelled\.marker\)\n {2}run e2e-0327 - CANCELLED - not posted/,
    );
  });

  it("W1 cancel stops the watcher unit when systemd is present", async () => {
    const runner = createScriptedRunner([{ match: "systemctl" }]);
    const c = io({ ATVM_STATE_DIR: stateDir() });
    expect(await runCancel({ build: "e2e-0327" }, c.io, { runner, systemd: () => true })).toBe(0);
    expect(runner.calls.map((call) => call.argv)).toEqual([
      ["systemctl", "stop", "--", "atvm-run-watcher@e2e-0327.service"],
    ]);
  });
});
