/**
 * `atvm status`: the whole run's status from a controller folder (R19, R21), in the fixed layout.
 * Wiring only: config → adapters (node-fs source, /proc probe) → collect → locate → scope →
 * reconstruct → render. Exit 0 whenever a status was produced, whatever the run state.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import type { InvocationObservation } from "@atvm-watch/artifacts";
import {
  AtvmError,
  createCollector,
  createCollectParsers,
  locateRun,
  reconstruct,
  resolveScope,
  runnerActivity,
  selectorFromInvocation,
} from "@atvm-watch/engine";
import { createNodeFsSource } from "@atvm-watch/node-fs";
import { assertZone, renderMarkdown, renderText, toStatusJson } from "@atvm-watch/status";
import { blacklistOf, extraRootsOf, isSafeBuildName, layoutOf, resolveConfig } from "./config.ts";
import type { CliIo } from "./io.ts";

/** Output formats of `atvm status`. */
export const STATUS_FORMATS: readonly string[] = ["text", "markdown", "json"];

/** Options of `atvm status` as commander hands them over (strings, unvalidated). */
export interface StatusCommandOptions {
  readonly root?: string;
  readonly build?: string;
  readonly config?: string;
  readonly format?: string;
  readonly tz?: string;
}

/** The zone the machine runs in, as an IANA name; `UTC` when unknown. */
function systemZone(env: CliIo["env"]): string {
  const tz = env.TZ;
  if (tz !== undefined && tz !== "" && !tz.startsWith(":")) return tz;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * Runs `atvm status`. Resolves the exit code: 0 when a status was printed (a run that cannot be
 * located by process or history is shown from its artifacts, R19). Throws `AtvmError`
 * (`ROOT_NOT_FOUND`, `USAGE`, `CONFIG_INVALID`, `CONFIG_NOT_FOUND`, `INVALID_NAME`) for bad operator
 * input; `main` prints it and exits 2.
 */
export async function runStatus(options: StatusCommandOptions, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  if (!STATUS_FORMATS.includes(format)) {
    throw new AtvmError(
      "USAGE",
      `unknown --format ${JSON.stringify(format)}; use one of: ${STATUS_FORMATS.join(", ")}`,
    );
  }
  const root = resolve(io.cwd, options.root ?? ".");
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new AtvmError(
      "ROOT_NOT_FOUND",
      `automation root ${root} is not a folder; pass --root with the controller's automation folder, e.g. --root /root/cdc-e2e-cyp-12.17.4`,
    );
  }
  if (options.build !== undefined && !isSafeBuildName(options.build)) {
    throw new AtvmError(
      "INVALID_NAME",
      `--build ${JSON.stringify(options.build)} is not a build name; use letters, digits, ".", "_" and "-" (at most 57, not starting with "." or "-")`,
    );
  }
  const { config, file: configFile } = resolveConfig(
    root,
    options.config === undefined ? undefined : resolve(io.cwd, options.config),
  );
  const blacklist = blacklistOf(config, configFile);
  const zone = options.tz ?? config.timeZone ?? systemZone(io.env);
  try {
    assertZone(zone);
  } catch {
    const origin =
      options.tz !== undefined ? "--tz" : config.timeZone !== undefined ? '"timeZone" in the config' : "TZ";
    throw new AtvmError(
      options.tz !== undefined ? "USAGE" : "CONFIG_INVALID",
      `${origin} ${JSON.stringify(zone)} is not a valid IANA time zone; use a name such as UTC or Europe/Berlin`,
    );
  }

  // Adapters.
  const home = io.env.HOME;
  const layout = layoutOf(config);
  const source = createNodeFsSource({ root, extraRoots: extraRootsOf(layout, home) });
  const collector = createCollector(source, layout, {
    ...(config.knownHosts !== undefined ? { knownHosts: config.knownHosts } : {}),
    ...(home !== undefined ? { homeDir: home } : {}),
    parsers: createCollectParsers(config.logPatterns),
    decode: (bytes) => new TextDecoder().decode(bytes),
  });
  const processes = await io.probe.list();

  // 1. Everything but the build's own logs; 2. locate the run (R21 live first, R19 history);
  // 3. poll again with the build: only the runner log is new, the rest comes from the cache.
  const first = await collector.poll({ now: io.clock.now() });
  const invocations = first.observations.filter((o): o is InvocationObservation => o.kind === "invocation");
  let location = locateRun({
    processes,
    invocations,
    ...(options.build !== undefined ? { build: options.build } : {}),
  });
  const notes: string[] = [];
  if (location === null) {
    // R19's last resort: the run the folder's artifacts describe. The build name comes from the
    // newest runner log the layout names (`/tmp/<build>.log`), else the run stays unnamed.
    const fromLog = newestRunnerLog(layout["runner-log"], root, home);
    location = { build: fromLog?.build ?? UNNAMED_BUILD, live: false, runStartMs: null, categorized: false };
    notes.push(
      fromLog === null
        ? `No live runner, no run-sorry-cypress.py command in the shell history (${layout["shell-history"].join(", ")}) and no runner log: showing every artifact in ${root}; pass --build NAME to name the run`
        : `No live runner and no run-sorry-cypress.py command in the shell history: the build name comes from the newest runner log, ${fromLog.path}`,
    );
  }
  const safe = isSafeBuildName(location.build);
  if (!safe && location.build !== UNNAMED_BUILD)
    notes.push(
      `build name ${JSON.stringify(location.build)} cannot name a file; its runner log was not read`,
    );
  const now = io.clock.now();
  const polled = await collector.poll({ ...(safe ? { build: location.build } : {}), now });

  const specPattern = polled.observations.filter((o) => o.kind === "cypress-config").at(-1);
  const scope = resolveScope({
    generatedSpecs: polled.files["generated-spec"].map((e) => e.path),
    ...(specPattern !== undefined ? { specPatternHosts: specPattern.hosts } : {}),
    ...(location.templateInvocation !== undefined
      ? { selector: selectorFromInvocation(location.templateInvocation) }
      : {}),
    knownHosts: polled.knownHosts,
    ...(blacklist !== undefined ? { blacklist } : {}),
  });
  const snapshot = reconstruct(scope, polled.observations, {
    build: location.build,
    now,
    runStartMs: location.runStartMs,
    knownHosts: polled.knownHosts,
    activity: runnerActivity(processes, location.runnerProcess?.pid ?? null),
    issues: polled.issues,
    categorized: location.categorized,
  });
  const shown = notes.length === 0 ? snapshot : { ...snapshot, notes: [...snapshot.notes, ...notes] };

  const color = format === "text" && io.stdout.isTTY === true && (io.env.NO_COLOR ?? "") === "";
  const renderOptions = {
    zone,
    color,
    ...(config.testFlows !== undefined ? { flows: config.testFlows } : {}),
  };
  const out =
    format === "json"
      ? `${JSON.stringify(toStatusJson(shown, renderOptions), null, 2)}\n`
      : format === "markdown"
        ? renderMarkdown(shown, renderOptions)
        : renderText(shown, renderOptions);
  io.stdout.write(out.endsWith("\n") ? out : `${out}\n`);
  return 0;
}

