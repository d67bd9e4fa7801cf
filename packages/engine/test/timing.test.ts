import { describe, expect, it } from "vitest";
import type { HostEntry } from "../src/domain.ts";
import { computeTiming } from "../src/timing.ts";
import { at, min } from "./helpers/observations.ts";

const done = (host: string, start: string, minutes: number, status: "PASS" | "FAIL" = "PASS"): HostEntry => ({
  host,
  status,
  startedAt: at(start),
  finishedAt: at(start) + min(minutes),
  durationMs: min(minutes),
  evidence: [],
});
const running = (host: string, start?: string): HostEntry => ({
  host,
  status: "RUNNING",
  ...(start === undefined ? {} : { startedAt: at(start) }),
  evidence: [],
});
const waiting = (host: string): HostEntry => ({ host, status: "NOT STARTED", evidence: [] });
const skipped: HostEntry = {
  host: "atvm41-redhat6.0",
  status: "SKIPPED",
  reason: "BLACKLISTED",
  evidence: [],
};

describe("computeTiming", () => {
  it("R6 a complete run gives start, end and total time, no elapsed time and no ETA", () => {
    const timing = computeTiming({
      hosts: [done("atvm1-a1", "09:00", 30), done("atvm2-b2", "09:30", 40), skipped],
      now: at("12:00"),
      runStartMs: at("08:58"),
      complete: true,
      endedAt: at("10:12"),
    });
    expect(timing.startedAt).toBe(at("08:58"));
    expect(timing.finishedAt).toBe(at("10:12"));
    expect(timing.totalMs).toBe(min(74));
    expect(timing.elapsedMs).toBeNull();
    expect(timing.eta).toBeNull();
    expect(timing.etaReason).toBe("the run is complete");
  });

  it("R6 a running run gives elapsed time; start falls back to the earliest host start", () => {
    const timing = computeTiming({
      hosts: [done("atvm2-b2", "09:30", 20), done("atvm1-a1", "09:05", 25), running("atvm3-c3", "09:50")],
      now: at("10:05"),
      runStartMs: null,
      complete: false,
      endedAt: null,
    });
    expect(timing.startedAt).toBe(at("09:05"));
    expect(timing.finishedAt).toBeNull();
    expect(timing.totalMs).toBeNull();
    expect(timing.elapsedMs).toBe(min(60));
  });

  it("R7 quickest, longest and average over completed (PASS/FAIL) hosts only", () => {
    const timing = computeTiming({
      hosts: [
        done("atvm1-a1", "09:00", 30),
        done("atvm2-b2", "09:30", 45, "FAIL"),
        done("atvm3-c3", "10:15", 20),
        running("atvm4-d4", "10:35"),
        skipped,
      ],
      now: at("10:40"),
      runStartMs: at("09:00"),
      complete: false,
      endedAt: null,
    });
    expect(timing.quickest).toEqual({ host: "atvm3-c3", durationMs: min(20) });
    expect(timing.longest).toEqual({ host: "atvm2-b2", durationMs: min(45) });
    expect(timing.averageMs).toBe(min(95) / 3);
  });

  it("R9 the ETA covers the whole remaining run: not-started hosts × average + what is left of the running host", () => {
    const now = at("10:10");
    const timing = computeTiming({
      hosts: [
        done("atvm1-a1", "09:00", 30),
        done("atvm2-b2", "09:30", 30),
        running("atvm3-c3", "10:00"),
        waiting("atvm4-d4"),
        waiting("atvm5-e5"),
      ],
      now,
      runStartMs: at("09:00"),
      complete: false,
      endedAt: null,
    });
    // 2 × 30m + (30m − 10m already spent) = 80m
    expect(timing.eta?.remainingMs).toBe(min(80));
    expect(timing.eta?.finishAt).toBe(now + min(80));
    expect(timing.eta?.basis).toBe(
      "whole remaining run: 2 hosts not started × 30m 00s average + 20m 00s left on atvm3-c3 (10m 00s spent) = 1h 20m",
    );
  });

  it("R9 a running host already past the average adds nothing; an unknown start with several running counts a full average each", () => {
    const over = computeTiming({
      hosts: [done("atvm1-a1", "09:00", 30), running("atvm3-c3", "09:30"), waiting("atvm4-d4")],
      now: at("10:15"),
      runStartMs: null,
      complete: false,
      endedAt: null,
    });
    expect(over.eta?.remainingMs).toBe(min(30));
    // Two hosts running at once with no start of their own: the previous host's end cannot say
    // which started when, so each counts a full average.
    const unknown = computeTiming({
      hosts: [done("atvm1-a1", "09:00", 30), running("atvm3-c3"), running("atvm5-e5")],
      now: at("10:15"),
      runStartMs: null,
      complete: false,
      endedAt: null,
    });
    expect(unknown.eta?.remainingMs).toBe(min(60));
    expect(unknown.eta?.basis).toContain("start time unknown");
  });

  it("R9 no ETA before any host completed or after the runner stopped, and the reason says why", () => {
    const early = computeTiming({
      hosts: [running("atvm1-a1", "09:00"), waiting("atvm2-b2")],
      now: at("09:10"),
      runStartMs: at("09:00"),
      complete: false,
      endedAt: null,
    });
    expect(early.eta).toBeNull();
    expect(early.etaReason).toContain("no host has completed yet");
    expect(early.averageMs).toBeNull();
    const stopped = computeTiming({
      hosts: [done("atvm1-a1", "09:00", 30), waiting("atvm2-b2")],
      now: at("10:10"),
      runStartMs: at("09:00"),
      complete: false,
      endedAt: null,
      progress: "stopped",
    });
    expect(stopped.eta).toBeNull();
    expect(stopped.etaReason).toContain("stopped");
  });
});

