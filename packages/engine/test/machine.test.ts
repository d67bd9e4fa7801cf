import { activity, batchEntry, buildSnapshot, effectsOf, hostEntry } from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../src/domain.ts";
import {
  createMachineState,
  DEFAULT_MACHINE_POLICY,
  type Effect,
  type MachineEvent,
  type MachinePolicy,
  type MachineState,
  postOutcomeEvent,
  progressKey,
  RUNNER_STOPPED_NOTE,
  decide as rawDecide,
} from "../src/machine.ts";
import { decide, replay } from "./helpers/checked.ts";

const BUILD = "e2e-0327";
const MIN = 60_000;
const POLICY: MachinePolicy = {
  ...DEFAULT_MACHINE_POLICY,
  hangWindowMs: 30 * MIN,
  runnerExitGraceMs: 2 * MIN,
};
const T0 = Date.UTC(2026, 2, 27, 8, 0, 0);

const fresh = (categorized = false): MachineState => createMachineState({ build: BUILD, categorized });
const seen = (snapshot: Snapshot, mono: number, extra?: string): MachineEvent =>
  extra === undefined
    ? { type: "snapshot.observed", at: T0 + mono, mono, snapshot }
    : { type: "snapshot.observed", at: T0 + mono, mono, snapshot, progressExtra: extra };
const tick = (mono: number): MachineEvent => ({ type: "tick", at: T0 + mono, mono });
const intent = (unit = BUILD): MachineEvent => ({ type: "post.intent-recorded", at: T0, unit });
const ok = (unit = BUILD): MachineEvent => ({ type: "post.succeeded", at: T0, unit });
const cancel = (batch?: string): MachineEvent =>
  batch === undefined ? { type: "cancel.requested", at: T0 } : { type: "cancel.requested", at: T0, batch };

const running = buildSnapshot({ hosts: { "atvm41-redhat9.7": "PASS", "atvm7-ubuntu24.04": "RUNNING" } });
const done = buildSnapshot({
  progress: "finished",
  hosts: { "atvm41-redhat9.7": "PASS", "atvm7-ubuntu24.04": "PASS" },
});
const doneFailed = buildSnapshot({
  progress: "finished",
  hosts: { "atvm41-redhat9.7": "PASS", "atvm7-ubuntu24.04": "FAIL" },
});

const logs = (effects: readonly Effect[]) => effectsOf(effects, "log");
const reasons = (effects: readonly Effect[]) => logs(effects).map((l) => l.reason);
const postedScopes = (effects: readonly Effect[]) => effectsOf(effects, "post").map((p) => p.unit);

/** Completes the intent-then-commit handshake for every requested intent and answers each post ok. */
function settle(
  state: MachineState,
  policy: MachinePolicy = POLICY,
): { state: MachineState; effects: Effect[] } {
  let current = state;
  const all: Effect[] = [];
  let queue: MachineEvent[] = [];
  const feed = (effects: readonly Effect[]): void => {
    all.push(...effects);
    for (const e of effects) {
      if (e.type === "record-post-intent") queue.push(intent(e.unit));
      if (e.type === "post") queue.push(ok(e.unit));
    }
  };
  for (let guard = 0; guard < 50; guard++) {
    const next = queue;
    queue = [];
    if (next.length === 0 && guard > 0) break;
    for (const event of next) {
      const d = decide(current, event, policy);
      current = d.state;
      feed(d.effects);
    }
    if (guard === 0) {
      for (const unit of current.units) {
        if (unit.post === "intent-requested") queue.push(intent(unit.id));
      }
    }
  }
  return { state: current, effects: all };
}

