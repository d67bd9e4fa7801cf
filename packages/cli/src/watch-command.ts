/**
 * `atvm watch --build NAME [--root DIR] [--state-dir DIR] [--interval SECONDS] [--config FILE]
 * [--signatures FILE] [--baseline BUILD|FILE]`:
 * runs the per-run watcher (W1) for one build until its terminal state, posting each COMPLETED or
 * FAILED unit once (D3, D6, D10). State lives in `<state-dir>/<build>/` (W9).
 *
 * Exit codes (sysexits.h, used by the systemd unit's `RestartPreventExitStatus=`):
 * 0 terminal state reached, posted or suppressed; 75 (EX_TEMPFAIL) another watcher holds the build's
 * lock (D7); 78 (EX_CONFIG) bad configuration: webhook missing or malformed, bad build name or
 * interval, state dir not writable, or Mattermost refused the post permanently (HTTP 400, 401, 403,
 * 404, 413, 501: the same post is refused again, reliability §6 case 8) — each with one line saying
 * why. The webhook URL is never printed.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { isSafeBuildName } from "@atvm-watch/config";
import {
  type Clock,
  DEFAULT_MACHINE_POLICY,
  isAtvmError,
  type MachinePolicy,
  type Notifier,
  type Snapshot,
  serviceExitStatus,
} from "@atvm-watch/engine";
import { openFileStateStore } from "@atvm-watch/node-fs";
import { crashFromEnv, jsonLineLogger, type Observation, redact, runWatcher } from "@atvm-watch/watcher";
import type { CliIo } from "./io.ts";
import { stateDirOf } from "./runs-command.ts";

/** Options of `atvm watch` (strings, unvalidated). */
export interface WatchCommandOptions {
  readonly build?: string;
  readonly root?: string;
  readonly stateDir?: string;
  readonly interval?: string;
  readonly config?: string;
  /** Signature catalog for the post's FAIL lines, as `atvm triage --signatures` (wins over config `signatures`). */
  readonly signatures?: string;
  /** Baseline for the post's `Baseline:` line, as `atvm diff --baseline` (wins over `ATVM_BASELINE`, config `baseline`). */
  readonly baseline?: string;
}

/** What the lead wires at merge: the observer, the notifier, the renderer, the runner terminator. */
export interface WatchWiring {
  /** `createRunObserver(...).observe` for this build and root. */
  readonly observer: (input: {
    readonly build: string;
    readonly root: string | undefined;
    readonly config: string | undefined;
    /** `--signatures FILE` (watch-wiring.ts loads it as `atvm triage` does). */
    readonly signatures?: string | undefined;
    /** `--baseline BUILD|FILE` (watch-wiring.ts picks the baseline as `atvm diff` does). */
    readonly baseline?: string | undefined;
  }) => () => Promise<Observation>;
  /** The Mattermost notifier for a validated webhook URL and optional channel. */
  readonly notifier: (webhook: string, channel: string | undefined) => Notifier;
  /** Post Markdown of a unit snapshot (e.g. `renderMarkdown`). */
  readonly render: (snapshot: Snapshot) => string;
  /** Stops the hung runner (R1), e.g. `systemctl stop atvm-runner@<build>.service`. */
  readonly terminateRunner: (build: string, reason: string) => Promise<{ ok: boolean; detail?: string }>;
  /** `atvm.summary.v1` JSON text of a snapshot, written as `summary.json` when the watch ends (T5). */
  readonly summarize?: (snapshot: Snapshot) => string;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly clock?: Clock;
  /** The machine policy, or a function giving it, called once after the first observation (which reads the config). */
  readonly policy?: MachinePolicy | (() => MachinePolicy);
}

/** Exit codes of `atvm watch`. */
export const WATCH_EXIT = { done: 0, locked: 75, config: 78 } as const;

/** `true` for an `https:`/`http:` URL with a host and a path (a webhook); never echoes it. */
export function isWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === "https:" || url.protocol === "http:") &&
      url.hostname !== "" &&
      url.pathname.length > 1
    );
  } catch {
    return false;
  }
}

