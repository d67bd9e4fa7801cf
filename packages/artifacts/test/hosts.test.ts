import { describe, expect, it } from "vitest";
import { containsHost, findHost, hostFromSpec, hostsIn, specBaseName } from "../src/hosts.ts";
import { parseStepTitle, parseUtcTimestamp, secondsToMs, stripAnsi } from "../src/text.ts";

const FLEET = [
  "atvm7-ubuntu24.04",
  "atvm17-ubuntu24.04",
  "atvm13-debian9.0",
  "atvm113-debian9.0.0",
  "atvm41-redhat6.0",
];

describe("host recovery at name boundaries (R11)", () => {
  it("R11 atvm7-ubuntu24.04 does not match inside atvm17-ubuntu24.04", () => {
    expect(containsHost("cypress/e2e/atvm17-ubuntu24.04.cy.ts", "atvm7-ubuntu24.04")).toBe(false);
    expect(findHost("cypress/e2e/atvm17-ubuntu24.04.cy.ts", FLEET)).toBe("atvm17-ubuntu24.04");
  });
  it("R11 atvm13-debian9.0 does not match inside atvm113-debian9.0.0", () => {
    expect(containsHost("atvm113-debian9.0.0 e2e", "atvm13-debian9.0")).toBe(false);
    expect(findHost("Root Suite atvm113-debian9.0.0", FLEET)).toBe("atvm113-debian9.0.0");
  });
  it("R11 matches before a spec extension and inside titles", () => {
    expect(findHost("generated/atvm41-redhat6.0.cy.ts", FLEET)).toBe("atvm41-redhat6.0");
    expect(findHost("cmc-e2e atvm41-redhat6.0 6. Install CMC", FLEET)).toBe("atvm41-redhat6.0");
  });
  it("R11 reports two different hosts as ambiguous and none as null", () => {
    expect(findHost("atvm7-ubuntu24.04 and atvm41-redhat6.0", FLEET)).toBe("ambiguous");
    expect(findHost("check-xml-files.ts", FLEET)).toBeNull();
    expect(hostsIn("atvm7-ubuntu24.04 atvm41-redhat6.0", FLEET)).toEqual([
      "atvm7-ubuntu24.04",
      "atvm41-redhat6.0",
    ]);
  });
  it("R11 falls back to the spec base name with no known host list", () => {
    expect(specBaseName("cypress/e2e/generated/atvm41-redhat6.0.cy.ts")).toBe("atvm41-redhat6.0");
    expect(hostFromSpec("cypress/e2e/generated/atvm41-redhat6.0.cy.ts", undefined)).toBe("atvm41-redhat6.0");
    expect(hostFromSpec("cypress/e2e/generated/other.cy.ts", FLEET)).toBeNull();
  });
});

describe("text helpers", () => {
  it("splits N. title steps, skipping suite prefixes", () => {
    expect(parseStepTitle("6. Install CMC")).toEqual({ step: 6, title: "Install CMC" });
    expect(parseStepTitle("atvm41-redhat6.0 cmc-e2e 22. Power off")).toEqual({
      step: 22,
      title: "Power off",
    });
    expect(parseStepTitle("no step here")).toEqual({ step: null, title: "no step here" });
  });
  it("reads mocha-junit-reporter timestamps as UTC", () => {
    expect(parseUtcTimestamp("2020-08-10T17:44:31")).toBe(Date.UTC(2020, 7, 10, 17, 44, 31));
    expect(parseUtcTimestamp("2020-08-10T17:44:31.250Z")).toBe(Date.UTC(2020, 7, 10, 17, 44, 31, 250));
    expect(parseUtcTimestamp("2020-08-10T19:44:31+02:00")).toBe(Date.UTC(2020, 7, 10, 17, 44, 31));
    expect(parseUtcTimestamp("yesterday")).toBeNull();
  });
  it("reads 3- and 4-decimal seconds", () => {
    expect(secondsToMs("10.8280")).toBe(10828);
    expect(secondsToMs("0.000")).toBe(0);
    expect(secondsToMs("-1")).toBeNull();
  });
  it("strips ANSI colours", () => {
    expect(stripAnsi("\u001b[32m✓\u001b[39m ok")).toBe("✓ ok");
  });
});
