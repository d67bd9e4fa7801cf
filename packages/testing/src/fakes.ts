/**
 * In-memory fakes of every port in `@atvm-watch/engine` (ports.ts). Each passes the same contract suite
 * as the real adapters (`contracts.ts`), which is what makes them trustworthy stand-ins. No I/O, no
 * timers; time only moves when a test moves it (`createManualClock`). The artifact source is in
 * `memory-source.ts`.
 */
import {
  AtvmError,
  type Clock,
  type CommandResult,
  type CommandRunner,
  type Notification,
  type Notifier,
  type NotifyOutcome,
  type ProcessInfo,
  type ProcessProbe,
  type StateStore,
} from "@atvm-watch/engine";

export * from "./memory-source.ts";

/** A `ProcessInfo` with defaults: `ppid` 1, not defunct, start time unknown. */
export function processInfo(pid: number, command: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid, ppid: 1, command, defunct: false, startedAt: null, ...extra };
}

/** A `ProcessProbe` over a settable process table. */
export interface MemoryProbe extends ProcessProbe {
  set(processes: readonly ProcessInfo[]): void;
  add(process: ProcessInfo): void;
  /** Removes `pid` (the process exited). */
  kill(pid: number): void;
  /** Turns `pid` into a zombie (`<defunct>`, R1). */
  markDefunct(pid: number): void;
}

/** A memory `ProcessProbe`; `list()` returns a copy sorted by pid. */
export function createMemoryProbe(processes: readonly ProcessInfo[] = []): MemoryProbe {
  let table: ProcessInfo[] = [...processes];
  return {
    name: "memory",
    async list() {
      return [...table].sort((a, b) => a.pid - b.pid);
    },
    set(next) {
      table = [...next];
    },
    add(process) {
      table = [...table.filter((p) => p.pid !== process.pid), process];
    },
    kill(pid) {
      table = table.filter((p) => p.pid !== pid);
    },
    markDefunct(pid) {
      table = table.map((p) => (p.pid === pid ? { ...p, defunct: true } : p));
    },
  };
}

/** A `StateStore` over a map, with a fault injector. */
export interface MemoryStateStore extends StateStore {
  /** A copy of every key and value. */
  entries(): Readonly<Record<string, string>>;
  /** The next `put` rejects with `error` (e.g. ENOSPC) and writes nothing. */
  failNextPut(error: Error): void;
  /** Successful `put`s so far. */
  readonly puts: number;
}

/** A memory `StateStore`, optionally seeded with `initial` entries. */
export function createMemoryStateStore(initial: Readonly<Record<string, string>> = {}): MemoryStateStore {
  const map = new Map<string, string>(Object.entries(initial));
  let failure: Error | null = null;
  let puts = 0;
  /** Lock name → holder text; a lock lives as long as this store object (the "process"). */
  const locks = new Map<string, string>();
  return {
    name: "memory",
    get puts() {
      return puts;
    },
    async get(key) {
      return map.get(key) ?? null;
    },
    async put(key, value) {
      if (failure !== null) {
        const error = failure;
        failure = null;
        throw error;
      }
      map.set(key, value);
      puts += 1;
    },
    async remove(key) {
      map.delete(key);
    },
    async keys(prefix = "") {
      return [...map.keys()].filter((key) => key.startsWith(prefix)).sort();
    },
    async create(key, value) {
      if (map.has(key)) return false;
      await this.put(key, value);
      return true;
    },
    async lock(name) {
      const holder = locks.get(name);
      if (holder !== undefined) return { acquired: false, holder };
      locks.set(name, "memory");
      return {
        acquired: true,
        release: async () => {
          locks.delete(name);
        },
      };
    },
    entries() {
      return Object.fromEntries(map);
    },
    failNextPut(error) {
      failure = error;
    },
  };
}

/** One notifier call: what was sent and what the fake answered. */
export interface NotifierCall {
  readonly message: Notification;
  readonly outcome: NotifyOutcome;
}

/** A `Notifier` that answers from a script and records every call. */
export interface RecordingNotifier extends Notifier {
  readonly calls: readonly NotifierCall[];
  /** Messages answered `ok` (D10: only these count as posted). */
  posted(): readonly Notification[];
  /** Appends outcomes to the script. */
  script(...outcomes: readonly NotifyOutcome[]): void;
}

