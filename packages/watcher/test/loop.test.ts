import {
  AtvmError,
  createMachineState,
  DEFAULT_MACHINE_POLICY,
  type MachinePolicy,
  type NotifyOutcome,
  type Snapshot,
  type StateStore,
} from "@atvm-watch/engine";
import {
  activity,
  batchEntry,
  buildSnapshot,
  createManualClock,
  createMemoryStateStore,
  createRecordingNotifier,
  type MemoryStateStore,
  type RecordingNotifier,
} from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import {
  backoffMs,
  CRASH_POINTS,
  type CrashPoint,
  jsonLineLogger,
  runWatcher,
  type WatcherLogRecord,
} from "../src/index.ts";
import { watchPolicy } from "../src/policy.ts";

const WEBHOOK = "https://chat.example.test/hooks/k7x9secrethookid42";
const T0 = Date.UTC(2026, 2, 27, 8, 0);

class Crash extends Error {}

interface HarnessOptions {
  readonly snapshots: readonly Snapshot[] | ((poll: number, terminated: boolean) => Snapshot);
  readonly categorized?: boolean;
  readonly store?: MemoryStateStore;
  readonly notifier?: RecordingNotifier;
  readonly crashAt?: CrashPoint;
  readonly policy?: Partial<MachinePolicy>;
  readonly wallJumpMs?: number;
  readonly render?: (snapshot: Snapshot) => string;
  readonly summarize?: (snapshot: Snapshot) => string;
  readonly store2?: StateStore;
}

async function watchOnce(options: HarnessOptions) {
  const store = options.store ?? createMemoryStateStore();
  const notifier = options.notifier ?? createRecordingNotifier();
  const clock = createManualClock(T0, 1_000);
  const logs: WatcherLogRecord[] = [];
  const terminations: { urlsPersisted: string | null }[] = [];
  let polls = 0;
  let ids = 0;
  let sleeps = 0;
  const next = (): Snapshot => {
    const { snapshots } = options;
    const poll = polls++;
    if (typeof snapshots === "function") return snapshots(poll, terminations.length > 0);
    const snapshot = snapshots[Math.min(poll, snapshots.length - 1)];
    if (snapshot === undefined) throw new Error("no snapshots");
    return snapshot;
  };
  const run = runWatcher({
    build: "e2e-0327",
    categorized: options.categorized ?? false,
    store: options.store2 ?? store,
    ...(options.summarize !== undefined ? { summarize: options.summarize } : {}),
    observe: async () => ({ snapshot: { ...next(), at: clock.now() } }),
    notifier,
    render: options.render ?? ((s) => `#### ${s.build}\nstate ${s.state}`),
    clock,
    sleep: async (ms) => {
      sleeps += 1;
      // A watcher that never exits fails the test instead of hanging the suite.
      if (sleeps > 2_000) throw new Error("watcher did not exit within 2000 sleeps");
      clock.advance(ms);
      if (options.wallJumpMs !== undefined) clock.setWall(clock.now() + options.wallJumpMs);
    },
    terminateRunner: async () => {
      terminations.push({ urlsPersisted: await store.get("run-urls.json") });
      return { ok: true };
    },
    log: (record) => logs.push(record),
    crash: (point) => {
      if (point === options.crashAt) throw new Crash(point);
    },
    newId: () => `notif-${++ids}`,
    policy: { ...DEFAULT_MACHINE_POLICY, ...options.policy },
    intervalMs: 30_000,
    secrets: [WEBHOOK],
  });
  const result = await run.catch((error: unknown) => {
    if (error instanceof Crash) return { kind: "crashed" as const, point: error.message };
    throw error;
  });
  return { result, store, notifier, logs, polls: () => polls, terminations };
}

const running = buildSnapshot({ hosts: { "atvm1-redhat8": "PASS", "atvm2-debian12": "RUNNING" } });
const failedDone = buildSnapshot({
  progress: "finished",
  hosts: { "atvm1-redhat8": "PASS", "atvm2-debian12": "FAIL" },
});
const flat = [running, running, failedDone];

