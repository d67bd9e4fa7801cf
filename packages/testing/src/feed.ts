/**
 * Feeds events through `decide` and collects the effects, for unit tests and recorded run timelines
 * (DESIGN.md: "feed a recorded artifact timeline through the machine and compare the posts").
 * "Replay" is kept for re-running failed hosts (T3); this is feeding, not replaying.
 */
import {
  DEFAULT_MACHINE_POLICY,
  decide,
  type Effect,
  type MachineEvent,
  type MachinePolicy,
  type MachineState,
} from "@atvm-watch/engine";

/** The final state and every effect, in order. */
export interface FeedResult {
  readonly state: MachineState;
  readonly effects: readonly Effect[];
}

/** Applies `events` in order from `state`; `policy` defaults to `DEFAULT_MACHINE_POLICY`. */
export function feedEvents(
  state: MachineState,
  events: readonly MachineEvent[],
  policy: MachinePolicy = DEFAULT_MACHINE_POLICY,
): FeedResult {
  let current = state;
  const effects: Effect[] = [];
  for (const event of events) {
    const decision = decide(current, event, policy);
    current = decision.state;
    effects.push(...decision.effects);
  }
  return { state: current, effects };
}

/** @deprecated Old name of {@link FeedResult}; "replay" now means re-running failed hosts (T3). */
export type ReplayResult = FeedResult;

/** @deprecated Old name of {@link feedEvents}, kept until the machine tests move over. */
export const replay: typeof feedEvents = feedEvents;

/** The effects of one type, narrowed, e.g. `effectsOf(effects, "post")`. */
export function effectsOf<T extends Effect["type"]>(
  effects: readonly Effect[],
  type: T,
): Extract<Effect, { readonly type: T }>[] {
  return effects.filter((effect): effect is Extract<Effect, { readonly type: T }> => effect.type === type);
}