describe("run completion and posting (non-categorized)", () => {
  it("D1 a finished snapshot with a runner process still active is not complete", () => {
    const alive = { ...done, activity: activity({ runnerAlive: true }) };
    const r = replay(fresh(), [seen(alive, 0)], POLICY);
    expect(effectsOf(r.effects, "record-post-intent")).toEqual([]);
    expect(r.state.runState).toBe("RUNNING");
  });

  it("D1 all hosts final but progress still running is not complete", () => {
    const allFinal = buildSnapshot({ hosts: { "atvm41-redhat9.7": "PASS", "atvm7-ubuntu24.04": "PASS" } });
    const r = replay(fresh(), [seen(allFinal, 0)], POLICY);
    expect(r.state.runState).toBe("RUNNING");
    expect(effectsOf(r.effects, "record-post-intent")).toEqual([]);
  });

  it("D1 D3 D10 a finished COMPLETED run records an intent, posts once, and is marked posted only on ok", () => {
    const a = replay(fresh(), [seen(running, 0), seen(done, MIN)], POLICY);
    expect(effectsOf(a.effects, "record-post-intent").map((e) => [e.unit, e.state])).toEqual([
      [BUILD, "COMPLETED"],
    ]);
    expect(effectsOf(a.effects, "post")).toEqual([]);
    const b = replay(a.state, [intent()], POLICY);
    expect(effectsOf(b.effects, "post").map((e) => [e.unit, e.attempt])).toEqual([[BUILD, 1]]);
    expect(effectsOf(b.effects, "mark-posted")).toEqual([]);
    const c = replay(b.state, [ok()], POLICY);
    expect(effectsOf(c.effects, "mark-posted").map((e) => e.unit)).toEqual([BUILD]);
    expect(effectsOf(c.effects, "exit")).toEqual([
      {
        type: "exit",
        state: "COMPLETED",
        needsReview: false,
        units: [{ id: BUILD, state: "COMPLETED", post: "posted" }],
      },
    ]);
  });

  it("D2 D3 a finished run with a failed host is FAILED and still posted", () => {
    const r = settle(replay(fresh(), [seen(doneFailed, 0)], POLICY).state);
    const posts = effectsOf(r.effects, "post");
    expect(posts.map((p) => p.state)).toEqual(["FAILED"]);
    expect(posts[0]?.snapshot.hosts.map((h) => h.status)).toEqual(["PASS", "FAIL"]);
    expect(r.state.runState).toBe("FAILED");
  });

  it("R28 D6 exactly one post for a non-categorized run, even with a batch in the snapshot and repeated snapshots", () => {
    const withBatch = { ...done, batches: [batchEntry(`${BUILD}-redhat`, ["atvm41-redhat9.7"], "FINISHED")] };
    const a = replay(fresh(), [seen(running, 0), seen(withBatch, MIN), seen(withBatch, 2 * MIN)], POLICY);
    expect(a.state.units.map((s) => s.id)).toEqual([BUILD]);
    expect(effectsOf(a.effects, "record-post-intent")).toHaveLength(1);
    const b = replay(a.state, [intent(), intent(), ok(), ok()], POLICY);
    expect(postedScopes(b.effects)).toEqual([BUILD]);
    expect(effectsOf(b.effects, "mark-posted")).toHaveLength(1);
    expect(reasons(b.effects)).toContain("duplicate-prevented");
  });

  it("R30 the run URL is persisted as soon as it is seen and kept in the post when a later snapshot lost it", () => {
    const url = "https://currents.example/run/77";
    const a = replay(fresh(), [seen({ ...running, runUrls: [url] }, 0)], POLICY);
    const persists = effectsOf(a.effects, "persist");
    expect(persists.map((p) => p.runUrls)).toEqual([[url]]);
    expect(logs(a.effects).some((l) => l.reason === "run-url" && l.message.includes(url))).toBe(true);
    const b = settle(replay(a.state, [seen(done, MIN)], POLICY).state);
    expect(effectsOf(b.effects, "post")[0]?.snapshot.runUrls).toEqual([url]);
  });

  it("D8 every decision is logged with the build name: start, transition, posting decision, result, closed state", () => {
    const r = replay(
      fresh(),
      [{ type: "watcher.started", at: T0, mono: 0 }, seen(done, 0), intent(), ok()],
      POLICY,
    );
    expect(new Set(logs(r.effects).map((l) => l.build))).toEqual(new Set([BUILD]));
    expect(reasons(r.effects)).toEqual([
      "watch-started",
      "transition",
      "post-decision",
      "post-decision",
      "post-result",
      "closed",
    ]);
    expect(logs(r.effects).at(-1)?.message).toContain("closed as COMPLETED");
  });

  it("D10 persist comes before record-post-intent, post and mark-posted in each decision", () => {
    const a = decide(fresh(), seen(done, 0), POLICY);
    const b = decide(a.state, intent(), POLICY);
    const c = decide(b.state, ok(), POLICY);
    for (const d of [a, b, c]) {
      const types = d.effects.map((e) => e.type);
      const persist = types.indexOf("persist");
      expect(persist).toBeGreaterThanOrEqual(0);
      for (const t of ["record-post-intent", "post", "mark-posted", "exit"] as const) {
        if (types.includes(t)) expect(types.indexOf(t)).toBeGreaterThan(persist);
      }
    }
  });
});

