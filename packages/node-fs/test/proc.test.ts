import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createProcProbe, parseBootTimeMs, parseProcStat } from "../src/proc.ts";

const BTIME = 1_774_500_000; // seconds

/** A /proc/<pid>/stat line: fields 3.. after `(comm)`; field 22 = startTicks. */
function statLine(pid: number, comm: string, state: string, ppid: number, startTicks: number): string {
  const after = [state, String(ppid), ...Array.from({ length: 17 }, () => "0"), String(startTicks), "0", "0"];
  return `${pid} (${comm}) ${after.join(" ")}\n`;
}

function fakeProc(): string {
  const dir = mkdtempSync(join(tmpdir(), "atvm-proc-"));
  writeFileSync(join(dir, "stat"), `cpu  1 2 3\nbtime ${BTIME}\nprocesses 99\n`);
  const add = (pid: number, argv: string[], comm: string, state: string, ppid: number, ticks: number) => {
    mkdirSync(join(dir, String(pid)));
    writeFileSync(join(dir, String(pid), "cmdline"), argv.length === 0 ? "" : `${argv.join("\0")}\0`);
    writeFileSync(join(dir, String(pid), "stat"), statLine(pid, comm, state, ppid, ticks));
  };
  add(1, ["/sbin/init"], "systemd", "S", 0, 1);
  add(
    4242,
    ["python3", "./run-sorry-cypress.py", "--build_name", "e2e-0327", "--categorize"],
    "python3",
    "S",
    1,
    12_345,
  );
  add(4300, [], "npm exec cypres", "Z", 4242, 12_400);
  add(4301, ["node", "/x/cypress (weird) name"], "node) S 1 (x", "R", 4242, 12_500);
  mkdirSync(join(dir, "self")); // non-numeric entries are ignored
  mkdirSync(join(dir, "777")); // vanished: no stat file
  return dir;
}

const dirs: string[] = [];
let child: ChildProcess | null = null;
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  child?.kill();
});

describe("parseProcStat", () => {
  it("splits after the LAST ) so a comm with spaces and parentheses parses", () => {
    expect(parseProcStat(statLine(9, "a) b (c", "Z", 3, 500))).toEqual({
      pid: 9,
      comm: "a) b (c",
      state: "Z",
      ppid: 3,
      startTicks: 500,
    });
    expect(parseProcStat("garbage")).toBeNull();
    expect(parseBootTimeMs("cpu 1\nbtime 12\n")).toBe(12_000);
    expect(parseBootTimeMs("cpu 1\n")).toBeNull();
  });
});

describe("createProcProbe over a fake /proc tree", () => {
  it("R21 reads argv, ppid, defunct state and start time = btime + ticks / 100", async () => {
    const procRoot = fakeProc();
    dirs.push(procRoot);
    const list = await createProcProbe({ procRoot }).list();
    expect(list.map((p) => p.pid)).toEqual([1, 4242, 4300, 4301]);
    expect(list[1]).toEqual({
      pid: 4242,
      ppid: 1,
      command: "python3 ./run-sorry-cypress.py --build_name e2e-0327 --categorize",
      argv: ["python3", "./run-sorry-cypress.py", "--build_name", "e2e-0327", "--categorize"],
      defunct: false,
      startedAt: BTIME * 1000 + 123_450,
    });
    expect(list[2]).toMatchObject({ pid: 4300, ppid: 4242, command: "[npm exec cypres]", defunct: true });
    expect(list[3]).toMatchObject({
      ppid: 4242,
      command: "node /x/cypress (weird) name",
      argv: ["node", "/x/cypress (weird) name"],
      defunct: false,
    });
    expect(list[2]?.argv).toBeUndefined(); // no cmdline: no argv, the command is [comm]
  });

  it("uses the configured clock ticks per second", async () => {
    const procRoot = fakeProc();
    dirs.push(procRoot);
    const list = await createProcProbe({ procRoot, clockTicksPerSecond: 1000 }).list();
    expect(list.find((p) => p.pid === 4242)?.startedAt).toBe(BTIME * 1000 + 12_345);
  });

  it("resolves [] when the proc root does not exist", async () => {
    expect(await createProcProbe({ procRoot: "/nonexistent/proc" }).list()).toEqual([]);
  });
});

describe.runIf(process.platform === "linux")("createProcProbe over the real /proc", () => {
  it("R21 finds a live runner-shaped child process with its argv, parent and start time", async () => {
    const before = Date.now();
    child = spawn(
      process.execPath,
      ["-e", "setTimeout(()=>{},5000)", "run-sorry-cypress.py", "--build_name", "x"],
      {
        stdio: "ignore",
      },
    );
    const pid = child.pid as number;
    let found = null;
    for (let i = 0; i < 50 && found === null; i += 1) {
      found = (await createProcProbe().list()).find((p) => p.pid === pid) ?? null;
      if (found === null) await new Promise((r) => setTimeout(r, 20));
    }
    expect(found).not.toBeNull();
    expect(found?.command).toBe(
      `${process.execPath} -e setTimeout(()=>{},5000) run-sorry-cypress.py --build_name x`,
    );
    expect(found?.argv).toEqual([
      process.execPath,
      "-e",
      "setTimeout(()=>{},5000)",
      "run-sorry-cypress.py",
      "--build_name",
      "x",
    ]);
    expect(found?.ppid).toBe(process.pid);
    expect(found?.defunct).toBe(false);
    // btime has whole-second precision, so allow a couple of seconds either way.
    expect(Math.abs((found?.startedAt ?? 0) - before)).toBeLessThan(3000);
    child.kill();
  });
});
