import type { Observation } from "@atvm-watch/artifacts";
import { describe, expect, it } from "vitest";
import type { HostEntry, RunnerActivity, Scope, Snapshot } from "../src/domain.ts";
import { type ReconstructOptions, reconstruct } from "../src/reconstruct/index.ts";
import {
  at,
  bookkeeping,
  cypressConfig,
  failed,
  hostResult,
  inventory,
  invocation,
  min,
  passed,
  runnerLog,
} from "./helpers/observations.ts";

const BUILD = "e2e-0327";
const A = "atvm7-ubuntu24.04";
const B = "atvm9-redhat9.7";
const C = "atvm145-suse15.4";
const GONE: RunnerActivity = { runnerAlive: false, cypressAlive: false, defunctChild: false };
const ALIVE: RunnerActivity = { runnerAlive: true, cypressAlive: true, defunctChild: false };

const scopeOf = (hosts: string[], skipped: Scope["skipped"] = []): Scope => ({
  hosts,
  skipped,
  source: "spec-pattern",
});
const run = (
  scope: Scope,
  observations: readonly Observation[],
  options: Partial<ReconstructOptions> = {},
): Snapshot =>
  reconstruct(scope, observations, { build: BUILD, now: at("12:00"), runStartMs: at("08:00"), ...options });
const host = (snapshot: Snapshot, name: string): HostEntry => {
  const entry = snapshot.hosts.find((h) => h.host === name);
  if (entry === undefined) throw new Error(`no ${name} in snapshot`);
  return entry;
};
const statuses = (snapshot: Snapshot): Record<string, string> =>
  Object.fromEntries(snapshot.hosts.map((h) => [h.host, h.status]));

