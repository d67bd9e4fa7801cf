import { rmSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { decodeUtf8, listRunnerLogs, newestRunnerLog, type ProcessInfo } from "@atvm-watch/engine";
import { createNodeFsSource } from "@atvm-watch/node-fs";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";
import { BUILD, capture, finishedRoot, fixedProbe, T0, TEMPLATE_COMMAND } from "./fixture.ts";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const NOW = T0 + 3 * 3_600_000;
const clock = { now: () => NOW, monotonicMs: () => 0 };

async function run(
  argv: string[],
  options: { processes?: ProcessInfo[]; env?: Record<string, string>; tty?: boolean } = {},
) {
  const io = capture(options.tty ?? false);
  const code = await main(argv, {
    stdout: io.stdout,
    stderr: io.stderr,
    env: options.env ?? { HOME: "/nonexistent-home" },
    probe: fixedProbe(options.processes ?? []),
    clock,
    cwd: "/",
  });
  return { code, out: io.out(), err: io.err() };
}

function root(config = true): string {
  const made1 = finishedRoot({ config });
  made.push(made1.root);
  return made1.root;
}

interface JsonHost {
  host: string;
  status: string;
  kernel?: string;
}

describe("atvm status: usage errors exit 2 with one line naming the value and the fix", () => {
  it("a missing root", async () => {
    const { code, err } = await run(["status", "--root", "/nonexistent/cdc-e2e"]);
    expect(code).toBe(2);
    expect(err).toMatch(/^atvm: automation root \/nonexistent\/cdc-e2e is not a folder; pass --root/);
    expect(err.trim().split("\n")).toHaveLength(1);
  });
  it("an unknown --format", async () => {
    const { code, err } = await run(["status", "--root", root(), "--format", "yaml"]);
    expect(code).toBe(2);
    expect(err).toBe('atvm: unknown --format "yaml"; use one of: text, markdown, json, ctrf\n');
  });
  it("an invalid --tz", async () => {
    const { code, err } = await run(["status", "--root", root(), "--tz", "Mars/Olympus"]);
    expect(code).toBe(2);
    expect(err).toMatch(
      /--tz "Mars\/Olympus" is not a valid IANA time zone; pass --tz with a name such as UTC/,
    );
  });
  it("an unreadable --config", async () => {
    const { code, err } = await run(["status", "--root", root(), "--config", "/nonexistent/atvm.json"]);
    expect(code).toBe(2);
    expect(err).toMatch(
      /cannot read config \/nonexistent\/atvm\.json \(ENOENT\); check the path given to --config/,
    );
  });
  it("an invalid auto-loaded config, one zod issue per line with its JSON path", async () => {
    const r = finishedRoot();
    made.push(r.root);
    r.write("atvm.config.json", '{ "paths": { "history": 3 }, "hangWindowMs": -1 }');
    const { code, err } = await run(["status", "--root", r.root]);
    expect(code).toBe(2);
    expect(err).toContain(`config ${join(r.root, "atvm.config.json")} is invalid`);
    expect(err).toMatch(/\n {2}paths\.history: .+\n {2}hangWindowMs: .+/);
  });
  it("an unsafe --build", async () => {
    const { code, err } = await run(["status", "--root", root(), "--build", "../etc"]);
    expect(code).toBe(2);
    expect(err).toMatch(/--build "\.\.\/etc" is not a build name/);
  });
  it("an unknown option or command", async () => {
    expect((await run(["status", "--colour"])).code).toBe(2);
    expect((await run(["launch"])).code).toBe(2);
  });
});

describe("atvm --help", () => {
  it("lists the commands", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: atvm/);
    expect(out).toMatch(/status \[options\]\s+Print the status of the live run/);
  });
  it("status --help explains every option with an example", async () => {
    const { code, out } = await run(["status", "--help"]);
    expect(code).toBe(0);
    for (const option of [
      "--root <dir>",
      "--build <name>",
      "--config <file>",
      "--format <format>",
      "--tz <zone>",
    ]) {
      expect(out).toContain(option);
    }
    expect(out).toContain("npx atvm status --root /root/cdc-e2e-cyp-12.17.4");
  });
  it("R19 status --help states the build-not-found error and the historical window", async () => {
    const { out } = await run(["status", "--help"]);
    expect(out).toContain('build "NAME" not found in shell history, runner logs or');
    expect(out).toMatch(/shown inside its own\s+window, from its start to the next run's start/);
  });
});

