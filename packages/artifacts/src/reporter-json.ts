/**
 * Reporter JSON → host results (R11, R17, R33, W7). Pure.
 *
 * Auto-detects three shapes:
 * - mochawesome 6–8 (`reporter-mochawesome.ts`; `{stats, results[], meta}`): suites nest in `suites[]`,
 *   tests carry `state` (`passed`/`failed`/`pending`, absent when skipped), failed hooks sit in
 *   `beforeHooks`/`afterHooks`. zod checks the outer document (`stats`, `results[]`); the suite and
 *   test trees are walked by hand-written guards that read only the fields kept (title, fullTitle,
 *   state/pass/fail, duration, timedOut, isHook, err.message/estack/name, file/fullFile) as own
 *   properties, without copying. Unknown fields are ignored and each kept field is checked on its
 *   own (a wrong type reads as absent), so a version's extra or missing fields do not reject the report.
 * - mocha `json` (`reporter-mocha-json.ts`; `{stats, tests[], pending[], failures[], passes[]}`, mocha 10–12).
 * - mocha `json-stream` (`reporter-json-stream.ts`; one JSON array per line: `["start",{total}]`, `["pass",{…}]`,
 *   `["fail",{…, err, stack}]`, `["end",{stats}]`); lines that are not events are skipped.
 *
 * Shared walking (field guards, times, the test record) is `reporter-walk.ts`; host recovery and
 * observations are `reporter-observe.ts`.
 */

import { compactHostResult, type TestcaseDetail } from "./compact.ts";
import {
  DEFAULT_MAX_ARTIFACT_BYTES,
  DEFAULT_MAX_STACK_CHARS,
  describeCause,
  issue,
  prepareTextInput,
  textContentIssue,
} from "./reporter-common.ts";
import { readJsonStream } from "./reporter-json-stream.ts";
import { readMochaJsonDocument } from "./reporter-mocha-json.ts";
import { readMochawesomeDocument } from "./reporter-mochawesome.ts";
import { toObservations } from "./reporter-observe.ts";
import { isRecord, type Limits, type Report } from "./reporter-walk.ts";
import type { ArtifactMeta, HostResultObservation, ParseIssue, ParseResult } from "./types.ts";

/** Bounds for {@link parseReporterJson}. */
export interface ReporterJsonOptions {
  /** Largest input accepted, in bytes (`max(text.length, meta.sizeBytes)`); default 16 MiB → `too-large`. */
  readonly maxBytes?: number;
  /** Deepest mochawesome suite nesting read; default 64 → `too-deep`. */
  readonly maxDepth?: number;
  /** Longest failure stack and message kept, in characters; default 8 KiB. */
  readonly maxStackChars?: number;
  /**
   * Which testcases the host results list; default `"all"`. `"notable"`: the failed and retried
   * ones only (every testcase of an `unfinished` json-stream), the others counted in
   * `HostResultObservation.omitted` (artifacts `compactHostResult`; the collector's choice, issue 11 P4).
   */
  readonly testcases?: TestcaseDetail;
}

/**
 * Parses a mochawesome, mocha `json` or mocha `json-stream` report into one
 * {@link HostResultObservation} per host spec it holds (normally one).
 *
 * Host recovery (R11, W7), strongest first: the spec file the report names (mochawesome
 * `results[].file`/`fullFile`, mocha test `file`) matched against `meta.knownHosts` (without a
 * known list, the spec's base name); the per-host reporter path `…/cmcReporter/logs/<host>/…`;
 * the file name — mochawesome's `[name]` stem is cut at the first dot (`atvm41-redhat6.json` for
 * `atvm41-redhat6.0`), so it maps back through known hosts by prefix and several candidates give
 * an `ambiguous` issue, never a guess; last, host names in suite/test titles.
 *
 * A `check-xml-files.ts` spec (bookkeeping, R11) yields no observation and no issue.
 *
 * Times come from the report only (R33): `stats.start`/`stats.end` (mochawesome, mocha json,
 * json-stream `end`); file mtimes are never used. Zero tests give zero counts, not a pass (W7):
 * the engine decides what an empty result means.
 *
 * A json-stream without its `end` event (a live per-host event log) gives an observation marked
 * `unfinished` with the tests reported so far and no times, and no issue.
 *
 * Issues (never throws): `too-large`, `empty`, `binary`, `incomplete` (truncated JSON, or a
 * json-stream with neither `start`, a test nor `end` — then no observation is made), `malformed` (not JSON),
 * `invalid` (JSON of another shape), `too-deep`, `unresolved-host`, `ambiguous`; `internal` only for a
 * parser bug (the last-resort catch).
 */
