/**
 * The flaky-host pieces of the fixed layout (issue 10 flaky evidence, `HostEntry.flaky`): the marker
 * after a PASS host's status and the one NOTES line naming every flaky host. Pure.
 */
import type { HostEntry } from "@atvm-watch/engine";
import { oneLine, plural } from "./format.ts";
import { andMore, NOTES_LIST_LIMIT } from "./safety.ts";

/**
 * The flaky marker right after a PASS host's status, `(flaky: 2 attempts)`: the host passed only
 * after a failed attempt (issue 10 flaky evidence; `HostEntry.flaky`). `""` for every other host.
 */
export function flakyMarker(host: HostEntry): string {
  if (host.status !== "PASS" || host.flaky === undefined) return "";
  return ` (flaky: ${plural(Math.max(2, host.flaky.attempts), "attempt")})`;
}

const FLAKY_SOURCE: Readonly<Record<NonNullable<HostEntry["flaky"]>["source"], string>> = {
  "reporter-json": "mocha currentRetry",
  "runner-log": "console (Attempt N of M)",
  "same-run-results": "an earlier failed result of the same run",
};

/**
 * The NOTES line naming every flaky PASS host, e.g.
 * `Flaky (passed after a failed attempt): atvm17-ubuntu24.04 step 3 (Uninstall CMC if still exists) took 2 attempts [mocha currentRetry]`;
 * hosts joined by `; `, the first {@link NOTES_LIST_LIMIT} then `… and N more` (R31); `null` when none.
 */
export function flakyNote(hosts: readonly HostEntry[]): string | null {
  const flaky = hosts.filter((h) => h.status === "PASS" && h.flaky !== undefined);
  if (flaky.length === 0) return null;
  const one = (h: HostEntry): string => {
    const f = h.flaky as NonNullable<HostEntry["flaky"]>;
    const tests = f.tests
      .slice(0, 3)
      .map((t) => {
        const title = oneLine(t.title);
        const name = t.step !== null ? `step ${t.step}${title.length > 0 ? ` (${title})` : ""}` : title;
        return `${name} took ${plural(t.attempts, "attempt")}`;
      })
      .join(", ");
    const more = f.tests.length > 3 ? ` and ${f.tests.length - 3} more tests` : "";
    const what = tests.length > 0 ? ` ${tests}${more}` : ` spec passed on run ${f.attempts}`;
    return `${oneLine(h.host)}${what} [${FLAKY_SOURCE[f.source]}]`;
  };
  const more = andMore(flaky.length, NOTES_LIST_LIMIT, "flaky hosts");
  return `Flaky (passed after a failed attempt): ${flaky.slice(0, NOTES_LIST_LIMIT).map(one).join("; ")}${more === null ? "" : ` ${more}`}`;
}
