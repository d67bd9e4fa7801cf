// `atvm status --controller` and the fleet view against a REAL OpenSSH server on loopback
// (packages/ssh/test/sshd.ts: own host key, own user key, own known_hosts), issue 9 "ssh adapter"
// and "Fleet view". Skipped locally with a printed reason when sshd is missing; a failure in CI.
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCollector, DEFAULT_LAYOUT } from "@atvm-watch/engine";
import { fleetJsonSchema, parseFleetJson } from "@atvm-watch/status";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSshConnection, createSshSource } from "../../ssh/src/index.ts";
import { describeSsh } from "../../ssh/test/setup.ts";
import { findSshd, type LoopbackSshd, startLoopbackSshd } from "../../ssh/test/sshd.ts";
import { main } from "../src/main.ts";

const repo = join(import.meta.dirname, "../../..");
// Every status below names the build: the loopback controller is THIS machine, whose process table
// other test files fill with live stand-in runners that R21 (live first) would otherwise pick.
const BUILD = "e2e-redhat9.7-0327";
const made: string[] = [];
const temp = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

it("issue 9: hostile --controller strings are refused (exit 2, INVALID_NAME) before any ssh process starts", async () => {
  const bin = temp("atvm-nossh-");
  const log = join(bin, "calls");
  writeFileSync(join(bin, "ssh"), `#!/bin/sh\necho called >> ${log}\nexit 255\n`);
  chmodSync(join(bin, "ssh"), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  try {
    for (const hostile of [
      "-oProxyCommand=touch /tmp/pwned",
      "ctl`id`",
      "ctl$(id)",
      "root@-oProxyCommand=id:/root",
    ]) {
      const r = await run("status", "--controller", hostile);
      expect(r.code, hostile).toBe(2);
      expect(r.stderr, hostile).toMatch(
        /^atvm: --controller .* is not an ssh destination; use \[user@\]host/,
      );
      // Also in the fleet view: one hostile entry refuses the whole command before ssh runs.
      const fleet = await run("status", "--controller", "ctl-a:/root", "--controller", hostile);
      expect(fleet.code, hostile).toBe(2);
    }
  } finally {
    process.env.PATH = path;
  }
  expect(() => readFileSync(log)).toThrow(); // the wrapper never ran
});

it("issue 9: atvm.fleet.v1 — docs/fleet.schema.json is the JSON Schema generated from the zod schema", () => {
  const committed = JSON.parse(readFileSync(join(repo, "docs/fleet.schema.json"), "utf8")) as unknown;
  expect(committed).toEqual(fleetJsonSchema());
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 1));
    });
  });
}

