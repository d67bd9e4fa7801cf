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
 *
 * Cost: O(|text| + matches) for fleet-shaped names (`atvm<N>-…`) through an index built once per
 * `knownHosts` array (cached by identity), so recovering hosts for 20,000 files against 2,000
 * known hosts stays linear; other names are checked one by one.
 */
export function hostsIn(text: string, knownHosts: readonly string[]): string[] {
  let found: string[];
  if (knownHosts.length < INDEX_THRESHOLD) {
    found = knownHosts.filter((host) => containsHost(text, host));
  } else {
    const index = hostIndex(knownHosts);
    const hit = new Set<string>();
    FLEET_PREFIX.lastIndex = 0;
    for (let m = FLEET_PREFIX.exec(text); m !== null; m = FLEET_PREFIX.exec(text)) {
      for (const host of index.byPrefix.get(m[0]) ?? []) {
        if (!hit.has(host) && text.startsWith(host, m.index) && containsHost(text, host)) hit.add(host);
      }
    }
    for (const host of index.others) if (containsHost(text, host)) hit.add(host);
    found = inKnownOrder(hit, knownHosts, index);
  }
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

/**
 * A superset of the known hosts that can occur in `text`: the fleet-shaped hosts whose `atvm<N>-`
 * prefix occurs in it, plus every host without that shape. For callers with their own matching
 * rule (file-name stems) that must not scan every known host per file. Order: `knownHosts` order.
 */
export function candidateHosts(text: string, knownHosts: readonly string[]): readonly string[] {
  if (knownHosts.length < INDEX_THRESHOLD) return knownHosts;
  const index = hostIndex(knownHosts);
  const hit = new Set<string>(index.others);
  FLEET_PREFIX.lastIndex = 0;
  for (let m = FLEET_PREFIX.exec(text); m !== null; m = FLEET_PREFIX.exec(text)) {
    for (const host of index.byPrefix.get(m[0]) ?? []) hit.add(host);
  }
  return inKnownOrder(hit, knownHosts, index);
}

/**
 * The hosts of `hit` in `knownHosts` order. Sorting the few hits by their position costs far less
 * than filtering the whole list per call (issue 11: 2,000 known hosts × every file's lookups);
 * a list with duplicates is filtered, so a repeated host is still reported as often as it is listed.
 */
function inKnownOrder(hit: ReadonlySet<string>, knownHosts: readonly string[], index: HostIndex): string[] {
  if (hit.size === 0) return [];
  const { position } = index;
  if (position === null) return knownHosts.filter((host) => hit.has(host));
  return [...hit].sort((a, b) => (position.get(a) as number) - (position.get(b) as number));
}

// --- internal helpers ---

/** Below this many known hosts a linear scan is as fast as building an index. */
const INDEX_THRESHOLD = 16;
/** The fixed start of a fleet host name, e.g. `atvm41-`. */
const FLEET_PREFIX = /atvm\d+-/g;

interface HostIndex {
  /** Fleet-shaped hosts by their `atvm<N>-` prefix. */
  readonly byPrefix: ReadonlyMap<string, readonly string[]>;
  /** Hosts without that shape, checked one by one. */
  readonly others: readonly string[];
  /** Each host's index in the known list; `null` when the list holds a host twice. */
  readonly position: ReadonlyMap<string, number> | null;
}

const INDEXES = new WeakMap<readonly string[], HostIndex>();

function hostIndex(knownHosts: readonly string[]): HostIndex {
  const cached = INDEXES.get(knownHosts);
  if (cached !== undefined) return cached;
  const byPrefix = new Map<string, string[]>();
  const others: string[] = [];
  const position = new Map<string, number>();
  for (const host of knownHosts) {
    if (!position.has(host)) position.set(host, position.size);
    const prefix = /^atvm\d+-/.exec(host)?.[0];
    if (prefix === undefined) others.push(host);
    else byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), host]);
  }
  const index: HostIndex = {
    byPrefix,
    others,
    position: position.size === knownHosts.length ? position : null,
  };
  INDEXES.set(knownHosts, index);
  return index;
}
