import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { type JunitEngine, type JunitParseOptions, parseJunitXml } from "../src/junit.ts";
import type { ArtifactMeta } from "../src/types.ts";

// Differential properties: the fast path (junit-fast.ts) against the fast-xml-parser reference path.
// Documents are generated in the shape mocha-junit-reporter 2.x and generic JUnit writers produce
// (mocha-junit-reporter 2.x, https://github.com/michaelleeallen/mocha-junit-reporter), with the variations a real file can carry: escaped `& < > " '`, `]]>` split
// across CDATA sections, non-ASCII text and numeric references, 3/4-decimal times, attributes in
// any order or missing, quotes of either kind, random whitespace and line ends, outputs and
// properties, empty suites. engine "fast" reports a `fast path declined` issue instead of falling
// back, so deep equality with engine "reference" also proves the fast path did the work.

const FLEET = ["atvm41-redhat6.0", "atvm7-ubuntu24.04", "atvm17-ubuntu24.04", "atvm113-debian9.0.0"];

/** A piece of a title or message; several hold characters that must be escaped. */
const piece = fc.constantFrom(
  "a",
  "Install CMC",
  " ",
  "  ",
  "1",
  ".",
  "-",
  "&",
  "<",
  ">",
  '"',
  "'",
  "]]>",
  "]]",
  "&amp;",
  "é",
  "ünïcødé",
  "🚀",
  "中文",
  "\t",
  "\n",
  "\u001b[31m",
  "\u001b[0m",
  "atvm41-redhat6.0",
  "atvm7-ubuntu24.04",
  "Timed out retrying after 4000ms",
  "before each",
  "check-xml-files",
);

/** A text as pieces, each with an escaping style (named entity, decimal or hex reference, raw where allowed). */
type Styled = readonly (readonly [string, number])[];
const styled = (maxLength: number): fc.Arbitrary<Styled> =>
  fc.array(fc.tuple(piece, fc.nat(3)), { maxLength });

function escapeChar(ch: string, style: number, quote: string | null): string {
  const cp = ch.codePointAt(0) as number;
  const dec = `&#${cp};`;
  const hex = `&#x${cp.toString(16).toUpperCase()};`;
  switch (ch) {
    case "&":
      return ["&amp;", dec, hex, "&amp;"][style] as string;
    case "<":
      return ["&lt;", dec, hex, "&lt;"][style] as string;
    case ">":
      // Raw `>` only in attributes: `]]>` must not appear in text content.
      return quote !== null && style === 0 ? ">" : (["&gt;", "&gt;", dec, hex][style] as string);
    case '"':
      return quote === '"' || style > 1 ? (["&quot;", dec, "&quot;", hex][style] as string) : ch;
    case "'":
      return quote === "'" || style > 1 ? (["&apos;", dec, "&apos;", hex][style] as string) : ch;
    case "\n":
      return quote !== null && style === 3 ? "&#10;" : ch;
    default:
      if (cp > 127 && style === 3) return cp % 2 === 0 ? dec : hex;
      return ch;
  }
}

function encode(text: Styled, quote: string | null): string {
  let out = "";
  for (const [p, style] of text) for (const ch of p) out += escapeChar(ch, style, quote);
  return out;
}

const ws = fc.constantFrom(" ", "  ", "\n", "\n    ", "\t", "\r\n  ", " \n ");
const gap = fc.constantFrom("", "", "\n", "\n  ", "\n    ", "  ", "\r\n", "\n\n");
const aroundEq = fc.constantFrom("", "", "", " ", "\n");

/** One attribute: `<ws>name<sp>=<sp>"value"` with either quote. */
interface Attr {
  readonly key: string;
  readonly value: Styled;
  readonly quote: '"' | "'";
  readonly lead: string;
  readonly eq: string;
}

function attrArb(key: string, value: fc.Arbitrary<Styled>): fc.Arbitrary<Attr> {
  return fc.record({
    key: fc.constant(key),
    value,
    quote: fc.constantFrom<'"' | "'">('"', '"', "'"),
    lead: ws,
    eq: aroundEq,
  });
}

function renderAttrs(attrs: readonly Attr[]): string {
  return attrs
    .map((a) => `${a.lead}${a.key}${a.eq}=${a.eq}${a.quote}${encode(a.value, a.quote)}${a.quote}`)
    .join("");
}

