/**
 * Model-based tests of the run-state machine (fast-check `fc.commands`): random interleavings of
 * snapshots (random run/batch states, progress, activity), cancels, intent acknowledgements, post
 * results (ok / rejected / unknown), ticks, runner terminations, restarts and random noise events.
 * The model is the simulated shell (pending intents, posts in flight) plus what the rules promise;
 * every decision is checked against it, and at the end the shell drains and liveness is checked.
 */
import { arbCategorizedSnapshot, arbMachineEvent, arbRunSnapshot, sampleBatchIds } from "@atvm-watch/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HostStatus, RunnerActivity, RunProgress, RunState, Snapshot } from "../src/domain.ts";
import {
  createMachineState,
  DEFAULT_MACHINE_POLICY,
  decide,
  type Effect,
  type MachineEvent,
  type MachinePolicy,
  type MachineState,
  type PostingUnit,
} from "../src/machine.ts";
import { expectNoCatchAll } from "./helpers/checked.ts";

const BUILD = "e2e-0327";
const MIN = 60_000;
const RUNS = 250;

const CLOSED: readonly RunState[] = ["CANCELLED", "TERMINATED", "HUNG", "UNKNOWN"];
const isClosed = (s: RunState): boolean => CLOSED.includes(s);
const isPostable = (s: RunState): boolean => s === "COMPLETED" || s === "FAILED";
const alive = (a: RunnerActivity | null): boolean => a !== null && (a.runnerAlive || a.cypressAlive);

/** D1, stated independently of the implementation. */
const d1Complete = (s: Snapshot): boolean =>
  s.progress === "finished" && (s.state === "COMPLETED" || s.state === "FAILED") && !alive(s.activity);
/** Snapshots on which no new post may start: unclear or cancelled. */
const blocksPosting = (s: Snapshot): boolean =>
  s.state === "CANCELLED" ||
  s.progress === "unclear" ||
  s.state === "UNKNOWN" ||
  (s.progress === "finished" && s.state !== "COMPLETED" && s.state !== "FAILED");

/** The simulated shell and the promises it checks. */
interface Model {
  readonly categorized: boolean;
  readonly policy: MachinePolicy;
  state: MachineState;
  mono: number;
  at: number;
  pendingIntents: string[];
  inflight: string[];
  terminateRequested: boolean;
  sent: Map<string, number>;
  rejected: Map<string, number>;
  unknownAnswered: Set<string>;
  finishedSeen: Set<string>;
  cancelledBeforeIntent: Set<string>;
  cancelledAfterIntent: Set<string>;
  runCancelled: boolean;
  exits: number;
  decisions: number;
}

/** How often each path was exercised, to prove the properties are not vacuous. */
const seenPaths = new Map<string, number>();
const hit = (path: string): void => {
  seenPaths.set(path, (seenPaths.get(path) ?? 0) + 1);
};

const find = (state: MachineState, id: string): PostingUnit | undefined =>
  state.units.find((s) => s.id === id);
const bump = (map: Map<string, number>, key: string): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

/** Applies one event and checks every invariant of the decision. */
function step(m: Model, event: MachineEvent): void {
  const prev = m.state;
  const { state, effects } = decide(prev, event, m.policy);
  expectNoCatchAll(effects);
  m.decisions += 1;
  m.state = state;

  if (prev.phase === "exited") {
    // absorbing: nothing but a re-announced exit on restart
    const kinds = effects.map((e) => e.type).filter((t) => t !== "log");
    expect(kinds).toEqual(event.type === "watcher.started" ? ["exit"] : []);
    expect(state).toBe(prev);
    return;
  }

  if (event.type === "watcher.started") {
    for (const unit of prev.units) if (unit.post === "intent-recorded") m.unknownAnswered.add(unit.id);
  }
  if (event.type === "post.outcome-unknown" && find(prev, event.unit)?.post === "intent-recorded") {
    m.unknownAnswered.add(event.unit);
  }
  if (event.type === "post.failed" && find(prev, event.unit)?.post === "intent-recorded")
    bump(m.rejected, event.unit);

  checkEffects(m, prev, event, effects);
  checkScopes(m, prev, effects);
  if (event.type === "snapshot.observed") checkSnapshotOracle(m, prev, event.snapshot);
  if (event.type === "cancel.requested") checkCancelOracle(m, prev, event.batch);
}

