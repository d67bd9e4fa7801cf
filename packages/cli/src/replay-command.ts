/**
 * `atvm replay` (T3): a plan that re-runs exactly the chosen hosts of a finished run with
 * `--specify_vms`, under a fresh build name derived from the original (a reused build id makes
 * Cypress Cloud / sorry-cypress report success with nothing run: cypress-io/cypress#28880,
 * sorry-cypress#197), with the original template and options recovered from the run's recorded
 * commands (shell history / runner log, R36), R37 applied, and hosts whose failure signature says
 * `do-not-replay` left out with the reason. It is saved like `atvm plan` and runs only through
 * `atvm approve`.
 */
import {
  checkName,
  parseRunnerArgv,
  parseShellCommand,
  parseTemplateArgv,
  type RunRequest,
} from "@atvm-watch/commands";
import { AtvmError, checkExplicitHosts, DEFAULT_BLACKLIST, isAtvmError } from "@atvm-watch/engine";
import { DEFAULT_CATALOG, digestRun } from "@atvm-watch/triage";
import type { CliIo } from "./io.ts";
import { makePlan, planBlacklist, renderPlanText, resolveTarget } from "./plan-command.ts";
import { prepareRun } from "./status-command.ts";

/** Options of `atvm replay`. */
export interface ReplayCommandOptions {
  readonly root?: string;
  readonly build?: string;
  readonly config?: string;
  /** `failed` (default), `all-not-passed`, or a comma-separated host list. */
  readonly hosts?: string;
  readonly launcher?: string;
  readonly stateDir?: string;
  readonly atvmBin?: string;
  readonly format?: string;
}

/** A host left out of a replay and why. */
export interface LeftOut {
  readonly host: string;
  readonly reason: string;
}

/**
 * The replay build name: `<original>-replay<N>` with the smallest N ≥ 1 (one more than the
 * original's own `-replay<N>`) that `taken` does not hold, the original cut so the name fits the
 * build allow-list (57 characters). Pure.
 */
export function replayBuildName(original: string, taken: (name: string) => boolean): string {
  const match = /^(.*)-replay([0-9]{1,4})$/.exec(original);
  const base = match?.[1] ?? original;
  let n = match === null ? 1 : Number(match[2]) + 1;
  for (; ; n += 1) {
    const suffix = `-replay${n}`;
    const name = `${base.slice(0, 57 - suffix.length).replace(/[._-]+$/, "")}${suffix}`;
    if (!taken(name)) return name;
  }
}

/**
 * Runs `atvm replay`: observes the run (`--build`, else the live or most recent), picks the hosts,
 * builds and saves the plan, prints it with what was left out. Resolves 0. Throws `AtvmError`
 * (exit 2): `USAGE` (nothing to replay, no recorded template command, bad `--hosts`),
 * `HOST_BLACKLISTED` (an explicit `--hosts` naming a blacklisted host, R37), `BUILD_NOT_FOUND`, …
 */
