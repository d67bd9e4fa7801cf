/**
 * `ProcessProbe` over Linux `/proc` (proc(5)): the controller's processes with their command
 * lines, parents, zombie state and start times. Live state comes from the controller itself (R21).
 */
import { readdirSync, readFileSync } from "node:fs";
import type { ProcessInfo, ProcessProbe } from "@atvm-watch/engine";

/** Options of {@link createProcProbe}. */
export interface ProcProbeOptions {
  /** The proc file system to read; default `/proc`. Tests point it at a fake tree. */
  readonly procRoot?: string;
  /**
   * Clock ticks per second of `/proc/<pid>/stat` field 22 (`getconf CLK_TCK`). Default 100, the
   * value of every mainstream Linux build (USER_HZ is fixed at 100 for the user ABI).
   */
  readonly clockTicksPerSecond?: number;
}

/** The fields of `/proc/<pid>/stat` the probe uses. */
export interface ProcStat {
  readonly pid: number;
  /** `comm`: the executable name, at most 15 bytes, without the parentheses. */
  readonly comm: string;
  /** One-letter state (`R`, `S`, `D`, `Z`, …). */
  readonly state: string;
  readonly ppid: number;
  /** Field 22: start time in clock ticks after boot. */
  readonly startTicks: number;
}

/**
 * Parses one `/proc/<pid>/stat` line. The `comm` field may contain spaces and parentheses, so
 * the fields after it are split from the LAST `)`. Returns `null` for anything unparseable.
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state), rest[1] field 4 (ppid), rest[19] field 22 (starttime).
  const state = rest[0];
  const ppid = Number(rest[1]);
  const startTicks = Number(rest[19]);
  if (
    !Number.isInteger(pid) ||
    state === undefined ||
    !Number.isInteger(ppid) ||
    !Number.isFinite(startTicks)
  ) {
    return null;
  }
  return { pid, comm: text.slice(open + 1, close), state, ppid, startTicks };
}

/** Boot time (UTC ms) from the `btime <seconds>` line of `/proc/stat`, or `null`. */
export function parseBootTimeMs(procStatText: string): number | null {
  const match = /^btime\s+(\d+)\s*$/m.exec(procStatText);
  return match === null ? null : Number(match[1]) * 1000;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null; // the process exited between readdir and read
  }
}

/**
 * Creates the `/proc` probe. `list()` reads `<procRoot>/<pid>/cmdline` (NUL-separated argv:
 * `argv`, and joined by single spaces: `command`) and `<procRoot>/<pid>/stat` (ppid, state `Z` = defunct, start time =
 * `btime` + field 22 / CLK_TCK, so whole-second precision at best). A process with an empty
 * cmdline (kernel thread, zombie) is shown as `[comm]`, as `ps` does. Processes that vanish
 * mid-scan are skipped. Resolves `[]` when `procRoot` cannot be read. Sorted by pid.
 */
export function createProcProbe(options: ProcProbeOptions = {}): ProcessProbe {
  const procRoot = options.procRoot ?? "/proc";
  const ticks = options.clockTicksPerSecond ?? 100;
  return {
    name: "proc",
    async list() {
      let names: string[];
      try {
        names = readdirSync(procRoot);
      } catch {
        return [];
      }
      const statText = readOrNull(`${procRoot}/stat`);
      const bootMs = statText === null ? null : parseBootTimeMs(statText);
      const out: ProcessInfo[] = [];
      for (const name of names) {
        if (!/^\d+$/.test(name)) continue;
        const stat = parseProcStat(readOrNull(`${procRoot}/${name}/stat`) ?? "");
        if (stat === null) continue;
        const cmdline = readOrNull(`${procRoot}/${name}/cmdline`) ?? "";
        const argv = cmdline.split("\0");
        if (argv.at(-1) === "") argv.pop();
        // cmdline is bytes; decode as UTF-8 only after splitting (NUL is never part of UTF-8 text).
        const words = argv.map((a) => Buffer.from(a, "latin1").toString("utf8"));
        const command = words.length > 0 ? words.join(" ") : `[${stat.comm}]`;
        out.push({
          pid: stat.pid,
          ppid: stat.ppid,
          command,
          ...(words.length > 0 ? { argv: words } : {}),
          defunct: stat.state === "Z",
          startedAt: bootMs === null ? null : bootMs + Math.round((stat.startTicks * 1000) / ticks),
        });
      }
      return out.sort((a, b) => a.pid - b.pid);
    },
  };
}
