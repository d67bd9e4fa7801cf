// The collector's use of the persistent parse cache port (collect-cache.ts; issue "Fleet scale",
// docs/getting-started.md "The parse cache"), over the REAL parsers and real reporter output: the bundled
// examples and the fixture generator's reporter cases (test/fixtures/reporters/**).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type ArtifactMeta, decodeArtifactText, type ParseResult } from "@atvm-watch/artifacts";
import { createMemorySource } from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import {
  type CollectLayout,
  type CollectParsers,
  createCollector,
  createCollectParsers,
  DEFAULT_LAYOUT,
  defaultCollectParsers,
} from "../src/collect.ts";
import type { ParseCache, ParseCacheKey, ParseCacheValue } from "../src/ports.ts";

const REPO = join(import.meta.dirname, "../../..");

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

/**
 * The memory source of @atvm-watch/testing with inodes, like node-fs (`replace` gives a new inode,
 * `write` keeps it); `reads` are the paths read, in order.
 */
function inodeSource(initial: Record<string, Uint8Array>, withIno = true) {
  const source = createMemorySource(initial, { defaultMtimeMs: 1_000, inodes: withIno });
  return {
    source,
    get reads(): string[] {
      return source.reads.map((r) => r.path);
    },
    /** Same bytes length and mtime, other content, another inode (a file replaced by rename). */
    replace: (path: string, bytes: Uint8Array) => source.replace(path, bytes),
    write: (path: string, bytes: Uint8Array, mtimeMs: number) => source.write(path, bytes, mtimeMs),
  };
}

/** A ParseCache that keeps values as JSON text, as the node-fs pack does, and counts its calls. */
function jsonCache() {
  const store = new Map<string, string>();
  const calls = { get: 0, hit: 0, set: 0 };
  const id = (k: ParseCacheKey) => JSON.stringify([k.path, k.ino, k.sizeBytes, k.mtimeMs, k.context]);
  const cache: ParseCache = {
    get(key) {
      calls.get += 1;
      const text = store.get(id(key));
      if (text === undefined) return undefined;
      calls.hit += 1;
      return JSON.parse(text) as ParseCacheValue;
    },
    set(key, value) {
      calls.set += 1;
      store.set(id(key), JSON.stringify(value));
    },
  };
  return { cache, calls, store };
}

/** An example root's files, as source paths (its atvm.config.json maps the runner log to tmp/). */
function exampleFiles(example: string): Record<string, Uint8Array> {
  const dir = join(REPO, "examples", example);
  return Object.fromEntries(filesUnder(dir).map((p) => [p, new Uint8Array(readFileSync(join(dir, p)))]));
}

const LAYOUT: CollectLayout = {
  ...DEFAULT_LAYOUT,
  "runner-log": ["tmp/{build}.log"],
  "launch-log": ["tmp/{build}.launch.log"],
  "shell-history": [".bash_history"],
};