describe("post results (D10, docs/watcher.md, The delivery promise)", () => {
  const inFlight = (): MachineState => replay(fresh(), [seen(done, 0), intent()], POLICY).state;

  it("D10 a retryable rejection re-posts the same frozen message, bounded by maxPostAttempts", () => {
    const failed: MachineEvent = {
      type: "post.failed",
      at: T0,
      unit: BUILD,
      retryable: true,
      detail: "HTTP 503",
    };
    const policy = { ...POLICY, maxPostAttempts: 3 };
    const r = replay(inFlight(), [failed, failed, failed, failed], policy);
    expect(effectsOf(r.effects, "post").map((p) => p.attempt)).toEqual([2, 3]);
    expect(r.state.units[0]?.post).toBe("rejected");
    expect(effectsOf(r.effects, "mark-posted")).toEqual([]);
    expect(effectsOf(r.effects, "exit")[0]?.needsReview).toBe(true);
  });

  it("D10 a permanent rejection is not retried and never marked posted", () => {
    const r = replay(
      inFlight(),
      [postOutcomeEvent(BUILD, { kind: "rejected", status: 400, detail: "bad", retryable: false }, T0)],
      POLICY,
    );
    expect(effectsOf(r.effects, "post")).toEqual([]);
    expect(r.state.units[0]?.post).toBe("rejected");
    expect(logs(r.effects).some((l) => l.level === "error" && l.message.includes("HTTP 400"))).toBe(true);
  });

  it("D6 D10 an unknown outcome is not re-posted by default (at-most-once) and is left for review", () => {
    const unknown: MachineEvent = { type: "post.outcome-unknown", at: T0, unit: BUILD, detail: "timeout" };
    const r = replay(inFlight(), [unknown], POLICY);
    expect(effectsOf(r.effects, "post")).toEqual([]);
    expect(r.state.units[0]?.post).toBe("outcome-unknown");
    expect(reasons(r.effects)).toContain("duplicate-prevented");
    expect(effectsOf(r.effects, "exit")[0]).toMatchObject({ needsReview: true, state: "COMPLETED" });
  });

  it("D10 with retryUnknownOutcome an unknown outcome re-posts (at-least-once)", () => {
    const unknown: MachineEvent = { type: "post.outcome-unknown", at: T0, unit: BUILD, detail: "timeout" };
    const r = replay(inFlight(), [unknown, ok()], { ...POLICY, retryUnknownOutcome: true });
    expect(effectsOf(r.effects, "post").map((p) => p.attempt)).toEqual([2]);
    expect(effectsOf(r.effects, "mark-posted")).toHaveLength(1);
  });

  it("D10 a late ok after an unknown outcome (reconciliation) marks the unit posted while the watcher runs", () => {
    const id = `${BUILD}-redhat`;
    const snap = buildSnapshot({
      categorized: true,
      hosts: [hostEntry("atvm41-redhat9.7", "PASS")],
      batches: [batchEntry(id, ["atvm41-redhat9.7"], "FINISHED")],
    });
    const unknown: MachineEvent = { type: "post.outcome-unknown", at: T0, unit: id, detail: "timeout" };
    const r = replay(fresh(true), [seen(snap, 0), intent(id), unknown, ok(id)], POLICY);
    expect(effectsOf(r.effects, "post")).toHaveLength(1);
    expect(effectsOf(r.effects, "mark-posted").map((e) => e.unit)).toEqual([id]);
  });

  it("D10 postOutcomeEvent keeps the adapter's retryable verdict and never re-classifies the status", () => {
    const failed = (status: number, retryable: boolean) =>
      postOutcomeEvent(BUILD, { kind: "rejected", status, detail: "x", retryable }, T0);
    // The same status maps both ways: only the adapter's verdict counts (classification lives in the
    // Mattermost adapter, docs/mattermost.md).
    expect([503, 400, 0].map((s) => failed(s, false))).toMatchObject([
      { type: "post.failed", retryable: false, detail: "HTTP 503: x" },
      { type: "post.failed", retryable: false, detail: "HTTP 400: x" },
      { type: "post.failed", retryable: false, detail: "x" },
    ]);
    expect([503, 400].map((s) => failed(s, true).type === "post.failed" && failed(s, true))).toMatchObject([
      { retryable: true },
      { retryable: true },
    ]);
    expect(postOutcomeEvent(BUILD, { kind: "ok" }, T0).type).toBe("post.succeeded");
    expect(postOutcomeEvent(BUILD, { kind: "unknown", detail: "t" }, T0).type).toBe("post.outcome-unknown");
  });

  it("D10 reliability §6 case 8: a permanent rejection is kept on the unit and reported in the exit effect", () => {
    const r = replay(
      inFlight(),
      [postOutcomeEvent(BUILD, { kind: "rejected", status: 403, detail: "forbidden", retryable: false }, T0)],
      POLICY,
    );
    expect(r.state.units[0]?.rejection).toEqual({ permanent: true, detail: "HTTP 403: forbidden" });
    expect(effectsOf(r.effects, "exit")[0]?.units).toEqual([
      {
        id: BUILD,
        state: "COMPLETED",
        post: "rejected",
        rejection: { permanent: true, detail: "HTTP 403: forbidden" },
      },
    ]);
  });

  it("D6 a restart with a post in flight treats it as an unknown outcome; a pending intent is re-requested", () => {
    const started: MachineEvent = { type: "watcher.started", at: T0, mono: 0 };
    const r = replay(inFlight(), [started], POLICY);
    expect(effectsOf(r.effects, "post")).toEqual([]);
    expect(r.state.units[0]?.post).toBe("outcome-unknown");
    const pending = replay(fresh(), [seen(done, 0)], POLICY).state;
    const again = replay(pending, [started], POLICY);
    expect(effectsOf(again.effects, "record-post-intent").map((e) => e.unit)).toEqual([BUILD]);
  });

  it("W1 a restarted watcher of a closed run exits again at once", () => {
    const closed = settle(replay(fresh(), [seen(done, 0)], POLICY).state).state;
    expect(closed.phase).toBe("exited");
    const r = decide(closed, { type: "watcher.started", at: T0, mono: 0 }, POLICY);
    expect(effectsOf(r.effects, "exit")).toHaveLength(1);
    expect(effectsOf(r.effects, "post")).toEqual([]);
  });
});

