// Real-process replay (issue 8 "A replay"): the example roots' real reporter output (made by the
// fixture generator, test/fixtures) is copied into a temp root and changed over time, while a real
// stand-in runner process (`node …/run-sorry-cypress.py --build_name X`, which the /proc probe
// recognises by its script name and --build_name, engine locate.ts parseRunnerProcess) is alive and
// then killed. The BUILT `atvm watch` runs as a child process against the loopback webhook server; the
// posts it records are compared with expectations written by hand from examples/*/expected.json.
// Scenario numbers are the reliability fault scenarios (docs/watcher.md "Fault scenarios").
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RecordedWebhookRequest, startWebhookServer, type WebhookServer } from "@atvm-watch/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type CliResult, killLeftovers, liveChildren, repo, runCli } from "./watcher-e2e-helpers.ts";

const FLAT_BUILD = "e2e-redhat9.7-0327";
const CAT_BUILD = "e2e-0327";
const URL_FLAT = (
  JSON.parse(readFileSync(join(repo, "examples/flat-run/expected.json"), "utf8")) as { runUrl: string }
).runUrl;
/** The XML of atvm24-redhat9.6, the last host of the flat example (written last by the run). */
const ATVM24_XML = "cypress/cmcReporter/xml/test-result-3546fccddabadcb32603d90934c08738.xml";

/**
 * Host lines the flat post must hold, written by hand from examples/flat-run/expected.json; each FAIL
 * line carries its triage class and the default catalog's signature (T1, data/signatures.json).
 */
const FLAT_POST_LINES = [
  "atvm9-redhat9.7 - PASS",
  "atvm19-redhat9.7 - PASS",
  "atvm21-redhat9.0 - PASS",
  "atvm22-redhat9.2 - FAIL [assertion: migration-session-error] - step 7 (Create migration session)",
  "atvm23-redhat9.4 - FAIL [infrastructure: ssh-permission-denied] - step 1 (Verifying set up) [hook]",
  "atvm24-redhat9.6 - FAIL [assertion: checksum-mismatch] - step 10 (Verify data for cmotion)",
];

const cleanups: (() => void)[] = [];
const runners = new Set<ChildProcess>();

afterEach(async () => {
  for (const r of runners) r.kill("SIGKILL");
  runners.clear();
  killLeftovers();
  for (const c of cleanups.splice(0).reverse()) c();
});

function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A copy of `examples/<name>` in a temp dir; `config` is merged into its atvm.config.json. */
function stageRoot(name: string, config: Record<string, unknown> = {}): string {
  const root = join(temp("atvm-replay-root-"), name);
  cpSync(join(repo, "examples", name), root, { recursive: true });
  const file = join(root, "atvm.config.json");
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), ...config }));
  return root;
}

/** Starts the stand-in runner: a real process whose command line is the runner's (R21). */
function startRunner(build: string, categorize = false): ChildProcess {
  const dir = temp("atvm-runner-");
  const script = join(dir, "run-sorry-cypress.py");
  writeFileSync(script, "setInterval(() => {}, 1000);\n");
  const args = [script, "--config_file", "cypress.atvm-config-gold.ts", "--build_name", build];
  const child = spawn(process.execPath, categorize ? [...args, "--categorize"] : args, { stdio: "ignore" });
  runners.add(child);
  return child;
}

async function stopRunner(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await gone;
  runners.delete(child);
}

async function server(options: Parameters<typeof startWebhookServer>[0] = {}): Promise<WebhookServer> {
  const s = await startWebhookServer(options);
  cleanups.push(() => void s.close());
  return s;
}

interface Watch {
  readonly done: Promise<CliResult>;
  readonly exited: () => boolean;
}

