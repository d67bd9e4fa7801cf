// Bounded config and environment: a config that is a FIFO, a device or a huge file never hangs and
// never fills memory; an empty TZ says what was read. Real files: mkfifo, /dev/zero, a sparse 2 GB file.
import { execFileSync } from "node:child_process";
import { closeSync, ftruncateSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";
import { chooseZone } from "../src/status-command.ts";
import { capture, finishedRoot, fixedProbe, T0 } from "./fixture.ts";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function run(args: readonly string[], env: Record<string, string> = { HOME: "/nonexistent-home" }) {
  const io = capture();
  const code = await main(args, {
    stdout: io.stdout,
    stderr: io.stderr,
    env,
    probe: fixedProbe([]),
    clock: { now: () => T0 + 3_600_000, monotonicMs: () => 0 },
    cwd: "/",
  });
  return { code, out: io.out(), err: io.err() };
}

function root(config = true) {
  const r = finishedRoot({ config });
  made.push(r.root);
  return r.root;
}

describe("bounded config files", () => {
  it("--config naming a FIFO exits 2 at once with one line naming the path and the cause", async () => {
    const r = root();
    const fifo = join(r, "fifo.json");
    execFileSync("mkfifo", [fifo]);
    const { code, err } = await run(["status", "--root", r, "--config", fifo]);
    expect(code).toBe(2);
    expect(err).toBe(
      `atvm: config ${fifo} is not a regular file (a FIFO, device or folder is never read); point it at a JSON file\n`,
    );
  });

  it("a root atvm.config.json that is a FIFO is an error too, not a hang and not silently skipped", async () => {
    const r = root(false);
    execFileSync("mkfifo", [join(r, "atvm.config.json")]);
    const { code, err } = await run(["status", "--root", r]);
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`^atvm: config ${r}/atvm.config.json is not a regular file`));
  });

  it("--config /dev/zero is refused without reading it", async () => {
    const { code, err } = await run(["status", "--root", root(), "--config", "/dev/zero"]);
    expect(code).toBe(2);
    expect(err).toMatch(/^atvm: config \/dev\/zero is not a regular file/);
  });

  it("a 2 GB config is refused after reading 1 MiB + 1 byte", async () => {
    const r = root();
    const big = join(r, "big.json");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 2 * 1024 ** 3); // sparse: no disk used
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const { code, err } = await run(["status", "--root", r, "--config", big]);
    expect(code).toBe(2);
    expect(err).toBe(
      `atvm: config ${big} is larger than 1 MiB (1048576 bytes); a config is a small JSON file, check the path\n`,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 ** 2);
  });
});

describe("time zone from the environment", () => {
  it("an empty TZ is UTC with a note saying so, not a zone the user never set", async () => {
    const { code, out, err } = await run(["status", "--root", root(false), "--format", "json"], {
      HOME: "/nonexistent-home",
      TZ: "",
    });
    expect(err).toBe("atvm: note: TZ is set but empty; using UTC\n");
    expect(out).not.toContain("Etc/Unknown");
    expect(code).toBe(0);
  });

  it("an invalid TZ names the variable and the real flag, --tz", async () => {
    const { code, err } = await run(["status", "--root", root(false)], { TZ: "Mars/Olympus" });
    expect(code).toBe(2);
    expect(err).toBe(
      'atvm: the TZ environment variable "Mars/Olympus" is not a valid IANA time zone; pass --tz with a name such as UTC or Europe/Berlin\n',
    );
    expect(err).not.toContain("--zone");
  });

  it("a system zone ICU cannot name (Etc/Unknown) becomes UTC with a note", () => {
    expect(chooseZone(undefined, {}, {}, () => "Etc/Unknown")).toMatchObject({
      zone: "UTC",
      note: expect.stringContaining("unknown"),
    });
    expect(chooseZone(undefined, {}, { TZ: "Europe/Berlin" }, () => "UTC")).toEqual({
      zone: "Europe/Berlin",
      origin: "TZ",
    });
  });
});

describe("no stack traces", () => {
  it("an unexpected error is one line with its message, exit 1, never the stack", async () => {
    const r = root();
    const io = capture();
    const boom = (): never => {
      throw new Error("EIO: i/o error, scandir '/tmp/x'\n    at fake (frame.js:1:1)");
    };
    const code = await main(["status", "--root", r], {
      stdout: io.stdout,
      stderr: io.stderr,
      env: { HOME: "/nonexistent-home" },
      probe: fixedProbe([]),
      clock: { now: () => T0, monotonicMs: () => 0 },
      disk: {
        isFolder: async () => true,
        open: () => ({
          name: "broken",
          list: async () => boom(),
          read: async () => boom(),
          stat: async () => null,
        }),
      },
      cwd: "/",
    });
    expect(code).toBe(1);
    expect(io.err()).toBe("atvm: unexpected error: EIO: i/o error, scandir '/tmp/x'\n");
  });
});