export function parseReporterJson(
  text: string,
  meta: ArtifactMeta,
  options?: ReporterJsonOptions,
): ParseResult<HostResultObservation> {
  try {
    return parseUnsafe(text, meta, options ?? {});
  } catch (cause) {
    return {
      observations: [],
      issues: [issue(meta, "internal", `reporter JSON parser bug (please report): ${describeCause(cause)}`)],
    };
  }
}

function parseUnsafe(
  text: string,
  meta: ArtifactMeta,
  options: ReporterJsonOptions,
): ParseResult<HostResultObservation> {
  const what = "reporter JSON";
  const input = prepareTextInput(text, meta, options.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES, what);
  if (!input.ok) return { observations: [], issues: [input.issue] };
  const limits: Limits = {
    maxDepth: options.maxDepth ?? 64,
    maxStack: options.maxStackChars ?? DEFAULT_MAX_STACK_CHARS,
  };
  const body = input.text.trim();
  const issues: ParseIssue[] = [];
  let report: Report | null;
  if (body.startsWith("[")) {
    const binary = textContentIssue(input.text, meta, what);
    if (binary !== null) return { observations: [], issues: [binary] };
    report = readJsonStream(body, meta, limits, issues);
  } else {
    // The content checks (NUL, control characters) run after JSON.parse, and only when its
    // success does not already prove them: the outcome is the same, the common case is cheaper.
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (cause) {
      const binary = textContentIssue(input.text, meta, what);
      if (binary !== null) return { observations: [], issues: [binary] };
      const message = cause instanceof Error ? cause.message : String(cause);
      const truncated =
        body.startsWith("{") && (!body.endsWith("}") || /end of (JSON )?input|unterminated/i.test(message));
      return {
        observations: [],
        issues: [
          issue(
            meta,
            truncated ? "incomplete" : "malformed",
            truncated
              ? `truncated reporter JSON: ${body.length} characters end before the document closes`
              : `not JSON: ${message.slice(0, 200)}`,
          ),
        ],
      };
    }
    if (!parsedJsonIsText(input.text, body)) {
      const binary = textContentIssue(input.text, meta, what);
      if (binary !== null) return { observations: [], issues: [binary] };
    }
    report = readDocument(doc, meta, limits, issues);
  }
  if (report === null) return { observations: [], issues };
  const observations = toObservations(report, meta, issues);
  return {
    observations: options.testcases === "notable" ? observations.map(compactHostResult) : observations,
    issues,
  };
}

/**
 * `true` when `text`, whose `trim()` (`trimmed`) `JSON.parse` accepted, surely passes
 * `textContentIssue`. JSON allows no raw control character (U+0000–U+001F) inside strings, and
 * only space, tab, LF and CR between tokens; so of the characters that check counts, only U+FFFD
 * (inside strings) and VT/FF (in the whitespace `trim()` removed) can be present. Without those,
 * the check would find nothing; with them the caller runs it.
 */
function parsedJsonIsText(text: string, trimmed: string): boolean {
  if (text.indexOf("\uFFFD") >= 0) return false;
  return text.length === trimmed.length || (text.indexOf("\u000B") < 0 && text.indexOf("\u000C") < 0);
}

/** Dispatches a parsed JSON document to the format its top-level keys name; `null` (with an `invalid` issue) for another shape. */
function readDocument(doc: unknown, meta: ArtifactMeta, limits: Limits, issues: ParseIssue[]): Report | null {
  if (!isRecord(doc)) {
    issues.push(issue(meta, "invalid", "not a reporter report: the JSON is not an object"));
    return null;
  }
  if (Object.hasOwn(doc, "results")) return readMochawesomeDocument(doc, meta, limits, issues);
  if (Object.hasOwn(doc, "stats") && (Object.hasOwn(doc, "tests") || Object.hasOwn(doc, "passes")))
    return readMochaJsonDocument(doc, meta, limits, issues);
  const keys = Object.keys(doc).slice(0, 8).join(", ");
  issues.push(
    issue(
      meta,
      "invalid",
      `not a mochawesome ({stats, results}) or mocha json ({stats, tests}) report; keys: ${keys || "none"}`,
    ),
  );
  return null;
}
