/**
 * One pipeline for every shell (the CLI, the watcher, the timeline tests): poll → locate → window
 * → scope → reconstruct, over the ports only (`ArtifactSource`, `ProcessProbe`, `Clock`). Pure:
 * every byte comes through the source, every process through the probe, time through the clock.
 *
 * The observer keeps the collector's incremental cache, so a watcher calls `observe()` every
 * interval and only changed files are re-read (research/performance.md, "What follows").
 */
import type { EpochMs, InvocationObservation, Observation } from "@atvm-watch/artifacts";
import {
  BUILD_NAME_PATTERN,
  type CollectLayout,
  type CollectorOptions,
  createCollector,
  type PollResult,
} from "./collect.ts";
import { decodeUtf8 } from "./collect-utf8.ts";
import type { BlacklistEntry, Snapshot } from "./domain.ts";
import { AtvmError } from "./errors.ts";
import { locateRun, parseRunnerProcess, type RunLocation, runnerActivity } from "./locate.ts";
import type { ArtifactEntry, ArtifactSource, Clock, ProcessInfo, ProcessProbe } from "./ports.ts";
import { reconstruct } from "./reconstruct/index.ts";
import { resolveScope, selectorFromInvocation } from "./scope.ts";

/** The heading of a run whose build name no evidence gives (R19's artifacts-only fallback). */
export const UNNAMED_BUILD = "(unnamed run)";

/**
 * A run start some evidence records. `source`: `history` (a `run-sorry-cypress.py` invocation's
 * `#<epoch>` time), `process` (a live runner's start time), `watcher-state` (a watcher's recorded
 * first-seen time, passed in by the shell via {@link RunObserverOptions.recordedStarts}).
 */
export interface RunStart {
  readonly build: string;
  /** UTC ms. */
  readonly startMs: EpochMs;
  readonly source: "history" | "process" | "watcher-state";
}

/**
 * The part of the timeline that belongs to the located run: from its own start to the start of
 * the next run (exclusive), UTC ms. `startMs` `null`: no start known (every artifact counts);
 * `endMs` `null`: no later run (the window is open).
 */
export interface RunWindow {
  readonly startMs: EpochMs | null;
  readonly endMs: EpochMs | null;
  /** The run whose start closes the window, when `endMs` is set. */
  readonly next?: RunStart;
}

/** A runner log the layout names (`/tmp/<build>.log`), with the build it stands for. */
export interface RunnerLogFile {
  readonly build: string;
  /** The path as the source names it. */
  readonly path: string;
  /** Last write, UTC ms: when the run last logged, never its start. */
  readonly mtimeMs: EpochMs;
}

/** Options of {@link createRunObserver}. */
export interface RunObserverOptions {
  readonly source: ArtifactSource;
  readonly probe: ProcessProbe;
  readonly clock: Clock;
  readonly layout: CollectLayout;
  /** Collector options (known hosts, home folder, parsers, decoder, size caps). */
  readonly collector?: CollectorOptions;
  /** The blacklist for the scope (R2/R13); default the built-in one. */
  readonly blacklist?: readonly BlacklistEntry[];
  /**
   * The build to show (`--build`, or the watcher's own build). Without it: the live run, else the
   * most recent one (R19, R21). A build no evidence names makes `observe()` reject with
   * `BUILD_NOT_FOUND`.
   */
  readonly build?: string;
  /**
   * Run starts recorded by watchers (their state directories), so runs the shell history lost
   * still name a build and close the window of the run before them. Default `[]`.
   */
  readonly recordedStarts?: readonly RunStart[];
  /** How notes name the automation root, e.g. `/root/cdc-e2e-cyp-12.17.4`. Default the source's name. */
  readonly rootLabel?: string;
}

/** One observation of the run. */
export interface RunObservation {
  /** The reconstructed snapshot, shell notes included. */
  readonly snapshot: Snapshot;
  readonly location: RunLocation;
  readonly window: RunWindow;
  /** Notes the pipeline added to the snapshot (how the run was located), also in `snapshot.notes`. */
  readonly notes: readonly string[];
  /** The last poll: issues, settling paths, files (for a watcher's progress key). */
  readonly poll: PollResult;
  readonly processes: readonly ProcessInfo[];
}

