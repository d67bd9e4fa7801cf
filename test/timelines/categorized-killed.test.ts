/**
 * Timelines of a categorized run with three sequential batches (W5, W6, R10, R32) and of a run whose
 * runner is killed mid-way (D2, D3), through the real pipeline (harness.ts). Oracles: the examples'
 * expected.json.
 */
import { effectsOf } from "@atvm-watch/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { expectedExample, expectedStatuses } from "./expected.ts";
import { playTimeline, statuses, stepOf, type TimelineRun } from "./harness.ts";
import { CAT, CAT_BATCHES, CAT_BUILD, categorizedRun, IP, IP_BUILD, killedRun } from "./timelines.ts";

const cat = expectedExample("categorized-run");
const inProgress = expectedExample("in-progress");

function sequence(values: readonly string[]): string[] {
  return values.filter((v, i) => i === 0 || values[i - 1] !== v);
}

describe("timeline: categorized run, 3 batches (examples/categorized-run)", () => {
  let run: TimelineRun;
  beforeAll(async () => {
    run = await playTimeline(categorizedRun());
  });

  it("W5 R32 posts exactly once per batch, each at the step its grouped XML appears", () => {
    expect(run.posts.map((p) => [p.unit, p.step])).toEqual([
      ["e2e-0327-redhat", CAT.redhatXml],
      ["e2e-0327-ubuntu", CAT.ubuntuXml],
      ["e2e-0327-suse", CAT.suseXml],
    ]);
    expect(cat.batches?.map((b) => b.childBuild)).toEqual(run.posts.map((p) => p.unit));
    // Nothing is posted for a batch before its finalization (the earlier steps of each batch).
    for (const [i, post] of run.posts.entries()) {
      const postIndex = run.steps.findIndex((s) => s.label === post.step);
      const previous = i === 0 ? -1 : run.steps.findIndex((s) => s.label === run.posts[i - 1]?.step);
      for (const step of run.steps.slice(previous + 1, postIndex)) {
        expect(
          step.effects.filter((e) => e.type === "post"),
          step.label,
        ).toEqual([]);
      }
    }
  });

  it("W5 no parent aggregate post: every post is one batch with only its own hosts, as expected.json says", () => {
    expect(run.posts.some((p) => p.unit === CAT_BUILD)).toBe(false);
    for (const post of run.posts) {
      const batch = cat.batches?.find((b) => b.childBuild === post.unit);
      expect(batch, post.unit).toBeDefined();
      if (batch === undefined) continue;
      expect(post.snapshot.build).toBe(batch.childBuild);
      expect(post.state).toBe(batch.state);
      expect(post.snapshot.batches.map((b) => b.id)).toEqual([batch.childBuild]);
      expect(statuses(post.snapshot)).toEqual(expectedStatuses(batch.hosts));
      for (const host of batch.hosts.filter((h) => h.status === "FAIL")) {
        const entry = post.snapshot.hosts.find((h) => h.host === host.host);
        expect(entry?.failure?.step, host.host).toBe(host.failingStep);
      }
    }
  });

  it("W6 the batch labelled suse that ran debian hosts is posted as group debian, label suse", () => {
    const suse = run.posts.find((p) => p.unit === "e2e-0327-suse")?.snapshot.batches[0];
    const wanted = cat.batches?.find((b) => b.childBuild === "e2e-0327-suse");
    expect(suse?.group).toBe(wanted?.group);
    expect(suse?.label).toBe(wanted?.label);
  });

  it("W5 the run stays alive while the runner is alive, even after every batch has been posted", () => {
    const exitStep = run.steps.findIndex((s) => s.effects.some((e) => e.type === "exit"));
    expect(run.steps[exitStep]?.label).toBe(CAT.runnerExited);
    for (const step of run.steps.slice(0, exitStep)) {
      expect(step.runState, step.label).toBe("RUNNING");
      expect(step.snapshot?.activity?.runnerAlive, step.label).toBe(true);
    }
    // Between batches no Cypress child is alive, only the runner: still RUNNING, still watching.
    const between = stepOf(run, CAT.redhatFinished);
    expect(between.snapshot?.activity).toEqual({
      runnerAlive: true,
      cypressAlive: false,
      defunctChild: false,
    });
    expect(between.runState).toBe("RUNNING");
    expect(stepOf(run, CAT.suseFinished).units.filter((s) => s.post === "posted")).toHaveLength(3);
  });

  it("R10 every snapshot shows the whole six-host scope although the config names only the current batch", () => {
    for (const step of run.steps) {
      const hosts = (step.snapshot?.hosts ?? []).filter((h) => h.status !== "SKIPPED").map((h) => h.host);
      expect(hosts.sort(), step.label).toEqual([...cat.scope].sort());
    }
  });

  it("R32 D1 a half-written grouped XML is no finalization: the ubuntu batch is posted only once it is complete", () => {
    const half = stepOf(run, CAT.ubuntuHalf);
    expect(half.snapshot?.batches.find((b) => b.id === "e2e-0327-ubuntu")?.state).toBe("RUNNING");
    expect(half.effects.filter((e) => e.type === "post" || e.type === "record-post-intent")).toEqual([]);
    expect(stepOf(run, CAT.ubuntuXml).effects.some((e) => e.type === "post")).toBe(true);
  });

  it("W5 R32 playing the categorized timeline twice yields identical effect lists", async () => {
    const again = await playTimeline(categorizedRun());
    expect(JSON.stringify(again.effects)).toBe(JSON.stringify(run.effects));
  });

  // Regression (found by this timeline): predicted NOT STARTED batches, named after a distro group
  // before their child build id is known, used to get units that never finished and closed the
  // run UNKNOWN. Now only batches that started get a unit.
  it("W5 D9 a finished categorized run exits with exactly its three batch units, parent FAILED, no review", () => {
    const exit = effectsOf(run.effects, "exit");
    expect(exit).toEqual([
      {
        type: "exit",
        state: "FAILED",
        needsReview: false,
        units: CAT_BATCHES.map((b) => ({ id: b.id, state: "FAILED", post: "posted" })),
      },
    ]);
  });

  // Regression (found by this timeline): each batch post used to carry every earlier batch's URL.
  // Now a batch's own URL is the one printed inside its log segment (BatchEntry.runUrl).
  it("W5 R30 each batch post carries only its own batch's run URL", () => {
    for (const post of run.posts) {
      const batch = cat.batches?.find((b) => b.childBuild === post.unit);
      expect(post.snapshot.runUrls, post.unit).toEqual([batch?.runUrl]);
    }
  });
});

