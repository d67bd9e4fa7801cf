/**
 * JUnit suites → observations (R11, R33): suites grouped by spec, each group's host recovered,
 * `check-xml-files.ts` groups turned into bookkeeping, same-host groups merged. Pure.
 */

import { isBookkeepingSpec } from "./bookkeeping.ts";
import { compactHostResult, type TestcaseDetail } from "./compact.ts";
import { flatOrNull } from "./flat.ts";
import { ambiguousAt, distinct, type HostPick, pickFrom, settleHost } from "./host-pick.ts";
import { findHost, hostFromSpec } from "./hosts.ts";
import type { Suite } from "./junit-cases.ts";
import { countTestcases, hostFromFileName, hostsInFileName, hostsNamedIn, issue } from "./reporter-common.ts";
import type {
  ArtifactMeta,
  BookkeepingObservation,
  EpochMs,
  HostEvidence,
  HostResultObservation,
  ParseIssue,
  ParseResult,
} from "./types.ts";

/** The suites of one spec: a group starts at each suite carrying `file=` (mocha's Root Suite). */
function groupBySpec(suites: readonly Suite[], knownHosts: readonly string[] | undefined): Suite[][] {
  if (suites.some((s) => s.file !== null)) {
    const groups: Suite[][] = [];
    for (const suite of suites) {
      const last = groups[groups.length - 1];
      if (suite.file !== null || last === undefined) groups.push([suite]);
      else last.push(suite);
    }
    return groups;
  }
  // No `file=` anywhere (generic JUnit): group suites by the host their names give; unnamed ones stay with the previous.
  const groups: Suite[][] = [];
  let lastHost: string | null = null;
  for (const suite of suites) {
    const named = hostsNamedIn(suite.name, knownHosts);
    const host = named.length === 1 ? (named[0] as string) : null;
    const last = groups[groups.length - 1];
    if (last === undefined || (host !== null && lastHost !== null && host !== lastHost)) groups.push([suite]);
    else last.push(suite);
    if (host !== null) lastHost = host;
  }
  return groups;
}

/** A group is bookkeeping when a suite's `file=` or `name=` is the `check-xml-files` spec ({@link isBookkeepingSpec}). */
function isBookkeeping(group: readonly Suite[]): boolean {
  return group.some((s) => (s.file !== null && isBookkeepingSpec(s.file)) || isBookkeepingSpec(s.name));
}

/** Host of one spec group from its content (R11): Root Suite `file=`, then suite names, then testcase names. */
function contentHost(group: readonly Suite[], knownHosts: readonly string[] | undefined): HostPick {
  const known = knownHosts !== undefined && knownHosts.length > 0 ? knownHosts : undefined;
  const files = group.flatMap((s) => (s.file === null ? [] : [s.file]));
  if (files.length > 0) {
    const hosts = distinct(
      files.map((f) => {
        if (known === undefined) return [hostFromSpec(f, undefined)].filter((h): h is string => h !== null);
        const found = findHost(f, known);
        return found === null ? [] : found === "ambiguous" ? ["ambiguous"] : [found];
      }),
    );
    if (hosts.includes("ambiguous")) return ambiguousAt("the Root Suite file=", files);
    const pick = pickFrom(
      hosts,
      known === undefined ? "spec-basename" : "root-suite-file",
      "the Root Suite file=",
    );
    if (pick !== null) return pick;
  }
  const bySuite = pickFrom(
    distinct(group.map((s) => hostsNamedIn(s.name, known))),
    "testsuite-name",
    "testsuite name=",
  );
  if (bySuite !== null) return bySuite;
  return pickFrom(
    distinct(group.flatMap((s) => s.testcases.map((c) => hostsNamedIn(c.names, known)))),
    "testcase-name",
    "testcase name=",
  );
}

/**
 * Observations of one JUnit document's suites: a {@link BookkeepingObservation} per
 * `check-xml-files` group, a {@link HostResultObservation} per host group (file name first when
 * the file holds one spec, else the group's content), `unresolved-host`/`ambiguous` issues.
 * `detail` `"notable"` compacts the host results ({@link compactHostResult}).
 */
