import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RUNNER_LOG_PATTERNS,
  initialRunnerLogState,
  parseRunnerLogChunk,
  RUNNER_LOG_HEAD_BYTES,
  type RunnerLogState,
} from "../src/runner-log.ts";
import type { ArtifactMeta, RunnerLogObservation } from "../src/types.ts";

const FLEET = [
  "atvm41-redhat6.0",
  "atvm44-redhat9.7",
  "atvm7-ubuntu24.04",
  "atvm17-ubuntu24.04",
  "atvm144-suse15.0",
];
const LOGS = join(import.meta.dirname, "fixtures", "logs");
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(join(LOGS, name)));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const meta = (sizeBytes: number, extra: Partial<ArtifactMeta> = {}): ArtifactMeta => ({
  path: "tmp/e2e-0327.log",
  sizeBytes,
  readAtMs: 1_774_600_000_000,
  knownHosts: FLEET,
  ...extra,
});

/** One read of the whole file. */
function parseAll(bytes: Uint8Array, extra: Partial<ArtifactMeta> = {}) {
  return parseRunnerLogChunk(bytes, meta(bytes.length, extra), null);
}

/** Observations without the line reference, for comparing content. */
function content(observations: readonly RunnerLogObservation[]): Record<string, unknown>[] {
  return observations.map(({ file: _file, line: _line, at: _at, ...rest }) => rest);
}

/** 1-based line number of the first line of `name` containing `needle` (independent of the parser). */
function lineOf(name: string, needle: string): number {
  const lines = readFileSync(join(LOGS, name), "utf8").split("\n");
  return lines.findIndex((l) => l.includes(needle)) + 1;
}

describe("runner log: Cypress 12 native console", () => {
  const result = parseAll(bytesOf("cypress12-native.log"));

  it("reads run URL, specs, retries, failures, results and the footer in order", () => {
    expect(result.issues).toEqual([]);
    expect(content(result.observations)).toEqual([
      { kind: "run-url", url: "https://cloud.cypress.io/projects/bae1oz/runs/7" },
      { kind: "spec-started", spec: "atvm41-redhat6.0.cy.ts", host: "atvm41-redhat6.0", index: 1, total: 2 },
      { kind: "attempt", attempt: 1, of: 2, title: "7. Create migration session", host: "atvm41-redhat6.0" },
      {
        kind: "test-failed",
        host: "atvm41-redhat6.0",
        step: 7,
        title: "Create migration session",
        message:
          "AssertionError: Timed out retrying after 60000ms: Expected to find content: 'Session created' within the element: <div.toast> but never did.",
      },
      {
        kind: "spec-result",
        spec: "atvm41-redhat6.0.cy.ts",
        host: "atvm41-redhat6.0",
        counts: { total: 22, passed: 6, failed: 1, skipped: 15 },
      },
      {
        kind: "spec-started",
        spec: "atvm7-ubuntu24.04.cy.ts",
        host: "atvm7-ubuntu24.04",
        index: 2,
        total: 2,
      },
      {
        kind: "attempt",
        attempt: 1,
        of: 3,
        title: "2. Power on and obtain ip address and host name",
        host: "atvm7-ubuntu24.04",
      },
      {
        kind: "spec-result",
        spec: "atvm7-ubuntu24.04.cy.ts",
        host: "atvm7-ubuntu24.04",
        counts: { total: 22, passed: 22, failed: 0, skipped: 0 },
      },
      { kind: "run-finished", allPassed: null, failedSpecs: null, totalSpecs: null, partial: true },
      { kind: "run-finished", allPassed: false, failedSpecs: 1, totalSpecs: 2 },
    ]);
  });

  it("R17 keeps the failing step, title and error line with the line where the failure starts", () => {
    const failed = result.observations.find((o) => o.kind === "test-failed");
    expect(failed).toMatchObject({
      file: "tmp/e2e-0327.log",
      line: lineOf("cypress12-native.log", "  1) atvm41-redhat6.0"),
      at: 1_774_600_000_000,
      step: 7,
    });
  });

  it("numbers lines from 1 and consumes every byte", () => {
    const first = result.observations[0];
    expect(first?.line).toBe(lineOf("cypress12-native.log", "Run URL:"));
    const size = bytesOf("cypress12-native.log").length;
    expect(result.state.offset).toBe(size);
    expect(result.state.carry).toBe("");
    expect(result.state.lines).toBe(
      readFileSync(join(LOGS, "cypress12-native.log"), "utf8").split("\n").length - 1,
    );
  });
});

