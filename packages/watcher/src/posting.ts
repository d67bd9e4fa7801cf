/**
 * The intent-then-commit post protocol of one posting unit (docs/watcher.md "The delivery promise",
 * D6, D10): the intent (frozen text + notification id) is written with an exclusive create BEFORE
 * the POST; the posted marker is written with an exclusive create after `ok`. The posted marker is
 * authoritative: a unit with one is never posted again. Each function performs one machine effect
 * and resolves the events it produces.
 */
import { type Effect, type MachineEvent, postOutcomeEvent } from "@atvm-watch/engine";
import type { WatcherDeps } from "./deps.ts";
import { type PostedMarker, type PostIntent, parseRecord, type unitKeys } from "./keys.ts";
import type { WatcherLog } from "./log.ts";
import { backoffMs, type Durably } from "./persistence.ts";

/** What the post protocol uses of the loop. */
export interface PostingContext {
  readonly deps: Pick<
    WatcherDeps,
    "build" | "store" | "clock" | "crash" | "newId" | "render" | "notifier" | "sleep" | "policy"
  >;
  readonly log: WatcherLog;
  readonly durably: Durably;
  /** Units whose intent predates a rebuilt state: their post may have happened (at-most-once: never re-post). */
  readonly ambiguous: Set<string>;
  /** The store keys of a unit (its kind from the current state). */
  readonly keysOf: (unit: string) => ReturnType<typeof unitKeys>;
}

type EffectOf<T extends Effect["type"]> = Extract<Effect, { type: T }>;

/** `record-post-intent`: freezes the rendered text under a fresh notification id (kept when one exists). */
export async function recordPostIntent(
  ctx: PostingContext,
  effect: EffectOf<"record-post-intent">,
): Promise<readonly MachineEvent[]> {
  const { deps, log } = ctx;
  const { store, clock } = deps;
  const keys = ctx.keysOf(effect.unit);
  const posted = await store.get(keys.posted);
  if (posted !== null) {
    log("warn", effect.unit, "duplicate-prevented", "a posted marker exists: not posting again");
    return [{ type: "post.intent-recorded", at: clock.now(), unit: effect.unit }];
  }
  deps.crash("before-intent");
  const intent: PostIntent = {
    version: 1,
    notificationId: deps.newId(),
    build: deps.build,
    unit: effect.unit,
    state: effect.state,
    text: deps.render(effect.snapshot),
    createdAt: clock.now(),
  };
  const created = await ctx.durably("write the post intent", () =>
    store.create(keys.intent, JSON.stringify(intent)),
  );
  if (!created)
    log("info", effect.unit, "post-decision", "an intent exists already: its frozen text is kept");
  deps.crash("after-intent");
  return [{ type: "post.intent-recorded", at: clock.now(), unit: effect.unit }];
}

/** `discard-post-intent`: removes the unit's intent (a cancel before it was recorded). */
export async function discardPostIntent(
  ctx: PostingContext,
  effect: EffectOf<"discard-post-intent">,
): Promise<readonly MachineEvent[]> {
  await ctx.durably("discard the post intent", () => ctx.deps.store.remove(ctx.keysOf(effect.unit).intent));
  return [];
}

/**
 * `post`: sends the intent's frozen text once (after the back-off of a retry attempt). A posted
 * marker short-cuts to success; a missing intent is a permanent failure with nothing sent; an
 * ambiguous unit under the at-most-once policy is reported `post.outcome-unknown` unsent.
 */
export async function postUnit(
  ctx: PostingContext,
  effect: EffectOf<"post">,
): Promise<readonly MachineEvent[]> {
  const { deps, log, ambiguous } = ctx;
  const { store, clock } = deps;
  const keys = ctx.keysOf(effect.unit);
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
  log("info", effect.unit, "post-sent", `attempt ${effect.attempt}, id ${intent.notificationId}: ${detail}`);
  return [postOutcomeEvent(effect.unit, outcome, clock.now())];
}

/** `mark-posted`: writes the posted marker (D10) with the intent's notification id. */
export async function markPosted(
  ctx: PostingContext,
  effect: EffectOf<"mark-posted">,
): Promise<readonly MachineEvent[]> {
  const { deps } = ctx;
  const keys = ctx.keysOf(effect.unit);
  const intent = parseRecord(await deps.store.get(keys.intent));
  const marker: PostedMarker = {
    notificationId: typeof intent?.notificationId === "string" ? intent.notificationId : "",
    unit: effect.unit,
    at: effect.at,
  };
  deps.crash("before-mark-posted");
  await ctx.durably("write the posted marker", () => deps.store.create(keys.posted, JSON.stringify(marker)));
  deps.crash("after-mark-posted");
  return [];
}
