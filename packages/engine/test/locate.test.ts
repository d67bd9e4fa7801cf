import { type InvocationObservation, parseShellHistory } from "@atvm-watch/artifacts";
import { describe, expect, it } from "vitest";
import { locateRun, parseRunnerProcess, runnerActivity } from "../src/locate.ts";
import type { ProcessInfo } from "../src/ports.ts";

const T0 = Date.UTC(2026, 2, 27, 8, 0, 0);

function proc(pid: number, command: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid, ppid: 1, command, defunct: false, startedAt: null, ...extra };
}

function call(
  order: number,
  tool: InvocationObservation["tool"],
  command: string,
  at: number | null = null,
): InvocationObservation {
  const options: Record<string, string | true> = {};
  const tokens = command.split(/\s+/);
  tokens.forEach((t, i) => {
    if (!t.startsWith("--")) return;
    const next = tokens[i + 1];
    options[t.slice(2)] = next !== undefined && !next.startsWith("--") ? next : true;
  });
  const build = options.build_name;
  return {
    kind: "invocation",
    file: ".bash_history",
    tool,
    command,
    buildName: typeof build === "string" ? build : null,
    options,
    order,
    at,
  };
}

const TEMPLATE_A = call(
  0,
  "cmc-templates",
  "python3 cmc-templates.py --template_name cmc-e2e --containsVm redhat9",
  T0,
);
const RUN_A = call(1, "run-sorry-cypress", "python3 run-sorry-cypress.py --build_name e2e-a", T0 + 60_000);
const TEMPLATE_B = call(
  2,
  "cmc-templates",
  "python3 cmc-templates.py --template_name systemOS --categorize",
  T0 + 3_600_000,
);
const RUN_B = call(
  3,
  "run-sorry-cypress",
  "python3 run-sorry-cypress.py --build_name e2e-b --categorize",
  T0 + 3_660_000,
);
const HISTORY = [TEMPLATE_A, RUN_A, TEMPLATE_B, RUN_B];

describe("parseRunnerProcess", () => {
  it("R21 reads the build of a run-sorry-cypress.py process in either --build_name form", () => {
    expect(
      parseRunnerProcess(proc(5, "python3 ./run-sorry-cypress.py --build_name e2e-x --categorize")),
    ).toMatchObject({
      build: "e2e-x",
      categorized: true,
    });
    expect(
      parseRunnerProcess(proc(5, "python3 /root/c/run-sorry-cypress.py --build_name=e2e-y"))?.build,
    ).toBe("e2e-y");
  });
  it("R21 R19 prefers the probe's real argv: an argument holding spaces is one word, never options", () => {
    const argv = [
      "python3",
      "./run-sorry-cypress.py",
      "--build_name",
      "e2e-x",
      "--comment",
      "retry --categorize --build_name=other",
    ];
    const info = proc(5, argv.join(" "), { argv });
    expect(parseRunnerProcess(info)).toMatchObject({ build: "e2e-x", categorized: false });
    // Without argv the joined line is all there is: split at whitespace, the last --build_name wins.
    expect(parseRunnerProcess(proc(5, argv.join(" ")))).toMatchObject({ build: "other", categorized: true });
  });
  it("R21 a --build_name without a value names no build (not the next option)", () => {
    expect(
      parseRunnerProcess(proc(5, "python3 ./run-sorry-cypress.py --build_name --categorize")),
    ).toMatchObject({ build: null, categorized: true });
  });
  it("R19 a categorized runner invocation recorded by the history parser (keys with --) makes the run categorized", () => {
    const history = parseShellHistory(
      "python3 cmc-templates.py --template_name systemOS\npython3 run-sorry-cypress.py --build_name e2e-c --categorize\n",
      { path: ".bash_history", sizeBytes: 0, mtimeMs: 0 },
    );
    const location = locateRun({ processes: [], invocations: history.observations });
    expect(location).toMatchObject({ build: "e2e-c", live: false, categorized: true });
  });
  it("R21 ignores a grep or tail that merely mentions the runner, and defunct processes", () => {
    expect(parseRunnerProcess(proc(5, "grep run-sorry-cypress.py --build_name e2e-x"))).toBeNull();
    expect(parseRunnerProcess(proc(5, "/usr/bin/tail -f run-sorry-cypress.py"))).toBeNull();
    expect(
      parseRunnerProcess(proc(5, "python3 run-sorry-cypress.py --build_name e2e-x", { defunct: true })),
    ).toBeNull();
    expect(parseRunnerProcess(proc(5, "python3 cmc-templates.py --template_name cmc-e2e"))).toBeNull();
  });
});

