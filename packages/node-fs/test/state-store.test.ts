import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAtvmError } from "@atvm-watch/engine";
import { testStateStoreContract } from "@atvm-watch/testing";
import { afterAll, describe, expect, it } from "vitest";
import { openFileStateStore } from "../src/state-store.ts";

const made: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "atvm-state-"));
  chmodSync(dir, 0o755);
  made.push(dir);
  return dir;
}

const CHILD = join(import.meta.dirname, "fixtures", "state-store-child.ts");
const NODE_ARGS = ["--conditions", "@atvm-watch/source", "--import", "tsx", CHILD];

/** Starts the child holding watch.lock in `dir` and resolves once it says "locked". */
function lockHolder(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, "lock", dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("locked")) resolve(child);
      else if (out.includes("\n")) reject(new Error(out));
    });
    child.on("exit", (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

testStateStoreContract("node-fs", async () => openFileStateStore(join(tempDir(), "e2e-0327")));

describe("node-fs state store on a real file system", () => {
  it("reliability §6 case 15: sweeps orphan tmp files at open and never lists them", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "subruns", "b1"), { recursive: true });
    writeFileSync(join(dir, "state.json"), "{}");
    writeFileSync(join(dir, "state.json.tmp-123-4"), "{partial");
    writeFileSync(join(dir, "subruns", "b1", "posted.marker.tmp-9-1"), "");
    const store = await openFileStateStore(dir);
    expect(store.swept).toEqual(["state.json.tmp-123-4", "subruns/b1/posted.marker.tmp-9-1"]);
    expect(readdirSync(dir).sort()).toEqual(["state.json", "subruns"]);
    expect(readdirSync(join(dir, "subruns", "b1"))).toEqual([]);
    expect(await store.keys()).toEqual(["state.json"]);
  });

  it("writes files 0600 and leaves no tmp file after put and create", async () => {
    const dir = tempDir();
    const store = await openFileStateStore(dir);
    await store.put("state.json", "{}");
    expect(await store.create("intent.json", "{}")).toBe(true);
    expect(await store.create("intent.json", "{}")).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["intent.json", "state.json"]);
    expect(
      execFileSync("stat", ["-c", "%a", join(dir, "state.json"), join(dir, "intent.json")]).toString(),
    ).toBe("600\n600\n");
  });

  it("rejects keys that escape the dir or look like tmp files (INVALID_PATH)", async () => {
    const store = await openFileStateStore(tempDir());
    for (const key of ["../x", "/etc/passwd", "a//b", "state.json.tmp-1-1", ".", "subruns/../../x"]) {
      await expect(store.put(key, "x")).rejects.toMatchObject({ code: "INVALID_PATH" });
    }
  });

  it("D7 a live holder in another process keeps the lock; a SIGKILLed one does not (reliability §6 cases 12, 13)", async () => {
    const dir = tempDir();
    const child = await lockHolder(dir);
    const store = await openFileStateStore(dir);
    const busy = await store.lock("watch.lock");
    expect(busy).toEqual({ acquired: false, holder: `pid ${child.pid}` });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    const mine = await store.lock("watch.lock");
    expect(mine.acquired).toBe(true);
    if (mine.acquired) await mine.release();
  });

  it("reliability §6 case 18: a state dir the user cannot write is STATE_IO at open (privileges dropped)", async () => {
    const dir = tempDir();
    const out = (() => {
      try {
        return execFileSync(
          "setpriv",
          ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...NODE_ARGS, "put", dir],
          { cwd: import.meta.dirname },
        ).toString();
      } catch (error) {
        return String((error as { stdout?: Buffer }).stdout ?? error);
      }
    })();
    expect(out).toMatch(
      /^STATE_IO cannot write in the state dir ".*": EACCES; give the watcher's user write access/,
    );
  });

  it("reliability §6 cases 16/17: ENOSPC on a full file system is STATE_IO naming ENOSPC, and the old value survives", async () => {
    const mount = tempDir();
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount]);
    } catch {
      expect.fail("mounting a 64 KiB tmpfs needs root (tests run as root here)");
    }
    try {
      const store = await openFileStateStore(join(mount, "e2e"));
      await store.put("state.json", "small");
      const big = "x".repeat(256 * 1024);
      const error = await store.put("state.json", big).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAtvmError(error) && error.code).toBe("STATE_IO");
      expect(String((error as Error).message)).toContain("ENOSPC; free space");
      expect(await store.get("state.json")).toBe("small");
      await expect(store.create("intent.json", big)).rejects.toMatchObject({ code: "STATE_IO" });
      expect(await store.get("intent.json")).toBeNull();
      expect(readdirSync(join(mount, "e2e")).sort()).toEqual(["state.json"]);
    } finally {
      execFileSync("umount", [mount]);
    }
  });
});
