/**
 * `atvm cancel --build NAME [--state-dir DIR]` (D4/W4): writes `cancelled.marker`, closes the state
 * CANCELLED through the machine (a cancel wins only before the post intent is recorded,
 * docs/state-machine.md), and stops `atvm-run-watcher@NAME.service` when systemd runs this host.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isSafeBuildName } from "@atvm-watch/config";
import {
  type CommandRunner,
  createMachineState,
  DEFAULT_MACHINE_POLICY,
  decide,
  type MachineState,
} from "@atvm-watch/engine";
import { openFileStateStore } from "@atvm-watch/node-fs";
import { CANCEL_KEY, parseRecord, STATE_KEY } from "@atvm-watch/watcher";
import type { CliIo } from "./io.ts";
import { stateDirOf } from "./runs-command.ts";

/** Options of `atvm cancel` (strings, unvalidated). */
export interface CancelCommandOptions {
  readonly build?: string;
  readonly stateDir?: string;
}

/** `true` when systemd is PID 1 here (sd_booted(3): `/run/systemd/system` exists). */
export function systemdPresent(): boolean {
  return existsSync("/run/systemd/system");
}

/**
 * `atvm cancel`. Exit 0 when cancelled (also when already cancelled or already closed), 78 for a bad
 * build name or an unwritable state dir. A missing systemd is never an error.
 */
export async function runCancel(
  options: CancelCommandOptions,
  io: CliIo,
  deps: { readonly runner: CommandRunner; readonly systemd?: () => boolean },
): Promise<number> {
  const build = options.build ?? "";
  if (!isSafeBuildName(build)) {
    io.stderr.write(`atvm cancel: build name ${JSON.stringify(build)} is not a safe build name\n`);
    return 78;
  }
  const at = io.clock.now();
  try {
    const store = await openFileStateStore(join(stateDirOf(options.stateDir, io.env), build));
    await store.create(CANCEL_KEY, JSON.stringify({ at, by: "atvm cancel" }));
    const stored = parseRecord(await store.get(STATE_KEY)) as MachineState | null;
    const state = stored?.version === 1 ? stored : createMachineState({ build, categorized: false });
    const decision = decide(
      state,
      { type: "cancel.requested", at, reason: "atvm cancel" },
      DEFAULT_MACHINE_POLICY,
    );
    await store.put(STATE_KEY, JSON.stringify(decision.state));
    io.stdout.write(`${build}: ${decision.state.runState}\n`);
  } catch (error) {
    io.stderr.write(`atvm cancel: ${(error as Error).message}\n`);
    return 78;
  }
  if ((deps.systemd ?? systemdPresent)()) {
    const unit = `atvm-run-watcher@${build}.service`;
    const result = await deps.runner.run(["systemctl", "stop", "--", unit], { timeoutMs: 60_000 });
    if (result.exitCode !== 0)
      io.stderr.write(`atvm cancel: systemctl stop ${unit} exited ${result.exitCode}\n`);
  }
  return 0;
}