describe("locateRun", () => {
  it("R21 a live runner process wins over newer history, and is live", () => {
    const location = locateRun({
      processes: [
        proc(1, "/sbin/init"),
        proc(900, "python3 run-sorry-cypress.py --build_name e2e-a", { startedAt: T0 + 61_000 }),
      ],
      invocations: HISTORY,
    });
    expect(location).toMatchObject({
      build: "e2e-a",
      live: true,
      runStartMs: T0 + 60_000,
      categorized: false,
    });
    expect(location?.runnerInvocation).toBe(RUN_A);
    expect(location?.templateInvocation).toBe(TEMPLATE_A);
    expect(location?.runnerProcess?.pid).toBe(900);
  });

  it("R21 a live run whose command is not in history yet starts at the process start", () => {
    const location = locateRun({
      processes: [
        proc(900, "python3 run-sorry-cypress.py --build_name e2e-new", { startedAt: T0 + 7_200_000 }),
      ],
      invocations: HISTORY,
    });
    expect(location).toMatchObject({ build: "e2e-new", live: true, runStartMs: T0 + 7_200_000 });
    expect(location?.runnerInvocation).toBeUndefined();
    expect(location?.templateInvocation).toBe(TEMPLATE_B); // the latest template before the process started
  });

  it("R21 a reused build name's older history entry is not the live run's", () => {
    const location = locateRun({
      processes: [
        proc(900, "python3 run-sorry-cypress.py --build_name e2e-a", { startedAt: T0 + 86_400_000 }),
      ],
      invocations: HISTORY,
    });
    expect(location).toMatchObject({ build: "e2e-a", live: true, runStartMs: T0 + 86_400_000 });
    expect(location?.runnerInvocation).toBeUndefined();
  });

  it("R21 with several live runners, the most recently started one", () => {
    const location = locateRun({
      processes: [
        proc(700, "python3 run-sorry-cypress.py --build_name old", { startedAt: T0 }),
        proc(800, "python3 run-sorry-cypress.py --build_name newest", { startedAt: T0 + 1000 }),
      ],
      invocations: [],
    });
    expect(location?.build).toBe("newest");
  });

  it("R19 with no live runner falls back to the most recent run in shell history", () => {
    const location = locateRun({ processes: [proc(1, "/sbin/init")], invocations: HISTORY });
    expect(location).toMatchObject({
      build: "e2e-b",
      live: false,
      runStartMs: T0 + 3_660_000,
      categorized: true,
    });
    expect(location?.templateInvocation).toBe(TEMPLATE_B);
  });

  it("R19 orders by history time when present, else by position", () => {
    const older = call(5, "run-sorry-cypress", "python3 run-sorry-cypress.py --build_name later-in-file", T0);
    expect(locateRun({ processes: [], invocations: [...HISTORY, older] })?.build).toBe("e2e-b");
    const untimed = [
      call(0, "run-sorry-cypress", "run-sorry-cypress.py --build_name one"),
      call(1, "run-sorry-cypress", "run-sorry-cypress.py --build_name two"),
    ];
    expect(locateRun({ processes: [], invocations: untimed })).toMatchObject({
      build: "two",
      runStartMs: null,
    });
  });

  it("R19 an explicit build picks that run from history, with its own template", () => {
    const location = locateRun({ processes: [], invocations: HISTORY, build: "e2e-a" });
    expect(location).toMatchObject({
      build: "e2e-a",
      live: false,
      runStartMs: T0 + 60_000,
      categorized: false,
    });
    expect(location?.templateInvocation).toBe(TEMPLATE_A);
  });

  it("R19 an explicit build nothing names is still located, not live, with no start", () => {
    expect(locateRun({ processes: [], invocations: [], build: "e2e-z" })).toEqual({
      build: "e2e-z",
      live: false,
      runStartMs: null,
      categorized: false,
    });
  });

  it("R19 returns null when no runner is alive and history records no run", () => {
    expect(locateRun({ processes: [], invocations: [TEMPLATE_A] })).toBeNull();
  });
});

describe("runnerActivity", () => {
  it("R21 sees a live runner with a live Cypress grandchild", () => {
    const table = [
      proc(900, "python3 run-sorry-cypress.py --build_name e2e-a"),
      proc(901, "npm exec cypress-cloud run", { ppid: 900 }),
      proc(902, "/root/.cache/Cypress/13.6.0/Cypress/Cypress --run-project .", { ppid: 901 }),
    ];
    expect(runnerActivity(table, 900)).toEqual({
      runnerAlive: true,
      cypressAlive: true,
      defunctChild: false,
    });
  });
  it("R1 flags a defunct npm exec cypress-cloud child under a runner that did not exit", () => {
    const table = [
      proc(900, "python3 run-sorry-cypress.py --build_name e2e-a"),
      proc(901, "[npm exec cypres]", { ppid: 900, defunct: true }),
      proc(950, "/usr/bin/cypress unrelated", { ppid: 1 }),
    ];
    expect(runnerActivity(table, 900)).toEqual({
      runnerAlive: true,
      cypressAlive: false,
      defunctChild: true,
    });
  });
  it("R21 no live runner means no activity", () => {
    expect(runnerActivity([proc(1, "/sbin/init")], null)).toEqual({
      runnerAlive: false,
      cypressAlive: false,
      defunctChild: false,
    });
    expect(runnerActivity([], 900).runnerAlive).toBe(false);
  });
});
