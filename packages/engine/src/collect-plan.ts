/**
 * Pure planning steps of one collector poll: which folders to list and paths to stat for a
 * layout, and which kind each listed file belongs to. No I/O.
 */
import { globToRegExp, hasWildcard, staticPrefix } from "./collect-glob.ts";
import type { ArtifactEntry, ListingIssue } from "./ports.ts";

/** One glob of the layout after `~/` and `{build}` expansion. */
export interface PlannedGlob<K extends string> {
  readonly kind: K;
  readonly prefix: string;
  readonly re: RegExp;
}

/** What to ask the source for in one poll. */
export interface PollPlan<K extends string> {
  /** Fixed (wildcard-free) paths to `stat`, in dispatch order. */
  readonly fixed: readonly { readonly kind: K; readonly path: string }[];
  readonly globs: readonly PlannedGlob<K>[];
  /** Folders to `list`: each minimal glob prefix once (none inside another). */
  readonly listed: readonly string[];
}

/** `true` when listing `outer` already covers `inner` (relative `""` covers every relative path). */
function covers(outer: string, inner: string): boolean {
  return (
    outer === inner ||
    (outer === "" && !inner.startsWith("/")) ||
    inner.startsWith(outer.endsWith("/") ? outer : `${outer}/`)
  );
}

/**
 * Plans a poll: `patterns` are the layout's patterns by kind, in dispatch order, already expanded
 * (`null` = skipped this poll, e.g. a `{build}` pattern while the build is unknown).
 */
export function planPoll<K extends string>(
  patterns: readonly { readonly kind: K; readonly pattern: string | null }[],
): PollPlan<K> {
  const fixed: { kind: K; path: string }[] = [];
  const globs: PlannedGlob<K>[] = [];
  for (const { kind, pattern } of patterns) {
    if (pattern === null) continue;
    if (hasWildcard(pattern)) globs.push({ kind, prefix: staticPrefix(pattern), re: globToRegExp(pattern) });
    else fixed.push({ kind, path: pattern });
  }
  const prefixes = [...new Set(globs.map((g) => g.prefix))].sort((a, b) => a.length - b.length);
  const listed: string[] = [];
  for (const prefix of prefixes) if (!listed.some((outer) => covers(outer, prefix))) listed.push(prefix);
  return { fixed, globs, listed };
}

/**
 * Assigns listed entries to the first glob that matches (`seen` holds paths already taken, e.g.
 * by fixed paths; it is updated). Returns the matched entries per kind, unsorted.
 */
export function classifyEntries<K extends string>(
  entries: readonly ArtifactEntry[],
  globs: readonly PlannedGlob<K>[],
  seen: Set<string>,
  into: Record<K, ArtifactEntry[]>,
): void {
  for (const entry of entries) {
    if (seen.has(entry.path)) continue;
    const match = globs.find((g) => g.re.test(entry.path));
    if (match === undefined) continue;
    seen.add(entry.path);
    into[match.kind].push(entry);
  }
}

/**
 * The listing issues that concern the layout: every folder issue (its files are unknown, any
 * could be an artifact) and the file issues whose path a glob matches.
 */
export function relevantListingIssues<K extends string>(
  issues: readonly ListingIssue[],
  globs: readonly PlannedGlob<K>[],
): ListingIssue[] {
  return issues.filter((i) => i.target === "folder" || globs.some((g) => g.re.test(i.path)));
}

/** Sort by path in UTF-16 code unit order (the port's order). */
export function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