function checkEffects(m: Model, prev: MachineState, event: MachineEvent, effects: readonly Effect[]): void {
  const state = m.state;
  const types = effects.map((e) => e.type);
  const persist = types.indexOf("persist");
  for (const effect of effects) {
    hit(effect.type);
    if (effect.type === "exit") hit(`exit:${effect.state}`);
    switch (effect.type) {
      case "post": {
        // D3: only COMPLETED/FAILED; D10 intent first; W4 never after a winning cancel
        expect(isPostable(find(state, effect.unit)?.state ?? "RUNNING")).toBe(true);
        const before = find(prev, effect.unit)?.post;
        expect(
          before === "intent-recorded" ||
            (before === "intent-requested" && event.type === "post.intent-recorded"),
        ).toBe(true);
        expect(m.cancelledBeforeIntent.has(effect.unit)).toBe(false);
        // R28 / W5: the run's own unit, or a batch seen FINISHED; never a parent aggregate
        if (m.categorized) {
          expect(effect.unit).not.toBe(BUILD);
          expect(m.finishedSeen.has(effect.unit)).toBe(true);
        } else {
          expect(effect.unit).toBe(BUILD);
        }
        expect(persist).toBeGreaterThanOrEqual(0);
        expect(persist).toBeLessThan(types.indexOf("post"));
        bump(m.sent, effect.unit);
        m.inflight.push(effect.unit);
        break;
      }
      case "record-post-intent":
        expect(isPostable(find(state, effect.unit)?.state ?? "RUNNING")).toBe(true);
        expect(m.runCancelled).toBe(false);
        if (!m.pendingIntents.includes(effect.unit)) m.pendingIntents.push(effect.unit);
        break;
      case "discard-post-intent":
        m.pendingIntents = m.pendingIntents.filter((s) => s !== effect.unit);
        break;
      case "mark-posted":
        // D10: only on the notifier's ok for that unit
        expect(event.type === "post.succeeded" && event.unit === effect.unit).toBe(true);
        expect(find(state, effect.unit)?.post).toBe("posted");
        break;
      case "terminate-runner":
        // R1: only with permission, after the URL/results were persisted
        expect(m.policy.allowRunnerTermination).toBe(true);
        expect(state.r1.captured).not.toBeNull();
        m.terminateRequested = true;
        break;
      case "exit":
        expect(m.exits).toBe(0);
        m.exits += 1;
        expect(state.phase).toBe("exited");
        expect(
          state.units.every((s) =>
            isClosed(s.state)
              ? s.post === "none"
              : isPostable(s.state) && ["posted", "outcome-unknown", "rejected"].includes(s.post),
          ),
        ).toBe(true);
        break;
      case "log":
        // D8: every line names the build
        expect(effect.build).toBe(BUILD);
        break;
      case "persist":
        break;
    }
  }
  if (state !== prev) expect(persist).toBeGreaterThanOrEqual(0);
}

function checkScopes(m: Model, prev: MachineState, effects: readonly Effect[]): void {
  const state = m.state;
  const suppressed = (id: string): boolean =>
    effects.some((e) => e.type === "log" && e.reason === "post-suppressed" && e.unit === id);
  for (const p of prev.units) {
    const n = find(state, p.id);
    expect(n).toBeDefined();
    if (n === undefined) continue;
    // D6: closed states are absorbing; a decided post is never undone
    if (isClosed(p.state)) expect(n.state).toBe(p.state);
    if (isPostable(p.state) && p.post !== "none" && p.post !== "intent-requested")
      expect(n.state).toBe(p.state);
    if (p.post === "posted") expect(n.post).toBe("posted");
    // bounded retries
    expect(n.attempts).toBeLessThanOrEqual(m.policy.maxPostAttempts);
    // D8: every suppression is logged
    if (!isClosed(p.state) && isClosed(n.state)) expect(suppressed(p.id)).toBe(true);
  }
  for (const n of state.units) {
    if (find(prev, n.id) === undefined && isClosed(n.state)) expect(suppressed(n.id)).toBe(true);
  }
  if (!m.categorized) expect(state.units.map((s) => s.id)).toEqual([BUILD]);
  // D6: at most one possibly-delivered post per unit, unless an unknown outcome was retried on purpose
  for (const [id, sent] of m.sent) {
    const delivered = sent - (m.rejected.get(id) ?? 0);
    if (!(m.policy.retryUnknownOutcome && m.unknownAnswered.has(id)))
      expect(delivered).toBeLessThanOrEqual(1);
    else if (delivered > 1) hit("re-post-after-unknown");
  }
}