/** Optional attributes, present or not, in random order. */
function attrsArb(spec: Readonly<Record<string, fc.Arbitrary<Styled>>>): fc.Arbitrary<readonly Attr[]> {
  const each = Object.entries(spec).map(([k, v]) => fc.option(attrArb(k, v), { nil: undefined, freq: 4 }));
  return fc
    .tuple(fc.tuple(...each), fc.array(fc.nat(), { minLength: each.length, maxLength: each.length }))
    .map(([list, order]) =>
      list
        .map((a, i) => [a, order[i] as number] as const)
        .filter((x): x is readonly [Attr, number] => x[0] !== undefined)
        .sort((x, y) => x[1] - y[1])
        .map((x) => x[0]),
    );
}

const plain = (values: fc.Arbitrary<string>): fc.Arbitrary<Styled> => values.map((v) => [[v, 0]] as const);
const seconds = fc
  .tuple(fc.nat(400_000), fc.constantFrom(3, 4), fc.constantFrom("", "", " "))
  .map(([ms, digits, pad]) => `${pad}${(ms / 1000).toFixed(digits)}${pad}`);
const timestamp = fc
  .tuple(fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }), fc.constantFrom("", "", "Z"))
  .map(([ms, z]) => `${new Date(ms).toISOString().slice(0, 19)}${z}`);
const stepTitle = fc
  .tuple(
    fc.option(fc.integer({ min: 1, max: 22 }), { nil: undefined }),
    styled(5),
    fc.constantFrom("", "", "", "before all", "before each", "after each"),
  )
  .map(([n, rest, hook]): Styled => {
    const own: Styled = n === undefined ? rest : [[`${n}. `, 0], ...rest];
    return hook === "" ? own : [['"', 0], [hook, 0], ['" hook for "', 0], ...own, ['"', 0]];
  });
const fullTitle = fc.tuple(styled(4), stepTitle).map(([suite, own]): Styled => [...suite, [" ", 0], ...own]);

const extra = {
  failures: plain(fc.nat(5).map(String)),
  skipped: plain(fc.nat(5).map(String)),
  hostname: styled(2),
  id: plain(fc.nat(9).map(String)),
};

const suiteAttrs = attrsArb({
  name: fc.oneof(plain(fc.constantFrom("Root Suite", "Mocha Tests")), styled(6)),
  timestamp: plain(timestamp),
  tests: plain(fc.oneof(fc.nat(30).map(String), fc.constantFrom("x", " 3 ", ""))),
  file: plain(
    fc.constantFrom(
      ...FLEET.map((h) => `cypress/e2e/generated/${h}.cy.ts`),
      "cypress/e2e/check-xml-files.ts",
    ),
  ),
  time: plain(seconds),
  ...extra,
});
const caseAttrs = attrsArb({ name: fullTitle, classname: stepTitle, time: plain(seconds), id: extra.id });
const failureAttrs = attrsArb({
  message: styled(8),
  type: plain(fc.constantFrom("AssertionError", "CypressError", "Error", "")),
});

/** A failure body: escaped text and CDATA sections (a `]]>` inside split across two sections). */
const body = fc
  .array(
    fc.oneof(
      styled(6).map((t) => encode(t, null)),
      fc
        .array(piece, { maxLength: 8 })
        .map((p) => `<![CDATA[${p.join("").replaceAll("]]>", "]]]]><![CDATA[>")}]]>`),
    ),
    { maxLength: 3 },
  )
  .map((parts) => parts.join(""));

const failureArb = fc
  .tuple(fc.constantFrom("failure", "error"), failureAttrs, body, fc.boolean(), gap)
  .map(([tag, attrs, content, selfClose, end]) =>
    selfClose && content === ""
      ? `<${tag}${renderAttrs(attrs)}${end === "" ? "" : " "}/>`
      : `<${tag}${renderAttrs(attrs)}>${content}</${tag}>`,
  );

/** `<system-out>`, `<system-err>` and `<properties>`: content the fast path skips unread. */
const output = fc.oneof(
  body.map((b) => `<system-out>${b}</system-out>`),
  body.map((b) => `<system-err>${b}</system-err>`),
  fc
    .array(fc.tuple(styled(2), styled(3)), { maxLength: 3 })
    .map(
      (ps) =>
        `<properties>${ps.map(([k, v]) => `<property name="${encode(k, '"')}" value="${encode(v, '"')}"/>`).join("\n")}</properties>`,
    ),
  fc.constant("<system-out/>"),
  fc.constant("<!-- a comment -->"),
);

const skipped = fc.constantFrom(
  "<skipped/>",
  "<skipped />",
  "<skipped></skipped>",
  '<skipped message="pending"/>',
);

const testcase = fc
  .tuple(
    caseAttrs,
    fc.array(fc.oneof({ weight: 3, arbitrary: failureArb }, skipped, output), { maxLength: 3 }),
    gap,
    fc.boolean(),
  )
  .map(([attrs, kids, g, selfClose]) =>
    kids.length === 0 && selfClose
      ? `<testcase${renderAttrs(attrs)}/>`
      : `<testcase${renderAttrs(attrs)}>${kids.map((k) => `${g}${k}`).join("")}${g}</testcase>`,
  );