describe("host status", () => {
  it("W7 PASS only from a parsed result with executed tests; an empty suite reads FAIL - no tests ran", () => {
    const snapshot = run(scopeOf([A, B]), [
      passed(A, at("09:00"), min(30)),
      hostResult({ host: B, startedAt: at("09:40"), steps: 0 }),
    ]);
    expect(statuses(snapshot)).toEqual({ [A]: "PASS", [B]: "FAIL" });
    expect(host(snapshot, B).failure).toEqual({
      step: null,
      title: "no tests ran",
      message: `the spec ran an empty suite (cypress/cmcReporter/xml/test-result-${B}.xml holds no test)`,
      class: "no-tests",
      source: "junit",
    });
  });

  it("W7 a result whose tests were all pending is not PASS: the host keeps its RUN state", () => {
    const snapshot = run(scopeOf([A]), [hostResult({ host: A, startedAt: at("09:00"), executed: 0 })], {
      activity: ALIVE,
    });
    expect(host(snapshot, A).status).toBe("RUNNING");
    expect(host(snapshot, A).startedAt).toBe(at("09:00"));
  });

  it("R11 the most recent same-run result of a host wins, and a note names the one used", () => {
    const first = failed(
      A,
      at("09:00"),
      min(20),
      { step: 2, message: "no IP" },
      { file: "xml/test-result-aaaa.xml" },
    );
    const rerun = passed(A, at("10:00"), min(25), { file: "xml/test-result-bbbb.xml", mtimeMs: at("07:00") });
    const snapshot = run(scopeOf([A]), [rerun, first]);
    expect(host(snapshot, A)).toMatchObject({ status: "PASS", startedAt: at("10:00"), durationMs: min(25) });
    expect(host(snapshot, A).evidence).toEqual(["xml/test-result-bbbb.xml", "xml/test-result-aaaa.xml"]);
    expect(snapshot.notes).toContain(
      `${A} has 2 same-run results; the latest (xml/test-result-bbbb.xml, started 2026-03-27 10:00:00 UTC) was used`,
    );
  });

  it("R11 R33 a result without a content timestamp ranks below timestamped evidence, whatever its mtime", () => {
    const timed = failed(A, at("09:00"), min(20), { step: 2, message: "no IP" });
    const untimed = hostResult({
      host: A,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      file: "xml/test-result-cccc.xml",
      mtimeMs: at("11:59"),
    });
    expect(host(run(scopeOf([A]), [untimed, timed]), A).status).toBe("FAIL");
    expect(host(run(scopeOf([A]), [untimed]), A).status).toBe("PASS");
  });

  it("R33 a stale pre-run artifact never changes a host, even with a fresh mtime", () => {
    const stale = failed(A, at("07:00"), min(20), { step: 2, message: "old" }, { mtimeMs: at("11:00") });
    expect(host(run(scopeOf([A]), [stale]), A).status).toBe("NOT STARTED");
    const snapshot = run(scopeOf([A]), [stale, passed(A, at("09:00"), min(30), { mtimeMs: at("09:30") })]);
    expect(host(snapshot, A).status).toBe("PASS");
    expect(host(snapshot, A).evidence).toEqual([`cypress/cmcReporter/xml/test-result-${A}.xml`]);
  });

  it("R11 the check-xml-files.ts spec in the runner log is never a host, and running it moves past the last host", () => {
    const log = runnerLog()
      .specStarted(A)
      .specStarted("check-xml-files")
      .specResult("check-xml-files", { failed: 1 });
    const snapshot = run(scopeOf([A]), [...log.observations, passed(A, at("09:00"), min(30))], {
      activity: ALIVE,
    });
    expect(snapshot.hosts.map((h) => h.host)).toEqual([A]);
    expect(host(snapshot, A).status).toBe("PASS");
    expect(snapshot.state).toBe("RUNNING");
  });

  it("W7 R11 a host whose spec started again after its last result is RUNNING (re-run), not its earlier result", () => {
    const log = runnerLog()
      .specStarted(A, 1, 3)
      .specResult(A, { failed: 1, passed: 0 })
      .specStarted(B, 2, 3)
      .specResult(B)
      .specStarted(A, 3, 3);
    const observations = [
      ...log.observations,
      failed(A, at("08:00"), min(5), { step: 2, message: "no IP" }),
      passed(B, at("08:10"), min(30)),
    ];
    const rerun = run(scopeOf([A, B]), observations, { activity: ALIVE });
    expect(host(rerun, A).status).toBe("RUNNING");
    expect(rerun.endConfirmed).toBe(false);
    expect(rerun.notes.some((n) => n.includes(`${A} is running again`))).toBe(true);
    // Once the re-run's own result is logged, its parsed result counts again.
    const done = run(
      scopeOf([A, B]),
      [
        ...runnerLog()
          .specStarted(A, 1, 3)
          .specResult(A, { failed: 1 })
          .specStarted(B, 2, 3)
          .specResult(B)
          .specStarted(A, 3, 3)
          .specResult(A).observations,
        failed(A, at("08:00"), min(5), { step: 2, message: "no IP" }),
        passed(B, at("08:10"), min(30)),
        passed(A, at("08:45"), min(40)),
      ],
      { activity: ALIVE },
    );
    expect(host(done, A).status).toBe("PASS");
  });

  it("R11 a check-xml-files.ts bookkeeping XML is never a host result", () => {
    const snapshot = run(scopeOf([A]), [bookkeeping(at("10:00"), { failedHosts: [A], passed: false })], {
      activity: GONE,
    });
    expect(host(snapshot, A).status).toBe("NOT STARTED");
    expect(snapshot.notes).toContain(`check-xml-files.ts reported missing or failed results for ${A}`);
  });

  it("R27 final bookkeeping and no host XML: the host's result comes from its per-host reporter JSON", () => {
    const snapshot = run(
      scopeOf([A, B]),
      [
        passed(A, at("09:00"), min(30), { source: "mochawesome" }),
        failed(
          B,
          at("09:31"),
          min(12),
          { step: 6, message: "make: *** [all] Error 2" },
          { source: "mochawesome" },
        ),
        bookkeeping(at("09:45")),
      ],
      { activity: GONE },
    );
    expect(statuses(snapshot)).toEqual({ [A]: "PASS", [B]: "FAIL" });
    expect(host(snapshot, B).failure).toEqual({
      step: 6,
      title: "Install CMC",
      message: "make: *** [all] Error 2",
      source: "reporter-json",
    });
    expect(snapshot.progress).toBe("finished");
    expect(snapshot.state).toBe("FAILED");
  });

  it("R27 R17 JUnit and reporter JSON of one attempt merge: JUnit's step, the richer message", () => {
    const junit = failed(A, at("09:00"), min(20), { step: 7, message: "Timed out retrying" });
    const json = failed(
      A,
      at("09:00:01"),
      min(20),
      {
        step: 7,
        message: "Timed out retrying after 60000ms: expected session to be created",
        timedOut: true,
      },
      { source: "mochawesome" },
    );
    const snapshot = run(scopeOf([A]), [json, junit]);
    expect(host(snapshot, A).failure).toEqual({
      step: 7,
      title: "Create migration session",
      message: "Timed out retrying after 60000ms: expected session to be created",
      class: "timeout",
      source: "reporter-json",
    });
    expect(snapshot.notes.some((n) => n.includes("same-run results"))).toBe(false);
    expect(host(snapshot, A).evidence).toEqual([junit.file, json.file]);
  });
});

