// When the node-fs folder cache reads a folder again (issue 11 P3), counted on the real readdirSync:
// node:fs is wrapped, not replaced, so every listing still comes from the real file system.
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

const reads = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:fs", async (original) => {
  const fs = await original<typeof import("node:fs")>();
  const readdirSync = ((...args: Parameters<typeof fs.readdirSync>) => {
    reads.count += 1;
    return fs.readdirSync(...args);
  }) as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, readdirSync }, readdirSync };
});
const { createNodeFsSource } = await import("../src/source.ts");

const base = mkdtempSync(join(tmpdir(), "atvm-folder-cache-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Two folders (the root and `xml`) with a few files. */
function tree(name: string): string {
  const root = join(base, name);
  mkdirSync(join(root, "xml"), { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(join(root, `xml/r${i}.xml`), "x");
  return root;
}

async function readdirsPerListing(
  source: ReturnType<typeof createNodeFsSource>,
  listings: number,
): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < listings; i++) {
    const before = reads.count;
    expect((await source.list("")).entries).toHaveLength(3);
    counts.push(reads.count - before);
  }
  return counts;
}

describe("node-fs folder cache", () => {
  it("R10: a folder changed under 2 s before it was read is read again on every listing (a change may share its timestamp)", async () => {
    const root = tree("fresh");
    expect(await readdirsPerListing(createNodeFsSource({ root }), 3)).toEqual([2, 2, 2]);
  });

  it("R10: a settled, unchanged folder is read once; a change to one folder re-reads that folder only", async () => {
    const root = tree("settled");
    const source = createNodeFsSource({ root, now: () => Date.now() + 3_600_000 });
    expect(await readdirsPerListing(source, 3)).toEqual([2, 0, 0]);
    writeFileSync(join(root, "xml/r0.xml"), "a file's own change: no folder read");
    expect(await readdirsPerListing(source, 1)).toEqual([0]);
    writeFileSync(join(root, "xml/new.json"), "{}");
    const before = reads.count;
    expect((await source.list("")).entries.map((e) => e.path)).toEqual([
      "xml/new.json",
      "xml/r0.xml",
      "xml/r1.xml",
      "xml/r2.xml",
    ]);
    expect(reads.count - before).toBe(1);
  });

  it("R10: folderCache false reads every folder on every listing", async () => {
    const root = tree("off");
    const source = createNodeFsSource({ root, folderCache: false, now: () => Date.now() + 3_600_000 });
    expect(await readdirsPerListing(source, 3)).toEqual([2, 2, 2]);
  });
  it("R10 P4′: an unchanged file keeps its entry object across listings; a changed size, mtime or inode gets a new, correct entry", async () => {
    const root = tree("reuse");
    const source = createNodeFsSource({ root, now: () => Date.now() + 3_600_000 });
    const first = (await source.list("")).entries;
    const second = (await source.list("")).entries;
    // The same objects: an idle poll allocates no entry that outlives it (the watcher's RSS stays flat).
    expect(second).toHaveLength(3);
    for (const [i, entry] of second.entries()) expect(entry).toBe(first[i]);
    writeFileSync(join(root, "xml/r0.xml"), "grown"); // size changes
    utimesSync(join(root, "xml/r1.xml"), new Date(1_000_000), new Date(1_000_000)); // mtime only
    const changed = (await source.list("")).entries; // no entry created or removed: the folder read is reused
    expect(changed[0]).toMatchObject({ path: "xml/r0.xml", sizeBytes: 5 });
    expect(changed[1]).toMatchObject({ path: "xml/r1.xml", sizeBytes: 1, mtimeMs: 1_000_000 });
    expect(changed[2]).toBe(first[2]);
    // Same size and mtime, another inode (written aside, renamed over it).
    const stamp = new Date(2_000_000);
    utimesSync(join(root, "xml/r2.xml"), stamp, stamp);
    const beforeSwap = (await source.list("")).entries[2];
    writeFileSync(join(root, "xml/r2.tmp"), "y");
    utimesSync(join(root, "xml/r2.tmp"), stamp, stamp);
    renameSync(join(root, "xml/r2.tmp"), join(root, "xml/r2.xml"));
    const third = (await source.list("")).entries;
    expect(third.map((e) => e.path)).toEqual(["xml/r0.xml", "xml/r1.xml", "xml/r2.xml"]);
    expect(third[2]).toMatchObject({ sizeBytes: 1, mtimeMs: 2_000_000 });
    expect(third[2]?.ino).not.toBe(beforeSwap?.ino);
    // A listing asked under another folder name builds its own entries (paths shown relative to it).
    expect((await source.list("xml")).entries.map((e) => e.path)).toEqual([
      "xml/r0.xml",
      "xml/r1.xml",
      "xml/r2.xml",
    ]);
  });
});
