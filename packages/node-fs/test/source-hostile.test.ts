// The source and the collector over a REAL, hostile file system (issue "Status you can trust"
// §3/§4): non-UTF-8 names, unreadable folders and files (as uid 65534: root ignores EACCES),
// symlink loops and escapes, paths over PATH_MAX, folders churning while a listing runs, a log
// over 32 MiB, symlinks planted in /tmp. Every case: the other files still reconstruct, and the
// bad one is a typed `unreadable` issue naming its path.
import { execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostResultObservation, Observation } from "@atvm-watch/artifacts";
import { createCollector, DEFAULT_LAYOUT, type PollResult } from "@atvm-watch/engine";
import { afterAll, describe, expect, it } from "vitest";
import { createNodeFsSource } from "../src/source.ts";

const REPO = new URL("../../../", import.meta.url).pathname;
const FIXTURES = join(REPO, "test/fixtures/reporters");
const FAIL_XML = join(FIXTURES, "fail-step7/junit/test-result-7f8ed8ad4e06daf2ab00c220ad324d1a.xml");
const PASS_XML = execFileSync("sh", ["-c", `ls ${FIXTURES}/pass/junit/*.xml | head -1`])
  .toString()
  .trim();
const FAIL_JSON = execFileSync("sh", ["-c", `ls ${FIXTURES}/fail-step7/mochawesome/*.json | head -1`])
  .toString()
  .trim();

const made: string[] = [];
afterAll(() => {
  for (const dir of made) {
    execFileSync("sh", ["-c", 'chmod -R u+rwx "$1"; rm -rf "$1"', "sh", dir]);
  }
});

/** A world-traversable automation root with one failing XML, one passing XML and one failing JSON. */
function controller(): { base: string; root: string; rep: string } {
  const base = mkdtempSync(join(tmpdir(), "atvm-hostile-"));
  made.push(base);
  chmodSync(base, 0o755);
  const root = join(base, "root");
  const rep = join(root, "cypress/cmcReporter");
  mkdirSync(join(rep, "xml"), { recursive: true });
  mkdirSync(join(rep, "logs/atvm7-ubuntu24.04"), { recursive: true });
  copyFileSync(FAIL_XML, join(rep, "xml/test-result-fail.xml"));
  copyFileSync(PASS_XML, join(rep, "xml/test-result-pass.xml"));
  copyFileSync(FAIL_JSON, join(rep, "logs/atvm7-ubuntu24.04/result.json"));
  return { base, root, rep };
}

const LAYOUT = { ...DEFAULT_LAYOUT, "runner-log": [], "launch-log": [] };
const results = (observations: readonly Observation[]): string[] =>
  observations
    .filter((o): o is HostResultObservation => o.kind === "host-result")
    .map((o) => `${o.file} ${o.host} failed=${o.counts.failed}`)
    .sort();
const issueLines = (result: PollResult): string[] =>
  result.issues.filter((i) => i.kind === "unreadable").map((i) => `${i.file} ${i.problem.split(":")[0]}`);

async function pollOnce(root: string, extra?: string, build = "e2e-0327"): Promise<PollResult> {
  const extraRoots = extra === undefined ? [] : [extra];
  const layout = extra === undefined ? LAYOUT : { ...LAYOUT, "runner-log": [`${extra}/{build}.log`] };
  return createCollector(createNodeFsSource({ root, extraRoots }), layout).poll({ build, now: 1 });
}

