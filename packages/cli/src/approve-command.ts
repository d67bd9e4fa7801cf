/**
 * `atvm approve PLAN_ID [--without-watcher]`: re-checks a saved plan (Terraform-style stale-plan
 * refusal: the blacklist, the tool version, the controller, the expiry, the digest), records who
 * approved it and when in the plan file (R34), then launches it: the plan's steps, in order,
 * through the local or the ssh `CommandRunner` (launch.ts), stopping at the first failure.
 */
import { userInfo } from "node:os";
import { blacklistDigest, checkPlanFresh, type Plan, type PlanChange } from "@atvm-watch/commands";
import { AtvmError, type CommandRunner, DEFAULT_BLACKLIST } from "@atvm-watch/engine";
import { createLocalRunner } from "@atvm-watch/node-fs";
import { createSshConnection, createSshRunner } from "@atvm-watch/ssh";
import type { CliIo } from "./io.ts";
import { executePlan, type LaunchReport } from "./launch.ts";
import { planBlacklist } from "./plan-command.ts";
import { loadPlan, savePlan } from "./plan-store.ts";

/** Options of `atvm approve`. */
export interface ApproveCommandOptions {
  /** `--without-watcher` (R34: approve without watcher). */
  readonly withoutWatcher?: boolean;
  /** An ssh_config(5) file for a remote controller (`ssh -F`); default the user's ~/.ssh/config. */
  readonly sshConfig?: string;
}

/** What approve needs from outside: the runner for a plan (tests inject one). */
export interface ApproveWiring {
  readonly runnerFor?: (
    plan: Plan,
    options: ApproveCommandOptions,
  ) => { runner: CommandRunner; close(): Promise<void> };
}

function defaultRunner(
  plan: Plan,
  options: ApproveCommandOptions,
): { runner: CommandRunner; close(): Promise<void> } {
  if (plan.controller === null) return { runner: createLocalRunner(), close: async () => {} };
  const connection = createSshConnection({
    destination: plan.controller,
    ...(options.sshConfig !== undefined ? { configFile: options.sshConfig } : {}),
  });
  return { runner: createSshRunner(connection), close: () => connection.close() };
}

/** One line per change, e.g. `the blacklist changed (planned sha256 1a2b…, now 3c4d…)`. */
export function describeChange(change: PlanChange): string {
  const short = (v: string) => (/^[0-9a-f]{64}$/.test(v) ? `${v.slice(0, 12)}…` : v);
  switch (change.kind) {
    case "blacklistDigest":
      return `the blacklist changed (planned ${short(change.planned)}, now ${short(change.current)})`;
    case "toolVersion":
      return `atvm-watch changed from ${change.planned} to ${change.current}`;
    case "controller":
      return `the controller changed from ${change.planned} to ${change.current}`;
    case "expired":
      return `it expired at ${change.expiresAt} (now ${change.now})`;
    case "not-yet-created":
      return `it was created at ${change.createdAt}, after now (${change.now}): the clock moved back`;
    case "digest":
      return "its steps were edited after planning (digest mismatch)";
    case "id":
      return "its id no longer matches its content (edited)";
  }
}

