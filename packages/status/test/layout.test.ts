import { isAtvmError } from "@atvm-watch/engine";
import { describe, expect, it } from "vitest";
import flowsData from "../data/flows.json" with { type: "json" };
import {
  DEFAULT_TEST_FLOWS,
  formatApproxDuration,
  formatDuration,
  renderMarkdown,
  renderText,
  toStatusJson,
} from "../src/index.ts";
import { host, MIN, sectionLines, snapshot, T0 } from "./helpers.ts";

const UTC = { zone: "UTC" } as const;
const LABELS = ["SUMMARY:", "HOSTS:", "TIMING:", "COVERAGE:", "TEST FLOW:", "NOTES:"];

/** The cmc-e2e flow from the one flows data file (R25), numbered as the layout shows it. */
const CMC_E2E_FLOW = flowsData["cmc-e2e"].map((step, i) => `${i + 1}. ${step}`);

describe("heading and section order", () => {
  it("R4 the build name is the heading (text and markdown)", () => {
    const text = renderText(snapshot(), UTC).split("\n");
    expect(text[0]).toBe("e2e-0327-redhat");
    expect(text[1]).toBe("===============");
    expect(renderMarkdown(snapshot(), UTC).split("\n")[0]).toBe("#### e2e-0327-redhat");
  });

  it("R29 sections appear once each, in the order SUMMARY, HOSTS, TIMING, COVERAGE, TEST FLOW, NOTES", () => {
    const text = renderText(snapshot(), UTC).split("\n");
    const textAt = LABELS.map((label) => text.indexOf(label));
    expect(textAt.every((i) => i > 0)).toBe(true);
    expect([...textAt].sort((a, b) => a - b)).toEqual(textAt);
    for (const label of LABELS) expect(text.filter((l) => l === label)).toHaveLength(1);

    const md = renderMarkdown(snapshot(), UTC).split("\n");
    const mdAt = LABELS.map((label) => md.indexOf(`**${label}**`));
    expect(mdAt.every((i) => i > 0)).toBe(true);
    expect([...mdAt].sort((a, b) => a - b)).toEqual(mdAt);
  });

  it("R29 an empty run (no hosts, no template) still renders every section", () => {
    const text = renderText(
      snapshot({ hosts: [], template: null, coverage: { ...snapshot().coverage, template: null } }),
      UTC,
    );
    for (const label of LABELS) expect(text.split("\n")).toContain(label);
    expect(sectionLines(text, "HOSTS:")).toEqual(["  none"]);
  });
});

