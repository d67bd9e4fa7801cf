import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { parseJunitXml } from "../src/junit.ts";
import { parseReporterJson } from "../src/reporter-json.ts";
import type { ParseResult } from "../src/types.ts";
import { PARSE_ISSUE_KINDS } from "../src/types.ts";

const META = {
  path: "cypress/cmcReporter/xml/test-result-prop.xml",
  knownHosts: ["atvm41-redhat6.0", "atvm7-ubuntu24.04"],
};
const KINDS = new Set<string>(PARSE_ISSUE_KINDS);

/**
 * A parser's answer is well-formed: lists of observations and issues with known kinds, and a clean
 * prototype. No issue is `internal`: that kind is the parsers' last-resort catch of an unexpected
 * exception (a bug), so an input that reaches it fails here instead of passing as a known issue.
 */
function wellFormed(result: ParseResult<unknown>): void {
  expect(Array.isArray(result.observations)).toBe(true);
  for (const i of result.issues) expect(KINDS.has(i.kind)).toBe(true);
  expect(result.issues.filter((i) => i.kind === "internal")).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** XML-ish text from JUnit fragments, including broken, hostile and truncated ones. */
const xmlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<?xml version="1.0"?>',
        "<testsuites>",
        "</testsuites>",
        '<testsuite name="Root Suite" file="cypress/e2e/generated/atvm41-redhat6.0.cy.ts" timestamp="2026-03-27T10:00:00" time="1.5" tests="3">',
        '<testsuite name="atvm7-ubuntu24.04 e2e" tests="x">',
        "</testsuite>",
        '<testcase name="e2e 1. Login" classname="1. Login" time="0.5">',
        '<testcase name="&quot;before all&quot; hook for &quot;2. Install&quot;" classname="x"/>',
        "</testcase>",
        '<failure message="Timed out retrying &lt;x&gt;" type="AssertionError">',
        "</failure>",
        "<error/>",
        "<skipped/>",
        "<![CDATA[stack ]]>",
        "<![CDATA[",
        "]]>",
        "<system-out>",
        "</system-out>",
        '<!DOCTYPE x [<!ENTITY a "b">]>',
        "<__proto__>",
        "</__proto__>",
        '<testcase __proto__="p" constructor="c"/>',
        "&amp;&#1114112;&#xD800;&unknown;",
        "<",
        ">",
        "\u001b[31m",
        "\u0000",
        "\uFEFF",
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

/** An attribute value: fleet names, timestamps, numbers, entities, or any short string (escaped). */
const attrValue = fc.oneof(
  fc.constantFrom(
    "atvm41-redhat6.0",
    "cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts",
    "cypress/e2e/check-xml-files.ts",
    "1. Login",
    '"before all" hook for "2. Install"',
    "2026-03-27T10:00:00",
    "99999-01-01T00:00:00",
    "1.5",
    "-3",
    "x",
    "",
    "&amp;&lt;&#233;",
  ),
  fc
    .string({ maxLength: 10 })
    .map((v) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;")),
);
const attrs = (names: readonly string[]) =>
  fc
    .subarray([...names])
    .chain((keys) => fc.tuple(...keys.map((k) => attrValue.map((v) => ` ${k}="${v}"`))))
    .map((parts) => parts.join(""));
const testcaseXml = fc
  .tuple(
    attrs(["name", "classname", "time", "status"]),
    fc.constantFrom("", "<skipped/>", '<failure message="m" type="E">stack</failure>', "<error/>"),
  )
  .map(([a, body]) => (body === "" ? `<testcase${a}/>` : `<testcase${a}>${body}</testcase>`));
const suiteXml: fc.Arbitrary<string> = fc.letrec<{ suite: string }>((tie) => ({
  suite: fc
    .tuple(
      attrs(["name", "file", "timestamp", "time", "tests", "failures", "skipped"]),
      fc.array(testcaseXml, { maxLength: 4 }),
      fc.oneof({ depthSize: "small" }, fc.constant([] as string[]), fc.array(tie("suite"), { maxLength: 2 })),
    )
    .map(([a, cases, nested]) => `<testsuite${a}>${cases.join("")}${nested.join("")}</testsuite>`),
})).suite;
/** Well-formed JUnit documents (so the parse reaches the mapping, not just the scanner). */
const junitDocument = fc
  .tuple(
    fc.constantFrom(
      "",
      '<?xml version="1.0" encoding="UTF-8"?>\n',
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
    ),
    fc.array(suiteXml, { minLength: 1, maxLength: 3 }),
    fc.boolean(),
  )
  .map(([decl, suites, wrap]) =>
    wrap || suites.length > 1 ? `${decl}<testsuites>${suites.join("")}</testsuites>` : `${decl}${suites[0]}`,
  );

/** JSON-ish text from reporter fragments. */
const jsonish = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .array(
      fc.constantFrom(
        '{"stats":{"start":"2026-03-27T10:00:00Z"},"results":[',
        '{"title":"","file":"cypress/e2e/generated/atvm41-redhat6.0.cy.ts","tests":[',
        '{"title":"1. a","state":"failed","err":{"message":"x"}}',
        '{"title":"\\"before all\\" hook for \\"1. a\\"","state":"failed"}',
        "],",
        '"suites":[',
        "]}",
        ",",
        '["start",{"total":2}]\n',
        '["pass",{"title":"1. a","file":"atvm7-ubuntu24.04.cy.js"}]\n',
        '["fail",{"title":"2. b","err":"Timeout of 2000ms exceeded"}]\n',
        '["end",{"start":"2026-03-27T10:00:00Z"}]\n',
        '{"stats":{},"tests":[],"failures":[{"title":1}],"passes":null}',
        '{"__proto__":{"polluted":true}}',
      ),
      { maxLength: 20 },
    )
    .map((parts) => parts.join("")),
);

describe("parsers never throw (properties)", () => {
  test.prop([fc.string({ unit: "binary", maxLength: 400 })])(
    "parseJunitXml returns issues for any string",
    (text) => {
      wellFormed(parseJunitXml(text, META));
    },
  );

  test.prop([xmlish])(
    "parseJunitXml returns issues for XML-ish strings built from JUnit fragments",
    (text) => {
      const result = parseJunitXml(text, META);
      wellFormed(result);
      // A result never comes without its reasons: no observation at all means at least one issue, or an empty document.
      if (result.observations.length === 0) expect(result.issues.length).toBeGreaterThan(0);
    },
  );

  test.prop([junitDocument, fc.constantFrom("auto", "reference" as const)])(
    "parseJunitXml reads well-formed JUnit of any shape without reaching the last-resort catch",
    (text, engine) => {
      const result = parseJunitXml(text, META, { engine });
      wellFormed(result);
      expect(result.observations.length + result.issues.length).toBeGreaterThan(0);
    },
  );

  test.prop([xmlish, fc.nat()])(
    "a clean prefix of a document never reads as more testcases than the whole",
    (text, cut) => {
      const whole = parseJunitXml(text, META);
      const part = parseJunitXml(text.slice(0, cut % (text.length + 1)), META);
      wellFormed(part);
      if (whole.issues.length === 0 && part.issues.length === 0) {
        const count = (r: typeof whole) =>
          r.observations.reduce((n, o) => n + (o.kind === "host-result" ? o.testcases.length : 0), 0);
        expect(count(part)).toBeLessThanOrEqual(count(whole));
      }
    },
  );

  test.prop([fc.string({ unit: "binary", maxLength: 400 })])(
    "parseReporterJson returns issues for any string",
    (text) => {
      wellFormed(parseReporterJson(text, META));
    },
  );

  test.prop([jsonish])("parseReporterJson returns issues for JSON-ish reporter fragments", (text) => {
    wellFormed(parseReporterJson(text, META));
  });
});