describe("failure description", () => {
  it("R17 names the first failing step and the first meaningful lines of its message, stack frames trimmed", () => {
    const message = [
      "AssertionError: expected 'failed' to equal 'installed'",
      "    at Context.eval (webpack://cdc/./cypress/e2e/generated/atvm9.cy.ts:120:11)",
      "    at runnable.fn (cypress_runner.js:1)",
    ].join("\n");
    const snapshot = run(scopeOf([B]), [
      failed(B, at("09:00"), min(20), { step: 6, message, type: "AssertionError" }),
    ]);
    expect(host(snapshot, B).failure).toEqual({
      step: 6,
      title: "Install CMC",
      message: "AssertionError: expected 'failed' to equal 'installed'",
      class: "assertion",
      source: "junit",
    });
  });

  it("R17 a hook failure names the step the hook ran for, class hook", () => {
    const snapshot = run(scopeOf([B]), [
      failed(B, at("09:00"), min(2), { step: 1, message: "cy.task('ssh') failed", hook: "before all" }),
    ]);
    expect(host(snapshot, B).status).toBe("FAIL");
    expect(host(snapshot, B).failure).toMatchObject({ step: 1, title: "Verifying set up", class: "hook" });
  });

  it("R17 a long message is cut to about 300 characters", () => {
    const snapshot = run(scopeOf([B]), [
      failed(B, at("09:00"), min(2), { step: 2, message: "x".repeat(1000) }),
    ]);
    const message = host(snapshot, B).failure?.message ?? "";
    expect(message.length).toBeLessThanOrEqual(300);
    expect(message.endsWith("…")).toBe(true);
  });

  it("R17 without a JUnit message the reporter JSON's err.message is used, then the runner log's failure", () => {
    const junit = failed(B, at("09:00"), min(20), { step: 4, message: "" });
    const json = failed(
      B,
      at("09:00"),
      min(20),
      { step: 4, message: "disk /dev/sdb not found" },
      { source: "mocha-json" },
    );
    expect(host(run(scopeOf([B]), [junit, json]), B).failure).toMatchObject({
      step: 4,
      message: "disk /dev/sdb not found",
      source: "reporter-json",
    });
    const log = runnerLog()
      .specStarted(B)
      .testFailed(B, 4, "Setting up disk on the host", "Error: lsblk exited 32\n  at x (y.js:1)");
    expect(host(run(scopeOf([B]), [junit, ...log.observations]), B).failure).toEqual({
      step: 4,
      title: "Setting up disk on the host",
      message: "Error: lsblk exited 32",
      source: "runner-log",
    });
  });

  it("R17 a renderer crash the runner moved on from fails the host with class crash and a note", () => {
    const log = runnerLog().specStarted(A, 1, 2).crash(A).specStarted(B, 2, 2);
    const snapshot = run(scopeOf([A, B]), log.observations, { activity: ALIVE });
    expect(host(snapshot, A)).toMatchObject({
      status: "FAIL",
      failure: { class: "crash", source: "runner-log" },
    });
    expect(host(snapshot, B).status).toBe("RUNNING");
    expect(snapshot.notes).toContain(`Runner log shows a renderer crash on ${A}`);
  });
});

