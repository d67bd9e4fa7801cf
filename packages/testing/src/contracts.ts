/**
 * Contract suites: the behaviour every adapter of a port must show (ports.ts). Real adapters
 * (node-fs, ssh, mattermost) run the same suite as the memory fakes, in their own test files:
 *
 * ```ts
 * testArtifactSourceContract("node-fs", async (files) => createNodeFsSource({ root: await tmpTree(files) }));
 * ```
 * Each suite registers a vitest `describe` block; call it at the top level of a test file.
 */
import type {
  Clock,
  CommandRunner,
  Notification,
  Notifier,
  NotifyOutcome,
  ProcessInfo,
  ProcessProbe,
  StateStore,
} from "@atvm-watch/engine";
import { describe, expect, it } from "vitest";
import { rejectionCode } from "./contract-helpers.ts";

export * from "./contract-source.ts";

/** The `StateStore` contract. `setup()` must return an empty store. */
export function testStateStoreContract(name: string, setup: () => Promise<StateStore>): void {
  describe(`StateStore contract: ${name}`, () => {
    it("answers null for a missing key", async () => {
      expect(await (await setup()).get("state.json")).toBeNull();
    });
    it("round-trips values, including empty and non-ASCII text", async () => {
      const store = await setup();
      await store.put("state.json", '{"phase":"watching"}');
      await store.put("empty", "");
      await store.put("subruns/e2e-0327-redhat/state.json", "ü ✓ 日本");
      expect(await store.get("state.json")).toBe('{"phase":"watching"}');
      expect(await store.get("empty")).toBe("");
      expect(await store.get("subruns/e2e-0327-redhat/state.json")).toBe("ü ✓ 日本");
    });
    it("overwrites a key", async () => {
      const store = await setup();
      await store.put("posted.marker", "one");
      await store.put("posted.marker", "two");
      expect(await store.get("posted.marker")).toBe("two");
    });
    it("removes a key, and resolves when it did not exist", async () => {
      const store = await setup();
      await store.put("cancelled.marker", "x");
      await store.remove("cancelled.marker");
      expect(await store.get("cancelled.marker")).toBeNull();
      await expect(store.remove("never-there")).resolves.toBeUndefined();
    });
    it("lists keys sorted, under a prefix", async () => {
      const store = await setup();
      for (const key of [
        "subruns/b/posted.marker",
        "state.json",
        "subruns/a/state.json",
        "subruns/b/state.json",
      ]) {
        await store.put(key, "x");
      }
      expect(await store.keys("subruns/")).toEqual([
        "subruns/a/state.json",
        "subruns/b/posted.marker",
        "subruns/b/state.json",
      ]);
      expect(await store.keys()).toEqual([
        "state.json",
        "subruns/a/state.json",
        "subruns/b/posted.marker",
        "subruns/b/state.json",
      ]);
    });
    it("never shows a mix of two concurrent writes", async () => {
      const store = await setup();
      const a = "a".repeat(10_000);
      const b = "b".repeat(10_000);
      await Promise.all([store.put("state.json", a), store.put("state.json", b)]);
      expect([a, b]).toContain(await store.get("state.json"));
    });
    it("D10 create writes an absent key once and never overwrites it (intent / posted marker)", async () => {
      const store = await setup();
      expect(await store.create("posted.marker", "first")).toBe(true);
      expect(await store.create("posted.marker", "second")).toBe(false);
      expect(await store.get("posted.marker")).toBe("first");
      expect(await store.create("subruns/e2e-0327-redhat/intent.json", "{}")).toBe(true);
      expect(await store.keys("subruns/")).toEqual(["subruns/e2e-0327-redhat/intent.json"]);
    });
    it("D10 of concurrent creates of one key exactly one wins", async () => {
      const store = await setup();
      const results = await Promise.all(["a", "b", "c", "d"].map((v) => store.create("intent.json", v)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(["a", "b", "c", "d"][results.indexOf(true)]).toBe(await store.get("intent.json"));
    });
    it("D7 a lock is exclusive until released, and is not a key", async () => {
      const store = await setup();
      const first = await store.lock("watch.lock");
      expect(first.acquired).toBe(true);
      const second = await store.lock("watch.lock");
      expect(second.acquired).toBe(false);
      expect(await store.keys()).toEqual([]);
      if (first.acquired) await first.release();
      const third = await store.lock("watch.lock");
      expect(third.acquired).toBe(true);
      if (third.acquired) await third.release();
    });
  });
}

/** What a process-probe setup returns: the probe and one process it must report. */
export interface ProcessProbeFixture {
  readonly probe: ProcessProbe;
  /** A process known to exist while the test runs (a real adapter passes its own pid and e.g. `node`). */
  readonly known: { readonly pid: number; readonly commandIncludes: string };
  /**
   * A process one of whose arguments holds a space (a real adapter spawns one, e.g.
   * `node -e … "a b"`): the probe must give its words back, as `argv` (the joined `command` alone
   * cannot tell `a b` from `a`, `b`).
   */
  readonly spaced: { readonly pid: number; readonly argv: readonly string[] };
}

/**
 * The `ProcessProbe` contract: well-formed entries (an `argv`, when given, is non-empty and joins
 * to `command` with single spaces), unique pids, the known process present.
 */
export function testProcessProbeContract(name: string, setup: () => Promise<ProcessProbeFixture>): void {
  const wellFormed = (p: ProcessInfo): boolean =>
    Number.isInteger(p.pid) &&
    p.pid > 0 &&
    Number.isInteger(p.ppid) &&
    p.ppid >= 0 &&
    typeof p.command === "string" &&
    typeof p.defunct === "boolean" &&
    (p.argv === undefined || (p.argv.length > 0 && p.argv.join(" ") === p.command)) &&
    (p.startedAt === null || Number.isFinite(p.startedAt));
  describe(`ProcessProbe contract: ${name}`, () => {
    it("has a name and lists well-formed processes with unique pids", async () => {
      const { probe } = await setup();
      expect(probe.name).toMatch(/\S/);
      const list = await probe.list();
      expect(list.length).toBeGreaterThan(0);
      expect(list.filter((p) => !wellFormed(p))).toEqual([]);
      expect(new Set(list.map((p) => p.pid)).size).toBe(list.length);
    });
    it("reports the known process with its command line", async () => {
      const { probe, known } = await setup();
      const found = (await probe.list()).find((p) => p.pid === known.pid);
      expect(found?.command).toContain(known.commandIncludes);
    });
    it("R21 gives the real argv of a process whose argument holds a space", async () => {
      const { probe, spaced } = await setup();
      const found = (await probe.list()).find((p) => p.pid === spaced.pid);
      expect(found?.argv).toEqual(spaced.argv);
      expect(found?.command).toBe(spaced.argv.join(" "));
    });
    it("answers repeated calls independently (no shared mutable result)", async () => {
      const { probe } = await setup();
      const first = await probe.list();
      const copy = JSON.stringify(first);
      await probe.list();
      expect(JSON.stringify(first)).toBe(copy);
    });
  });
}

/**
 * How the notifier's far side behaves in one contract case: `ok` accepts; `rejected-400` refuses the
 * payload (permanent); `rejected-503` is unavailable on every request (retryable); `unknown` loses the
 * request mid-way (connection reset or timeout after the request was sent: the post may exist).
 */
export type NotifierScenario = "ok" | "rejected-400" | "rejected-503" | "unknown";

/** What a notifier setup returns: the notifier, what the far side received, and a secret that must never leak. */
export interface NotifierFixture {
  readonly notifier: Notifier;
  /** Messages the far side received, one per request (text as sent, e.g. with a footer appended). */
  readonly received: () => Promise<readonly Notification[]> | readonly Notification[];
  /** E.g. the webhook URL or its key: it must not appear in any outcome detail (docs/safety.md "Secrets"). */
  readonly secret?: string;
}

/**
 * The `Notifier` contract (D10): `ok` only when the far side said ok, with the text delivered (an
 * adapter may append to it, never change it); a permanent rejection carries the HTTP status and is sent
 * once (no retry storm); a retryable one carries its status; an ambiguous failure is `unknown` and is
 * not re-sent; `notify` never throws; the secret never shows up in a detail. Optional outcome fields
 * (`retryable`, `attempts`), when an adapter sets them, must agree with what the far side saw.
 */
export function testNotifierContract(
  name: string,
  setup: (scenario: NotifierScenario) => Promise<NotifierFixture>,
): void {
  const message: Notification = { text: "#### e2e-0327\nSUMMARY:\n1 PASS", unitId: "e2e-0327" };
  const noSecret = (fixture: NotifierFixture, outcome: NotifyOutcome): void => {
    if (fixture.secret !== undefined && outcome.kind !== "ok")
      expect(outcome.detail).not.toContain(fixture.secret);
  };
  describe(`Notifier contract: ${name}`, () => {
    it("D10 answers ok when the far side accepted, and delivers the text intact", async () => {
      const fixture = await setup("ok");
      const outcome = await fixture.notifier.notify(message);
      expect(outcome.kind).toBe("ok");
      const received = await fixture.received();
      expect(received).toHaveLength(1);
      expect(received[0]?.text.startsWith(message.text)).toBe(true);
      expect(received[0]?.unitId).toBe(message.unitId);
      if (outcome.kind === "ok" && outcome.attempts !== undefined) expect(outcome.attempts).toBe(1);
    });
    it("D10 reports rejected-400 as rejected with status 400, sent once, not retryable, without throwing", async () => {
      const fixture = await setup("rejected-400");
      const outcome = await fixture.notifier.notify(message);
      expect(outcome.kind).toBe("rejected");
      if (outcome.kind === "rejected") {
        expect(outcome.status).toBe(400);
        if (outcome.retryable !== undefined) expect(outcome.retryable).toBe(false);
      }
      expect(await fixture.received()).toHaveLength(1);
      noSecret(fixture, outcome);
    });
    it("D10 reports rejected-503 as rejected with status 503 and retryable, without throwing", async () => {
      const fixture = await setup("rejected-503");
      const outcome = await fixture.notifier.notify(message);
      expect(outcome.kind).toBe("rejected");
      const received = await fixture.received();
      expect(received.length).toBeGreaterThanOrEqual(1);
      if (outcome.kind === "rejected") {
        expect(outcome.status).toBe(503);
        if (outcome.retryable !== undefined) expect(outcome.retryable).toBe(true);
        if (outcome.attempts !== undefined) expect(outcome.attempts).toBe(received.length);
      }
      noSecret(fixture, outcome);
    });
    it("D10 reports an ambiguous failure as unknown, sent once, without throwing or leaking the secret", async () => {
      const fixture = await setup("unknown");
      const outcome = await fixture.notifier.notify(message);
      expect(outcome.kind).toBe("unknown");
      expect(await fixture.received()).toHaveLength(1);
      noSecret(fixture, outcome);
    });
  });
}

/** What a clock setup returns: the clock, and a way to let `ms` of real (or simulated) time pass. */
export interface ClockFixture {
  readonly clock: Clock;
  /** Lets at least `ms` milliseconds pass on this clock (sleep for a real clock, advance for a fake). */
  readonly pass: (ms: number) => Promise<void>;
}

/**
 * The `Clock` contract (ports.ts): `now()` is a UTC epoch in ms within a sane range, and
 * `monotonicMs()` never goes backwards and moves with passing time (hang windows, D9).
 */
export function testClockContract(name: string, setup: () => Promise<ClockFixture>): void {
  describe(`Clock contract: ${name}`, () => {
    it("now() is a finite UTC epoch in ms after 2020 and before 2100", async () => {
      const { clock } = await setup();
      const now = clock.now();
      expect(Number.isFinite(now)).toBe(true);
      expect(now).toBeGreaterThan(Date.UTC(2020, 0, 1));
      expect(now).toBeLessThan(Date.UTC(2100, 0, 1));
    });
    it("D9 monotonicMs() never goes backwards and counts passing time", async () => {
      const { clock, pass } = await setup();
      const first = clock.monotonicMs();
      let last = first;
      for (let i = 0; i < 50; i++) {
        const next = clock.monotonicMs();
        expect(next).toBeGreaterThanOrEqual(last);
        last = next;
      }
      await pass(20);
      expect(clock.monotonicMs() - first).toBeGreaterThanOrEqual(19);
    });
  });
}

/** What a command-runner setup returns: a runner that can run `echoArgv` (prints its argv, one per line). */
export interface CommandRunnerFixture {
  readonly runner: CommandRunner;
  /** An argv prefix that prints each following argument on its own line and exits 0, e.g. `["printf", "%s\\n"]`. */
  readonly echoArgv: readonly string[];
  /** An argv prefix that exits with the code given as the next argument, e.g. `["sh", "-c", "exit $0"]`. */
  readonly exitArgv: readonly string[];
}

/**
 * The `CommandRunner` contract (ports.ts): argv goes through unchanged (no shell splitting or
 * expansion), the exit code and output come back, and a command that cannot start rejects with
 * `AtvmError` `COMMAND_FAILED_TO_START`.
 */
export function testCommandRunnerContract(name: string, setup: () => Promise<CommandRunnerFixture>): void {
  describe(`CommandRunner contract: ${name}`, () => {
    it("passes every argument through unchanged, shell metacharacters included", async () => {
      const { runner, echoArgv } = await setup();
      const args = ["plain", "two words", "$HOME", "`id`", "a;b|c&d", "'quoted'", 'say "hi"', "*"];
      const result = await runner.run([...echoArgv, ...args]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout.split("\n").slice(0, args.length)).toEqual(args);
    });
    // Not 255: ssh(1) exits 255 for its own errors too, so over ssh a remote 255 reads as a transport failure.
    it("returns each command's own exit code without rejecting (0, 1, 3, 42, 254)", async () => {
      const { runner, exitArgv } = await setup();
      const codes: number[] = [];
      for (const code of [0, 1, 3, 42, 254])
        codes.push((await runner.run([...exitArgv, String(code)])).exitCode);
      expect(codes).toEqual([0, 1, 3, 42, 254]);
    });
    it("rejects COMMAND_FAILED_TO_START for a command that does not exist", async () => {
      const { runner } = await setup();
      expect(await rejectionCode(runner.run(["atvm-no-such-command-7f3a"]))).toBe("COMMAND_FAILED_TO_START");
    });
  });
}
