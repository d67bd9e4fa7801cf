/**
 * Timelines of non-categorized runs through the real pipeline (collector → locate → unit →
 * reconstruct → decide, harness.ts): a FAILED run (R28, D1, D3), a cancelled one (D4, W4, D6), a
 * runner that hangs after upload (R1, R30, D9), and a run from the reporter cases whose long XML is
 * caught mid-write again and again. Oracles: the fixtures' expected.json, never the code's output.
 */
import { DEFAULT_MACHINE_POLICY, type MachinePolicy, RUNNER_STOPPED_NOTE } from "@atvm-watch/engine";
import { effectsOf } from "@atvm-watch/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { expectedCase, expectedExample, expectedStatuses } from "./expected.ts";
import { playTimeline, type StepTrace, statuses, stepOf, type TimelineRun } from "./harness.ts";
import { FLAT, FLAT_BUILD, flatRun, HOSTILE_CUTS, REP_BUILD, reportersRun } from "./timelines.ts";

const expected = expectedExample("flat-run");

/** The flat-run scenarios run with the default policy. */
const FLAT_POLICY: MachinePolicy = DEFAULT_MACHINE_POLICY;

/** Consecutive duplicates removed: the sequence of states a run went through. */
function sequence(values: readonly string[]): string[] {
  return values.filter((v, i) => i === 0 || values[i - 1] !== v);
}

function index(run: TimelineRun, label: string): number {
  const i = run.steps.findIndex((s) => s.label === label);
  if (i < 0) throw new RangeError(`no step ${label}`);
  return i;
}

function postsIn(step: StepTrace): number {
  return step.effects.filter((e) => e.type === "post" || e.type === "record-post-intent").length;
}

function inScopeFinal(step: StepTrace): boolean {
  const hosts = (step.snapshot?.hosts ?? []).filter((h) => h.status !== "SKIPPED");
  return hosts.length > 0 && hosts.every((h) => h.status === "PASS" || h.status === "FAIL");
}

describe("timeline: flat-run ends FAILED (examples/flat-run)", () => {
  let run: TimelineRun;
  beforeAll(async () => {
    run = await playTimeline(flatRun(), { policy: FLAT_POLICY });
  });

  it("R28 D3 posts exactly once, for the run unit, never for a batch", () => {
    expect(run.posts).toHaveLength(1);
    expect(run.posts[0]?.unit).toBe(FLAT_BUILD);
    expect(run.posts[0]?.state).toBe(expected.runState);
    expect(run.state.units.map((s) => [s.id, s.kind])).toEqual([[FLAT_BUILD, "run"]]);
    for (const step of run.steps) expect(step.snapshot?.batches ?? []).toEqual([]);
    expect(effectsOf(run.effects, "mark-posted").map((e) => e.unit)).toEqual([FLAT_BUILD]);
    expect(effectsOf(run.effects, "exit")).toEqual([
      {
        type: "exit",
        state: "FAILED",
        needsReview: false,
        units: [{ id: FLAT_BUILD, state: "FAILED", post: "posted" }],
      },
    ]);
  });

  it("D1 D2 goes RUNNING → FAILED only when the runner is gone, every host is final and the finalization was seen", () => {
    expect(sequence(run.steps.map((s) => s.runState))).toEqual(["RUNNING", "FAILED"]);
    expect(sequence(run.steps.map((s) => s.snapshot?.state ?? "-"))).toEqual(["RUNNING", "FAILED"]);
    const postAt = index(run, FLAT.runnerExited);
    expect(run.posts[0]?.step).toBe(FLAT.runnerExited);
    // Before: every step stays RUNNING, none asks for a post.
    for (const step of run.steps.slice(0, postAt)) {
      expect(step.runState).toBe("RUNNING");
      expect(postsIn(step)).toBe(0);
    }
    // All hosts final + finalization XML + footer, but the runner alive: still no post (D1).
    for (const label of [FLAT.finalization, FLAT.footer]) {
      const step = stepOf(run, label);
      expect(inScopeFinal(step)).toBe(true);
      expect(step.snapshot?.activity?.runnerAlive).toBe(true);
      expect(postsIn(step)).toBe(0);
    }
    const at = run.steps[postAt] as StepTrace;
    expect(at.snapshot?.activity).toEqual({ runnerAlive: false, cypressAlive: false, defunctChild: false });
    expect(at.snapshot?.progress).toBe("finished");
    expect(inScopeFinal(at)).toBe(true);
  });

  it("D3 W7 R11 R27 R33 the post shows the hosts and failing steps of the example's expected.json", () => {
    const post = run.posts[0];
    expect(post).toBeDefined();
    if (post === undefined) return;
    expect(statuses(post.snapshot)).toEqual(expectedStatuses(expected.hosts, expected.skipped));
    for (const host of expected.hosts.filter((h) => h.status === "FAIL")) {
      const entry = post.snapshot.hosts.find((h) => h.host === host.host);
      expect(entry?.failure?.step, host.host).toBe(host.failingStep);
      expect(entry?.failure?.message, host.host).toContain(host.messageIncludes);
    }
    expect(post.snapshot.runUrls).toEqual([expected.runUrl]);
  });

  it("D1 W7 a half-written XML mid-timeline is neither a crash, nor a result, nor a reason to post", () => {
    for (const label of [FLAT.atvm22HalfWritten, FLAT.atvm22StillWriting]) {
      const step = stepOf(run, label);
      expect(step.snapshot?.hosts.find((h) => h.host === "atvm22-redhat9.2")?.status, label).toBe("RUNNING");
      expect(step.runState).toBe("RUNNING");
      expect(postsIn(step)).toBe(0);
    }
    // Once complete, the same file gives the real result: FAIL at step 7 (W7).
    const done = stepOf(run, FLAT.atvm22Done).snapshot?.hosts.find((h) => h.host === "atvm22-redhat9.2");
    expect(done?.status).toBe("FAIL");
    expect(done?.failure?.step).toBe(7);
  });
});