describe("stopped runs", () => {
  it("R6 a stopped run's elapsed time ends at its last evidence, not at now", () => {
    const start = Date.UTC(2026, 2, 28, 6, 0, 0);
    const timing = computeTiming({
      hosts: [
        {
          host: "atvm1-debian9.5.0",
          status: "PASS",
          startedAt: start,
          finishedAt: start + 40 * 60_000,
          durationMs: 40 * 60_000,
          evidence: [],
        },
        { host: "atvm2-debian9.6.0", status: "RUNNING", startedAt: start + 41 * 60_000, evidence: [] },
        { host: "atvm3-debian9.7.0", status: "NOT STARTED", evidence: [] },
      ],
      now: start + 30 * 24 * 3_600_000,
      runStartMs: start,
      complete: false,
      endedAt: null,
      progress: "stopped",
    });
    expect(timing.elapsedMs).toBe(41 * 60_000);
    expect(timing.eta).toBeNull();
  });
});

describe("running host without a start time", () => {
  it("R9 estimates the time already spent from the previous host's end (hosts run one after another)", () => {
    const start = Date.UTC(2026, 2, 28, 6, 0, 0);
    const timing = computeTiming({
      hosts: [
        {
          host: "atvm1-debian9.5.0",
          status: "PASS",
          startedAt: start,
          finishedAt: start + 40 * 60_000,
          durationMs: 40 * 60_000,
          evidence: [],
        },
        { host: "atvm2-debian9.6.0", status: "RUNNING", evidence: [] },
        { host: "atvm3-debian9.7.0", status: "NOT STARTED", evidence: [] },
      ],
      now: start + 50 * 60_000,
      runStartMs: start,
      complete: false,
      endedAt: null,
    });
    // 1 not started × 40m + (40m − 10m spent since atvm1 finished) = 70m.
    expect(timing.eta?.remainingMs).toBe(70 * 60_000);
    expect(timing.eta?.basis).toContain("10m 00s spent since atvm1-debian9.5.0 finished");
  });
});