describe("timeline: in-progress run, then the runner is killed (examples/in-progress)", () => {
  let run: TimelineRun;
  beforeAll(async () => {
    run = await playTimeline(killedRun());
  });

  it("D1 D3 at the example's own instant the run is RUNNING with the expected hosts, and nothing is posted", () => {
    const step = stepOf(run, IP.snapshotInstant);
    expect(step.at).toBe(Date.parse(inProgress.now ?? ""));
    expect(step.snapshot?.state).toBe(inProgress.runState);
    expect(statuses(step.snapshot as NonNullable<typeof step.snapshot>)).toEqual(
      expectedStatuses(inProgress.hosts, inProgress.skipped),
    );
    expect(step.runState).toBe("RUNNING");
  });

  it("D2 D3 the runner disappearing while hosts are NOT STARTED and no finalization was seen → TERMINATED, no post", () => {
    const killed = stepOf(run, IP.killed);
    expect(killed.snapshot?.progress).toBe("stopped");
    expect(killed.snapshot?.hosts.filter((h) => h.status === "NOT STARTED").map((h) => h.host)).toEqual(
      inProgress.hosts.filter((h) => h.status === "NOT STARTED").map((h) => h.host),
    );
    expect(sequence(run.steps.map((s) => s.runState))).toEqual(["RUNNING", "TERMINATED"]);
    expect(run.posts).toEqual([]);
    expect(effectsOf(run.effects, "record-post-intent")).toEqual([]);
    expect(run.exitedAt).toBe(IP.killed);
    expect(effectsOf(killed.effects, "exit")).toEqual([
      {
        type: "exit",
        state: "TERMINATED",
        needsReview: false,
        units: [{ id: IP_BUILD, state: "TERMINATED", post: "none" }],
      },
    ]);
  });

  it("D6 a restart after TERMINATED only re-emits the exit: a closed run is never posted later", () => {
    const later = stepOf(run, IP.later);
    expect(later.effects.map((e) => e.type).filter((t) => t !== "log")).toEqual(["exit"]);
    expect(run.state.runState).toBe("TERMINATED");
  });
});