describe("timeline: a run from the reporter cases, its long XML written in pieces", () => {
  let run: TimelineRun;
  beforeAll(async () => {
    run = await playTimeline(reportersRun());
  });

  it("D1 W7 no cut of the hostile-text XML (NUL, ANSI, 20,000 chars) yields a result or a post", () => {
    const cuts = run.steps.filter((s) => s.label.startsWith("hostile-text XML at "));
    expect(cuts).toHaveLength(HOSTILE_CUTS.length);
    for (const step of cuts) {
      const host = step.snapshot?.hosts.find((h) => h.host === "atvm9-redhat9.7");
      expect(["RUNNING", "NOT STARTED"], step.label).toContain(host?.status);
      expect(postsIn(step)).toBe(0);
    }
    expect(postsIn(stepOf(run, "check-xml-files XML half-written"))).toBe(0);
  });

  it("D1 D3 R28 posts once, after the runner exits, with both failures as the reporter cases say", () => {
    expect(run.posts.map((p) => [p.step, p.unit, p.state])).toEqual([["runner exited", REP_BUILD, "FAILED"]]);
    const snapshot = run.posts[0]?.snapshot;
    for (const name of ["hostile-text", "fail-step7"]) {
      const c = expectedCase(name);
      const entry = snapshot?.hosts.find((h) => h.host === c.host);
      expect(entry?.status, name).toBe("FAIL");
      expect(entry?.failure?.step, name).toBe(c.failure?.step);
      expect(entry?.failure?.message, name).toContain(c.failure?.messageIncludes);
    }
  });
});

describe("timeline: flat-run cancelled (D4, W4, D6)", () => {
  it("D4 W4 D6 a cancel mid-run closes CANCELLED, and completion evidence and a restart later never post", async () => {
    const run = await playTimeline(flatRun({ cancelAfter: FLAT.atvm22Done, afterEnd: true }), {
      policy: FLAT_POLICY,
    });
    expect(run.posts).toEqual([]);
    expect(effectsOf(run.effects, "record-post-intent")).toEqual([]);
    expect(run.exitedAt).toBe("operator cancel");
    expect(sequence(run.steps.map((s) => s.runState))).toEqual(["RUNNING", "CANCELLED"]);
    // The completion evidence really arrived: the snapshot alone would be FAILED and finished.
    expect(stepOf(run, FLAT.runnerExited).snapshot?.state).toBe("FAILED");
    expect(stepOf(run, FLAT.runnerExited).snapshot?.progress).toBe("finished");
    // The restart re-emits exit with the closed state (W1) and still no post.
    const restart = stepOf(run, "after the end: watcher restarted");
    expect(effectsOf(restart.effects, "exit")).toEqual([
      {
        type: "exit",
        state: "CANCELLED",
        needsReview: false,
        units: [{ id: FLAT_BUILD, state: "CANCELLED", post: "none" }],
      },
    ]);
  });

  it("W4 D4 a cancel that arrives while the intent is being written wins: the intent is discarded, no post", async () => {
    let cancels = 0;
    const run = await playTimeline(flatRun(), {
      policy: FLAT_POLICY,
      beforeIntentRecorded: (unit, world) => {
        cancels += 1;
        return [
          { type: "cancel.requested", at: world.clock.now(), reason: `cancelled.marker beside ${unit}` },
        ];
      },
    });
    expect(cancels).toBe(1);
    const types = run.effects.map((e) => e.type).filter((t) => t !== "log" && t !== "persist");
    expect(types).toEqual(["record-post-intent", "discard-post-intent", "exit"]);
    expect(run.posts).toEqual([]);
    expect(run.state.runState).toBe("CANCELLED");
  });
});

