import { describe, expect, it } from "vitest";
import { isBookkeepingSpec } from "../src/bookkeeping.ts";
import { parseJunitXml } from "../src/junit.ts";
import { parseReporterJson } from "../src/reporter-json.ts";

describe("isBookkeepingSpec (one rule for the parsers and the engine)", () => {
  it.each([
    "check-xml-files",
    "check-xml-files.ts",
    "check-xml-files.cy.ts",
    "check-xml-files.js",
    "check-xml-files.mjs",
    "check-xml-files.cjs",
    "cypress/e2e/check-xml-files.cy.ts",
    "C:\\e2e\\check-xml-files.ts",
    "CHECK-XML-FILES.TS",
  ])("R11 %s is the bookkeeping spec", (name) => {
    expect(isBookkeepingSpec(name)).toBe(true);
  });

  it.each([
    "check-xml-files-old.ts",
    "my-check-xml-files.ts",
    "check-xml-files verifies a JUnit XML exists",
    "cypress/e2e/check-xml-files/atvm41-redhat6.0.cy.ts",
    "check-xml-files.xml",
    "atvm41-redhat6.0",
    "",
  ])("R11 %s is not the bookkeeping spec (the last segment must be exactly it)", (name) => {
    expect(isBookkeepingSpec(name)).toBe(false);
  });

  it("R11 a JUnit suite that only mentions check-xml-files in its name is a host result, not bookkeeping", () => {
    const xml = `<testsuites><testsuite name="atvm41-redhat6.0 runs after check-xml-files" tests="1" timestamp="2026-03-27T08:00:00" time="1"><testcase name="1. Login" classname="1. Login" time="1"/></testsuite></testsuites>`;
    const result = parseJunitXml(xml, { path: "r/test-result-atvm41-redhat6.0.xml" });
    expect(result.observations.map((o) => o.kind)).toEqual(["host-result"]);
  });

  it("R11 a mochawesome report whose tests sit in a suite titled check-xml-files (no file) yields nothing", () => {
    const suite = (title: string) => ({
      title,
      file: "",
      tests: [{ title: "verifies", fullTitle: `${title} verifies`, state: "passed", duration: 1 }],
      suites: [],
    });
    const doc = (title: string) =>
      JSON.stringify({ stats: {}, results: [{ title: "", file: "", tests: [], suites: [suite(title)] }] });
    const meta = { path: "cypress/cmcReporter/logs/atvm41-redhat6.0/m.json" };
    expect(parseReporterJson(doc("check-xml-files"), meta).observations).toEqual([]);
    expect(parseReporterJson(doc("check-xml-files later"), meta).observations).toHaveLength(1);
  });
});
