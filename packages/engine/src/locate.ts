/**
 * Run location (R19, R21): which build the status is about, whether it is live, and when it
 * started. Live evidence from the controller's process table comes first; without a live runner,
 * the most recent run recorded in shell history. Pure.
 */
import {
  buildNameOption,
  type EpochMs,
  type InvocationObservation,
  invocationArguments,
  readToolArguments,
  TOOL_SCRIPTS,
} from "@atvm-watch/artifacts";
import type { RunnerActivity } from "./domain.ts";
import type { ProcessInfo } from "./ports.ts";

/** Where the status comes from. */
export interface RunLocation {
  /** The build name (`--build_name`). */
  readonly build: string;
  /** `true` when a `run-sorry-cypress.py … --build_name <build>` process is alive (R21). */
  readonly live: boolean;
  /**
   * Run start (UTC ms): the runner invocation's `#<epoch>` history time; for a live run without
   * one, the runner process's start time; else `null` (every artifact then counts as in the run).
   */
  readonly runStartMs: EpochMs | null;
  /** `--categorize` on the runner command line or invocation: the run is shown whole (R19). */
  readonly categorized: boolean;
  /** The `cmc-templates.py` invocation that generated the run's specs (R36), when found. */
  readonly templateInvocation?: InvocationObservation;
  /** The `run-sorry-cypress.py` invocation of the build, when found in history. */
  readonly runnerInvocation?: InvocationObservation;
  /** The live runner process, when `live`. */
  readonly runnerProcess?: ProcessInfo;
}

/** Input of {@link locateRun}. */
export interface LocateInput {
  readonly processes: readonly ProcessInfo[];
  readonly invocations: readonly InvocationObservation[];
  /** An explicit build (`--build`): located even when neither a process nor history names it. */
  readonly build?: string;
}

/** Programs whose command line merely mentions the runner (a `grep`, an editor, a log tail). */
const VIEWERS = new Set([
  "grep",
  "egrep",
  "fgrep",
  "pgrep",
  "pkill",
  "ps",
  "tail",
  "less",
  "more",
  "cat",
  "vi",
  "vim",
  "nano",
  "watch",
  "man",
  "atvm",
]);

/** A live runner process: its build and whether it is categorized. */
export interface RunnerProcess {
  readonly info: ProcessInfo;
  readonly build: string | null;
  readonly categorized: boolean;
}

/** How much earlier than the live runner process a history invocation may be and still be its own (ms). */
const SAME_RUN_SLACK_MS = 60_000;

const basename = (token: string): string => token.slice(token.lastIndexOf("/") + 1);

/**
 * Parses a process's command line as a `run-sorry-cypress.py` runner: `null` unless one of its
 * arguments is the script (any folder) and argv[0] is not a viewer such as `grep` or `tail`, or
 * the process is defunct. The words are the probe's real argv (`ProcessInfo.argv`, from
 * `/proc/<pid>/cmdline`) when it gives one, else the command line split at whitespace (the
 * inverse of the probe's join: the words of a process are not shell text, so no quotes are read).
 * Options go through the one option reader (`readToolArguments` of `@atvm-watch/artifacts`):
 * `--build_name X`, `--build_name=X` (or `--build-name`), last occurrence wins; a `--build_name`
 * without a value gives `build: null`; `--categorize` anywhere after the script.
 */
export function parseRunnerProcess(info: ProcessInfo): RunnerProcess | null {
  if (info.defunct) return null;
  const words = info.argv ?? info.command.split(/\s+/).filter((t) => t !== "");
  const script = words.findIndex((t) => basename(t) === TOOL_SCRIPTS["run-sorry-cypress"]);
  if (script < 0 || VIEWERS.has(basename(words[0] ?? ""))) return null;
  const args = readToolArguments(words.slice(script + 1));
  return { info, build: buildNameOption(args), categorized: args.has("categorize") };
}

const later = (a: InvocationObservation, b: InvocationObservation): boolean =>
  a.at !== null && b.at !== null && a.at !== b.at ? a.at > b.at : a.order > b.order;