export function toObservations(
  suites: readonly Suite[],
  meta: ArtifactMeta,
  detail: TestcaseDetail = "all",
): ParseResult<HostResultObservation | BookkeepingObservation> {
  const issues: ParseIssue[] = [];
  const observations: (HostResultObservation | BookkeepingObservation)[] = [];
  const known = meta.knownHosts;
  const fromName = hostFromFileName(meta.path, known);
  let groups = groupBySpec(suites, known);
  if (groups.length === 0) groups.push([]);
  // Every group empty (e.g. `<testsuite><testsuite file=""/></testsuite>`): one result for the
  // whole file, so the file still yields an observation or an issue (skipping each empty group
  // below would drop it silently).
  if (groups.length > 1 && groups.every((g) => !isBookkeeping(g) && isEmptyGroup(g)))
    groups = [groups.flat()];
  const hostGroups = groups.filter((g) => !isBookkeeping(g));
  for (const group of groups) {
    if (isBookkeeping(group)) {
      observations.push(bookkeeping(group, meta));
      continue;
    }
    // A grouped (categorized) XML opens with an empty `Root Suite` (tests="0", no file=) before the
    // hosts' suites: it holds no result and names no host, so it is neither a result nor an issue.
    if (groups.length > 1 && isEmptyGroup(group)) continue;
    let pick: HostPick;
    if (fromName === "ambiguous") {
      pick = ambiguousAt("the file name", hostsInFileName(meta.path, known));
    } else if (fromName !== null && (hostGroups.length === 1 || contentHost(group, known) === null)) {
      pick = { host: fromName, evidence: "file-name" };
    } else {
      pick = contentHost(group, known);
    }
    const { host, evidence } = settleHost(
      pick,
      meta,
      issues,
      () =>
        `no host in the file name, Root Suite file=, testsuite name= or testcase names${group[0] === undefined ? " (the XML has no testsuite)" : ` of suite "${group[0].name}"`}; pass knownHosts or name the host in the spec`,
    );
    observations.push(hostResult(group, meta, host, evidence, issues));
  }
  const merged = mergeSameHost(observations);
  return {
    observations:
      detail === "all" ? merged : merged.map((o) => (o.kind === "host-result" ? compactHostResult(o) : o)),
    issues,
  };
}

