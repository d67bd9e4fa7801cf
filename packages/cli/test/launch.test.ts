// atvm plan → approve → launch on this machine with the process launcher (the documented
// fallback without systemd), against stand-in controller scripts that write real generated specs
// and copy real-reporter artifacts (test/fixtures/controller/, examples/flat-run).
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { type Plan, parsePlanJson } from "@atvm-watch/commands";
import { createManualClock } from "@atvm-watch/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  alive,
  cleanup,
  cli,
  controllerRoot,
  FLAT_RUN,
  startTicks,
  stateHome,
  stopLaunched,
} from "./launch-helpers.ts";

const roots: string[] = [];
const builds: string[] = [];
afterEach(() => {
  for (const state of roots.splice(0)) stopLaunched(state);
  // The runner log and launch log the launches wrote into /tmp (W2), this file's builds only.
  for (const build of builds.splice(0)) {
    for (const suffix of ["", "-a", "-b", "-c", "-d"]) {
      rmSync(`/tmp/${build}${suffix}.log`, { force: true });
      rmSync(`/tmp/${build}${suffix}.launch.log`, { force: true });
    }
  }
});
afterAll(cleanup);

let seq = 0;
function setup() {
  const root = controllerRoot();
  const xdg = stateHome();
  const stateRoot = join(xdg, "atvm-watch/watcher");
  roots.push(stateRoot);
  seq += 1;
  const build = `e2e-launch-${process.pid}-${seq}`;
  builds.push(build);
  const c = cli({ HOME: xdg, XDG_STATE_HOME: xdg });
  const plan = async (...extra: string[]) => {
    const r = await c.run(
      "plan",
      "--root",
      root,
      "--launcher",
      "process",
      "--template_name",
      "cmc-e2e",
      "--integration_type",
      "pure",
      "--build_name",
      build,
      "--format",
      "json",
      ...extra,
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.out) as Plan;
  };
  const order = () =>
    existsSync(join(root, ".launch-order"))
      ? readFileSync(join(root, ".launch-order"), "utf8")
          .trim()
          .split("\n")
          .map((l) => l.split(" ")[0])
      : [];
  const pid = (what: "watcher" | "runner") => {
    const f = join(stateRoot, ".pids", `${build}.${what}.pid`);
    return existsSync(f) ? Number(readFileSync(f, "utf8")) : null;
  };
  const saved = (id: string) =>
    JSON.parse(readFileSync(join(xdg, "atvm-watch/plans", `${id}.json`), "utf8")) as Plan;
  return { root, xdg, stateRoot, build, c, plan, order, pid, saved };
}

