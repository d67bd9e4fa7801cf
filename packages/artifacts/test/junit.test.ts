import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJunitXml } from "../src/junit.ts";
import type { BookkeepingObservation, HostResultObservation } from "../src/types.ts";

const FLEET = [
  "atvm7-ubuntu24.04",
  "atvm17-ubuntu24.04",
  "atvm41-redhat6.0",
  "atvm42-redhat6.10",
  "atvm43-redhat6.2",
  "atvm113-debian9.0.0",
];
const HASHED = "cypress/cmcReporter/xml/test-result-5d41402abc4b2a76b9719d911017c592.xml";

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/junit/${name}`, import.meta.url), "utf8");
}

function hostResults(result: ReturnType<typeof parseJunitXml>): HostResultObservation[] {
  return result.observations.filter((o): o is HostResultObservation => o.kind === "host-result");
}

function one(result: ReturnType<typeof parseJunitXml>): HostResultObservation {
  const hosts = hostResults(result);
  expect(hosts).toHaveLength(1);
  return hosts[0] as HostResultObservation;
}

/** A mocha-junit-reporter 2.2.1 document (default options) for one spec. */
function mochaXml(spec: string, suite: string, cases: string, tests = 2): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Mocha Tests" time="3.000" tests="${tests}" failures="0">
  <testsuite name="Root Suite" timestamp="2026-03-27T10:00:00" tests="0" file="${spec}" time="0.000" failures="0">
  </testsuite>
  <testsuite name="${suite}" timestamp="2026-03-27T10:00:01" tests="${tests}" time="3.000" failures="0">
${cases}
  </testsuite>
</testsuites>`;
}

const PASSING = `    <testcase name="e2e 1. Login to CMC" time="1.000" classname="1. Login to CMC">
    </testcase>
    <testcase name="e2e 2. Install CMC" time="2.000" classname="2. Install CMC">
    </testcase>`;

