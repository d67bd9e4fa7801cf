// Helpers for test/watcher-e2e.test.ts: run the BUILT `atvm` CLI as a real child process (async, so the
// in-process loopback webhook server keeps answering) and collect its exit code, signal and output.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

/** Repository root. */
export const repo: string = join(import.meta.dirname, "..");
/** The CLI entry point (dist, built by test/global-setup.ts). */
export const cliBin: string = join(repo, "packages/cli/bin/atvm.js");

/** Result of one CLI run: `code` null when killed by `signal`. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every child still running, so afterEach can kill leftovers. */
export const liveChildren: Set<ChildProcess> = new Set();

/** Options of `runCli`: extra env (a value `undefined` removes the variable), a command prefix, a timeout in ms. */
export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly prefix?: readonly string[];
  readonly timeoutMs?: number;
}

/** Spawns `node atvm.js ...args` and resolves when it exits (SIGKILLed after `timeoutMs`, default 30 s). */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: "" };
  delete env.MATTERMOST_ATVM_WEBHOOK;
  delete env.ATVM_WATCHER_CRASH_AT;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const prefix = options.prefix ?? [];
  const argv = [...prefix, process.execPath, cliBin, ...args];
  const [cmd, ...rest] = argv as [string, ...string[]];
  const child = spawn(cmd, rest, { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
  liveChildren.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Kills every child still running (afterEach). */
export function killLeftovers(): void {
  for (const c of liveChildren) c.kill("SIGKILL");
  liveChildren.clear();
}