function checkSnapshotOracle(m: Model, prev: MachineState, snap: Snapshot): void {
  const state = m.state;
  if (m.categorized) {
    for (const b of snap.batches) if (b.state === "FINISHED") m.finishedSeen.add(b.id);
    for (const n of state.units) {
      const p = find(prev, n.id);
      if (isPostable(n.state) && (p === undefined || p.state === "RUNNING")) {
        // W5: a batch is posted only when FINISHED, with its own verdict
        const batch = snap.batches.find((b) => b.id === n.id);
        expect(batch?.state).toBe("FINISHED");
        expect(n.state).toBe(batch?.failed ? "FAILED" : "COMPLETED");
      }
    }
    if (prev.runClosed || blocksPosting(snap)) return;
    for (const b of snap.batches) {
      if (b.state !== "FINISHED") continue;
      const p = find(prev, b.id);
      const open =
        p === undefined
          ? !prev.cancelledBatches.includes(b.id) && prev.runState !== "CANCELLED"
          : p.state === "RUNNING";
      // W5: each finished batch gets its own post as soon as it finishes
      if (open) expect(find(state, b.id)?.state).toBe(b.failed ? "FAILED" : "COMPLETED");
    }
    return;
  }
  const before = find(prev, BUILD);
  const after = find(state, BUILD);
  if (before?.state !== "RUNNING" || after === undefined) return;
  if (d1Complete(snap)) {
    // D1 D3: complete → COMPLETED/FAILED as reconstructed
    expect(after.state).toBe(snap.state);
    expect(after.post).toBe("intent-requested");
  } else if (isPostable(after.state)) {
    // only the R1 path completes without D1: the watcher itself stopped the runner
    expect(prev.r1.phase).toBe("stopped");
    expect(snap.progress === "stopped" || snap.state === "TERMINATED").toBe(true);
  }
}

function checkCancelOracle(m: Model, prev: MachineState, batch: string | undefined): void {
  const state = m.state;
  const whole = !m.categorized || batch === undefined;
  if (whole) m.runCancelled = true;
  const targets = whole ? prev.units : prev.units.filter((s) => s.id === batch);
  if (m.categorized && batch !== undefined && targets.length === 0) m.cancelledBeforeIntent.add(batch);
  for (const p of targets) {
    const n = find(state, p.id);
    if (
      p.state === "RUNNING" ||
      (isPostable(p.state) && (p.post === "none" || p.post === "intent-requested"))
    ) {
      // W4: cancel before the intent is recorded wins
      expect(n?.state).toBe("CANCELLED");
      m.cancelledBeforeIntent.add(p.id);
      hit(isPostable(p.state) ? "cancel-won-after-completion" : "cancel-while-running");
    } else if (isPostable(p.state)) {
      // W4: after the intent is recorded the post goes out
      expect(n?.state).toBe(p.state);
      m.cancelledAfterIntent.add(p.id);
      hit("cancel-after-intent");
    }
  }
}

/** The shell finishes its work: acknowledges every intent and answers every post ok; then liveness holds. */
function drainAndCheck(m: Model): void {
  for (let guard = 0; guard < 200; guard++) {
    const unit = m.pendingIntents.shift();
    if (unit !== undefined) {
      step(m, { type: "post.intent-recorded", at: m.at, unit });
      continue;
    }
    const posted = m.inflight.shift();
    if (posted !== undefined) {
      step(m, { type: "post.succeeded", at: m.at, unit: posted });
      continue;
    }
    break;
  }
  for (const unit of m.state.units) {
    // D10: every COMPLETED/FAILED unit is posted once the notifier succeeds (unless left for review)
    if (isPostable(unit.state) && unit.post !== "outcome-unknown" && unit.post !== "rejected") {
      expect(unit.post).toBe("posted");
      hit(m.categorized ? "batch-posted" : "run-posted");
    }
    if (m.cancelledBeforeIntent.has(unit.id)) expect(unit.post === "posted").toBe(false);
  }
  for (const id of m.cancelledAfterIntent) {
    expect(["posted", "outcome-unknown", "rejected"]).toContain(find(m.state, id)?.post);
  }
  if (!m.categorized && m.state.units[0]?.state !== "RUNNING") expect(m.state.phase).toBe("exited");
}

type Cmd = fc.Command<Model, Model>;

const cmd = (name: string, check: (m: Readonly<Model>) => boolean, run: (m: Model) => void): Cmd => ({
  check,
  run: (m) => run(m),
  toString: () => name,
});