describe("parseJunitXml: host recovery (R11)", () => {
  it("R11 recovers the host of a hash-named XML from the Root Suite file=", () => {
    const xml = mochaXml("cypress/e2e/generated/atvm41-redhat6.0.cy.ts", "cmc-e2e", PASSING);
    const obs = one(parseJunitXml(xml, { path: HASHED, knownHosts: FLEET }));
    expect(obs.host).toBe("atvm41-redhat6.0");
    expect(obs.hostEvidence).toBe("root-suite-file");
    expect(obs.spec).toBe("cypress/e2e/generated/atvm41-redhat6.0.cy.ts");
  });

  it("R11 prefers a host in the file name over the content", () => {
    const xml = mochaXml("cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts", "cmc-e2e", PASSING);
    const withKnown = one(
      parseJunitXml(xml, {
        path: "cypress/cmcReporter/xml/test-result-atvm41-redhat6.0.xml",
        knownHosts: FLEET,
      }),
    );
    expect(withKnown.host).toBe("atvm41-redhat6.0");
    expect(withKnown.hostEvidence).toBe("file-name");
    const shapeOnly = one(parseJunitXml(xml, { path: "xml/test-result-atvm41-redhat6.0.xml" }));
    expect(shapeOnly.host).toBe("atvm41-redhat6.0");
    expect(shapeOnly.hostEvidence).toBe("file-name");
  });

  it("R11 never matches atvm7-ubuntu24.04 inside atvm17-ubuntu24.04 (file name and content)", () => {
    const xml = mochaXml("cypress/e2e/generated/atvm17-ubuntu24.04.cy.ts", "cmc-e2e", PASSING);
    expect(one(parseJunitXml(xml, { path: HASHED, knownHosts: FLEET })).host).toBe("atvm17-ubuntu24.04");
    const byName = one(
      parseJunitXml(xml, { path: "xml/test-result-atvm17-ubuntu24.04.xml", knownHosts: FLEET }),
    );
    expect(byName.host).toBe("atvm17-ubuntu24.04");
  });

  it("R11 falls back to testsuite name= and then testcase names when no file= is present", () => {
    const bySuite = `<testsuites><testsuite name="Root Suite atvm113-debian9.0.0 e2e" tests="1"><testcase name="1. Ping" classname="x"/></testsuite></testsuites>`;
    const a = one(parseJunitXml(bySuite, { path: HASHED, knownHosts: FLEET }));
    expect([a.host, a.hostEvidence]).toEqual(["atvm113-debian9.0.0", "testsuite-name"]);
    const byCase = `<testsuites><testsuite name="e2e" tests="1"><testcase name="e2e on atvm42-redhat6.10 1. Ping" classname="1. Ping"/></testsuite></testsuites>`;
    const b = one(parseJunitXml(byCase, { path: HASHED, knownHosts: FLEET }));
    expect([b.host, b.hostEvidence]).toEqual(["atvm42-redhat6.10", "testcase-name"]);
  });

  it("R11 without a known host list takes the spec's base name", () => {
    const xml = mochaXml("cypress/e2e/generated/atvm41-redhat6.0.cy.ts", "cmc-e2e", PASSING);
    const obs = one(parseJunitXml(xml, { path: HASHED }));
    expect([obs.host, obs.hostEvidence]).toEqual(["atvm41-redhat6.0", "spec-basename"]);
  });

  it("R11 reports an unresolvable host as host null plus an unresolved-host issue", () => {
    const xml = `<testsuites><testsuite name="e2e" tests="1"><testcase name="1. Ping" classname="1. Ping"/></testsuite></testsuites>`;
    const result = parseJunitXml(xml, { path: HASHED, knownHosts: FLEET });
    expect(one(result).host).toBeNull();
    expect(result.issues.map((i) => i.kind)).toEqual(["unresolved-host"]);
  });

  it("R11 reports a suite naming two hosts as ambiguous instead of guessing", () => {
    const xml = `<testsuites><testsuite name="atvm41-redhat6.0 vs atvm7-ubuntu24.04" tests="1"><testcase name="1. Ping" classname="1. Ping"/></testsuite></testsuites>`;
    const result = parseJunitXml(xml, { path: HASHED, knownHosts: FLEET });
    expect(one(result).host).toBeNull();
    expect(result.issues.map((i) => i.kind)).toEqual(["ambiguous"]);
    expect(result.issues[0]?.problem).toContain("atvm41-redhat6.0");
  });

  it("R11 splits a grouped batch XML into one result per host and a bookkeeping observation", () => {
    const result = parseJunitXml(fixture("grouped-batch.xml"), {
      path: "cypress/cmcReporter/redhat/xml/test-result-e2e-0327-redhat.xml",
      knownHosts: FLEET,
    });
    expect(result.issues).toEqual([]);
    const hosts = hostResults(result);
    expect(hosts.map((h) => h.host)).toEqual(["atvm41-redhat6.0", "atvm42-redhat6.10"]);
    expect(hosts.map((h) => h.counts)).toEqual([
      { total: 2, passed: 2, failed: 0, skipped: 0 },
      { total: 2, passed: 0, failed: 1, skipped: 1 },
    ]);
    const book = result.observations.find((o): o is BookkeepingObservation => o.kind === "bookkeeping");
    expect(book?.passed).toBe(false);
    expect(book?.failedHosts).toEqual(["atvm43-redhat6.2"]);
  });

  it("R11 treats check-xml-files.ts XML as bookkeeping, never a host result", () => {
    const result = parseJunitXml(fixture("check-xml-files.xml"), { path: HASHED, knownHosts: FLEET });
    expect(result.issues).toEqual([]);
    expect(result.observations).toEqual([
      {
        kind: "bookkeeping",
        file: HASHED,
        startedAt: Date.UTC(2026, 2, 27, 18, 45, 10),
        finishedAt: Date.UTC(2026, 2, 27, 18, 45, 10, 300),
        passed: true,
        failedHosts: [],
        mtimeMs: null,
      },
    ]);
  });
});