function watch(
  s: WebhookServer,
  root: string,
  build: string,
  dir: string,
  env: Record<string, string> = {},
): Watch {
  let exited = false;
  const done = runCli(["watch", "--root", root, "--build", build, "--state-dir", dir, "--interval", "1"], {
    env: { MATTERMOST_ATVM_WEBHOOK: s.url, ...env },
    timeoutMs: 45_000,
  }).finally(() => {
    exited = true;
  });
  return { done, exited: () => exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function posts(s: WebhookServer): RecordedWebhookRequest[] {
  return s.requests.filter((r) => r.method === "POST");
}

function body(r: RecordedWebhookRequest): { text: string; props: Record<string, unknown> } {
  const b = r.body as { text?: unknown; props?: Record<string, unknown> } | null;
  return { text: typeof b?.text === "string" ? b.text : "", props: b?.props ?? {} };
}

function runsJson(dir: string): Promise<CliResult> {
  return runCli(["runs", "--state-dir", dir, "--format", "json"]);
}

describe("replay through the real watcher process (flat, categorized, cancelled, killed, hung)", () => {
  it("R28 D1 W7 scenario 19 flat: a truncated XML at the end and a live runner give no post; one post after both end, as expected", async () => {
    const s = await server();
    const root = stageRoot("flat-run");
    const dir = temp("atvm-replay-state-");
    const full = readFileSync(join(root, ATVM24_XML));
    writeFileSync(join(root, ATVM24_XML), full.subarray(0, Math.floor(full.length * 0.6)));
    const runner = startRunner(FLAT_BUILD);
    const w = watch(s, root, FLAT_BUILD, dir);
    await sleep(3_500); // ≥ 3 polls at --interval 1
    expect(posts(s)).toHaveLength(0);
    writeFileSync(join(root, ATVM24_XML), full); // the writer finishes the file
    await sleep(2_500);
    expect(posts(s)).toHaveLength(0); // D1: the runner is still alive
    expect(w.exited()).toBe(false);
    await stopRunner(runner);
    const r = await w.done;
    expect(r.code).toBe(0);
    const p = posts(s);
    expect(p).toHaveLength(1);
    const { text, props } = body(p[0] as RecordedWebhookRequest);
    expect(props.atvm_unit).toBe(FLAT_BUILD);
    expect(text).toContain(FLAT_BUILD);
    expect(text).toContain("State: **FAILED**");
    for (const line of FLAT_POST_LINES) expect(text).toContain(line);
    expect(text).toContain(URL_FLAT);
  }, 60_000);

  it("W5 R28 categorized: one post per batch while the parent runner lives, the watcher stays alive, none for the parent", async () => {
    const s = await server();
    const root = stageRoot("categorized-run");
    const dir = temp("atvm-replay-state-");
    const runner = startRunner(CAT_BUILD, true);
    const w = watch(s, root, CAT_BUILD, dir);
    await until("three batch posts", () => posts(s).length >= 3);
    await sleep(2_000);
    expect(w.exited()).toBe(false); // W5: the parent runner is alive
    expect(posts(s)).toHaveLength(3);
    await stopRunner(runner);
    const r = await w.done;
    expect(r.code).toBe(0);
    const units = posts(s).map((p) => body(p).props.atvm_unit);
    expect([...units].sort()).toEqual(["e2e-0327-redhat", "e2e-0327-suse", "e2e-0327-ubuntu"]);
    expect(units).not.toContain(CAT_BUILD);
  }, 60_000);

  it("D4 W4 cancelled: atvm cancel while the runner lives closes the watch with no post, also after the runner ends", async () => {
    const s = await server();
    const root = stageRoot("flat-run");
    const dir = temp("atvm-replay-state-");
    const runner = startRunner(FLAT_BUILD);
    const w = watch(s, root, FLAT_BUILD, dir);
    await sleep(2_000);
    expect((await runCli(["cancel", "--build", FLAT_BUILD, "--state-dir", dir])).code).toBe(0);
    const r = await w.done;
    expect(r.code).toBe(0);
    await stopRunner(runner);
    expect((await watch(s, root, FLAT_BUILD, dir).done).code).toBe(0);
    expect(s.requests).toHaveLength(0);
    const rows = JSON.parse((await runsJson(dir)).stdout) as { builds: { state: string }[] };
    expect(rows.builds.map((b) => b.state)).toEqual(["CANCELLED"]);
  }, 60_000);

  it("D3 D6 killed: a runner killed mid-run closes TERMINATED with no post", async () => {
    const s = await server();
    const root = stageRoot("in-progress");
    const dir = temp("atvm-replay-state-");
    const runner = startRunner("e2e-debian9-0328");
    const w = watch(s, root, "e2e-debian9-0328", dir);
    await sleep(2_500);
    expect(w.exited()).toBe(false);
    await stopRunner(runner);
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(s.requests).toHaveLength(0);
    const rows = JSON.parse((await runsJson(dir)).stdout) as { builds: { state: string }[] };
    expect(rows.builds.map((b) => b.state)).toEqual(["TERMINATED"]);
  }, 60_000);

  it("D9 R1 R30 hung: results final, run URL persisted, runner never exits: HUNG after the (config) hang window, no post, review", async () => {
    const s = await server();
    const root = stageRoot("flat-run", { hangWindowMs: 3_000 });
    const dir = temp("atvm-replay-state-");
    startRunner(FLAT_BUILD);
    const r = await watch(s, root, FLAT_BUILD, dir).done;
    expect(r.code).toBe(0);
    expect(s.requests).toHaveLength(0);
    // R30: the URL was persisted under the run's state (before any termination could happen, R1).
    expect(JSON.parse(readFileSync(join(dir, FLAT_BUILD, "run-urls.json"), "utf8"))).toEqual([URL_FLAT]);
    expect(r.stderr).toContain("URL and results captured");
    const state = JSON.parse(readFileSync(join(dir, FLAT_BUILD, "state.json"), "utf8")) as {
      runState: string;
      units: { state: string; post: string }[];
    };
    expect(state.runState).toBe("HUNG");
    expect(state.units).toMatchObject([{ state: "HUNG", post: "none" }]);
    expect((await runCli(["runs", "--state-dir", dir])).stdout).toContain("REVIEW");
  }, 60_000);
});

describe("fault scenarios through the real process", () => {
  it("D9 scenario 25: a +3 h wall-clock jump mid-run (preloaded Date shift) gives no HUNG; one post after the runner ends", async () => {
    const s = await server();
    const root = stageRoot("flat-run", { hangWindowMs: 60 * 60_000 });
    const dir = temp("atvm-replay-state-");
    const runner = startRunner(FLAT_BUILD);
    const preload = join(repo, "test/fixtures/wall-clock-jump.cjs");
    const w = watch(s, root, FLAT_BUILD, dir, {
      NODE_OPTIONS: `--require ${preload}`,
      ATVM_TEST_WALL_JUMP: "1500:10800000",
    });
    await sleep(4_000);
    expect(w.exited()).toBe(false); // a wall-clock hang check would have closed it HUNG here
    expect(s.requests).toHaveLength(0);
    await stopRunner(runner);
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(posts(s)).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(dir, FLAT_BUILD, "state.json"), "utf8")) as {
      units: { firstSeenAt: number; closedAt: number }[];
    };
    // The jump is real for the D5 wall-clock timestamps: closed ≥ 3 h after first seen.
    const unit = state.units[0] as { firstSeenAt: number; closedAt: number };
    expect(unit.closedAt - unit.firstSeenAt).toBeGreaterThanOrEqual(3 * 3_600_000);
  }, 60_000);

  it("D10 scenarios 26/27: SIGTERM mid-POST exits 143; the restart re-posts the same notification id (at most one duplicate)", async () => {
    const s = await server({ script: ["slow"] });
    const dir = temp("atvm-replay-state-");
    const w = watch(s, "examples/flat-run", FLAT_BUILD, dir);
    await until("the POST to hang", () => posts(s).length === 1);
    // A stray `kill <pid>` of exactly this watcher (the child runCli spawned for this state dir).
    const child = [...liveChildren].find((c) => c.spawnargs.includes(dir));
    expect(child?.kill("SIGTERM")).toBe(true);
    const first = await w.done;
    expect(first.code).toBe(143);
    expect(first.stderr).toContain("SIGTERM");
    const restart = await watch(s, "examples/flat-run", FLAT_BUILD, dir).done;
    expect(restart.code).toBe(0);
    const p = posts(s);
    expect(p.length).toBeGreaterThanOrEqual(1);
    expect(p.length).toBeLessThanOrEqual(2);
    expect(new Set(p.map((x) => body(x).props.atvm_notification_id)).size).toBe(1);
    expect(existsSync(join(dir, FLAT_BUILD, "posted.marker"))).toBe(true);
  }, 60_000);

  it("scenario 16: ENOSPC on the state dir (a full 64 KiB tmpfs): no post while nothing is durable; one post once space is freed", async () => {
    const s = await server();
    const mount = temp("atvm-replay-tmpfs-");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount]);
    cleanups.push(() => execFileSync("umount", ["-l", mount]));
    const runner = startRunner(FLAT_BUILD);
    const w = watch(s, "examples/flat-run", FLAT_BUILD, mount);
    await until("state.json", () => existsSync(join(mount, FLAT_BUILD, "state.json")));
    const filler = join(mount, "filler");
    try {
      writeFileSync(filler, Buffer.alloc(128 * 1024));
    } catch {
      // ENOSPC: the file system is now full, which is the point
    }
    await stopRunner(runner); // the run ends: the intent must be written, and cannot be
    await sleep(4_000);
    expect(s.requests).toHaveLength(0);
    expect(w.exited()).toBe(false);
    expect(existsSync(join(mount, FLAT_BUILD, "intent.json"))).toBe(false);
    unlinkSync(filler);
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("ENOSPC");
    expect(posts(s)).toHaveLength(1);
  }, 60_000);

  it("reliability §6 case 18: a read-only state dir for the watcher's user (setpriv uid 65534) exits 78, nothing sent", async () => {
    const s = await server();
    const dir = temp("atvm-replay-state-");
    mkdirSync(join(dir, FLAT_BUILD), { mode: 0o755 });
    const r = await runCli(
      ["watch", "--root", "examples/flat-run", "--build", FLAT_BUILD, "--state-dir", dir, "--interval", "1"],
      {
        env: { MATTERMOST_ATVM_WEBHOOK: s.url },
        prefix: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
      },
    );
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(s.requests).toHaveLength(0);
  });
});