function latest(list: readonly InvocationObservation[]): InvocationObservation | undefined {
  let best: InvocationObservation | undefined;
  for (const item of list) if (best === undefined || later(item, best)) best = item;
  return best;
}

/**
 * Locates the run to show (R19, R21):
 * 1. with `build`: that build; live when a runner process of that build is alive;
 * 2. else a live runner process (`run-sorry-cypress.py … --build_name X`; the most recently
 *    started one when several are alive);
 * 3. else the most recent `run-sorry-cypress.py` invocation with a `--build_name` in shell
 *    history (latest by `#<epoch>` time, else by position).
 * The template invocation is the latest `cmc-templates.py` invocation before the runner
 * invocation (or, with no runner invocation, before the runner process started, else the latest).
 * A history invocation more than 60 s older than the live runner process of the same build is a
 * previous run of a reused build name and is ignored; `runStartMs` then is the process start.
 * Returns `null` when nothing names a build (no live runner, no recorded run, no `build`).
 */
export function locateRun(input: LocateInput): RunLocation | null {
  const runners = input.processes
    .map(parseRunnerProcess)
    .filter((r): r is RunnerProcess => r !== null && r.build !== null)
    .sort((a, b) => (b.info.startedAt ?? 0) - (a.info.startedAt ?? 0) || b.info.pid - a.info.pid);
  const runnerCalls = input.invocations.filter((i) => i.tool === "run-sorry-cypress" && i.buildName !== null);
  const templateCalls = input.invocations.filter((i) => i.tool === "cmc-templates");

  let build: string;
  let runner: RunnerProcess | undefined;
  if (input.build !== undefined) {
    build = input.build;
    runner = runners.find((r) => r.build === build);
  } else if (runners[0] !== undefined) {
    runner = runners[0];
    build = runner.build as string;
  } else {
    const call = latest(runnerCalls);
    if (call === undefined) return null;
    build = call.buildName as string;
  }

  const startedAt = runner?.info.startedAt ?? null;
  // A live run's own command reaches history only when its shell exits; an older invocation of
  // the same build name is a previous run, not this one.
  const runnerInvocation = latest(
    runnerCalls.filter(
      (i) =>
        i.buildName === build &&
        !(startedAt !== null && i.at !== null && i.at < startedAt - SAME_RUN_SLACK_MS),
    ),
  );
  const templateInvocation = latest(
    templateCalls.filter((t) =>
      runnerInvocation !== undefined
        ? !later(t, runnerInvocation)
        : startedAt !== null && t.at !== null
          ? t.at <= startedAt
          : true,
    ),
  );
  const categorized =
    runner?.categorized === true ||
    (runnerInvocation !== undefined && invocationArguments(runnerInvocation).has("categorize"));
  const runStartMs = runnerInvocation?.at ?? startedAt;

  return {
    build,
    live: runner !== undefined,
    runStartMs,
    categorized,
    ...(templateInvocation !== undefined ? { templateInvocation } : {}),
    ...(runnerInvocation !== undefined ? { runnerInvocation } : {}),
    ...(runner !== undefined ? { runnerProcess: runner.info } : {}),
  };
}

/**
 * Live runner evidence for reconstruction (R1, R21) from the process table: whether the runner
 * process `runnerPid` is alive, whether a non-defunct Cypress (or `npm exec cypress-cloud`)
 * process runs below it, and whether a defunct child is hanging off it (R1's stuck runner).
 * `runnerPid` `null` (no live runner) gives all `false`.
 */
export function runnerActivity(processes: readonly ProcessInfo[], runnerPid: number | null): RunnerActivity {
  if (runnerPid === null || !processes.some((p) => p.pid === runnerPid && !p.defunct)) {
    return { runnerAlive: false, cypressAlive: false, defunctChild: false };
  }
  const children = new Map<number, ProcessInfo[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const below: ProcessInfo[] = [];
  const queue = [runnerPid];
  const seen = new Set<number>(queue);
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      below.push(child);
      queue.push(child.pid);
    }
  }
  return {
    runnerAlive: true,
    cypressAlive: below.some((p) => !p.defunct && /cypress/i.test(p.command)),
    defunctChild: below.some((p) => p.defunct),
  };
}