describe("watcher loop: what is posted", () => {
  it("D1 D3 R28 a flat run gets exactly one post, for the run, once it is finished (failed hosts too)", async () => {
    const { result, notifier, store } = await watchOnce({ snapshots: flat });
    expect(result).toMatchObject({ kind: "exited", exit: { state: "FAILED", needsReview: false } });
    expect(notifier.calls.map((c) => c.message.unitId)).toEqual(["e2e-0327"]);
    expect(notifier.calls[0]?.message.text).toBe("#### e2e-0327\nstate FAILED");
    expect(notifier.calls[0]?.message.notificationId).toBe("notif-1");
    expect(JSON.parse((await store.get("posted.marker")) ?? "{}")).toMatchObject({
      notificationId: "notif-1",
    });
  });

  it("D10 a post counts only on ok: a rejected post leaves no posted marker", async () => {
    const notifier = createRecordingNotifier([], {
      fallback: { kind: "rejected", status: 400, detail: "invalid payload", retryable: false },
    });
    const { result, store } = await watchOnce({ snapshots: flat, notifier });
    expect(result).toMatchObject({ exit: { needsReview: true } });
    expect(await store.get("posted.marker")).toBeNull();
    expect(notifier.calls).toHaveLength(1);
  });

  it("W5 categorized: one post per finished batch, none for the parent, alive while the parent runner runs", async () => {
    const cat = (states: readonly ("RUNNING" | "FINISHED")[], live: boolean): Snapshot =>
      buildSnapshot({
        categorized: true,
        progress: live ? "running" : "finished",
        hosts: { "atvm1-redhat8": "PASS", "atvm2-debian12": states[1] === "FINISHED" ? "PASS" : "RUNNING" },
        batches: [
          batchEntry("e2e-0327-redhat", ["atvm1-redhat8"], states[0] ?? "RUNNING"),
          batchEntry("e2e-0327-debian", ["atvm2-debian12"], states[1] ?? "RUNNING"),
        ],
        activity: activity({ runnerAlive: live, cypressAlive: live }),
      });
    const seen: number[] = [];
    const notifier = createRecordingNotifier();
    const { result, polls } = await watchOnce({
      categorized: true,
      notifier,
      snapshots: (poll) => {
        seen.push(notifier.calls.length);
        if (poll < 1) return cat(["RUNNING", "RUNNING"], true);
        if (poll < 4) return cat(["FINISHED", "RUNNING"], true);
        if (poll < 6) return cat(["FINISHED", "FINISHED"], true);
        return cat(["FINISHED", "FINISHED"], false);
      },
    });
    expect(result).toMatchObject({ kind: "exited", exit: { state: "COMPLETED" } });
    expect(notifier.calls.map((c) => c.message.unitId)).toEqual(["e2e-0327-redhat", "e2e-0327-debian"]);
    // The first batch was posted while the parent kept running, and the watcher kept polling.
    expect(seen.slice(2, 5)).toEqual([1, 1, 1]);
    expect(polls()).toBeGreaterThanOrEqual(7);
  });

  it("D4/W4 a cancelled.marker closes the run CANCELLED without a post, even when it then completes", async () => {
    const store = createMemoryStateStore({ "cancelled.marker": "operator" });
    const { result, notifier } = await watchOnce({ snapshots: [failedDone], store });
    expect(result).toMatchObject({ exit: { state: "CANCELLED" } });
    expect(notifier.calls).toHaveLength(0);
  });

  it("D3 D6 a terminated run is closed without a post", async () => {
    const stopped = buildSnapshot({
      progress: "stopped",
      hosts: { "atvm1-redhat8": "PASS", "atvm2-debian12": "RUNNING" },
    });
    const { result, notifier } = await watchOnce({ snapshots: [running, stopped] });
    expect(result).toMatchObject({ exit: { state: "TERMINATED" } });
    expect(notifier.calls).toHaveLength(0);
  });

  it("D9 a run without progress is HUNG on the monotonic clock, no post, left for review", async () => {
    const { result, notifier, polls } = await watchOnce({
      snapshots: [running],
      policy: { hangWindowMs: 10 * 60_000 },
    });
    expect(result).toMatchObject({ exit: { state: "HUNG", needsReview: true } });
    expect(notifier.calls).toHaveLength(0);
    expect(polls()).toBeGreaterThanOrEqual(20);
  });

  it("D9 wall-clock jumps of hours do not make a progressing run HUNG", async () => {
    const { result, notifier } = await watchOnce({
      snapshots: [running, running, running, failedDone],
      policy: { hangWindowMs: 10 * 60_000 },
      wallJumpMs: 5 * 3_600_000,
    });
    expect(result).toMatchObject({ exit: { state: "FAILED" } });
    expect(notifier.calls).toHaveLength(1);
  });

  it("D3 D9 an UNKNOWN run is closed without a post, left for review", async () => {
    const unclear = buildSnapshot({ progress: "unclear", hosts: { "atvm1-redhat8": "PASS" } });
    const { result, notifier } = await watchOnce({
      snapshots: [unclear],
      policy: { unknownImmediately: true },
    });
    expect(result).toMatchObject({ exit: { state: "UNKNOWN", needsReview: true } });
    expect(notifier.calls).toHaveLength(0);
  });

  it("R1 R30 the run URL is persisted before a hung runner is terminated, then the run posts once", async () => {
    const url = "https://currents.example.test/run/abc123";
    const hosts = { "atvm1-redhat8": "PASS", "atvm2-debian12": "FAIL" } as const;
    const hungAfterUpload = buildSnapshot({
      hosts,
      runUrls: [url],
      activity: activity({ runnerAlive: true, defunctChild: true }),
    });
    const stopped = buildSnapshot({ progress: "stopped", hosts, runUrls: [url] });
    const { result, notifier, terminations } = await watchOnce({
      snapshots: (_poll, terminated) => (terminated ? stopped : hungAfterUpload),
      policy: { runnerExitGraceMs: 60_000 },
    });
    expect(terminations).toEqual([{ urlsPersisted: JSON.stringify([url]) }]);
    expect(result).toMatchObject({ exit: { state: "FAILED" } });
    expect(notifier.calls).toHaveLength(1);
  });
});

