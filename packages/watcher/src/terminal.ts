/**
 * How a watch ends: stopping a hung runner (R1, the machine's `terminate-runner` effect) and, at
 * the machine's `exit`, the closing log line and the `atvm.summary.v1` files of the run and of each
 * batch (T5). The decisions themselves (hang windows, D9, R1) are the engine's (machine/hang.ts).
 */
import {
  batchSnapshot,
  type Effect,
  type MachineEvent,
  type MachineState,
  type Snapshot,
} from "@atvm-watch/engine";
import type { ExitEffect, WatcherDeps } from "./deps.ts";
import { SUMMARY_KEY, unitKeys } from "./keys.ts";
import type { WatcherLog } from "./log.ts";
import { unitKindOf } from "./persistence.ts";

/** `terminate-runner` (R1): stops the runner and reports `runner.terminated` with its result. */
export async function terminateRunner(
  deps: Pick<WatcherDeps, "crash" | "terminateRunner" | "clock">,
  effect: Extract<Effect, { type: "terminate-runner" }>,
): Promise<readonly MachineEvent[]> {
  deps.crash("before-terminate");
  const result = await deps.terminateRunner(effect.build, effect.reason);
  return [
    {
      type: "runner.terminated",
      at: deps.clock.now(),
      mono: deps.clock.monotonicMs(),
      ok: result.ok,
      ...(result.detail === undefined ? {} : { detail: result.detail }),
    },
  ];
}

/**
 * Logs the exit (`closed`, with D9's "needs review") and writes the summaries of `lastSnapshot`
 * (the newest one this process observed) with the states the machine closed them in: `summary.json`
 * for the run, `subruns/<id>/summary.json` per batch. A failed summary write is logged, never fatal.
 */
export async function closeWatch(
  deps: Pick<WatcherDeps, "summarize" | "store">,
  log: WatcherLog,
  state: MachineState,
  lastSnapshot: Snapshot | null,
  exit: ExitEffect,
): Promise<void> {
  log("info", null, "closed", `exit: ${exit.state}${exit.needsReview ? " (needs review, D9)" : ""}`);
  const summarize = deps.summarize;
  if (summarize === undefined || lastSnapshot === null) return;
  const files: [string, Snapshot][] = [[SUMMARY_KEY, { ...lastSnapshot, state: exit.state }]];
  for (const unit of exit.units) {
    if (unitKindOf(state, unit.id) !== "batch") continue;
    const own = batchSnapshot(lastSnapshot, unit.id);
    if (own !== null) files.push([unitKeys("batch", unit.id).summary, { ...own, state: unit.state }]);
  }
  for (const [key, snapshot] of files) {
    try {
      await deps.store.put(key, summarize(snapshot));
    } catch (error) {
      // A summary is a convenience (baselines, history): it never keeps the watcher from exiting.
      log("error", null, "state-io", `could not write ${key}: ${String(error)}`);
    }
  }
}
