/**
 * The `ArtifactSource` contract suite (ports.ts): listing, naming, reading and growth, as every
 * artifact source (memory, node-fs, ssh) must behave. See `contracts.ts` for how a suite is run.
 */
import { type ArtifactSource, batchOf, isAtvmError } from "@atvm-watch/engine";
import { describe, expect, it } from "vitest";
import { rejectionCode, text } from "./contract-helpers.ts";

/** What an artifact-source setup returns: the source, and optionally a way to grow a file like a live log. */
export interface ArtifactSourceFixture {
  readonly source: ArtifactSource;
  /** Appends UTF-8 `text` to `path` (creating it). When absent, the growth tests are skipped. */
  readonly append?: (path: string, text: string) => Promise<void>;
  /** Makes the folder `path` unlistable (e.g. `EACCES`). When absent, the recovery test is skipped. */
  readonly deny?: (path: string) => Promise<void>;
  /**
   * An absolute folder the source allows (node-fs `extraRoots`) and a way to create a file in it.
   * When absent (a source without absolute roots), the absolute-naming test is skipped.
   */
  readonly absolute?: { readonly dir: string; readonly write: (name: string, text: string) => Promise<void> };
}

/**
 * The `ArtifactSource` contract. `setup(files)` must return a source exposing exactly `files`
 * (run-relative ESCAPED POSIX path → UTF-8 text; `\xHH` is one raw byte of the name, `\\` a
 * backslash, engine `unescapePath`), either bare or as an `ArtifactSourceFixture`.
 */