describe("timeline: flat-run runner hangs after upload (R1, R30, D9)", () => {
  let allowed: TimelineRun;
  let disallowed: TimelineRun;
  beforeAll(async () => {
    allowed = await playTimeline(flatRun({ ending: "hang" }), { policy: FLAT_POLICY });
    disallowed = await playTimeline(flatRun({ ending: "hang" }), {
      policy: { ...FLAT_POLICY, allowRunnerTermination: false },
    });
  });

  it("R30 R1 persists the run URL as soon as it is seen and again with the capture, before terminate-runner", () => {
    const url = expected.runUrl as string;
    const firstPersist = allowed.effects.findIndex((e) => e.type === "persist" && e.runUrls.includes(url));
    const terminate = allowed.effects.findIndex((e) => e.type === "terminate-runner");
    expect(firstPersist).toBeGreaterThanOrEqual(0);
    expect(terminate).toBeGreaterThan(firstPersist);
    // Seen in the log's header: persisted at the very first snapshot.
    const started = stepOf(allowed, FLAT.started).effects;
    expect(started.some((e) => e.type === "persist" && e.runUrls.includes(url))).toBe(true);
    // The step that stops the runner persists the captured URL first, then acts.
    const stop = allowed.steps.find((s) => s.effects.some((e) => e.type === "terminate-runner"));
    const kinds = stop?.effects.map((e) => e.type) ?? [];
    expect(kinds.indexOf("persist")).toBeLessThan(kinds.indexOf("terminate-runner"));
    expect(allowed.state.runUrls).toEqual([url]);
  });

  it("R1 stops the runner once, after the zombie appears, then completes with exactly one post carrying the note", () => {
    expect(effectsOf(allowed.effects, "terminate-runner")).toHaveLength(1);
    const stopAt = allowed.steps.findIndex((s) => s.effects.some((e) => e.type === "terminate-runner"));
    expect(stopAt).toBeGreaterThan(index(allowed, FLAT.defunct));
    expect(allowed.posts).toHaveLength(1);
    const post = allowed.posts[0];
    if (post === undefined) return;
    expect(index(allowed, post.step)).toBeGreaterThanOrEqual(stopAt);
    expect(post.unit).toBe(FLAT_BUILD);
    expect(post.state).toBe("FAILED");
    expect(post.snapshot.notes).toContain(RUNNER_STOPPED_NOTE);
    expect(statuses(post.snapshot)).toEqual(expectedStatuses(expected.hosts, expected.skipped));
    expect(allowed.state.runState).toBe("FAILED");
    expect(effectsOf(allowed.effects, "exit").map((e) => e.needsReview)).toEqual([false]);
  });

  it("D9 R1 with termination disallowed the run closes HUNG after the hang window, never posted, left for review", () => {
    expect(effectsOf(disallowed.effects, "terminate-runner")).toEqual([]);
    expect(disallowed.posts).toEqual([]);
    expect(sequence(disallowed.steps.map((s) => s.runState))).toEqual(["RUNNING", "HUNG"]);
    const hungAt = disallowed.steps.findIndex((s) => s.runState === "HUNG");
    const lastProgress = stepOf(disallowed, FLAT.footer).at;
    const hung = disallowed.steps[hungAt] as StepTrace;
    const before = disallowed.steps[hungAt - 1] as StepTrace;
    expect(hung.at - lastProgress).toBeGreaterThanOrEqual(DEFAULT_MACHINE_POLICY.hangWindowMs);
    expect(before.at - lastProgress).toBeLessThan(DEFAULT_MACHINE_POLICY.hangWindowMs);
    expect(effectsOf(hung.effects, "exit")).toEqual([
      {
        type: "exit",
        state: "HUNG",
        needsReview: true,
        units: [{ id: FLAT_BUILD, state: "HUNG", post: "none" }],
      },
    ]);
  });

  // Regression (found by this timeline): cypress-cloud prints `🎥 Run URL:` at the START of the run and
  // atvm21's re-queued spec runs while every host already has an earlier result. R1 now needs the
  // end confirmed (check-xml-files XML or footer), and a host whose spec started again after its last
  // result is RUNNING, so the runner is never stopped mid-spec.
  it("R1 D1 the default policy never stops a runner whose Cypress child is alive and still running a re-queued spec", async () => {
    const run = await playTimeline(flatRun());
    expect(effectsOf(run.effects, "terminate-runner")).toEqual([]);
    expect(run.posts.map((p) => p.step)).toEqual([FLAT.runnerExited]);
  });
});

describe("timeline: determinism", () => {
  it("R1 D1 playing the same flat-run timeline twice yields identical effect lists", async () => {
    const first = await playTimeline(flatRun({ ending: "hang" }), { policy: FLAT_POLICY });
    const second = await playTimeline(flatRun({ ending: "hang" }), { policy: FLAT_POLICY });
    expect(second.effects.length).toBeGreaterThan(30);
    expect(JSON.stringify(second.effects)).toBe(JSON.stringify(first.effects));
    expect(second.steps.map((s) => s.runState)).toEqual(first.steps.map((s) => s.runState));
    // The comparison is sensitive: another policy on the same timeline gives other effects.
    const other = await playTimeline(flatRun({ ending: "hang" }), {
      policy: { ...FLAT_POLICY, allowRunnerTermination: false },
    });
    expect(JSON.stringify(other.effects)).not.toBe(JSON.stringify(first.effects));
  });
});