/** `atvm watch`. Resolves the exit code; never prints the webhook. */
export async function runWatch(
  options: WatchCommandOptions,
  io: CliIo,
  wiring: WatchWiring,
): Promise<number> {
  const fail = (why: string): number => {
    io.stderr.write(`atvm watch: ${why}\n`);
    return WATCH_EXIT.config;
  };
  const build = options.build ?? "";
  if (!isSafeBuildName(build)) return fail(`build name ${JSON.stringify(build)} is not a safe build name`);
  const seconds = options.interval === undefined ? 30 : Number(options.interval);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) {
    return fail(`--interval ${JSON.stringify(options.interval)} must be 1..3600 seconds`);
  }
  const webhook = io.env.MATTERMOST_ATVM_WEBHOOK ?? "";
  if (webhook === "")
    return fail("webhook not configured: set MATTERMOST_ATVM_WEBHOOK (/etc/atvm-run-watcher.env)");
  if (!isWebhookUrl(webhook))
    return fail("MATTERMOST_ATVM_WEBHOOK is not an http(s) URL with a path (value not shown)");
  let store: Awaited<ReturnType<typeof openFileStateStore>>;
  try {
    store = await openFileStateStore(join(stateDirOf(options.stateDir, io.env), build));
  } catch (error) {
    return fail((error as Error).message);
  }
  const clock = wiring.clock ?? io.clock;
  // A stray SIGTERM must not look like a clean exit (systemd would not restart): exit 143, a failure,
  // so Restart=on-failure resumes the watch from state.json (docs/watcher.md "Recovery").
  const onTerm = (): void => {
    io.stderr.write("atvm watch: SIGTERM, exiting 143; state.json is resumed on the next start\n");
    process.exit(143);
  };
  process.once("SIGTERM", onTerm);
  // The launch writes the automation root into the unit's env file (ATVM_WATCHER_ROOT, W8), since the
  // template unit's ExecStart cannot know it; an explicit --root wins.
  const envRoot = io.env.ATVM_WATCHER_ROOT;
  const root = options.root ?? (envRoot === undefined || envRoot === "" ? undefined : envRoot);
  const observe = wiring.observer({
    build,
    root,
    config: options.config,
    signatures: options.signatures,
    baseline: options.baseline,
  });
  // W5: the mode comes from ATVM_WATCHER_CATEGORIZED when set, else from what the run's own
  // artifacts say (a categorized runner command or batches); it matters only for a fresh state.
  const flag = io.env.ATVM_WATCHER_CATEGORIZED;
  let categorized = flag === "1" || flag === "true";
  try {
    const first = await observe();
    if (flag === undefined || flag === "") categorized = first.snapshot.categorized;
  } catch (error) {
    // Bad operator input never heals by waiting: exit 78. A build not seen yet is normal (the
    // watcher starts before the runner, R26): the loop keeps polling for it.
    // The code's exit class decides (@atvm-watch/errors): usage and config stop with 78.
    const status = isAtvmError(error) ? serviceExitStatus(error) : null;
    if (status !== null) {
      io.stderr.write(`atvm watch: ${(error as Error).message}\n`);
      return status;
    }
  }
  const result = await runWatcher({
    build,
    categorized,
    store,
    observe,
    notifier: wiring.notifier(webhook, io.env.MATTERMOST_ATVM_CHANNEL),
    render: wiring.render,
    clock,
    sleep: wiring.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    terminateRunner: wiring.terminateRunner,
    log: jsonLineLogger((line) => io.stderr.write(line)),
    crash: crashFromEnv(io.env),
    newId: randomUUID,
    policy: typeof wiring.policy === "function" ? wiring.policy() : (wiring.policy ?? DEFAULT_MACHINE_POLICY),
    intervalMs: seconds * 1000,
    secrets: [webhook],
    ...(wiring.summarize !== undefined ? { summarize: wiring.summarize } : {}),
  }).finally(() => process.off("SIGTERM", onTerm));
  if (result.kind === "locked") {
    io.stderr.write(`atvm watch: ${build} is already watched (${result.holder || "holder unknown"})\n`);
    return WATCH_EXIT.locked;
  }
  const refused = result.exit.units.find((u) => u.rejection?.permanent === true);
  if (refused !== undefined) {
    // reliability §2/§6 case 8: a 400/401/403/404/413/501 is refused again on every retry, so it is a
    // configuration error (78, RestartPreventExitStatus): no restart loop, one line saying why.
    const why = redact(refused.rejection?.detail ?? "", [webhook]);
    io.stderr.write(
      `atvm watch: Mattermost refused the post of ${refused.id} permanently (${why}); check MATTERMOST_ATVM_WEBHOOK and MATTERMOST_ATVM_CHANNEL, then see docs/watcher.md "Recovery"\n`,
    );
    return WATCH_EXIT.config;
  }
  return WATCH_EXIT.done;
}