function commands(categorized: boolean): fc.Arbitrary<Cmd> {
  const progress = fc.oneof(
    { weight: 6, arbitrary: fc.constant<RunProgress>("running") },
    { weight: 2, arbitrary: fc.constant<RunProgress>("finished") },
    { weight: 1, arbitrary: fc.constantFrom<RunProgress>("stopped", "unclear") },
  );
  const hostStatus = fc.constantFrom<HostStatus>("PASS", "PASS", "FAIL", "RUNNING");
  const snapshot = categorized
    ? arbCategorizedSnapshot({ build: BUILD, progress })
    : arbRunSnapshot({ build: BUILD, progress, hostStatus });
  const units = categorized ? sampleBatchIds(BUILD) : [BUILD];
  const advance = (m: Model, dt: number): void => {
    m.mono += dt;
    m.at += dt;
  };
  const weighted = (weight: number, arbitrary: fc.Arbitrary<Cmd>) => ({ weight, arbitrary });
  return fc.oneof(
    weighted(
      6,
      fc.tuple(snapshot, fc.integer({ min: 0, max: 20 * MIN })).map(([snap, dt]) =>
        cmd(
          `snapshot(${snap.progress},${snap.state},+${dt})`,
          () => true,
          (m) => {
            advance(m, dt);
            step(m, { type: "snapshot.observed", at: m.at, mono: m.mono, snapshot: { ...snap, at: m.at } });
          },
        ),
      ),
    ),
    weighted(
      3,
      fc.integer({ min: 0, max: 40 * MIN }).map((dt) =>
        cmd(
          `tick(+${dt})`,
          () => true,
          (m) => {
            advance(m, dt);
            step(m, { type: "tick", at: m.at, mono: m.mono });
          },
        ),
      ),
    ),
    weighted(
      2,
      fc.option(fc.constantFrom(...units), { nil: undefined }).map((batch) =>
        cmd(
          `cancel(${batch ?? "run"})`,
          () => true,
          (m) => {
            step(
              m,
              batch === undefined
                ? { type: "cancel.requested", at: m.at }
                : { type: "cancel.requested", at: m.at, batch },
            );
          },
        ),
      ),
    ),
    weighted(
      2,
      fc.constant(
        cmd(
          "cancel-races-intent",
          (m) => m.pendingIntents.length > 0,
          (m) => {
            // the intent is written and its acknowledgement already queued when the cancel is processed
            const unit = m.pendingIntents.shift();
            if (unit === undefined) return;
            step(
              m,
              m.categorized
                ? { type: "cancel.requested", at: m.at, batch: unit }
                : { type: "cancel.requested", at: m.at },
            );
            step(m, { type: "post.intent-recorded", at: m.at, unit });
          },
        ),
      ),
    ),
    weighted(
      2,
      fc.constant(
        cmd(
          "cancel-in-flight",
          (m) => m.inflight.length > 0,
          (m) => {
            const unit = m.inflight[0];
            if (unit === undefined) return;
            step(
              m,
              m.categorized
                ? { type: "cancel.requested", at: m.at, batch: unit }
                : { type: "cancel.requested", at: m.at },
            );
          },
        ),
      ),
    ),
    weighted(
      3,
      fc.constant(
        cmd(
          "intent-recorded",
          (m) => m.pendingIntents.length > 0,
          (m) => {
            const unit = m.pendingIntents.shift();
            if (unit !== undefined) step(m, { type: "post.intent-recorded", at: m.at, unit });
          },
        ),
      ),
    ),
    weighted(
      3,
      fc.constantFrom("ok", "retryable", "permanent", "unknown").map((kind) =>
        cmd(
          `answer(${kind})`,
          (m) => m.inflight.length > 0,
          (m) => {
            const unit = m.inflight.shift();
            if (unit === undefined) return;
            const at = m.at;
            const event: MachineEvent =
              kind === "ok"
                ? { type: "post.succeeded", at, unit }
                : kind === "unknown"
                  ? { type: "post.outcome-unknown", at, unit, detail: "timeout" }
                  : {
                      type: "post.failed",
                      at,
                      unit,
                      retryable: kind === "retryable",
                      detail: "HTTP 5xx/4xx",
                    };
            step(m, event);
          },
        ),
      ),
    ),
    weighted(
      3,
      fc.boolean().map((ok) =>
        cmd(
          `runner.terminated(${ok})`,
          (m) => m.terminateRequested,
          (m) => {
            m.terminateRequested = false;
            step(m, { type: "runner.terminated", at: m.at, mono: m.mono, ok });
          },
        ),
      ),
    ),
    weighted(
      1,
      fc.constant(
        cmd(
          "restart",
          () => true,
          (m) => {
            // the process died: unreported intents and posts in flight are lost with it
            m.pendingIntents = [];
            m.inflight = [];
            m.terminateRequested = false;
            step(m, { type: "watcher.started", at: m.at, mono: m.mono });
          },
        ),
      ),
    ),
    weighted(
      1,
      arbMachineEvent({ build: BUILD, units, categorized }).map((noise) =>
        cmd(
          `noise(${noise.type})`,
          () => true,
          (m) => {
            if (
              noise.type === "post.succeeded" ||
              noise.type === "post.failed" ||
              noise.type === "post.outcome-unknown"
            )
              return;
            if (noise.type === "watcher.started") return;
            const shifted = "mono" in noise ? { ...noise, at: m.at, mono: m.mono } : { ...noise, at: m.at };
            step(m, shifted as MachineEvent);
          },
        ),
      ),
    ),
  );
}

