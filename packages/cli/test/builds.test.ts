// `atvm status --build` picks the right run (R19, R21): a historical run shows only the evidence of
// its own window (its start to the next run's start), and a build no evidence names is an error.
// The root is examples/flat-run copied to a temp folder: real mocha-junit-reporter / mochawesome
// output of two runs of the same fleet, e2e-redhat9.7-0326 (atvm9 FAIL at step 3) and the newer
// e2e-redhat9.7-0327 (six hosts, FAILED), both in .bash_history (see examples/flat-run/README.md).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.ts";
import { capture, fixedProbe } from "./fixture.ts";

const repo = join(import.meta.dirname, "../../..");
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const OLDER = "e2e-redhat9.7-0326";
const NEWER = "e2e-redhat9.7-0327";
const OLDER_START = "2026-03-26T09:10:00.000Z"; // its #1774516200 history line
const NEWER_START = Date.parse("2026-03-27T07:58:00.000Z"); // #1774598280
const NOW = Date.parse("2026-03-28T12:00:00.000Z");

function twoRunRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "atvm-builds-"));
  made.push(root);
  cpSync(join(repo, "examples/flat-run"), root, { recursive: true });
  return root;
}

async function status(root: string, extra: readonly string[]) {
  const io = capture();
  const code = await main(["status", "--root", root, "--format", "json", ...extra], {
    stdout: io.stdout,
    stderr: io.stderr,
    env: { HOME: "/nonexistent-home" },
    probe: fixedProbe([]),
    clock: { now: () => NOW, monotonicMs: () => 0 },
    cwd: repo,
  });
  return { code, out: io.out(), err: io.err() };
}

const statuses = (json: { hosts: { host: string; status: string }[] }) =>
  Object.fromEntries(json.hosts.map((h) => [h.host, h.status]));

describe("atvm status --build: the right run", () => {
  it("R19 R21 --build <older build> shows only that run's results, inside its own window", async () => {
    const { code, out, err } = await status(twoRunRoot(), ["--build", OLDER]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.build).toBe(OLDER);
    // Only the 0326 artifacts (atvm9's stale-for-0327 XML and mochawesome JSON, FAIL at step 3);
    // none of the newer run's six results, and its scope from its own --containsVm redhat9.7.
    expect(statuses(json)).toEqual({ "atvm9-redhat9.7": "FAIL", "atvm19-redhat9.7": "NOT STARTED" });
    const atvm9 = json.hosts.find((h: { host: string }) => h.host === "atvm9-redhat9.7");
    expect(atvm9.failure.step).toBe(3);
    expect(json.timing.startedAt).toBe(OLDER_START);
    // Its own window: nothing after the newer run's start, no 26-hour total.
    expect(Date.parse(json.at)).toBe(NEWER_START);
    expect(json.timing.totalMs ?? json.timing.elapsedMs).toBeLessThan(NEWER_START - Date.parse(OLDER_START));
    expect(json.notes).toContainEqual(expect.stringContaining(`A later run (${NEWER})`));
  });

  it("R19 --build <newest build> is the same run as no --build", async () => {
    const root = twoRunRoot();
    const named = JSON.parse((await status(root, ["--build", NEWER])).out);
    const located = JSON.parse((await status(root, [])).out);
    expect(named).toEqual(located);
    expect(Object.keys(statuses(named))).toHaveLength(6);
  });

  it("R19 --build <a build that never ran here> exits 2 naming the recent builds", async () => {
    const { code, out, err } = await status(twoRunRoot(), ["--build", "never-ran"]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toBe(
      `atvm: build "never-ran" not found in shell history, runner logs or watcher state; recent builds: ${NEWER}, ${OLDER}\n`,
    );
  });

  it("R19 a build only a runner log names is found (no history line needed)", async () => {
    const root = twoRunRoot();
    writeFileSync(join(root, "tmp/e2e-logonly.log"), "  Run URL: https://app.currents.dev/run/0b1c\n");
    const { code, out, err } = await status(root, ["--build", "e2e-logonly"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(out).runUrls).toEqual(["https://app.currents.dev/run/0b1c"]);
  });
});