describe("cancellation (D4/W4)", () => {
  it("D4 W4 a cancel while RUNNING closes the run CANCELLED, logs why no post, and exits", () => {
    const r = replay(fresh(), [seen(running, 0), cancel(), seen(done, MIN)], POLICY);
    expect(r.state.runState).toBe("CANCELLED");
    expect(effectsOf(r.effects, "record-post-intent")).toEqual([]);
    expect(
      logs(r.effects).some((l) => l.reason === "post-suppressed" && l.message.includes("CANCELLED")),
    ).toBe(true);
    expect(effectsOf(r.effects, "exit")).toEqual([
      {
        type: "exit",
        state: "CANCELLED",
        needsReview: false,
        units: [{ id: BUILD, state: "CANCELLED", post: "none" }],
      },
    ]);
  });

  it("W4 a cancel after completion but before the intent is recorded wins: the intent is discarded, no post", () => {
    const r = replay(fresh(), [seen(done, 0), cancel(), intent()], POLICY);
    expect(r.state.runState).toBe("CANCELLED");
    expect(effectsOf(r.effects, "post")).toEqual([]);
    expect(effectsOf(r.effects, "discard-post-intent").map((e) => e.unit)).toContain(BUILD);
  });

  it("W4 a cancel after the intent is recorded does not stop the post", () => {
    const r = replay(fresh(), [seen(done, 0), intent(), cancel(), ok()], POLICY);
    expect(postedScopes(r.effects)).toEqual([BUILD]);
    expect(effectsOf(r.effects, "mark-posted")).toHaveLength(1);
    expect(r.state.runState).toBe("COMPLETED");
  });

  it("W4 W5 cancelling a batch not seen yet closes it CANCELLED when it appears; other batches still post", () => {
    const redhat = `${BUILD}-redhat`;
    const ubuntu = `${BUILD}-ubuntu`;
    const snap = buildSnapshot({
      categorized: true,
      hosts: [hostEntry("atvm41-redhat9.7", "PASS"), hostEntry("atvm7-ubuntu24.04", "PASS")],
      batches: [
        batchEntry(redhat, ["atvm41-redhat9.7"], "FINISHED"),
        batchEntry(ubuntu, ["atvm7-ubuntu24.04"], "FINISHED"),
      ],
    });
    const a = replay(fresh(true), [cancel(ubuntu), seen(snap, 0)], POLICY);
    expect(a.state.units.map((s) => [s.id, s.state])).toEqual([
      [redhat, "COMPLETED"],
      [ubuntu, "CANCELLED"],
    ]);
    expect(effectsOf(a.effects, "record-post-intent").map((e) => e.unit)).toEqual([redhat]);
  });
});

