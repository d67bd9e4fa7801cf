import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { type JunitParseOptions, parseJunitXml } from "../src/junit.ts";
import { extractJunitFast } from "../src/junit-fast.ts";
import type { ArtifactMeta, HostResultObservation, ParseResult } from "../src/types.ts";

// The JUnit fast path (junit-fast.ts) against the fast-xml-parser reference path, on every fixture
// file, plus the cases it must decline and the reference's quirks it must reproduce exactly.

const REPORTERS = new URL("../../../test/fixtures/reporters/", import.meta.url).pathname;
const OWN = new URL("./fixtures/junit/", import.meta.url).pathname;
const FLEET = [
  "atvm7-ubuntu24.04",
  "atvm17-ubuntu24.04",
  "atvm9-redhat9.7",
  "atvm19-redhat9.7",
  "atvm41-redhat6.0",
  "atvm42-redhat6.10",
  "atvm43-redhat6.2",
  "atvm113-debian9.0.0",
  "atvm13-debian9.0",
];
const HASHED = "cypress/cmcReporter/xml/test-result-5d41402abc4b2a76b9719d911017c592.xml";

/** Every `*.xml` under `dir`, recursively (one fixture's file name holds a `/`). */
function xmlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".xml"))
    .map((f) => join(dir, f));
}

const FIXTURES = [
  ...readdirSync(REPORTERS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => xmlFiles(join(REPORTERS, d.name, "junit"))),
  ...xmlFiles(OWN),
];

function both(text: string, meta: ArtifactMeta, options: JunitParseOptions = {}) {
  return {
    fast: parseJunitXml(text, meta, { ...options, engine: "fast" }),
    reference: parseJunitXml(text, meta, { ...options, engine: "reference" }),
    auto: parseJunitXml(text, meta, { ...options, engine: "auto" }),
  };
}

function declined(result: ParseResult<unknown>): boolean {
  return result.issues.some((i) => i.problem.startsWith("fast path declined:"));
}

function firstCase(result: ParseResult<unknown>) {
  const obs = result.observations[0] as HostResultObservation | undefined;
  return obs?.testcases[0];
}

describe("JUnit fast path: every fixture reads as the reference reads it (differential)", () => {
  it("finds the fixture files", () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(24);
  });

  for (const file of FIXTURES) {
    const name = relative(join(REPORTERS, ".."), file);
    it(`R11 R17 R33 ${name}: fast path = fast-xml-parser, with and without known hosts`, () => {
      const text = readFileSync(file, "utf8");
      for (const meta of [{ path: HASHED, knownHosts: FLEET }, { path: file.split("/").pop() as string }]) {
        const { fast, reference, auto } = both(text, meta);
        expect(declined(fast)).toBe(false);
        expect(fast).toEqual(reference);
        expect(auto).toEqual(reference);
      }
      // A small stack bound cuts both the same way.
      const capped = both(text, { path: HASHED, knownHosts: FLEET }, { maxStackChars: 40 });
      expect(capped.fast).toEqual(capped.reference);
    });
  }
});

