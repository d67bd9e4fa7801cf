/**
 * Timeline harness: plays a recorded timeline of artifacts appearing over time through the real
 * pipeline, the way the watcher's shell does (docs/state-machine.md):
 *
 *   memory ArtifactSource + memory ProcessProbe (changed step by step)
 *     → createRunObserver(...).observe() (engine observe.ts, the same pipeline as `atvm status`:
 *       poll → locate → window → scope with the blacklist → reconstruct)
 *     → decide(snapshot.observed | tick | cancel.requested | watcher.started)
 *     → the shell performs every effect and reports its result back as an event
 *       (record-post-intent → post.intent-recorded, post → post.succeeded,
 *        terminate-runner → runner.terminated), until no effect is left.
 *
 * Time comes from a manual clock; nothing here reads the real clock, so a play is deterministic.
 * ("Replay" is kept for re-running failed hosts, T3.)
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stripAnsi } from "@atvm-watch/artifacts";
import {
  type CollectLayout,
  createMachineState,
  createRunObserver,
  DEFAULT_LAYOUT,
  DEFAULT_MACHINE_POLICY,
  decide,
  type Effect,
  type MachineEvent,
  type MachinePolicy,
  type MachineState,
  type PollResult,
  type ProcessInfo,
  type RunObserver,
  type RunState,
  type Snapshot,
} from "@atvm-watch/engine";
import {
  createManualClock,
  createMemoryProbe,
  createMemorySource,
  type ManualClock,
  type MemoryProbe,
  type MemorySource,
} from "@atvm-watch/testing";

/** The repository root (test/timelines/../..). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The bytes of a file of the repository, e.g. `examples/flat-run/tmp/e2e-redhat9.7-0327.log`. */
export function repoFile(path: string): Uint8Array {
  return new Uint8Array(readFileSync(`${REPO_ROOT}${path}`));
}

/** The text of a repository file. */
export function repoText(path: string): string {
  return readFileSync(`${REPO_ROOT}${path}`, "utf8");
}