describe("categorized runs (W5)", () => {
  const redhat = `${BUILD}-redhat`;
  const ubuntu = `${BUILD}-ubuntu`;
  const alive = activity({ runnerAlive: true, cypressAlive: true });
  const cat = (batches: readonly ReturnType<typeof batchEntry>[], extra: Partial<Snapshot> = {}): Snapshot =>
    buildSnapshot({
      categorized: true,
      hosts: [
        hostEntry("atvm41-redhat9.7", batches[0]?.state === "FINISHED" ? "FAIL" : "RUNNING", {
          batch: redhat,
        }),
        hostEntry("atvm7-ubuntu24.04", batches[1]?.state === "FINISHED" ? "PASS" : "NOT STARTED", {
          batch: ubuntu,
        }),
      ],
      batches,
      activity: alive,
      ...extra,
    });
  const b1done = batchEntry(redhat, ["atvm41-redhat9.7"], "FINISHED", { failed: true });
  const b2run = batchEntry(ubuntu, ["atvm7-ubuntu24.04"], "RUNNING");
  const b2done = batchEntry(ubuntu, ["atvm7-ubuntu24.04"], "FINISHED");

  it("W5 a finished batch is posted at once while the runner is alive, and does not end the run", () => {
    const a = settle(replay(fresh(true), [seen(cat([b1done, b2run]), 0)], POLICY).state);
    expect(postedScopes(a.effects)).toEqual([redhat]);
    expect(a.state.phase).toBe("watching");
    expect(effectsOf(a.effects, "exit")).toEqual([]);
  });

  it("W5 R4 a batch post renders only that batch: its id as heading, its hosts, its own state", () => {
    const a = settle(replay(fresh(true), [seen(cat([b1done, b2run]), 0)], POLICY).state);
    const post = effectsOf(a.effects, "post")[0];
    expect(post?.state).toBe("FAILED");
    expect(post?.snapshot.build).toBe(redhat);
    expect(post?.snapshot.hosts.map((h) => h.host)).toEqual(["atvm41-redhat9.7"]);
    expect(post?.snapshot.batches.map((b) => b.id)).toEqual([redhat]);
  });

  it("W5 D6 one post per batch, no parent aggregate post; exits once the runner is gone", () => {
    const gone = { progress: "finished" as const, state: "FAILED" as const, activity: activity() };
    const a = settle(replay(fresh(true), [seen(cat([b1done, b2run]), 0)], POLICY).state);
    const b = settle(
      replay(a.state, [seen(cat([b1done, b2done]), MIN), seen(cat([b1done, b2done]), 2 * MIN)], POLICY).state,
    );
    expect(postedScopes(b.effects)).toEqual([ubuntu]);
    expect(b.state.phase).toBe("watching");
    const c = replay(b.state, [seen(cat([b1done, b2done], gone), 3 * MIN)], POLICY);
    expect(postedScopes(c.effects)).toEqual([]);
    expect(effectsOf(c.effects, "record-post-intent")).toEqual([]);
    expect(effectsOf(c.effects, "exit")).toEqual([
      {
        type: "exit",
        state: "FAILED",
        needsReview: false,
        units: [
          { id: redhat, state: "FAILED", post: "posted" },
          { id: ubuntu, state: "COMPLETED", post: "posted" },
        ],
      },
    ]);
  });

  it("W5 the parent stays alive while a child Cypress process is active even with every batch posted", () => {
    const childOnly = { activity: activity({ cypressAlive: true }) };
    const a = settle(replay(fresh(true), [seen(cat([b1done, b2done], childOnly), 0)], POLICY).state);
    expect(postedScopes(a.effects).sort()).toEqual([redhat, ubuntu]);
    expect(a.state.phase).toBe("watching");
  });

  it("W4 D4 cancelling a categorized run closes open batches CANCELLED without posts and exits", () => {
    const a = settle(replay(fresh(true), [seen(cat([b1done, b2run]), 0)], POLICY).state);
    const b = replay(a.state, [cancel(), seen(cat([b1done, b2done]), MIN)], POLICY);
    expect(b.state.units.map((s) => [s.id, s.state, s.post])).toEqual([
      [redhat, "FAILED", "posted"],
      [ubuntu, "CANCELLED", "none"],
    ]);
    expect(postedScopes(b.effects)).toEqual([]);
    expect(effectsOf(b.effects, "exit")[0]?.state).toBe("CANCELLED");
  });

  it("D6 D8 a cancelled batch later seen FINISHED is never posted, and the suppression is logged once", () => {
    const a = replay(fresh(true), [seen(cat([b1done, b2run]), 0), cancel(ubuntu)], POLICY);
    const b = replay(
      a.state,
      [seen(cat([b1done, b2done]), MIN), seen(cat([b1done, b2done]), 2 * MIN)],
      POLICY,
    );
    expect(effectsOf(b.effects, "record-post-intent")).toEqual([]);
    const suppressed = logs(b.effects).filter((l) => l.reason === "post-suppressed" && l.unit === ubuntu);
    expect(suppressed).toHaveLength(1);
  });

  it("D3 a categorized run stopped mid-batch closes that batch TERMINATED, unposted", () => {
    const stopped = cat([b1done, b2run], { progress: "stopped", state: "TERMINATED", activity: activity() });
    const r = settle(replay(fresh(true), [seen(stopped, 0)], POLICY).state);
    expect(r.state.units.map((s) => [s.id, s.state])).toEqual([
      [redhat, "FAILED"],
      [ubuntu, "TERMINATED"],
    ]);
    expect(postedScopes(r.effects)).toEqual([redhat]);
    expect(r.state.phase).toBe("exited");
  });
});