describe("watcher loop: restarts and crash points", () => {
  for (const point of CRASH_POINTS) {
    it(`D6 D10 a crash at ${point} then a restart posts at most once (at-most-once policy)`, async () => {
      const store = createMemoryStateStore();
      const notifier = createRecordingNotifier();
      const first = await watchOnce({ snapshots: flat, store, notifier, crashAt: point });
      const second = await watchOnce({ snapshots: [failedDone], store, notifier });
      expect(second.result).toMatchObject({ kind: "exited", exit: { state: "FAILED" } });
      expect(first.result.kind).toBe(point === "before-terminate" ? "exited" : "crashed");
      if (point === "before-post" || point === "after-post") {
        // The declared ambiguity window: a post was in flight (the recorded intent says so) and its
        // outcome is not recorded; at-most-once never re-posts and leaves the unit for review.
        expect(notifier.calls).toHaveLength(point === "after-post" ? 1 : 0);
        expect(second.result).toMatchObject({ exit: { needsReview: true } });
        expect(second.logs.some((l) => l.reason === "duplicate-prevented")).toBe(true);
      } else {
        expect(notifier.calls).toHaveLength(1);
      }
      const calls = notifier.calls.length;
      const third = await watchOnce({ snapshots: [failedDone], store, notifier });
      expect(third.result.kind).toBe("exited");
      expect(notifier.calls).toHaveLength(calls);
    });
  }

  it("D6 the ambiguity window with retryUnknownOutcome: at most one duplicate, same notification id", async () => {
    const store = createMemoryStateStore();
    const notifier = createRecordingNotifier();
    const policy = { retryUnknownOutcome: true };
    await watchOnce({ snapshots: flat, store, notifier, crashAt: "after-post", policy });
    await watchOnce({ snapshots: [failedDone], store, notifier, policy });
    await watchOnce({ snapshots: [failedDone], store, notifier, policy });
    expect(notifier.calls.map((c) => c.message.notificationId)).toEqual(["notif-1", "notif-1"]);
  });

  it("D7 a second watcher of the same build does nothing while the first holds the lock", async () => {
    const store = createMemoryStateStore();
    const lock = await store.lock("watch.lock");
    const { result, notifier } = await watchOnce({ snapshots: [failedDone], store });
    expect(result).toEqual({ kind: "locked", holder: "memory" });
    expect(notifier.calls).toHaveLength(0);
    if (lock.acquired) await lock.release();
  });

  it("reliability §6 case 14: an empty state.json is quarantined and rebuilt; the run then posts once", async () => {
    const store = createMemoryStateStore({ "state.json": "" });
    const { notifier, logs } = await watchOnce({ snapshots: [failedDone], store });
    expect(notifier.calls).toHaveLength(1);
    expect((await store.keys()).filter((k) => k.startsWith("state.json.corrupt-"))).toHaveLength(1);
    expect(logs.some((l) => l.reason === "corrupt-state")).toBe(true);
  });

  it("D5 a state.json written before the rename (units stored as `scopes`) is resumed, not quarantined", async () => {
    const fresh = createMachineState({ build: "e2e-0327", categorized: false });
    const { units, ...rest } = fresh;
    const posted = units.map((u) => ({ ...u, state: "FAILED", post: "posted", postedAt: T0 }));
    // No posted marker: only the resumed state stands between the watcher and a second post.
    const store = createMemoryStateStore({
      "state.json": JSON.stringify({ ...rest, runState: "FAILED", runClosed: true, scopes: posted }),
    });
    const { result, notifier, logs } = await watchOnce({ snapshots: [failedDone], store });
    expect(notifier.calls).toHaveLength(0);
    expect(logs.some((l) => l.reason === "corrupt-state")).toBe(false);
    expect(result).toMatchObject({ kind: "exited", exit: { units: [{ id: "e2e-0327", post: "posted" }] } });
    const rewritten = JSON.parse((await store.get("state.json")) ?? "{}") as Record<string, unknown>;
    expect(Object.keys(rewritten)).toContain("units");
    expect(Object.keys(rewritten)).not.toContain("scopes");
  });

  it("D10 after a corrupt state.json the posted marker stays authoritative: no second post", async () => {
    const store = createMemoryStateStore({
      "state.json": "{garbage",
      "intent.json": JSON.stringify({ notificationId: "old", text: "x" }),
      "posted.marker": JSON.stringify({ notificationId: "old" }),
    });
    const { result, notifier } = await watchOnce({ snapshots: [failedDone], store });
    expect(result.kind).toBe("exited");
    expect(notifier.calls).toHaveLength(0);
  });

  it("D6 after a corrupt state.json an intent without a posted marker is not re-posted (outcome unknown)", async () => {
    const store = createMemoryStateStore({
      "state.json": "null",
      "intent.json": JSON.stringify({ notificationId: "old", text: "x" }),
    });
    const { result, notifier } = await watchOnce({ snapshots: [failedDone], store });
    expect(result).toMatchObject({ exit: { needsReview: true } });
    expect(notifier.calls).toHaveLength(0);
  });

  it("reliability §6 case 16: ENOSPC on the intent: nothing is posted until the intent is durable", async () => {
    const store = createMemoryStateStore();
    let failOnce = true;
    const notifier = createRecordingNotifier();
    const intentsAtPost: (string | null)[] = [];
    const wrapped = {
      name: "wrapped",
      notify: async (message: Parameters<typeof notifier.notify>[0]): Promise<NotifyOutcome> => {
        intentsAtPost.push(await store.get("intent.json"));
        return notifier.notify(message);
      },
    };
    const { logs } = await watchOnce({
      snapshots: [failedDone],
      store,
      notifier: wrapped as unknown as RecordingNotifier,
      render: (s) => {
        if (failOnce) store.failNextPut(new AtvmError("STATE_IO", "cannot create intent.json: ENOSPC"));
        failOnce = false;
        return `state ${s.state}`;
      },
    });
    expect(logs.some((l) => l.reason === "state-io" && l.message.includes("ENOSPC"))).toBe(true);
    expect(notifier.calls).toHaveLength(1);
    expect(intentsAtPost[0]).toContain('"notificationId":"notif-1"');
  });
});

