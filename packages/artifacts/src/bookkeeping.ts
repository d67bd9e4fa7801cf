/**
 * The bookkeeping spec `check-xml-files.ts` (R11): it runs in the same Cypress run as the hosts'
 * specs, checks that every generated spec wrote its JUnit XML, and is never a host. Pure.
 */

/** The one rule: the last path segment is `check-xml-files`, optionally `.cy`, optionally a JS/TS extension. */
const BOOKKEEPING_SPEC = /(^|[\\/])check-xml-files(\.cy)?(\.[cm]?[jt]sx?)?$/i;

/**
 * `true` for the bookkeeping spec `check-xml-files.ts` (R11), by one anchored rule: a spec path
 * or a name (a host name, a suite title) whose last `/`- or `\`-separated segment is
 * `check-xml-files`, optionally followed by `.cy`, optionally by `.js`/`.ts`/`.mjs`/`.cjs`/`.mts`/
 * `.cts` (and the `x` variants); case-insensitive. So `cypress/e2e/check-xml-files.cy.ts`,
 * `check-xml-files.ts` and a suite titled `check-xml-files` match; `check-xml-files-old.ts`,
 * `my-check-xml-files.ts` and a title that merely mentions it (`check-xml-files verifies …`) do not.
 * Used by the JUnit and reporter JSON parsers and by the engine's scope (one rule for all three).
 */
export function isBookkeepingSpec(nameOrPath: string): boolean {
  return BOOKKEEPING_SPEC.test(nameOrPath);
}