describe("parseJunitXml: mocha-junit-reporter shapes", () => {
  it("R17 reads steps, states and the failure step + message in jenkinsMode (name/classname swapped)", () => {
    const obs = one(parseJunitXml(fixture("jenkins-mode.xml"), { path: HASHED, knownHosts: FLEET }));
    expect(obs.host).toBe("atvm7-ubuntu24.04");
    expect(obs.testcases.map((t) => [t.step, t.title, t.state])).toEqual([
      [1, "Login to CMC", "passed"],
      [2, "Install CMC", "failed"],
      [3, "Logout", "skipped"],
    ]);
    const failure = obs.testcases[1]?.failure;
    expect(failure?.type).toBe("CypressError");
    expect(failure?.message).toBe("cy.exec('install.sh') failed with exit code 2 on atvm7-ubuntu24.04");
    expect(failure?.stack).toContain("atvm7-ubuntu24.04.cy.ts:22:8");
    expect(failure?.timedOut).toBeUndefined();
    expect(obs.testcases[0]?.fullTitle).toBe("atvm7-ubuntu24.04 cmc-e2e 1. Login to CMC");
    expect(obs.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
  });

  it("R17 attaches a before-each hook failure to the step it names and counts omitted tests as skipped", () => {
    const obs = one(parseJunitXml(fixture("hook-failure.xml"), { path: HASHED, knownHosts: FLEET }));
    expect(obs.testcases.map((t) => [t.step, t.title, t.state])).toEqual([
      [1, "Login to CMC", "passed"],
      [2, "Add the VM to inventory", "passed"],
      [3, "Configure policies", "failed"],
    ]);
    const failure = obs.testcases[2]?.failure;
    expect(failure?.hook).toBe("before each");
    expect(failure?.timedOut).toBe(true);
    expect(failure?.message).toContain("#policy-table");
    // tests="5": 2 passed, the hook stands for step 3, steps 4–5 were never reported.
    expect(obs.counts).toEqual({ total: 5, passed: 2, failed: 1, skipped: 2 });
    // 4-decimal times of older reporters.
    expect(obs.testcases[0]?.durationMs).toBe(3250);
  });

  it("R33 takes startedAt/finishedAt from testsuite timestamp (UTC without Z) + time, never from mtime", () => {
    const mtimeMs = Date.UTC(2030, 0, 1);
    const obs = one(parseJunitXml(fixture("hook-failure.xml"), { path: HASHED, knownHosts: FLEET, mtimeMs }));
    expect(obs.startedAt).toBe(Date.UTC(2026, 2, 27, 11, 30, 0));
    expect(obs.finishedAt).toBe(Date.UTC(2026, 2, 27, 11, 30, 2) + 61_200);
    expect(obs.durationMs).toBe(63_200);
    expect(obs.mtimeMs).toBe(mtimeMs);
  });

  it("R33 leaves times null when the XML carries none, even with an mtime", () => {
    const xml = `<testsuite name="atvm41-redhat6.0"><testcase name="a"/></testsuite>`;
    const obs = one(parseJunitXml(xml, { path: HASHED, knownHosts: FLEET, mtimeMs: 1_700_000_000_000 }));
    expect([obs.startedAt, obs.finishedAt]).toEqual([null, null]);
  });

  it("reads a lone generic <testsuite> root with single-element lists, <error> and stop-node output", () => {
    const obs = one(
      parseJunitXml(fixture("generic-lone-testsuite.xml"), { path: "junit.xml", knownHosts: FLEET }),
    );
    expect([obs.host, obs.hostEvidence]).toEqual(["atvm113-debian9.0.0", "testsuite-name"]);
    expect(obs.testcases.map((t) => [t.step, t.title, t.state])).toEqual([
      [1, "Ping the VM", "passed"],
      [2, "Check disk", "failed"],
    ]);
    expect(obs.testcases[1]?.failure?.stack).toBe("Error: ENOSPC: no space left on device & retry failed");
    expect(obs.startedAt).toBe(Date.UTC(2026, 2, 27, 9, 15, 0));
    const single = one(
      parseJunitXml(
        `<testsuites><testsuite name="atvm41-redhat6.0"><testcase name="only"/></testsuite></testsuites>`,
        {
          path: "x.xml",
          knownHosts: FLEET,
        },
      ),
    );
    expect(single.testcases.map((t) => t.title)).toEqual(["only"]);
  });

  it("counts includePending <skipped/> testcases and omitted pending tests as skipped", () => {
    const xml = mochaXml(
      "cypress/e2e/generated/atvm41-redhat6.0.cy.ts",
      "cmc-e2e",
      `    <testcase name="e2e 1. Login" time="1.000" classname="1. Login"></testcase>
    <testcase name="e2e 2. Later" time="0.000" classname="2. Later"><skipped/></testcase>`,
      4,
    );
    const obs = one(parseJunitXml(xml, { path: HASHED, knownHosts: FLEET }));
    expect(obs.counts).toEqual({ total: 4, passed: 1, failed: 0, skipped: 3 });
  });

  it("W7 a spec with zero tests gives zero counts, not a pass", () => {
    const xml = `<testsuites name="Mocha Tests" time="0.000" tests="0" failures="0">
  <testsuite name="Root Suite" timestamp="2026-03-27T10:00:00" tests="0" file="cypress/e2e/generated/atvm41-redhat6.0.cy.ts" time="0.000" failures="0"></testsuite>
</testsuites>`;
    const obs = one(parseJunitXml(xml, { path: HASHED, knownHosts: FLEET }));
    expect(obs.counts).toEqual({ total: 0, passed: 0, failed: 0, skipped: 0 });
    expect(obs.testcases).toEqual([]);
  });

  it("R17 strips ANSI from messages, decodes entities and caps long stacks", () => {
    const stack = `Error: boom\n${"    at frame (file.js:1:1)\n".repeat(2000)}`;
    const xml = mochaXml(
      "cypress/e2e/generated/atvm41-redhat6.0.cy.ts",
      "cmc-e2e",
      `    <testcase name="e2e 1. Login" time="1.000" classname="1. Login">
      <failure message="&#x1b;[31mexpected &lt;b&gt; &amp; &#233;&#x1b;[39m" type="Error"><![CDATA[${stack}]]></failure>
    </testcase>`,
      1,
    );
    const failure = one(parseJunitXml(xml, { path: HASHED, knownHosts: FLEET }, { maxStackChars: 1000 }))
      .testcases[0]?.failure;
    expect(failure?.message).toBe("expected <b> & é");
    expect(failure?.stack?.startsWith("Error: boom\n")).toBe(true);
    expect(failure?.stack?.length).toBeLessThan(1100);
    expect(failure?.stack).toContain("more characters]");
  });

  it("takes the step from a useFullSuiteTitle/fullTitle name when classname is a class name", () => {
    const xml = `<testsuites><testsuite name="Root Suite atvm41-redhat6.0 cmc-e2e"><testcase name="Root Suite atvm41-redhat6.0 cmc-e2e 6. Install CMC" classname="CmcSpec"/></testsuite></testsuites>`;
    const obs = one(parseJunitXml(xml, { path: HASHED, knownHosts: FLEET }));
    expect(obs.testcases.map((t) => [t.step, t.title])).toEqual([[6, "Install CMC"]]);
  });
});

describe("parseJunitXml: bad input returns issues", () => {
  it('R11 a file whose suites are all empty (a nested empty suite with file="") is one result with an unresolved-host issue, never silently dropped', () => {
    // Found by the hostile property test (seed -101566351): both empty groups were skipped.
    const xml =
      '<testsuite><testsuite name="" file="" timestamp="2026-03-27T10:00:00" tests="atvm41-redhat6.0" failures="" skipped=""></testsuite></testsuite>';
    for (const engine of ["auto", "reference"] as const) {
      const r = parseJunitXml(xml, { path: HASHED, knownHosts: ["atvm41-redhat6.0"] }, { engine });
      expect(r.observations.map((o) => o.kind)).toEqual(["host-result"]);
      expect(r.issues.map((i) => i.kind)).toContain("unresolved-host");
    }
    // With a host in the inner suite's name, that host is the result's host.
    const named = parseJunitXml(
      '<testsuites><testsuite/><testsuite name="atvm41-redhat6.0" file=""/></testsuites>',
      {
        path: HASHED,
        knownHosts: ["atvm41-redhat6.0"],
      },
    );
    expect(named.observations).toMatchObject([{ kind: "host-result", host: "atvm41-redhat6.0" }]);
  });

  it("distinguishes a truncated file (incomplete) from a well-terminated broken one (malformed)", () => {
    const xml = fixture("jenkins-mode.xml");
    const cut = parseJunitXml(xml.slice(0, xml.indexOf('<testcase name="2.')), { path: HASHED });
    expect(cut.issues.map((i) => i.kind)).toEqual(["incomplete"]);
    expect(cut.observations).toEqual([]);
    const broken = parseJunitXml("<testsuites><testsuite></testcase></testsuites>", { path: HASHED });
    expect(broken.issues.map((i) => i.kind)).toEqual(["malformed"]);
  });

  it("rejects XML that is not JUnit and text that is not XML as malformed", () => {
    expect(parseJunitXml("<html><body/></html>", { path: "a.xml" }).issues.map((i) => i.kind)).toEqual([
      "malformed",
    ]);
    expect(parseJunitXml("just text", { path: "a.xml" }).issues.map((i) => i.kind)).toEqual(["malformed"]);
  });

  it("reports empty, too-large and binary input", () => {
    expect(parseJunitXml(" \n\t", { path: "a.xml" }).issues.map((i) => i.kind)).toEqual(["empty"]);
    expect(
      parseJunitXml("<testsuites/>", { path: "a.xml" }, { maxBytes: 5 }).issues.map((i) => i.kind),
    ).toEqual(["too-large"]);
    expect(
      parseJunitXml("<testsuites>\u0000</testsuites>", { path: "a.xml" }).issues.map((i) => i.kind),
    ).toEqual(["binary"]);
  });

  it("keeps a DOCTYPE-looking string inside CDATA (a cy.request HTML body) as plain failure text", () => {
    const xml = mochaXml(
      "cypress/e2e/generated/atvm41-redhat6.0.cy.ts",
      "cmc-e2e",
      `    <testcase name="e2e 1. Login" time="1.000" classname="1. Login">
      <failure message="cy.request() failed" type="CypressError"><![CDATA[Body: <!DOCTYPE html><html><!ENTITY x "y"></html>]]></failure>
    </testcase>`,
      1,
    );
    const result = parseJunitXml(xml, { path: HASHED, knownHosts: FLEET });
    expect(result.issues).toEqual([]);
    expect(one(result).testcases[0]?.failure?.stack).toBe(
      'Body: <!DOCTYPE html><html><!ENTITY x "y"></html>',
    );
  });
});

describe("grouped XML of a categorized batch", () => {
  it("R11 R32 an empty Root Suite before the hosts' suites is neither a result nor an issue", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Mocha Tests" time="10.000" tests="2" failures="0">
  <testsuite name="Root Suite" timestamp="2026-03-27T14:42:58" tests="0" time="0.000" failures="0">
  </testsuite>
  <testsuite name="atvm118-debian9.5.0 cmc-e2e" timestamp="2026-03-27T14:42:58" tests="1" file="cypress/e2e/generated/atvm118-debian9.5.0.cy.ts" time="5.000" failures="0">
    <testcase name="atvm118-debian9.5.0 cmc-e2e 1. Verifying set up" time="5.000" classname="1. Verifying set up"></testcase>
  </testsuite>
  <testsuite name="atvm119-debian9.6.0 cmc-e2e" timestamp="2026-03-27T14:50:00" tests="1" file="cypress/e2e/generated/atvm119-debian9.6.0.cy.ts" time="5.000" failures="0">
    <testcase name="atvm119-debian9.6.0 cmc-e2e 1. Verifying set up" time="5.000" classname="1. Verifying set up"></testcase>
  </testsuite>
</testsuites>`;
    const result = parseJunitXml(xml, {
      path: "cypress/cmcReporter/xml/test-result-e2e-0327-suse.xml",
      knownHosts: ["atvm118-debian9.5.0", "atvm119-debian9.6.0"],
    });
    expect(result.issues).toEqual([]);
    expect(result.observations.map((o) => (o.kind === "host-result" ? o.host : o.kind))).toEqual([
      "atvm118-debian9.5.0",
      "atvm119-debian9.6.0",
    ]);
  });
});