/** Two groups that resolve to the same host (one spec split by a stray `file=`) become one observation. */
function mergeSameHost(
  list: readonly (HostResultObservation | BookkeepingObservation)[],
): (HostResultObservation | BookkeepingObservation)[] {
  const out: (HostResultObservation | BookkeepingObservation)[] = [];
  for (const o of list) {
    const prev =
      o.kind === "host-result" && o.host !== null
        ? out.findIndex((p) => p.kind === "host-result" && p.host === o.host)
        : -1;
    const before = prev >= 0 ? out[prev] : undefined;
    if (before === undefined || before.kind !== "host-result" || o.kind !== "host-result") {
      out.push(o);
      continue;
    }
    const testcases = [...before.testcases, ...o.testcases];
    out[prev] = {
      ...before,
      spec: before.spec ?? o.spec,
      startedAt: minOf(before.startedAt, o.startedAt),
      finishedAt: maxOf(before.finishedAt, o.finishedAt),
      durationMs: null,
      counts: {
        total: before.counts.total + o.counts.total,
        passed: before.counts.passed + o.counts.passed,
        failed: before.counts.failed + o.counts.failed,
        skipped: before.counts.skipped + o.counts.skipped,
      },
      testcases,
    };
    const merged = out[prev];
    if (merged?.kind === "host-result" && merged.startedAt !== null && merged.finishedAt !== null) {
      out[prev] = { ...merged, durationMs: merged.finishedAt - merged.startedAt };
    }
  }
  return out;
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function groupTimes(group: readonly Suite[]): { startedAt: EpochMs | null; finishedAt: EpochMs | null } {
  let startedAt: EpochMs | null = null;
  let finishedAt: EpochMs | null = null;
  for (const s of group) {
    startedAt = minOf(startedAt, s.startedAt);
    finishedAt = maxOf(finishedAt, s.finishedAt);
  }
  return { startedAt, finishedAt };
}

/**
 * Tests a group's suites declare, each counted once: generic JUnit nests suites (Jenkins/Ant XSD,
 * Maven Surefire, go-junit-report) and a parent's `tests=` already includes its children's, so a
 * suite inside a suite that declares `tests=` adds nothing; a suite without `tests=` adds its own
 * testcases. `null` when no suite declares `tests=`.
 */
function declaredTests(group: readonly Suite[]): number | null {
  if (!group.some((s) => s.declaredTests !== null)) return null;
  let sum = 0;
  const open: { readonly depth: number; readonly declares: boolean }[] = [];
  for (const s of group) {
    while (open.length > 0 && (open[open.length - 1]?.depth ?? -1) >= s.depth) open.pop();
    if (!open.some((o) => o.declares)) sum += s.declaredTests ?? s.testcases.length;
    open.push({ depth: s.depth, declares: s.declaredTests !== null });
  }
  return sum;
}

/**
 * mocha-junit-reporter output (a `Root Suite` or a `file=` attribute, both its own): the one
 * producer that omits pending tests from `<testcase>`s while counting them in `tests=`.
 */
function isMochaJunit(group: readonly Suite[]): boolean {
  return group.some((s) => s.file !== null || s.name === "Root Suite");
}

function hostResult(
  group: readonly Suite[],
  meta: ArtifactMeta,
  host: string | null,
  hostEvidence: HostEvidence | null,
  issues: ParseIssue[],
): HostResultObservation {
  const testcases = group.flatMap((s) => s.testcases.map((c) => c.result));
  const declared = declaredTests(group);
  const seen = testcases.filter((t) => t.failure?.hook === undefined).length;
  let counts = countTestcases(testcases, declared);
  if (declared !== null && declared > seen && !isMochaJunit(group)) {
    // Only mocha-junit-reporter omits pending tests on purpose; elsewhere a shortfall may be a lost failure (W7).
    counts = { ...countTestcases(testcases, null), total: declared };
    issues.push(
      issue(
        meta,
        "invalid",
        `testsuite "${group[0]?.name ?? ""}" declares tests=${declared} but holds ${seen} testcase(s); the ${declared - seen} missing one(s) are not counted as skipped (not mocha-junit-reporter output)`,
      ),
    );
  }
  const { startedAt, finishedAt } = groupTimes(group);
  const caseMs = testcases.reduce<number | null>(
    (sum, t) => (t.durationMs === null ? sum : (sum ?? 0) + t.durationMs),
    null,
  );
  return {
    kind: "host-result",
    source: "junit",
    file: meta.path,
    host: flatOrNull(host),
    hostEvidence,
    spec: group.find((s) => s.file !== null)?.file ?? null,
    startedAt,
    finishedAt,
    durationMs: startedAt !== null && finishedAt !== null ? finishedAt - startedAt : caseMs,
    counts,
    testcases,
    mtimeMs: meta.mtimeMs ?? null,
  };
}

function bookkeeping(group: readonly Suite[], meta: ArtifactMeta): BookkeepingObservation {
  const { startedAt, finishedAt } = groupTimes(group);
  const failed = group.flatMap((s) => s.testcases.filter((c) => c.result.state === "failed"));
  const failedHosts = distinct(
    failed.map((c) => hostsNamedIn(`${c.names}\n${c.result.failure?.message ?? ""}`, meta.knownHosts)),
  );
  return {
    kind: "bookkeeping",
    file: meta.path,
    finishedAt: finishedAt ?? startedAt,
    startedAt,
    passed: failed.length === 0,
    failedHosts,
    mtimeMs: meta.mtimeMs ?? null,
  };
}

/** `true` for suites that declare no tests and hold no testcase (mocha-junit-reporter's bare Root Suite). */
function isEmptyGroup(group: readonly Suite[]): boolean {
  return group.every((s) => s.testcases.length === 0 && (s.declaredTests ?? 0) === 0);
}
