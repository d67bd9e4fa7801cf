/**
 * The `atvm` command. `main(argv, io)` parses `argv` (without `node` and the script), runs the
 * command and resolves the exit code: 0 success (a status was produced, whatever the run state),
 * 1 an unexpected failure, 2 bad usage or configuration (one line naming the
 * value and the fix): an `AtvmError`'s exit status comes from its code's exit class
 * (`@atvm-watch/errors`). bin/atvm.js sets `process.exitCode` from it.
 */

import { commandExitStatus, isAtvmError } from "@atvm-watch/engine";
import { createMattermostNotifier } from "@atvm-watch/mattermost";
import { createLocalRunner, createProcProbe, createSystemClock } from "@atvm-watch/node-fs";
import { renderMarkdown } from "@atvm-watch/status";
import { DEFAULT_CATALOG, digestRun, type RunSummary, summarizeRun } from "@atvm-watch/triage";
import { watchPolicy } from "@atvm-watch/watcher";
import { Command, CommanderError } from "commander";
import manifest from "../package.json" with { type: "json" };
import { type ApproveCommandOptions, runApprove } from "./approve-command.ts";
import { type CancelCommandOptions, runCancel } from "./cancel-command.ts";
import type { CliIo } from "./io.ts";
import { createNodeDisk } from "./node-disk.ts";
import { type PlanCommandOptions, runPlan } from "./plan-command.ts";
import { type ReplayCommandOptions, runReplay } from "./replay-command.ts";
import { type RunsCommandOptions, runRuns } from "./runs-command.ts";
import { prepareRun, runStatus, type StatusCommandOptions } from "./status-command.ts";
import {
  type DiffCommandOptions,
  loadBaseline,
  postTriageOf,
  runDiff,
  runSummary,
  runTriage,
  type SummaryCommandOptions,
  type TriageCommandOptions,
} from "./triage-command.ts";
import { runWatch, type WatchCommandOptions, type WatchWiring } from "./watch-command.ts";

export type { CliIo, DiskPort, TextOut } from "./io.ts";

const STATUS_HELP_AFTER = `
The run is located live first (R21): a running "run-sorry-cypress.py ... --build_name NAME"
process on this machine. With none alive, the most recent run recorded in the shell history
(R19); with no history either, the run the folder's artifacts describe, named after the newest
runner log (/tmp/<build>.log). A categorized run is shown whole, all batches together.

--build NAME must be named by a live runner, the shell history, its runner log or watcher
state; otherwise atvm exits 2 with 'build "NAME" not found in shell history, runner logs or
watcher state; recent builds: ...'. A run that is not the latest is shown inside its own
window, from its start to the next run's start: a newer run's results never appear under an
older build's name.

Scope (R10): the hosts of the run are its host-named spec files anywhere under cypress/e2e/
(e.g. cypress/e2e/atvm/<host>.ts, cypress/e2e/generated/<host>.cy.ts), so no config or
specPattern is needed; a host with no evidence yet is NOT STARTED, one with a partial
json-stream event log RUNNING with its last reported step. A host whose spec ran no tests
at all reads "FAIL - no tests ran" (JSON failure.class "no-tests"), never PASS (W7).

Configuration: <root>/atvm.config.json is loaded when present (see docs/config.md);
--config FILE replaces it. Only a regular file of at most 1 MiB is read. Times use --tz, else
the config's timeZone, else TZ (empty TZ: UTC, with a note), else the system zone.
Exit codes: 0 a status was printed (any run state), 1 an unexpected failure or an unwritable
stdout (one line, no stack trace), 2 bad option or config, or a build not found, 3 a controller
could not be reached (unreachable, host key unknown or changed, authentication failed).

Remote controllers (docs/fleet.md): --controller [user@]host[:/root] reads the run over ssh with
your OpenSSH client (~/.ssh/config, agent, known_hosts; BatchMode, host keys checked), one ssh
round trip per poll; the controller needs python3. Two or more --controller (or "controllers" in
--config, without --root) print the fleet view: a FLEET summary line, then one section per
controller; --format json gives atvm.fleet.v1.

Examples (from a clone, run as npx atvm):
  npx atvm status --root /root/cdc-e2e-cyp-12.17.4
  npx atvm status --root /root/cdc-e2e-cyp-12.17.4 --build e2e-redhat9.7-pure-fc
  npx atvm status --root examples/flat-run --build e2e-redhat9.7-0326
  npx atvm status --root examples/flat-run --format json --tz Europe/Berlin
  npx atvm status --root . --format markdown --config ./atvm.config.json
  npx atvm status --root examples/flat-run --format ctrf > ctrf-report.json
  npx atvm status --controller root@controller-12:/root/cdc-e2e-cyp-12.17.4
  npx atvm status --controller ctl-12:/root/cdc --controller ctl-13:/root/cdc --format json
`;

