/**
 * The outcome of host recovery for one result group (R11, W7), shared by the JUnit and reporter
 * JSON parsers: a host with its evidence, an ambiguity (several hosts at the deciding level;
 * nothing is guessed), or nothing. Pure.
 */

import { issue } from "./reporter-common.ts";
import type { ArtifactMeta, HostEvidence, ParseIssue } from "./types.ts";

/**
 * One level's answer: `{host, evidence}`; `{host: null, ambiguous}` where `ambiguous` is a phrase
 * naming the level and the candidates (`the Root Suite file= names several hosts (a, b)`); `null`
 * when the level names no host (the caller tries the next level).
 */
export type HostPick =
  | { readonly host: string; readonly evidence: HostEvidence }
  | { readonly host: null; readonly ambiguous: string }
  | null;

/**
 * A pick from the hosts one level found: none → `null`, one → that host, several → an ambiguity
 * `"<level> names several hosts (<a>, <b>)"`.
 */
export function pickFrom(found: readonly string[], evidence: HostEvidence, level: string): HostPick {
  if (found.length === 0) return null;
  if (found.length === 1) return { host: found[0] as string, evidence };
  return ambiguousAt(level, found);
}

/** The ambiguity `"<level> names several hosts (<a>, <b>)"`. */
export function ambiguousAt(level: string, candidates: readonly string[]): HostPick {
  return { host: null, ambiguous: `${level} names several hosts (${candidates.join(", ")})` };
}

/** The distinct strings of several lists, in first-seen order. */
export function distinct(lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const h of list) if (!out.includes(h)) out.push(h);
  return out;
}

/**
 * Settles a pick into the observation's `host`/`hostEvidence`; `null` becomes an `unresolved-host`
 * issue with the `unresolved` text, an ambiguity an `ambiguous` issue (both pushed on `issues`),
 * and both leave `host: null` (never a guess, W7).
 */
export function settleHost(
  pick: HostPick,
  meta: ArtifactMeta,
  issues: ParseIssue[],
  unresolved: () => string,
): { readonly host: string | null; readonly evidence: HostEvidence | null } {
  if (pick === null) {
    issues.push(issue(meta, "unresolved-host", unresolved()));
    return { host: null, evidence: null };
  }
  if (pick.host === null) {
    issues.push(issue(meta, "ambiguous", `${pick.ambiguous}; not guessing which one this result is`));
    return { host: null, evidence: null };
  }
  return { host: pick.host, evidence: pick.evidence };
}