describe("HOSTS", () => {
  it("R8/R12 one host per line, host first, completed then running, remaining and skipped", () => {
    expect(sectionLines(renderText(snapshot(), UTC), "HOSTS:")).toEqual([
      "  atvm9-redhat9.7 - PASS (kernel 5.14.0-570.el9)",
      "  atvm10-redhat9.6 - FAIL - step 6 (Install CMC): Timed out retrying after 4000ms: expected 'Installed' to be visible",
      "  atvm11-redhat9.5 - RUNNING - 37m 00s so far",
      "  atvm12-redhat9.4 - NOT STARTED",
      "  Skipped:",
      "    atvm41-redhat6.0 - SKIPPED - BLACKLISTED: CMC INSTALL - CAN'T COMPILE",
    ]);
  });

  it("R17 T1 a hook failure and a renderer crash are tagged on the FAIL line", () => {
    const s = snapshot({
      hosts: [
        host("atvm23-redhat9.4", "FAIL", {
          failure: {
            step: 1,
            title: "Verifying set up",
            message: "ssh: Permission denied",
            class: "hook",
            source: "junit",
          },
        }),
        host("atvm24-redhat9.6", "FAIL", {
          failure: {
            step: null,
            title: "Renderer process crashed",
            message: "renderer crash",
            class: "crash",
            source: "runner-log",
          },
        }),
        host("atvm25-redhat9.6", "FAIL", {
          failure: {
            step: 7,
            title: "Create migration session",
            message: "expected Ready",
            class: "assertion",
            source: "junit",
          },
        }),
      ],
    });
    expect(sectionLines(renderText(s, UTC), "HOSTS:")).toEqual([
      "  atvm23-redhat9.4 - FAIL - step 1 (Verifying set up) [hook]: ssh: Permission denied",
      "  atvm24-redhat9.6 - FAIL - Renderer process crashed [crash]: renderer crash",
      "  atvm25-redhat9.6 - FAIL - step 7 (Create migration session): expected Ready",
    ]);
  });

  it("R8/R12 groups by completion whatever the scope order, keeping scope order inside a group", () => {
    const s = snapshot({
      hosts: [
        host("atvm1-ubuntu24.04", "NOT STARTED"),
        host("atvm2-ubuntu22.04", "RUNNING"),
        host("atvm3-ubuntu20.04", "PASS"),
        host("atvm4-ubuntu18.04", "FAIL"),
        host("atvm5-ubuntu16.04", "PASS"),
      ],
    });
    expect(sectionLines(renderText(s, UTC), "HOSTS:")).toEqual([
      "  atvm3-ubuntu20.04 - PASS",
      "  atvm4-ubuntu18.04 - FAIL - no failure description in the run's evidence",
      "  atvm5-ubuntu16.04 - PASS",
      "  atvm2-ubuntu22.04 - RUNNING",
      "  atvm1-ubuntu24.04 - NOT STARTED",
    ]);
  });

  it("R17 a FAIL line carries the step, its title and the message, on one line", () => {
    const s = snapshot({
      hosts: [
        host("atvm7-ubuntu24.04", "FAIL", {
          failure: {
            step: 11,
            title: "Trigger revert cmotion and do I/O test before and during cmotion",
            message: "AssertionError: expected 3 to equal 4\n    at Context.<anonymous> (cmc.cy.ts:88)",
            source: "reporter-json",
          },
        }),
        host("atvm8-ubuntu22.04", "FAIL", {
          failure: {
            step: null,
            title: "before all hook",
            message: "ssh: connect to host timed out",
            source: "runner-log",
          },
        }),
      ],
    });
    expect(sectionLines(renderText(s, UTC), "HOSTS:")).toEqual([
      "  atvm7-ubuntu24.04 - FAIL - step 11 (Trigger revert cmotion and do I/O test before and during cmotion): AssertionError: expected 3 to equal 4 at Context.<anonymous> (cmc.cy.ts:88)",
      "  atvm8-ubuntu22.04 - FAIL - before all hook: ssh: connect to host timed out",
    ]);
  });

  it("R3 skipped blacklisted hosts are listed separately, each with its reason", () => {
    const s = snapshot({
      hosts: [
        host("atvm9-redhat9.7", "PASS"),
        host("atvm41-redhat6.0", "SKIPPED", { reason: "BLACKLISTED: CMC INSTALL - CAN'T COMPILE" }),
        host("atvm144-suse15.0", "SKIPPED", { reason: "CRASHES WHEN CREATING MIGRATION SESSION - BUG" }),
      ],
    });
    expect(sectionLines(renderText(s, UTC), "HOSTS:")).toEqual([
      "  atvm9-redhat9.7 - PASS",
      "  Skipped:",
      "    atvm41-redhat6.0 - SKIPPED - BLACKLISTED: CMC INSTALL - CAN'T COMPILE",
      "    atvm144-suse15.0 - SKIPPED - CRASHES WHEN CREATING MIGRATION SESSION - BUG",
    ]);
    expect(renderText(s, UTC)).toContain("of 1 in scope; 2 SKIPPED");
  });

  it("W10 the inventory kernel ends the host line, after any failure description", () => {
    const s = snapshot({
      hosts: [
        host("atvm9-redhat9.7", "PASS", { kernel: "5.14.0-570.el9" }),
        host("atvm10-redhat9.6", "FAIL", {
          kernel: "5.14.0-503.el9",
          failure: {
            step: 2,
            title: "Power on and obtain ip address and host name",
            message: "no IP",
            source: "junit",
          },
        }),
      ],
    });
    expect(sectionLines(renderText(s, UTC), "HOSTS:")).toEqual([
      "  atvm9-redhat9.7 - PASS (kernel 5.14.0-570.el9)",
      "  atvm10-redhat9.6 - FAIL - step 2 (Power on and obtain ip address and host name): no IP (kernel 5.14.0-503.el9)",
    ]);
  });

  it("W5 W6 a categorized run groups hosts under batch sub-headings, one host per line", () => {
    const s = snapshot({
      categorized: true,
      hosts: [
        host("atvm9-redhat9.7", "PASS", { batch: "e2e-0327-redhat" }),
        host("atvm7-ubuntu24.04", "RUNNING", { batch: "e2e-0327-ubuntu" }),
        host("atvm8-ubuntu22.04", "NOT STARTED"),
        host("atvm20-centos7.9", "NOT STARTED"),
      ],
      batches: [
        {
          id: "e2e-0327-redhat",
          group: "redhat",
          hosts: ["atvm9-redhat9.7"],
          state: "FINISHED",
          failed: false,
        },
        {
          id: "e2e-0327-ubuntu",
          group: "ubuntu",
          label: "debian",
          hosts: ["atvm7-ubuntu24.04", "atvm8-ubuntu22.04"],
          state: "RUNNING",
          failed: false,
        },
      ],
    });
    const text = renderText(s, UTC);
    expect(sectionLines(text, "HOSTS:")).toEqual([
      "  Batch 1/2: redhat (e2e-0327-redhat) - FINISHED",
      "    atvm9-redhat9.7 - PASS",
      "  Batch 2/2: ubuntu (e2e-0327-ubuntu; runner label debian) - RUNNING",
      "    atvm7-ubuntu24.04 - RUNNING",
      "    atvm8-ubuntu22.04 - NOT STARTED",
      "  Not yet in a batch:",
      "    atvm20-centos7.9 - NOT STARTED",
    ]);
    expect(sectionLines(text, "SUMMARY:")).toContain("  Batches: 1/2 finished");
  });

  it("R28 a non-categorized run shows no batch line", () => {
    expect(sectionLines(renderText(snapshot(), UTC), "SUMMARY:")).toEqual([
      "  State: RUNNING",
      "  Hosts: 1 PASS, 1 FAIL, 1 RUNNING, 1 NOT STARTED of 4 in scope; 1 SKIPPED",
    ]);
  });
});

