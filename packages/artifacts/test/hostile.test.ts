import { afterEach, describe, expect, it } from "vitest";
import { parseJunitXml } from "../src/junit.ts";
import { parseReporterJson } from "../src/reporter-json.ts";
import type { ParseIssueKind, ParseResult } from "../src/types.ts";

// The hostile set (docs/safety.md "Hostile XML"), generated in memory. Each input must come back as
// issues — never a throw, never a hang. The wall-clock bound is a loose safety net only.
const META = { path: "cypress/cmcReporter/xml/test-result-hostile.xml", knownHosts: ["atvm41-redhat6.0"] };
const LOOSE_MS = 2000;

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

function kinds(result: ParseResult<unknown>): ParseIssueKind[] {
  return result.issues.map((i) => i.kind);
}

function expectUntouchedPrototype(): void {
  const probe: Record<string, unknown> = {};
  expect(probe.polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("name");
  expect(({} as { constructor: unknown }).constructor).toBe(Object);
}

afterEach(() => {
  expectUntouchedPrototype();
});

const HOSTILE_XML: readonly [string, () => string, ParseIssueKind][] = [
  [
    "billion laughs (nested entity declarations)",
    () => {
      const levels = ['<!ENTITY lol "lol">'];
      for (let i = 1; i <= 9; i++)
        levels.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`);
      return `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${levels.join("\n")}\n]>\n<testsuites><testsuite name="&lol9;"/></testsuites>`;
    },
    "hostile",
  ],
  [
    "10^6 references to a declared entity",
    () =>
      `<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">]><testsuites><testsuite name="${"&a;".repeat(1_000_000)}"/></testsuites>`,
    "hostile",
  ],
  [
    "an external entity (XXE)",
    () =>
      `<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><testsuites><testsuite name="&x;"/></testsuites>`,
    "hostile",
  ],
  ["nesting depth 10^4", () => `${"<testsuite>".repeat(10_000)}${"</testsuite>".repeat(10_000)}`, "too-deep"],
  ["a 50 MB file", () => `<testsuites>${" ".repeat(50 * 1024 * 1024)}</testsuites>`, "too-large"],
  [
    "binary garbage",
    () => {
      let seed = 7;
      let out = "";
      for (let i = 0; i < 65_536; i++) {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        out += String.fromCharCode(seed % 256);
      }
      return out;
    },
    "binary",
  ],
  ["an empty file", () => "", "empty"],
  [
    "UTF-16 (BE) with a BOM and non-ASCII content read as UTF-8",
    () => "\uFFFD\uFFFD\u0000<\u0000t\u0000e\uFFFD\uFFFD\u0000>",
    "binary",
  ],
  [
    "truncated mid-element",
    () =>
      `<?xml version="1.0"?><testsuites><testsuite name="Root Suite" file="a.cy.ts"><testcase name="1. a" classn`,
    "incomplete",
  ],
  [
    "truncated mid-CDATA",
    () =>
      `<testsuites><testsuite name="s"><testcase name="1. a"><failure message="m"><![CDATA[AssertionError: expected\n    at`,
    "incomplete",
  ],
  [
    "truncated after an opening tag (fast-xml-parser alone accepts this)",
    () =>
      `<testsuites><testsuite name="s" file="cypress/e2e/generated/atvm41-redhat6.0.cy.ts"><testcase name="1. a">`,
    "incomplete",
  ],
  [
    "a __proto__ element",
    () => `<testsuites><__proto__><polluted>yes</polluted></__proto__><testsuite name="s"/></testsuites>`,
    "hostile",
  ],
  [
    "a constructor element",
    () => `<testsuites><constructor><name>x</name></constructor></testsuites>`,
    "hostile",
  ],
  [
    "a prototype element",
    () => `<testsuites><prototype><polluted>1</polluted></prototype></testsuites>`,
    "hostile",
  ],
];

describe("hostile XML (docs/safety.md, Hostile XML)", () => {
  for (const [name, build, kind] of HOSTILE_XML) {
    it(`returns a ${kind} issue for ${name}`, () => {
      const text = build();
      const { value, ms } = timed(() => parseJunitXml(text, META));
      expect(kinds(value)).toEqual([kind]);
      expect(value.observations).toEqual([]);
      expect(ms).toBeLessThan(LOOSE_MS);
    });
  }

  it("10^6 undeclared entity references are left as text, in linear time", () => {
    const text = `<testsuites><testsuite name="atvm41-redhat6.0 ${"&lt;".repeat(1_000_000)}"><testcase name="1. a" classname="1. a"/></testsuite></testsuites>`;
    const { value, ms } = timed(() => parseJunitXml(text, META));
    expect(value.issues).toEqual([]);
    expect(value.observations).toHaveLength(1);
    expect(ms).toBeLessThan(LOOSE_MS);
  });

  it("__proto__, constructor and prototype attributes never reach an object's prototype", () => {
    const text = `<testsuites __proto__="x"><testsuite name="atvm41-redhat6.0" __proto__="polluted" constructor="c" prototype="p" hasOwnProperty="h">
      <testcase name="1. a" classname="1. a" __proto__="polluted" constructor="x"><failure message="m" __proto__="y" constructor="z"/></testcase>
    </testsuite></testsuites>`;
    const result = parseJunitXml(text, META);
    expect(result.issues).toEqual([]);
    const obs = result.observations[0];
    expect(obs?.kind === "host-result" && obs.testcases.map((t) => [t.step, t.state])).toEqual([
      [1, "failed"],
    ]);
  });

  it("UTF-16 LE with a BOM and ASCII content is decoded and parsed", () => {
    const xml = `<?xml version="1.0" encoding="UTF-16"?><testsuite name="atvm41-redhat6.0"><testcase name="1. a" classname="1. a"/></testsuite>`;
    // The bytes FF FE 3C 00 3F 00 … as a UTF-8 decoder hands them over.
    const asUtf8 = `\uFFFD\uFFFD${[...xml].map((c) => `${c}\u0000`).join("")}`;
    const result = parseJunitXml(asUtf8, META);
    expect(result.issues).toEqual([]);
    expect(result.observations[0]?.kind === "host-result" && result.observations[0].host).toBe(
      "atvm41-redhat6.0",
    );
  });
});

describe("hostile reporter JSON", () => {
  const JSON_META = {
    path: "cypress/cmcReporter/logs/atvm41-redhat6.0/m.json",
    knownHosts: ["atvm41-redhat6.0"],
  };

  it("refuses 50 MB, binary, empty and UTF-16 input by kind", () => {
    expect(kinds(parseReporterJson(`{"a":"${"x".repeat(50 * 1024 * 1024)}"}`, JSON_META))).toEqual([
      "too-large",
    ]);
    expect(kinds(parseReporterJson("\u0000\u0001\u0002{}", JSON_META))).toEqual(["binary"]);
    expect(kinds(parseReporterJson("   ", JSON_META))).toEqual(["empty"]);
    expect(kinds(parseReporterJson("\uFFFD\uFFFD{\u0000\uFFFD", JSON_META))).toEqual(["binary"]);
  });

  it("keeps __proto__ keys out of prototypes and bounds deep suite nesting", () => {
    // 10^4 nested suites, built as text (JSON.stringify itself would overflow the stack).
    const inner = '{"title": "deep", "tests": [{"title": "1. a", "state": "passed"}], "suites": []}';
    const deep = `${'{"title": "s", "tests": [], "suites": ['.repeat(10_000)}${inner}${"]}".repeat(10_000)}`;
    const text = `{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "stats": {"__proto__": {"polluted": 1}}, "results": [${deep}]}`;
    const { value, ms } = timed(() => parseReporterJson(text, JSON_META));
    expect(kinds(value)).toEqual(["too-deep"]);
    expect(value.observations[0]?.host).toBe("atvm41-redhat6.0");
    expect(ms).toBeLessThan(LOOSE_MS);
  });

  it("returns truncated JSON as incomplete", () => {
    expect(kinds(parseReporterJson('{"stats": {"tests": 1}, "results": [{"title": "', JSON_META))).toEqual([
      "incomplete",
    ]);
  });
});

describe("the last-resort catch (a parser bug is an internal issue, not a known one)", () => {
  /** A meta whose `knownHosts` throws when read: an exception from inside the parser, after the input guards. */
  function throwingMeta(path: string): { path: string; knownHosts: string[] } {
    return Object.defineProperty({ path } as { path: string; knownHosts: string[] }, "knownHosts", {
      get(): never {
        throw new Error("planted");
      },
    });
  }

  it("parseJunitXml turns an unexpected exception into one internal issue naming it", () => {
    const xml = `<testsuites><testsuite name="s"><testcase name="1. a" classname="1. a"/></testsuite></testsuites>`;
    const result = parseJunitXml(xml, throwingMeta("r/x.xml"));
    expect(result.observations).toEqual([]);
    expect(result.issues).toEqual([
      { file: "r/x.xml", kind: "internal", problem: "JUnit parser bug (please report): planted" },
    ]);
  });

  it("parseReporterJson turns an unexpected exception into one internal issue naming it", () => {
    const json =
      '{"stats":{},"results":[{"title":"","tests":[{"title":"1. a","state":"passed"}],"suites":[]}]}';
    const result = parseReporterJson(json, throwingMeta("r/m.json"));
    expect(result.observations).toEqual([]);
    expect(result.issues).toEqual([
      { file: "r/m.json", kind: "internal", problem: "reporter JSON parser bug (please report): planted" },
    ]);
  });
});