describe("termination, hang and unknown (D3, D9)", () => {
  it("D3 a stopped run closes TERMINATED without a post", () => {
    const stopped = buildSnapshot({ progress: "stopped", hosts: { "atvm41-redhat9.7": "RUNNING" } });
    const r = replay(fresh(), [seen(running, 0), seen(stopped, MIN), seen(done, 2 * MIN)], POLICY);
    expect(r.state.runState).toBe("TERMINATED");
    expect(effectsOf(r.effects, "record-post-intent")).toEqual([]);
    expect(
      logs(r.effects).some((l) => l.reason === "post-suppressed" && l.message.includes("TERMINATED")),
    ).toBe(true);
  });

  it("D9 no progress evidence for the hang window while processes are alive → HUNG, not before", () => {
    const a = replay(fresh(), [seen(running, 0), seen(running, 29 * MIN), tick(29 * MIN + 59_000)], POLICY);
    expect(a.state.runState).toBe("RUNNING");
    const b = replay(a.state, [tick(30 * MIN)], POLICY);
    expect(b.state.runState).toBe("HUNG");
    expect(effectsOf(b.effects, "exit")[0]).toMatchObject({ state: "HUNG", needsReview: true });
    expect(logs(b.effects).some((l) => l.level === "error" && l.reason === "post-suppressed")).toBe(true);
  });

  it("D9 progress evidence (host status, or the shell's log size) restarts the hang window", () => {
    const moved = buildSnapshot({ hosts: { "atvm41-redhat9.7": "PASS", "atvm7-ubuntu24.04": "PASS" } });
    const a = replay(fresh(), [seen(running, 0), seen(moved, 20 * MIN), tick(45 * MIN)], POLICY);
    expect(a.state.runState).toBe("RUNNING");
    const b = replay(
      fresh(),
      [seen(running, 0, "log:100"), seen(running, 20 * MIN, "log:200"), tick(45 * MIN)],
      POLICY,
    );
    expect(b.state.runState).toBe("RUNNING");
    const c = replay(
      fresh(),
      [seen(running, 0, "log:100"), seen(running, 20 * MIN, "log:100"), tick(45 * MIN)],
      POLICY,
    );
    expect(c.state.runState).toBe("HUNG");
  });

  it("D9 the hang window uses the monotonic clock: a wall-clock jump alone never hangs a run", () => {
    const jump: MachineEvent = { type: "tick", at: T0 + 48 * 60 * MIN, mono: MIN };
    const r = replay(fresh(), [seen(running, 0), jump], POLICY);
    expect(r.state.runState).toBe("RUNNING");
  });

  it("D9 UNKNOWN only after the snapshots stay unclear for the hang window; a clear snapshot resets it", () => {
    const unclear = buildSnapshot({ progress: "unclear", hosts: { "atvm41-redhat9.7": "RUNNING" } });
    const a = replay(
      fresh(),
      [seen(unclear, 0), seen(running, 20 * MIN), seen(unclear, 25 * MIN), tick(50 * MIN)],
      POLICY,
    );
    expect(a.state.runState).toBe("RUNNING");
    const b = replay(a.state, [tick(55 * MIN)], POLICY);
    expect(b.state.runState).toBe("UNKNOWN");
    expect(effectsOf(b.effects, "exit")[0]?.needsReview).toBe(true);
  });

  it("D9 UNKNOWN at once when the policy says unknownImmediately", () => {
    const unclear = buildSnapshot({ progress: "unclear" });
    const r = replay(fresh(), [seen(unclear, 0)], { ...POLICY, unknownImmediately: true });
    expect(r.state.runState).toBe("UNKNOWN");
    expect(effectsOf(r.effects, "record-post-intent")).toEqual([]);
  });

  it("D6 a closed run never turns into a post: HUNG then a finished snapshot", () => {
    const r = replay(
      fresh(),
      [seen(running, 0), tick(31 * MIN), seen(done, 32 * MIN), intent(), ok()],
      POLICY,
    );
    expect(r.state.runState).toBe("HUNG");
    expect(effectsOf(r.effects, "post")).toEqual([]);
    expect(effectsOf(r.effects, "mark-posted")).toEqual([]);
  });
});

