/**
 * Host-name recovery shared by every parser (R11, W7). Pure.
 *
 * Host names look like `atvm<N>-<distro><version>` (e.g. `atvm41-redhat6.0`,
 * `atvm7-ubuntu24.04`, `atvm113-debian9.0.0`). A known host matches only at name
 * boundaries: `atvm7-ubuntu24.04` never matches inside `atvm17-ubuntu24.04`, and
 * `atvm13-debian9.0` never matches inside `atvm113-debian9.0.0`.
 */

/** Characters that may continue a host name; a match must not be preceded or followed by one. */
const NAME_CHAR = /[A-Za-z0-9_-]/;

/** The shape of a fleet host name, anchored. */
export const HOST_NAME_PATTERN: RegExp = /^atvm\d+-[a-z][a-z0-9._-]*$/i;

/**
 * `true` when `host` occurs in `text` at name boundaries: the character before is not a name
 * character, and the one after is neither a name character nor a `.` followed by a digit
 * (so `atvm13-debian9.0` does not match `atvm13-debian9.0.0`). Case-sensitive.
 */
export function containsHost(text: string, host: string): boolean {
  if (host.length === 0) return false;
  let from = 0;
  for (;;) {
    const at = text.indexOf(host, from);
    if (at < 0) return false;
    const before = at > 0 ? text.charAt(at - 1) : "";
    const after = text.charAt(at + host.length);
    const afterNext = text.charAt(at + host.length + 1);
    const boundaryBefore = before === "" || !NAME_CHAR.test(before);
    const boundaryAfter =
      after === "" || (!NAME_CHAR.test(after) && !(after === "." && /\d/.test(afterNext)));
    if (boundaryBefore && boundaryAfter) return true;
    from = at + 1;
  }
}

/**
 * The known hosts that occur in `text` at name boundaries. When one match is contained in
 * another (e.g. `atvm7-ubuntu24` inside `atvm7-ubuntu24.04`), only the longer is kept.
 * Returned in `knownHosts` order.
 */
export function hostsIn(text: string, knownHosts: readonly string[]): string[] {
  const found = knownHosts.filter((host) => containsHost(text, host));
  return found.filter((host) => !found.some((other) => other !== host && other.includes(host)));
}

/**
 * The single known host named in `text`, `null` when none is, or `"ambiguous"` when several
 * different hosts are named (callers report an `ambiguous` parse issue rather than guess).
 */
export function findHost(text: string, knownHosts: readonly string[]): string | null | "ambiguous" {
  const found = hostsIn(text, knownHosts);
  if (found.length === 0) return null;
  return found.length === 1 ? (found[0] as string) : "ambiguous";
}

/**
 * The base name of a spec path without directories and spec extensions:
 * `cypress/e2e/generated/atvm41-redhat6.0.cy.ts` → `atvm41-redhat6.0`.
 * Strips `.cy.ts`, `.cy.js`, `.spec.ts`, `.ts`, `.js` (and the `x` variants).
 */
export function specBaseName(specPath: string): string {
  const base = specPath.split(/[\\/]/).pop() ?? specPath;
  return base.replace(/(\.(cy|spec|test))?\.[cm]?[jt]sx?$/i, "");
}

/**
 * The host a spec path stands for: the known host it names, else (with no known host list)
 * its base name (R11 fallback). `null` with a known list that names no host or several.
 */
export function hostFromSpec(specPath: string, knownHosts: readonly string[] | undefined): string | null {
  if (knownHosts === undefined || knownHosts.length === 0) {
    const base = specBaseName(specPath);
    return base.length > 0 ? base : null;
  }
  const found = findHost(specPath, knownHosts);
  return found === "ambiguous" ? null : found;
}
