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
 * by fixed paths; it is updated). Appends the matched entries per kind to `into`, in listing order.
 * `memo` (optional) keeps the verdict per path for these `globs` between polls, so an unchanged
 * listing costs one map lookup a path instead of a regex test per glob (issue "Fleet scale", P3);
 * `null` = no glob matches. It must be dropped when the globs change.
 */
export function classifyEntries<K extends string>(
  entries: readonly ArtifactEntry[],
  globs: readonly PlannedGlob<K>[],
  seen: Set<string>,
  into: Record<K, ArtifactEntry[]>,
  memo?: Map<string, K | null>,
): void {
  for (const entry of entries) {
    let kind = memo?.get(entry.path);
    if (kind === undefined) {
      kind = globs.find((g) => g.re.test(entry.path))?.kind ?? null;
      memo?.set(entry.path, kind);
    }
    if (kind === null || seen.has(entry.path)) continue;
    seen.add(entry.path);
    into[kind].push(entry);
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

/** `true` when `entries` are already in {@link byPath} order (one listed folder: the port's order). */
export function isSortedByPath(entries: readonly { readonly path: string }[]): boolean {
  for (let i = 1; i < entries.length; i++)
    if ((entries[i - 1] as { path: string }).path > (entries[i] as { path: string }).path) return false;
  return true;
}

/** Sort by path in UTF-16 code unit order (the port's order). */
export function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
