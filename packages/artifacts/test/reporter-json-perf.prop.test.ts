import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parseReporterJson, type ReporterJsonOptions } from "../src/reporter-json.ts";
import type { ArtifactMeta } from "../src/types.ts";
import { parseReporterJsonReference } from "./reference/reporter-json-reference.ts";

// Differential tests for the hand-written tree walk of parseReporterJson: the oracle is the
// zod-per-node implementation it replaced, kept verbatim in test/reference/. Every input —
// real-reporter fixtures, hand-made edge cases, and property-generated mochawesome, mocha json
// and json-stream reports with wrong-typed and unknown fields — must give deeply equal
// observations and issues (kinds and problem texts).

const FLEET = [
  "atvm7-ubuntu24.04",
  "atvm17-ubuntu24.04",
  "atvm41-redhat6.0",
  "atvm41-redhat6.10",
  "atvm42-redhat6.10",
  "atvm113-debian9.0.0",
  "atvm13-debian9.0",
  "atvm9-redhat9.7",
  "atvm19-redhat9.7",
];

/**
 * The reference predates `TestcaseResult.retries` (mocha `currentRetry`, added on purpose for flaky
 * evidence, issue 10; checked against the fixture generator's plan in golden.test.ts), so that one
 * field is dropped before comparing; everything else must still be equal.
 */
function withoutRetries(result: ReturnType<typeof parseReporterJson>): ReturnType<typeof parseReporterJson> {
  return {
    ...result,
    observations: result.observations.map((o) =>
      o.kind !== "host-result"
        ? o
        : {
            ...o,
            testcases: o.testcases.map((t) => {
              if (t.retries === undefined) return t;
              const { retries: _dropped, ...rest } = t;
              return rest;
            }),
          },
    ),
  };
}

function same(text: string, meta: ArtifactMeta, options?: ReporterJsonOptions): void {
  const expected = parseReporterJsonReference(text, meta, options);
  const actual = withoutRetries(parseReporterJson(text, meta, options));
  expect(actual).toStrictEqual(expected);
  // The last-resort catch (`internal`: a parser bug) is never what makes the two agree.
  expect(actual.issues.map((i) => i.kind)).not.toContain("internal");
}

function reportFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return reportFiles(path);
    return /\.jsonl?$/.test(name) && name !== "expected.json" ? [path] : [];
  });
}

const FIXTURES = [
  ...reportFiles(new URL("../../../test/fixtures/reporters/", import.meta.url).pathname),
  ...reportFiles(new URL("./fixtures/reporter/", import.meta.url).pathname),
].sort();

/** The metas and bounds each fixture is read under: known hosts or none, reporter path or bare name, tight bounds. */
function variants(file: string): [ArtifactMeta, ReporterJsonOptions | undefined][] {
  const name = file.split("/").pop() as string;
  return [
    [{ path: file, knownHosts: FLEET, mtimeMs: 5 }, undefined],
    [{ path: name }, undefined],
    [{ path: `cypress/cmcReporter/logs/atvm41-redhat6.0/${name}`, knownHosts: FLEET }, undefined],
    [
      { path: `mochawesome/${name}`, knownHosts: FLEET },
      { maxDepth: 1, maxStackChars: 20 },
    ],
    [{ path: name, knownHosts: FLEET }, { maxBytes: 2000 }],
  ];
}

