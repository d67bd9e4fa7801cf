/**
 * The launch executor: runs an approved plan's steps, in order, through the `CommandRunner` port
 * (the local runner, or the ssh runner for a remote controller), stopping at the first failure
 * with its output (R18, R22, R23, R26, W2, W3). The step model and every script it runs are the
 * pure `@atvm-watch/commands` package's; this module only sequences I/O.
 *
 * Per step:
 * - `env` not empty (systemd launcher): the union of the env of the steps still to run is first
 *   written to the units' EnvironmentFile `/run/atvm-run-watcher/<build>.env` (W8);
 * - `stdout` set (the template, W2): the command's output goes to that file; its tail is shown;
 * - `verify` (R23): the config printed by the step and `ls -1A` of the spec folder are parsed and
 *   checked by `verifyGenerated`;
 * - `watcher-start` is skipped when approved `--without-watcher` (R34).
 */
import {
  outputToFileArgv,
  type Plan,
  type PlanStep,
  type StepName,
  stepsToRun,
  unitEnvFile,
  verifyGenerated,
  writeEnvFileArgv,
} from "@atvm-watch/commands";
import type { CommandResult, CommandRunner } from "@atvm-watch/engine";

/** Longest a template step may take (ms): 60 min; other steps 2 min. */
export const TEMPLATE_TIMEOUT_MS: number = 60 * 60_000;
const STEP_TIMEOUT_MS = 2 * 60_000;
/** Most characters of a failing step's output shown. */
const OUTPUT_TAIL_CHARS = 4000;

/** What happened to one step. */
export interface StepReport {
  readonly name: StepName;
  readonly status: "ok" | "failed" | "skipped";
  /** One line for the summary, e.g. `exit 0` or `atvm9-redhat9.7: no generated spec …`. */
  readonly detail: string;
  /** The tail of the step's output (stdout then stderr), for a failure. */
  readonly output: string;
  readonly ms: number;
}

/** The result of {@link executePlan}. */
export interface LaunchReport {
  readonly ok: boolean;
  readonly steps: readonly StepReport[];
  /** The failed step, `null` when all ran. */
  readonly failed: StepName | null;
  /** The hosts the verification found (R23). */
  readonly hosts: readonly string[];
}

/** Options of {@link executePlan}. */
export interface ExecuteOptions {
  readonly runner: CommandRunner;
  /** R34: `false` skips `watcher-start`. */
  readonly withWatcher: boolean;
  /** Called as each step starts and ends (progress lines). */
  readonly onStep?: (event: { readonly step: PlanStep; readonly report?: StepReport }) => void;
  /** Monotonic ms, for step durations. */
  readonly monotonicMs: () => number;
}

/**
 * Runs `plan`'s steps in order and resolves a report; never rejects for a failing step (a runner
 * that cannot start a program, or an ssh failure, is a failed step with that message).
 */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<LaunchReport> {
  const reports: StepReport[] = [];
  let hosts: readonly string[] = [];
  let envWritten = false;
  const toRun = stepsToRun(plan.steps, options.withWatcher);
  for (const planned of plan.steps) {
    const step = toRun.find((s) => s.name === planned.name);
    if (step === undefined) {
      const report: StepReport = {
        name: planned.name,
        status: "skipped",
        detail: "skipped: approved --without-watcher (R34)",
        output: "",
        ms: 0,
      };
      reports.push(report);
      options.onStep?.({ step: planned, report });
      continue;
    }
    options.onStep?.({ step });
    const started = options.monotonicMs();
    let report: StepReport;
    try {
      if (!envWritten && Object.keys(step.env).length > 0) {
        envWritten = true;
        const env = Object.assign({}, ...toRun.slice(toRun.indexOf(step)).map((s) => s.env));
        const wrote = await run(options.runner, writeEnvFileArgv(unitEnvFile(plan.build), env), step.cwd);
        if (wrote.exitCode !== 0) {
          throw new StepFailure(`cannot write ${unitEnvFile(plan.build)} (exit ${wrote.exitCode})`, wrote);
        }
      }
      const result = await runStep(step, options.runner);
      hosts = result.hosts ?? hosts;
      report = {
        name: step.name,
        status: "ok",
        detail: result.detail,
        output: "",
        ms: options.monotonicMs() - started,
      };
    } catch (error) {
      const failure =
        error instanceof StepFailure
          ? error
          : new StepFailure(
              error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
              null,
            );
      report = {
        name: step.name,
        status: "failed",
        detail: failure.message,
        output: failure.result === null ? "" : tail(`${failure.result.stdout}${failure.result.stderr}`),
        ms: options.monotonicMs() - started,
      };
    }
    reports.push(report);
    options.onStep?.({ step, report });
    if (report.status === "failed") return { ok: false, steps: reports, failed: step.name, hosts };
  }
  return { ok: true, steps: reports, failed: null, hosts };
}

