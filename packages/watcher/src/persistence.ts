/**
 * The watcher's state on disk (D5, W9; layout in keys.ts): loading `state.json` (quarantining a
 * corrupt one), persisting the machine state, batch summaries and run URLs (R30), and the durable
 * retry every state write goes through (reliability §6 cases 16/17: never post without it).
 */
import { createMachineState, isAtvmError, type MachineState, type StateStore } from "@atvm-watch/engine";
import type { WatcherDeps } from "./deps.ts";
import { parseMachineState, RUN_URLS_KEY, STATE_KEY, unitKeys } from "./keys.ts";
import type { WatcherLog } from "./log.ts";

/** Capped back-off before post attempt `attempt` (≥ 2) and between state-write retries, ms. */
export function backoffMs(attempt: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempt - 2), 300_000);
}

/** Runs a state write until it succeeds; `what` names it in the `state-io` log record. */
export type Durably = <T>(what: string, op: () => Promise<T>) => Promise<T>;

/**
 * A {@link Durably} that retries an `AtvmError` `STATE_IO` after {@link backoffMs} (logged at
 * `error`), forever: a post is never sent without its intent, nor left without its marker. Any
 * other error is rethrown (a programming error).
 */
export function durableWrites(log: WatcherLog, sleep: (ms: number) => Promise<void>): Durably {
  return async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    for (let attempt = 2; ; attempt += 1) {
      try {
        return await op();
      } catch (error) {
        if (!isAtvmError(error) || error.code !== "STATE_IO") throw error;
        log("error", null, "state-io", `${what} failed, retrying: ${error.message}`);
        await sleep(backoffMs(attempt));
      }
    }
  };
}

/**
 * Writes `state.json`, `run-urls.json` (when any URL is known, R30) and each batch's
 * `subruns/<id>/state.json` (the unit without its frozen message, W5), retried through `durably`.
 */
export async function persistState(
  store: StateStore,
  state: MachineState,
  runUrls: readonly string[],
  durably: Durably,
): Promise<void> {
  await durably("persist state", async () => {
    await store.put(STATE_KEY, JSON.stringify(state));
    if (runUrls.length > 0) await store.put(RUN_URLS_KEY, JSON.stringify(runUrls));
    for (const unit of state.units) {
      if (unit.kind !== "batch") continue;
      const { message: _frozen, ...summary } = unit;
      await store.put(unitKeys("batch", unit.id).state, JSON.stringify(summary));
    }
  });
}

/** The kind of posting unit `unit` is in `state`: its own kind when known, else the run's mode (W5). */
export function unitKindOf(state: MachineState, unit: string): "run" | "batch" {
  return state.units.find((s) => s.id === unit)?.kind ?? (state.categorized ? "batch" : "run");
}

/**
 * Loads `state.json`. A missing file gives a fresh state; an empty, unparsable or foreign one is
 * quarantined as `state.json.corrupt-<ms>` (reliability §6 case 14) and rebuilt fresh: the artifacts
 * rebuild the rest, and every unit with an intent but no posted marker is reported ambiguous.
 */
export async function loadState(
  deps: Pick<WatcherDeps, "store" | "build" | "categorized" | "clock">,
  log: WatcherLog,
): Promise<{ state: MachineState; ambiguous: readonly string[] }> {
  const { store, build } = deps;
  const text = await store.get(STATE_KEY);
  const fresh = createMachineState({ build, categorized: deps.categorized });
  if (text === null) return { state: fresh, ambiguous: [] };
  const parsed = parseMachineState(text, build);
  if (parsed !== null) return { state: parsed, ambiguous: [] };
  const aside = `${STATE_KEY}.corrupt-${deps.clock.now()}`;
  await store.put(aside, text);
  await store.remove(STATE_KEY);
  log(
    "error",
    null,
    "corrupt-state",
    `state.json was unreadable; kept as ${aside}, rebuilding from the artifacts`,
  );
  const ambiguous: string[] = [];
  for (const key of await store.keys()) {
    const match = /^(?:subruns\/([^/]+)\/)?intent\.json$/.exec(key);
    if (match === null) continue;
    const unit = match[1] ?? build;
    if ((await store.get(key.replace(/intent\.json$/, "posted.marker"))) === null) ambiguous.push(unit);
  }
  return { state: fresh, ambiguous };
}