const arbPolicy: fc.Arbitrary<MachinePolicy> = fc.record({
  hangWindowMs: fc.constant(30 * MIN),
  unknownImmediately: fc.boolean(),
  allowRunnerTermination: fc.boolean(),
  runnerExitGraceMs: fc.constantFrom(0, 2 * MIN),
  maxPostAttempts: fc.integer({ min: 1, max: 3 }),
  retryUnknownOutcome: fc.boolean(),
});

function property(categorized: boolean) {
  return fc.property(arbPolicy, fc.commands([commands(categorized)], { maxCommands: 50 }), (policy, cmds) => {
    const model: Model = {
      categorized,
      policy,
      state: createMachineState({ build: BUILD, categorized }),
      mono: 0,
      at: Date.UTC(2026, 2, 27),
      pendingIntents: [],
      inflight: [],
      terminateRequested: false,
      sent: new Map(),
      rejected: new Map(),
      unknownAnswered: new Set(),
      finishedSeen: new Set(),
      cancelledBeforeIntent: new Set(),
      cancelledAfterIntent: new Set(),
      runCancelled: false,
      exits: 0,
      decisions: 0,
    };
    step(model, { type: "watcher.started", at: model.at, mono: 0 });
    fc.modelRun(() => ({ model, real: model }), cmds);
    drainAndCheck(model);
  });
}

describe("run-state machine, model-based", () => {
  it("D1 D2 D3 D4 D6 D8 D10 R1 R28 W4 non-categorized: random interleavings keep every posting rule", () => {
    fc.assert(property(false), { numRuns: RUNS });
  });

  it("D3 D4 D6 D8 D9 D10 W4 W5 categorized: one post per finished batch, never for the parent, across random interleavings", () => {
    fc.assert(property(true), { numRuns: RUNS });
  });

  it("the model runs exercise every path: posts, cancels on both sides of the intent, R1, HUNG, UNKNOWN (fixed seed)", () => {
    seenPaths.clear();
    const show = (): string => JSON.stringify(Object.fromEntries([...seenPaths].sort()));
    fc.assert(property(false), { numRuns: RUNS, seed: 20260327 });
    fc.assert(property(true), { numRuns: RUNS, seed: 20260327 });
    for (const path of [
      "post",
      "mark-posted",
      "terminate-runner",
      "discard-post-intent",
      "exit:COMPLETED",
      "exit:FAILED",
      "exit:CANCELLED",
      "exit:TERMINATED",
      "exit:HUNG",
      "exit:UNKNOWN",
      "cancel-while-running",
      "cancel-won-after-completion",
      "cancel-after-intent",
      "re-post-after-unknown",
      "batch-posted",
      "run-posted",
    ]) {
      expect(seenPaths.get(path) ?? 0, `${path} in ${show()}`).toBeGreaterThan(3);
    }
  });

  it("D6 decide is total over arbitrary event sequences (with defaults) and its state stays JSON", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(
          arbMachineEvent({ build: BUILD, units: [BUILD, ...sampleBatchIds(BUILD)], categorized: true }),
          {
            maxLength: 30,
          },
        ),
        (categorized, events) => {
          let state = createMachineState({ build: BUILD, categorized });
          for (const event of events) {
            const decision = decide(state, event, DEFAULT_MACHINE_POLICY);
            expectNoCatchAll(decision.effects);
            state = decision.state;
            expect(JSON.parse(JSON.stringify(state))).toEqual(state);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
