/**
 * A tiny glob matcher for artifact layouts (pure): `*` matches within one path segment, `**`
 * matches any number of whole segments (zero included), `?` one character other than `/`.
 * Everything else is literal (no braces, no character classes). Paths are POSIX.
 */

const SPECIAL = /[.+^${}()|[\]\\]/g;

/** `true` when `pattern` has a wildcard (`*` or `?`). */
export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/**
 * The anchored RegExp for `pattern`: `cypress/**\/test-result-*.xml` matches
 * `cypress/test-result-1.xml` and `cypress/a/b/test-result-1.xml`, not `cypress/a/test-result-1.json`.
 */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "*" && pattern[i + 1] === "*") {
      const atStart = i === 0 || pattern[i - 1] === "/";
      const atEnd = i + 2 === pattern.length || pattern[i + 2] === "/";
      if (atStart && atEnd) {
        if (i + 2 === pattern.length) {
          out += ".*";
          i += 2;
        } else {
          out += "(?:[^/]+/)*"; // `**/`: zero or more whole segments
          i += 3;
        }
        continue;
      }
      out += "[^/]*"; // `a**b` inside a segment behaves like `*`
      i += 2;
      continue;
    }
    if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else out += ch.replace(SPECIAL, "\\$&");
    i += 1;
  }
  return new RegExp(`^${out}$`);
}

/**
 * The folder to list for `pattern`: its leading segments before the first wildcard segment,
 * e.g. `cypress/cmcReporter/**\/x-*.xml` → `cypress/cmcReporter`; `""` for the root, `/` for `/*`.
 */
export function staticPrefix(pattern: string): string {
  const segments = pattern.split("/");
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (hasWildcard(segment)) break;
    fixed.push(segment);
  }
  const prefix = fixed.join("/");
  return prefix === "" && pattern.startsWith("/") ? "/" : prefix;
}
