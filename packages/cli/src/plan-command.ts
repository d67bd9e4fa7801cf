/**
 * `atvm plan`: builds the launch plan of a run from the operators' own option names, prints every
 * command exactly as it will run and the plan id, and saves the plan (R22: nothing is executed,
 * on the controller or here). `atvm approve` runs it (approve-command.ts).
 */
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildPlan,
  DEFAULT_ATVM_COMMAND,
  type Launcher,
  type Plan,
  type PlanStep,
  type RunRequest,
  renderShellCommand,
  WATCHER_STATE_ROOT,
} from "@atvm-watch/commands";
import { blacklistOf, loadConfig } from "@atvm-watch/config";
import { AtvmError, type BlacklistEntry } from "@atvm-watch/engine";
import { validateDestination } from "@atvm-watch/ssh";
import type { CliIo } from "./io.ts";
import { savePlan, stateHome } from "./plan-store.ts";

/** Options of `atvm plan`, as commander gives them (the operators' option names kept). */
export interface PlanCommandOptions {
  readonly controller?: string;
  readonly root?: string;
  readonly template_name?: string;
  readonly containsVm?: string;
  readonly specify_vms?: string;
  readonly randomize?: string;
  readonly integration_type?: string;
  readonly use_specified_plugin?: string;
  readonly config_file?: string;
  readonly exclude_partial_match?: readonly string[];
  readonly categorize?: boolean;
  readonly build_name?: string;
  readonly ignoreForceShutdown?: boolean;
  readonly launcher?: string;
  readonly stateDir?: string;
  readonly atvmBin?: string;
  readonly config?: string;
  readonly format?: string;
}

/** The default automation root on a remote controller (seed 003's controller layout). */
export const DEFAULT_REMOTE_ROOT = "/root/cdc-e2e-cyp-12.17.4";

/** The `atvm` script of this installation (`packages/cli/bin/atvm.js`), for the process launcher. */
export function localAtvmBin(): string {
  return fileURLToPath(new URL("../bin/atvm.js", import.meta.url));
}

/**
 * The blacklist a plan uses: the `blacklist` of `--config FILE` (an atvm config, docs/config.md)
 * when given, else the built-in one (R2/R13). Returns the entries (undefined: built-in) and the
 * absolute file, recorded in the plan so `atvm approve` re-reads the same file.
 */
export async function planBlacklist(
  configPath: string | null,
  io: CliIo,
): Promise<{ blacklist: readonly BlacklistEntry[] | undefined; source: string | null }> {
  if (configPath === null) return { blacklist: undefined, source: null };
  const file = resolve(io.cwd, configPath);
  const config = (await loadConfig(io.disk.open(dirname(file), []), basename(file), { file })) ?? {};
  return { blacklist: blacklistOf(config, file), source: file };
}

/** Where a plan runs and how: the values `plan` and `replay` share. */
export interface LaunchTarget {
  readonly destination: string | null;
  readonly root: string;
  readonly launcher: Launcher;
  readonly stateRoot: string;
  readonly atvmCommand: readonly string[];
}

/**
 * Resolves `--controller`, `--root`, `--launcher`, `--state-dir` and `--atvm-bin`:
 * - `--controller` is an ssh destination `[user@]host` (validated: no option-like or shell
 *   characters); absent means this machine;
 * - `--root` defaults to the current folder locally, {@link DEFAULT_REMOTE_ROOT} remotely;
 * - `--launcher auto` (default) is `systemd` when this machine runs systemd (`/run/systemd/system`
 *   exists, sd_booted(3)) or the controller is remote, else `process` (detached processes with
 *   pid files: the fallback for developer boxes and CI);
 * - the watcher state root: `--state-dir`, else `/var/lib/atvm-run-watcher` (systemd, W9), else
 *   `<XDG state>/atvm-watch/watcher` (local process launcher); a remote process launch needs `--state-dir`.
 * Throws `AtvmError` `INVALID_NAME`/`USAGE` naming the value.
 */
export function resolveTarget(
  options: Pick<PlanCommandOptions, "controller" | "root" | "launcher" | "stateDir" | "atvmBin">,
  io: CliIo,
): LaunchTarget {
  const destination = options.controller === undefined ? null : validateDestination(options.controller);
  const root =
    options.root !== undefined
      ? destination === null
        ? resolve(io.cwd, options.root)
        : options.root
      : destination === null
        ? io.cwd
        : DEFAULT_REMOTE_ROOT;
  const choice = options.launcher ?? "auto";
  if (choice !== "auto" && choice !== "systemd" && choice !== "process") {
    throw new AtvmError("USAGE", `--launcher ${JSON.stringify(choice)} is not auto, systemd or process`);
  }
  const launcher: Launcher =
    choice !== "auto"
      ? choice
      : destination !== null || existsSync("/run/systemd/system")
        ? "systemd"
        : "process";
  let stateRoot: string;
  if (options.stateDir !== undefined) {
    stateRoot = destination === null ? resolve(io.cwd, options.stateDir) : options.stateDir;
  } else if (launcher === "systemd") {
    stateRoot = WATCHER_STATE_ROOT;
  } else if (destination === null) {
    stateRoot = `${stateHome(io.env)}/watcher`;
  } else {
    throw new AtvmError(
      "USAGE",
      "--launcher process on a remote controller needs --state-dir (an absolute folder on the controller, e.g. /var/tmp/atvm-watcher)",
    );
  }
  const atvmCommand =
    options.atvmBin !== undefined
      ? ["node", options.atvmBin]
      : destination === null
        ? [process.execPath, localAtvmBin()]
        : DEFAULT_ATVM_COMMAND;
  return { destination, root, launcher, stateRoot, atvmCommand };
}

