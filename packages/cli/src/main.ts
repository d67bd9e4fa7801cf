/**
 * The `atvm` command. `main(argv, io)` parses `argv` (without `node` and the script), runs the
 * command and resolves the exit code: 0 success (a status was produced, whatever the run state),
 * 1 an unexpected failure, 2 bad usage or configuration (one line naming the
 * value and the fix): an `AtvmError`'s exit status comes from its code's exit class
 * (`@atvm-watch/errors`). bin/atvm.js sets `process.exitCode` from it.
 */

import { commandExitStatus, isAtvmError } from "@atvm-watch/engine";
import { createLocalRunner, createProcProbe, createSystemClock } from "@atvm-watch/node-fs";
import { Command, CommanderError } from "commander";
import manifest from "../package.json" with { type: "json" };
import { type ApproveCommandOptions, runApprove } from "./approve-command.ts";
import { type CancelCommandOptions, runCancel } from "./cancel-command.ts";
import {
  APPROVE_HELP_AFTER,
  DIFF_HELP_AFTER,
  PLAN_HELP_AFTER,
  REPLAY_HELP_AFTER,
  STATUS_HELP_AFTER,
  SUMMARY_HELP_AFTER,
  TRIAGE_HELP_AFTER,
  WATCH_HELP_AFTER,
} from "./help-text.ts";
import type { CliIo } from "./io.ts";
import { createNodeDisk } from "./node-disk.ts";
import { type PlanCommandOptions, runPlan } from "./plan-command.ts";
import { type ReplayCommandOptions, runReplay } from "./replay-command.ts";
import { type RunsCommandOptions, runRuns } from "./runs-command.ts";
import { runStatus, type StatusCommandOptions } from "./status-command.ts";
import {
  type DiffCommandOptions,
  runDiff,
  runSummary,
  runTriage,
  type SummaryCommandOptions,
  type TriageCommandOptions,
} from "./triage-command.ts";
import { runWatch, type WatchCommandOptions } from "./watch-command.ts";
import { watchWiring } from "./watch-wiring.ts";

export type { CliIo, DiskPort, TextOut } from "./io.ts";

