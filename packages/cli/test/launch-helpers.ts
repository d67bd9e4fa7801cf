// Shared setup of the plan/approve tests: a temporary controller automation root with the
// stand-in scripts (test/fixtures/controller/), real-reporter artifacts copied from
// examples/flat-run, a private XDG state folder, and cleanup of every process the launch started.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Clock } from "@atvm-watch/engine";
import { createSystemClock } from "@atvm-watch/node-fs";
import type { CliIo } from "../src/io.ts";
import { main } from "../src/main.ts";
import { createNodeDisk } from "../src/node-disk.ts";

export const REPO = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
export const FLAT_RUN = join(REPO, "examples/flat-run");
/** Hosts cmc-templates.py picks from (fleet.txt); atvm41-redhat6.0 is blacklisted. */
export const FLEET = [
  "atvm9-redhat9.7",
  "atvm19-redhat9.7",
  "atvm41-redhat6.0",
  "atvm21-redhat9.0",
  "atvm30-ubuntu24.04",
];

const made: string[] = [];

/** A fresh automation root: config, stand-in scripts, fleet.txt, `.fake-results/` from flat-run. */
export function controllerRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "atvm-launch-root-"));
  made.push(root);
  cpSync(join(FLAT_RUN, "cypress.atvm-config-gold.ts"), join(root, "cypress.atvm-config-gold.ts"));
  cpSync(join(FLAT_RUN, "cypress/cmcReporter"), join(root, ".fake-results"), { recursive: true });
  for (const script of ["cmc-templates.py", "run-sorry-cypress.py"]) {
    cpSync(join(REPO, "test/fixtures/controller", script), join(root, script));
  }
  writeFileSync(join(root, "fleet.txt"), `${FLEET.join("\n")}\n`);
  return root;
}

/** A private XDG state home with the process launcher's env file (a loopback webhook URL). */
export function stateHome(): string {
  const dir = mkdtempSync(join(tmpdir(), "atvm-launch-state-"));
  made.push(dir);
  mkdirSync(join(dir, "atvm-watch/watcher"), { recursive: true });
  writeFileSync(
    join(dir, "atvm-watch/watcher/atvm-run-watcher.env"),
    "MATTERMOST_ATVM_WEBHOOK=http://127.0.0.1:9/hooks/launchtest\n",
    { mode: 0o600 },
  );
  return dir;
}

/** An in-process CLI with its own output buffers. */
export function cli(env: Record<string, string>, clock: Clock = createSystemClock()) {
  let out = "";
  let err = "";
  const io: CliIo = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", USER: "tester", ...env },
    probe: { name: "none", list: async () => [] },
    clock,
    disk: createNodeDisk(),
    cwd: REPO,
  };
  return {
    io,
    run: async (...argv: string[]) => {
      out = "";
      err = "";
      const code = await main(argv, io);
      return { code, out, err };
    },
  };
}

/** Kills (TERM) every process whose pid file a launch left under `stateRoot/.pids`. */
export function stopLaunched(stateRoot: string): void {
  const dir = join(stateRoot, ".pids");
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".pid"))) {
    const pid = Number(readFileSync(join(dir, name), "utf8").trim());
    if (Number.isInteger(pid) && pid > 1) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
}

/** Is `pid` a live (not zombie) process? */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\S+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}

/** The process start time of `pid` in clock ticks since boot (/proc/<pid>/stat field 22). */
export function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[19]);
}

/** Removes every temp folder the helpers made. */
export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