function required(value: string | undefined, flag: string, example: string): string {
  if (value === undefined || value === "") {
    throw new AtvmError("USAGE", `${flag} is required, e.g. ${flag} ${example}`);
  }
  return value;
}

/** The run request of `atvm plan`'s options (R15: only what was asked; defaults apply in `commands`). */
export function requestOf(options: PlanCommandOptions): RunRequest {
  const list = (value: string | undefined) =>
    value === undefined ? undefined : value.split(",").filter((w) => w !== "");
  const specify = list(options.specify_vms);
  const randomize = options.randomize;
  return {
    template: required(options.template_name, "--template_name", "cmc-e2e"),
    buildName: required(options.build_name, "--build_name", "e2e-redhat9.7-0401"),
    ...(options.containsVm !== undefined ? { containsVm: options.containsVm } : {}),
    ...(specify !== undefined ? { specifyVms: specify } : {}),
    ...(randomize !== undefined
      ? { randomize: /^[0-9]{1,6}$/.test(randomize) ? Number(randomize) : Number.NaN }
      : {}),
    ...(options.integration_type !== undefined ? { integration: options.integration_type } : {}),
    ...(options.use_specified_plugin !== undefined ? { plugin: options.use_specified_plugin } : {}),
    ...(options.config_file !== undefined ? { configFile: options.config_file } : {}),
    ...(options.exclude_partial_match !== undefined
      ? {
          excludePartialMatch: options.exclude_partial_match
            .flatMap((w) => w.split(","))
            .filter((w) => w !== ""),
        }
      : {}),
    ...(options.categorize === true ? { categorize: true } : {}),
    ...(options.ignoreForceShutdown === false ? { ignoreForceShutdown: false } : {}),
  };
}

/** Builds, saves and prints a plan; shared by `atvm plan` and `atvm replay`. Returns the plan and its file. */
export async function makePlan(
  request: RunRequest,
  target: LaunchTarget,
  configPath: string | null,
  version: string,
  io: CliIo,
): Promise<{ plan: Plan; path: string }> {
  const { blacklist, source } = await planBlacklist(configPath, io);
  const plan = buildPlan({
    request,
    root: target.root,
    destination: target.destination,
    launcher: target.launcher,
    stateRoot: target.stateRoot,
    atvmCommand: target.atvmCommand,
    toolVersion: version,
    now: io.clock.now(),
    ...(blacklist !== undefined ? { blacklist } : {}),
    blacklistSource: source,
  });
  return { plan, path: savePlan(plan, io.env) };
}

/** A step's argv for the text view: a fixed `sh -c` script is named by its label, its arguments shown. */
function stepText(step: PlanStep): string {
  if (step.argv[0] === "sh" && step.argv[1] === "-c" && step.argv.length >= 4) {
    return `sh -c <${step.argv[3]} script> ${renderShellCommand(step.argv.slice(3))}`;
  }
  return renderShellCommand(step.argv);
}

/** The text view of a saved plan: header, steps, the two commands, where it is saved, how to approve. */
export function renderPlanText(plan: Plan, path: string): string {
  const where = plan.controller === null ? "this machine" : plan.controller;
  const lines = [
    `PLAN ${plan.id}`,
    `Build ${plan.build} on ${where}, root ${plan.root}, launcher ${plan.launcher}; expires ${plan.expiresAt}.`,
    "Nothing has been executed (R22). Approving runs these steps in order, stopping at the first failure:",
    ...plan.steps.map((s, i) => {
      const out = s.stdout === null ? "" : ` > ${s.stdout} 2>&1`;
      return `  ${i + 1}. ${s.name.padEnd(19)} ${stepText(s)}${out}`;
    }),
    "",
    "Template command (exactly as it will run):",
    `  ${plan.templateCommand}`,
    "Runner command:",
    `  ${plan.runnerCommand}`,
    "",
    `Saved: ${path} (full argv of every step: --format json)`,
    "Approve and launch with the watcher (R34):",
    `  npx atvm approve ${plan.id}`,
    `Without the watcher: npx atvm approve ${plan.id} --without-watcher`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Runs `atvm plan`. Resolves 0 after printing the plan (text, or `--format json`: the saved
 * `atvm.plan.v1`). Throws `AtvmError` (`USAGE`, `INVALID_NAME`, `HOST_BLACKLISTED`,
 * `CONFIG_INVALID`, `CONFIG_NOT_FOUND`); `main` exits 2 for each.
 */
export async function runPlan(options: PlanCommandOptions, version: string, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new AtvmError("USAGE", `unknown --format ${JSON.stringify(format)}; use text or json`);
  }
  const request = requestOf(options);
  const target = resolveTarget(options, io);
  const { plan, path } = await makePlan(request, target, options.config ?? null, version, io);
  io.stdout.write(format === "json" ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan, path));
  return 0;
}
