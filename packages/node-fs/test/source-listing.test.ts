// The node-fs listing's fast paths (issue 11 P3): UTF-8 paths statted as strings, children sorted
// per folder, and the folder cache (a folder's readdir reused while its own stat is unchanged).
// Each is checked against what the ArtifactSource contract says, on a real file system.
import {
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArtifactSource } from "@atvm-watch/engine";
import { afterEach, describe, expect, it } from "vitest";
import { createNodeFsSource } from "../src/source.ts";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempRoot(): string {
  const base = mkdtempSync(join(tmpdir(), "atvm-listing-"));
  made.push(base);
  const root = join(base, "root");
  mkdirSync(root);
  return root;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const paths = async (source: ArtifactSource, dir = ""): Promise<string[]> =>
  (await source.list(dir)).entries.map((e) => e.path);

describe("node-fs listing", () => {
  it("R10: paths come sorted by UTF-16 code units across folders (a-b < a.b < a/x < a0; an emoji's surrogates < U+FF5A)", async () => {
    const root = tempRoot();
    mkdirSync(join(root, "a"));
    for (const name of [
      "a0",
      "a.b",
      "a-b",
      "a~",
      "a/x",
      "\u{1F600}.xml",
      "\uFF5A.xml",
      "z.xml",
      "\u00E9.xml",
    ])
      writeFileSync(join(root, name), "x");
    // Code units: - 2d, . 2e, / 2f, 0 30, ~ 7e; z 7a < é e9 < d83d (emoji) < ff5a (fullwidth z).
    expect(await paths(createNodeFsSource({ root }))).toEqual([
      "a-b",
      "a.b",
      "a/x",
      "a0",
      "a~",
      "z.xml",
      "\u00E9.xml",
      "\u{1F600}.xml",
      "\uFF5A.xml",
    ]);
  });

  it("R10: odd names are shown escaped and open again: a backslash doubled, a literal U+FFFD as is, a 0xff byte as \\xff", async () => {
    const root = tempRoot();
    for (const dir of ["text", "fffd", "bytes"]) mkdirSync(join(root, dir));
    // text: every name UTF-8 (read as text); fffd: a literal U+FFFD (valid UTF-8, but what Node puts for a
    // bad byte, so the folder is read again as bytes); bytes: a 0xff byte in one name.
    for (const dir of ["text", "bytes"]) {
      writeFileSync(join(root, dir, "a\\b.xml"), "back");
      writeFileSync(join(root, dir, "\u00E9.xml"), "e-acute");
    }
    writeFileSync(join(root, "fffd", "r\uFFFD.xml"), "replacement");
    writeFileSync(
      Buffer.concat([Buffer.from(join(root, "bytes/")), Buffer.from([0x66, 0xff, 0x2e, 0x78])]),
      "ff",
    );
    mkdirSync(Buffer.concat([Buffer.from(join(root, "dir")), Buffer.from([0xfe])]));
    writeFileSync(
      Buffer.concat([Buffer.from(join(root, "dir")), Buffer.from([0xfe]), Buffer.from("/in.xml")]),
      "in",
    );
    const source = createNodeFsSource({ root });
    const listing = await source.list("");
    expect(listing.entries.map((e) => e.path)).toEqual([
      "bytes/a\\\\b.xml",
      "bytes/f\\xff.x",
      "bytes/\u00E9.xml",
      "dir\\xfe/in.xml",
      "fffd/r\uFFFD.xml",
      "text/a\\\\b.xml",
      "text/\u00E9.xml",
    ]);
    expect(listing.issues.map((i) => `${i.path} ${i.code}`)).toEqual([
      "bytes/f\\xff.x NOT_UTF8_NAME",
      "dir\\xfe/in.xml NOT_UTF8_NAME",
    ]);
    const text = new TextDecoder();
    const contents = await Promise.all(
      listing.entries.map(async (e) => text.decode(await source.read(e.path))),
    );
    expect(contents).toEqual(["back", "ff", "e-acute", "in", "replacement", "back", "e-acute"]);
    expect(await paths(source, "dir\\xfe")).toEqual(["dir\\xfe/in.xml"]);
  });

  it("R10: a kept source (folder cache on, every folder settled) lists what a fresh read lists after every step of a change script", async () => {
    const root = tempRoot();
    const rep = join(root, "cypress/cmcReporter");
    mkdirSync(join(rep, "xml"), { recursive: true });
    mkdirSync(join(rep, "mochawesome"), { recursive: true });
    for (let i = 0; i < 20; i++) writeFileSync(join(rep, `xml/test-result-${i}.xml`), `<x${i}/>`);
    // A clock one hour ahead: every folder counts as settled, so the cache is used wherever it may be.
    const kept = createNodeFsSource({ root, now: () => Date.now() + 3_600_000 });
    const steps: [string, () => void][] = [
      ["nothing changed", () => {}],
      ["a file created", () => writeFileSync(join(rep, "xml/test-result-new.xml"), "<new/>")],
      ["a file grown", () => writeFileSync(join(rep, "xml/test-result-3.xml"), "<grown-longer/>")],
      [
        "a file's mtime moved",
        () => utimesSync(join(rep, "xml/test-result-4.xml"), 1_700_000_000, 1_700_000_000),
      ],
      ["a file removed", () => unlinkSync(join(rep, "xml/test-result-5.xml"))],
      [
        "a file renamed",
        () => renameSync(join(rep, "xml/test-result-6.xml"), join(rep, "xml/test-result-66.xml")),
      ],
      [
        "a file moved to another folder",
        () => renameSync(join(rep, "xml/test-result-7.xml"), join(rep, "mochawesome/7.xml")),
      ],
      [
        "a subfolder with files created",
        () => {
          mkdirSync(join(rep, "xml/sub/deeper"), { recursive: true });
          writeFileSync(join(rep, "xml/sub/deeper/a.xml"), "a");
        },
      ],
      ["a file added deep down", () => writeFileSync(join(rep, "xml/sub/deeper/b.xml"), "b")],
      [
        "a file replaced by a folder",
        () => {
          unlinkSync(join(rep, "xml/test-result-8.xml"));
          mkdirSync(join(rep, "xml/test-result-8.xml"));
          writeFileSync(join(rep, "xml/test-result-8.xml/inner.xml"), "inner");
        },
      ],
      [
        "a symlink to a file inside the root added",
        () => symlinkSync(join(rep, "xml/test-result-9.xml"), join(rep, "mochawesome/link.xml")),
      ],
      ["a folder renamed", () => renameSync(join(rep, "xml/sub"), join(rep, "xml/sub2"))],
      ["a folder removed", () => rmSync(join(rep, "xml/sub2"), { recursive: true })],
      [
        "the folder's mtime set back after a create (ctime still moves)",
        () => {
          writeFileSync(join(rep, "xml/test-result-late.xml"), "late");
          utimesSync(join(rep, "xml"), 1_700_000_000, 1_700_000_000);
        },
      ],
      [
        "the whole reporter folder replaced by a new one",
        () => {
          renameSync(rep, `${rep}.old`);
          mkdirSync(join(rep, "xml"), { recursive: true });
          writeFileSync(join(rep, "xml/test-result-0.xml"), "<again/>");
        },
      ],
    ];
    for (const [what, change] of steps) {
      // File system timestamps tick coarsely: let one tick pass so the change gets a new timestamp.
      await sleep(25);
      change();
      const fresh = createNodeFsSource({ root, folderCache: false });
      for (const dir of ["", "cypress/cmcReporter/xml"]) {
        expect({ what, dir, listing: await kept.list(dir) }).toEqual({
          what,
          dir,
          listing: await fresh.list(dir),
        });
      }
    }
  });
});
