/**
 * Reporter JSON reads → host results (R11, W7): host recovery per spec group (spec file, the
 * per-host reporter path, the file name, test titles), bookkeeping groups dropped, hook skips
 * folded, same-host groups merged. Pure.
 */

import { isBookkeepingSpec } from "./bookkeeping.ts";
import { type HostPick, settleHost } from "./host-pick.ts";
import { findHost, hostFromSpec } from "./hosts.ts";
import {
  countTestcases,
  fileStem,
  hostFromFileName,
  hostsForStem,
  hostsNamedIn,
  reporterPathSegment,
} from "./reporter-common.ts";
import type { ReadTest, Report } from "./reporter-walk.ts";
import type { ArtifactMeta, HostResultObservation, ParseIssue } from "./types.ts";

/**
 * A failed hook stands for the test it names: mochawesome also lists that test as skipped, so the
 * skipped entry is dropped (the step reads failed, counts add up).
 */
function withoutHookSkips(tests: readonly ReadTest[]): readonly ReadTest[] {
  if (!tests.some((t) => t.hookFor !== null)) return tests;
  const named = new Set<string>();
  for (const t of tests) if (t.hookFor !== null) named.add(t.hookFor);
  return tests.filter((t) => {
    if (t.result.state !== "skipped" || !named.has(t.rawTitle)) return true;
    named.delete(t.rawTitle);
    return false;
  });
}

function fromSpecFile(file: string | null, known: readonly string[] | undefined): HostPick {
  if (file === null || file === "") return null;
  if (known === undefined) {
    const base = hostFromSpec(file, undefined);
    return base === null ? null : { host: base, evidence: "spec-basename" };
  }
  const found = findHost(file, known);
  if (found === null) return null;
  return found === "ambiguous"
    ? { host: null, ambiguous: `the spec file ${file} names several known hosts` }
    : { host: found, evidence: "root-suite-file" };
}

function fromPath(path: string, known: readonly string[] | undefined): HostPick {
  const segment = reporterPathSegment(path);
  if (segment !== null) {
    if (known === undefined) return { host: segment, evidence: "reporter-path" };
    if (known.includes(segment)) return { host: segment, evidence: "reporter-path" };
    const found = findHost(segment, known);
    if (found === "ambiguous")
      return { host: null, ambiguous: `the reporter folder ${segment} names several known hosts` };
    if (found !== null) return { host: found, evidence: "reporter-path" };
  }
  // Without known hosts a host-shaped file name may be a mochawesome stem cut at its first dot: never guess (W7).
  if (known === undefined) return null;
  const full = hostFromFileName(path, known);
  if (full === "ambiguous")
    return { host: null, ambiguous: `the file name ${fileStem(path)} names several hosts` };
  if (full !== null) return { host: full, evidence: "file-name" };
  const stem = fileStem(path);
  const candidates = hostsForStem(stem, known);
  if (candidates.length > 1) {
    return {
      host: null,
      ambiguous: `the mochawesome name "${stem}" is cut at the first dot and matches ${candidates.length} known hosts (${candidates.join(", ")})`,
    };
  }
  return candidates.length === 1 ? { host: candidates[0] as string, evidence: "file-name" } : null;
}

function fromTitles(tests: readonly ReadTest[], known: readonly string[] | undefined): HostPick {
  const found: string[] = [];
  for (const t of tests) for (const h of hostsNamedIn(t.names, known)) if (!found.includes(h)) found.push(h);
  if (found.length === 0) return null;
  return found.length === 1
    ? { host: found[0] as string, evidence: "testcase-name" }
    : { host: null, ambiguous: `test titles name several hosts (${found.join(", ")})` };
}

/**
 * `check-xml-files.ts` output is bookkeeping, never a host result (R11): its reporter JSON yields
 * no observation. The spec file decides when the group names one ({@link isBookkeepingSpec});
 * else every test must sit in a suite titled `check-xml-files` (`ReadTest.inBookkeeping`).
 */
function isBookkeeping(group: {
  readonly file: string | null;
  readonly tests: readonly ReadTest[];
}): boolean {
  if (group.file !== null) return isBookkeepingSpec(group.file);
  return group.tests.length > 0 && group.tests.every((t) => t.inBookkeeping);
}

/**
 * One {@link HostResultObservation} per host spec group of a report; `unresolved-host` and
 * `ambiguous` issues are pushed on `issues` (the observation then has `host: null`).
 */
export function toObservations(
  report: Report,
  meta: ArtifactMeta,
  issues: ParseIssue[],
): HostResultObservation[] {
  const known = meta.knownHosts !== undefined && meta.knownHosts.length > 0 ? meta.knownHosts : undefined;
  const out: HostResultObservation[] = [];
  const groups = report.groups.length > 0 ? report.groups : [{ file: null, tests: [] }];
  for (const group of groups) {
    if (isBookkeeping(group)) continue;
    const pick =
      fromSpecFile(group.file, known) ?? fromPath(meta.path, known) ?? fromTitles(group.tests, known);
    const { host, evidence } = settleHost(pick, meta, issues, () => {
      const stemNote =
        known === undefined && reporterPathSegment(meta.path) === null
          ? `; the name "${fileStem(meta.path)}" may be a mochawesome stem cut at its first dot, so pass knownHosts`
          : "";
      return `no host in the spec file, reporter path, file name or test titles${stemNote}`;
    });
    const existing = host === null ? undefined : out.find((o) => o.host === host);
    const testcases = [...(existing?.testcases ?? []), ...withoutHookSkips(group.tests).map((t) => t.result)];
    // Tests the group lists (hook entries excluded), counted before hook-skips are folded in.
    const listed = (existing?.counts.total ?? 0) + group.tests.filter((t) => !t.hook).length;
    const declared = groups.length === 1 && report.declaredTotal !== null ? report.declaredTotal : listed;
    const observation: HostResultObservation = {
      kind: "host-result",
      source: report.source,
      file: meta.path,
      host,
      hostEvidence: evidence,
      spec: group.file ?? existing?.spec ?? null,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      durationMs: report.durationMs,
      counts: countTestcases(testcases, declared),
      testcases,
      mtimeMs: meta.mtimeMs ?? null,
      ...(report.unfinished === true ? { unfinished: true as const } : {}),
    };
    if (existing === undefined) out.push(observation);
    else out[out.indexOf(existing)] = observation;
  }
  return out;
}
