import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAtvmError } from "@atvm-watch/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeFsSource } from "../src/source.ts";

let base: string;
let root: string;
let extra: string;

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return isAtvmError(error) ? error.code : `not an AtvmError: ${String(error)}`;
  }
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "atvm-nodefs-"));
  root = join(base, "root");
  extra = join(base, "tmp");
  mkdirSync(join(root, "cypress/cmcReporter/xml"), { recursive: true });
  mkdirSync(join(root, "cypress/cmcReporter/logs/atvm41-redhat6.0"), { recursive: true });
  mkdirSync(extra);
  writeFileSync(join(root, "cypress/cmcReporter/xml/test-result-0a1b.xml"), "<testsuites/>");
  writeFileSync(join(root, "cypress/cmcReporter/logs/atvm41-redhat6.0/a.json"), "{}");
  writeFileSync(join(root, "vm-inventory.md"), "| host |\n");
  writeFileSync(join(extra, "e2e-0327.log"), "line one\nline two\n");
  writeFileSync(join(base, "secret.txt"), "outside");
  symlinkSync(join(base, "secret.txt"), join(extra, "link.log"));
  utimesSync(join(root, "vm-inventory.md"), new Date(1_700_000_000_000), new Date(1_700_000_000_000));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("createNodeFsSource", () => {
  it("lists nested files recursively as sorted POSIX paths relative to the root, with size and mtime", async () => {
    const source = createNodeFsSource({ root });
    const all = (await source.list("")).entries;
    expect(all.map((e) => e.path)).toEqual([
      "cypress/cmcReporter/logs/atvm41-redhat6.0/a.json",
      "cypress/cmcReporter/xml/test-result-0a1b.xml",
      "vm-inventory.md",
    ]);
    expect(all[1]?.sizeBytes).toBe("<testsuites/>".length);
    expect(all[2]?.mtimeMs).toBe(1_700_000_000_000);
    expect((await source.list("cypress/cmcReporter/xml")).entries.map((e) => e.path)).toEqual([
      "cypress/cmcReporter/xml/test-result-0a1b.xml",
    ]);
  });

  it("resolves [] for a missing folder and null from stat for a missing file", async () => {
    const source = createNodeFsSource({ root });
    expect(await source.list("cypress/nope")).toEqual({ entries: [], issues: [] });
    expect(await source.list("vm-inventory.md/x")).toEqual({ entries: [], issues: [] });
    expect(await source.stat("nope.xml")).toBeNull();
    expect(await source.stat("cypress")).toBeNull(); // a folder is not an artifact
  });

  it("reads from a byte offset, bounded by maxBytes, and past the end as empty", async () => {
    const source = createNodeFsSource({ root, extraRoots: [extra] });
    const path = `${extra}/e2e-0327.log`;
    expect(Buffer.from(await source.read(path)).toString()).toBe("line one\nline two\n");
    expect(Buffer.from(await source.read(path, 9)).toString()).toBe("line two\n");
    expect(Buffer.from(await source.read(path, 9, 4)).toString()).toBe("line");
    expect((await source.read(path, 1000)).length).toBe(0);
  });

  it("rejects ARTIFACT_NOT_FOUND for a missing file", async () => {
    expect(await codeOf(createNodeFsSource({ root }).read("cypress/missing.xml"))).toBe("ARTIFACT_NOT_FOUND");
  });

  it("rejects INVALID_PATH for .. escapes and absolute paths outside the root and extra roots", async () => {
    const source = createNodeFsSource({ root, extraRoots: [extra] });
    expect(await codeOf(source.read("../secret.txt"))).toBe("INVALID_PATH");
    expect(await codeOf(source.list("cypress/../../"))).toBe("INVALID_PATH");
    expect(await codeOf(source.stat(`${base}/secret.txt`))).toBe("INVALID_PATH");
    expect(await codeOf(source.read(`${extra}/../secret.txt`))).toBe("INVALID_PATH");
    expect(await codeOf(source.read("/etc/passwd"))).toBe("INVALID_PATH");
    expect(await codeOf(source.read("a\0b"))).toBe("INVALID_PATH");
  });

  it("addresses files under an extra root by absolute path and lists them absolute", async () => {
    const source = createNodeFsSource({ root, extraRoots: [extra] });
    const entry = await source.stat(`${extra}/e2e-0327.log`);
    expect(entry).toMatchObject({ path: `${extra}/e2e-0327.log`, sizeBytes: 18 });
    const listed = await source.list(extra);
    expect(listed.entries.map((e) => e.path)).toContain(`${extra}/e2e-0327.log`);
  });

  it("refuses to follow a symlink planted under an extra root (docs/safety.md, Paths and names)", async () => {
    const source = createNodeFsSource({ root, extraRoots: [extra] });
    expect(await codeOf(source.read(`${extra}/link.log`))).toBe("ARTIFACT_UNREADABLE");
  });

  it("sees a file shrink (truncation) through stat", async () => {
    const source = createNodeFsSource({ root, extraRoots: [extra] });
    const path = join(extra, "shrink.log");
    writeFileSync(path, "0123456789");
    expect((await source.stat(path))?.sizeBytes).toBe(10);
    truncateSync(path, 3);
    expect((await source.stat(path))?.sizeBytes).toBe(3);
    expect(Buffer.from(await source.read(path, 5)).toString()).toBe("");
  });

  // The direct open (source.ts `openDirect`): one open, then the descriptor's own path; anything but
  // the asked path goes through the full symlink rules.
  it("read refuses a file reached through a folder symlink that leaves the root (docs/safety.md, Paths and names)", async () => {
    const outside = join(base, "outside-folder");
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, "test-result-x.xml"), "<secret/>");
    symlinkSync(outside, join(root, "cypress/cmcReporter/linked-out"));
    const source = createNodeFsSource({ root });
    const error = await source.read("cypress/cmcReporter/linked-out/test-result-x.xml").then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAtvmError(error) && error.code).toBe("ARTIFACT_UNREADABLE");
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("SYMLINK_OUTSIDE");
  });

  it("read follows a folder symlink that stays inside the root", async () => {
    symlinkSync("xml", join(root, "cypress/cmcReporter/linked-in"));
    const source = createNodeFsSource({ root });
    const bytes = await source.read("cypress/cmcReporter/linked-in/test-result-0a1b.xml");
    expect(Buffer.from(bytes).toString()).toBe("<testsuites/>");
  });

  it("read refuses a folder swapped for an outside symlink after a kept source read through it", async () => {
    const swap = join(root, "swap");
    mkdirSync(swap);
    writeFileSync(join(swap, "a.log"), "inside");
    const outside = join(base, "swap-outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "a.log"), "outside");
    const source = createNodeFsSource({ root });
    expect(Buffer.from(await source.read("swap/a.log")).toString()).toBe("inside");
    rmSync(swap, { recursive: true });
    symlinkSync(outside, swap);
    expect(await codeOf(source.read("swap/a.log"))).toBe("ARTIFACT_UNREADABLE");
  });

  it("a plain relative path and its spellings with ./ and // read the same file; .. still rejects", async () => {
    const source = createNodeFsSource({ root });
    const plain = Buffer.from(await source.read("cypress/cmcReporter/xml/test-result-0a1b.xml")).toString();
    const spelled = Buffer.from(
      await source.read("./cypress//cmcReporter/./xml/test-result-0a1b.xml"),
    ).toString();
    expect([plain, spelled]).toEqual(["<testsuites/>", "<testsuites/>"]);
    expect(await codeOf(source.read("cypress/../../secret.txt"))).toBe("INVALID_PATH");
    expect(await codeOf(source.read("cypress/cmcReporter/xml/test-result-0a1b.xml/.."))).toBe("INVALID_PATH");
  });
});