describe("parseReporterJson equals the zod reference (differential)", () => {
  it("R11 R17 R33 W7 on every real-reporter fixture, whole and cut short", () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(30);
    let withTests = 0;
    for (const file of FIXTURES) {
      const text = readFileSync(file, "utf8");
      for (const [meta, options] of variants(file)) same(text, meta, options);
      // Truncated mid-write (incomplete), cut at a dozen points.
      for (let i = 1; i < 12; i++)
        same(text.slice(0, Math.floor((text.length * i) / 12)), variants(file)[0]?.[0] as ArtifactMeta);
      const obs = parseReporterJson(text, { path: file, knownHosts: FLEET }).observations;
      if (obs.some((o) => o.testcases.length > 0)) withTests++;
    }
    // The comparison is not vacuous: most fixtures carry testcases.
    expect(withTests).toBeGreaterThanOrEqual(20);
  });

  it("on hand-made edge cases: odd text, outer shapes zod rejects, err variants, prototype keys", () => {
    const meta = { path: "cypress/cmcReporter/logs/atvm41-redhat6.0/m.json", knownHosts: FLEET };
    const mw = (suite: object, extra = ""): string =>
      `{${extra}"stats":{"start":"2026-03-27T10:00:00Z","end":"2026-03-27T10:01:00Z"},"results":[${JSON.stringify(suite)}]}`;
    const suite = {
      title: "atvm41-redhat6.0 e2e",
      file: "cypress/e2e/generated/atvm41-redhat6.0.cy.ts",
      tests: [
        { title: "1. a", state: "passed", duration: 5 },
        { title: "2. b", state: "failed", err: { message: "Timed out retrying", estack: "", stack: "s" } },
        { title: "3. c", fail: true, err: { message: 7, estack: ["x"], stack: "only stack", name: "E" } },
        { title: "4. d", state: "failed", err: null },
        { title: "5. e", state: "failed", err: "a string err" },
        { title: "6. f", state: "failed", err: [1], timedOut: "yes" },
        { title: "7. g", state: "failed", duration: "INF", isHook: true },
        "not a test",
        null,
      ],
      beforeHooks: [{ title: '"before all" hook for "8. h"', state: "failed", err: { message: "x" } }, 5],
      afterHooks: { not: "a list" },
      suites: [{ title: "inner", tests: [{ title: "8. h", state: "pending" }] }, "nope", [1]],
    };
    const cases = [
      mw(suite),
      // JSON.parse reads 1e999 as Infinity, which is not a duration.
      mw(suite).replace('"duration":"INF"', '"duration":1e999'),
      mw(suite).replace('"title":"1. a"', '"__proto__":{"title":"polluted"},"title":"1. a"'),
      mw(suite, '"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},'),
      mw({ ...suite, file: "" }).replace(
        '"results":[',
        '"results":[{"__proto__":{"tests":[{"title":"9. x"}]}},',
      ),
      // Content checks that JSON.parse success does not settle: U+FFFD, VT and FF around the document.
      mw({ title: "\uFFFD".repeat(600), tests: [] }),
      mw({ title: "\uFFFD".repeat(6), tests: [] }),
      `${"\u000B".repeat(500)}${mw(suite)}`,
      `\u000B${mw(suite)}\u000C\n`,
      `\uFEFF${mw(suite)}\n`,
      `\u0000${mw(suite)}`,
      `${mw(suite).slice(0, 100)}\u0001\u0002\u0003`,
      // Outer shapes: zod judges and explains them.
      '{"stats": [], "results": []}',
      '{"stats": null, "results": {}}',
      '{"results": []}',
      '{"stats": {"start": 5, "end": "x", "duration": -1, "tests": 2.6}, "results": []}',
      '{"stats": {}, "tests": [{"title": "1. a", "file": "atvm7-ubuntu24.04.cy.js"}], "failures": "x"}',
      '{"stats": 3, "tests": []}',
      '{"stats": {}, "passes": []}',
      '{"stats": {}, "tests": [{"title": "1. a", "fullTitle": {"toString": 1}}]}',
      '{"stats": {}, "tests": [{"title": "1. a", "err": {"message": "m", "stack": 5}, "stack": "outer"}], "failures": [{"title": "1. a"}]}',
      '["start",{"total":2}]\n["fail",{"title":"1. a","err":{"message":"m"},"stack":"s"}]\n["fail",{"title":"2. b","err":null,"stack":"t"}]\n["end",{}]',
      '["start",{"total":2}]\n\u0001\u0002\u0003\u0004\n["end",{}]',
    ];
    for (const text of cases) {
      same(text, meta);
      same(text, { path: "m.json" }, { maxDepth: 1 });
    }
  });

  it("keeps __proto__ keys out of prototypes and bounds 10^4 nested suites, like the reference", () => {
    const inner = '{"title": "deep", "tests": [{"title": "1. a", "state": "passed"}], "suites": []}';
    const deep = `${'{"title": "s", "tests": [], "suites": ['.repeat(10_000)}${inner}${"]}".repeat(10_000)}`;
    const text = `{"__proto__": {"polluted": true}, "stats": {"__proto__": {"start": 1}}, "results": [${deep}]}`;
    same(text, { path: "cypress/cmcReporter/logs/atvm41-redhat6.0/m.json", knownHosts: FLEET });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// --- generated reports -------------------------------------------------------------------------

const TITLES = [
  "1. Login to CMC",
  "2. Install CMC",
  " 3.  Configure policies ",
  "\u001b[31m4. Logout\u001b[39m",
  '"before all" hook for "2. Install CMC"',
  '"after each" hook: cleanup for "1. Login to CMC"',
  '"before all" hook',
  "atvm41-redhat6.0 e2e",
  "atvm7-ubuntu24.04 cmc-e2e 5. Reboot",
  "check-xml-files",
  "",
];
const FILES = [
  "cypress/e2e/generated/atvm41-redhat6.0.cy.ts",
  "/root/e2e/cypress/e2e/generated/atvm17-ubuntu24.04.cy.ts",
  "cypress/e2e/check-xml-files.cy.ts",
  "cypress/e2e/generated/atvm41-redhat6.cy.ts",
  "atvm7-ubuntu24.04.cy.js",
  "",
];
const MESSAGES = [
  "AssertionError: Timed out retrying after 4000ms: expected 'x' to equal 'y'",
  "Error: Timeout of 2000ms exceeded.",
  "\u001b[31mCypressError\u001b[39m: failed on atvm41-redhat6.0",
  "",
];

/** A value of the wrong type for any field. */
const wrong = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom("a", "title", "message"), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
);

/** Usually a value from `arb`, sometimes a wrong-typed one; absent when `undefined`. */
function field<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.option(fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: wrong }), {
    nil: undefined,
    freq: 4,
  });
}

