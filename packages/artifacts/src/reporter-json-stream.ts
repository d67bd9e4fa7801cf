/**
 * mocha `json-stream` reports (mocha 10–12 `lib/reporters/json-stream.js`): one JSON array per
 * line — `["start",{total}]`, `["pass",{…}]`, `["fail",{…, err, stack}]`, `["end",{stats}]`;
 * lines that are not events are skipped. Pure.
 */

import { issue } from "./reporter-common.ts";
import { mochaTest } from "./reporter-mocha-json.ts";
import { byFile, isRecord, type Limits, type ReadTest, type Report, times } from "./reporter-walk.ts";
import type { ArtifactMeta, ParseIssue } from "./types.ts";

/**
 * Reads a json-stream body; `null` (with an `invalid` issue) when no line is an event. Without
 * the `end` event (the spec is still running, or was cut off) the report is `unfinished`: the
 * tests reported so far, no times (json-stream's `start` event carries none), `declaredTotal`
 * from `start`; that is the normal state of a live per-host event log, so no issue is raised
 * (an issue would also make the collector hold on to an earlier read while the log grows).
 * With neither `start` nor a test event (only `end`-less noise) it is `incomplete`. Unparseable
 * lines other than the last (which may be half-written) give one `malformed` issue and are skipped.
 */
export function readJsonStream(
  body: string,
  meta: ArtifactMeta,
  limits: Limits,
  issues: ParseIssue[],
): Report | null {
  const lines = body.split("\n");
  const tests: ReadTest[] = [];
  let total: number | null = null;
  let end: unknown = null;
  let events = 0;
  let bad = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (!line.startsWith('["')) continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      if (i < lines.length - 1) bad++;
      continue;
    }
    if (!Array.isArray(event) || typeof event[0] !== "string") continue;
    const [name, data] = event as [string, unknown];
    events++;
    if (name === "start" && isRecord(data) && typeof data.total === "number") total = data.total;
    else if (name === "pass" || name === "fail") {
      const test = mochaTest(data, name === "pass" ? "passed" : "failed", limits);
      if (test !== null) tests.push(test);
    } else if (name === "end") end = data;
  }
  if (events === 0) {
    issues.push(
      issue(meta, "invalid", 'not a mocha json-stream report: no ["start"|"pass"|"fail"|"end", {…}] lines'),
    );
    return null;
  }
  if (bad > 0)
    issues.push(issue(meta, "malformed", `${bad} json-stream line(s) are not valid JSON and were skipped`));
  if (end === null) {
    if (total === null && tests.length === 0) {
      issues.push(
        issue(
          meta,
          "incomplete",
          `json-stream has no ["start", …] and no ["end", …] event after ${events} event(s): the run is still going or was cut off`,
        ),
      );
      return null;
    }
    const noTimes = { startedAt: null, finishedAt: null, durationMs: null };
    return {
      source: "mocha-json-stream",
      groups: byFile(tests),
      ...noTimes,
      declaredTotal: total,
      unfinished: true,
    };
  }
  const t = times(end);
  return { source: "mocha-json-stream", groups: byFile(tests), ...t, declaredTotal: total ?? t.tests };
}
