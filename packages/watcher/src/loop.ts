/**
 * The per-run watcher loop (W1): poll → observe → `decide` → perform the effects in order → feed
 * their results back as events, until the machine says `exit`. Every I/O is injected.
 *
 * Delivery (docs/watcher.md "The delivery promise", D6, D10): the intent (frozen text + notification id) is written with
 * an exclusive create BEFORE the POST; the posted marker is written with an exclusive create after
 * `ok`. A restart resumes `state.json`; the posted marker is authoritative (a unit with one is never
 * posted again); an intent without a posted marker after a lost `state.json` counts as "outcome
 * unknown". Default policy is at-most-once (`retryUnknownOutcome: false`): a crash after the POST
 * and before the state records it gives no duplicate but a unit left for review.
 */
import {
  batchSnapshot,
  type Clock,
  createMachineState,
  decide,
  type Effect,
  isAtvmError,
  type MachineEvent,
  type MachinePolicy,
  type MachineState,
  type Notifier,
  postOutcomeEvent,
  type Snapshot,
  type StateStore,
} from "@atvm-watch/engine";
import {
  CANCEL_KEY,
  LOCK_NAME,
  type PostedMarker,
  type PostIntent,
  parseMachineState,
  parseRecord,
  RUN_URLS_KEY,
  STATE_KEY,
  SUMMARY_KEY,
  unitKeys,
} from "./keys.ts";

/** Named points where `crash` is called (docs/watcher.md "Crash-point testing"). */
export const CRASH_POINTS = [
  "after-observe",
  "before-persist",
  "after-persist",
  "before-intent",
  "after-intent",
  "before-post",
  "after-post",
  "before-mark-posted",
  "after-mark-posted",
  "before-terminate",
] as const;
/** One crash point. */
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** One structured D8 log record; the default logger writes it as one JSON line on stderr. */
export interface WatcherLogRecord {
  /** UTC ISO-8601. */
  readonly ts: string;
  readonly level: "debug" | "info" | "warn" | "error";
  readonly build: string;
  readonly unit: string | null;
  /** The machine's `LogReason`, or `state-io`, `observe-failed`, `duplicate-prevented`, `corrupt-state`, `post-sent`. */
  readonly reason: string;
  readonly message: string;
}

/** What `observe` returns: a reconstructed snapshot and optional progress evidence (e.g. log size). */
export interface Observation {
  readonly snapshot: Snapshot;
  readonly progressExtra?: string;
}

/** Everything the loop needs. */
export interface WatcherDeps {
  readonly build: string;
  /** Categorized run (W5, `ATVM_WATCHER_CATEGORIZED`); used only when no state exists yet. */
  readonly categorized: boolean;
  /** The build's state store (already opened and swept). */
  readonly store: StateStore;
  /** Reconstructs the run now (the lead wires `createRunObserver(...).observe`). May reject: logged, retried next poll. */
  readonly observe: () => Promise<Observation>;
  readonly notifier: Notifier;
  /** Renders the post Markdown of a (unit) snapshot, at most 16,383 chars. */
  readonly render: (snapshot: Snapshot) => string;
  readonly clock: Clock;
  /** Waits `ms` (tests: resolves at once and advances the manual clock). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Stops the hung runner cleanly (R1); resolves `{ ok }`. */
  readonly terminateRunner: (build: string, reason: string) => Promise<{ ok: boolean; detail?: string }>;
  /** Receives every log record (D8); secrets are already redacted. */
  readonly log: (record: WatcherLogRecord) => void;
  /** Called at each crash point; the real one SIGKILLs the process when `ATVM_WATCHER_CRASH_AT` names it. */
  readonly crash: (point: CrashPoint) => void;
  /** A fresh notification id (UUID). */
  readonly newId: () => string;
  readonly policy: MachinePolicy;
  /** Poll interval, ms (default 30 s). */
  readonly intervalMs: number;
  /**
   * Renders the `atvm.summary.v1` JSON text of a snapshot (T5; the CLI wires `summarizeRun`). When
   * set, the watch writes `summary.json` for the run (and `subruns/<id>/summary.json` per batch)
   * atomically through the store as it exits, with the state the machine closed it in.
   */
  readonly summarize?: (snapshot: Snapshot) => string;
  /** Strings never to log (the webhook URL); each one and its path part are replaced by `***`. */
  readonly secrets?: readonly string[];
}

/** How a watcher run ended. */
export type WatcherResult =
  | { readonly kind: "exited"; readonly exit: Extract<Effect, { type: "exit" }> }
  | { readonly kind: "locked"; readonly holder: string };

/** A logger writing each record as one JSON line through `write` (e.g. `process.stderr.write`), D8. */
export function jsonLineLogger(write: (line: string) => void): (record: WatcherLogRecord) => void {
  return (record) => write(`${JSON.stringify(record)}\n`);
}

/** Capped back-off before post attempt `attempt` (≥ 2) and between state-write retries, ms. */
export function backoffMs(attempt: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempt - 2), 300_000);
}