/** Polls `root` in a child process running as nobody (uid/gid 65534), as the brief's rule 5 asks. */
function pollAsNobody(root: string): { result: PollResult } {
  const out = execFileSync(
    "setpriv",
    [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      join(REPO, "node_modules/.bin/tsx"),
      "--conditions=@atvm-watch/source",
      join(REPO, "packages/node-fs/test/helpers/poll-child.ts"),
      root,
    ],
    { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/tmp" }, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out.toString()) as { result: PollResult };
}

describe("no evidence silently lost (real file system)", () => {
  it("an empty folder with a non-UTF-8 name hides nothing; the FAIL results are still there", async () => {
    const { root, rep } = controller();
    const baseline = results((await pollOnce(root)).observations);
    expect(baseline.filter((l) => l.includes("failed=1"))).toHaveLength(2);
    mkdirSync(Buffer.concat([Buffer.from(`${rep}/`), Buffer.from([0x66, 0xff])]));
    mkdirSync(Buffer.concat([Buffer.from(`${rep}/logs/`), Buffer.from([0xc3, 0x28])]));
    const after = await pollOnce(root);
    expect(results(after.observations)).toEqual(baseline);
    expect(issueLines(after)).toEqual([]); // empty folders: nothing to report
  });

  it("an XML whose name is not UTF-8 is listed escaped (\\xff), read and parsed: its FAIL shows", async () => {
    const { root, rep } = controller();
    const name = Buffer.concat([
      Buffer.from(`${rep}/xml/test-result-`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(".xml"),
    ]);
    writeFileSync(name, readFileSync(FAIL_XML));
    const got = await pollOnce(root);
    const escaped = "cypress/cmcReporter/xml/test-result-\\xff\\xfe.xml";
    expect(got.files.junit.map((e) => e.path)).toContain(escaped);
    expect(results(got.observations)).toContain(`${escaped} atvm7-ubuntu24.04 failed=1`);
    expect(issueLines(got)).toEqual([`${escaped} NOT_UTF8_NAME`]);
  });

  it("as uid 65534: an unreadable folder and an unreadable XML are issues (EACCES); the rest reconstructs", () => {
    const { root, rep } = controller();
    chmodSync(root, 0o755);
    mkdirSync(join(rep, "logs/locked"));
    copyFileSync(FAIL_JSON, join(rep, "logs/locked/hidden.json"));
    chmodSync(join(rep, "logs/locked"), 0o000);
    copyFileSync(FAIL_XML, join(rep, "xml/test-result-secret.xml"));
    chmodSync(join(rep, "xml/test-result-secret.xml"), 0o000);
    const { result } = pollAsNobody(root);
    expect(results(result.observations)).toEqual([
      "cypress/cmcReporter/logs/atvm7-ubuntu24.04/result.json atvm7-ubuntu24.04 failed=1",
      "cypress/cmcReporter/xml/test-result-fail.xml atvm7-ubuntu24.04 failed=1",
      "cypress/cmcReporter/xml/test-result-pass.xml atvm9-redhat9.7 failed=0",
    ]);
    expect(issueLines(result).sort()).toEqual([
      "cypress/cmcReporter/logs/locked EACCES",
      "cypress/cmcReporter/xml/test-result-secret.xml EACCES",
    ]);
  });

  it("a symlink loop and a link to a missing target are issues (ELOOP, ENOENT), not a crash", async () => {
    const { root, rep } = controller();
    symlinkSync("test-result-b.xml", join(rep, "xml/test-result-a.xml"));
    symlinkSync("test-result-a.xml", join(rep, "xml/test-result-b.xml"));
    symlinkSync("nowhere.xml", join(rep, "xml/test-result-dangling.xml"));
    symlinkSync("..", join(rep, "xml/up")); // a folder symlink: not descended (no loop, no second name)
    const got = await pollOnce(root);
    expect(results(got.observations)).toHaveLength(3);
    expect(issueLines(got)).toEqual([
      "cypress/cmcReporter/xml/test-result-a.xml ELOOP",
      "cypress/cmcReporter/xml/test-result-b.xml ELOOP",
      "cypress/cmcReporter/xml/test-result-dangling.xml ENOENT",
      "cypress/cmcReporter/xml/up SYMLINK_FOLDER",
    ]);
  });

  it("a folder deeper than PATH_MAX (4096 bytes) is one ENAMETOOLONG issue; the rest is listed", async () => {
    const { root, rep } = controller();
    const segment = "d".repeat(200);
    // Relative mkdir + chdir in a child: an absolute path this long cannot be created in one call.
    const script = `const fs = require("node:fs"); process.chdir(process.argv[1]); for (let i = 0; i < 25; i++) { fs.mkdirSync("${segment}"); process.chdir("${segment}"); }`;
    execFileSync(process.execPath, ["-e", script, rep]);
    const got = await pollOnce(root);
    expect(results(got.observations)).toHaveLength(3);
    const issues = issueLines(got);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^cypress\/cmcReporter\/(d{200}\/)+d{200} ENAMETOOLONG$/);
  });

  it("folders created and removed while polling: no evidence lost in 50 polls", async () => {
    const { root, rep } = controller();
    const churn = spawn(
      "sh",
      ["-c", 'cd "$1" && while :; do mkdir -p c/a/b c/d/e && : > c/a/b/x.txt; rm -rf c; done', "sh", rep],
      { stdio: "ignore" },
    );
    try {
      const collector = createCollector(createNodeFsSource({ root }), LAYOUT);
      const want = results((await pollOnce(root)).observations);
      const lost: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        // A fresh collector each time: nothing may come from an earlier poll's cache.
        const fresh = createCollector(createNodeFsSource({ root }), LAYOUT);
        const got = await fresh.poll({ now: i });
        if (JSON.stringify(results(got.observations)) !== JSON.stringify(want) || issueLines(got).length > 0)
          lost.push(i);
        await collector.poll({ now: i });
      }
      expect(lost).toEqual([]);
    } finally {
      if (churn.pid !== undefined) process.kill(churn.pid);
    }
  });

  it("a symlink pointing outside the root is not followed and its content never read", async () => {
    const { base, root, rep } = controller();
    writeFileSync(join(base, "secret.xml"), readFileSync(FAIL_XML, "utf8").replaceAll("atvm7", "leak9"));
    symlinkSync(join(base, "secret.xml"), join(rep, "xml/test-result-leak.xml"));
    const got = await pollOnce(root);
    expect(JSON.stringify(got.observations)).not.toContain("leak9");
    expect(issueLines(got)).toEqual(["cypress/cmcReporter/xml/test-result-leak.xml SYMLINK_OUTSIDE"]);
    const source = createNodeFsSource({ root });
    await expect(source.read("cypress/cmcReporter/xml/test-result-leak.xml")).rejects.toMatchObject({
      code: "ARTIFACT_UNREADABLE",
    });
  });

  it("a symlink inside the root is followed", async () => {
    const { root, rep } = controller();
    copyFileSync(FAIL_XML, join(root, "kept.xml"));
    symlinkSync("../../../kept.xml", join(rep, "xml/test-result-linked.xml"));
    const got = await pollOnce(root);
    expect(results(got.observations)).toContain(
      "cypress/cmcReporter/xml/test-result-linked.xml atvm7-ubuntu24.04 failed=1",
    );
  });

  it("a symlink planted at /tmp/<build>.log (world-writable folder) is skipped with an issue, not exit 2", async () => {
    const { base, root } = controller();
    const tmp = join(base, "tmp");
    mkdirSync(tmp);
    chmodSync(tmp, 0o1777);
    writeFileSync(join(base, "victim.log"), "Running:  atvm1-redhat9.0.cy.ts   (1 of 4)\n");
    symlinkSync(join(base, "victim.log"), join(tmp, "e2e-0327.log"));
    const got = await pollOnce(root, tmp);
    expect(results(got.observations)).toHaveLength(3);
    expect(got.observations.some((o) => o.kind === "spec-started")).toBe(false);
    expect(issueLines(got)).toEqual([`${tmp}/e2e-0327.log SYMLINK_REFUSED`]);
  });

  it("~/.bash_history as a dotfiles symlink is read: inside the home extra root, or pinned by extraFiles", async () => {
    const { base, root } = controller();
    const home = join(base, "home");
    mkdirSync(join(home, "dotfiles"), { recursive: true });
    chmodSync(home, 0o700);
    writeFileSync(
      join(home, "dotfiles/bash_history"),
      "python3 run-sorry-cypress.py --build_name e2e-0327\n",
    );
    symlinkSync("dotfiles/bash_history", join(home, ".bash_history"));
    const layout = { ...LAYOUT, "shell-history": ["~/.bash_history"] };
    const inHome = createNodeFsSource({ root, extraRoots: [home] });
    const a = await createCollector(inHome, layout, { homeDir: home }).poll({ now: 1 });
    expect(a.observations.filter((o) => o.kind === "invocation")).toHaveLength(1);
    expect(issueLines(a)).toEqual([]);
    // Target outside every root: allowed only as an extra file, resolved once.
    const elsewhere = join(base, "elsewhere-history");
    writeFileSync(elsewhere, "python3 run-sorry-cypress.py --build_name e2e-0327\n");
    rmSync(join(home, ".bash_history"));
    symlinkSync(elsewhere, join(home, ".bash_history"));
    const refused = await createCollector(inHome, layout, { homeDir: home }).poll({ now: 1 });
    expect(issueLines(refused)).toEqual([`${home}/.bash_history SYMLINK_OUTSIDE`]);
    const pinned = createNodeFsSource({
      root,
      extraRoots: [home],
      extraFiles: [join(home, ".bash_history")],
    });
    const b = await createCollector(pinned, layout, { homeDir: home }).poll({ now: 1 });
    expect(b.observations.filter((o) => o.kind === "invocation")).toHaveLength(1);
  });

  it("a runner log over 32 MiB is consumed to its end in one poll, in bounded chunks", async () => {
    const { base, root } = controller();
    const tmp = join(base, "tmp");
    mkdirSync(tmp);
    const log = join(tmp, "e2e-0327.log");
    const filler = `${"x".repeat(1023)}\n`.repeat(1024); // 1 MiB
    writeFileSync(log, "Running:  atvm1-redhat9.0.cy.ts   (1 of 2)\n");
    for (let i = 0; i < 40; i += 1) appendFileSync(log, filler);
    appendFileSync(log, "Running:  atvm2-redhat9.1.cy.ts   (2 of 2)\n");
    const reads: number[] = [];
    const inner = createNodeFsSource({ root, extraRoots: [tmp] });
    const source = {
      ...inner,
      read: async (path: string, offset?: number, maxBytes?: number) => {
        const bytes = await inner.read(path, offset, maxBytes);
        if (path === log && (offset ?? 0) > 0 && bytes.length > 64) reads.push(bytes.length);
        return bytes;
      },
    };
    const layout = { ...LAYOUT, "runner-log": [`${tmp}/{build}.log`] };
    const got = await createCollector(source, layout).poll({ build: "e2e-0327", now: 1 });
    const specs = got.observations.filter((o) => o.kind === "spec-started").map((o) => o.spec);
    expect(specs).toEqual(["atvm1-redhat9.0.cy.ts", "atvm2-redhat9.1.cy.ts"]);
    expect(Math.max(...reads)).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(issueLines(got)).toEqual([]);
    // A per-poll cap, when hit, is said in an issue, and the rest follows next poll.
    const capped = createCollector(source, layout, {
      maxLogChunkBytes: 1 << 20,
      maxLogBytesPerPoll: 4 << 20,
    });
    const first = await capped.poll({ build: "e2e-0327", now: 1 });
    expect(issueLines(first)).toEqual([`${log} READ_CAP`]);
    let last = first;
    for (let i = 0; i < 12 && issueLines(last).length > 0; i += 1)
      last = await capped.poll({ build: "e2e-0327", now: 2 });
    expect(issueLines(last)).toEqual([]);
    expect(last.observations.filter((o) => o.kind === "spec-started")).toHaveLength(2);
  });
});
