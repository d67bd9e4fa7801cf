/**
 * JUnit XML → host results (R11, R17, R33). Pure.
 *
 * Reads mocha-junit-reporter 2.x output (mocha-junit-reporter 2.x, https://github.com/michaelleeallen/mocha-junit-reporter: flattened `<testsuite>`s under
 * `<testsuites>`, a `Root Suite` carrying `file=`, timestamps in UTC without `Z`, 3- or
 * 4-decimal `time`, pending tests omitted unless `includePending`, `jenkinsMode` /
 * `testCaseSwitchClassnameAndName` swapping `name` and `classname`, `useFullSuiteTitle`)
 * and generic JUnit (`<testsuites>` or a lone `<testsuite>` root, nested suites).
 *
 * Two engines read a document into the same records (`junit-fast.ts` types), which one mapping
 * turns into observations: the fast path (`junit-fast.ts`, a streaming extractor inside the linear
 * pre-scan, no tree) first, and fast-xml-parser as the reference whenever the fast path declines
 * (anything outside the mocha-junit-reporter / generic JUnit shapes it reads exactly).
 *
 * Security (docs/safety.md "Hostile XML"): the input is bounded in size and depth and pre-scanned
 * (`junit-scan.ts`) before either engine reads it; a document with a DOCTYPE/ENTITY declaration is
 * refused unparsed; only the five predefined entities and numeric references are decoded; attribute
 * values stay strings. The fast path keys nothing by names from the document; fast-xml-parser ≥ 5.7
 * runs with entity processing off, its tree is read only through own-property checks, and its own
 * guard refuses `__proto__`/`constructor`/`prototype` element names.
 */

import type { TestcaseDetail } from "./compact.ts";
import { toSuite } from "./junit-cases.ts";
import { extractJunitFast, type JunitSuiteRecord } from "./junit-fast.ts";
import { toObservations } from "./junit-observe.ts";
import { DEFAULT_MAX_XML_DEPTH, referenceRecords } from "./junit-reference.ts";
import { scanXml, type XmlScan } from "./junit-scan.ts";
import {
  checkTextInput,
  DEFAULT_MAX_ARTIFACT_BYTES,
  DEFAULT_MAX_STACK_CHARS,
  describeCause,
  issue,
} from "./reporter-common.ts";
import type {
  ArtifactMeta,
  BookkeepingObservation,
  HostResultObservation,
  ParseIssue,
  ParseResult,
} from "./types.ts";

export { DEFAULT_MAX_XML_DEPTH } from "./junit-reference.ts";

/** Bounds for {@link parseJunitXml}. Every field is optional; defaults are safe for a watcher. */
export interface JunitParseOptions {
  /** Largest input accepted, in bytes (`max(text.length, meta.sizeBytes)`); default 16 MiB → `too-large`. */
  readonly maxBytes?: number;
  /** Deepest element nesting accepted (root = 1); default 64 → `too-deep`. */
  readonly maxDepth?: number;
  /** Longest failure stack and message kept, in characters; default 8 KiB (longer text is cut with a marker). */
  readonly maxStackChars?: number;
  /**
   * Which reader to use; default `"auto"`. Internal: for differential tests and benchmarks.
   * - `"auto"`: the fast path (`junit-fast.ts`), falling back to fast-xml-parser when it declines;
   * - `"reference"`: fast-xml-parser only (the reference implementation);
   * - `"fast"`: the fast path only; where it declines the result is a `malformed` issue whose
   *   problem starts `fast path declined:` (so a test can tell that the fast path did the work).
   * The input guards and the pre-scan verdicts (`too-large` … `incomplete`) are the same for all three.
   */
  readonly engine?: JunitEngine;
  /**
   * Which testcases the host results list; default `"all"` (every testcase, document order).
   * `"notable"`: the failed ones only, the others counted in `HostResultObservation.omitted`
   * (artifacts `compactHostResult`; the collector's choice, issue 11 P4). Counts, times, hosts and
   * issues are the same either way.
   */
  readonly testcases?: TestcaseDetail;
}

/** The readers {@link JunitParseOptions.engine} chooses between. */
export type JunitEngine = "auto" | "fast" | "reference";