describeSsh("atvm status --controller over a real sshd on 127.0.0.1", { timeout: 180_000 }, () => {
  let sshd: LoopbackSshd;
  let sshConfig: string;
  let exampleA: string;
  let exampleB: string;
  beforeAll(async () => {
    const found = findSshd();
    if (!("sshd" in found)) throw new Error(found.missing);
    sshd = await startLoopbackSshd(found.sshd);
    const down = await freePort();
    const host = (names: string, port: number, known: string) =>
      [
        `Host ${names}`,
        "  HostName 127.0.0.1",
        `  Port ${port}`,
        `  User ${sshd.user}`,
        `  IdentityFile ${sshd.identityFile}`,
        "  IdentitiesOnly yes",
        `  UserKnownHostsFile ${known}`,
        "  GlobalKnownHostsFile /dev/null",
        "  ConnectTimeout 3",
        "",
      ].join("\n");
    sshConfig = join(sshd.dir, "client_config");
    writeFileSync(
      sshConfig,
      host("ctl-a ctl-b", sshd.port, sshd.knownHostsFile) +
        host("ctl-down", down, sshd.knownHostsFile) +
        host("ctl-rekeyed", sshd.port, sshd.wrongKnownHostsFile),
    );
    // Two controllers' automation roots: a copy of examples/flat-run each (two roots on one sshd).
    exampleA = join(temp("atvm-ctl-a-"), "cdc");
    exampleB = join(temp("atvm-ctl-b-"), "cdc");
    cpSync(join(repo, "examples/flat-run"), exampleA, { recursive: true });
    cpSync(join(repo, "examples/flat-run"), exampleB, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await sshd?.stop();
  });

  it("issue 9: one collector poll of a remote controller is ONE ssh round trip, the first poll and every later one", async () => {
    const connection = createSshConnection({
      destination: sshd.destination,
      port: sshd.port,
      identityFile: sshd.identityFile,
      knownHostsFile: sshd.knownHostsFile,
      configFile: "/dev/null",
    });
    try {
      const collector = createCollector(createSshSource(connection, { root: exampleA }), {
        ...DEFAULT_LAYOUT,
        "runner-log": ["tmp/{build}.log"],
        "shell-history": [".bash_history"],
      });
      const first = await collector.poll({ build: "e2e-redhat9.7-0327" });
      expect(connection.invocations()).toBe(1);
      expect(first.files.junit.length).toBe(8);
      expect(first.observations.some((o) => o.kind === "invocation")).toBe(true); // .bash_history read
      const second = await collector.poll({ build: "e2e-redhat9.7-0327" });
      expect(connection.invocations()).toBe(2);
      expect(second.stats.reread).toBe(0); // nothing changed: no bytes re-sent
      expect(second.observations).toEqual(first.observations);
    } finally {
      await connection.close();
    }
  });

  it("R19 R21 issue 9: the remote status of a copied example is the local status, apart from the Controller line; ssh invocations are counted", async () => {
    const local = await run("status", "--root", exampleA, "--build", BUILD);
    expect(local.code).toBe(0);
    // Count ssh processes with a wrapper on PATH (the real ssh behind it).
    const bin = temp("atvm-sshwrap-");
    const log = join(bin, "calls");
    writeFileSync(
      join(bin, "ssh"),
      `#!/bin/sh\ncase " $* " in *" -O exit "*) echo close ;; *) echo call ;; esac >> ${log}\nexec /usr/bin/ssh "$@"\n`,
    );
    chmodSync(join(bin, "ssh"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    let remote: Awaited<ReturnType<typeof run>>;
    try {
      remote = await run(
        "status",
        "--controller",
        `ctl-a:${exampleA}`,
        "--ssh-config",
        sshConfig,
        "--build",
        BUILD,
      );
    } finally {
      process.env.PATH = path;
    }
    expect(remote.stderr).toBe("");
    expect(remote.code).toBe(0);
    expect(remote.stdout).toBe(`Controller: ctl-a:${exampleA}\n\n${local.stdout}`);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    // hello (HOME + root check), config stat + read, process list, the observer's collector
    // polls (one round trip each), and `ssh -O exit` closing the ControlMaster.
    expect(calls.filter((c) => c === "close").length).toBe(1);
    expect(calls.length).toBeLessThanOrEqual(7);
    const json = await run(
      "status",
      "--controller",
      `ctl-a:${exampleA}`,
      "--ssh-config",
      sshConfig,
      "--build",
      BUILD,
      "--format",
      "json",
    );
    const localJson = await run("status", "--root", exampleA, "--build", BUILD, "--format", "json");
    // The same atvm.status.v1 but for `at`, the moment each snapshot was taken.
    const { at: _remoteAt, ...remoteStatus } = JSON.parse(json.stdout) as Record<string, unknown>;
    const { at: _localAt, ...localStatus } = JSON.parse(localJson.stdout) as Record<string, unknown>;
    expect(remoteStatus).toEqual(localStatus);
    expect(remoteStatus.build).toBe("e2e-redhat9.7-0327");
  });

  it("issue 9: a changed host key is refused with one clear line (exit 3), never a run state", async () => {
    const r = await run(
      "status",
      "--controller",
      `ctl-rekeyed:${exampleA}`,
      "--ssh-config",
      sshConfig,
      "--build",
      BUILD,
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^atvm: controller ctl-rekeyed HOST KEY REFUSED: .*host key is unknown or CHANGED[^\n]*\n$/,
    );
    expect(r.stderr).not.toMatch(/HUNG|RUNNING|FAILED|UNKNOWN/);
  });

  it("issue 9: an unreachable controller is its own error (exit 3, UNREACHABLE), not HUNG", async () => {
    const r = await run(
      "status",
      "--controller",
      `ctl-down:${exampleA}`,
      "--ssh-config",
      sshConfig,
      "--build",
      BUILD,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^atvm: controller ctl-down UNREACHABLE: .*cannot be reached[^\n]*\n$/);
    expect(r.stderr).not.toContain("HUNG");
  });

  it("issue 9 fleet view: two reachable controllers and one unreachable — every section shown, one summary line, atvm.fleet.v1", async () => {
    const args = [
      "status",
      "--controller",
      `ctl-a:${exampleA}`,
      "--controller",
      `ctl-down:${exampleA}`,
      "--controller",
      `ctl-b:${exampleB}`,
      "--ssh-config",
      sshConfig,
      "--build",
      BUILD,
    ];
    const text = await run(...args);
    expect(text.code).toBe(3);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toBe("FLEET 3 controllers: 2 FINISHED (FAILED), 1 UNREACHABLE");
    const headings = lines.filter((l) => l.startsWith("== "));
    expect(headings).toEqual([
      `== ctl-a:${exampleA} - FINISHED (FAILED) ==`,
      `== ctl-down:${exampleA} - UNREACHABLE ==`,
      `== ctl-b:${exampleB} - FINISHED (FAILED) ==`,
    ]);
    const local = await run("status", "--root", exampleB, "--build", BUILD);
    expect(text.stdout.endsWith(`== ctl-b:${exampleB} - FINISHED (FAILED) ==\n\n${local.stdout}`)).toBe(true);

    const json = await run(...args, "--format", "json");
    const parsed = parseFleetJson(JSON.parse(json.stdout));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.counts).toEqual({ FAILED: 2, UNREACHABLE: 1 });
    expect(parsed.value.controllers.map((c) => ("status" in c ? c.status.build : c.problem))).toEqual([
      "e2e-redhat9.7-0327",
      "UNREACHABLE",
      "e2e-redhat9.7-0327",
    ]);

    const md = await run(...args, "--format", "markdown");
    expect(md.stdout.split("\n")[0]).toBe("**FLEET 3 controllers: 2 FINISHED (FAILED), 1 UNREACHABLE**");
    expect(md.stdout).toContain(`### ctl-down:${exampleA} - UNREACHABLE`);
  });

  it("issue 9 fleet view from the config's controllers list (no --root)", async () => {
    const dir = temp("atvm-fleet-config-");
    writeFileSync(
      join(dir, "fleet.json"),
      JSON.stringify({ controllers: [`ctl-a:${exampleA}`, `ctl-rekeyed:${exampleB}`] }),
    );
    const r = await run(
      "status",
      "--config",
      join(dir, "fleet.json"),
      "--ssh-config",
      sshConfig,
      "--build",
      BUILD,
    );
    expect(r.stdout.split("\n")[0]).toBe("FLEET 2 controllers: 1 FINISHED (FAILED), 1 HOST KEY REFUSED");
    expect(r.stdout).toContain(`== ctl-rekeyed:${exampleB} - HOST KEY REFUSED ==`);
    expect(r.code).toBe(3);
  });
});
