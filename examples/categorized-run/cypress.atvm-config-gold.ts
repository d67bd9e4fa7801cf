import { defineConfig } from "cypress";

export default defineConfig({
  projectId: "atvm-gold",
  reporter: "cypress-multi-reporters",
  reporterOptions: { configFile: "reporter-config.json" },
  env: {
    current_vm: "atvm119-debian9.6.0",
    integration_type: "pure",
    plugin: "iscsi",
  },
  e2e: {
    specPattern: [
      "cypress/e2e/generated/atvm118-debian9.5.0.cy.ts",
      "cypress/e2e/generated/atvm119-debian9.6.0.cy.ts",
    ],
  },
});