/**
 * Parses one JUnit XML file into one {@link HostResultObservation} per host spec it holds (normally
 * one), or a {@link BookkeepingObservation} for `check-xml-files.ts` XML (R11).
 *
 * Host recovery, strongest first (R11): the file name (`test-result-atvm41-redhat6.0.xml`), the
 * Root Suite `file=`, `testsuite name=`, `testcase name=`/`classname=` — all matched at name
 * boundaries against `meta.knownHosts`; with no known host list, the fleet shape
 * `atvm<N>-<distro><version>` in names and the spec's base name for `file=`. A file whose suites
 * name several specs (a categorized batch's grouped XML) yields one observation per spec.
 * Unresolvable → `host: null` plus an `unresolved-host` issue; several hosts at the deciding level
 * → `host: null` plus an `ambiguous` issue (nothing is guessed).
 *
 * Times come from the content only (R33): `startedAt` is the earliest suite `timestamp=` (UTC,
 * no `Z`), `finishedAt` the latest suite `timestamp + time`; `meta.mtimeMs` is only copied through.
 *
 * Issues (never throws): `too-large`, `empty`, `binary` (NUL bytes, undecodable text, lossy UTF-16;
 * UTF-16 with a BOM and ASCII content is decoded), `hostile` (DOCTYPE/ENTITY, or element names
 * `__proto__`/`constructor`/`prototype`), `too-deep`, `incomplete` (truncated: a half-written
 * file, including a declaration with no element yet), `malformed` (not well-formed, or not JUnit),
 * `unresolved-host`, `ambiguous`; `internal` only for a parser bug (the last-resort catch).
 *
 * Reader: the fast path (`junit-fast.ts`) unless it declines, then fast-xml-parser; both give the
 * same result (differential tests), `options.engine` pins one for tests and benchmarks.
 */
export function parseJunitXml(
  text: string,
  meta: ArtifactMeta,
  options?: JunitParseOptions,
): ParseResult<HostResultObservation | BookkeepingObservation> {
  try {
    return parseJunitUnsafe(text, meta, options ?? {});
  } catch (cause) {
    // Defence in depth: every known bad input is handled above; this catches the unknown ones.
    return {
      observations: [],
      issues: [issue(meta, "internal", `JUnit parser bug (please report): ${describeCause(cause)}`)],
    };
  }
}

function parseJunitUnsafe(
  text: string,
  meta: ArtifactMeta,
  options: JunitParseOptions,
): ParseResult<HostResultObservation | BookkeepingObservation> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_XML_DEPTH;
  const maxStack = options.maxStackChars ?? DEFAULT_MAX_STACK_CHARS;
  const engine = options.engine ?? "auto";
  const input = checkTextInput(text, meta, maxBytes, "JUnit XML");
  if (!input.ok) return { observations: [], issues: [input.issue] };
  const fast = engine === "reference" ? null : extractJunitFast(input.text, maxDepth, DEFAULT_MAX_XML_DEPTH);
  const scan: XmlScan = fast?.scan ?? scanXml(input.text, maxDepth);
  if (!scan.ok) return { observations: [], issues: [issue(meta, scan.kind, scan.problem)] };
  if (scan.root !== "testsuites" && scan.root !== "testsuite") {
    return {
      observations: [],
      issues: [
        issue(
          meta,
          "malformed",
          `not JUnit XML: the root element is <${scan.root}>, not <testsuites> or <testsuite>`,
        ),
      ],
    };
  }
  let records: readonly JunitSuiteRecord[];
  if (fast !== null && fast.suites !== null) {
    records = fast.suites;
  } else if (engine === "fast") {
    return {
      observations: [],
      issues: [issue(meta, "malformed", `fast path declined: ${fast?.declined ?? "no reason given"}`)],
    };
  } else {
    const reference = referenceRecords(input.text, maxDepth);
    if (!reference.ok) return { observations: [], issues: [issue(meta, reference.kind, reference.problem)] };
    records = reference.suites;
  }
  const problems: ParseIssue[] = [];
  const detail = options.testcases ?? "all";
  const suites = records.map((r) =>
    toSuite(r, maxStack, (p) => problems.push(issue(meta, "invalid", p)), detail),
  );
  const result = toObservations(suites, meta, detail);
  return problems.length === 0
    ? result
    : { observations: result.observations, issues: [...problems, ...result.issues] };
}
