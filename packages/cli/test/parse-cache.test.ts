// `atvm status` with its persistent parse cache (docs/getting-started.md "The parse cache", issue "Fleet scale"):
// cached and uncached snapshots (the JSON output) are the same over every bundled example and over
// generated runs (the fixture generator's real reporter output, the benchmark corpus), also after a
// file is modified or replaced, and when the cache is corrupt or unwritable. Real file systems; the
// unwritable case drops privileges with setpriv (the tests run as root).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCorpus } from "../../../test/bench/status-corpus.ts";
import { main } from "../src/main.ts";
import { capture, fixedProbe } from "./fixture.ts";

const repo = join(import.meta.dirname, "../../..");
const bin = join(repo, "packages/cli/bin/atvm.js");
const NOW = Date.UTC(2026, 2, 28, 12, 0, 0);
const EXAMPLES = ["flat-run", "categorized-run", "in-progress", "in-progress-no-config"];

const temp = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
};

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((n) => statSync(join(dir, n)).isFile());
}

/** Every file's mtime an hour back: files written in the last 2 s are never stored (racy, parse-cache.ts). */
function age(root: string): void {
  const then = new Date(Date.now() - 3_600_000);
  for (const name of filesUnder(root)) utimesSync(join(root, name), then, then);
}

/** A copy of an example root, timestamps kept. */
function copyExample(example: string): string {
  const root = join(temp("atvm-cache-ex-"), example);
  cpSync(join(repo, "examples", example), root, { recursive: true, preserveTimestamps: true });
  return root;
}

/** A controller root of every reporter case the fixture generator ran (real mocha reporters' output). */
function reporterCasesRoot(): string {
  const root = temp("atvm-cache-gen-");
  const cases = join(repo, "test/fixtures/reporters");
  for (const name of readdirSync(cases)) {
    const dir = join(cases, name);
    if (!statSync(dir).isDirectory()) continue;
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as { host: string | null };
    if (expected.host !== null) {
      mkdirSync(join(root, "cypress/e2e/generated"), { recursive: true });
      writeFileSync(join(root, `cypress/e2e/generated/${expected.host}.cy.ts`), "// generated\n");
    }
    for (const [sub, to] of [
      ["junit", `cypress/cmcReporter/xml/${name}`],
      ["mochawesome", `cypress/cmcReporter/logs/${name}`],
      ["json-stream", `cypress/cmcReporter/logs/${name}-stream`],
    ] as const) {
      const from = join(dir, sub);
      if (statSync(from, { throwIfNoEntry: false }) === undefined) continue;
      cpSync(from, join(root, to), { recursive: true });
    }
  }
  age(root);
  return root;
}

function corpusRoot(): string {
  const root = temp("atvm-cache-corpus-");
  writeCorpus(root, 12, 3);
  age(root);
  return root;
}

/** `atvm status --format json --verbose` in process (real disk, real cache folder), fixed clock. */
async function status(root: string, cacheHome: string, ...extra: string[]) {
  const io = capture();
  const code = await main(["status", "--root", root, "--format", "json", "--verbose", ...extra], {
    stdout: io.stdout,
    stderr: io.stderr,
    env: { HOME: "/nonexistent-home", XDG_CACHE_HOME: cacheHome },
    probe: fixedProbe([]),
    clock: { now: () => NOW, monotonicMs: () => 0 },
    cwd: repo,
  });
  expect(code, io.err()).toBe(0);
  return { json: JSON.parse(io.out()) as Record<string, unknown>, note: io.err() };
}

/** The counts of the one `--verbose` line. */
function counts(note: string): { reused: number; parsed: number } {
  const lines = note.split("\n").filter((l) => l !== "");
  expect(lines).toHaveLength(1);
  const m = /(\d+) file\(s\) reused, (\d+) parsed/.exec(note);
  expect(m, note).not.toBeNull();
  return { reused: Number(m?.[1]), parsed: Number(m?.[2]) };
}

/** no-cache, cold and warm calls: the same JSON; the warm one parsed nothing. Returns the uncached JSON. */
async function sameThreeWays(root: string, cacheHome: string) {
  const uncached = await status(root, cacheHome, "--no-cache");
  expect(uncached.note).toBe("atvm: parse cache: not used (--no-cache)\n");
  const cold = await status(root, cacheHome);
  const warm = await status(root, cacheHome);
  expect(cold.json).toEqual(uncached.json);
  expect(warm.json).toEqual(uncached.json);
  const c = counts(cold.note);
  const w = counts(warm.note);
  expect(c.reused).toBe(0);
  expect(w.parsed).toBe(0);
  expect(w.reused).toBe(c.parsed);
  expect(w.reused).toBeGreaterThan(3);
  return uncached.json;
}

/** Rewrites `file` in place (same inode): `edit` applied, mtime moved. */
function modify(file: string, edit: (text: string) => string): void {
  const text = readFileSync(file, "utf8");
  const next = edit(text);
  expect(next).not.toBe(text);
  writeFileSync(file, next);
  const then = new Date(Date.now() - 1_800_000);
  utimesSync(file, then, then);
}