export function testArtifactSourceContract(
  name: string,
  setup: (files: Readonly<Record<string, string>>) => Promise<ArtifactSource | ArtifactSourceFixture>,
): void {
  const open = async (files: Readonly<Record<string, string>>): Promise<ArtifactSourceFixture> => {
    const made = await setup(files);
    return "source" in made ? made : { source: made };
  };
  describe(`ArtifactSource contract: ${name}`, () => {
    it("has a name", async () => {
      const { source } = await open({});
      expect(source.name).toMatch(/\S/);
    });
    it("lists nested files as run-relative POSIX paths, sorted, with byte sizes", async () => {
      const { source } = await open({
        "cypress/cmcReporter/xml/test-result-b.xml": "<b/>",
        "cypress/cmcReporter/xml/test-result-a.xml": "<testsuites/>",
        "cypress/cmcReporter/logs/atvm41-redhat6.0/x.json": "{}",
        "other/ignored.txt": "x",
      });
      const { entries, issues } = await source.list("cypress/cmcReporter");
      expect(issues).toEqual([]);
      expect(entries.map((e) => e.path)).toEqual([
        "cypress/cmcReporter/logs/atvm41-redhat6.0/x.json",
        "cypress/cmcReporter/xml/test-result-a.xml",
        "cypress/cmcReporter/xml/test-result-b.xml",
      ]);
      expect(entries.map((e) => e.sizeBytes)).toEqual([2, 13, 4]);
      for (const e of entries) expect(Number.isFinite(e.mtimeMs)).toBe(true);
    });
    it("resolves an empty listing for a missing directory", async () => {
      const { source } = await open({ "a/b.txt": "x" });
      expect(await source.list("nope")).toEqual({ entries: [], issues: [] });
    });
    it("lists, stats and reads names that are not UTF-8 by their escaped path", async () => {
      const files = { "xml/f\\xff.xml": "<a/>", "xml/ok.xml": "<b/>", "xml/back\\\\slash.xml": "<c/>" };
      const { source } = await open(files);
      const { entries } = await source.list("xml");
      expect(entries.map((e) => e.path).sort()).toEqual(Object.keys(files).sort());
      expect(text(await source.read("xml/f\\xff.xml"))).toBe("<a/>");
      expect(text(await source.read("xml/back\\\\slash.xml"))).toBe("<c/>");
      expect((await source.stat("xml/f\\xff.xml"))?.sizeBytes).toBe(4);
    });
    it("names files in the form the folder was asked in: relative stays relative, absolute stays absolute", async (ctx) => {
      const fixture = await open({ "logs/a.json": "{}" });
      const { source } = fixture;
      const { entries } = await source.list("logs");
      expect(entries.map((e) => e.path)).toEqual(["logs/a.json"]);
      expect((await source.stat("logs/a.json"))?.path).toBe("logs/a.json");
      if (fixture.absolute === undefined) return ctx.skip();
      await fixture.absolute.write("e2e.log", "x");
      const abs = await source.list(fixture.absolute.dir);
      expect(abs.entries.map((e) => e.path)).toEqual([`${fixture.absolute.dir}/e2e.log`]);
      expect((await source.stat(`${fixture.absolute.dir}/e2e.log`))?.path).toBe(
        `${fixture.absolute.dir}/e2e.log`,
      );
      expect(text(await source.read(`${fixture.absolute.dir}/e2e.log`))).toBe("x");
    });
    it("an unlistable folder is one folder issue; its siblings are still listed", async (ctx) => {
      const fixture = await open({ "r/a/1.xml": "1", "r/b/2.xml": "2", "r/c/3.xml": "3" });
      if (fixture.deny === undefined) return ctx.skip();
      await fixture.deny("r/b");
      const { entries, issues } = await fixture.source.list("r");
      expect(entries.map((e) => e.path)).toEqual(["r/a/1.xml", "r/c/3.xml"]);
      expect(issues.map((i) => [i.path, i.target, i.code])).toEqual([["r/b", "folder", "EACCES"]]);
      expect(issues[0]?.message).toContain("r/b");
    });
    it("reads whole files, and byte ranges from an offset with a limit", async () => {
      const { source } = await open({ "tmp/e2e.log": "0123456789" });
      expect(text(await source.read("tmp/e2e.log"))).toBe("0123456789");
      expect(text(await source.read("tmp/e2e.log", 4))).toBe("456789");
      expect(text(await source.read("tmp/e2e.log", 4, 3))).toBe("456");
      expect((await source.read("tmp/e2e.log", 10)).length).toBe(0);
      expect((await source.read("tmp/e2e.log", 99)).length).toBe(0);
    });
    it("counts sizes and offsets in bytes, not characters", async () => {
      const { source } = await open({ "u.txt": "é✓" });
      expect((await source.stat("u.txt"))?.sizeBytes).toBe(5);
      expect(text(await source.read("u.txt", 2))).toBe("✓");
    });
    it("stats an existing file and answers null for a missing one", async () => {
      const { source } = await open({ "x/y.json": "{}" });
      const entry = await source.stat("x/y.json");
      expect(entry?.path).toBe("x/y.json");
      expect(entry?.sizeBytes).toBe(2);
      expect(await source.stat("x/missing.json")).toBeNull();
    });
    it("rejects ARTIFACT_NOT_FOUND for a missing file", async () => {
      const { source } = await open({});
      expect(await rejectionCode(source.read("missing.xml"))).toBe("ARTIFACT_NOT_FOUND");
    });
    it("rejects INVALID_PATH for a path that escapes the root", async () => {
      const { source } = await open({ "a.txt": "x" });
      expect(await rejectionCode(source.read("../etc/passwd"))).toBe("INVALID_PATH");
      expect(await rejectionCode(source.stat("a/../../b"))).toBe("INVALID_PATH");
      expect(await rejectionCode(source.list(".."))).toBe("INVALID_PATH");
    });
    it("serves appended bytes from the previous end offset (growing runner log)", async (ctx) => {
      const fixture = await open({ "tmp/e2e.log": "line 1\n" });
      if (fixture.append === undefined) return ctx.skip();
      const { source, append } = fixture;
      const first = await source.read("tmp/e2e.log");
      await append("tmp/e2e.log", "line 2\n");
      expect((await source.stat("tmp/e2e.log"))?.sizeBytes).toBe(14);
      expect(text(await source.read("tmp/e2e.log", first.length))).toBe("line 2\n");
    });
    // The batched poll (ports.ts `batch`, the adapter's own or `batchOf`'s): the same answers as
    // the single operations, in one request.
    it("batch answers what list, stat and read answer, one slot per folder and path", async () => {
      const { source } = await open({
        "x/a.json": "{}",
        "x/b.txt": "not read",
        "x/sub/c.json": "[1]",
        "h.md": "# hosts",
      });
      const result = await batchOf(source)({
        list: ["x", "missing-dir"],
        stat: ["h.md", "nope.md"],
        readGlobs: ["x/**/*.json", "h.md"],
      });
      expect(result.listings).toEqual([await source.list("x"), await source.list("missing-dir")]);
      expect(result.stats).toEqual([await source.stat("h.md"), null]);
      expect([...result.contents.keys()].sort()).toEqual(["h.md", "x/a.json", "x/sub/c.json"]);
      const c = result.contents.get("x/sub/c.json");
      expect(c !== undefined && "bytes" in c && [c.offset, text(c.bytes)]).toEqual([0, "[1]"]);
    });
    it("batch leaves out files the caller holds unchanged, reads from offsets with the head, and skips a too-long unread part", async () => {
      const { source } = await open({
        "l/run.log": "0123456789",
        "l/same.json": "{}",
        "l/big.json": "x".repeat(50),
      });
      const listed = await source.list("l");
      const same = listed.entries.find((e) => e.path === "l/same.json");
      const result = await batchOf(source)({
        list: ["l"],
        stat: [],
        readGlobs: ["l/*"],
        known: new Map(same === undefined ? [] : [[same.path, same]]),
        offsets: new Map([["l/run.log", 6]]),
        headBytes: 3,
        maxBytes: 20,
      });
      expect([...result.contents.keys()]).toEqual(["l/run.log"]);
      const log = result.contents.get("l/run.log");
      expect(
        log !== undefined &&
          "bytes" in log && [log.offset, text(log.bytes), text(log.head ?? new Uint8Array())],
      ).toEqual([6, "6789", "012"]);
    });
    it("batch puts an escaping path's INVALID_PATH in its slot and still answers the rest", async () => {
      const { source } = await open({ "a.txt": "x" });
      const result = await batchOf(source)({
        list: [".."],
        stat: ["a/../../b", "a.txt"],
        readGlobs: ["a.txt"],
      });
      const slotCode = (slot: unknown): string | null =>
        typeof slot === "object" && slot !== null && "error" in slot && isAtvmError(slot.error)
          ? slot.error.code
          : null;
      expect(slotCode(result.listings[0])).toBe("INVALID_PATH");
      expect(slotCode(result.stats[0])).toBe("INVALID_PATH");
      expect((result.stats[1] as { path?: string } | null)?.path).toBe("a.txt");
      const a = result.contents.get("a.txt");
      expect(a !== undefined && "bytes" in a && text(a.bytes)).toBe("x");
    });
  });
}
