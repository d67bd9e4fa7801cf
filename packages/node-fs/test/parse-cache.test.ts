// The parse cache's pack on a real file system (parse-cache.ts; docs/getting-started.md "The parse cache"):
// keys, one pack per root, bounded and checked loads, and never a crash on a bad pack.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PARSER_VERSION } from "@atvm-watch/artifacts";
import type { ParseCacheKey } from "@atvm-watch/engine";
import { describe, expect, it } from "vitest";
import { openParseCache, parseCacheDir } from "../src/parse-cache.ts";

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const OLD = NOW - 3_600_000;

function setup() {
  const base = mkdtempSync(join(tmpdir(), "atvm-parse-cache-"));
  const root = join(base, "root");
  mkdirSync(root);
  const env = { XDG_CACHE_HOME: join(base, "xdg"), HOME: join(base, "home") };
  const open = (extra: { maxPackBytes?: number } = {}) =>
    openParseCache({ root, env, now: () => NOW, ...extra });
  const packs = () => readdirSync(join(base, "xdg", "atvm-watch")).filter((n) => n.endsWith(".pack"));
  return { base, root, env, open, packs };
}

const key = (over: Partial<ParseCacheKey> = {}): ParseCacheKey => ({
  path: "cypress/cmcReporter/xml/test-result-a.xml",
  ino: 42,
  sizeBytes: 1234,
  mtimeMs: OLD + 0.125,
  context: "identity\njunit\natvm7-ubuntu24.04",
  ...over,
});
const value = {
  observations: [{ kind: "bookkeeping", file: "x.xml", spec: "cypress/e2e/check-xml-files.ts" }] as never[],
  issues: [{ file: "x.xml", kind: "ambiguous" as const, problem: "two hosts" }],
};

describe("node-fs parse cache pack", () => {
  it("keeps a value across processes under path, inode, size, mtime and context; any other field is a miss", async () => {
    const t = setup();
    const first = await t.open();
    expect(first.get(key())).toBeUndefined();
    first.set(key(), value);
    expect(await first.flush()).toEqual({ written: true, problem: null });
    expect(t.packs()).toHaveLength(1);
    const again = await t.open();
    expect(again.get(key())).toStrictEqual(value);
    for (const other of [
      { path: "cypress/cmcReporter/xml/test-result-b.xml" },
      { ino: 43 },
      { sizeBytes: 1235 },
      { mtimeMs: OLD + 0.126 },
      { context: "identity\njunit\natvm7-ubuntu24.04\natvm8-ubuntu24.04" },
    ]) {
      expect(again.get(key(other)), JSON.stringify(other)).toBeUndefined();
    }
    expect(again.stats()).toEqual({ loaded: 1, hits: 1, misses: 5, stored: 0 });
    // Nothing changed and every entry was used: nothing to write.
    expect(await again.flush()).toEqual({ written: false, problem: null });
  });

  it("one pack per automation root (named by a digest of its real path); entries not used this call drop out", async () => {
    const t = setup();
    const a = await t.open();
    a.set(key(), value);
    a.set(key({ path: "vm-inventory.md" }), value);
    await a.flush();
    const other = join(t.base, "other-root");
    mkdirSync(other);
    const b = await openParseCache({ root: other, env: t.env, now: () => NOW });
    b.set(key(), value);
    await b.flush();
    expect(t.packs()).toHaveLength(2);
    const c = await t.open();
    expect(c.get(key())).toBeDefined(); // vm-inventory.md not asked for: gone from the root
    await c.flush();
    const d = await t.open();
    expect(d.stats().loaded).toBe(1);
    expect(d.get(key({ path: "vm-inventory.md" }))).toBeUndefined();
  });

  it("a file modified in the last 2 s (or in the future) is not stored: it may still change without changing size or mtime", async () => {
    const t = setup();
    const cache = await t.open();
    cache.set(key({ mtimeMs: NOW - 1_000 }), value);
    cache.set(key({ path: "future.xml", mtimeMs: NOW + 60_000 }), value);
    expect(cache.stats().stored).toBe(0);
  });

  it("a truncated, garbage, wrong-version, foreign-root or over-bound pack is ignored with a reason, and rewritten", async () => {
    const t = setup();
    const seed = await t.open();
    seed.set(key(), value);
    await seed.flush();
    const file = seed.file as string;
    const good = readFileSync(file, "utf8");
    const cases: [string, string, RegExp][] = [
      ["truncated", good.slice(0, good.length - 20), /truncated or corrupt/],
      ["garbage", "\u0000\u00ff garbage", /another format or parser version/],
      ["old parser", good.replace(PARSER_VERSION, "1999-01-01.0"), /another format or parser version/],
      ["wrong shape", good.replace(/"entries":\[\[/, '"entries":[["x",'), /corrupt/],
      ["foreign root", good.replace(/"root":"[^"]*"/, '"root":"/elsewhere"'), /corrupt/],
    ];
    for (const [what, text, reason] of cases) {
      writeFileSync(file, text, { mode: 0o600 });
      const cache = await t.open();
      expect(cache.loadProblem, what).toMatch(reason);
      expect(cache.get(key()), what).toBeUndefined();
      cache.set(key(), value);
      expect(await cache.flush(), what).toEqual({ written: true, problem: null });
      expect(readFileSync(file, "utf8"), what).toBe(good);
    }
    const bounded = await t.open({ maxPackBytes: 100 });
    expect(bounded.loadProblem).toMatch(/over the 100-byte bound; ignored/);
    bounded.set(key(), value);
    expect((await bounded.flush()).problem).toMatch(/over the 100-byte bound; not written/);
  });

  it("a pack writable by others is not trusted", async () => {
    const t = setup();
    const seed = await t.open();
    seed.set(key(), value);
    await seed.flush();
    chmodSync(seed.file as string, 0o666);
    const cache = await t.open();
    expect(cache.loadProblem).toMatch(/writable by others; ignored/);
    expect(cache.get(key())).toBeUndefined();
  });

  it("the cache folder: $XDG_CACHE_HOME/atvm-watch when absolute, else ~/.cache/atvm-watch, else none", async () => {
    expect(parseCacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).toBe("/x/cache/atvm-watch");
    expect(parseCacheDir({ XDG_CACHE_HOME: "relative", HOME: "/home/u" })).toBe("/home/u/.cache/atvm-watch");
    expect(parseCacheDir({ XDG_CACHE_HOME: "", HOME: "/home/u" })).toBe("/home/u/.cache/atvm-watch");
    expect(parseCacheDir({})).toBeNull();
    const none = await openParseCache({ root: "/", env: {} });
    none.set(key(), value);
    expect(none.file).toBeNull();
    expect(await none.flush()).toEqual({ written: false, problem: null });
  });
});