/** The approving user: `$USER`, else `$LOGNAME`, else the OS account name. */
function approver(env: Readonly<Record<string, string | undefined>>): string {
  const name = env.USER ?? env.LOGNAME;
  if (name !== undefined && name !== "") return name;
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? "unknown"}`;
  }
}

/**
 * Runs `atvm approve`. Resolves 0 when every step ran (launch summary and the next command
 * printed), 1 when a step failed (its name, why, and its output on stderr). Throws `AtvmError`
 * (`main` exits 2): `PLAN_NOT_FOUND`, `PLAN_INVALID`, `PLAN_STALE` (what changed, one line each),
 * `PLAN_USED` (already approved: plans run once), `USAGE`.
 */
export async function runApprove(
  id: string,
  options: ApproveCommandOptions,
  version: string,
  io: CliIo,
  wiring: ApproveWiring = {},
): Promise<number> {
  const { plan, path } = loadPlan(id, io.env);
  if (plan.approval !== undefined) {
    const outcome = plan.approval.outcome?.status ?? "started";
    throw new AtvmError(
      "PLAN_USED",
      `plan ${plan.id} was already approved by ${plan.approval.by} at ${plan.approval.at} (${outcome}); a plan runs once: run atvm plan again for a new launch`,
    );
  }
  let currentBlacklist = DEFAULT_BLACKLIST;
  if (plan.blacklistSource !== null) {
    const { blacklist } = await planBlacklist(plan.blacklistSource, io);
    currentBlacklist = blacklist ?? DEFAULT_BLACKLIST;
  }
  const now = io.clock.now();
  const freshness = checkPlanFresh(
    plan,
    {
      blacklistDigest: blacklistDigest(currentBlacklist),
      toolVersion: version,
      controller: `${plan.controller ?? "local"}:${plan.root}`,
    },
    now,
  );
  if (!freshness.fresh) {
    throw new AtvmError(
      "PLAN_STALE",
      `saved plan ${plan.id} is stale and was not run: ${freshness.changes.map(describeChange).join("; ")}; run atvm plan again and approve the new id`,
    );
  }
  const withWatcher = options.withoutWatcher !== true;
  const approval = { by: approver(io.env), at: new Date(now).toISOString(), withWatcher };
  savePlan({ ...plan, approval }, io.env);
  io.stdout.write(
    `Approved plan ${plan.id} for build ${plan.build} by ${approval.by} at ${approval.at} (${withWatcher ? "with" : "WITHOUT"} the watcher, R34); recorded in ${path}\n`,
  );

  const { runner, close } = (wiring.runnerFor ?? defaultRunner)(plan, options);
  let report: LaunchReport;
  try {
    report = await executePlan(plan, {
      runner,
      withWatcher,
      monotonicMs: () => io.clock.monotonicMs(),
      onStep: ({ step, report: r }) => {
        const n = plan.steps.findIndex((s) => s.name === step.name) + 1;
        if (r === undefined) io.stdout.write(`[${n}/${plan.steps.length}] ${step.name} …\n`);
        else
          io.stdout.write(
            `[${n}/${plan.steps.length}] ${step.name}: ${r.status === "ok" ? "ok" : r.status.toUpperCase()} - ${r.detail}\n`,
          );
      },
    });
  } finally {
    await close();
  }
  savePlan(
    {
      ...plan,
      approval: {
        ...approval,
        outcome: {
          status: report.ok ? "launched" : "failed",
          failedStep: report.failed,
          finishedAt: new Date(io.clock.now()).toISOString(),
        },
      },
    },
    io.env,
  );
  const controllerFlag = plan.controller === null ? "" : ` --controller ${plan.controller}`;
  if (!report.ok) {
    const failed = report.steps[report.steps.length - 1];
    io.stderr.write(
      `atvm approve: launch of ${plan.build} stopped at ${report.failed}: ${failed?.detail ?? ""}\n`,
    );
    if (failed !== undefined && failed.output !== "")
      io.stderr.write(`--- output of ${failed.name} ---\n${failed.output}\n`);
    io.stderr.write("Nothing after that step was run.\n");
    return 1;
  }
  const watcherLine =
    plan.launcher === "systemd"
      ? `atvm-run-watcher@${plan.build}.service`
      : `detached process (pid file under the state folder's .pids/)`;
  io.stdout.write(
    [
      "",
      `LAUNCHED ${plan.build}`,
      `Hosts (${report.hosts.length}): ${report.hosts.join(", ")}`,
      `Watcher: ${withWatcher ? watcherLine : "not started (--without-watcher)"}`,
      `Runner: ${plan.launcher === "systemd" ? `atvm-runner@${plan.build}.service` : "detached process"}, log /tmp/${plan.build}.log`,
      `Template output: /tmp/${plan.build}.launch.log`,
      "Next, the status:",
      `  npx atvm status --build ${plan.build} --root ${plan.root}${controllerFlag}`,
      "",
    ].join("\n"),
  );
  return 0;
}