describe("watcher loop: summaries and long outages", () => {
  const brief = (s: Snapshot): string =>
    JSON.stringify({ build: s.build, state: s.state, hosts: s.hosts.map((h) => `${h.host} ${h.status}`) });

  it("T5 writes summary.json for the run with the state the machine closed it in", async () => {
    const { store } = await watchOnce({ snapshots: flat, summarize: brief });
    expect(JSON.parse((await store.get("summary.json")) ?? "null")).toEqual({
      build: "e2e-0327",
      state: "FAILED",
      hosts: ["atvm1-redhat8 PASS", "atvm2-debian12 FAIL"],
    });
  });

  it("T5 D4 a cancelled run's summary says CANCELLED although its artifacts say FAILED", async () => {
    const store = createMemoryStateStore({ "cancelled.marker": "operator" });
    await watchOnce({ snapshots: [failedDone], store, summarize: brief });
    expect(JSON.parse((await store.get("summary.json")) ?? "null")).toMatchObject({ state: "CANCELLED" });
  });

  it("T5 W5 categorized: one summary per batch under subruns/<id>/, each with only its hosts", async () => {
    const done = buildSnapshot({
      categorized: true,
      progress: "finished",
      hosts: { "atvm1-redhat8": "PASS", "atvm2-debian12": "FAIL" },
      batches: [
        batchEntry("e2e-0327-redhat", ["atvm1-redhat8"], "FINISHED"),
        batchEntry("e2e-0327-debian", ["atvm2-debian12"], "FINISHED", { failed: true }),
      ],
      activity: activity({ runnerAlive: false, cypressAlive: false }),
    });
    const { store } = await watchOnce({ categorized: true, snapshots: [done], summarize: brief });
    const read = async (key: string) => JSON.parse((await store.get(key)) ?? "null") as unknown;
    expect(await read("subruns/e2e-0327-redhat/summary.json")).toEqual({
      build: "e2e-0327-redhat",
      state: "COMPLETED",
      hosts: ["atvm1-redhat8 PASS"],
    });
    expect(await read("subruns/e2e-0327-debian/summary.json")).toEqual({
      build: "e2e-0327-debian",
      state: "FAILED",
      hosts: ["atvm2-debian12 FAIL"],
    });
    expect(await read("summary.json")).toMatchObject({ build: "e2e-0327", state: "FAILED" });
  });

  it("reliability §6 case 7: a 6-hour webhook outage (retryable 503s) loses nothing: one ok post, one notification id", async () => {
    const outage = Array.from({ length: 80 }, () => ({
      kind: "rejected" as const,
      status: 503,
      detail: "Service Unavailable",
      retryable: true,
    }));
    const notifier = createRecordingNotifier(outage);
    const started = T0;
    const { result, store } = await watchOnce({ snapshots: flat, notifier, policy: watchPolicy() });
    expect(result).toMatchObject({ kind: "exited", exit: { units: [{ post: "posted" }] } });
    expect(notifier.calls).toHaveLength(81);
    expect(notifier.calls.filter((c) => c.outcome.kind === "ok")).toHaveLength(1);
    expect(new Set(notifier.calls.map((c) => c.message.notificationId)).size).toBe(1);
    const marker = JSON.parse((await store.get("posted.marker")) ?? "{}") as { at?: number };
    // The back-off is capped at 5 min, so 80 failures span more than 6 hours of (simulated) outage.
    expect(backoffMs(80)).toBe(300_000);
    expect((marker.at ?? 0) - started).toBeGreaterThan(6 * 3_600_000);
  });

  it("reliability §6 case 17: ENOSPC writing posted.marker after ok: the watcher keeps retrying the marker, never re-posts", async () => {
    const store = createMemoryStateStore();
    let failures = 3;
    const flaky: StateStore = {
      ...store,
      get: (k) => store.get(k),
      keys: (p) => store.keys(p),
      remove: (k) => store.remove(k),
      lock: (n) => store.lock(n),
      put: (k, v) => store.put(k, v),
      create: async (key, value) => {
        if (key === "posted.marker" && failures > 0) {
          failures -= 1;
          throw new AtvmError("STATE_IO", "cannot create posted.marker: ENOSPC; free space");
        }
        return store.create(key, value);
      },
    };
    const { result, notifier, logs } = await watchOnce({ snapshots: flat, store, store2: flaky });
    expect(failures).toBe(0);
    expect(result).toMatchObject({ kind: "exited", exit: { units: [{ post: "posted" }] } });
    expect(notifier.calls).toHaveLength(1);
    expect(logs.filter((l) => l.reason === "state-io" && l.message.includes("ENOSPC"))).toHaveLength(3);
    expect(await store.get("posted.marker")).toContain("notif-1");
  });
});

describe("watcher loop: logs (D8)", () => {
  it("D8 one JSON line per record with the build and reason; never the webhook URL or its path", async () => {
    const notifier = createRecordingNotifier([{ kind: "unknown", detail: `fetch failed for ${WEBHOOK}` }]);
    const { logs } = await watchOnce({ snapshots: flat, notifier });
    const lines: string[] = [];
    const logger = jsonLineLogger((line) => lines.push(line));
    for (const record of logs) logger(record);
    expect(lines.every((line) => line.endsWith("}\n") && line.indexOf("\n") === line.length - 1)).toBe(true);
    const parsed = lines.map((line) => JSON.parse(line) as WatcherLogRecord);
    expect(parsed.every((r) => r.build === "e2e-0327")).toBe(true);
    expect(parsed.some((r) => r.reason === "transition")).toBe(true);
    expect(parsed.some((r) => r.reason === "post-sent")).toBe(true);
    const all = lines.join("");
    expect(all).not.toContain("k7x9secrethookid42");
    expect(all).not.toContain("/hooks/");
  });
});