describe("persistent parse cache in the collector (issue Fleet scale)", () => {
  for (const example of ["flat-run", "categorized-run", "in-progress"]) {
    it(`R11/R21 ${example}: a new collector answered from the cache reads no whole file and collects the same observations and issues`, async () => {
      const { cache, calls } = jsonCache();
      const files = exampleFiles(example);
      const first = inodeSource(files);
      const cold = await createCollector(first.source, LAYOUT, { parseCache: cache }).poll({
        build: "x",
        now: 5,
      });
      expect(calls.set).toBeGreaterThan(5); // every whole-file result was stored
      const second = inodeSource(files);
      const warm = await createCollector(second.source, LAYOUT, { parseCache: cache }).poll({
        build: "x",
        now: 5,
      });
      expect(second.reads).toEqual([]); // nothing re-read or re-parsed
      expect(calls.hit).toBe(calls.set);
      expect(warm.observations).toStrictEqual(cold.observations);
      expect(warm.issues).toStrictEqual(cold.issues);
      expect(warm.knownHosts).toStrictEqual(cold.knownHosts);
    });
  }

  it("R11: a file replaced with the same size and mtime but another inode is parsed again, not taken from the cache", async () => {
    const { cache } = jsonCache();
    const files = exampleFiles("flat-run");
    const xml = Object.keys(files).find((p) => p.endsWith("test-result-atvm9-redhat9.7.xml")) as string;
    await createCollector(inodeSource(files).source, LAYOUT, { parseCache: cache }).poll({ build: "x" });
    const next = inodeSource(files);
    const text = new TextDecoder().decode(files[xml]);
    const changed = new TextEncoder().encode(text.replace('failures="0"', 'failures="9"'));
    expect(changed.length).toBe(files[xml]?.length);
    next.replace(xml, changed);
    const warm = await createCollector(next.source, LAYOUT, { parseCache: cache }).poll({ build: "x" });
    expect(next.reads).toEqual([xml]);
    const fresh = await createCollector(inodeSource({ ...files, [xml]: changed }).source, LAYOUT).poll({
      build: "x",
    });
    expect(warm.observations).toStrictEqual(fresh.observations);
  });

  it("R11: known hosts, parser options and mtime are part of the key: a change in any re-parses", async () => {
    const { cache } = jsonCache();
    const files = exampleFiles("flat-run");
    const poll = async (options: { knownHosts?: string[]; parsers?: CollectParsers }, touch?: string) => {
      const src = inodeSource(files);
      if (touch !== undefined) src.write(touch, files[touch] as Uint8Array, 2_000);
      await createCollector(src.source, LAYOUT, { parseCache: cache, ...options }).poll({ build: "x" });
      return src.reads.filter((p) => !p.startsWith("tmp/"));
    };
    expect((await poll({})).length).toBeGreaterThan(10);
    expect(await poll({})).toEqual([]);
    // A config known host reaches ArtifactMeta.knownHosts of every parsed file (the host-defining ones too).
    const rereadHosts = await poll({ knownHosts: ["atvm999-redhat9.9"] });
    expect(rereadHosts.filter((p) => p.endsWith(".xml")).length).toBeGreaterThan(3);
    expect(rereadHosts).toContain("vm-inventory.md");
    expect(await poll({ knownHosts: ["atvm999-redhat9.9"] })).toEqual([]);
    // Other runner-log patterns: another parser identity, so nothing is reused.
    const other = createCollectParsers({ runFinished: "^All specs done$" });
    expect((await poll({ parsers: other })).length).toBeGreaterThan(10);
    expect(await poll({ parsers: other })).toEqual([]);
    expect(await poll({}, "vm-inventory.md")).toContain("vm-inventory.md");
  });

  it("never used with custom parsers (no cacheIdentity), a custom decoder, or entries without an inode (ssh, memory)", async () => {
    const { cache, calls } = jsonCache();
    const files = exampleFiles("flat-run");
    const { cacheIdentity: _, ...anonymous } = defaultCollectParsers;
    await createCollector(inodeSource(files).source, LAYOUT, {
      parseCache: cache,
      parsers: anonymous,
    }).poll();
    await createCollector(inodeSource(files).source, LAYOUT, {
      parseCache: cache,
      decode: (bytes) => decodeArtifactText(bytes),
    }).poll();
    await createCollector(inodeSource(files, false).source, LAYOUT, { parseCache: cache }).poll();
    expect(calls).toEqual({ get: 0, hit: 0, set: 0 });
  });

  it("R11: a half-written XML (incomplete) is not stored, so the finished file is never shadowed", async () => {
    const { cache, calls } = jsonCache();
    const files = exampleFiles("flat-run");
    const xml = Object.keys(files).find((p) => p.endsWith(".xml")) as string;
    const half = (files[xml] as Uint8Array).slice(0, 300);
    const src = inodeSource({ [xml]: half });
    const poll = await createCollector(src.source, LAYOUT, { parseCache: cache }).poll();
    expect(poll.issues.map((i) => i.kind)).toContain("incomplete");
    expect(calls.set).toBe(0);
  });
});

describe("every whole-file parse result round-trips through JSON exactly (what the pack stores)", () => {
  const parsers = defaultCollectParsers;
  const roots = [
    ...["flat-run", "categorized-run", "in-progress", "in-progress-no-config"].map((e) =>
      join(REPO, "examples", e),
    ),
    join(REPO, "test/fixtures/reporters"),
  ];
  for (const root of roots) {
    it(`R11/W7 ${relative(REPO, root)}: JSON.parse(JSON.stringify(result)) is strictly equal (no Date, Map, undefined field, -0 or NaN)`, () => {
      const hosts = ["atvm7-ubuntu24.04", "atvm9-redhat9.7", "atvm17-ubuntu24.04", "atvm21-redhat9.0"];
      let checked = 0;
      for (const path of filesUnder(root)) {
        const parse: ((text: string, meta: ArtifactMeta) => ParseResult<unknown>) | null = path.endsWith(
          ".xml",
        )
          ? parsers.junit
          : /\.(json|jsonl)$/.test(path) &&
              !path.endsWith("expected.json") &&
              !path.endsWith("atvm.config.json")
            ? parsers.reporterJson
            : path.endsWith("cypress.atvm-config-gold.ts")
              ? parsers.cypressConfig
              : path.endsWith("vm-inventory.md")
                ? parsers.inventory
                : path.endsWith(".bash_history")
                  ? parsers.shellHistory
                  : null;
        if (parse === null) continue;
        const text = decodeArtifactText(new Uint8Array(readFileSync(join(root, path))));
        const result = parse(text, {
          path,
          knownHosts: hosts,
          mtimeMs: 1_774_598_400_000.25,
          sizeBytes: text.length,
        });
        expect(JSON.parse(JSON.stringify(result)), path).toStrictEqual(result);
        checked += 1;
      }
      expect(checked).toBeGreaterThan(5);
    });
  }
});
