/**
 * The launch plan: the ordered steps of a run with each step's exact argv, bound to a digest and a
 * staleness witness, awaiting approval (R22, R23, R26, R34, W2, W3). Pure: the creation time comes
 * in as an argument.
 *
 * The approval model follows Terraform's saved plans (hashicorp/terraform
 * `internal/backend/local/backend_local.go`: "Saved plan is stale" when the state changed after
 * the plan was made): the plan carries a witness of what it was built against (the blacklist's
 * digest, the tool version, the controller), and {@link checkPlanFresh} refuses it when any of
 * them changed, when it expired, or when its steps no longer match its digest.
 */
import type { BlacklistEntry, EpochMs } from "@atvm-watch/engine";
import { AtvmError, DEFAULT_BLACKLIST } from "@atvm-watch/engine";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Launcher } from "./launch.ts";
import { checkName } from "./names.ts";
import { type RunRequest, resolveRequest, runnerArgv, templateArgv } from "./options.ts";
import { type PlanStep, planSteps, type StepName } from "./plan-steps.ts";
import { renderShellCommand } from "./shell-words.ts";

export { GENERATED_SPEC_FOLDER, type PlanStep, STEP_NAMES, type StepName } from "./plan-steps.ts";

/** The schema id of the plan JSON (docs/plan.schema.json). */
export const PLAN_SCHEMA_ID = "atvm.plan.v1";
/** Default time a plan stays approvable after its creation: 1 hour (ms). */
export const DEFAULT_PLAN_EXPIRY_MS: number = 60 * 60 * 1000;
/** Where the watcher keeps per-run state (W9): `<root>/<build>/`. */
export const WATCHER_STATE_ROOT = "/var/lib/atvm-run-watcher";
/**
 * The command that runs `atvm` on the controller for the process launcher's watcher (the
 * systemd unit has its own `ExecStart`): the W9 install path, run by `node` from PATH.
 */
export const DEFAULT_ATVM_COMMAND: readonly string[] = [
  "node",
  "/opt/atvm-watcher-service/packages/cli/bin/atvm.js",
];
/** What a plan was built against; a change in any field makes a saved plan stale. */
export interface PlanWitness {
  /** sha256 (hex) of the blacklist in use ({@link blacklistDigest}). */
  readonly blacklistDigest: string;
  /** The atvm-watch version that built the plan, e.g. `0.1.0`. */
  readonly toolVersion: string;
  /** The controller the plan is for, e.g. `root@192.168.3.190:/root/cdc-e2e-cyp-12.17.4`. */
  readonly controller: string;
}

/** A plan awaiting approval: the `atvm.plan.v1` JSON shape (docs/commands.md, docs/plan.schema.json). */
export interface Plan {
  readonly schema: typeof PLAN_SCHEMA_ID;
  /** sha256 (hex) over the canonical form of `digest` and `witness`: any change of options, blacklist or version gives another id. */
  readonly id: string;
  /** sha256 (hex) over the canonical form of `steps`: exactly what will run. */
  readonly digest: string;
  readonly build: string;
  /** The ssh destination `[user@]host` of the controller, `null` for this machine. */
  readonly controller: string | null;
  /** How the watcher and runner are started: systemd units (W1) or detached processes (the fallback). */
  readonly launcher: Launcher;
  /** The atvm config file (on the planning machine) whose `blacklist` was used; `null`: the built-in one. */
  readonly blacklistSource: string | null;
  /** The controller's automation root, where the scripts run. */
  readonly root: string;
  /** R34: `true` for `approve` (with the watcher), `false` for `approve without watcher`. */
  readonly watcher: boolean;
  /** The exact `cmc-templates.py` command text (R36 shows it in NOTES:). */
  readonly templateCommand: string;
  /** The exact `run-sorry-cypress.py` command text. */
  readonly runnerCommand: string;
  readonly steps: readonly PlanStep[];
  readonly witness: PlanWitness;
  /** UTC ISO-8601 with milliseconds, e.g. `2026-03-27T09:00:00.000Z`. */
  readonly createdAt: string;
  /** `createdAt` plus the expiry (UTC ISO-8601). */
  readonly expiresAt: string;
  /** Set once, by `atvm approve` (R34); not part of the id or digest. */
  readonly approval?: PlanApproval;
}

/** Who approved a plan and when, and how the launch went (written into the saved plan). */
export interface PlanApproval {
  /** The approving user (login name), e.g. `aw`. */
  readonly by: string;
  /** UTC ISO-8601 with milliseconds. */
  readonly at: string;
  /** R34: `false` for `approve --without-watcher` (the watcher-start step is skipped). */
  readonly withWatcher: boolean;
  /** The launch outcome once known: `launched`, or `failed` at `failedStep`. */
  readonly outcome?: {
    readonly status: "launched" | "failed";
    readonly failedStep: StepName | null;
    readonly finishedAt: string;
  };
}