describe("JUnit fast path declines what it does not fully read; auto then falls back", () => {
  const cases: readonly [string, string][] = [
    [
      "a default namespace",
      `<testsuites xmlns="urn:junit"><testsuite name="atvm41-redhat6.0"/></testsuites>`,
    ],
    [
      "a prefixed element",
      `<testsuites><testsuite name="atvm41-redhat6.0"><testcase name="1. a"><x:meta xmlns:x="urn:x"/></testcase></testsuite></testsuites>`,
    ],
    [
      "a processing instruction other than the declaration",
      `<?xml version="1.0"?><?xml-stylesheet href="junit.xsl"?><testsuite name="atvm41-redhat6.0"/>`,
    ],
    [
      "text in a testcase (mixed content)",
      `<testsuite name="atvm41-redhat6.0"><testcase name="1. a">stray</testcase></testsuite>`,
    ],
    [
      "an element inside a failure",
      `<testsuite name="atvm41-redhat6.0"><testcase name="1. a"><failure message="m">a <b>bold</b> stack</failure></testcase></testsuite>`,
    ],
    [
      "a comment inside a failure",
      `<testsuite name="atvm41-redhat6.0"><testcase name="1. a"><failure>a<!-- c -->b</failure></testcase></testsuite>`,
    ],
    [
      "a testcase directly under testsuites",
      `<testsuites><testcase name="1. a"/><testsuite name="atvm41-redhat6.0"/></testsuites>`,
    ],
    [
      "a second root element",
      `<testsuite name="atvm41-redhat6.0"><testcase name="1. a"/></testsuite><testsuite name="atvm7-ubuntu24.04"/>`,
    ],
    [
      "CDATA between elements",
      `<testsuite name="atvm41-redhat6.0"><![CDATA[x]]><testcase name="1. a"/></testsuite>`,
    ],
    ["an unquoted attribute", `<testsuite name="atvm41-redhat6.0"><testcase name=a/></testsuite>`],
    [
      "a duplicated attribute it reads",
      `<testsuite name="atvm41-redhat6.0"><testcase name="1. a" name="2. b"/></testsuite>`,
    ],
    [
      "an unknown element",
      `<testsuite name="atvm41-redhat6.0"><testcase name="1. a"><rerunFailure message="m"/></testcase></testsuite>`,
    ],
  ];
  for (const [what, xml] of cases) {
    it(`R11 declines ${what}, and auto gives the reference's result`, () => {
      const { fast, reference, auto } = both(xml, { path: HASHED, knownHosts: FLEET });
      expect(declined(fast)).toBe(true);
      expect(fast.issues.map((i) => i.kind)).toEqual(["malformed"]);
      expect(declined(reference)).toBe(false);
      expect(auto).toEqual(reference);
    });
  }

  it("declines suites nested deeper than the reference reads them (a raised maxDepth)", () => {
    const xml = `<testsuites>${'<testsuite name="s">'.repeat(70)}<testcase name="1. a"/>${"</testsuite>".repeat(70)}</testsuites>`;
    const { fast, reference, auto } = both(xml, { path: HASHED, knownHosts: FLEET }, { maxDepth: 100 });
    expect(declined(fast)).toBe(true);
    expect(auto).toEqual(reference);
    expect(extractJunitFast(xml, 100, 64).declined).toContain("deeper than 64");
  });
});