/**
 * A recording notifier: the n-th call answers `script[n]`; once the script is used up it answers
 * `fallback` (default `{ kind: "ok" }`). Never throws.
 */
export function createRecordingNotifier(
  script: readonly NotifyOutcome[] = [],
  options: { readonly fallback?: NotifyOutcome } = {},
): RecordingNotifier {
  const queue = [...script];
  const calls: NotifierCall[] = [];
  const fallback = options.fallback ?? { kind: "ok" };
  return {
    name: "recording",
    calls,
    async notify(message) {
      const outcome = queue.shift() ?? fallback;
      calls.push({ message, outcome });
      return outcome;
    },
    posted() {
      return calls.filter((call) => call.outcome.kind === "ok").map((call) => call.message);
    },
    script(...outcomes) {
      queue.push(...outcomes);
    },
  };
}

/** A `Clock` that moves only when told. */
export interface ManualClock extends Clock {
  /** Moves wall and monotonic time forward by `ms`. */
  advance(ms: number): void;
  /** Jumps the wall clock to `epochMs` (NTP step, VM resume); monotonic time does not move. */
  setWall(epochMs: number): void;
}

/** A manual clock starting at wall `startMs` (UTC ms) and monotonic `startMono` (default 0). */
export function createManualClock(startMs: number, startMono = 0): ManualClock {
  let wall = startMs;
  let mono = startMono;
  return {
    now: () => wall,
    monotonicMs: () => mono,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advance(${ms}): time only moves forward; pass ms ≥ 0`);
      wall += ms;
      mono += ms;
    },
    setWall(epochMs) {
      wall = epochMs;
    },
  };
}

/** How a scripted command is matched: `argv[0]`, an argv prefix, or a predicate. */
export type CommandMatch = string | readonly string[] | ((argv: readonly string[]) => boolean);

/** One scripted response: a result (fields default to exit 0, empty output) or an error to reject with. */
export interface ScriptedCommand {
  readonly match: CommandMatch;
  readonly result?: Partial<CommandResult>;
  readonly error?: Error;
  /** Use this response once, then fall through to later rules. */
  readonly once?: boolean;
}

/** A `CommandRunner` answering from rules and recording calls. */
export interface ScriptedRunner extends CommandRunner {
  readonly calls: readonly {
    readonly argv: readonly string[];
    readonly options: { readonly cwd?: string; readonly timeoutMs?: number } | undefined;
  }[];
  /** Adds a rule; earlier rules win. */
  on(match: CommandMatch, result?: Partial<CommandResult>): ScriptedRunner;
}

function matches(match: CommandMatch, argv: readonly string[]): boolean {
  if (typeof match === "function") return match(argv);
  if (typeof match === "string") return argv[0] === match;
  return match.every((part, i) => argv[i] === part);
}

/**
 * A scripted `CommandRunner`. An argv no rule matches rejects with `AtvmError` `COMMAND_FAILED_TO_START`
 * naming the argv, so a test never silently runs something it did not plan.
 */
export function createScriptedRunner(rules: readonly ScriptedCommand[] = []): ScriptedRunner {
  const table: (ScriptedCommand & { used: boolean })[] = rules.map((rule) => ({ ...rule, used: false }));
  const calls: { argv: readonly string[]; options: { cwd?: string; timeoutMs?: number } | undefined }[] = [];
  const runner: ScriptedRunner = {
    name: "scripted",
    calls,
    async run(argv, options) {
      calls.push({ argv: [...argv], options });
      const rule = table.find((r) => !(r.once === true && r.used) && matches(r.match, argv));
      if (rule === undefined) {
        throw new AtvmError(
          "COMMAND_FAILED_TO_START",
          `[scripted] no scripted response for ${JSON.stringify(argv)}; add one with runner.on(...)`,
        );
      }
      rule.used = true;
      if (rule.error !== undefined) throw rule.error;
      return { exitCode: 0, stdout: "", stderr: "", ...rule.result };
    },
    on(match, result = {}) {
      table.push({ match, result, used: false });
      return runner;
    },
  };
  return runner;
}