describe("live evidence", () => {
  it("RUNNING from the runner log's latest started spec without a later result, and from config current_vm", () => {
    const log = runnerLog().specStarted(A, 1, 3).specResult(A).specStarted(B, 2, 3);
    const snapshot = run(scopeOf([A, B, C]), [...log.observations, passed(A, at("09:00"), min(30))], {
      activity: ALIVE,
    });
    expect(statuses(snapshot)).toEqual({ [A]: "PASS", [B]: "RUNNING", [C]: "NOT STARTED" });
    const fromConfig = run(
      scopeOf([A, B, C]),
      [passed(A, at("09:00"), min(30)), cypressConfig([A, B, C], B)],
      {
        activity: ALIVE,
      },
    );
    expect(host(fromConfig, B).status).toBe("RUNNING");
  });

  it("an incomplete artifact naming a host makes it RUNNING; parse issues ride on the snapshot unchanged", () => {
    const issues = [
      {
        file: `cypress/cmcReporter/logs/${B}/mochawesome.json`,
        kind: "incomplete" as const,
        problem: "truncated JSON",
      },
      { file: "vm-inventory.md", kind: "malformed" as const, problem: "no table" },
    ];
    const snapshot = run(scopeOf([A, B]), [passed(A, at("09:00"), min(30))], { issues, activity: ALIVE });
    expect(host(snapshot, B).status).toBe("RUNNING");
    expect(snapshot.issues).toEqual(issues);
  });

  it("W10 kernel values come from the VM inventory, skipped hosts included", () => {
    const snapshot = run(
      scopeOf([A], [{ host: "atvm41-redhat6.0", reason: "BLACKLISTED: CMC INSTALL - CAN'T COMPILE" }]),
      [inventory({ [A]: "6.8.0-31-generic", "atvm41-redhat6.0": "2.6.32-71.el6.x86_64" })],
    );
    expect(host(snapshot, A).kernel).toBe("6.8.0-31-generic");
    expect(host(snapshot, "atvm41-redhat6.0")).toEqual({
      host: "atvm41-redhat6.0",
      status: "SKIPPED",
      reason: "BLACKLISTED: CMC INSTALL - CAN'T COMPILE",
      kernel: "2.6.32-71.el6.x86_64",
      evidence: [],
    });
  });

  it("R10 a host outside the scope with results from this run is added, with a note", () => {
    const snapshot = run(scopeOf([A]), [passed(A, at("09:00"), min(30)), passed(C, at("09:40"), min(30))]);
    expect(snapshot.hosts.map((h) => h.host)).toEqual([A, C]);
    expect(snapshot.notes).toContain(`${C} is not in the run's scope but has results from this run`);
  });
});