describe("TIMING", () => {
  it("R6 R7 R9 a running run: start, elapsed, quickest/longest/average, whole-run ETA", () => {
    expect(sectionLines(renderText(snapshot(), UTC), "TIMING:")).toEqual([
      "  Start: 2026-03-27 08:00:00 UTC",
      "  Elapsed: 2h 10m 00s",
      "  Quickest host: atvm9-redhat9.7 (41m 00s)",
      "  Longest host: atvm10-redhat9.6 (52m 03s)",
      "  Average host runtime: 46m 30s",
      "  ETA (whole remaining run): 2026-03-27 12:24:00 UTC (in 2h 14m) — 2 hosts remaining × 46m 30s average, minus 37m already spent on atvm11-redhat9.5",
    ]);
  });

  it("R6 a complete run: start, end and total, no ETA", () => {
    const s = snapshot({
      state: "COMPLETED",
      timing: {
        ...snapshot().timing,
        finishedAt: T0 + 3_723_000,
        totalMs: 3_723_000,
        elapsedMs: null,
        eta: null,
      },
    });
    const lines = sectionLines(renderText(s, UTC), "TIMING:");
    expect(lines.slice(0, 3)).toEqual([
      "  Start: 2026-03-27 08:00:00 UTC",
      "  End: 2026-03-27 09:02:03 UTC",
      "  Total: 1h 02m 03s",
    ]);
    expect(lines.some((l) => l.includes("ETA"))).toBe(false);
    expect(lines.some((l) => l.includes("Elapsed"))).toBe(false);
  });

  it("R7 R9 with no completed host yet: n/a stats and an ETA marked unknown for the whole run", () => {
    const s = snapshot({
      timing: { ...snapshot().timing, quickest: null, longest: null, averageMs: null, eta: null },
    });
    const lines = sectionLines(renderText(s, UTC), "TIMING:");
    expect(lines).toContain("  Quickest host: n/a (no completed host yet)");
    expect(lines).toContain(
      "  ETA (whole remaining run): unknown (no completed host runtime to estimate from)",
    );
  });

  it("R6 durations read 1h 02m 03s, 4m 05s, 12s; ETAs 2h 14m, 14m, 45s", () => {
    expect([
      formatDuration(3_723_000),
      formatDuration(245_000),
      formatDuration(12_000),
      formatDuration(-5),
    ]).toEqual(["1h 02m 03s", "4m 05s", "12s", "0s"]);
    expect([
      formatApproxDuration(134 * MIN),
      formatApproxDuration(14 * MIN),
      formatApproxDuration(45_000),
    ]).toEqual(["2h 14m", "14m", "45s"]);
  });
});

