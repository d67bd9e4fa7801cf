import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const UNITS = join(import.meta.dirname, "..", "systemd");
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "atvm-systemd-"));
  made.push(dir);
  return dir;
}

describe("systemd units (W1, W9)", () => {
  it("W1 both template units pass systemd-analyze verify with no output at all", () => {
    const analyze = spawnSync("systemd-analyze", ["--version"]);
    expect(analyze.error, "systemd-analyze is missing: apt-get install systemd").toBeUndefined();
    const dir = temp();
    for (const unit of ["atvm-run-watcher@.service", "atvm-runner@.service"])
      copyFileSync(join(UNITS, unit), join(dir, unit));
    const result = spawnSync(
      "systemd-analyze",
      [
        "verify",
        "--man=no",
        "./atvm-run-watcher@.service:atvm-run-watcher@e2e-0327.service",
        "./atvm-runner@.service:atvm-runner@e2e-0327.service",
      ],
      { cwd: dir, encoding: "utf8" },
    );
    // systemd-analyze exits 0 on unknown keys: any stderr is a failure (systemd-analyze(1) `verify` reports problems on stderr).
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("W1 an unknown key is caught by the any-stderr rule (the check can fail)", () => {
    const dir = temp();
    const text = readFileSync(join(UNITS, "atvm-run-watcher@.service"), "utf8").replace(
      "[Service]",
      "[Service]\nRestartt=always",
    );
    writeFileSync(join(dir, "atvm-run-watcher@.service"), text);
    const result = spawnSync(
      "systemd-analyze",
      ["verify", "--man=no", "./atvm-run-watcher@.service:atvm-run-watcher@x.service"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(result.stderr).toContain("Restartt");
  });

  it("W9 R26 the watcher unit keeps the host /tmp, restarts on failure only, never after 75/78", () => {
    const unit = readFileSync(join(UNITS, "atvm-run-watcher@.service"), "utf8");
    for (const line of [
      "Type=exec",
      "Restart=on-failure",
      "RestartPreventExitStatus=75 78",
      "StateDirectory=atvm-run-watcher",
      "PrivateTmp=no",
      "EnvironmentFile=/etc/atvm-run-watcher.env",
    ]) {
      expect(unit.split("\n")).toContain(line);
    }
  });
});

describe("atvm-watch-start (W3, R24, R26)", () => {
  function fakeSystemctl(dir: string, activeAfter: number): string {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const script = `#!/bin/bash
echo "$*" >> "${dir}/calls"
case "$1" in
  reset-failed) echo "Failed to reset failed state of unit atvm-run-watcher@e2e-0327.service: Unit atvm-run-watcher@e2e-0327.service not loaded." >&2; exit 1;;
  stop) echo "Failed to stop atvm-run-watcher@e2e-0327.service: Unit atvm-run-watcher@e2e-0327.service not loaded." >&2; exit 5;;
  is-active) n=$(grep -c is-active "${dir}/calls"); if [ "$n" -ge ${activeAfter} ]; then echo active; else echo activating; exit 3; fi;;
esac
exit 0
`;
    writeFileSync(join(bin, "systemctl"), script);
    writeFileSync(join(bin, "sleep"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(bin, "systemctl"), 0o755);
    chmodSync(join(bin, "sleep"), 0o755);
    return bin;
  }

  it("R24 W3 R26 hides 'not loaded', moves stale markers aside, starts the runner only after the watcher is active", () => {
    const dir = temp();
    const bin = fakeSystemctl(dir, 2);
    const stateRoot = join(dir, "state");
    mkdirSync(join(stateRoot, "e2e-0327"), { recursive: true });
    writeFileSync(join(stateRoot, "e2e-0327", "posted.marker"), "{}");
    writeFileSync(join(stateRoot, "e2e-0327", "cancelled.marker"), "{}");
    const result = spawnSync(join(UNITS, "atvm-watch-start"), ["e2e-0327"], {
      encoding: "utf8",
      env: { PATH: `${bin}:/usr/bin:/bin`, ATVM_STATE_DIR: stateRoot },
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("started atvm-run-watcher@e2e-0327.service\n");
    expect(result.status).toBe(0);
    expect(existsSync(join(stateRoot, "e2e-0327"))).toBe(false);
    const calls = readFileSync(join(dir, "calls"), "utf8").trim().split("\n");
    expect(calls).toEqual([
      "stop -- atvm-run-watcher@e2e-0327.service",
      "reset-failed -- atvm-run-watcher@e2e-0327.service atvm-runner@e2e-0327.service",
      "start -- atvm-run-watcher@e2e-0327.service",
      "is-active -- atvm-run-watcher@e2e-0327.service",
      "is-active -- atvm-run-watcher@e2e-0327.service",
      "is-active -- atvm-run-watcher@e2e-0327.service",
      "start -- atvm-runner@e2e-0327.service",
    ]);
  });

  it("R26 never starts the runner when the watcher does not become active", () => {
    const dir = temp();
    const bin = fakeSystemctl(dir, 1_000);
    const result = spawnSync(join(UNITS, "atvm-watch-start"), ["e2e-0327"], {
      encoding: "utf8",
      env: { PATH: `${bin}:/usr/bin:/bin`, ATVM_STATE_DIR: join(dir, "state") },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the runner was NOT started (R26)");
    expect(readFileSync(join(dir, "calls"), "utf8")).not.toContain("start -- atvm-runner@");
  });

  it("reliability §6 case 21: a hostile build name is refused with 78 before any systemctl call", () => {
    const dir = temp();
    const bin = fakeSystemctl(dir, 1);
    const result = spawnSync(join(UNITS, "atvm-watch-start"), ["../../etc"], {
      encoding: "utf8",
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(result.status).toBe(78);
    expect(existsSync(join(dir, "calls"))).toBe(false);
  });
});