/** UTC ms of an ISO instant. */
export function utc(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${iso}`);
  return ms;
}

/**
 * The example roots' layout (their `atvm.config.json`): runner log and launch log under `tmp/`,
 * history and inventory in the root, the rest as `DEFAULT_LAYOUT`. Relative paths only, since the
 * memory source has no absolute paths.
 */
export const TIMELINE_LAYOUT: CollectLayout = {
  ...DEFAULT_LAYOUT,
  "runner-log": ["tmp/{build}.log"],
  "launch-log": ["tmp/{build}.launch.log"],
  "shell-history": [".bash_history"],
  inventory: ["vm-inventory.md"],
};

/** What a step may change: the controller's files, its process table, and the clock. */
export interface World {
  readonly source: MemorySource;
  readonly probe: MemoryProbe;
  readonly clock: ManualClock;
}

/** A cancel the operator asks for (a `cancelled.marker`, D4/W4). */
export interface CancelRequest {
  readonly batch?: string;
  readonly reason?: string;
}

/**
 * One instant of a timeline. At `at` the shell applies `apply` (files appear, grow, are cut;
 * processes start and exit), then reports `event` to the machine:
 * - `snapshot` (default): poll, locate, scope, reconstruct, `snapshot.observed`;
 * - `tick`: only `tick` (time passed, no poll);
 * - `cancel`: `cancel.requested` with `cancel`, then a `snapshot`;
 * - `restart`: a new watcher process resumes the persisted state (`watcher.started`), then a `snapshot`.
 */
export interface Step {
  readonly at: string;
  readonly label: string;
  readonly apply?: (world: World) => void;
  readonly event?: "snapshot" | "tick" | "cancel" | "restart";
  readonly cancel?: CancelRequest;
}

/** A recorded run. `steps` is a factory so every play starts from fresh cursors. */
export interface Timeline {
  readonly name: string;
  readonly build: string;
  /** The watcher's mode (`--categorize`, W8). */
  readonly categorized: boolean;
  /** When the watcher starts (ISO UTC); the first step must not be earlier. */
  readonly start: string;
  readonly steps: () => readonly Step[];
}

/** A `post` effect the shell performed. */
export interface PostRecord {
  readonly step: string;
  readonly at: number;
  readonly unit: string;
  readonly state: RunState;
  readonly attempt: number;
  readonly snapshot: Snapshot;
}

/** What happened at one step. */
export interface StepTrace {
  readonly label: string;
  readonly at: number;
  /** The reconstructed snapshot, when the step polled. */
  readonly snapshot: Snapshot | null;
  /** The poll's parse issues and settling paths, when the step polled. */
  readonly poll: Pick<PollResult, "issues" | "settling"> | null;
  /** The machine's run state after the step (run unit, or the categorized parent). */
  readonly runState: RunState;
  readonly units: readonly { readonly id: string; readonly state: RunState; readonly post: string }[];
  /** Every effect of the step, in the order the shell performed them. */
  readonly effects: readonly Effect[];
}

/** The result of playing a timeline. */
export interface TimelineRun {
  readonly steps: readonly StepTrace[];
  /** Every effect, in order (the `watcher.started` effects first). */
  readonly effects: readonly Effect[];
  readonly posts: readonly PostRecord[];
  readonly state: MachineState;
  /** Label of the step whose decision emitted `exit`, or `null`. */
  readonly exitedAt: string | null;
}

/** Shell behaviour knobs. */
export interface ShellOptions {
  readonly policy?: MachinePolicy;
  /**
   * Performs `terminate-runner` (R1); returns whether the runner is gone. Default: removes every
   * `run-sorry-cypress.py` process of the build and all its descendants from the probe.
   */
  readonly terminate?: (world: World, build: string) => boolean;
  /**
   * Called when the shell writes a post intent, before it reports `post.intent-recorded`; the
   * events returned are reported first (e.g. a cancel marker that appeared meanwhile, W4).
   */
  readonly beforeIntentRecorded?: (unit: string, world: World) => readonly MachineEvent[];
}

/** Removes the runner of `build` and every process below it (a clean stop, R1). */
export function stopRunner(world: World, build: string, processes: readonly ProcessInfo[]): boolean {
  const runners = processes.filter(
    (p) => p.command.includes("run-sorry-cypress.py") && p.command.includes(`--build_name ${build}`),
  );
  const doomed = new Set(runners.map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of processes) {
      if (doomed.has(p.ppid) && !doomed.has(p.pid)) {
        doomed.add(p.pid);
        grew = true;
      }
    }
  }
  for (const pid of doomed) world.probe.kill(pid);
  return runners.length > 0;
}

/**
 * A growing runner log: appends the real log's lines in order, from a cursor, to `path` of the
 * source. Markers are matched against the ANSI-stripped line.
 */
export interface LogTape {
  /** Appends every line from the cursor up to (not including) the first line containing `marker`. Throws when there is none. */
  until(source: MemorySource, marker: string): void;
  /** Appends up to and including the first line containing `marker`. */
  through(source: MemorySource, marker: string): void;
  /** Appends the rest of the log. */
  rest(source: MemorySource): void;
}

/** A tape over `text` (the real log), appending to `path`. */
export function logTape(text: string, path: string): LogTape {
  const lines = text.split(/(?<=\n)/);
  let cursor = 0;
  const find = (marker: string): number => {
    for (let i = cursor; i < lines.length; i += 1) {
      if (stripAnsi(lines[i] as string).includes(marker)) return i;
    }
    throw new RangeError(
      `log tape ${path}: no line containing ${JSON.stringify(marker)} after line ${cursor}`,
    );
  };
  const appendTo = (source: MemorySource, end: number): void => {
    if (end > cursor) source.append(path, lines.slice(cursor, end).join(""));
    cursor = end;
  };
  return {
    until: (source, marker) => appendTo(source, find(marker)),
    through: (source, marker) => appendTo(source, find(marker) + 1),
    rest: (source) => appendTo(source, lines.length),
  };
}

/** A fingerprint of the controller's files for the progress key (what a real shell adds: sizes and mtimes). */
function progressExtra(poll: PollResult): string {
  return Object.values(poll.files)
    .flat()
    .map((f) => `${f.path}:${f.sizeBytes}:${f.mtimeMs}`)
    .sort()
    .join("|");
}

/** One pass of the pipeline (engine `createRunObserver`, the CLI's and the watcher's). */
async function observe(observer: RunObserver): Promise<{ snapshot: Snapshot; poll: PollResult }> {
  const { snapshot, poll } = await observer.observe();
  return { snapshot, poll };
}

/**
 * Plays `timeline` through the real pipeline and the machine, performing every effect like the
 * watcher's shell: `watcher.started` at `timeline.start`, then per step apply → event → drain the
 * effects. After `exit` the play keeps feeding steps (the machine must stay silent, D6).
 * The watcher's own start is passed as a recorded start (its state directory, R26: the watcher
 * starts before the runner). Throws when a step goes back in time.
 */
export async function playTimeline(timeline: Timeline, options: ShellOptions = {}): Promise<TimelineRun> {
  const policy = options.policy ?? DEFAULT_MACHINE_POLICY;
  const startMs = utc(timeline.start);
  const world: World = {
    source: createMemorySource({}, { defaultMtimeMs: startMs }),
    probe: createMemoryProbe(),
    clock: createManualClock(startMs, 1_000_000),
  };
  const observer = createRunObserver({
    source: world.source,
    probe: world.probe,
    clock: world.clock,
    layout: TIMELINE_LAYOUT,
    build: timeline.build,
    recordedStarts: [{ build: timeline.build, startMs, source: "watcher-state" }],
  });
  let state = createMachineState({ build: timeline.build, categorized: timeline.categorized });
  const all: Effect[] = [];
  const posts: PostRecord[] = [];
  const traces: StepTrace[] = [];
  let exitedAt: string | null = null;

  const run = async (first: MachineEvent, label: string): Promise<Effect[]> => {
    const performed: Effect[] = [];
    const queue: MachineEvent[] = [first];
    while (queue.length > 0) {
      const event = queue.shift() as MachineEvent;
      const decision = decide(state, event, policy);
      state = decision.state;
      for (const effect of decision.effects) {
        performed.push(effect);
        const at = world.clock.now();
        switch (effect.type) {
          case "record-post-intent":
            queue.push(...(options.beforeIntentRecorded?.(effect.unit, world) ?? []));
            queue.push({ type: "post.intent-recorded", at, unit: effect.unit });
            break;
          case "post":
            posts.push({
              step: label,
              at,
              unit: effect.unit,
              state: effect.state,
              attempt: effect.attempt,
              snapshot: effect.snapshot,
            });
            queue.push({ type: "post.succeeded", at, unit: effect.unit });
            break;
          case "terminate-runner": {
            const processes = await world.probe.list();
            const ok = options.terminate?.(world, effect.build) ?? stopRunner(world, effect.build, processes);
            queue.push({ type: "runner.terminated", at, mono: world.clock.monotonicMs(), ok });
            break;
          }
          case "exit":
            exitedAt ??= label;
            break;
          default:
            break;
        }
      }
    }
    // The shell persists the state as JSON (state.json) and reads it back on restart.
    state = JSON.parse(JSON.stringify(state)) as MachineState;
    all.push(...performed);
    return performed;
  };

  await run({ type: "watcher.started", at: startMs, mono: world.clock.monotonicMs() }, "watcher.started");

  for (const step of timeline.steps()) {
    const at = utc(step.at);
    const now = world.clock.now();
    if (at < now) throw new RangeError(`timeline ${timeline.name}: step ${step.label} goes back in time`);
    world.clock.advance(at - now);
    step.apply?.(world);
    const mono = world.clock.monotonicMs();
    const effects: Effect[] = [];
    let observed: { snapshot: Snapshot; poll: PollResult } | null = null;
    const kind = step.event ?? "snapshot";
    if (kind === "tick") {
      effects.push(...(await run({ type: "tick", at, mono }, step.label)));
    } else {
      if (kind === "cancel") {
        const cancel: MachineEvent = { type: "cancel.requested", at, ...step.cancel };
        effects.push(...(await run(cancel, step.label)));
      } else if (kind === "restart") {
        effects.push(...(await run({ type: "watcher.started", at, mono }, step.label)));
      }
      observed = await observe(observer);
      const event: MachineEvent = {
        type: "snapshot.observed",
        at,
        mono,
        snapshot: observed.snapshot,
        progressExtra: progressExtra(observed.poll),
      };
      effects.push(...(await run(event, step.label)));
    }
    traces.push({
      label: step.label,
      at,
      snapshot: observed?.snapshot ?? null,
      poll: observed === null ? null : { issues: observed.poll.issues, settling: observed.poll.settling },
      runState: state.runState,
      units: state.units.map((s) => ({ id: s.id, state: s.state, post: s.post })),
      effects,
    });
  }
  return { steps: traces, effects: all, posts, state, exitedAt };
}

/** The trace of the step labelled `label`; throws when there is none. */
export function stepOf(run: TimelineRun, label: string): StepTrace {
  const found = run.steps.find((s) => s.label === label);
  if (found === undefined) throw new RangeError(`no step ${JSON.stringify(label)}`);
  return found;
}

/** `{ host: status }` of a snapshot, in its order (skipped hosts included). */
export function statuses(snapshot: Snapshot): Record<string, string> {
  return Object.fromEntries(snapshot.hosts.map((h) => [h.host, h.status]));
}