const TRIAGE_HELP_AFTER = `
For every FAIL host: its root-cause class, first failing step, first failing message, the
evidence, and the matched signature (id, hint, replay policy: may a rerun help?). Then the
run-wide incidents: several hosts failing the same way close together (likely infrastructure).
Signatures: the built-in catalog, or --signatures FILE (atvm.signatures.v1 JSON, a regular file
of at most 1 MiB; see docs/triage.md) which replaces it.
Exit codes: 0 a triage was printed (also when nothing failed), 1 an unexpected failure,
2 bad option, config or signatures file (one line saying which value and field), build not found.

Examples:
  npx atvm triage --root /root/cdc-e2e-cyp-12.17.4
  npx atvm triage --root examples/flat-run --format json
  npx atvm triage --root . --build e2e-redhat9.7-0327 --signatures ./signatures.json
`;

const DIFF_HELP_AFTER = `
Compares the current run (or --build) with a baseline: newly failing hosts first (regressions),
then still failing (known), fixed, and newly skipped or not run. The verdict is one of the
atvm.diff.v1 verdicts (e.g. regression, known_failures_only).
--baseline is a path to an atvm.summary.v1 file (made with atvm summary) when such a file exists,
else a build name in the same root, reconstructed inside its own run window.
Exit codes: 0 a diff was printed (whatever the verdict), 1 an unexpected failure,
2 bad option, an invalid baseline file (naming the file and field), or a build not found.

Examples:
  npx atvm diff --root /root/cdc-e2e-cyp-12.17.4 --baseline e2e-redhat9.7-0326
  npx atvm summary --root /root/cdc-e2e-cyp-12.17.4 > base.json
  npx atvm diff --root /root/cdc-e2e-cyp-12.17.4 --baseline ./base.json --format markdown
`;

const SUMMARY_HELP_AFTER = `
Prints the run's atvm.summary.v1 JSON (every host's status; for FAIL hosts step, class, signature
and message), to save as a baseline for atvm diff --baseline FILE.
Exit codes: 0 printed, 1 an unexpected failure, 2 bad option or config, or a build not found.

Example:
  npx atvm summary --root /root/cdc-e2e-cyp-12.17.4 > base.json
`;

const WATCH_HELP_AFTER = `
Environment: MATTERMOST_ATVM_WEBHOOK (required), MATTERMOST_ATVM_CHANNEL, ATVM_WATCHER_CATEGORIZED
(default: what the run's own artifacts say), ATVM_STATE_DIR, ATVM_BASELINE (an atvm.summary.v1
file or a build name: the post then carries the diff verdict against it). State lives in <state-dir>/<build>/.
Delivery: the post's text is frozen in a durable intent before the request; a crash or timeout
between the request and Mattermost's "ok" can give at most one duplicate, carrying the same
notification id in its footer (docs/watcher.md).
Exit codes: 0 the run ended (posted or suppressed), 75 another watcher holds the build's lock,
78 bad configuration (webhook, build name, state dir, or Mattermost refused the post
permanently: HTTP 400/401/403/404/413/501), each with one line saying why.

Example:
  MATTERMOST_ATVM_WEBHOOK=https://chat.example.com/hooks/KEY npx atvm watch --build e2e-redhat9.7-0327 --root /root/cdc-e2e-cyp-12.17.4
`;

const PLAN_HELP_AFTER = `
Builds the launch of a run and executes NOTHING (R22), here or on the controller: it prints
every command exactly as it will run and a plan id, and saves the plan (atvm.plan.v1 JSON) in
$XDG_STATE_HOME/atvm-watch/plans/<id>.json (default ~/.local/state/atvm-watch/plans/, mode 0600).
Run it with atvm approve <id> within 1 hour; any change of option, blacklist or atvm-watch
version makes another plan that needs its own approval.

Defaults (each unless you say otherwise): --config_file cypress.atvm-config-gold.ts (R14),
--use_specified_plugin iscsi and --ignore_force_shutdown (R20; --no-ignore-force-shutdown drops it).
Broad selectors (--containsVm, --randomize, or none) get every blacklisted host in
--exclude_partial_match (R2); an explicit --specify_vms list gets none, and naming a blacklisted
host exits 2 with the host and its reason (R37). The blacklist is the built-in one, or the
"blacklist" of --config FILE (an atvm config, docs/config.md).

Steps of the launch: config-check (R18), watcher-stop and watcher-state-reset (W3), template
(output to /tmp/<build>.launch.log, W2), verify (R23), watcher-start (R26, R34), runner-start.
--launcher: systemd (atvm-run-watcher@ / atvm-runner@ units) or process (detached processes with
pid files under the state folder: the fallback without systemd); auto picks systemd for a remote
controller or when this machine runs systemd.
Exit codes: 0 plan printed and saved, 2 bad option, bad name, blacklisted host, bad config.

Examples:
  npx atvm plan --template_name cmc-e2e --containsVm redhat9.7 --integration_type pure --build_name e2e-redhat9.7-0401
  npx atvm plan --template_name cmc-e2e --specify_vms atvm9-redhat9.7,atvm19-redhat9.7 --use_specified_plugin fc --build_name e2e-rh97-fc
  npx atvm plan --controller root@192.168.3.190 --root /root/cdc-e2e-cyp-12.17.4 --template_name cmc-e2e --containsVm redhat9 --build_name e2e-redhat9-0401 --format json
`;