function suiteArb(depth: number): fc.Arbitrary<string> {
  const item =
    depth === 0
      ? fc.oneof({ weight: 6, arbitrary: testcase }, output)
      : fc.oneof({ weight: 6, arbitrary: testcase }, output, suiteArb(depth - 1));
  // Now and then a bare suite: fast-xml-parser makes an attribute-less, element-less one `""` and the reference drops it.
  const attrs = fc.oneof({ weight: 6, arbitrary: suiteAttrs }, fc.constant([]));
  return fc
    .tuple(attrs, fc.array(item, { maxLength: 5 }), gap, fc.boolean())
    .map(([attrs, items, g, selfClose]) =>
      items.length === 0 && selfClose
        ? `<testsuite${renderAttrs(attrs)}/>`
        : `<testsuite${renderAttrs(attrs)}>${items.map((i) => `${g}  ${i}`).join("")}${g}</testsuite>`,
    );
}

/** A whole document: optional declaration, `<testsuites>` (Root Suite + suites) or a lone `<testsuite>`. */
const junitDoc = fc
  .tuple(
    fc.constantFrom('<?xml version="1.0" encoding="UTF-8"?>\n', "", "<?xml version='1.0'?>"),
    fc.boolean(),
    attrsArb({ name: styled(3), time: plain(seconds), tests: plain(fc.nat(40).map(String)), ...extra }),
    fc.array(suiteArb(1), { minLength: 0, maxLength: 4 }),
    gap,
    fc.constantFrom("", "\n", "\n\n", "<!-- end -->\n"),
    fc.boolean(),
  )
  .map(([decl, lone, rootAttrs, suites, g, tail, crlf]) => {
    const lines = (text: string) => (crlf ? text.replace(/\r?\n/g, "\r\n") : text);
    const head = lines(
      lone && suites.length > 0
        ? `${decl}${suites[0]}`
        : `${decl}<testsuites${renderAttrs(rootAttrs)}>${suites.map((s) => `${g}${s}`).join("")}${g}</testsuites>`,
    );
    // `rootEnd`: where the root element's closing tag ends; a cut before it leaves the document truncated.
    return { doc: head + lines(tail), rootEnd: head.length };
  });

const metaArb: fc.Arbitrary<ArtifactMeta> = fc.record(
  {
    path: fc.constantFrom(
      "cypress/cmcReporter/xml/test-result-5d41402abc4b2a76b9719d911017c592.xml",
      "xml/test-result-atvm41-redhat6.0.xml",
    ),
    knownHosts: fc.constant(FLEET),
    mtimeMs: fc.constant(1_800_000_000_000),
  },
  { requiredKeys: ["path"] },
);
const maxStackArb = fc.constantFrom<number | undefined>(undefined, undefined, 12, 200);

function withEngine(engine: JunitEngine, maxStackChars: number | undefined): JunitParseOptions {
  return maxStackChars === undefined ? { engine } : { engine, maxStackChars };
}

describe("JUnit fast path vs fast-xml-parser reference (differential)", () => {
  test.prop([junitDoc, metaArb, maxStackArb], { numRuns: 400 })(
    "R11 R17 R33 a generated mocha-junit-reporter-shaped document reads the same through both engines",
    ({ doc }, meta, maxStack) => {
      const fast = parseJunitXml(doc, meta, withEngine("fast", maxStack));
      const reference = parseJunitXml(doc, meta, withEngine("reference", maxStack));
      expect(fast).toEqual(reference);
      expect(parseJunitXml(doc, meta, withEngine("auto", maxStack))).toEqual(reference);
      // Generated documents are JUnit: neither engine calls them malformed.
      expect(reference.issues.map((i) => i.kind)).not.toContain("malformed");
      // Nor does either engine reach the last-resort catch (`internal`: a parser bug).
      expect([...fast.issues, ...reference.issues].map((i) => i.kind)).not.toContain("internal");
    },
  );

  test.prop([junitDoc, fc.nat(), metaArb], { numRuns: 300 })(
    "a document cut anywhere before its root closes is incomplete (or empty) on both engines, never a throw",
    ({ doc, rootEnd }, at, meta) => {
      const cut = at % (doc.length + 1);
      const text = doc.slice(0, cut);
      const whole = parseJunitXml(doc, meta, { engine: "reference" });
      for (const engine of ["fast", "reference", "auto"] as const) {
        const result = parseJunitXml(text, meta, { engine });
        const kinds = result.issues.map((i) => i.kind);
        if (cut < rootEnd) {
          expect(result.observations).toEqual([]);
          expect(kinds.length === 1 && (kinds[0] === "incomplete" || kinds[0] === "empty")).toBe(true);
        } else if (cut < doc.length && kinds.includes("incomplete")) {
          // Cut inside a trailing comment: still a half-written file.
          expect([kinds, result.observations]).toEqual([["incomplete"], []]);
        } else {
          expect(result).toEqual(whole);
        }
      }
    },
  );
});

