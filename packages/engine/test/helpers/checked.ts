/**
 * `decide` and `replay` for tests, failing on the machine's safety nets: `decide` turns a throwing
 * handler into an `error` log starting with `DECIDE_FAILED_MESSAGE`, and an unknown event type into an
 * `unknown event type` log. Neither may ever appear for the well-formed events the tests send, so a
 * planted bug in a handler fails the test instead of being swallowed.
 */
import { type ReplayResult, replay as replayRaw } from "@atvm-watch/testing";
import { expect } from "vitest";
import {
  DECIDE_FAILED_MESSAGE,
  type Decision,
  type Effect,
  type MachineEvent,
  type MachinePolicy,
  type MachineState,
  decide as rawDecide,
} from "../../src/machine.ts";

/** Fails the test when `effects` hold a safety-net log (a swallowed throw or an unhandled event type). */
export function expectNoCatchAll(effects: readonly Effect[]): void {
  const nets = effects.filter(
    (e) =>
      e.type === "log" &&
      (e.message.startsWith(DECIDE_FAILED_MESSAGE) || e.message.startsWith("unknown event type")),
  );
  expect(nets, "decide's safety net caught something").toEqual([]);
}

/** `decide`, failing the test when its safety net caught anything. */
export function decide(state: MachineState, event: MachineEvent, policy: MachinePolicy): Decision {
  const decision = rawDecide(state, event, policy);
  expectNoCatchAll(decision.effects);
  return decision;
}

/** `replay` from @atvm-watch/testing, failing the test when `decide`'s safety net caught anything. */
export function replay(
  state: MachineState,
  events: readonly MachineEvent[],
  policy?: MachinePolicy,
): ReplayResult {
  const result = policy === undefined ? replayRaw(state, events) : replayRaw(state, events, policy);
  expectNoCatchAll(result.effects);
  return result;
}