describe("runner log: cypress-cloud / Currents console, categorized batches", () => {
  const result = parseAll(bytesOf("currents-categorized.log"));

  it("reads batches, 🎥 run URLs, multi-spec claims, a hook failure, a crash and a cancellation", () => {
    expect(result.issues).toEqual([]);
    expect(content(result.observations)).toEqual([
      { kind: "batch-started", batchId: "e2e-0327-redhat", label: "redhat" },
      { kind: "run-url", url: "http://192.168.3.190:8080/run/5f1c0a3e9d2b4e77" },
      {
        kind: "spec-started",
        spec: "cypress/e2e/generated/atvm44-redhat9.7.cy.ts",
        host: "atvm44-redhat9.7",
        index: 1,
        total: 1,
      },
      {
        kind: "test-failed",
        host: "atvm44-redhat9.7",
        step: 1,
        title: '"before all" hook for "Verifying set up"',
        message:
          "CypressError: `cy.task('sshExec')` failed with the following error:\n> connect ECONNREFUSED 10.20.30.44:22",
      },
      {
        kind: "spec-result",
        spec: "generated/atvm44-redhat9.7.cy.ts",
        host: "atvm44-redhat9.7",
        counts: { total: 22, passed: 0, failed: 1, skipped: 21 },
      },
      { kind: "run-finished", allPassed: null, failedSpecs: null, totalSpecs: null, partial: true },
      { kind: "run-finished", allPassed: false, failedSpecs: 1, totalSpecs: 1 },
      { kind: "batch-finished", batchId: "e2e-0327-redhat" },
      { kind: "batch-started", batchId: "e2e-0327-ubuntu", label: "ubuntu" },
      { kind: "run-url", url: "https://app.currents.dev/run/9e2a97f99ec1ef16" },
      {
        kind: "spec-started",
        spec: "cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts",
        host: "atvm7-ubuntu24.04",
        index: 1,
        total: 2,
      },
      {
        kind: "spec-started",
        spec: "cypress/e2e/generated/atvm17-ubuntu24.04.cy.ts",
        host: "atvm17-ubuntu24.04",
        index: 2,
        total: 2,
      },
      { kind: "renderer-crash", host: "atvm7-ubuntu24.04", process: "renderer", signal: null },
      { kind: "run-cancelled", reason: "Cancelled by user (ci-admin)" },
      { kind: "batch-finished", batchId: "e2e-0327-ubuntu" },
    ]);
  });

  it("keeps the current batch in the state until it finishes", () => {
    const text = readFileSync(join(LOGS, "currents-categorized.log"), "utf8");
    const cut = utf8(text.slice(0, text.indexOf("Running: ")));
    const partial = parseRunnerLogChunk(cut, meta(cut.length), null);
    expect(partial.state.context.batchId).toBe("e2e-0327-redhat");
    expect(result.state.context.batchId).toBeNull();
  });
});