describe("runner hang after upload (R1)", () => {
  const url = "https://currents.example/run/9";
  const hungAfterUpload = buildSnapshot({
    hosts: { "atvm41-redhat9.7": "PASS", "atvm7-ubuntu24.04": "FAIL" },
    runUrls: [url],
    activity: activity({ runnerAlive: true, defunctChild: true }),
  });
  const finishedAfterStop = buildSnapshot({
    progress: "finished",
    hosts: { "atvm41-redhat9.7": "PASS", "atvm7-ubuntu24.04": "FAIL" },
  });

  it("R1 R30 captures the URL and results first (persist), then terminates the runner after the grace period", () => {
    const a = decide(fresh(), seen(hungAfterUpload, 0), POLICY);
    expect(a.effects.map((e) => e.type)).not.toContain("terminate-runner");
    expect(effectsOf(a.effects, "persist")[0]?.runUrls).toEqual([url]);
    expect(a.state.r1.captured?.hosts.map((h) => h.status)).toEqual(["PASS", "FAIL"]);
    const b = decide(a.state, tick(2 * MIN), POLICY);
    const types = b.effects.map((e) => e.type);
    expect(types).toContain("terminate-runner");
    expect(types.indexOf("persist")).toBeLessThan(types.indexOf("terminate-runner"));
  });

  it("R1 once the runner is stopped the run completes normally with the note, and posts once", () => {
    const stopped: MachineEvent = { type: "runner.terminated", at: T0, mono: 3 * MIN, ok: true };
    const a = replay(
      fresh(),
      [seen(hungAfterUpload, 0), tick(2 * MIN), stopped, seen(finishedAfterStop, 4 * MIN)],
      POLICY,
    );
    const r = settle(a.state);
    const posts = effectsOf(r.effects, "post");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.state).toBe("FAILED");
    expect(posts[0]?.snapshot.notes).toContain(RUNNER_STOPPED_NOTE);
    expect(posts[0]?.snapshot.runUrls).toEqual([url]);
  });

  it("R1 after the watcher stopped the runner, a 'stopped' snapshot with final results still completes", () => {
    const stopped: MachineEvent = { type: "runner.terminated", at: T0, mono: 3 * MIN, ok: true };
    const stoppedSnap = buildSnapshot({
      progress: "stopped",
      hosts: { "atvm41-redhat9.7": "PASS", "atvm7-ubuntu24.04": "PASS" },
    });
    const a = replay(
      fresh(),
      [seen(hungAfterUpload, 0), tick(2 * MIN), stopped, seen(stoppedSnap, 4 * MIN)],
      POLICY,
    );
    expect(a.state.runState).toBe("COMPLETED");
    expect(a.state.units[0]?.message?.notes).toContain(RUNNER_STOPPED_NOTE);
  });

  it("R1 D9 without permission the runner is never terminated and the run closes HUNG after the window", () => {
    const policy = { ...POLICY, allowRunnerTermination: false };
    const r = replay(fresh(), [seen(hungAfterUpload, 0), tick(10 * MIN), tick(30 * MIN)], policy);
    expect(effectsOf(r.effects, "terminate-runner")).toEqual([]);
    expect(r.state.runState).toBe("HUNG");
    expect(effectsOf(r.effects, "post")).toEqual([]);
    expect(
      logs(r.effects).some((l) => l.reason === "runner-hang" && l.message.includes("not permitted")),
    ).toBe(true);
  });

  it("R1 a runner that exits on its own during the grace period completes without the note", () => {
    const r = settle(replay(fresh(), [seen(hungAfterUpload, 0), seen(finishedAfterStop, MIN)], POLICY).state);
    expect(effectsOf(r.effects, "terminate-runner")).toEqual([]);
    expect(effectsOf(r.effects, "post")[0]?.snapshot.notes).not.toContain(RUNNER_STOPPED_NOTE);
  });

  it("R1 results not final is not a runner hang, even with a URL and a defunct child", () => {
    const notFinal = { ...hungAfterUpload, hosts: [hostEntry("atvm41-redhat9.7", "RUNNING")] };
    const r = replay(fresh(), [seen(notFinal, 0), tick(10 * MIN)], POLICY);
    expect(r.state.r1.phase).toBe("none");
    expect(effectsOf(r.effects, "terminate-runner")).toEqual([]);
  });
});

