/**
 * `atvm status`: the whole run's status from a controller folder (R19, R21), in the fixed layout.
 * Wiring only: config → adapters (node-fs source, /proc probe) → collect → locate → scope →
 * reconstruct → render. Exit 0 whenever a status was produced, whatever the run state.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
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
 * Runs `atvm status`. Resolves the exit code: 0 when a status was printed; 1 when no run could be
 * located. Throws `AtvmError` (`USAGE`, `ROOT_NOT_FOUND`, `CONFIG_NOT_FOUND`, `CONFIG_INVALID`,
 * `INVALID_NAME`) for bad operator input; `main` prints it and exits 2.
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
  const location = locateRun({
    processes,
    invocations,
    ...(options.build !== undefined ? { build: options.build } : {}),
  });
  if (location === null) {
    io.stderr.write(
      `atvm status: no run found in ${root}: no live run-sorry-cypress.py process and no run-sorry-cypress.py --build_name command in the shell history (${layout["shell-history"].join(", ")}); pass --build NAME\n`,
    );
    return 1;
  }
  const notes: string[] = [];
  const safe = isSafeBuildName(location.build);
  if (!safe)
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