describe("runner log: mojibake boxes and CRLF (Jenkins)", () => {
  it("reads the run URL, failure and results through ©¦ and â”‚ decoration", () => {
    const result = parseAll(bytesOf("jenkins-mojibake-crlf.log"));
    expect(result.issues).toEqual([]);
    expect(content(result.observations)).toEqual([
      { kind: "run-url", url: "https://dashboard.cypress.io/projects/cjvoj7/runs/12" },
      { kind: "spec-started", spec: "atvm144-suse15.0.cy.ts", host: "atvm144-suse15.0", index: 1, total: 1 },
      {
        kind: "test-failed",
        host: "atvm144-suse15.0",
        step: 7,
        title: "Create migration session",
        message: "Error: The following error originated from your application code, not from Cypress.",
      },
      {
        kind: "spec-result",
        spec: "atvm144-suse15.0.cy.ts",
        host: "atvm144-suse15.0",
        counts: { total: 22, passed: 6, failed: 1, skipped: 15 },
      },
      { kind: "run-finished", allPassed: null, failedSpecs: null, totalSpecs: null, partial: true },
      { kind: "run-finished", allPassed: false, failedSpecs: 1, totalSpecs: 1 },
    ]);
  });

  it("feeding one byte at a time gives the same observations as one read", () => {
    const bytes = bytesOf("jenkins-mojibake-crlf.log");
    let state: RunnerLogState | null = null;
    const seen: RunnerLogObservation[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const r = parseRunnerLogChunk(bytes.subarray(i, i + 1), meta(i + 1), state);
      seen.push(...r.observations);
      state = JSON.parse(JSON.stringify(r.state)) as RunnerLogState;
    }
    expect(seen).toEqual(parseAll(bytes).observations);
  });
});

describe("runner log: run URL forms", () => {
  const urlOf = (line: string): string | undefined => {
    const r = parseAll(utf8(`${line}\n`));
    const o = r.observations[0];
    return o?.kind === "run-url" ? o.url : undefined;
  };

  it("strips trailing punctuation (Recorded Run: …/runs/7.)", () => {
    expect(urlOf("Recorded Run: https://cloud.cypress.io/projects/bae1oz/runs/7.")).toBe(
      "https://cloud.cypress.io/projects/bae1oz/runs/7",
    );
  });
  it("accepts emoji, box and mojibake prefixes and padded box suffixes", () => {
    expect(urlOf("🏁 Recorded Run: https://app.currents.dev/run/9e2a97f99ec1ef16")).toBe(
      "https://app.currents.dev/run/9e2a97f99ec1ef16",
    );
    expect(urlOf("  │ Run URL:        https://dashboard.cypress.io/projects/abc/runs/3     │")).toBe(
      "https://dashboard.cypress.io/projects/abc/runs/3",
    );
    expect(urlOf("  â”‚ Run URL: http://director.local:1234/runs/ab12),   â”‚")).toBe(
      "http://director.local:1234/runs/ab12",
    );
  });
  it("ignores a URL that is not labelled as the run URL", () => {
    expect(urlOf("Connecting to https://app.currents.dev ...")).toBeUndefined();
  });
  it("reports a new URL but not a repeat of the last one", () => {
    const text = [
      "🎥 Run URL: https://app.currents.dev/run/aaa",
      "🏁 Recorded Run: https://app.currents.dev/run/aaa",
      "🎥 Run URL: https://app.currents.dev/run/bbb",
      "",
    ].join("\n");
    const urls = parseAll(utf8(text)).observations.map((o) => (o.kind === "run-url" ? o.url : o.kind));
    expect(urls).toEqual(["https://app.currents.dev/run/aaa", "https://app.currents.dev/run/bbb"]);
  });
});

describe("runner log: incremental reads (R1)", () => {
  const text = readFileSync(join(LOGS, "currents-categorized.log"), "utf8");
  const all = utf8(text);

  it("R1 records the run URL as soon as its line is complete, with no exit or footer after it", () => {
    const end = text.indexOf("🤖 Machine ID");
    const upToUrl = utf8(text.slice(0, end));
    const r = parseRunnerLogChunk(upToUrl, meta(upToUrl.length), null);
    const urls = r.observations
      .filter((o) => o.kind === "run-url")
      .map((o) => (o.kind === "run-url" ? o.url : ""));
    expect(urls.at(-1)).toBe("https://app.currents.dev/run/9e2a97f99ec1ef16");
  });

  it("R1 never reports a URL from a partial last line; the rest completes it", () => {
    const cutAt = text.indexOf("5f1c0a3e9d2b4e77") + 6; // inside the first URL
    const head = utf8(text.slice(0, cutAt));
    const first = parseRunnerLogChunk(head, meta(head.length), null);
    expect(first.observations.filter((o) => o.kind === "run-url")).toEqual([]);
    expect(first.state.offset).toBe(head.length);
    const second = parseRunnerLogChunk(all.subarray(first.state.offset), meta(all.length), first.state);
    const url = second.observations.find((o) => o.kind === "run-url");
    expect(url).toMatchObject({ url: "http://192.168.3.190:8080/run/5f1c0a3e9d2b4e77" });
  });

  it("an empty read changes nothing", () => {
    const first = parseAll(all);
    const again = parseRunnerLogChunk(new Uint8Array(0), meta(all.length), first.state);
    expect(again.observations).toEqual([]);
    expect(again.restartFromZero).toBe(false);
    expect(again.state).toEqual(first.state);
  });
});