describe("atvm plan (R22)", () => {
  it("R22 R14 R20 R2 prints the exact commands and the id, saves the plan 0600, and executes nothing", async () => {
    const s = setup();
    const r = await s.c.run(
      "plan",
      "--root",
      s.root,
      "--launcher",
      "process",
      "--template_name",
      "cmc-e2e",
      "--containsVm",
      "redhat9.7",
      "--integration_type",
      "pure",
      "--build_name",
      s.build,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --containsVm redhat9.7 --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown --exclude_partial_match atvm6-centos6.0 atvm41-redhat6.0 atvm73-oracle6.0 atvm113-debian9.0.0 atvm115-debian9.1.0 atvm116-debian9.2.0 atvm156-debian9.3.0 atvm144-suse15.0",
    );
    const id = /^PLAN ([0-9a-f]{64})$/m.exec(r.out)?.[1] ?? "";
    expect(r.out).toContain(`npx atvm approve ${id}`);
    const file = join(s.xdg, "atvm-watch/plans", `${id}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(s.xdg, "atvm-watch/plans")).mode & 0o777).toBe(0o700);
    const parsed = parsePlanJson(JSON.parse(readFileSync(file, "utf8")));
    expect(parsed.ok && parsed.plan.id).toBe(id);
    // Nothing ran: no template output, no generated specs, no launch log.
    expect(s.order()).toEqual([]);
    expect(existsSync(join(s.root, "cypress/e2e/generated"))).toBe(false);
    expect(existsSync(`/tmp/${s.build}.launch.log`)).toBe(false);
  });

  it("R22 --format json is atvm.plan.v1 with id, templateCommand, runnerCommand, ordered steps, witness, expiry", async () => {
    const s = setup();
    const plan = await s.plan("--containsVm", "redhat9");
    expect(plan.schema).toBe("atvm.plan.v1");
    expect(plan.steps.map((x) => x.name)).toEqual([
      "config-check",
      "watcher-stop",
      "watcher-state-reset",
      "template",
      "verify",
      "watcher-start",
      "runner-start",
    ]);
    expect(plan.runnerCommand).toBe(
      `python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name ${s.build}`,
    );
    expect(plan.witness.controller).toBe(`local:${s.root}`);
    expect(Date.parse(plan.expiresAt) - Date.parse(plan.createdAt)).toBe(3_600_000);
  });

  it("R37 an explicit list naming a blacklisted host exits 2 with the host and reason; R37 an allowed list gets no excludes; R20 fc replaces iscsi", async () => {
    const s = setup();
    const bad = await s.c.run(
      "plan",
      "--root",
      s.root,
      "--template_name",
      "cmc-e2e",
      "--specify_vms",
      "atvm9-redhat9.7,atvm41-redhat6.0",
      "--build_name",
      s.build,
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("atvm41-redhat6.0 (BLACKLISTED: CMC INSTALL - CAN'T COMPILE)");
    const plan = await s.plan("--specify_vms", "atvm9-redhat9.7", "--use_specified_plugin", "fc");
    expect(plan.templateCommand).not.toContain("--exclude_partial_match");
    expect(plan.templateCommand).toContain("--use_specified_plugin fc");
    expect(plan.templateCommand).not.toContain("iscsi");
  });

  it("a bad build name and hostile --controller strings exit 2 before anything is saved", async () => {
    const s = setup();
    const bad = await s.c.run("plan", "--template_name", "cmc-e2e", "--build_name", "../etc");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--build_name "\.\.\/etc" is not allowed/);
    for (const hostile of ["-oProxyCommand=id", "host`id`", "$(id)@host", "a;b", "root@host -p 22"]) {
      const r = await s.c.run(
        "plan",
        "--controller",
        hostile,
        "--template_name",
        "cmc-e2e",
        "--build_name",
        s.build,
      );
      expect(r.code, hostile).toBe(2);
      expect(r.err).toContain("is not an ssh destination");
    }
    expect(existsSync(join(s.xdg, "atvm-watch/plans"))).toBe(false);
  });
});

describe("atvm approve → launch (process launcher)", () => {
  it("R26 R23 W2 W3 R34 runs the steps in order: stale watcher stopped and state reset, template to the launch log, verification, watcher running before the runner; approval recorded", async () => {
    const s = setup();
    // A stale watcher of the same build (W3): a live process naming the build, and old state.
    const stale = spawn("sh", ["-c", "sleep 300", `watch-${s.build}`], { detached: true, stdio: "ignore" });
    stale.unref();
    mkdirSync(join(s.stateRoot, ".pids"), { recursive: true });
    writeFileSync(join(s.stateRoot, ".pids", `${s.build}.watcher.pid`), `${stale.pid}\n`);
    mkdirSync(join(s.stateRoot, s.build), { recursive: true });
    writeFileSync(join(s.stateRoot, s.build, "cancelled.marker"), "old run\n");

    const plan = await s.plan("--containsVm", "redhat9");
    const r = await s.c.run("approve", plan.id.slice(0, 12));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const steps = [...r.out.matchAll(/^\[(\d)\/7\] ([a-z-]+): ok/gm)].map((m) => m[2]);
    expect(steps).toEqual(plan.steps.map((x) => x.name));
    // W3: the stale watcher is gone, its state moved aside.
    await new Promise((res) => setTimeout(res, 200));
    expect(alive(stale.pid ?? 0)).toBe(false);
    expect(existsSync(join(s.stateRoot, s.build, "cancelled.marker"))).toBe(false);
    expect(readdirSync(s.stateRoot).some((n) => n.startsWith(`.${s.build}.prev-`))).toBe(true);
    // W2: the template ran synchronously, its output in /tmp/<build>.launch.log.
    expect(readFileSync(`/tmp/${s.build}.launch.log`, "utf8")).toContain("3 spec(s) generated");
    unlinkSync(`/tmp/${s.build}.launch.log`);
    // R23: the verified hosts are the generated ones (blacklisted atvm41-redhat6.0 excluded).
    expect(r.out).toContain("Hosts (3): atvm9-redhat9.7, atvm19-redhat9.7, atvm21-redhat9.0");
    // R26: the watcher process was started before the runner and was alive when the runner began.
    const watcher = s.pid("watcher") ?? 0;
    const runner = s.pid("runner") ?? 0;
    expect(alive(watcher)).toBe(true);
    expect(startTicks(watcher)).toBeLessThanOrEqual(startTicks(runner));
    for (let i = 0; i < 50 && !existsSync(join(s.root, ".runner-start.json")); i += 1) {
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(JSON.parse(readFileSync(join(s.root, ".runner-start.json"), "utf8"))).toMatchObject({
      watcherAlive: true,
    });
    expect(s.order()).toEqual(["template", "runner"]);
    // R34: who and when, in the plan file; the next command printed.
    const saved = s.saved(plan.id);
    expect(saved.approval).toMatchObject({
      by: "tester",
      withWatcher: true,
      outcome: { status: "launched", failedStep: null },
    });
    expect(Date.parse(saved.approval?.at ?? "")).toBeGreaterThanOrEqual(Date.parse(plan.createdAt));
    expect(r.out).toContain(`npx atvm status --build ${s.build} --root ${s.root}`);
  }, 30_000);

  it("R18 a missing config file stops the launch at config-check naming it; nothing is searched, substituted or run", async () => {
    const s = setup();
    const plan = await s.plan("--containsVm", "redhat9", "--config_file", "cypress.atvm-config.ts");
    const r = await s.c.run("approve", plan.id);
    expect(r.code).toBe(1);
    expect(r.err).toContain("stopped at config-check: config file cypress.atvm-config.ts is missing");
    expect(r.out).not.toMatch(/\[2\/7\]/);
    expect(s.order()).toEqual([]);
    expect(s.saved(plan.id).approval?.outcome).toMatchObject({
      status: "failed",
      failedStep: "config-check",
    });
  });

  it("W2 a failing template stops everything, with its output; no watcher, no runner", async () => {
    const s = setup();
    writeFileSync(join(s.root, ".fake-template-fail"), "");
    const plan = await s.plan("--containsVm", "redhat9");
    const r = await s.c.run("approve", plan.id);
    expect(r.code).toBe(1);
    expect(r.err).toContain("stopped at template: the template command exited 3");
    expect(r.err).toContain("cannot reach vCenter");
    expect(readFileSync(`/tmp/${s.build}.launch.log`, "utf8")).toContain("cannot reach vCenter");
    unlinkSync(`/tmp/${s.build}.launch.log`);
    expect(s.pid("watcher")).toBeNull();
    expect(s.pid("runner")).toBeNull();
  });

  it("R23 a stale specPattern (specs generated, config not updated) stops before the watcher and the runner", async () => {
    const s = setup();
    writeFileSync(join(s.root, ".fake-stale-specpattern"), "");
    const plan = await s.plan("--specify_vms", "atvm30-ubuntu24.04");
    const r = await s.c.run("approve", plan.id);
    expect(r.code).toBe(1);
    expect(r.err).toContain("verification failed (R23)");
    expect(r.err).toContain("atvm30-ubuntu24.04: not in specPattern of cypress.atvm-config-gold.ts");
    expect(r.err).toContain("holds hosts not requested: atvm9-redhat9.7");
    expect(s.pid("watcher")).toBeNull();
    expect(s.order()).toEqual(["template"]);
    unlinkSync(`/tmp/${s.build}.launch.log`);
  });

  it("R34 --without-watcher launches the runner with no watcher; the step is shown skipped", async () => {
    const s = setup();
    const plan = await s.plan("--specify_vms", "atvm9-redhat9.7,atvm19-redhat9.7");
    const r = await s.c.run("approve", plan.id, "--without-watcher");
    expect(r.code).toBe(0);
    expect(r.out).toContain("[6/7] watcher-start: SKIPPED");
    expect(s.pid("watcher")).toBeNull();
    expect(s.pid("runner")).not.toBeNull();
    expect(s.saved(plan.id).approval).toMatchObject({ withWatcher: false });
    unlinkSync(`/tmp/${s.build}.launch.log`);
  });
});

describe("atvm approve refuses (R22)", () => {
  it("R22 an unknown id, an expired plan, a stale plan (blacklist changed), an edited plan and a used plan are refused with what changed", async () => {
    const s = setup();
    const clock = createManualClock(Date.now());
    const c = cli({ HOME: s.xdg, XDG_STATE_HOME: s.xdg }, clock);
    const unknown = await c.run("approve", "0123456789abcdef");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no saved plan 0123456789abcdef");

    const configFile = join(s.xdg, "atvm.config.json");
    const blacklist = (extra: string[]) =>
      writeFileSync(
        configFile,
        JSON.stringify({
          blacklist: [{ reason: "BLACKLISTED: TEST", patterns: ["atvm41-redhat6.0", ...extra] }],
        }),
      );
    blacklist([]);
    const planArgs = [
      "plan",
      "--root",
      s.root,
      "--launcher",
      "process",
      "--template_name",
      "cmc-e2e",
      "--containsVm",
      "redhat9",
      "--config",
      configFile,
      "--format",
      "json",
    ];
    const stalePlan = JSON.parse((await c.run(...planArgs, "--build_name", `${s.build}-a`)).out) as Plan;
    expect(stalePlan.templateCommand).toContain("--exclude_partial_match atvm41-redhat6.0");
    blacklist(["atvm21-redhat9.0"]);
    const stale = await c.run("approve", stalePlan.id);
    expect(stale.code).toBe(2);
    expect(stale.err).toMatch(
      /is stale and was not run: the blacklist changed \(planned [0-9a-f]{12}…, now [0-9a-f]{12}…\)/,
    );

    const expiring = JSON.parse((await c.run(...planArgs, "--build_name", `${s.build}-b`)).out) as Plan;
    clock.advance(3_600_000);
    const expired = await c.run("approve", expiring.id);
    expect(expired.code).toBe(2);
    expect(expired.err).toContain(`it expired at ${expiring.expiresAt}`);

    const edited = JSON.parse((await c.run(...planArgs, "--build_name", `${s.build}-c`)).out) as Plan;
    const file = join(s.xdg, "atvm-watch/plans", `${edited.id}.json`);
    writeFileSync(file, readFileSync(file, "utf8").replace("--containsVm", "--randomize"));
    const tampered = await c.run("approve", edited.id);
    expect(tampered.code).toBe(2);
    expect(tampered.err).toContain("is not a valid atvm.plan.v1");
    expect(s.order()).toEqual([]);

    const used = JSON.parse(
      (await c.run(...planArgs, "--build_name", `${s.build}-d`, "--config_file", "missing.ts")).out,
    ) as Plan;
    expect((await c.run("approve", used.id)).code).toBe(1); // stops at config-check
    const again = await c.run("approve", used.id);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`was already approved by tester at`);
  });
});

describe("atvm replay (T3)", () => {
  it("T3 replays exactly the failed hosts of examples/flat-run under a fresh build name, leaving out do-not-replay hosts with the reason", async () => {
    const s = setup();
    const expected = JSON.parse(readFileSync(join(FLAT_RUN, "expected.json"), "utf8")) as {
      build: string;
      hosts: { host: string; status: string }[];
    };
    const failed = expected.hosts.filter((h) => h.status === "FAIL").map((h) => h.host);
    const r = await s.c.run(
      "replay",
      "--root",
      FLAT_RUN,
      "--build",
      expected.build,
      "--launcher",
      "process",
      "--format",
      "json",
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      hosts: string[];
      leftOut: { host: string; reason: string }[];
      plan: Plan;
    };
    expect([...out.hosts, ...out.leftOut.map((l) => l.host)].sort()).toEqual([...failed].sort());
    for (const l of out.leftOut) expect(l.reason).toMatch(/^signature [a-z-]+: do not replay/);
    expect(out.leftOut.map((l) => l.host)).toEqual(["atvm24-redhat9.6"]);
    expect(out.plan.build).toBe(`${expected.build}-replay1`);
    expect(out.plan.templateCommand).toBe(
      `python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --specify_vms ${out.hosts.join(",")} --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown`,
    );
    expect(out.plan.runnerCommand).toContain(`--build_name ${expected.build}-replay1`);
    expect(existsSync(join(s.xdg, "atvm-watch/plans", `${out.plan.id}.json`))).toBe(true);
  });

  it("T3 R37 an explicit --hosts list naming a blacklisted or unknown host is refused", async () => {
    const s = setup();
    const r = await s.c.run(
      "replay",
      "--root",
      FLAT_RUN,
      "--build",
      "e2e-redhat9.7-0327",
      "--hosts",
      "atvm41-redhat6.0",
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain("atvm41-redhat6.0");
  });
});