const text = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TITLES) }, fc.string({ maxLength: 12 }));

/** Fields a reporter version may add, including prototype-shaped keys, with any JSON value. */
const unknownFields = fc.array(
  fc.tuple(
    fc.constantFrom(
      "code",
      "context",
      "uuid",
      "parentUUID",
      "speed",
      "diff",
      "_timeout",
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  { maxLength: 3 },
);

/** An object with the given fields (absent when `undefined`) after some unknown ones; `__proto__` stays an own key. */
function objectOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.record(fields), unknownFields)
    .map(([known, extra]) =>
      Object.fromEntries([
        ...extra.filter(([k]) => !(k in known)),
        ...Object.entries(known).filter(([, v]) => v !== undefined),
      ]),
    );
}

const err = fc.oneof(
  objectOf({
    message: field(fc.constantFrom(...MESSAGES)),
    estack: field(
      fc.constantFrom(
        "AssertionError: x\n    at atvm41-redhat6.0.cy.ts:40:12",
        "",
        "\u001b[2m  at x\u001b[22m",
      ),
    ),
    stack: field(fc.constantFrom("Error: y\n    at z.js:1:1", "")),
    name: field(fc.constantFrom("AssertionError", "CypressError", "")),
    diff: field(fc.constantFrom("- a\n+ b", null)),
  }),
  wrong,
  fc.constantFrom(...MESSAGES),
);

const mwTest = objectOf({
  title: field(text),
  fullTitle: field(text),
  state: field(fc.constantFrom("passed", "failed", "pending", "skipped")),
  duration: field(fc.oneof(fc.nat(200_000), fc.double({ min: -5, max: 1e6, noNaN: true }))),
  timedOut: field(fc.boolean()),
  pass: field(fc.boolean()),
  fail: field(fc.boolean()),
  pending: field(fc.boolean()),
  skipped: field(fc.boolean()),
  isHook: field(fc.boolean()),
  err: field(err),
});

const list = (arb: fc.Arbitrary<unknown>, maxLength: number) =>
  field(fc.array(fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: wrong }), { maxLength }));

const { suite } = fc.letrec<{ suite: Record<string, unknown> }>((tie) => ({
  suite: objectOf({
    title: field(text),
    file: field(fc.constantFrom(...FILES)),
    fullFile: field(fc.constantFrom(...FILES)),
    tests: list(mwTest, 6),
    beforeHooks: list(mwTest, 2),
    afterHooks: list(mwTest, 2),
    suites: list(tie("suite"), 3),
  }),
}));

const stats = objectOf({
  start: field(
    fc.constantFrom("2026-03-27T10:00:00.125Z", "2026-03-27T10:00:00", "2026-03-27 10:00:00+02:00", "nope"),
  ),
  end: field(fc.oneof(fc.constantFrom("2026-03-27T10:03:20.625Z", "x"), fc.nat(2 ** 42))),
  duration: field(fc.double({ min: -10, max: 1e7, noNaN: true })),
  tests: field(fc.nat(30)),
  passes: field(fc.nat(30)),
  testsRegistered: field(fc.nat(30)),
});

const mochawesomeDoc = fc.oneof(
  {
    weight: 12,
    arbitrary: objectOf({ stats, results: fc.array(suite, { maxLength: 3 }), meta: field(fc.jsonValue()) }),
  },
  {
    weight: 1,
    arbitrary: objectOf({ stats: field(stats), results: field(fc.array(suite, { maxLength: 2 })) }),
  },
);

const mochaTest = objectOf({
  title: field(text),
  fullTitle: field(text),
  file: field(fc.constantFrom(...FILES)),
  duration: field(fc.nat(100_000)),
  err: field(err),
  stack: field(fc.constantFrom("Error: y\n    at z.js:1:1", "")),
});