/** Observes one run repeatedly. Not safe to call `observe()` concurrently. */
export interface RunObserver {
  /**
   * Polls the source and the probe and reconstructs the run. Rejects with `AtvmError`
   * `BUILD_NOT_FOUND` for an explicit build no evidence names, and with the source's errors
   * (other than missing files).
   */
  observe(): Promise<RunObservation>;
}

/** Lines only a Cypress / cypress-cloud runner log has (research/peers.md §4.3). */
const RUNNER_LOG_MARK =
  /Run URL:|Recorded Run:|\(Run Starting\)|Cloud Run Finished|Running:\s+\S+\.(?:cy|spec)\.[jt]s|Discovered \d+ spec files/;

/** Bytes of a candidate log's head searched for {@link RUNNER_LOG_MARK}. */
const RUNNER_LOG_HEAD_BYTES = 64 * 1024;

/** How many builds the `BUILD_NOT_FOUND` message lists. */
const RECENT_BUILDS = 5;

function expandHome(template: string, home: string | undefined): string | null {
  if (!template.startsWith("~/")) return template;
  return home === undefined ? null : `${home.replace(/\/+$/, "")}/${template.slice(2)}`;
}

/**
 * The runner logs the layout's runner-log templates name (`/tmp/{build}.log`), newest first.
 * Only the template's own folder counts (files in sub-folders are ignored); launch logs
 * (`<build>.launch.log`) and names that are not build names are left out. Reads nothing but
 * the listing. A folder whose listing fails is skipped and, when `unreadable` is given, named
 * there with the cause.
 */
