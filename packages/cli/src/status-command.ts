/**
 * `atvm status`: the whole run's status from a controller folder (R19, R21), in the fixed layout.
 * Wiring only: config → ports (the disk's artifact source, the process probe, the clock) →
 * `createRunObserver` (engine observe.ts: poll → locate → window → scope → reconstruct) → render.
 * Exit 0 whenever a status was produced, whatever the run state.
 */
import { basename, dirname, resolve } from "node:path";
import { decodeArtifactText } from "@atvm-watch/artifacts";
import {
  type AtvmConfig,
  blacklistOf,
  CONFIG_FILE_NAME,
  extraRootsOf,
  isSafeBuildName,
  layoutOf,
  loadConfig,
} from "@atvm-watch/config";
import {
  AtvmError,
  createCollectParsers,
  createRunObserver,
  type ParseCache,
  type RunObserver,
} from "@atvm-watch/engine";
import type { PersistentParseCache } from "@atvm-watch/node-fs";
import { assertZone, renderMarkdown, renderText, toStatusJson } from "@atvm-watch/status";
import { DEFAULT_CATALOG, detectIncidents, digestRun, toCtrf } from "@atvm-watch/triage";
import { parseControllerSpec, runFleet, runRemoteStatus } from "./fleet-command.ts";
import type { CliIo } from "./io.ts";

/** Output formats of `atvm status`. */
export const STATUS_FORMATS: readonly string[] = ["text", "markdown", "json", "ctrf"];

/** Options of `atvm status` as commander hands them over (strings, unvalidated). */
export interface StatusCommandOptions {
  readonly root?: string;
  readonly build?: string;
  readonly config?: string;
  readonly format?: string;
  readonly tz?: string;
  /** The atvm-watch version stamped into a CTRF report's `tool.version`. */
  readonly version?: string;
  /** `--controller [user@]host[:/root]`, repeatable: a remote status, or with two or more the fleet view. */
  readonly controller?: readonly string[];
  /** `--ssh-config FILE`: an ssh_config(5) file for the OpenSSH client (`ssh -F`). */
  readonly sshConfig?: string;
  /** `false` with `--no-cache`: neither read nor write the persistent parse cache (docs/getting-started.md "The parse cache"). */
  readonly cache?: boolean;
  /** `--verbose`: one stderr line on what the parse cache did. */
  readonly verbose?: boolean;
}

/** A zone and, when it was not what the user set, a note saying what was read and where. */
export interface ZoneChoice {
  readonly zone: string;
  readonly origin: "--tz" | "config" | "TZ" | "system";
  readonly note?: string;
}

/**
 * The zone for times (IANA name): `--tz`, else the config's `timeZone`, else `$TZ`, else the
 * system zone. An empty `TZ` means UTC to the C library, so it is UTC here too, with a note
 * (`TZ is set but empty; using UTC`); a system zone ICU cannot name (`Etc/Unknown`) is UTC with a
 * note. `TZ=:/etc/localtime` style values use the system zone.
 */
export function chooseZone(
  tz: string | undefined,
  config: AtvmConfig,
  env: CliIo["env"],
  systemZone: () => string,
): ZoneChoice {
  if (tz !== undefined) return { zone: tz, origin: "--tz" };
  if (config.timeZone !== undefined) return { zone: config.timeZone, origin: "config" };
  const envTz = env.TZ;
  if (envTz === "") return { zone: "UTC", origin: "TZ", note: "TZ is set but empty; using UTC" };
  if (envTz !== undefined && !envTz.startsWith(":")) return { zone: envTz, origin: "TZ" };
  const system = systemZone();
  if (system === "" || system === "Etc/Unknown")
    return {
      zone: "UTC",
      origin: "system",
      note: "the system time zone is unknown; using UTC (set TZ or pass --tz)",
    };
  return { zone: system, origin: "system" };
}