describe("runner log: truncation and rotation", () => {
  const all = bytesOf("cypress12-native.log");

  it("a log that shrank restarts from byte 0 with a truncated-log issue", () => {
    const first = parseAll(all);
    const shrunk = parseRunnerLogChunk(new Uint8Array(0), meta(100), first.state);
    expect(shrunk.restartFromZero).toBe(true);
    expect(shrunk.issues).toEqual([
      expect.objectContaining({ kind: "truncated-log", file: "tmp/e2e-0327.log" }),
    ]);
    expect(shrunk.issues[0]?.problem).toContain(`from ${all.length} to 100 bytes`);
    expect(shrunk.state).toEqual(initialRunnerLogState());
    const replayed = parseRunnerLogChunk(all.subarray(0, 100), meta(100), shrunk.state);
    expect(replayed.restartFromZero).toBe(false);
    expect(replayed.state.offset).toBe(100);
  });

  it("a replaced log of the same size or larger is detected from its first bytes", () => {
    const first = parseAll(all);
    expect(first.state.head.length).toBe(RUNNER_LOG_HEAD_BYTES * 2);
    const same = parseRunnerLogChunk(new Uint8Array(0), meta(all.length), first.state, undefined, {
      head: all.subarray(0, RUNNER_LOG_HEAD_BYTES),
    });
    expect(same.restartFromZero).toBe(false);
    const other = bytesOf("currents-categorized.log");
    const rotated = parseRunnerLogChunk(
      other.subarray(all.length),
      meta(other.length),
      first.state,
      undefined,
      {
        head: other.subarray(0, RUNNER_LOG_HEAD_BYTES),
      },
    );
    expect(rotated.restartFromZero).toBe(true);
    expect(rotated.issues[0]).toMatchObject({ kind: "truncated-log" });
    expect(rotated.issues[0]?.problem).toContain("replaced");
  });

  it("collects the head across reads shorter than the head size", () => {
    let state: RunnerLogState | null = null;
    for (let i = 0; i < RUNNER_LOG_HEAD_BYTES + 10; i += 7) {
      state = parseRunnerLogChunk(all.subarray(i, i + 7), meta(i + 7), state).state;
    }
    expect(state?.head).toBe(Buffer.from(all.subarray(0, RUNNER_LOG_HEAD_BYTES)).toString("hex"));
  });

  it("a corrupt persisted state restarts from byte 0 with an invalid issue", () => {
    const bad = { ...initialRunnerLogState(), offset: -1 } as unknown as RunnerLogState;
    const r = parseRunnerLogChunk(all, meta(all.length), bad);
    expect(r.restartFromZero).toBe(true);
    expect(r.issues[0]).toMatchObject({ kind: "invalid" });
  });
});