describe("time zones", () => {
  it("shows times in the given zone: Europe/Berlin is UTC+1 in March and UTC+2 in July", () => {
    const berlin = sectionLines(renderText(snapshot(), { zone: "Europe/Berlin" }), "TIMING:");
    expect(berlin[0]).toBe("  Start: 2026-03-27 09:00:00 Europe/Berlin (UTC+01:00)");
    const july = Date.UTC(2026, 6, 1, 8, 0, 0);
    const summer = snapshot({ timing: { ...snapshot().timing, startedAt: july } });
    expect(sectionLines(renderText(summer, { zone: "Europe/Berlin" }), "TIMING:")[0]).toBe(
      "  Start: 2026-07-01 10:00:00 Europe/Berlin (UTC+02:00)",
    );
    expect(sectionLines(renderText(summer, UTC), "TIMING:")[0]).toBe("  Start: 2026-07-01 08:00:00 UTC");
  });

  it("an invalid zone is AtvmError CONFIG_INVALID naming the zone, from every renderer", () => {
    for (const zone of ["Mars/Olympus", "", "system", "local"]) {
      for (const render of [renderText, renderMarkdown, toStatusJson]) {
        let error: unknown;
        try {
          render(snapshot(), { zone });
        } catch (e) {
          error = e;
        }
        expect(isAtvmError(error)).toBe(true);
        expect((error as { code: string }).code).toBe("CONFIG_INVALID");
        expect((error as Error).message).toContain(`"${zone}"`);
      }
    }
  });
});

describe("COVERAGE", () => {
  it("R35 echoes template, config family and file, integration, plugin, flags and selector, no prose", () => {
    const s = snapshot({
      coverage: { ...snapshot().coverage, flags: ["--ignore_force_shutdown", "--categorize"] },
    });
    expect(sectionLines(renderText(s, UTC), "COVERAGE:")).toEqual([
      "  Template: cmc-e2e",
      "  Config family: pure",
      "  Config file: cypress.atvm-config-gold.ts",
      "  Integration: pure",
      "  Plugin: iscsi",
      "  Flags: --ignore_force_shutdown --categorize",
      "  Selector: --containsVm redhat9",
    ]);
  });

  it("R35 never lists the explicit hosts, even when the selector names them", () => {
    const s = snapshot({
      coverage: {
        ...snapshot().coverage,
        selector: "--specify_vms atvm9-redhat9.7,atvm10-redhat9.6 atvm11-redhat9.5",
      },
    });
    const coverage = sectionLines(renderText(s, UTC), "COVERAGE:");
    for (const h of s.hosts) expect(coverage.join("\n")).not.toContain(h.host);
    expect(coverage).toContain("  Selector: --specify_vms");
    expect(toStatusJson(s, UTC).coverage.selector).toBe("--specify_vms");
  });
});