class StepFailure extends Error {
  readonly result: CommandResult | null;
  constructor(message: string, result: CommandResult | null) {
    super(message);
    this.result = result;
  }
}

async function run(runner: CommandRunner, argv: readonly string[], cwd: string, timeoutMs = STEP_TIMEOUT_MS) {
  return runner.run(argv, { cwd, timeoutMs });
}

async function runStep(
  step: PlanStep,
  runner: CommandRunner,
): Promise<{ detail: string; hosts?: readonly string[] }> {
  switch (step.name) {
    case "config-check": {
      const result = await run(runner, step.argv, step.cwd);
      const file = step.argv[step.argv.length - 1] ?? "";
      if (result.exitCode !== 0) {
        // R18: name the missing file; no search for another config, no substitute.
        throw new StepFailure(
          `config file ${file} is missing in ${step.cwd} on the controller (R18: nothing was searched or substituted); create it or plan again with --config_file`,
          result,
        );
      }
      return { detail: `${file} exists` };
    }
    case "template": {
      const argv = step.stdout === null ? step.argv : outputToFileArgv(step.stdout, step.argv);
      const result = await run(runner, argv, step.cwd, TEMPLATE_TIMEOUT_MS);
      if (result.exitCode !== 0) {
        throw new StepFailure(
          `the template command exited ${result.exitCode}; nothing else was started (W2); its output is in ${step.stdout ?? "the output below"}`,
          result,
        );
      }
      return { detail: `exit 0, output in ${step.stdout ?? "stdout"}` };
    }
    case "verify": {
      const expect = step.expect;
      const configFile = step.argv[step.argv.length - 1] ?? "";
      const config = await run(runner, step.argv, step.cwd);
      if (config.exitCode !== 0 || expect === null) {
        throw new StepFailure(
          `cannot read ${configFile} for the verification (exit ${config.exitCode})`,
          config,
        );
      }
      const listing = await run(runner, ["ls", "-1A", "--", expect.specFolder], step.cwd);
      const files = listing.exitCode === 0 ? listing.stdout.split("\n").filter((l) => l !== "") : [];
      const verdict = verifyGenerated(expect, config.stdout, configFile, files);
      if (!verdict.ok) {
        throw new StepFailure(
          `verification failed (R23), the runner was NOT started: ${verdict.problems.join("; ")}`,
          null,
        );
      }
      return {
        detail: `${verdict.hosts.length} host${verdict.hosts.length === 1 ? "" : "s"} in ${expect.specFolder} and specPattern`,
        hosts: verdict.hosts,
      };
    }
    default: {
      const result = await run(runner, step.argv, step.cwd);
      if (result.exitCode !== 0) throw new StepFailure(`${step.name} exited ${result.exitCode}`, result);
      const last = result.stdout.trim().split("\n").pop() ?? "";
      return { detail: last === "" ? "exit 0" : last };
    }
  }
}

function tail(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= OUTPUT_TAIL_CHARS ? trimmed : `…${trimmed.slice(-OUTPUT_TAIL_CHARS)}`;
}