export async function runReplay(options: ReplayCommandOptions, version: string, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new AtvmError("USAGE", `unknown --format ${JSON.stringify(format)}; use text or json`);
  }
  const run = await prepareRun(
    {
      ...(options.root !== undefined ? { root: options.root } : {}),
      ...(options.build !== undefined ? { build: options.build } : {}),
      ...(options.config !== undefined ? { config: options.config } : {}),
    },
    io,
  );
  const { snapshot } = await run.observer.observe();
  if (snapshot.templateCommand === null) {
    throw new AtvmError(
      "USAGE",
      `no cmc-templates.py command is recorded for build ${snapshot.build} (shell history, runner log); plan the rerun with atvm plan --specify_vms …`,
    );
  }
  const words = parseShellCommand(snapshot.templateCommand);
  const template = words.ok ? parseTemplateArgv(words.argv) : { ok: false as const, reason: words.reason };
  if (!template.ok) {
    throw new AtvmError(
      "USAGE",
      `the recorded template command of ${snapshot.build} cannot be replayed (${template.reason}): ${snapshot.templateCommand}`,
    );
  }
  const runnerWords = snapshot.runnerCommand === null ? null : parseShellCommand(snapshot.runnerCommand);
  const runner = runnerWords?.ok === true ? parseRunnerArgv(runnerWords.argv) : null;
  const categorize = runner?.ok === true ? runner.value.categorize : false;

  const { blacklist } = await planBlacklist(options.config ?? null, io);
  const list = blacklist ?? DEFAULT_BLACKLIST;
  const choice = options.hosts ?? "failed";
  const leftOut: LeftOut[] = [];
  let chosen: string[];
  if (choice === "failed" || choice === "all-not-passed") {
    const inScope = snapshot.hosts.filter((h) => h.status !== "SKIPPED");
    chosen = inScope
      .filter((h) => (choice === "failed" ? h.status === "FAIL" : h.status !== "PASS"))
      .map((h) => h.host);
    for (const b of checkExplicitHosts(chosen, list)) leftOut.push({ host: b.host, reason: b.reason });
  } else {
    chosen = choice.split(",").filter((h) => h !== "");
    for (const h of chosen) checkName("host", h, "--hosts");
    const scope = new Set(snapshot.hosts.map((h) => h.host));
    const unknown = chosen.filter((h) => !scope.has(h));
    if (unknown.length > 0) {
      throw new AtvmError(
        "USAGE",
        `--hosts names ${unknown.join(", ")}, not in build ${snapshot.build}; use failed, all-not-passed or hosts of that run`,
      );
    }
  }
  for (const digest of digestRun(snapshot, DEFAULT_CATALOG)) {
    if (digest.signature?.replay === "do-not-replay" && chosen.includes(digest.host)) {
      leftOut.push({
        host: digest.host,
        reason: `signature ${digest.signature.id}: do not replay (${digest.signature.hint})`,
      });
    }
  }
  const out = new Set(leftOut.map((l) => l.host));
  const hosts = chosen.filter((h) => !out.has(h));
  if (hosts.length === 0) {
    const why =
      leftOut.length === 0
        ? `no host of ${snapshot.build} is ${choice === "all-not-passed" ? "not PASS" : "FAIL"}`
        : `every chosen host was left out (${leftOut.map((l) => `${l.host}: ${l.reason}`).join("; ")})`;
    throw new AtvmError("USAGE", `nothing to replay: ${why}`);
  }

  const target = resolveTarget({ ...options, root: run.root }, io);
  // A fresh build name: one the root's shell history, runner logs and watcher state do not know.
  const known = async (name: string): Promise<boolean> => {
    if (name === snapshot.build) return true;
    try {
      const probe = await prepareRun(
        {
          root: run.root,
          build: name,
          tz: "UTC",
          ...(options.config !== undefined ? { config: options.config } : {}),
        },
        io,
      );
      await probe.observer.observe();
      return true;
    } catch (error) {
      if (isAtvmError(error) && error.code === "BUILD_NOT_FOUND") return false;
      throw error;
    }
  };
  let build = replayBuildName(snapshot.build, () => false);
  for (let i = 0; i < 100 && (await known(build)); i += 1) build = replayBuildName(build, () => false);

  const t = template.value;
  const request: RunRequest = {
    template: t.template,
    buildName: build,
    specifyVms: hosts,
    configFile: t.configFile,
    ignoreForceShutdown: t.ignoreForceShutdown,
    ...(t.integration !== null ? { integration: t.integration } : {}),
    ...(t.plugin !== null ? { plugin: t.plugin } : {}),
    ...(categorize ? { categorize: true } : {}),
  };
  const { plan, path } = await makePlan(request, target, options.config ?? null, version, io);
  if (format === "json") {
    io.stdout.write(`${JSON.stringify({ replayOf: snapshot.build, hosts, leftOut, plan }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `REPLAY of ${snapshot.build} (${choice}): ${hosts.length} host${hosts.length === 1 ? "" : "s"}, new build ${build} (a build id is never reused)`,
    ...hosts.map((h) => `  ${h}`),
    ...(leftOut.length > 0 ? ["Left out:", ...leftOut.map((l) => `  ${l.host} - ${l.reason}`)] : []),
    "",
  ];
  io.stdout.write(`${lines.join("\n")}\n${renderPlanText(plan, path)}`);
  return 0;
}