/** An error as one line: its message's first line (an errno code leads it), never the stack. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

function defaults(io: Partial<CliIo>): CliIo {
  return {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    probe: io.probe ?? createProcProbe(),
    clock: io.clock ?? createSystemClock(),
    disk: io.disk ?? createNodeDisk(),
    cwd: io.cwd ?? process.cwd(),
  };
}

/** Runs the `atvm` command line `argv` (e.g. `["status", "--root", "/root/cdc"]`) and resolves its exit code. */
export async function main(argv: readonly string[], partialIo: Partial<CliIo> = {}): Promise<number> {
  const io = defaults(partialIo);
  let code = 0;
  const program = new Command("atvm")
    .description("Status of long Cypress end-to-end automation runs over a fleet of test VMs.")
    .version(manifest.version, "-V, --version", "print the atvm-watch version")
    .showHelpAfterError("(run atvm --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .addHelpText("after", "\nExample:\n  npx atvm status --root /root/cdc-e2e-cyp-12.17.4\n");

  program
    .command("status")
    .description("Print the status of the live run, else the most recent one, in the fixed layout.")
    .option("--root <dir>", "automation root folder on the controller (default: the current folder)")
    .option(
      "--build <name>",
      "show this build instead of the live or most recent run (--build_name of run-sorry-cypress.py)",
    )
    .option("--config <file>", "config file (JSON); default <root>/atvm.config.json when present")
    .option(
      "--format <format>",
      "output format: text, markdown (Mattermost), json (atvm.status.v1) or ctrf (Common Test Report Format JSON)",
      "text",
    )
    .option(
      "--tz <zone>",
      "IANA time zone for times, e.g. UTC or Europe/Berlin (default: config timeZone, else the system zone)",
    )
    .option(
      "--controller <[user@]host[:/root]>",
      "read the run from this controller over ssh; repeat for the fleet view",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      "--ssh-config <file>",
      "ssh_config(5) file for the OpenSSH client (ssh -F); default ~/.ssh/config",
    )
    .option("--no-cache", "neither read nor write the parse cache (~/.cache/atvm-watch/, see below)")
    .option("--verbose", "print one stderr line on what the parse cache did")
    .addHelpText("after", STATUS_HELP_AFTER)
    .action(async (options: StatusCommandOptions) => {
      code = await runStatus({ ...options, version: manifest.version }, io);
    });

  const rootOption = "automation root folder on the controller (default: the current folder)";
  const configOption = "config file (JSON); default <root>/atvm.config.json when present";
  program
    .command("triage")
    .description("Digest every failed host (class, step, message, signature, replay) and run-wide incidents.")
    .option("--root <dir>", rootOption)
    .option("--build <name>", "triage this build instead of the live or most recent run")
    .option("--config <file>", configOption)
    .option("--signatures <file>", "signature catalog (atvm.signatures.v1 JSON) replacing the built-in one")
    .option("--format <format>", "text or json (atvm.triage.v1)", "text")
    .option("--tz <zone>", "IANA time zone for times, e.g. UTC or Europe/Berlin")
    .addHelpText("after", TRIAGE_HELP_AFTER)
    .action(async (options: TriageCommandOptions) => {
      code = await runTriage(options, io);
    });

  program
    .command("diff")
    .description("Compare the current run with a baseline build or atvm.summary.v1 file.")
    .option(
      "--baseline <build|file>",
      'baseline build name, or an atvm.summary.v1 file (default: $ATVM_BASELINE, else the config\'s "baseline")',
    )
    .option("--root <dir>", rootOption)
    .option("--build <name>", "compare this build instead of the live or most recent run")
    .option("--config <file>", configOption)
    .option("--format <format>", "text, markdown or json (atvm.diff.v1)", "text")
    .addHelpText("after", DIFF_HELP_AFTER)
    .action(async (options: DiffCommandOptions) => {
      code = await runDiff(options, io);
    });

  program
    .command("summary")
    .description("Print the run's atvm.summary.v1 JSON (a baseline for atvm diff).")
    .option("--root <dir>", rootOption)
    .option("--build <name>", "summarize this build instead of the live or most recent run")
    .option("--config <file>", configOption)
    .addHelpText("after", SUMMARY_HELP_AFTER)
    .action(async (options: SummaryCommandOptions) => {
      code = await runSummary(options, io);
    });

  program
    .command("watch")
    .description(
      "Watch one build until it ends: post its Mattermost message once when it finishes (one per batch when categorized), none when it is cancelled, killed, hung or unclear.",
    )
    .requiredOption("--build <name>", "the build to watch (--build_name of run-sorry-cypress.py)")
    .option(
      "--root <dir>",
      "automation root folder on the controller (default: $ATVM_WATCHER_ROOT, else the current folder)",
    )
    .option(
      "--state-dir <dir>",
      "watcher state folder (default: $ATVM_STATE_DIR or /var/lib/atvm-run-watcher)",
    )
    .option("--interval <seconds>", "seconds between polls (1..3600)", "30")
    .option("--config <file>", "config file (JSON); default <root>/atvm.config.json when present")
    .option(
      "--signatures <file>",
      'signature catalog (atvm.signatures.v1 JSON) for the FAIL lines, as atvm triage (default: the config\'s "signatures", else built-in)',
    )
    .option(
      "--baseline <build|file>",
      "baseline for the post's Baseline: line (default: $ATVM_BASELINE, else the config's \"baseline\")",
    )
    .addHelpText("after", WATCH_HELP_AFTER)
    .action(async (options: WatchCommandOptions) => {
      code = await runWatch(options, io, watchWiring(io));
    });

  program
    .command("cancel")
    .description("Cancel a watched build: it is closed CANCELLED and never posted (D4/W4).")
    .requiredOption("--build <name>", "the build to cancel")
    .option(
      "--state-dir <dir>",
      "watcher state folder (default: $ATVM_STATE_DIR or /var/lib/atvm-run-watcher)",
    )
    .action(async (options: CancelCommandOptions) => {
      code = await runCancel(options, io, { runner: createLocalRunner() });
    });

  const launcherOption =
    "how the watcher and runner start: auto (default), systemd (units) or process (detached processes, pid files)";
  program
    .command("plan")
    .description(
      "Show the exact commands of a run launch and save them as a plan to approve; executes nothing (R22).",
    )
    .option(
      "--controller <[user@]host>",
      "run on this ssh controller (default: this machine); see docs/remote.md",
    )
    .option(
      "--root <dir>",
      "automation root on the controller (default: the current folder; remote: /root/cdc-e2e-cyp-12.17.4)",
    )
    .option("--template_name <name>", "cmc-templates.py template, e.g. cmc-e2e (required)")
    .option("--containsVm <pattern>", "every host whose name contains this (broad: gets the blacklist)")
    .option(
      "--specify_vms <hosts>",
      "explicit comma-separated host list (no automatic excludes; blacklisted hosts refused)",
    )
    .option("--randomize <n>", "n hosts drawn by cmc-templates.py (broad: gets the blacklist)")
    .option("--integration_type <type>", "e.g. pure")
    .option("--use_specified_plugin <plugin>", "plugin (default iscsi), e.g. fc or both")
    .option("--config_file <file>", "Cypress config in the root (default cypress.atvm-config-gold.ts)")
    .option("--exclude_partial_match <patterns...>", "more patterns to exclude, after the blacklist's")
    .option("--categorize", "run-sorry-cypress.py --categorize: sequential batches by distro")
    .option("--build_name <name>", "the run's build name, e.g. e2e-redhat9.7-0401 (required)")
    .option("--no-ignore-force-shutdown", "leave out --ignore_force_shutdown")
    .option("--launcher <launcher>", launcherOption, "auto")
    .option(
      "--state-dir <dir>",
      "watcher state folder on the controller (default /var/lib/atvm-run-watcher; process launcher here: ~/.local/state/atvm-watch/watcher)",
    )
    .option(
      "--atvm-bin <path>",
      "process launcher on a remote controller: its atvm.js (default /opt/atvm-watcher-service/packages/cli/bin/atvm.js)",
    )
    .option("--config <file>", "atvm config (JSON) whose blacklist replaces the built-in one")
    .option("--format <format>", "text or json (atvm.plan.v1)", "text")
    .addHelpText("after", PLAN_HELP_AFTER)
    .action(async (options: PlanCommandOptions) => {
      code = await runPlan(options, manifest.version, io);
    });

  program
    .command("approve")
    .description(
      "Approve a saved plan and launch it: the steps in order, stopping at the first failure (R34: with the watcher).",
    )
    .argument("<plan-id>", "the id atvm plan or atvm replay printed (or its first 8+ hex digits)")
    .option("--without-watcher", "launch without the watcher (R34: approve without watcher)")
    .option("--ssh-config <file>", "ssh_config(5) file for a remote controller (default ~/.ssh/config)")
    .addHelpText("after", APPROVE_HELP_AFTER)
    .action(async (id: string, options: ApproveCommandOptions) => {
      code = await runApprove(id, options, manifest.version, io);
    });

  program
    .command("replay")
    .description(
      "Plan a rerun of exactly the failed (or chosen) hosts of a run under a fresh build name (T3).",
    )
    .option("--root <dir>", "automation root folder (default: the current folder)")
    .option("--build <name>", "the run to replay (default: the live or most recent run)")
    .option("--hosts <which>", "failed (default), all-not-passed, or HOST,HOST,…", "failed")
    .option("--config <file>", "config file (JSON); default <root>/atvm.config.json when present")
    .option("--launcher <launcher>", launcherOption, "auto")
    .option("--state-dir <dir>", "watcher state folder (as for atvm plan)")
    .option("--format <format>", "text or json", "text")
    .addHelpText("after", REPLAY_HELP_AFTER)
    .action(async (options: ReplayCommandOptions) => {
      code = await runReplay(options, manifest.version, io);
    });

  program
    .command("runs")
    .description(
      "List watched builds: state of each run and batch, posted or not (and why), posts awaiting review.",
    )
    .option(
      "--state-dir <dir>",
      "watcher state folder (default: $ATVM_STATE_DIR or /var/lib/atvm-run-watcher)",
    )
    .option("--format <format>", "text or json", "text")
    .action(async (options: RunsCommandOptions) => {
      code = await runRuns(options, io);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      return 2; // commander already printed the problem
    }
    if (isAtvmError(error)) {
      io.stderr.write(`atvm: ${error.message}\n`);
      return commandExitStatus(error); // 2 when the code's exit class is operator input (usage, config, noinput)
    }
    io.stderr.write(`atvm: unexpected error: ${oneLine(error)}\n`); // never a stack trace
    return 1;
  }
}