describe("TEST FLOW", () => {
  it("R25 cmc-e2e shows the seed's 22 steps word for word, once", () => {
    const text = renderText(snapshot(), UTC);
    expect(sectionLines(text, "TEST FLOW:")).toEqual(CMC_E2E_FLOW.map((step) => `  ${step}`));
    expect(text.split("Power off")).toHaveLength(2);
    expect(DEFAULT_TEST_FLOWS["cmc-e2e"]).toHaveLength(22);
    // Spot checks typed from the operators' 2026-03-27 learning, independent of the data file.
    expect(DEFAULT_TEST_FLOWS["cmc-e2e"]?.[0]).toBe("Verifying set up");
    expect(DEFAULT_TEST_FLOWS["cmc-e2e"]?.[5]).toBe("Install CMC");
    expect(DEFAULT_TEST_FLOWS["cmc-e2e"]?.[8]).toBe("Trigger cmotion and do I/O test before actual cutover");
    expect(DEFAULT_TEST_FLOWS["cmc-e2e"]?.[21]).toBe("Power off");
    const md = renderMarkdown(snapshot(), UTC).split("\n");
    const at = md.indexOf("**TEST FLOW:**");
    expect(md.slice(at + 1, at + 23)).toEqual(CMC_E2E_FLOW);
  });

  it("R25 an unknown template gets one line naming it and how to add a flow", () => {
    const s = snapshot({
      template: "cmc-systemOS",
      coverage: { ...snapshot().coverage, template: "cmc-systemOS" },
    });
    expect(sectionLines(renderText(s, UTC), "TEST FLOW:")).toEqual([
      '  No test flow is defined for template "cmc-systemOS"; add one under "testFlows" in atvm.config.json.',
    ]);
  });

  it("R25 flows from the config add templates and override the defaults", () => {
    const flows = { "cmc-reboot": ["Power on", "Reboot", "Verify"], "cmc-e2e": ["Only step"] };
    const reboot = snapshot({ template: "cmc-reboot" });
    expect(sectionLines(renderText(reboot, { zone: "UTC", flows }), "TEST FLOW:")).toEqual([
      "  1. Power on",
      "  2. Reboot",
      "  3. Verify",
    ]);
    expect(sectionLines(renderText(snapshot(), { zone: "UTC", flows }), "TEST FLOW:")).toEqual([
      "  1. Only step",
    ]);
  });

  it("R16 one layout for every template: same sections and row labels for e2e, systemOS and reboot", () => {
    const shape = (text: string): string[] =>
      text
        .split("\n")
        .filter((line) => !/^ {2}\d+\. /.test(line) && !line.startsWith("  No test flow"))
        .map((line) => line.replace(/:.*$/, ":"));
    const flows = { "cmc-systemOS": ["Boot", "Check OS"], "cmc-reboot": ["Reboot"] };
    const shapes = ["cmc-e2e", "cmc-systemOS", "cmc-reboot", "cmc-unknown"].map((template) =>
      shape(
        renderText(snapshot({ template, build: "build-x", coverage: { ...snapshot().coverage, template } }), {
          zone: "UTC",
          flows,
        }),
      ),
    );
    for (const other of shapes.slice(1)) expect(other).toEqual(shapes[0]);
  });
});

