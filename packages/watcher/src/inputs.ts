/**
 * What the loop feeds the machine each poll: operator cancel markers (D4/W4; per batch for a
 * categorized run, W5) and the newest observation of the run as `snapshot.observed`.
 */
import type { MachineEvent, MachineState, Snapshot } from "@atvm-watch/engine";
import type { Observation, WatcherDeps } from "./deps.ts";
import { CANCEL_KEY } from "./keys.ts";
import type { WatcherLog } from "./log.ts";

/**
 * One poll's events: a `cancel.requested` per cancel marker not reported before (recorded in
 * `cancelsSent`: `""` for the run, the batch id otherwise), then `snapshot.observed`. Resolves the
 * events and the observed snapshot (`null` when observing failed: logged, retried next poll).
 */
export async function gatherEvents(
  deps: Pick<WatcherDeps, "store" | "clock" | "observe" | "crash">,
  log: WatcherLog,
  state: MachineState,
  cancelsSent: Set<string>,
): Promise<{ readonly events: readonly MachineEvent[]; readonly snapshot: Snapshot | null }> {
  const { store, clock } = deps;
  const events: MachineEvent[] = [];
  if (!cancelsSent.has("") && (await store.get(CANCEL_KEY)) !== null) {
    cancelsSent.add("");
    events.push({ type: "cancel.requested", at: clock.now(), reason: "cancelled.marker present" });
  }
  if (state.categorized) {
    for (const key of await store.keys("subruns/")) {
      const match = /^subruns\/([^/]+)\/cancelled\.marker$/.exec(key);
      const batch = match?.[1];
      if (batch === undefined || cancelsSent.has(batch)) continue;
      cancelsSent.add(batch);
      events.push({ type: "cancel.requested", at: clock.now(), batch, reason: "cancelled.marker present" });
    }
  }
  let observation: Observation;
  try {
    observation = await deps.observe();
  } catch (error) {
    log("warn", null, "observe-failed", `could not observe the run, retrying next poll: ${String(error)}`);
    return { events, snapshot: null };
  }
  deps.crash("after-observe");
  events.push({
    type: "snapshot.observed",
    at: clock.now(),
    mono: clock.monotonicMs(),
    snapshot: observation.snapshot,
    ...(observation.progressExtra === undefined ? {} : { progressExtra: observation.progressExtra }),
  });
  return { events, snapshot: observation.snapshot };
}