/** A mocha json report: failures and pending mostly name tests of `tests` (by fullTitle and file), plus hook failures. */
const mochaJsonDoc = fc
  .tuple(fc.array(mochaTest, { maxLength: 8 }), fc.array(mochaTest, { maxLength: 2 }), fc.nat(), fc.nat())
  .chain(([tests, hooks, a, b]) =>
    fc.tuple(
      fc.constant(tests),
      fc.subarray(tests),
      fc.subarray(tests),
      fc.constant(hooks),
      field(stats),
      fc.constant(a % 5 === 0),
      fc.constant(b % 7 === 0),
    ),
  )
  .map(([tests, failed, pending, hooks, st, noTests, noLists]) =>
    Object.fromEntries(
      [
        ["stats", st],
        ["tests", noTests ? undefined : tests],
        ["pending", noLists ? "x" : pending],
        ["failures", noLists ? undefined : [...failed, ...hooks]],
        ["passes", tests.filter((t) => !failed.includes(t) && !pending.includes(t))],
      ].filter(([, v]) => v !== undefined),
    ),
  );

const streamLine = fc.oneof(
  stats.map((s) => JSON.stringify(["start", { total: s.tests ?? 3 }])),
  fc.tuple(fc.constantFrom("pass", "fail", "pending"), mochaTest).map((e) => JSON.stringify(e)),
  stats.map((s) => JSON.stringify(["end", s])),
  fc.constantFrom(
    '["pass",{"title":"1. a"',
    "  Running: atvm17-ubuntu24.04.cy.js",
    '["x"]',
    "[1,2]",
    '["end"]',
    "",
  ),
);
const streamDoc = fc.array(streamLine, { maxLength: 10 }).map((lines) => lines.join("\n"));

const wrapping = fc.record({
  indent: fc.constantFrom(0, 2, "\t"),
  before: fc.constantFrom("", "", "\uFEFF", "\n", "\u000B", " \u000C"),
  after: fc.constantFrom("", "", "\n", "\r\n", "\u000C"),
});

const metaArb: fc.Arbitrary<ArtifactMeta> = fc
  .record({
    path: fc.constantFrom(
      "cypress/cmcReporter/mochawesome/atvm41-redhat6.json",
      "cypress/cmcReporter/mochawesome/atvm7-ubuntu24.json",
      "cypress/cmcReporter/logs/atvm42-redhat6.10/mochawesome.json",
      "cypress/cmcReporter/logs/not-a-host/mochawesome.json",
      "out/report.json",
      "atvm17-ubuntu24.04.jsonl",
    ),
    known: fc.option(fc.subarray(FLEET, { minLength: 1 }), { nil: undefined }),
    mtimeMs: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ path, known, mtimeMs }) => ({
    path,
    ...(known === undefined ? {} : { knownHosts: known }),
    ...(mtimeMs === undefined ? {} : { mtimeMs }),
  }));

const optionsArb: fc.Arbitrary<ReporterJsonOptions | undefined> = fc.option(
  fc
    .record({
      maxDepth: fc.option(fc.nat(4), { nil: undefined }),
      maxStackChars: fc.option(fc.nat(40), { nil: undefined }),
    })
    .map((o) => ({
      ...(o.maxDepth === undefined ? {} : { maxDepth: o.maxDepth }),
      ...(o.maxStackChars === undefined ? {} : { maxStackChars: o.maxStackChars }),
    })),
  { nil: undefined },
);

describe("parseReporterJson equals the zod reference on generated reports (properties)", () => {
  test.prop([mochawesomeDoc, wrapping, metaArb, optionsArb], { numRuns: 400 })(
    "R11 R17 R33 W7 mochawesome documents with random suites, states, errors and unknown fields",
    (doc, w, meta, options) => {
      same(`${w.before}${JSON.stringify(doc, null, w.indent)}${w.after}`, meta, options);
    },
  );

  test.prop([mochaJsonDoc, wrapping, metaArb, optionsArb], { numRuns: 200 })(
    "R11 R17 R33 mocha json reports with failures, pending and hook failures",
    (doc, w, meta, options) => {
      same(`${w.before}${JSON.stringify(doc, null, w.indent)}${w.after}`, meta, options);
    },
  );

  test.prop([streamDoc, metaArb, optionsArb], { numRuns: 200 })(
    "R11 R17 W7 mocha json-stream reports, with noise and broken lines",
    (text, meta, options) => {
      same(text, meta, options);
    },
  );

  test.prop([mochawesomeDoc, fc.nat(), metaArb])(
    "mochawesome documents cut short (incomplete)",
    (doc, cut, meta) => {
      const text = JSON.stringify(doc, null, 2);
      same(text.slice(0, cut % (text.length + 1)), meta);
    },
  );

  test.prop([fc.string({ unit: "binary", maxLength: 300 }), metaArb], { numRuns: 200 })(
    "any string, binary and control characters included",
    (raw, meta) => {
      same(raw, meta);
      same(`{"stats":{},"results":[${JSON.stringify(raw)}],"x":"${raw.replace(/["\\]/g, "")}"}`, meta);
    },
  );
});