const APPROVE_HELP_AFTER = `
Approving means launching WITH the watcher (R34); --without-watcher skips only the watcher start.
The saved plan is checked again first and refused, saying what changed, when it is stale (the
blacklist or the atvm-watch version changed, Terraform-style), expired (1 hour), edited, unknown,
or already approved (a plan runs once). Who approved and when is written into the plan file.
Then the steps run in order on the plan's controller (this machine, or over ssh with your
~/.ssh/config, BatchMode, known_hosts checked; see docs/remote.md), stopping at the first
failure with its output: a missing config file stops it by name (R18), a failing template stops
it (W2), a verification mismatch stops it before the runner (R23), and the runner starts only
after the watcher is confirmed running (R26).
Exit codes: 0 launched, 1 a step failed (nothing after it ran), 2 plan refused or bad option.

Example:
  npx atvm approve 3f9c2a71be0d   (the id or its first 8+ digits, as atvm plan printed it)
`;

const REPLAY_HELP_AFTER = `
Re-runs hosts of a finished run (T3) as a new plan: --specify_vms with exactly the chosen hosts
(failed: the FAIL hosts, the default; all-not-passed: every in-scope host not PASS; or a list),
under a fresh build name <build>-replay<N> (a build id is never reused), with the original
template, config file, integration, plugin and flags recovered from the run's recorded command
(shell history or runner log). Blacklisted hosts (R37) and hosts whose failure signature says
do-not-replay (atvm triage) are left out, each with the reason. Nothing runs: approve the printed
id with atvm approve.
Exit codes: 0 plan printed and saved, 2 nothing to replay, no recorded command, bad option.

Examples:
  npx atvm replay --root examples/flat-run --build e2e-redhat9.7-0327
  npx atvm replay --root /root/cdc-e2e-cyp-12.17.4 --hosts all-not-passed --format json
`;

/**
 * The real wiring of \`atvm watch\`: the one run observer (the same as \`atvm status\`), the Mattermost
 * notifier, markdown rendering, and `systemctl stop atvm-runner@<build>.service` for R1; the policy
 * is `watchPolicy` (@atvm-watch/watcher): at-least-once for an unknown outcome, ~24 h of retries.
 */
function watchWiring(io: CliIo): WatchWiring {
  let zone = "UTC";
  let hangWindowMs: number | undefined;
  // ATVM_BASELINE (an atvm.summary.v1 file or a build name in the same root): loaded once; when it
  // cannot be loaded the post goes out without a verdict and stderr says why (never a crash).
  let baseline: RunSummary | null = null;
  let baselineLoaded = false;
  return {
    observer: ({ build, root, config }) => {
      let prepared: ReturnType<typeof prepareRun> | null = null;
      return async () => {
        const where = {
          ...(root !== undefined ? { root } : {}),
          ...(config !== undefined ? { config } : {}),
        };
        prepared ??= prepareRun({ build, ...where }, io);
        const run = await prepared;
        zone = run.zone;
        hangWindowMs = run.config.hangWindowMs;
        const wanted = io.env.ATVM_BASELINE;
        if (!baselineLoaded && wanted !== undefined && wanted !== "") {
          baselineLoaded = true;
          try {
            baseline = await loadBaseline(wanted, where, io, "ATVM_BASELINE");
          } catch (error) {
            io.stderr.write(`atvm watch: ATVM_BASELINE not used: ${oneLine(error)}\n`);
          }
        }
        const { snapshot } = await run.observer.observe();
        return { snapshot };
      };
    },
    notifier: (webhook, channel) =>
      createMattermostNotifier({
        webhookUrl: webhook,
        ...(channel !== undefined && channel !== "" ? { channel } : {}),
      }),
    render: (snapshot) =>
      renderMarkdown(snapshot, { zone, color: false, triage: postTriageOf(snapshot, zone, baseline) }),
    summarize: (snapshot) =>
      `${JSON.stringify(summarizeRun(snapshot, digestRun(snapshot, DEFAULT_CATALOG)), null, 2)}\n`,
    terminateRunner: async (build) => {
      const r = await createLocalRunner().run(["systemctl", "stop", "--", `atvm-runner@${build}.service`], {
        timeoutMs: 60_000,
      });
      return { ok: r.exitCode === 0, detail: r.stderr.slice(0, 200) };
    },
    // Read after the first observation, which loads the config (its hangWindowMs, D9).
    policy: () => watchPolicy({ hangWindowMs }),
  };
}

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
    .requiredOption("--baseline <build|file>", "baseline build name, or an atvm.summary.v1 file")
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
