import { describe, expect, it } from "vitest";
import {
  createManualClock,
  createMemoryProbe,
  createMemorySource,
  createMemoryStateStore,
  createRecordingNotifier,
  createScriptedRunner,
  processInfo,
  testArtifactSourceContract,
  testClockContract,
  testProcessProbeContract,
  testStateStoreContract,
} from "../src/index.ts";

testArtifactSourceContract("memory", async (files) => {
  const source = createMemorySource(files, { defaultMtimeMs: Date.UTC(2026, 2, 27) });
  return {
    source,
    append: async (path, text) => source.append(path, text),
    deny: async (path) => source.fail(path, "list", "EACCES"),
  };
});

testStateStoreContract("memory", async () => createMemoryStateStore());

testProcessProbeContract("memory", async () => ({
  probe: createMemoryProbe([
    processInfo(4242, "python3 run-sorry-cypress.py --build_name e2e-0327"),
    processInfo(4243, "npm exec cypress-cloud", { ppid: 4242, defunct: true }),
    processInfo(4244, "python3 /root/my dir/run-sorry-cypress.py", {
      argv: ["python3", "/root/my dir/run-sorry-cypress.py"],
    }),
  ]),
  known: { pid: 4242, commandIncludes: "run-sorry-cypress.py" },
  spaced: { pid: 4244, argv: ["python3", "/root/my dir/run-sorry-cypress.py"] },
}));

// The Notifier contract runs against the real adapter and the loopback webhook server in
// packages/mattermost/test/contract.test.ts: a recording notifier handed each scenario's outcome would
// only echo its script.

describe("memory fakes beyond the contracts", () => {
  it("memory source: setMtime, truncate and remove change what stat and read see (R33 mtimes are settable)", async () => {
    const source = createMemorySource({ "tmp/e2e.log": { content: "abcdef", mtimeMs: 5 } });
    source.setMtime("tmp/e2e.log", 99);
    expect(await source.stat("tmp/e2e.log")).toEqual({ path: "tmp/e2e.log", sizeBytes: 6, mtimeMs: 99 });
    source.truncate("tmp/e2e.log", 2);
    expect(new TextDecoder().decode(await source.read("tmp/e2e.log"))).toBe("ab");
    source.remove("tmp/e2e.log");
    expect(await source.stat("tmp/e2e.log")).toBeNull();
    expect(source.reads.map((r) => r.bytes)).toEqual([2]);
  });

  it("memory store: failNextPut fails exactly one write and keeps the old value", async () => {
    const store = createMemoryStateStore({ "state.json": "old" });
    store.failNextPut(new Error("ENOSPC"));
    await expect(store.put("state.json", "new")).rejects.toThrow("ENOSPC");
    expect(await store.get("state.json")).toBe("old");
    await store.put("state.json", "new");
    expect(store.entries()).toEqual({ "state.json": "new" });
    expect(store.puts).toBe(1);
  });

  it("memory probe: kill and markDefunct (R1 defunct child)", async () => {
    const probe = createMemoryProbe([processInfo(2, "b"), processInfo(1, "a")]);
    probe.markDefunct(2);
    expect((await probe.list()).map((p) => [p.pid, p.defunct])).toEqual([
      [1, false],
      [2, true],
    ]);
    probe.kill(1);
    expect((await probe.list()).map((p) => p.pid)).toEqual([2]);
  });

  it("recording notifier: follows the script, then the fallback; posted() keeps only ok answers (D10)", async () => {
    const notifier = createRecordingNotifier([{ kind: "unknown", detail: "reset" }]);
    const message = { text: "t", unitId: "e2e" };
    expect((await notifier.notify(message)).kind).toBe("unknown");
    expect((await notifier.notify(message)).kind).toBe("ok");
    expect(notifier.calls).toHaveLength(2);
    expect(notifier.posted()).toHaveLength(1);
  });

  it("manual clock: advance moves both clocks; setWall jumps only the wall clock", () => {
    const clock = createManualClock(1_000, 50);
    clock.advance(10);
    clock.setWall(0);
    expect([clock.now(), clock.monotonicMs()]).toEqual([0, 60]);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it("scripted runner: matches by argv prefix, honours once, rejects unplanned commands", async () => {
    const runner = createScriptedRunner([
      { match: ["systemctl", "stop"], result: { stdout: "first" }, once: true },
      { match: "systemctl", result: { exitCode: 3 } },
    ]);
    expect((await runner.run(["systemctl", "stop", "atvm-runner@e2e.service"])).stdout).toBe("first");
    expect((await runner.run(["systemctl", "stop", "x"])).exitCode).toBe(3);
    await expect(runner.run(["rm", "-rf", "/"])).rejects.toMatchObject({ code: "COMMAND_FAILED_TO_START" });
    expect(runner.calls.map((c) => c.argv[0])).toEqual(["systemctl", "systemctl", "rm"]);
  });
});

testClockContract("manual", async () => {
  const clock = createManualClock(Date.UTC(2026, 2, 27, 8, 0, 0));
  return { clock, pass: async (ms) => clock.advance(ms) };
});

// The CommandRunner contract runs against real programs only (node-fs local runner, the ssh adapter on
// loopback sshd): a scripted runner answers what it is told, so the contract would only echo its
// script. The scripted fake's own behaviour (prefix match, once, unplanned commands) is tested above.