describe("progress and state", () => {
  const allDone = [
    passed(A, at("09:00"), min(30)),
    failed(B, at("09:31"), min(10), { step: 2, message: "no IP address" }),
    bookkeeping(at("09:45")),
  ];

  it("D1 D2 finished only when no runner is active, every host is final and finalization is seen", () => {
    const failedRun = run(scopeOf([A, B]), allDone, { activity: GONE });
    expect([failedRun.progress, failedRun.state]).toEqual(["finished", "FAILED"]);
    const passedRun = run(scopeOf([A]), [passed(A, at("09:00"), min(30)), bookkeeping(at("09:35"))], {
      activity: GONE,
    });
    expect([passedRun.progress, passedRun.state]).toEqual(["finished", "COMPLETED"]);
    expect(passedRun.timing.finishedAt).toBe(at("09:35"));
    expect(passedRun.timing.totalMs).toBe(min(95));
  });

  it("D1 R1 results final and run URL recorded but the runner still alive → running, 'results final; runner still alive'", () => {
    const log = runnerLog().runUrl("https://currents.example/run/1").footer(false, 1, 2);
    const snapshot = run(scopeOf([A, B]), [...allDone, ...log.observations], {
      activity: { runnerAlive: true, cypressAlive: false, defunctChild: true },
    });
    expect([snapshot.progress, snapshot.state]).toEqual(["running", "RUNNING"]);
    expect(snapshot.progressReasons[0]).toContain("results final; runner still alive");
    expect(snapshot.runUrls).toEqual(["https://currents.example/run/1"]);
  });

  it("D2 TERMINATED when the runner is gone while hosts are pending and nothing finalized the run", () => {
    const snapshot = run(scopeOf([A, B, C]), [passed(A, at("09:00"), min(30))], { activity: GONE });
    expect([snapshot.progress, snapshot.state]).toEqual(["stopped", "TERMINATED"]);
    expect(snapshot.timing.eta).toBeNull();
  });

  it("D2 UNKNOWN when the runner footer says all specs passed but a host failed (note says so)", () => {
    const log = runnerLog()
      .specStarted(A)
      .specResult(A)
      .specStarted(B)
      .specResult(B, { passed: 1, failed: 1 })
      .footer(true);
    const snapshot = run(scopeOf([A, B]), [...allDone, ...log.observations], { activity: GONE });
    expect([snapshot.progress, snapshot.state]).toEqual(["unclear", "UNKNOWN"]);
    expect(snapshot.notes).toContain(`Runner log footer says all specs passed, but ${B} failed`);
  });

  it("D1 activity unknown: finished from artifacts alone (footer plus every host final)", () => {
    const log = runnerLog().runUrl("https://currents.example/run/2").footer(false, 1, 2);
    const snapshot = run(
      scopeOf([A, B]),
      [
        passed(A, at("09:00"), min(30)),
        failed(B, at("09:31"), min(10), { step: 2, message: "x" }),
        ...log.observations,
      ],
      { activity: null },
    );
    expect([snapshot.progress, snapshot.state]).toEqual(["finished", "FAILED"]);
  });

  it("D1 activity unknown and no live evidence, or every host final but nothing confirms the end → UNKNOWN", () => {
    const pending = run(scopeOf([A, B]), [passed(A, at("09:00"), min(30))], { activity: null });
    expect(pending.state).toBe("UNKNOWN");
    const unconfirmed = run(scopeOf([A]), [passed(A, at("09:00"), min(30))], { activity: GONE });
    expect(unconfirmed.state).toBe("UNKNOWN");
    expect(unconfirmed.progressReasons[0]).toContain("no final reporter artifact");
  });

  it("D2 a run the runner log says was cancelled is stopped, with a `Run cancelled:` note", () => {
    const log = runnerLog().specStarted(A).cancelled("operator request");
    const snapshot = run(scopeOf([A, B]), log.observations, { activity: GONE });
    expect(snapshot.state).toBe("TERMINATED");
    expect(snapshot.notes).toContain("Run cancelled: operator request");
    expect(snapshot.notes).toContain("Run URL not seen in the runner log");
  });
});

describe("coverage, commands and notes", () => {
  const template =
    "python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --containsVm redhat9 --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown --exclude_partial_match atvm6-centos6.0 atvm41-redhat6.0";
  const runner = `python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name ${BUILD} --categorize`;

  it("R35 R36 coverage and the exact commands come from the latest invocations of the run", () => {
    const snapshot = run(scopeOf([B]), [
      invocation(
        "python3 ./cmc-templates.py --template_name systemOS --config_file cypress.atvm-config.ts",
        1,
      ),
      invocation("python3 ./run-sorry-cypress.py --build_name older-build", 2),
      invocation(template, 3),
      invocation(runner, 4),
      invocation("python3 ./cmc-templates.py --template_name reboot", 5),
    ]);
    expect(snapshot.template).toBe("cmc-e2e");
    expect(snapshot.coverage).toEqual({
      template: "cmc-e2e",
      configFamily: "gold",
      configFile: "cypress.atvm-config-gold.ts",
      integration: "pure",
      plugin: "iscsi",
      flags: ["--ignore_force_shutdown", "--categorize"],
      selector: "--containsVm redhat9",
    });
    expect(snapshot.templateCommand).toBe(template);
    expect(snapshot.runnerCommand).toBe(runner);
    expect(snapshot.categorized).toBe(true);
  });

  it("R31 notes carry anomalies and failure context, never bookkeeping; run URLs are deduped in log order", () => {
    const log = runnerLog()
      .runUrl("https://currents.example/run/9")
      .specStarted(A)
      .specResult(A)
      .runUrl("https://currents.example/run/9")
      .runUrl("https://currents.example/run/10")
      .footer(true);
    const snapshot = run(
      scopeOf([A]),
      [passed(A, at("09:00"), min(30)), bookkeeping(at("09:40")), ...log.observations],
      {
        activity: GONE,
      },
    );
    expect(snapshot.state).toBe("COMPLETED");
    expect(snapshot.runUrls).toEqual(["https://currents.example/run/9", "https://currents.example/run/10"]);
    expect(snapshot.notes).toEqual([]);
  });
});