describe("what a finished watch leaves in its state dir (D5, T5)", () => {
  it("D5 state.json holds the build, watcher state, markers, last host summary and first/last seen/closed per unit", async () => {
    const s = await server();
    const dir = temp("atvm-replay-state-");
    expect((await watch(s, "examples/flat-run", FLAT_BUILD, dir).done).code).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, FLAT_BUILD, "state.json"), "utf8")) as Record<
      string,
      unknown
    >;
    // D5, field by field: build name, watcher state, completion, posted marker, last host summary, timestamps.
    expect(state.build).toBe(FLAT_BUILD);
    expect(state.phase).toBe("exited");
    expect(state.runState).toBe("FAILED");
    for (const k of ["firstSeenAt", "lastSeenAt", "closedAt"]) expect(typeof state[k], k).toBe("number");
    const [unit] = state.units as Record<string, unknown>[];
    expect(unit).toMatchObject({ id: FLAT_BUILD, kind: "run", state: "FAILED", post: "posted" });
    expect(unit?.summary).toBe("3 PASS, 3 FAIL");
    for (const k of ["firstSeenAt", "lastSeenAt", "closedAt", "postedAt"])
      expect(typeof unit?.[k], k).toBe("number");
    // Markers beside it: posted (D10) with the notification id the post carried.
    const marker = JSON.parse(readFileSync(join(dir, FLAT_BUILD, "posted.marker"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(marker.notificationId).toBe(
      body(posts(s)[0] as RecordedWebhookRequest).props.atvm_notification_id,
    );
    expect(existsSync(join(dir, FLAT_BUILD, "cancelled.marker"))).toBe(false);
  });

  it("T5 summary.json is atvm.summary.v1, a valid --baseline for atvm diff; a damaged one is refused naming the field", async () => {
    const s = await server();
    const dir = temp("atvm-replay-state-");
    expect((await watch(s, "examples/flat-run", FLAT_BUILD, dir).done).code).toBe(0);
    const file = join(dir, FLAT_BUILD, "summary.json");
    const summary = JSON.parse(readFileSync(file, "utf8")) as {
      schema: string;
      build: string;
      state: string;
    };
    expect(summary).toMatchObject({ schema: "atvm.summary.v1", build: FLAT_BUILD, state: "FAILED" });
    const diff = await runCli([
      "diff",
      "--root",
      "examples/flat-run",
      "--build",
      FLAT_BUILD,
      "--baseline",
      file,
      "--format",
      "json",
    ]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("atvm.diff.v1");
    writeFileSync(file, JSON.stringify({ ...summary, state: "GREEN" }));
    const bad = await runCli([
      "diff",
      "--root",
      "examples/flat-run",
      "--build",
      FLAT_BUILD,
      "--baseline",
      file,
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("not an atvm.summary.v1 file: state");
  });

  it("T5 W5 a categorized watch writes one summary per batch under subruns/<id>/", async () => {
    const s = await server();
    const dir = temp("atvm-replay-state-");
    expect((await watch(s, "examples/categorized-run", CAT_BUILD, dir).done).code).toBe(0);
    for (const batch of ["e2e-0327-redhat", "e2e-0327-ubuntu", "e2e-0327-suse"]) {
      const file = join(dir, CAT_BUILD, "subruns", batch, "summary.json");
      const summary = JSON.parse(readFileSync(file, "utf8")) as {
        build: string;
        hosts: { batch?: string }[];
      };
      expect(summary.build, batch).toBe(batch);
      expect(summary.hosts.length, batch).toBeGreaterThan(0);
    }
  });
});
