/**
 * The per-run watcher loop (W1): poll → observe → `decide` → perform the effects in order → feed
 * their results back as events, until the machine says `exit`. Every I/O is injected (deps.ts).
 *
 * The pieces it runs, in the order of one cycle: inputs.ts (cancel markers and the observation),
 * the engine's `decide`, then per effect: log.ts (D8), persistence.ts (`state.json`, run URLs, R30,
 * with the durable retry), posting.ts (the intent-then-commit post protocol, D6, D10), terminal.ts
 * (R1 runner stop; at `exit` the closing line and the summaries, T5). The crash points
 * (crash.ts) sit inside those modules at the steps they name, so their order is the order here.
 *
 * Delivery (docs/watcher.md "The delivery promise"): a restart resumes `state.json`; the posted
 * marker is authoritative; an intent without a posted marker after a lost `state.json` counts as
 * "outcome unknown". Default policy is at-most-once (`retryUnknownOutcome: false`): a crash after
 * the POST and before the state records it gives no duplicate but a unit left for review.
 */
import { decide, type Effect, type MachineEvent, type Snapshot } from "@atvm-watch/engine";
import type { ExitEffect, WatcherDeps, WatcherResult } from "./deps.ts";
import { gatherEvents } from "./inputs.ts";
import { LOCK_NAME, unitKeys } from "./keys.ts";
import { buildLogger } from "./log.ts";
import { durableWrites, loadState, persistState, unitKindOf } from "./persistence.ts";
import { discardPostIntent, markPosted, type PostingContext, postUnit, recordPostIntent } from "./posting.ts";
import { closeWatch, terminateRunner } from "./terminal.ts";

/**
 * Runs the watcher for one build until the machine exits (W1). Takes the D7 lock first and resolves
 * `{ kind: "locked", holder }` without doing anything when another watcher holds it.
 * Rejects only on programming errors; state I/O errors (`STATE_IO`) are logged and retried.
 */
export async function runWatcher(deps: WatcherDeps): Promise<WatcherResult> {
  const lock = await deps.store.lock(LOCK_NAME);
  if (!lock.acquired) return { kind: "locked", holder: lock.holder };
  try {
    return await watch(deps);
  } finally {
    await lock.release();
  }
}

async function watch(deps: WatcherDeps): Promise<WatcherResult> {
  const { store, clock, build } = deps;
  const log = buildLogger(build, clock, deps.log, deps.secrets ?? []);
  const durably = durableWrites(log, deps.sleep);

  const loaded = await loadState(deps, log);
  let state = loaded.state;
  const cancelsSent = new Set<string>();
  const posting: PostingContext = {
    deps,
    log,
    durably,
    ambiguous: new Set(loaded.ambiguous),
    keysOf: (unit) => unitKeys(unitKindOf(state, unit), unit),
  };

  const perform = async (effect: Effect): Promise<readonly MachineEvent[]> => {
    switch (effect.type) {
      case "log":
        log(effect.level, effect.unit, effect.reason, effect.message);
        return [];
      case "persist":
        deps.crash("before-persist");
        await persistState(store, state, effect.runUrls, durably);
        deps.crash("after-persist");
        return [];
      case "record-post-intent":
        return recordPostIntent(posting, effect);
      case "discard-post-intent":
        return discardPostIntent(posting, effect);
      case "post":
        return postUnit(posting, effect);
      case "mark-posted":
        return markPosted(posting, effect);
      case "terminate-runner":
        return terminateRunner(deps, effect);
      case "exit":
        return [];
    }
  };

  /** The newest snapshot observed by this process, for the summaries written at exit (T5). */
  let lastSnapshot: Snapshot | null = null;
  const queue: MachineEvent[] = [{ type: "watcher.started", at: clock.now(), mono: clock.monotonicMs() }];
  const drain = async (): Promise<ExitEffect | null> => {
    for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
      const decision = decide(state, event, deps.policy);
      state = decision.state;
      for (const effect of decision.effects) {
        if (effect.type === "exit") {
          await closeWatch(deps, log, state, lastSnapshot, effect);
          return effect;
        }
        queue.push(...(await perform(effect)));
      }
    }
    return null;
  };

  let exit = await drain();
  while (exit === null) {
    const polled = await gatherEvents(deps, log, state, cancelsSent);
    if (polled.snapshot !== null) lastSnapshot = polled.snapshot;
    queue.push(...polled.events);
    exit = await drain();
    if (exit === null) await deps.sleep(deps.intervalMs);
  }
  return { kind: "exited", exit };
}
