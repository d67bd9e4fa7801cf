/**
 * The ordered steps of a launch with each step's exact argv (R18, W3, W2, R23, R26, R34): the
 * systemd or process launcher's fixed scripts from `launch.ts`, filled with operator values as
 * positional arguments only. Pure; `buildPlan` (plan.ts) calls it.
 */
import {
  type Launcher,
  PROCESS_START_SCRIPT,
  PROCESS_STOP_SCRIPT,
  STATE_RESET_SCRIPT,
  SYSTEMD_RUNNER_START_SCRIPT,
  SYSTEMD_STOP_SCRIPT,
  SYSTEMD_WATCHER_START_SCRIPT,
} from "./launch.ts";
import { type RunCommands, runnerArgv, templateArgv } from "./options.ts";
import { renderShellCommand } from "./shell-words.ts";

/** Where generated host specs are written, relative to the automation root. */
export const GENERATED_SPEC_FOLDER = "cypress/e2e/generated";

/** The step names of a launch, in the only order they may run (R26). */
export const STEP_NAMES = [
  "config-check",
  "watcher-stop",
  "watcher-state-reset",
  "template",
  "verify",
  "watcher-start",
  "runner-start",
] as const;
/** One of {@link STEP_NAMES}. */
export type StepName = (typeof STEP_NAMES)[number];

/**
 * One step of a launch. The executor runs `argv` (no shell; over ssh each word is quoted with
 * `renderShellCommand`) in `cwd`, stops the launch on a non-zero exit, and:
 * - `stdout`: when not `null`, writes the step's stdout and stderr to that file (W2: the template
 *   step's output goes to `/tmp/<build>.launch.log`);
 * - `env`: when not empty, writes these variables to the unit instance's environment file
 *   before `argv` (W8);
 * - `expect`: for `verify` (R23): `argv` prints the Cypress config; the executor then checks that
 *   every host in `expect.hosts` (for a broad selector, `null`: the config's own hosts, at least
 *   one) has a spec file in `expect.specFolder` and is in the config's `specPattern`, and that no
 *   host there contains an `expect.excluded` pattern; on any mismatch it stops and reports it.
 */
export interface PlanStep {
  readonly name: StepName;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly stdout: string | null;
  readonly env: Readonly<Record<string, string>>;
  readonly expect: {
    readonly hosts: readonly string[] | null;
    readonly specFolder: string;
    readonly excluded: readonly string[];
  } | null;
}

/** What the steps depend on besides the commands. */
export interface StepContext {
  readonly root: string;
  readonly watcher: boolean;
  readonly launcher: Launcher;
  readonly stateRoot: string;
  readonly atvmCommand: readonly string[];
}

/** The launch steps of `commands` in order: config-check, watcher stop/reset, template, verify, watcher start, runner start. */
export function planSteps(commands: RunCommands, ctx: StepContext): PlanStep[] {
  const build = commands.runner.buildName;
  const template = templateArgv(commands.template);
  const runner = runnerArgv(commands.runner);
  const step = (name: StepName, argv: readonly string[], extra: Partial<PlanStep> = {}): PlanStep => ({
    name,
    argv,
    cwd: ctx.root,
    stdout: null,
    env: {},
    expect: null,
    ...extra,
  });
  const sh = (script: string, label: string, ...args: string[]): readonly string[] => [
    "sh",
    "-c",
    script,
    label,
    ...args,
  ];
  const watcherEnv: Record<string, string> = {
    ATVM_WATCHER_TEMPLATE: commands.template.template,
    ATVM_WATCHER_TEMPLATE_COMMAND: renderShellCommand(template),
    ATVM_WATCHER_RUNNER_COMMAND: renderShellCommand(runner),
    ATVM_WATCHER_CATEGORIZED: commands.runner.categorize ? "1" : "0",
    ATVM_WATCHER_ROOT: ctx.root,
  };
  const runnerLog = `/tmp/${build}.log`;
  const stateDir = `${ctx.stateRoot}/${build}`;
  const watcherUnit = `atvm-run-watcher@${build}.service`;
  const runnerUnit = `atvm-runner@${build}.service`;
  const watcherPid = `${ctx.stateRoot}/.pids/${build}.watcher.pid`;
  const runnerPid = `${ctx.stateRoot}/.pids/${build}.runner.pid`;
  const systemd = ctx.launcher === "systemd";
  const steps: PlanStep[] = [
    step("config-check", ["test", "-f", commands.template.configFile]),
    step(
      "watcher-stop",
      systemd
        ? sh(SYSTEMD_STOP_SCRIPT, "atvm-watcher-stop", watcherUnit, runnerUnit)
        : sh(PROCESS_STOP_SCRIPT, "atvm-watcher-stop", watcherPid, build),
    ),
    step("watcher-state-reset", sh(STATE_RESET_SCRIPT, "atvm-state-reset", stateDir)),
    step("template", template, { stdout: `/tmp/${build}.launch.log` }),
    step("verify", ["cat", "--", commands.template.configFile], {
      expect: {
        hosts: commands.template.specifyVms,
        specFolder: GENERATED_SPEC_FOLDER,
        excluded: commands.template.excludePartialMatch,
      },
    }),
  ];
  if (ctx.watcher) {
    steps.push(
      systemd
        ? step("watcher-start", sh(SYSTEMD_WATCHER_START_SCRIPT, "atvm-watcher-start", watcherUnit), {
            env: watcherEnv,
          })
        : step(
            "watcher-start",
            sh(
              PROCESS_START_SCRIPT,
              "atvm-watcher-start",
              watcherPid,
              `${ctx.stateRoot}/.pids/${build}.watcher.log`,
              `${ctx.stateRoot}/atvm-run-watcher.env`,
              "",
              "1",
              "watcher",
              "env",
              ...Object.entries(watcherEnv).map(([k, v]) => `${k}=${v}`),
              ...ctx.atvmCommand,
              "watch",
              "--build",
              build,
              "--root",
              ctx.root,
              "--state-dir",
              ctx.stateRoot,
            ),
          ),
    );
  }
  steps.push(
    systemd
      ? step(
          "runner-start",
          sh(SYSTEMD_RUNNER_START_SCRIPT, "atvm-runner-start", runnerUnit, ctx.watcher ? watcherUnit : ""),
          {
            env: {
              ATVM_RUNNER_COMMAND: renderShellCommand(runner),
              ATVM_RUNNER_WORKDIR: ctx.root,
              ATVM_RUNNER_LOG: runnerLog,
            },
          },
        )
      : step(
          "runner-start",
          sh(
            PROCESS_START_SCRIPT,
            "atvm-runner-start",
            runnerPid,
            runnerLog,
            "",
            ctx.watcher ? watcherPid : "",
            "0",
            "runner",
            ...runner,
          ),
        ),
  );
  return steps;
}
