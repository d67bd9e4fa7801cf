// Bookkeeping spec run last by run-sorry-cypress.py: every generated spec must have left a JUnit XML.
import { checkXmlFiles } from "../support/check-xml-files";

describe("check-xml-files", () => {
  it("verifies a JUnit XML exists for every generated spec", () => {
    checkXmlFiles("cypress/cmcReporter/xml");
  });
});