/** Input of {@link buildPlan}. */
export interface PlanInput {
  readonly request: RunRequest;
  /** The controller's automation root (absolute), e.g. `/root/cdc-e2e-cyp-12.17.4`. */
  readonly root: string;
  /** Start the watcher (R34: default `true`, `approve`); `false` for `approve without watcher`. */
  readonly watcher?: boolean;
  readonly toolVersion: string;
  /** The controller label of the witness (`NAME_RULES.controller`); default `<destination or local>:<root>`. */
  readonly controller?: string;
  /** The ssh destination of the controller (already validated by the ssh adapter); `null`/absent: this machine. */
  readonly destination?: string | null;
  /** Default `systemd`. */
  readonly launcher?: Launcher;
  /** Watcher state root on the controller (absolute); default {@link WATCHER_STATE_ROOT}. */
  readonly stateRoot?: string;
  /**
   * Process launcher only: the argv prefix that runs `atvm` on the controller (absolute paths or
   * bare program names); default {@link DEFAULT_ATVM_COMMAND}.
   */
  readonly atvmCommand?: readonly string[];
  /** Creation time (ms since the epoch, UTC); core reads no clock. */
  readonly now: EpochMs;
  /** How long the plan stays approvable (ms); default {@link DEFAULT_PLAN_EXPIRY_MS}. */
  readonly expiryMs?: number;
  /** The blacklist; default the maintained one (R2/R13). */
  readonly blacklist?: readonly BlacklistEntry[];
  /** Where `blacklist` came from (an atvm config file path), recorded so approve re-reads the same; default `null`. */
  readonly blacklistSource?: string | null;
}

/** sha256 (hex) of a blacklist's canonical form (entries in order, `[pattern, reason]` each). */
export function blacklistDigest(blacklist: readonly BlacklistEntry[]): string {
  return sha256Hex(JSON.stringify(blacklist.map((e) => [e.pattern, e.reason])));
}

/**
 * Builds the plan of a launch (R22: built and shown, nothing executed). Steps, in the order of
 * R26 and W2/W3:
 * 1. `config-check`: `test -f <config>` in the root (R18: a missing config stops the launch with its name);
 * 2. `watcher-stop`, 3. `watcher-state-reset`: stop a stale watcher of the same build and remove
 *    its state folder (W3);
 * 4. `template`: the `cmc-templates.py` command, output to `/tmp/<build>.launch.log` (W2);
 * 5. `verify`: generated specs and `specPattern` hold the requested hosts (R23);
 * 6. `watcher-start` (only with the watcher, R34): `atvm-run-watcher@<build>.service` (W1);
 * 7. `runner-start`: `atvm-runner@<build>.service`, after the watcher (R26).
 *
 * Throws what {@link resolveRequest} throws, and `AtvmError` `INVALID_NAME` for a bad root,
 * controller label or tool version, `USAGE` for a non-finite `now` or a negative or non-finite `expiryMs`.
 */
export function buildPlan(input: PlanInput): Plan {
  const blacklist = input.blacklist ?? DEFAULT_BLACKLIST;
  const commands = resolveRequest(input.request, blacklist);
  const root = checkName("root", input.root, "automation root");
  const destination = input.destination ?? null;
  if (destination !== null) checkName("controller", destination, "--controller");
  const controller = checkName(
    "controller",
    input.controller ?? `${destination ?? "local"}:${root}`,
    "controller",
  );
  const launcher = input.launcher ?? "systemd";
  if (launcher !== "systemd" && launcher !== "process") {
    throw new AtvmError("USAGE", `launcher ${JSON.stringify(launcher)} is not systemd or process`);
  }
  const stateRoot = checkName("path", input.stateRoot ?? WATCHER_STATE_ROOT, "watcher state folder");
  const atvmCommand = (input.atvmCommand ?? DEFAULT_ATVM_COMMAND).map((word) =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(word) ? word : checkName("path", word, "atvm command"),
  );
  const toolVersion = checkName("version", input.toolVersion, "tool version");
  const expiryMs = input.expiryMs ?? DEFAULT_PLAN_EXPIRY_MS;
  if (!Number.isFinite(expiryMs) || expiryMs < 0 || !Number.isFinite(input.now)) {
    throw new AtvmError(
      "USAGE",
      `plan time ${input.now} / expiry ${expiryMs} ms is not usable; pass now as epoch ms and a non-negative expiry`,
    );
  }
  const watcher = input.watcher ?? true;
  const steps = planSteps(commands, { root, watcher, launcher, stateRoot, atvmCommand });
  const witness: PlanWitness = {
    blacklistDigest: blacklistDigest(blacklist),
    toolVersion,
    controller,
  };
  const digest = stepsDigest(steps);
  return {
    schema: PLAN_SCHEMA_ID,
    id: planId(digest, witness, watcher, destination, launcher),
    digest,
    build: commands.runner.buildName,
    controller: destination,
    launcher,
    blacklistSource: input.blacklistSource ?? null,
    root,
    watcher,
    templateCommand: renderShellCommand(templateArgv(commands.template)),
    runnerCommand: renderShellCommand(runnerArgv(commands.runner)),
    steps,
    witness,
    createdAt: new Date(input.now).toISOString(),
    expiresAt: new Date(input.now + expiryMs).toISOString(),
  };
}

