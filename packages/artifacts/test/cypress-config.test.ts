import { describe, expect, it } from "vitest";
import { parseCypressConfig } from "../src/cypress-config.ts";

const FLEET = ["atvm41-redhat6.0", "atvm7-ubuntu24.04", "atvm17-ubuntu24.04", "atvm44-redhat9.7"];
const meta = { path: "cypress.atvm-config-gold.ts", knownHosts: FLEET };

// As cmc-templates.py leaves it: generated spec list, old entries commented out, trailing comma.
const GOLD = `import { defineConfig } from "cypress";
import { cloudPlugin } from "cypress-cloud/plugin";

export default defineConfig({
  projectId: "atvm-gold",
  video: false,
  defaultCommandTimeout: 60_000,
  reporter: "cypress-multi-reporters",
  reporterOptions: { configFile: "reporter-config.json" },
  e2e: {
    baseUrl: "https://cmc.lab.local",
    // specPattern: "cypress/e2e/**/*.cy.ts",
    /* previous run:
       specPattern: ["cypress/e2e/generated/atvm6-centos6.0.cy.ts"], */
    specPattern: [
      "cypress/e2e/generated/atvm41-redhat6.0.cy.ts",
      'cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts', // added by --categorize
      \`cypress/e2e/generated/atvm17-ubuntu24.04.cy.ts\`,
    ],
    async setupNodeEvents(on, config) {
      return cloudPlugin(on, config);
    },
  },
  env: {
    current_vm: "atvm7-ubuntu24.04",
    datastore: "gold",
  },
});
`;

describe("parseCypressConfig", () => {
  it("R10 reads specPattern arrays (comments, mixed quotes, trailing comma) and current_vm without executing", () => {
    const r = parseCypressConfig(GOLD, meta);
    expect(r.issues).toEqual([]);
    expect(r.observations).toEqual([
      {
        kind: "cypress-config",
        file: "cypress.atvm-config-gold.ts",
        specPattern: [
          "cypress/e2e/generated/atvm41-redhat6.0.cy.ts",
          "cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts",
          "cypress/e2e/generated/atvm17-ubuntu24.04.cy.ts",
        ],
        hosts: ["atvm41-redhat6.0", "atvm7-ubuntu24.04", "atvm17-ubuntu24.04"],
        currentVm: "atvm7-ubuntu24.04",
      },
    ]);
  });

  it("reads a single-string specPattern and a quoted current_vm key; no known hosts → spec base names", () => {
    const text = `module.exports = {
  e2e: { specPattern: 'cypress/e2e/generated/atvm9-debian12.cy.ts' },
  env: { "current_vm": 'atvm9-debian12' },
};`;
    const r = parseCypressConfig(text, { path: "cypress.config.js" });
    expect(r.observations[0]).toMatchObject({
      specPattern: ["cypress/e2e/generated/atvm9-debian12.cy.ts"],
      hosts: ["atvm9-debian12"],
      currentVm: "atvm9-debian12",
    });
  });

  it("a glob specPattern names no host unless a known host appears in it; no current_vm is null", () => {
    const r = parseCypressConfig(`export default { e2e: { specPattern: "cypress/e2e/**/*.cy.ts" } }`, meta);
    expect(r.observations[0]).toMatchObject({
      specPattern: ["cypress/e2e/**/*.cy.ts"],
      hosts: [],
      currentVm: null,
    });
    const one = parseCypressConfig(`({ specPattern: "cypress/e2e/generated/atvm44-redhat9.7*.ts" })`, meta);
    expect(one.observations[0]?.hosts).toEqual(["atvm44-redhat9.7"]);
  });

  it("reports a missing specPattern as malformed and names it", () => {
    const r = parseCypressConfig(
      `export default defineConfig({ e2e: { baseUrl: "x" }, env: { current_vm: "a" } })`,
      meta,
    );
    expect(r.observations).toEqual([]);
    expect(r.issues).toEqual([
      {
        file: "cypress.atvm-config-gold.ts",
        kind: "malformed",
        problem: expect.stringContaining("no specPattern"),
      },
    ]);
  });

  it("refuses computed values: a variable, an interpolated template, a spread", () => {
    for (const value of ["SPECS", "[`cypress/e2e/$" + "{vm}.cy.ts`]", '[...base, "a.cy.ts"]']) {
      const r = parseCypressConfig(`export default { e2e: {\n specPattern: ${value} } }`, meta);
      expect(r.observations).toEqual([]);
      expect(r.issues[0]?.problem).toContain("specPattern at line 2 is not a string literal");
    }
  });

  it("an empty file is empty; an unterminated comment is malformed", () => {
    expect(parseCypressConfig("  \n", meta).issues[0]?.kind).toBe("empty");
    const r = parseCypressConfig(`export default { specPattern: ["a.cy.ts"] } /* oops`, meta);
    expect(r.issues.map((i) => i.kind)).toEqual(["malformed"]);
    expect(r.issues[0]?.problem).toContain("unterminated /* comment");
    expect(r.observations[0]?.specPattern).toEqual(["a.cy.ts"]);
  });
});
