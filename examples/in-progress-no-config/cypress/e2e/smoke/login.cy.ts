// A hand-written smoke spec, not generated for a host.
describe("login", () => {
  it("opens the CMC login page", () => {
    cy.visit("/login");
  });
});