/** One reason a saved plan may not be executed. */
export type PlanChange =
  | {
      readonly kind: "blacklistDigest" | "toolVersion" | "controller";
      readonly planned: string;
      readonly current: string;
    }
  | { readonly kind: "expired"; readonly expiresAt: string; readonly now: string }
  | { readonly kind: "not-yet-created"; readonly createdAt: string; readonly now: string }
  | { readonly kind: "digest" | "id"; readonly planned: string; readonly current: string };

/** The verdict of {@link checkPlanFresh}. */
export type PlanFreshness =
  | { readonly fresh: true }
  | { readonly fresh: false; readonly changes: readonly PlanChange[] };

/**
 * Checks a saved plan again right before it runs (Terraform-style stale-plan refusal). Returns
 * `fresh: false` with every change found:
 * - a witness field differs from `current` (`blacklistDigest`, `toolVersion`, `controller`);
 * - `now` is at or past `expiresAt`, or at or past `createdAt + expiryMs` (`expired`);
 * - `now` is before `createdAt` (`not-yet-created`: a clock moved back, or a forged plan);
 * - the steps no longer hash to `digest`, or digest and witness no longer give `id` (an edited plan).
 * `now` in ms since the epoch (UTC); `expiryMs` default {@link DEFAULT_PLAN_EXPIRY_MS}. Never throws.
 */
export function checkPlanFresh(
  plan: Plan,
  current: PlanWitness,
  now: EpochMs,
  expiryMs: number = DEFAULT_PLAN_EXPIRY_MS,
): PlanFreshness {
  const changes: PlanChange[] = [];
  for (const kind of ["blacklistDigest", "toolVersion", "controller"] as const) {
    if (plan.witness[kind] !== current[kind]) {
      changes.push({ kind, planned: plan.witness[kind], current: current[kind] });
    }
  }
  const created = Date.parse(plan.createdAt);
  const expires = Math.min(Date.parse(plan.expiresAt), created + expiryMs);
  const nowIso = Number.isFinite(now) ? new Date(now).toISOString() : String(now);
  if (!(now < expires)) {
    changes.push({ kind: "expired", expiresAt: isoOr(expires, plan.expiresAt), now: nowIso });
  }
  if (now < created) changes.push({ kind: "not-yet-created", createdAt: plan.createdAt, now: nowIso });
  const digest = stepsDigest(plan.steps);
  if (digest !== plan.digest) changes.push({ kind: "digest", planned: plan.digest, current: digest });
  const id = planId(plan.digest, plan.witness, plan.watcher, plan.controller, plan.launcher);
  if (id !== plan.id) changes.push({ kind: "id", planned: plan.id, current: id });
  return changes.length === 0 ? { fresh: true } : { fresh: false, changes };
}

/**
 * The canonical form of a plan's steps: a JSON array with one array per step, fields in a fixed
 * order and `env` as sorted `[name, value]` pairs, so equal steps always give the same text.
 */
export function canonicalSteps(steps: readonly PlanStep[]): string {
  return JSON.stringify(
    steps.map((s) => [
      s.name,
      s.argv,
      s.cwd,
      s.stdout,
      Object.entries(s.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      s.expect === null ? null : [s.expect.hosts, s.expect.specFolder, s.expect.excluded],
    ]),
  );
}

// --- internal helpers ---

function stepsDigest(steps: readonly PlanStep[]): string {
  return sha256Hex(canonicalSteps(steps));
}

function planId(
  digest: string,
  witness: PlanWitness,
  watcher: boolean,
  destination: string | null,
  launcher: Launcher,
): string {
  return sha256Hex(
    JSON.stringify([
      PLAN_SCHEMA_ID,
      digest,
      witness.blacklistDigest,
      witness.toolVersion,
      witness.controller,
      watcher,
      destination,
      launcher,
    ]),
  );
}

function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

function isoOr(ms: number, fallback: string): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : fallback;
}