/** The config: `--config` (read from its own folder), else `<root>/atvm.config.json` when present. */
async function readConfig(
  options: StatusCommandOptions,
  root: string,
  io: CliIo,
): Promise<{ config: AtvmConfig; file: string | null }> {
  if (options.config !== undefined) {
    const file = resolve(io.cwd, options.config);
    const folder = io.disk.open(dirname(file), []);
    return { config: (await loadConfig(folder, basename(file), { file })) ?? {}, file };
  }
  const file = `${root}/${CONFIG_FILE_NAME}`;
  const config = await loadConfig(io.disk.open(root, []), CONFIG_FILE_NAME, { file, optional: true });
  return config === null ? { config: {}, file: null } : { config, file };
}

/** What `atvm status` and `atvm watch` share: the root, config, zone and the one observer. */
export interface PreparedRun {
  readonly root: string;
  readonly config: AtvmConfig;
  readonly zone: string;
  readonly observer: RunObserver;
}

/**
 * Validates the root, build name, config and zone, and builds the run observer over the disk port.
 * Throws `AtvmError` (`ROOT_NOT_FOUND`, `USAGE`, `CONFIG_INVALID`, `CONFIG_NOT_FOUND`,
 * `INVALID_NAME`) for bad operator input. Writes a zone note to stderr when the zone was not set.
 */