/** Fragment soup: well-formed and broken JUnit pieces plus the things the fast path must decline. */
const soup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<?xml version="1.0"?>',
        "<?xml-stylesheet href='x.xsl'?>",
        "<testsuites>",
        "</testsuites>",
        '<testsuite name="Root Suite" file="cypress/e2e/generated/atvm41-redhat6.0.cy.ts" timestamp="2026-03-27T10:00:00" time="1.5" tests="3">',
        '<testsuite name="atvm7-ubuntu24.04 e2e" tests="2" name="dup">',
        "<testsuite>",
        "<testsuite/>",
        "</testsuite>",
        '<testcase name="e2e 1. Login" classname="1. Login" time="0.5">',
        '<testcase name=unquoted classname="2. b">',
        "<testcase>",
        "</testcase>",
        '<failure message="Timed out retrying &lt;x&gt;" type="AssertionError">',
        "</failure>",
        "<error/>",
        "<skipped/>",
        "<skipped>",
        "</skipped>",
        "<![CDATA[stack ]]>",
        "<system-out>",
        "</system-out>",
        "<properties>",
        '<property name="a" value="b"/>',
        "</properties>",
        "<!-- c -->",
        '<x:testsuite xmlns:x="urn:x">',
        "</x:testsuite>",
        '<testsuites xmlns="urn:junit">',
        "<b>",
        "</b>",
        "<__proto__/>",
        "&amp;&#233;&#1114112;&unknown;",
        "text",
        "\r\n",
        "\n  ",
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(""));

/** Balanced fragments that keep a document well-formed but put it outside (or at the edge of) what the fast path reads. */
const insert = fc.constantFrom(
  "<b/>",
  "<b>x</b>",
  '<x:meta xmlns:x="urn:x"/>',
  "stray text",
  "&amp;",
  "<![CDATA[cdata]]>",
  "<?pi data?>",
  "<!-- comment -->",
  '<testcase name="1. z" classname="1. z"/>',
  "<skipped/>",
  '<failure message="m">body</failure>',
  "<error/>",
  "<system-out><system-out/></system-out>",
  '<properties><property name="p" value="v"/></properties>',
  "<__proto__/>",
  "<constructor/>",
  "<testsuite/>",
  '<testsuite name="atvm41-redhat6.0"/>',
  "<testsuites/>",
  '<testsuite name="a" name="b"/>',
  "<testcase name=x/>",
  '<testcase name="a"time="1"/>',
  "<testcase\u00a0name='nbsp'/>",
  '<testsuite name="n" xmlns="urn:junit"></testsuite>',
  "\u00a0",
  "\r",
);

/** A generated document with fragments inserted after some of its `>`s. */
const mutated = fc
  .tuple(junitDoc, fc.array(fc.tuple(fc.nat(), insert), { minLength: 1, maxLength: 3 }))
  .map(([{ doc }, edits]) => {
    let text = doc;
    for (const [at, fragment] of edits) {
      const ends = [...text.matchAll(/>/g)].map((m) => (m.index ?? 0) + 1);
      const pos = ends.length === 0 ? 0 : (ends[at % ends.length] as number);
      text = text.slice(0, pos) + fragment + text.slice(pos);
    }
    return text;
  });

describe("JUnit auto engine falls back exactly (differential)", () => {
  test.prop([mutated, maxStackArb], { numRuns: 400 })(
    "R11 R17 a document with unexpected pieces inserted reads the same through auto as through the reference",
    (text, maxStack) => {
      const meta = { path: "cypress/cmcReporter/xml/test-result-mutated.xml", knownHosts: FLEET };
      expect(parseJunitXml(text, meta, withEngine("auto", maxStack))).toEqual(
        parseJunitXml(text, meta, withEngine("reference", maxStack)),
      );
    },
  );

  test.prop([soup], { numRuns: 300 })(
    "any XML-ish text reads the same through auto (fast path, fallback) as through the reference",
    (text) => {
      const meta = { path: "cypress/cmcReporter/xml/test-result-soup.xml", knownHosts: FLEET };
      expect(parseJunitXml(text, meta, { engine: "auto" })).toEqual(
        parseJunitXml(text, meta, { engine: "reference" }),
      );
    },
  );
});