describe("evidence helpers", () => {
  it("D9 progressKey ignores the poll time and elapsed timing, and sees host status changes", () => {
    const later = { ...running, at: T0 + 5 * MIN, timing: { ...running.timing, elapsedMs: 5 * MIN } };
    expect(progressKey(later)).toBe(progressKey(running));
    const changed = {
      ...running,
      hosts: [hostEntry("atvm41-redhat9.7", "PASS"), hostEntry("atvm7-ubuntu24.04", "FAIL")],
    };
    expect(progressKey(changed)).not.toBe(progressKey(running));
    expect(progressKey(running, "log:1")).not.toBe(progressKey(running, "log:2"));
  });

  it("D6 decide is total: malformed events and states give an error log, never a throw", () => {
    const state = fresh();
    const bad = [
      null,
      {},
      { type: "nope", at: 1 },
      { type: "snapshot.observed", at: 1, mono: 1 },
    ] as unknown as MachineEvent[];
    for (const event of bad) {
      const d = rawDecide(state, event, POLICY);
      expect(d.state).toEqual(state);
      expect(effectsOf(d.effects, "post")).toEqual([]);
    }
    const broken = rawDecide(null as unknown as MachineState, tick(0), POLICY);
    expect(logs(broken.effects)[0]?.level).toBe("error");
  });
});
