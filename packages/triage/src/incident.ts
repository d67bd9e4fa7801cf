/**
 * Run-wide incidents: when many hosts fail at the same step with the same signature inside a short
 * window, that is one incident (most often infrastructure: the hypervisor, the network, the
 * datastore), not N unrelated failures. No peer does this; GitLab only stops recording history above
 * 200 failures (`MAX_TRACKABLE_FAILURES`, gitlabhq lib/gitlab/ci/reports/test_suite_comparer.rb).
 *
 * Definition (deterministic, order-independent): failures are grouped by key = (step, signature id,
 * or the message with digits folded when no signature matched). Within a group sorted by end time,
 * a greedy scan takes the earliest unclaimed failure at time t and every failure of the group with
 * end time ≤ t + windowMs; if that is at least `minHosts` distinct hosts, it is an incident and
 * those failures are claimed; else the scan moves to the next failure. Failures without an end time
 * never form incidents.
 */
import type { FailureClass } from "./catalog.ts";
import type { FailureDigest } from "./digest.ts";

/** Options of {@link detectIncidents}. */
export interface IncidentOptions {
  /** Fewest distinct hosts that make an incident. Default 3. */
  readonly minHosts?: number;
  /** Longest span, ms, from the first to the last failure of an incident. Default 10 minutes. */
  readonly windowMs?: number;
}

/** One run-wide incident. Times are UTC ms. */
export interface Incident {
  readonly step: number | null;
  /** Matched signature id, or `null` when the hosts share a message but no signature. */
  readonly signature: string | null;
  /** A representative message (the first failure's). */
  readonly message: string;
  readonly class: FailureClass;
  /** Hosts in end-time order. */
  readonly hosts: readonly string[];
  readonly from: number;
  readonly to: number;
  /** `true` when the class says infrastructure, or every host failed the same way in the window. */
  readonly likelyInfrastructure: boolean;
}

/** Default minimum host count of an incident. */
export const DEFAULT_INCIDENT_MIN_HOSTS: number = 3;
/** Default incident window, ms (10 minutes). */
export const DEFAULT_INCIDENT_WINDOW_MS: number = 10 * 60_000;

function keyOf(d: FailureDigest): string {
  const what = d.signature?.id ?? `msg:${d.message.replace(/\d+/g, "#").slice(0, 200)}`;
  return `${d.step ?? "-"}\u0000${what}`;
}

/** The incidents among `digests` (see the module doc for the exact rule), earliest first. */
export function detectIncidents(
  digests: readonly FailureDigest[],
  options: IncidentOptions = {},
): Incident[] {
  const minHosts = Math.max(2, options.minHosts ?? DEFAULT_INCIDENT_MIN_HOSTS);
  const windowMs = Math.max(0, options.windowMs ?? DEFAULT_INCIDENT_WINDOW_MS);
  const groups = new Map<string, FailureDigest[]>();
  for (const d of digests) {
    if (d.finishedAt === null) continue;
    const key = keyOf(d);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [d]);
    else list.push(d);
  }
  const out: Incident[] = [];
  for (const list of groups.values()) {
    const sorted = [...list].sort(
      (a, b) =>
        (a.finishedAt as number) - (b.finishedAt as number) ||
        (a.host < b.host ? -1 : a.host > b.host ? 1 : 0),
    );
    let i = 0;
    while (i < sorted.length) {
      const first = sorted[i] as FailureDigest;
      const start = first.finishedAt as number;
      let j = i;
      while (
        j + 1 < sorted.length &&
        ((sorted[j + 1] as FailureDigest).finishedAt as number) - start <= windowMs
      )
        j++;
      const members = sorted.slice(i, j + 1);
      const hosts = [...new Set(members.map((m) => m.host))];
      if (hosts.length >= minHosts) {
        out.push({
          step: first.step,
          signature: first.signature?.id ?? null,
          message: first.message,
          class: first.class,
          hosts,
          from: start,
          to: (members.at(-1) as FailureDigest).finishedAt as number,
          likelyInfrastructure: first.class === "infrastructure" || first.class === "runner-error",
        });
        i = j + 1;
      } else {
        i++;
      }
    }
  }
  return out.sort((a, b) => a.from - b.from || a.hosts.length - b.hosts.length);
}