describe("atvm status on a controller root", () => {
  it("R19 with no live runner shows the most recent run from shell history, exit 0", async () => {
    const { code, out, err } = await run(["status", "--root", root(), "--format", "json"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.schema).toBe("atvm.status.v1");
    expect(json.build).toBe(BUILD);
    expect(json.template).toBe("cmc-e2e");
    expect(json.templateCommand).toBe(TEMPLATE_COMMAND);
    const status = Object.fromEntries(json.hosts.map((h: JsonHost) => [h.host, h.status]));
    expect(status["atvm7-ubuntu24.04"]).toBe("PASS");
    expect(status["atvm50-redhat9.7"]).toBe("FAIL");
    expect(json.runUrls).toEqual(["https://app.currents.dev/run/9e2a97f99ec1ef16"]);
    expect(json.hosts.find((h: JsonHost) => h.host === "atvm7-ubuntu24.04")?.kernel).toBe("6.8.0-31-generic");
  });

  it("R21 a live run-sorry-cypress.py process names the build, even one history does not know", async () => {
    const processes: ProcessInfo[] = [
      { pid: 1, ppid: 0, command: "/sbin/init", defunct: false, startedAt: null },
      {
        pid: 4242,
        ppid: 1,
        command: "python3 ./run-sorry-cypress.py --build_name e2e-live-1",
        defunct: false,
        startedAt: NOW - 60_000,
      },
    ];
    const { code, out } = await run(["status", "--root", root(), "--format", "json"], { processes });
    expect(code).toBe(0);
    expect(JSON.parse(out).build).toBe("e2e-live-1");
  });

  it("R19 --build picks an older run from history", async () => {
    const { code, out } = await run(["status", "--root", root(), "--build", "e2e-old", "--format", "json"]);
    expect(code).toBe(0);
    expect(JSON.parse(out).build).toBe("e2e-old");
  });

  it("R4 text output has the build as heading and no colour unless on a TTY without NO_COLOR", async () => {
    const plain = await run(["status", "--root", root()]);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain(BUILD);
    expect(plain.out).toContain("atvm50-redhat9.7 - FAIL");
    expect(plain.out).not.toContain("\u001b[");
    const noColor = await run(["status", "--root", root()], { tty: true, env: { NO_COLOR: "1" } });
    expect(noColor.out).not.toContain("\u001b[");
  });

  it("markdown output renders the same run", async () => {
    const { code, out } = await run(["status", "--root", root(), "--format", "markdown"]);
    expect(code).toBe(0);
    expect(out).toContain(BUILD);
  });

  it("R19 with no live runner and no history, shows the run the artifacts describe, named after the newest runner log", async () => {
    const r = finishedRoot();
    made.push(r.root);
    r.write(".bash_history", "ls\n");
    const named = await run(["status", "--root", r.root, "--format", "json"]);
    expect(named.code).toBe(0);
    const json = JSON.parse(named.out);
    expect(json.build).toBe(BUILD);
    expect(json.hosts.find((h: { host: string }) => h.host === "atvm50-redhat9.7").status).toBe("FAIL");
    expect(json.notes.join("\n")).toContain("the build name comes from the newest runner log");
  });

  it("R19 with no runner log either, the run stays unnamed and says how to name it", async () => {
    const r = finishedRoot();
    made.push(r.root);
    r.write(".bash_history", "ls\n");
    rmSync(join(r.root, "tmp", `${BUILD}.log`));
    const { code, out } = await run(["status", "--root", r.root]);
    expect(code).toBe(0);
    expect(out.split("\n")[0]).toBe("(unnamed run)");
    expect(out).toContain("atvm50-redhat9.7 - FAIL");
    expect(out).toContain("pass --build NAME to name the run");
  });
});

describe("atvm --version", () => {
  it("prints the package version and exits 0", async () => {
    const io = capture();
    const code = await main(["--version"], { stdout: io.stdout, stderr: io.stderr });
    expect(code).toBe(0);
    expect(io.out().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("newestRunnerLog", () => {
  it("R19 takes the newest Cypress runner log, not another tool's log or a launch log", async () => {
    const r = finishedRoot();
    made.push(r.root);
    r.write(
      "tmp/old-build.log",
      "🎥 Run URL: https://app.currents.dev/run/1\nRunning: cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts (1/2)\n",
    );
    r.write("tmp/e2e-new.launch.log", "template generation output\n");
    r.write("tmp/apt-history.log", "Start-Date: 2026-03-27 unrelated tool log\n");
    const t = Date.now() / 1000;
    utimesSync(join(r.root, "tmp/old-build.log"), t - 60, t - 60);
    utimesSync(join(r.root, `tmp/${BUILD}.log`), t - 120, t - 120);
    const source = createNodeFsSource({ root: r.root });
    const logs = await listRunnerLogs(source, ["tmp/{build}.log"], undefined);
    expect(await newestRunnerLog(source, logs, decodeUtf8)).toMatchObject({
      build: "old-build",
      path: "tmp/old-build.log",
    });
  });
});
