/**
 * The triage a finished-run Mattermost post carries (T1, T2, T4): each FAIL host's class and
 * matched signature, the run-wide incident lines, and the baseline verdict. The shape is the one
 * `@atvm-watch/status` `renderMarkdown` accepts as `options.triage` (`PostTriage`); status does not
 * depend on triage, so the shape is repeated here and kept equal by the types at the call site.
 */
import type { RunDiff } from "./diff.ts";
import type { FailureDigest } from "./digest.ts";
import type { Incident } from "./incident.ts";
import { incidentLine } from "./render.ts";

/** What the post shows from triage. */
export interface PostTriageData {
  readonly hosts: Readonly<Record<string, { readonly class: string; readonly signature: string | null }>>;
  readonly incidents: readonly string[];
  readonly diff?: {
    readonly verdict: RunDiff["verdict"];
    readonly baseline: string;
    readonly newlyFailing: readonly string[];
  };
}

/**
 * Builds the post's triage from a run's digests and incidents (times of incident lines in `zone`,
 * an IANA name) and, when a baseline is configured, its diff.
 */
export function postTriage(
  digests: readonly FailureDigest[],
  incidents: readonly Incident[],
  zone: string,
  diff?: RunDiff,
): PostTriageData {
  // fromEntries defines own properties, so a host named `__proto__` stays a plain key.
  const hosts = Object.fromEntries(
    digests.map((d) => [d.host, { class: d.class, signature: d.signature?.id ?? null }]),
  );
  return {
    hosts,
    incidents: incidents.map((i) => incidentLine(i, zone)),
    ...(diff !== undefined
      ? {
          diff: {
            verdict: diff.verdict,
            baseline: diff.baseline,
            newlyFailing: diff.newlyFailing.map((f) => f.host),
          },
        }
      : {}),
  };
}