describe("NOTES", () => {
  it("R31 R36 run URL, then the exact template command untrimmed (600 chars), then notes", () => {
    const command = `python3 cmc-templates.py --template_name cmc-e2e --build_name e2e-long ${Array.from(
      { length: 60 },
      (_, i) => `--exclude_partial_match atvm${100 + i}-x`,
    ).join(" ")}`.slice(0, 600);
    expect(command).toHaveLength(600);
    const s = snapshot({ templateCommand: command });
    const notes = sectionLines(renderText(s, UTC), "NOTES:");
    expect(notes).toEqual([
      "  Run URL: https://currents.example/run/abc123",
      `  Template command: ${command}`,
      "  atvm10-redhat9.6 failed at step 6; the runner log shows the CMC installer timed out.",
    ]);
    const md = renderMarkdown(s, UTC).split("\n");
    expect(md).toContain(command);
    expect(toStatusJson(s, UTC).templateCommand).toBe(command);
  });

  it("R31 R24 never emits bookkeeping or harmless reset-failed output, keeps real anomalies", () => {
    const s = snapshot({
      notes: [
        "Run finished and one or more sub-run result artifacts were detected.",
        "Final reporting artifacts were detected.",
        "check-xml-files.ts validation passed",
        "host details were derived from reporter artifacts",
        "systemctl reset-failed atvm-run-watcher@e2e-0327-redhat.service: Unit atvm-run-watcher@e2e-0327-redhat.service not loaded.",
        "Runner hang: npm exec cypress-cloud is defunct after upload (R1).",
      ],
    });
    for (const out of [renderText(s, UTC), renderMarkdown(s, UTC), JSON.stringify(toStatusJson(s, UTC))]) {
      for (const phrase of [
        "artifacts were detected",
        "validation passed",
        "derived from reporter artifacts",
        "reset-failed",
      ]) {
        expect(out).not.toContain(phrase);
      }
      expect(out).toContain("Runner hang: npm exec cypress-cloud is defunct after upload");
    }
  });

  it("R31 parse issues are summarized as artifacts that could not be read", () => {
    const s = snapshot({
      notes: [],
      issues: [
        {
          file: "cypress/cmcReporter/xml/test-result-01fe.xml",
          kind: "truncated-log",
          problem: "no closing </testsuites>",
        },
        {
          file: "cypress/cmcReporter/logs/atvm9-redhat9.7/a.json",
          kind: "malformed",
          problem: "JSON ends at byte 4096",
        },
      ],
    });
    expect(sectionLines(renderText(s, UTC), "NOTES:").at(-1)).toBe(
      "  2 artifacts could not be read: cypress/cmcReporter/xml/test-result-01fe.xml: no closing </testsuites>; cypress/cmcReporter/logs/atvm9-redhat9.7/a.json: JSON ends at byte 4096",
    );
  });

  it("D2 an UNKNOWN state explains itself in NOTES", () => {
    const s = snapshot({
      state: "UNKNOWN",
      progressReasons: ["runner gone but 2 hosts have no result"],
      notes: [],
    });
    expect(sectionLines(renderText(s, UTC), "NOTES:")).toContain(
      "  State UNKNOWN: runner gone but 2 hosts have no result",
    );
  });
});

describe("colour", () => {
  it("emits no ANSI escape when color is false or absent", () => {
    const s = snapshot({ notes: ["a note with an escape \u001b[31mred\u001b[0m in it"] });
    for (const out of [
      renderText(s, UTC),
      renderText(s, { zone: "UTC", color: false }),
      renderMarkdown(s, UTC),
    ]) {
      expect(out).not.toContain("\u001b");
    }
  });

  it("colours PASS green, FAIL red, RUNNING yellow, SKIPPED dim when color is true", () => {
    const lines = renderText(snapshot(), { zone: "UTC", color: true }).split("\n");
    const line = (h: string): string => lines.find((l) => l.includes(h)) ?? "";
    expect(line("atvm9-redhat9.7 - PASS")).toContain("\u001b[32matvm9-redhat9.7 - PASS");
    expect(line("atvm10-redhat9.6 - FAIL")).toContain("\u001b[31matvm10-redhat9.6 - FAIL");
    expect(line("atvm11-redhat9.5 - RUNNING")).toContain("\u001b[33matvm11-redhat9.5 - RUNNING");
    expect(line("atvm41-redhat6.0 - SKIPPED")).toContain("\u001b[2matvm41-redhat6.0 - SKIPPED");
    expect(line("atvm12-redhat9.4 - NOT STARTED")).toBe("  atvm12-redhat9.4 - NOT STARTED");
  });
});