export async function prepareRun(
  options: Pick<StatusCommandOptions, "root" | "build" | "config" | "tz"> & {
    /** The persistent parse cache (`atvm status` only; the watcher keeps its own in-memory cache). */
    readonly parseCache?: ParseCache;
  },
  io: CliIo,
): Promise<PreparedRun> {
  const root = resolve(io.cwd, options.root ?? ".");
  if (!(await io.disk.isFolder(root))) {
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
  const { config, file: configFile } = await readConfig(options, root, io);
  const blacklist = blacklistOf(config, configFile);
  const choice = chooseZone(
    options.tz,
    config,
    io.env,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone ?? "",
  );
  try {
    assertZone(choice.zone);
  } catch {
    const origin =
      choice.origin === "--tz"
        ? "--tz"
        : choice.origin === "config"
          ? `"timeZone" in ${configFile ?? "the config"}`
          : choice.origin === "TZ"
            ? "the TZ environment variable"
            : "the system time zone";
    throw new AtvmError(
      choice.origin === "--tz" ? "USAGE" : "CONFIG_INVALID",
      `${origin} ${JSON.stringify(choice.zone)} is not a valid IANA time zone; pass --tz with a name such as UTC or Europe/Berlin`,
    );
  }
  if (choice.note !== undefined) io.stderr.write(`atvm: note: ${choice.note}\n`);

  const home = io.env.HOME;
  const layout = layoutOf(config);
  const observer = createRunObserver({
    source: io.disk.open(root, extraRootsOf(layout, home)),
    probe: io.probe,
    clock: io.clock,
    layout,
    collector: {
      ...(config.knownHosts !== undefined ? { knownHosts: config.knownHosts } : {}),
      ...(home !== undefined ? { homeDir: home } : {}),
      parsers: createCollectParsers(config.logPatterns, config.logPrefixes),
      decode: decodeArtifactText,
      ...(options.parseCache !== undefined ? { parseCache: options.parseCache } : {}),
    },
    ...(blacklist !== undefined ? { blacklist } : {}),
    ...(options.build !== undefined ? { build: options.build } : {}),
    rootLabel: root,
  });
  return { root, config, zone: choice.zone, observer };
}

/**
 * Runs `atvm status`. Resolves the exit code: 0 when a status was printed (a run that cannot be
 * located by process or history is shown from its artifacts, R19). With `--controller` (or a
 * config's `controllers` and no `--root`) the status comes over ssh (fleet-command.ts): 3 when a
 * controller could not be reached. Throws `AtvmError`
 * (`ROOT_NOT_FOUND`, `USAGE`, `CONFIG_INVALID`, `CONFIG_NOT_FOUND`, `INVALID_NAME`,
 * `BUILD_NOT_FOUND`) for bad operator input; `main` prints it and exits 2.
 */
export async function runStatus(options: StatusCommandOptions, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  if (!STATUS_FORMATS.includes(format)) {
    throw new AtvmError(
      "USAGE",
      `unknown --format ${JSON.stringify(format)}; use one of: ${STATUS_FORMATS.join(", ")}`,
    );
  }
  const controllers = options.controller ?? [];
  if (controllers.length === 0 && options.root === undefined && options.config !== undefined) {
    // A config with a `controllers` list and no --root: the fleet view of those controllers.
    const { config } = await readConfig(options, resolve(io.cwd, "."), io);
    if (config.controllers !== undefined) {
      // Each controller then uses its own <root>/atvm.config.json, not the fleet's config file.
      const { config: _fleetConfig, ...perController } = options;
      return runFleet(config.controllers.map(parseControllerSpec), perController, io, prepareRun);
    }
  }
  if (controllers.length > 1) return runFleet(controllers.map(parseControllerSpec), options, io, prepareRun);
  const print = (prepared: PreparedRun, header: string | null) =>
    printStatus(prepared, format, options, io, header);
  if (controllers.length === 1) {
    return runRemoteStatus(parseControllerSpec(controllers[0] as string), options, io, prepareRun, print);
  }
  const root = resolve(io.cwd, options.root ?? ".");
  const cache = options.cache === false ? undefined : await io.disk.openParseCache?.(root, io.env);
  await print(
    await prepareRun({ ...options, ...(cache !== undefined ? { parseCache: cache } : {}) }, io),
    null,
  );
  const note =
    cache !== undefined
      ? await flushNote(cache)
      : options.cache === false
        ? "not used (--no-cache)"
        : "not used (this disk has none)";
  if (options.verbose === true) io.stderr.write(`atvm: parse cache: ${note}\n`);
  return 0;
}

/**
 * Writes the parse cache's pack after the status was printed, and says in one line what the cache
 * did (for `--verbose`). A cache that cannot be read or written changes nothing but this line.
 */
async function flushNote(cache: PersistentParseCache): Promise<string> {
  if (cache.file === null) return "not used (no cache folder: set XDG_CACHE_HOME or HOME)";
  const { written, problem } = await cache.flush();
  const { loaded, hits, misses } = cache.stats();
  const counts = `${hits} file(s) reused, ${misses} parsed (pack held ${loaded})`;
  if (problem !== null)
    return `${cache.file}: ${counts}; not saved: ${problem}; the status is the same without it`;
  const ignored = cache.loadProblem === null ? "" : `; ${cache.loadProblem}`;
  return `${cache.file}: ${counts}${written ? ", saved" : ", unchanged"}${ignored}`;
}

/** Observes once and prints the status in `format`; `header` (a remote source line) goes first in text and markdown. */
async function printStatus(
  prepared: PreparedRun,
  format: string,
  options: StatusCommandOptions,
  io: CliIo,
  header: string | null,
): Promise<void> {
  const { config, zone, observer } = prepared;
  const { snapshot } = await observer.observe();

  const color = format === "text" && io.stdout.isTTY === true && (io.env.NO_COLOR ?? "") === "";
  const renderOptions = {
    zone,
    color,
    ...(config.testFlows !== undefined ? { flows: config.testFlows } : {}),
  };
  const digests = format === "ctrf" ? digestRun(snapshot, DEFAULT_CATALOG) : [];
  const out =
    format === "ctrf"
      ? JSON.stringify(toCtrf(snapshot, digests, detectIncidents(digests), options.version), null, 2)
      : format === "json"
        ? `${JSON.stringify(toStatusJson(snapshot, renderOptions), null, 2)}\n`
        : format === "markdown"
          ? renderMarkdown(snapshot, renderOptions)
          : renderText(snapshot, renderOptions);
  const head = header !== null && (format === "text" || format === "markdown") ? `${header}\n\n` : "";
  io.stdout.write(`${head}${out.endsWith("\n") ? out : `${out}\n`}`);
}