/** A `crash` that SIGKILLs this process at the point named by `env.ATVM_WATCHER_CRASH_AT` (tests only). */
export function crashFromEnv(env: Readonly<Record<string, string | undefined>>): (point: CrashPoint) => void {
  const at = env.ATVM_WATCHER_CRASH_AT;
  return (point) => {
    if (at === point) process.kill(process.pid, "SIGKILL");
  };
}

/** Replaces each secret, and the path of each secret URL, by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join("***");
    try {
      const path = new URL(secret).pathname;
      if (path.length > 1) out = out.split(path).join("/***");
      for (const part of path.split("/")) if (part.length >= 8) out = out.split(part).join("***");
    } catch {
      // not a URL: the whole-string replacement above is all
    }
  }
  return out;
}

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
  const secrets = deps.secrets ?? [];
  const log = (
    level: WatcherLogRecord["level"],
    unit: string | null,
    reason: string,
    message: string,
  ): void => {
    deps.log({
      ts: new Date(clock.now()).toISOString(),
      level,
      build,
      unit,
      reason,
      message: redact(message, secrets),
    });
  };

  /** Retries a state write until it succeeds (reliability §6 cases 16/17: never post without it). */
  const durably = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    for (let attempt = 2; ; attempt += 1) {
      try {
        return await op();
      } catch (error) {
        if (!isAtvmError(error) || error.code !== "STATE_IO") throw error;
        log("error", null, "state-io", `${what} failed, retrying: ${error.message}`);
        await deps.sleep(backoffMs(attempt));
      }
    }
  };

  const loaded = await loadState(deps, log);
  let state = loaded.state;
  /** Units whose intent predates a rebuilt state: their post may have happened (at-most-once: never re-post). */
  const ambiguous = new Set(loaded.ambiguous);
  const cancelsSent = new Set<string>();

  const kindOf = (unit: string): "run" | "batch" =>
    state.units.find((s) => s.id === unit)?.kind ?? (state.categorized ? "batch" : "run");
  const keysOf = (unit: string): ReturnType<typeof unitKeys> => unitKeys(kindOf(unit), unit);

  const perform = async (effect: Effect): Promise<readonly MachineEvent[]> => {
    switch (effect.type) {
      case "log":
        log(effect.level, effect.unit, effect.reason, effect.message);
        return [];
      case "persist": {
        deps.crash("before-persist");
        await durably("persist state", async () => {
          await store.put(STATE_KEY, JSON.stringify(state));
          if (effect.runUrls.length > 0) await store.put(RUN_URLS_KEY, JSON.stringify(effect.runUrls));
          for (const unit of state.units) {
            if (unit.kind !== "batch") continue;
            const { message: _frozen, ...summary } = unit;
            await store.put(unitKeys("batch", unit.id).state, JSON.stringify(summary));
          }
        });
        deps.crash("after-persist");
        return [];
      }
      case "record-post-intent": {
        const keys = keysOf(effect.unit);
        const posted = await store.get(keys.posted);
        if (posted !== null) {
          log("warn", effect.unit, "duplicate-prevented", "a posted marker exists: not posting again");
          return [{ type: "post.intent-recorded", at: clock.now(), unit: effect.unit }];
        }
        deps.crash("before-intent");
        const intent: PostIntent = {
          version: 1,
          notificationId: deps.newId(),
          build,
          unit: effect.unit,
          state: effect.state,
          text: deps.render(effect.snapshot),
          createdAt: clock.now(),
        };
        const created = await durably("write the post intent", () =>
          store.create(keys.intent, JSON.stringify(intent)),
        );
        if (!created)
          log("info", effect.unit, "post-decision", "an intent exists already: its frozen text is kept");
        deps.crash("after-intent");
        return [{ type: "post.intent-recorded", at: clock.now(), unit: effect.unit }];
      }
      case "discard-post-intent":
        await durably("discard the post intent", () => store.remove(keysOf(effect.unit).intent));
        return [];
      case "post": {
        const keys = keysOf(effect.unit);
        if ((await store.get(keys.posted)) !== null) {
          log("warn", effect.unit, "duplicate-prevented", "a posted marker exists: not posting again");
          return [{ type: "post.succeeded", at: clock.now(), unit: effect.unit }];
        }
        const intent = parseRecord(await store.get(keys.intent)) as PostIntent | null;
        if (intent === null || typeof intent.text !== "string") {
          return [
            {
              type: "post.failed",
              at: clock.now(),
              unit: effect.unit,
              retryable: false,
              detail: "the post intent is missing or unreadable; nothing was sent",
            },
          ];
        }
        if (ambiguous.has(effect.unit) && !deps.policy.retryUnknownOutcome) {
          ambiguous.delete(effect.unit);
          return [
            {
              type: "post.outcome-unknown",
              at: clock.now(),
              unit: effect.unit,
              detail: `an intent (${intent.notificationId}) predates the rebuilt state; it may have been posted`,
            },
          ];
        }
        if (effect.attempt > 1) await deps.sleep(backoffMs(effect.attempt));
        deps.crash("before-post");
        // The notifier adds the visible footer and props.atvm_notification_id from this id.
        const outcome = await deps.notifier.notify({
          text: intent.text,
          unitId: effect.unit,
          notificationId: intent.notificationId,
        });
        deps.crash("after-post");
        const detail = outcome.kind === "ok" ? "ok" : `${outcome.kind}: ${outcome.detail}`;
        log(
          "info",
          effect.unit,
          "post-sent",
          `attempt ${effect.attempt}, id ${intent.notificationId}: ${detail}`,
        );
        return [postOutcomeEvent(effect.unit, outcome, clock.now())];
      }
      case "mark-posted": {
        const keys = keysOf(effect.unit);
        const intent = parseRecord(await store.get(keys.intent));
        const marker: PostedMarker = {
          notificationId: typeof intent?.notificationId === "string" ? intent.notificationId : "",
          unit: effect.unit,
          at: effect.at,
        };
        deps.crash("before-mark-posted");
        await durably("write the posted marker", () => store.create(keys.posted, JSON.stringify(marker)));
        deps.crash("after-mark-posted");
        return [];
      }
      case "terminate-runner": {
        deps.crash("before-terminate");
        const result = await deps.terminateRunner(effect.build, effect.reason);
        return [
          {
            type: "runner.terminated",
            at: clock.now(),
            mono: clock.monotonicMs(),
            ok: result.ok,
            ...(result.detail === undefined ? {} : { detail: result.detail }),
          },
        ];
      }
      case "exit":
        return [];
    }
  };

  /** The newest snapshot observed by this process, for the summaries written at exit (T5). */
  let lastSnapshot: Snapshot | null = null;
  const writeSummaries = async (exit: Extract<Effect, { type: "exit" }>): Promise<void> => {
    const summarize = deps.summarize;
    if (summarize === undefined || lastSnapshot === null) return;
    const files: [string, Snapshot][] = [[SUMMARY_KEY, { ...lastSnapshot, state: exit.state }]];
    for (const unit of exit.units) {
      if (kindOf(unit.id) !== "batch") continue;
      const own = batchSnapshot(lastSnapshot, unit.id);
      if (own !== null) files.push([unitKeys("batch", unit.id).summary, { ...own, state: unit.state }]);
    }
    for (const [key, snapshot] of files) {
      try {
        await store.put(key, summarize(snapshot));
      } catch (error) {
        // A summary is a convenience (baselines, history): it never keeps the watcher from exiting.
        log("error", null, "state-io", `could not write ${key}: ${String(error)}`);
      }
    }
  };

  const queue: MachineEvent[] = [{ type: "watcher.started", at: clock.now(), mono: clock.monotonicMs() }];
  const drain = async (): Promise<Extract<Effect, { type: "exit" }> | null> => {
    for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
      const decision = decide(state, event, deps.policy);
      state = decision.state;
      for (const effect of decision.effects) {
        if (effect.type === "exit") {
          log(
            "info",
            null,
            "closed",
            `exit: ${effect.state}${effect.needsReview ? " (needs review, D9)" : ""}`,
          );
          await writeSummaries(effect);
          return effect;
        }
        queue.push(...(await perform(effect)));
      }
    }
    return null;
  };

  const gather = async (): Promise<void> => {
    if (!cancelsSent.has("") && (await store.get(CANCEL_KEY)) !== null) {
      cancelsSent.add("");
      queue.push({ type: "cancel.requested", at: clock.now(), reason: "cancelled.marker present" });
    }
    if (state.categorized) {
      for (const key of await store.keys("subruns/")) {
        const match = /^subruns\/([^/]+)\/cancelled\.marker$/.exec(key);
        const batch = match?.[1];
        if (batch === undefined || cancelsSent.has(batch)) continue;
        cancelsSent.add(batch);
        queue.push({ type: "cancel.requested", at: clock.now(), batch, reason: "cancelled.marker present" });
      }
    }
    let observation: Observation;
    try {
      observation = await deps.observe();
    } catch (error) {
      log("warn", null, "observe-failed", `could not observe the run, retrying next poll: ${String(error)}`);
      return;
    }
    deps.crash("after-observe");
    lastSnapshot = observation.snapshot;
    queue.push({
      type: "snapshot.observed",
      at: clock.now(),
      mono: clock.monotonicMs(),
      snapshot: observation.snapshot,
      ...(observation.progressExtra === undefined ? {} : { progressExtra: observation.progressExtra }),
    });
  };

  let exit = await drain();
  while (exit === null) {
    await gather();
    exit = await drain();
    if (exit === null) await deps.sleep(deps.intervalMs);
  }
  return { kind: "exited", exit };
}

/**
 * Loads `state.json`. A missing file gives a fresh state; an empty, unparsable or foreign one is
 * quarantined as `state.json.corrupt-<ms>` (reliability §6 case 14) and rebuilt fresh: the artifacts
 * rebuild the rest, and every unit with an intent but no posted marker is reported ambiguous.
 */
async function loadState(
  deps: WatcherDeps,
  log: (level: WatcherLogRecord["level"], unit: string | null, reason: string, message: string) => void,
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