describe("JUnit fast path reproduces the reference's reading exactly", () => {
  const meta = { path: HASHED, knownHosts: FLEET };

  it("R17 normalizes CRLF and CR line ends in failure bodies and attributes, as fast-xml-parser does", () => {
    const xml = `<testsuite name="atvm41-redhat6.0">\r\n<testcase name="1. a" classname="1. a">\r\n<failure message="first\r\nsecond" type="Error"><![CDATA[line1\r\nline2\rline3]]></failure></testcase></testsuite>`;
    const { fast, reference } = both(xml, meta);
    expect(declined(fast)).toBe(false);
    expect(firstCase(fast)?.failure?.stack).toBe("line1\nline2\nline3");
    expect(firstCase(fast)?.failure?.message).toBe("first\nsecond");
    expect(fast).toEqual(reference);
  });

  it("R17 trims attribute values before decoding entities (a decoded &#32; stays)", () => {
    const xml = `<testsuite name="atvm41-redhat6.0"><testcase name="  e2e 3. Install CMC " classname="  3. Install CMC  " time=" 1.250 "><failure message=" &#32;boom " type=" Error "/></testcase></testsuite>`;
    const { fast, reference } = both(xml, meta);
    const tc = firstCase(fast);
    expect([tc?.step, tc?.title, tc?.durationMs]).toEqual([3, "Install CMC", 1250]);
    expect([tc?.failure?.message, tc?.failure?.type]).toEqual([" boom", "Error"]);
    expect(fast).toEqual(reference);
  });

  it("R11 drops an attribute-less, element-less <testsuite> as the reference does", () => {
    const { fast, reference } = both(`<testsuites><testsuite/><testsuite></testsuite></testsuites>`, meta);
    expect(declined(fast)).toBe(false);
    expect(fast.issues.map((i) => i.problem)).toEqual([
      expect.stringContaining("(the XML has no testsuite)"),
    ]);
    expect(fast).toEqual(reference);
  });

  it("R17 takes a testcase's first <failure> over an earlier <error>", () => {
    const xml = `<testsuite name="atvm41-redhat6.0"><testcase name="1. a"><error message="err"/><failure message="fail one"/><failure message="fail two"/></testcase></testsuite>`;
    const { fast, reference } = both(xml, meta);
    expect(firstCase(fast)?.failure?.message).toBe("fail one");
    expect(fast).toEqual(reference);
  });

  it("skips <system-out>, <system-err> and <properties> content unread, whatever it holds", () => {
    const xml = `<testsuites><properties><property name="host" value="atvm7-ubuntu24.04"/></properties><testsuite name="atvm41-redhat6.0"><system-out><![CDATA[<testcase name="2. fake"/>]]> &lt;x&gt;</system-out><testcase name="1. a"><system-err><__proto__/><failure message="not this"/></system-err></testcase></testsuite></testsuites>`;
    const { fast, reference } = both(xml, meta);
    expect(declined(fast)).toBe(false);
    const obs = fast.observations[0] as HostResultObservation;
    expect(obs.testcases.map((t) => [t.step, t.state])).toEqual([[1, "passed"]]);
    expect(fast).toEqual(reference);
  });

  it("keeps a DOCTYPE-looking CDATA body as failure text without declining", () => {
    const xml = `<testsuite name="atvm41-redhat6.0"><testcase name="1. a"><failure message="cy.request() failed"><![CDATA[Body: <!DOCTYPE html><!ENTITY x "y">]]></failure></testcase></testsuite>`;
    const { fast, reference } = both(xml, meta);
    expect(declined(fast)).toBe(false);
    expect(firstCase(fast)?.failure?.stack).toBe('Body: <!DOCTYPE html><!ENTITY x "y">');
    expect(fast).toEqual(reference);
  });

  it("reads __proto__/constructor attributes without touching any prototype", () => {
    const xml = `<testsuites __proto__="x"><testsuite name="atvm41-redhat6.0" __proto__="p" constructor="c"><testcase name="1. a" classname="1. a" __proto__="q"><failure message="m" constructor="z"/></testcase></testsuite></testsuites>`;
    const { fast, reference } = both(xml, meta);
    expect(declined(fast)).toBe(false);
    expect(fast).toEqual(reference);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("q");
  });
});

describe("JUnit pre-scan verdicts are the same on every engine", () => {
  it("an XML declaration with nothing after it is a half-written file: incomplete", () => {
    for (const engine of ["fast", "reference", "auto"] as const) {
      const result = parseJunitXml('<?xml version="1.0" encoding="UTF-8"?>\n', { path: HASHED }, { engine });
      expect(result.issues.map((i) => i.kind)).toEqual(["incomplete"]);
    }
  });

  it("DOCTYPE, depth, truncation and tag mismatch come back as the same issues", () => {
    const inputs = [
      `<!DOCTYPE t [<!ENTITY a "b">]><testsuites/>`,
      `${"<testsuite>".repeat(100)}${"</testsuite>".repeat(100)}`,
      `<testsuites><testsuite name="atvm41-redhat6.0"><testcase name="1. a">`,
      `<testsuites><testsuite></testcase></testsuites>`,
      `<html/>`,
    ];
    for (const xml of inputs) {
      const { fast, reference, auto } = both(xml, { path: HASHED });
      expect(fast.issues).toHaveLength(1);
      expect(fast).toEqual(reference);
      expect(auto).toEqual(reference);
    }
  });
});