/** The heading of a run whose build name no evidence gives (R19's artifacts-only fallback). */
export const UNNAMED_BUILD = "(unnamed run)";

/** Lines only a Cypress / cypress-cloud runner log has (research/peers.md §4.3). */
const RUNNER_LOG_MARK =
  /Run URL:|Recorded Run:|\(Run Starting\)|Cloud Run Finished|Running:\s+\S+\.(?:cy|spec)\.[jt]s|Discovered \d+ spec files/;

/**
 * The newest runner log among the layout's runner-log templates (`/tmp/{build}.log`), with the build
 * name it stands for; `null` when none exists. Only the template's own folder is read (not
 * recursively); launch logs (`<build>.launch.log`) and files whose first 64 KiB show no Cypress or
 * cypress-cloud output (other tools' logs in /tmp) are not runner logs.
 */
export function newestRunnerLog(
  templates: readonly string[],
  root: string,
  home: string | undefined,
): { readonly build: string; readonly path: string } | null {
  const candidates: { build: string; path: string; mtimeMs: number }[] = [];
  for (const template of templates) {
    if (!template.includes("{build}")) continue;
    const expanded =
      template.startsWith("~/") && home !== undefined ? join(home, template.slice(2)) : template;
    const absolute = isAbsolute(expanded) ? expanded : join(root, expanded);
    const dir = dirname(absolute);
    const [before, after] = basename(absolute).split("{build}") as [string, string];
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(before) || !name.endsWith(after)) continue;
      const build = name.slice(before.length, name.length - after.length);
      if (!isSafeBuildName(build) || build.endsWith(".launch")) continue;
      const stats = statSync(join(dir, name), { throwIfNoEntry: false });
      if (stats === undefined || !stats.isFile()) continue;
      candidates.push({ build, path: join(dir, name), mtimeMs: stats.mtimeMs });
    }
  }
  candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const candidate of candidates) {
    if (RUNNER_LOG_MARK.test(head(candidate.path, 64 * 1024)))
      return { build: candidate.build, path: candidate.path };
  }
  return null;
}

/** The first `bytes` of a file as UTF-8 (empty when unreadable). */
function head(path: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
