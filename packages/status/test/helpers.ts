// Hand-built snapshots for the renderer tests (no engine involved).
import type { HostEntry, Snapshot, Timing } from "@atvm-watch/engine";

/** 2026-03-27 08:00:00 UTC. */
export const T0 = Date.UTC(2026, 2, 27, 8, 0, 0);
export const MIN = 60_000;

export function host(name: string, status: HostEntry["status"], extra: Partial<HostEntry> = {}): HostEntry {
  return { host: name, status, evidence: [], ...extra };
}

export const EMPTY_TIMING: Timing = {
  startedAt: null,
  finishedAt: null,
  totalMs: null,
  elapsedMs: null,
  quickest: null,
  longest: null,
  averageMs: null,
  eta: null,
};

/** A running, non-categorized cmc-e2e run with one host of every status. */
export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    build: "e2e-0327-redhat",
    template: "cmc-e2e",
    categorized: false,
    at: T0 + 130 * MIN,
    progress: "running",
    progressReasons: [],
    state: "RUNNING",
    hosts: [
      host("atvm9-redhat9.7", "PASS", {
        startedAt: T0,
        finishedAt: T0 + 41 * MIN,
        durationMs: 41 * MIN,
        kernel: "5.14.0-570.el9",
      }),
      host("atvm10-redhat9.6", "FAIL", {
        startedAt: T0 + 41 * MIN,
        finishedAt: T0 + 93 * MIN,
        durationMs: 52 * MIN,
        failure: {
          step: 6,
          title: "Install CMC",
          message: "Timed out retrying after 4000ms: expected 'Installed' to be visible",
          class: "timeout",
          source: "junit",
        },
      }),
      host("atvm11-redhat9.5", "RUNNING", { startedAt: T0 + 93 * MIN }),
      host("atvm12-redhat9.4", "NOT STARTED"),
      host("atvm41-redhat6.0", "SKIPPED", { reason: "BLACKLISTED: CMC INSTALL - CAN'T COMPILE" }),
    ],
    batches: [],
    timing: {
      startedAt: T0,
      finishedAt: null,
      totalMs: null,
      elapsedMs: 130 * MIN,
      quickest: { host: "atvm9-redhat9.7", durationMs: 41 * MIN },
      longest: { host: "atvm10-redhat9.6", durationMs: 52 * MIN + 3_000 },
      averageMs: 46.5 * MIN,
      eta: {
        remainingMs: 134 * MIN,
        finishAt: T0 + 264 * MIN,
        basis: "2 hosts remaining × 46m 30s average, minus 37m already spent on atvm11-redhat9.5",
      },
    },
    coverage: {
      template: "cmc-e2e",
      configFamily: "pure",
      configFile: "cypress.atvm-config-gold.ts",
      integration: "pure",
      plugin: "iscsi",
      flags: ["--ignore_force_shutdown"],
      selector: "--containsVm redhat9",
    },
    runUrls: ["https://currents.example/run/abc123"],
    templateCommand:
      "python3 cmc-templates.py --template_name cmc-e2e --build_name e2e-0327-redhat --containsVm redhat9 --ignore_force_shutdown --use_specified_plugin iscsi",
    runnerCommand: null,
    notes: ["atvm10-redhat9.6 failed at step 6; the runner log shows the CMC installer timed out."],
    activity: null,
    issues: [],
    ...overrides,
  };
}

/** The lines of one section of a text rendering, label excluded, up to the next blank line. */
export function sectionLines(text: string, label: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(label);
  if (start < 0) throw new Error(`no ${label} section`);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === "") break;
    out.push(line);
  }
  return out;
}

/** The lines inside the HOSTS code block of a markdown rendering. */
export function markdownHostLines(md: string): string[] {
  const lines = md.split("\n");
  const start = lines.indexOf("**HOSTS:**");
  const fence = lines[start + 1] ?? "";
  const ticks = fence.replace(/text$/, "");
  const out: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (line === ticks) break;
    out.push(line);
  }
  return out;
}
