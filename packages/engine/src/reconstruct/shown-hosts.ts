/**
 * Which hosts the status shows (R10, R3): the scope first, then hosts this run's evidence names
 * (the list never shrinks), each once; skipped hosts come later, as entries. Pure.
 */
import { HOST_NAME_PATTERN, type HostResultObservation } from "@atvm-watch/artifacts";
import type { Scope } from "../domain.ts";
import { isBookkeepingSpec } from "../scope.ts";
import { type Attempt, groupAttempts } from "./evidence.ts";
import type { LogFacts } from "./log-facts.ts";
import type { HostNotes } from "./notes.ts";
import { compareText, unique } from "./util.ts";

/** Input of {@link shownHostsOf}. */
export interface ShownHostsInput {
  readonly scope: Scope;
  /** Same-run host results (every one has a host). */
  readonly results: readonly HostResultObservation[];
  readonly facts: LogFacts;
  /** Fleet host names (a runner-log host counts when known). */
  readonly knownHosts: readonly string[];
  /** Hosts of the live Cypress config's current batch. */
  readonly configHosts: readonly string[];
  readonly currentVm: string | null;
  /** Where notes about hosts outside the scope go. */
  readonly notes: HostNotes;
}

/** The shown hosts and what was learnt choosing them. */
export interface ShownHosts {
  /** Scope hosts, then evidence hosts outside the scope. */
  readonly hosts: readonly string[];
  readonly scopeSet: ReadonlySet<string>;
  /** Shown hosts outside the scope. */
  readonly extras: readonly string[];
  /** Same-run attempts per host, most recent first. */
  readonly attemptsByHost: ReadonlyMap<string, readonly Attempt[]>;
}

/**
 * Scope hosts, then hosts with a same-run result, an empty suite too (earliest first), then runner-log
 * hosts that are in the scope, known or host-shaped, then (only without a scope) the live
 * config's hosts; bookkeeping specs never. A skipped host that ran, or (with a scope) a host
 * outside it that has results, gets a note.
 */
export function shownHostsOf(input: ShownHostsInput): ShownHosts {
  const resultsByHost = new Map<string, HostResultObservation[]>();
  for (const r of input.results) {
    const list = resultsByHost.get(r.host as string) ?? [];
    list.push(r);
    resultsByHost.set(r.host as string, list);
  }
  const attemptsByHost = new Map<string, readonly Attempt[]>();
  for (const [host, list] of resultsByHost) attemptsByHost.set(host, groupAttempts(list));

  const scopeHosts = unique(input.scope.hosts).filter((h) => !isBookkeepingSpec(h));
  const scopeSet = new Set(scopeHosts);
  const known = new Set(input.knownHosts);
  const { currentVm } = input;
  const evidenceHosts = unique([
    ...[...attemptsByHost.entries()]
      .sort(
        ([ha, a], [hb, b]) =>
          (a[0]?.time ?? Number.POSITIVE_INFINITY) - (b[0]?.time ?? Number.POSITIVE_INFINITY) ||
          compareText(ha, hb),
      )
      .map(([host]) => host),
    ...input.facts.hostsInLogOrder.filter(
      (h) => scopeSet.has(h) || known.has(h) || HOST_NAME_PATTERN.test(h),
    ),
    ...(scopeHosts.length === 0 ? [...input.configHosts, ...(currentVm === null ? [] : [currentVm])] : []),
  ]).filter((h) => !isBookkeepingSpec(h));
  const skippedByHost = new Map(input.scope.skipped.map((s) => [s.host, s.reason]));
  const extras = evidenceHosts.filter((h) => !scopeSet.has(h));
  for (const host of extras) {
    const reason = skippedByHost.get(host);
    if (reason !== undefined) input.notes.add(host, `${host} is skipped (${reason}) but ran in this run`);
    else if (scopeHosts.length > 0)
      input.notes.add(host, `${host} is not in the run's scope but has results from this run`);
  }
  return { hosts: [...scopeHosts, ...extras], scopeSet, extras, attemptsByHost };
}
