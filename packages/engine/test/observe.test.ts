// createRunObserver over the ports (memory source + probe + clock) with the real reporter output
// of examples/flat-run: two runs, e2e-redhat9.7-0326 and e2e-redhat9.7-0327.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createManualClock, createMemoryProbe, createMemorySource } from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import { type CollectLayout, DEFAULT_LAYOUT } from "../src/collect.ts";
import { isAtvmError } from "../src/errors.ts";
import { createRunObserver, runWindow } from "../src/observe.ts";

const example = join(import.meta.dirname, "../../../examples/flat-run");
const LAYOUT: CollectLayout = {
  ...DEFAULT_LAYOUT,
  "runner-log": ["tmp/{build}.log"],
  "launch-log": ["tmp/{build}.launch.log"],
  "shell-history": [".bash_history"],
};
const NEWER_START = Date.parse("2026-03-27T07:58:00Z");

/** The example's files, with the history cut before the newer run's lines (the history lost them). */
function files(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(example, { recursive: true }) as string[]) {
    const abs = join(example, name);
    try {
      out[relative(example, abs)] = readFileSync(abs, "utf8");
    } catch {
      // a folder
    }
  }
  const history = out[".bash_history"] as string;
  out[".bash_history"] = history.slice(0, history.indexOf("#1774597961"));
  return out;
}

function observer(build: string | undefined, recorded: boolean) {
  return createRunObserver({
    source: createMemorySource(files()),
    probe: createMemoryProbe(),
    clock: createManualClock(Date.parse("2026-03-28T12:00:00Z"), 0),
    layout: LAYOUT,
    ...(build === undefined ? {} : { build }),
    recordedStarts: recorded
      ? [{ build: "e2e-redhat9.7-0327", startMs: NEWER_START, source: "watcher-state" }]
      : [],
  });
}

describe("createRunObserver", () => {
  it("R19 a watcher-state start closes the window of the run before it, though the history lost the later run", async () => {
    const seen = await observer("e2e-redhat9.7-0326", true).observe();
    expect(seen.window).toMatchObject({ endMs: NEWER_START, next: { source: "watcher-state" } });
    expect(Object.fromEntries(seen.snapshot.hosts.map((h) => [h.host, h.status]))).toEqual({
      "atvm9-redhat9.7": "FAIL",
      "atvm19-redhat9.7": "NOT STARTED",
    });
  });

  it("R19 without that start the window stays open and the newer run's results leak in (why the input exists)", async () => {
    const seen = await observer("e2e-redhat9.7-0326", false).observe();
    expect(seen.window.endMs).toBeNull();
    expect(seen.snapshot.hosts.find((h) => h.host === "atvm9-redhat9.7")?.status).toBe("PASS");
  });

  it("R19 a build named only by watcher state is found; an unknown one lists it among the recent builds", async () => {
    const found = await observer("e2e-redhat9.7-0327", true).observe();
    expect(found.window.startMs).toBe(NEWER_START);
    const error = await observer("nope", true)
      .observe()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isAtvmError(error) && error.code).toBe("BUILD_NOT_FOUND");
    expect((error as Error).message).toBe(
      'build "nope" not found in shell history, runner logs or watcher state; recent builds: e2e-redhat9.7-0327, e2e-redhat9.7-0326',
    );
  });

  it("runWindow ends at the next start of any other run, exclusive, and is open for the latest", () => {
    const starts = [
      { build: "a", startMs: 10, source: "history" as const },
      { build: "b", startMs: 20, source: "process" as const },
    ];
    expect(runWindow("a", 10, starts)).toMatchObject({ startMs: 10, endMs: 20 });
    expect(runWindow("b", 20, starts)).toEqual({ startMs: 20, endMs: null });
    expect(runWindow("c", null, starts)).toEqual({ startMs: null, endMs: null });
  });
});