/** Replaces `file` by rename with content of the same size and the same mtime: only the inode tells. */
function replaceSameSizeAndMtime(file: string, edit: (text: string) => string): void {
  const before = statSync(file);
  const next = edit(readFileSync(file, "utf8"));
  expect(Buffer.byteLength(next)).toBe(before.size);
  writeFileSync(`${file}.new`, next);
  utimesSync(`${file}.new`, before.atime, before.mtime);
  renameSync(`${file}.new`, file);
  const after = statSync(file);
  expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
  expect(after.ino).not.toBe(before.ino);
}

describe("atvm status parse cache: cached = uncached (issue Fleet scale)", () => {
  for (const example of EXAMPLES) {
    it(`R19/R21 ${example}: --no-cache, the first and the repeated call print the same JSON; the repeat parses nothing`, async () => {
      await sameThreeWays(copyExample(example), temp("atvm-cache-home-"));
    });
  }

  it("R11 generated runs (every fixture-generator reporter case, and the benchmark corpus): cached = uncached", async () => {
    const home = temp("atvm-cache-home-");
    await sameThreeWays(reporterCasesRoot(), home);
    await sameThreeWays(corpusRoot(), home);
  });

  it("R11 flat-run: a modified XML (size and mtime changed) is parsed again, and so is one replaced with the same size and mtime (new inode)", async () => {
    const root = copyExample("flat-run");
    const home = temp("atvm-cache-home-");
    const before = await sameThreeWays(root, home);
    const xml = join(root, "cypress/cmcReporter/xml/test-result-atvm23-redhat9.4.xml");

    // The testsuite timestamps give the host's finish time (R33: never the mtime).
    modify(xml, (t) => t.replaceAll('timestamp="2026-03-27T10:10:20"', 'timestamp="2026-03-27T10:10:29 "'));
    const fresh1 = await status(root, home, "--no-cache");
    const cached1 = await status(root, home);
    expect(fresh1.json).not.toEqual(before); // the edit shows in the status
    expect(cached1.json).toEqual(fresh1.json);
    expect(counts(cached1.note).parsed).toBe(1);

    replaceSameSizeAndMtime(xml, (t) =>
      t.replaceAll('timestamp="2026-03-27T10:10:29 "', 'timestamp="2026-03-27T10:10:39 "'),
    );
    const fresh2 = await status(root, home, "--no-cache");
    const cached2 = await status(root, home);
    expect(fresh2.json).not.toEqual(fresh1.json);
    expect(cached2.json).toEqual(fresh2.json);
    expect(counts(cached2.note).parsed).toBe(1);
  });

  it("a garbage pack is ignored with a note and rewritten; the output is the same", async () => {
    const root = copyExample("categorized-run");
    const home = temp("atvm-cache-home-");
    const reference = await sameThreeWays(root, home);
    const dir = join(home, "atvm-watch");
    const [pack] = readdirSync(dir).filter((n) => n.endsWith(".pack"));
    const file = join(dir, pack as string);
    writeFileSync(file, readFileSync(file, "utf8").slice(0, 500));
    const after = await status(root, home);
    expect(after.json).toEqual(reference);
    expect(after.note).toMatch(
      /0 file\(s\) reused, \d+ parsed .*saved; .* is truncated or corrupt; ignored\n$/,
    );
    const again = await status(root, home);
    expect(again.json).toEqual(reference);
    expect(counts(again.note).parsed).toBe(0);
  });

  it("an unwritable cache folder (uid 65534 via setpriv): the same output, nothing on stderr, one line with --verbose", () => {
    const root = copyExample("flat-run");
    chmodSync(join(root, ".."), 0o755);
    const cacheHome = temp("atvm-cache-ro-"); // root-owned 0755: uid 65534 cannot create atvm-watch/ in it
    const run = (...extra: string[]) =>
      spawnSync(
        "setpriv",
        [
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          process.execPath,
          bin,
          "status",
          "--root",
          root,
          "--format",
          "json",
          ...extra,
        ],
        {
          encoding: "utf8",
          env: {
            PATH: process.env.PATH,
            HOME: "/nonexistent-home",
            XDG_CACHE_HOME: cacheHome,
            NO_COLOR: "1",
          },
        },
      );
    const strip = (out: string) => {
      const { at: _, ...rest } = JSON.parse(out) as Record<string, unknown>;
      return rest;
    };
    const uncached = run("--no-cache");
    expect(uncached.stderr).toBe("");
    expect(uncached.status).toBe(0);
    const quiet = run();
    expect(quiet.stderr).toBe("");
    expect(quiet.status).toBe(0);
    expect(strip(quiet.stdout)).toEqual(strip(uncached.stdout));
    const verbose = run("--verbose");
    expect(verbose.status).toBe(0);
    expect(strip(verbose.stdout)).toEqual(strip(uncached.stdout));
    expect(verbose.stderr).toMatch(
      /^atvm: parse cache: .* 0 file\(s\) reused, \d+ parsed .*; not saved: .*EACCES.*; the status is the same without it\n$/,
    );
    expect(readdirSync(cacheHome)).toEqual([]);
  });

  it("--help says where the cache is, what keys it and how to bypass it", async () => {
    const io = capture();
    await main(["status", "--help"], { stdout: io.stdout, stderr: io.stderr }).catch(() => 0);
    const help = io.out().replace(/\s+/g, " ");
    expect(help).toContain("--no-cache");
    expect(help).toContain("$XDG_CACHE_HOME/atvm-watch/ (default ~/.cache/atvm-watch/)");
    expect(help).toContain("path, inode, size and mtime, the parser version");
  });
});
