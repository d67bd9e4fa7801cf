import { defineConfig } from "cypress";

export default defineConfig({
  projectId: "atvm-gold",
  reporter: "cypress-multi-reporters",
  reporterOptions: { configFile: "reporter-config.json" },
  env: {
    current_vm: "atvm21-redhat9.0",
    integration_type: "pure",
    plugin: "iscsi",
  },
  e2e: {
    specPattern: [
      "cypress/e2e/generated/atvm9-redhat9.7.cy.ts",
      "cypress/e2e/generated/atvm19-redhat9.7.cy.ts",
      "cypress/e2e/generated/atvm21-redhat9.0.cy.ts",
      "cypress/e2e/generated/atvm22-redhat9.2.cy.ts",
      "cypress/e2e/generated/atvm23-redhat9.4.cy.ts",
      "cypress/e2e/generated/atvm24-redhat9.6.cy.ts",
    ],
  },
});
