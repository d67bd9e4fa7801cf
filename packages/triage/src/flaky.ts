/**
 * Flaky hosts in triage (issue 10 flaky evidence): the PASS hosts that passed only after a failed
 * attempt, as the engine found them (`HostEntry.flaky`: mocha `currentRetry`, console
 * `(Attempt N of M)`, or an earlier failed same-run result). A flaky host is not a failure, but it
 * is the first place to look before the next run fails for real.
 */
import type { FlakyEvidence, Snapshot } from "@atvm-watch/engine";

/** One flaky host of a run. */
export interface FlakyHost {
  readonly host: string;
  readonly batch?: string;
  /** The most attempts any one test (or the spec) took, ≥ 2. */
  readonly attempts: number;
  /** The retried tests in step order. */
  readonly tests: FlakyEvidence["tests"];
  readonly source: FlakyEvidence["source"];
}

/** The flaky PASS hosts of `snapshot`, in the snapshot's host order. */
export function flakyHosts(snapshot: Snapshot): FlakyHost[] {
  const out: FlakyHost[] = [];
  for (const h of snapshot.hosts) {
    if (h.status !== "PASS" || h.flaky === undefined) continue;
    out.push({
      host: h.host,
      ...(h.batch !== undefined ? { batch: h.batch } : {}),
      attempts: Math.max(2, h.flaky.attempts),
      tests: h.flaky.tests,
      source: h.flaky.source,
    });
  }
  return out;
}