describe("runner log: patterns are data", () => {
  const log = utf8(
    [
      "[runner] >>> batch 1 of 2 (suse) build=e2e-0330-suse",
      "Running:  atvm144-suse15.0.cy.ts   (1 of 1)",
      "[runner] <<< batch 1 of 2 build=e2e-0330-suse rc=0",
      "",
    ].join("\n"),
  );

  it("exports the default wording of the categorized batch lines (docs/config.md logPatterns)", () => {
    const r = parseAll(
      utf8(
        "[run-sorry-cypress] Starting categorized batch 2/3: redhat -> build e2e-0327-redhat\n" +
          "[run-sorry-cypress] Finished categorized batch 2/3: redhat -> build e2e-0327-redhat (exit 0)\n",
      ),
    );
    expect(content(r.observations)).toEqual([
      { kind: "batch-started", batchId: "e2e-0327-redhat", label: "redhat" },
      { kind: "batch-finished", batchId: "e2e-0327-redhat" },
    ]);
    expect(typeof DEFAULT_RUNNER_LOG_PATTERNS.batchStarted).toBe("string");
  });

  it("an override changes the batch wording without code changes", () => {
    const patterns = {
      batchStarted: String.raw`^\[runner\] >>> batch \d+ of \d+ \((?<label>[^)]*)\) build=(?<batchId>\S+)`,
      batchFinished: /^\[runner\] <<< batch \d+ of \d+ build=(?<batchId>\S+)/g,
    };
    const r = parseRunnerLogChunk(log, meta(log.length), null, patterns);
    expect(r.issues).toEqual([]);
    expect(content(r.observations)).toEqual([
      { kind: "batch-started", batchId: "e2e-0330-suse", label: "suse" },
      { kind: "spec-started", spec: "atvm144-suse15.0.cy.ts", host: "atvm144-suse15.0", index: 1, total: 1 },
      { kind: "batch-finished", batchId: "e2e-0330-suse" },
    ]);
  });

  it("a bad override is an invalid issue, not a throw, and the default stays in force", () => {
    const r = parseRunnerLogChunk(log, meta(log.length), null, {
      batchStarted: "([unclosed",
      runUrl: String.raw`Run URL: (?<link>\S+)`,
      // @ts-expect-error an unknown name, as from an operator's JSON file
      batchBegin: "x",
    });
    expect(r.issues.map((i) => i.kind)).toEqual(["invalid", "invalid", "invalid"]);
    expect(r.issues[0]?.problem).toContain('"batchStarted" does not compile');
    expect(r.issues[1]?.problem).toContain("(?<url>…)");
    expect(r.issues[2]?.problem).toContain('unknown runner-log pattern "batchBegin"');
    expect(r.observations.map((o) => o.kind)).toEqual(["spec-started"]);
  });
});

describe("runner log: hosts and limits", () => {
  it("without known hosts, hosts come from spec base names and host-shaped suite titles", () => {
    const text = [
      "  Running:  atvm9-debian12.cy.ts   (1 of 1)",
      "  1) atvm9-debian12",
      "       cmc-e2e",
      "         6. Install CMC:",
      "     Error: install.sh exited with 2",
      "      at Context.eval (webpack:///./cypress/e2e/generated/atvm9-debian12.cy.ts:61:7)",
      "",
    ].join("\n");
    const bytes = utf8(text);
    const r = parseRunnerLogChunk(bytes, { path: "x.log", sizeBytes: bytes.length }, null);
    expect(content(r.observations)).toEqual([
      { kind: "spec-started", spec: "atvm9-debian12.cy.ts", host: "atvm9-debian12", index: 1, total: 1 },
      {
        kind: "test-failed",
        host: "atvm9-debian12",
        step: 6,
        title: "Install CMC",
        message: "Error: install.sh exited with 2",
      },
    ]);
    expect(r.observations[0]?.at).toBeNull();
  });

  it("keeps at most 64 KiB of an over-long line, whole or split across reads", () => {
    const long = `Run URL: https://x.example/${"a".repeat(70_000)}\n  Running:  atvm7-ubuntu24.04.cy.ts   (1 of 1)\n`;
    const bytes = utf8(long);
    const whole = parseAll(bytes);
    let state: RunnerLogState | null = null;
    const seen: RunnerLogObservation[] = [];
    for (let i = 0; i < bytes.length; i += 10_000) {
      const r = parseRunnerLogChunk(
        bytes.subarray(i, i + 10_000),
        meta(Math.min(bytes.length, i + 10_000)),
        state,
      );
      seen.push(...r.observations);
      state = r.state;
      expect(r.state.carry.length).toBeLessThanOrEqual(Math.ceil(65_536 / 3) * 4);
    }
    expect(seen).toEqual(whole.observations);
    const url = whole.observations[0];
    expect(url?.kind === "run-url" ? url.url.length : 0).toBe(65_536 - "Run URL: ".length);
    expect(whole.observations[1]).toMatchObject({ kind: "spec-started", line: 2 });
  });
});