export async function listRunnerLogs(
  source: ArtifactSource,
  templates: readonly string[],
  homeDir: string | undefined,
  unreadable?: string[],
): Promise<readonly RunnerLogFile[]> {
  const found: RunnerLogFile[] = [];
  for (const raw of templates) {
    const template = expandHome(raw, homeDir);
    if (template === null || !template.includes("{build}")) continue;
    const slash = template.lastIndexOf("/");
    const dir = slash < 0 ? "" : template.slice(0, slash);
    const prefix = slash < 0 ? "" : `${dir}/`;
    const [before, after] = template.slice(slash + 1).split("{build}") as [string, string];
    let entries: readonly ArtifactEntry[];
    try {
      // `list` is recursive (the port has no shallow listing): a hostile or huge tree below the
      // folder can fail it (ENAMETOOLONG, EACCES); that folder then names no runner log.
      entries = (await source.list(dir === "" ? "." : dir)).entries;
    } catch (error) {
      unreadable?.push(
        `${dir === "" ? "." : dir} (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
      );
      continue;
    }
    for (const entry of entries) {
      if (!entry.path.startsWith(prefix)) continue;
      const name = entry.path.slice(prefix.length);
      if (name.includes("/") || !name.startsWith(before) || !name.endsWith(after)) continue;
      const build = name.slice(before.length, name.length - after.length);
      if (!BUILD_NAME_PATTERN.test(build) || build.endsWith(".launch")) continue;
      found.push({ build, path: entry.path, mtimeMs: entry.mtimeMs });
    }
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : 1));
}

/**
 * The newest of `logs` whose first 64 KiB show Cypress or cypress-cloud output (other tools'
 * logs in `/tmp` are not runner logs); `null` when none does. Unreadable candidates are skipped.
 */
export async function newestRunnerLog(
  source: ArtifactSource,
  logs: readonly RunnerLogFile[],
  decode: (bytes: Uint8Array) => string,
): Promise<RunnerLogFile | null> {
  for (const log of logs) {
    let head: string;
    try {
      head = decode(await source.read(log.path, 0, RUNNER_LOG_HEAD_BYTES));
    } catch {
      continue;
    }
    if (RUNNER_LOG_MARK.test(head)) return log;
  }
  return null;
}

/**
 * Every run start the evidence records: runner invocations in shell history (with a `#<epoch>`
 * time), live runner processes (with a start time) and `recorded` watcher-state starts, oldest
 * first. Runner logs carry no start (their lines have no clock) and are not listed.
 */
export function runStarts(
  invocations: readonly InvocationObservation[],
  processes: readonly ProcessInfo[],
  recorded: readonly RunStart[],
): readonly RunStart[] {
  const starts: RunStart[] = [...recorded];
  for (const i of invocations) {
    if (i.tool === "run-sorry-cypress" && i.buildName !== null && i.at !== null)
      starts.push({ build: i.buildName, startMs: i.at, source: "history" });
  }
  for (const p of processes) {
    const runner = parseRunnerProcess(p);
    if (runner?.build != null && p.startedAt !== null)
      starts.push({ build: runner.build, startMs: p.startedAt, source: "process" });
  }
  return starts.sort((a, b) => a.startMs - b.startMs || (a.build < b.build ? -1 : a.build > b.build ? 1 : 0));
}

/**
 * The window of the run of `build` that started at `startMs` (R33 "inside the run window"): it
 * ends at the earliest start of any other run after it (a different build, or the same build
 * name started again), exclusive. `startMs` `null` gives an unbounded window.
 */
export function runWindow(build: string, startMs: EpochMs | null, starts: readonly RunStart[]): RunWindow {
  if (startMs === null) return { startMs: null, endMs: null };
  const next = starts.find((s) => s.startMs > startMs && !(s.build === build && s.startMs === startMs));
  return next === undefined ? { startMs, endMs: null } : { startMs, endMs: next.startMs, next };
}

/** Builds named by any evidence, most recent first: starts, then runner logs by last write. */
function recentBuilds(starts: readonly RunStart[], logs: readonly RunnerLogFile[]): string[] {
  const ranked = [
    ...starts.map((s) => ({ build: s.build, at: s.startMs })),
    ...logs.map((l) => ({ build: l.build, at: l.mtimeMs })),
  ].sort((a, b) => b.at - a.at);
  return [...new Set(ranked.map((r) => r.build))];
}

/** The artifact kinds a historical run must not take from the live files (they belong to a later run). */
const LIVE_FILE_KINDS = new Set<Observation["kind"]>(["cypress-config"]);

/**
 * Creates the observer. Each `observe()`:
 * 1. polls everything but the build's own logs and lists the processes;
 * 2. locates the run (R21 live first, R19 the most recent run in history, else the newest runner
 *    log, else the unnamed run of all artifacts); an explicit `build` must be named by a live
 *    runner, the history, a runner log or `recordedStarts`, else `BUILD_NOT_FOUND`;
 * 3. computes the run window: its start (history, process, else a recorded start) to the next
 *    run's start. A run with a later run after it is historical: the live files (generated specs,
 *    the Cypress config's specPattern/current_vm) belong to that later run and are not used, its
 *    scope comes from its own template command, and its snapshot is taken at the window end;
 * 4. polls again with the build (only its runner log is new), resolves the scope (blacklist
 *    applied, R2/R3) and reconstructs with the window (R10, R11, R33).
 */
export function createRunObserver(options: RunObserverOptions): RunObserver {
  const { source, probe, clock, layout } = options;
  const collectorOptions = options.collector ?? {};
  const collector = createCollector(source, layout, collectorOptions);
  const decode = collectorOptions.decode ?? decodeUtf8;
  const recorded = options.recordedStarts ?? [];
  const rootLabel = options.rootLabel ?? source.name;
  const homeDir = collectorOptions.homeDir;

  return {
    async observe() {
      const processes = await probe.list();
      const first = await collector.poll({ now: clock.now() });
      const invocations = first.observations.filter(
        (o): o is InvocationObservation => o.kind === "invocation",
      );
      const starts = runStarts(invocations, processes, recorded);
      const explicit = options.build;
      let location = locateRun({
        processes,
        invocations,
        ...(explicit !== undefined ? { build: explicit } : {}),
      });
      const notes: string[] = [];

      if (explicit !== undefined && location !== null) {
        const named =
          location.live ||
          location.runnerInvocation !== undefined ||
          starts.some((s) => s.build === explicit) ||
          (await hasRunnerLog(source, layout["runner-log"], explicit, homeDir));
        if (!named) {
          const logs = await listRunnerLogs(source, layout["runner-log"], homeDir);
          const recent = recentBuilds(starts, logs).slice(0, RECENT_BUILDS);
          throw new AtvmError(
            "BUILD_NOT_FOUND",
            `build ${JSON.stringify(explicit)} not found in shell history, runner logs or watcher state; recent builds: ${recent.length === 0 ? "none" : recent.join(", ")}`,
          );
        }
      }
      if (location === null) {
        // R19's last resort: the run the folder's artifacts describe, named after the newest
        // runner log the layout names, else unnamed.
        const unreadable: string[] = [];
        const logs = await listRunnerLogs(source, layout["runner-log"], homeDir, unreadable);
        const fromLog = await newestRunnerLog(source, logs, decode);
        for (const folder of unreadable) notes.push(`Runner logs not searched in ${folder}`);
        location = {
          build: fromLog?.build ?? UNNAMED_BUILD,
          live: false,
          runStartMs: null,
          categorized: false,
        };
        notes.push(
          fromLog === null
            ? `No live runner, no run-sorry-cypress.py command in the shell history (${layout["shell-history"].join(", ")}) and no runner log: showing every artifact in ${rootLabel}; pass --build NAME to name the run`
            : `No live runner and no run-sorry-cypress.py command in the shell history: the build name comes from the newest runner log, ${fromLog.path}`,
        );
      }
      const build = location.build;
      const startMs =
        location.runStartMs ??
        recorded
          .filter((s) => s.build === build)
          .map((s) => s.startMs)
          .reduce<EpochMs | null>((latest, s) => (latest === null || s > latest ? s : latest), null);
      const runWin = location.live ? { startMs, endMs: null } : runWindow(build, startMs, starts);
      const historical = runWin.endMs !== null;

      const safe = BUILD_NAME_PATTERN.test(build);
      if (!safe && build !== UNNAMED_BUILD)
        notes.push(`build name ${JSON.stringify(build)} cannot name a file; its runner log was not read`);
      const polledAt = clock.now();
      const now = historical ? Math.min(polledAt, runWin.endMs as number) : polledAt;
      const poll = await collector.poll({ ...(safe ? { build } : {}), now: polledAt });

      const observations = historical
        ? poll.observations.filter((o) => !LIVE_FILE_KINDS.has(o.kind))
        : poll.observations;
      const specPattern = historical
        ? undefined
        : poll.observations.filter((o) => o.kind === "cypress-config").at(-1);
      const scope = resolveScope({
        ...(historical ? {} : { generatedSpecs: poll.files["generated-spec"].map((e) => e.path) }),
        ...(specPattern !== undefined ? { specPatternHosts: specPattern.hosts } : {}),
        ...(location.templateInvocation !== undefined
          ? { selector: selectorFromInvocation(location.templateInvocation) }
          : {}),
        knownHosts: poll.knownHosts,
        ...(options.blacklist !== undefined ? { blacklist: options.blacklist } : {}),
      });
      if (startMs === null && explicit !== undefined) {
        notes.push(
          `No start time for build ${explicit} (not in the shell history, no live runner, no watcher state): every artifact in ${rootLabel} counts`,
        );
      }
      if (historical) {
        notes.push(
          `A later run (${runWin.next?.build}) started ${isoOf(runWin.endMs as number)}: only evidence from this run's start to then is used`,
        );
      }
      const snapshot = reconstruct(scope, observations, {
        build,
        now,
        runStartMs: startMs,
        runEndMs: runWin.endMs,
        knownHosts: poll.knownHosts,
        activity: runnerActivity(processes, location.runnerProcess?.pid ?? null),
        issues: poll.issues,
        categorized: location.categorized,
      });
      const shown = notes.length === 0 ? snapshot : { ...snapshot, notes: [...snapshot.notes, ...notes] };
      return { snapshot: shown, location, window: runWin, notes, poll, processes };
    },
  };
}

/** `2026-03-27T08:00:00Z` for UTC ms (pure; no zone). */
function isoOf(ms: EpochMs): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** `true` when a runner-log template names an existing file for `build`. */
async function hasRunnerLog(
  source: ArtifactSource,
  templates: readonly string[],
  build: string,
  homeDir: string | undefined,
): Promise<boolean> {
  if (!BUILD_NAME_PATTERN.test(build)) return false;
  for (const raw of templates) {
    const template = expandHome(raw, homeDir);
    if (template === null || !template.includes("{build}")) continue;
    if ((await source.stat(template.replaceAll("{build}", build))) !== null) return true;
  }
  return false;
}
