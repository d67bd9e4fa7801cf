/**
 * JUnit XML → host results (R11, R17, R33). Pure.
 *
 * Reads mocha-junit-reporter 2.x output (peers.md §4.1: flattened `<testsuite>`s under
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
 * Security (reliability.md §5.4): the input is bounded in size and depth and pre-scanned
 * (`junit-scan.ts`) before either engine reads it; a document with a DOCTYPE/ENTITY declaration is
 * refused unparsed; only the five predefined entities and numeric references are decoded; attribute
 * values stay strings. The fast path keys nothing by names from the document; fast-xml-parser ≥ 5.7
 * runs with entity processing off, its tree is read only through own-property checks, and its own
 * guard refuses `__proto__`/`constructor`/`prototype` element names.
 */

import { XMLParser } from "fast-xml-parser";
import { findHost, hostFromSpec } from "./hosts.ts";
import {
  extractJunitFast,
  type JunitCaseRecord,
  type JunitFailureRecord,
  type JunitSuiteRecord,
} from "./junit-fast.ts";
import { decodeXmlEntities, rawElementText, scanXml, type XmlScan } from "./junit-scan.ts";
import {
  capText,
  checkTextInput,
  cleanText,
  countTestcases,
  DEFAULT_MAX_ARTIFACT_BYTES,
  DEFAULT_MAX_STACK_CHARS,
  hostFromFileName,
  hostsInFileName,
  hostsNamedIn,
  issue,
  isTimeoutMessage,
  parseHookTitle,
  STEP_AT_START,
} from "./reporter-common.ts";
import { parseStepTitle, parseUtcTimestamp, secondsToMs } from "./text.ts";
import type {
  ArtifactMeta,
  BookkeepingObservation,
  EpochMs,
  HostEvidence,
  HostResultObservation,
  ParseIssue,
  ParseResult,
  TestcaseResult,
  TestFailure,
} from "./types.ts";

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
}

/** The readers {@link JunitParseOptions.engine} chooses between. */
export type JunitEngine = "auto" | "fast" | "reference";

/** Default nesting bound: JUnit needs 4–5 levels; 64 leaves room for nested generic suites. */
export const DEFAULT_MAX_XML_DEPTH: number = 64;

const REPEATED = new Set(["testsuites", "testsuite", "testcase", "failure", "error", "skipped"]);

function parserFor(maxDepth: number): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (tag: string, _path: unknown, _leaf: boolean, isAttribute: boolean) =>
      !isAttribute && REPEATED.has(tag),
    stopNodes: ["*.system-out", "*.system-err", "*.failure", "*.error", "*.properties"],
    maxNestedTags: maxDepth + 1,
  });
}

const DEFAULT_PARSER = parserFor(DEFAULT_MAX_XML_DEPTH);

type Node = Readonly<Record<string, unknown>>;

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An attribute value, read as an own property only; entities decoded. */
function attr(node: Node, name: string): string | undefined {
  const key = `@_${name}`;
  if (!Object.hasOwn(node, key)) return undefined;
  const value = node[key];
  return typeof value === "string" ? decodeXmlEntities(value) : undefined;
}

/** A child list (the parser makes repeated tags arrays); `[]` when absent. */
function children(node: Node, tag: string): readonly unknown[] {
  if (!Object.hasOwn(node, tag)) return [];
  const value = node[tag];
  return Array.isArray(value) ? value : [value];
}

/** A `<testsuite>` with its testcases read. */
interface Suite {
  readonly name: string;
  readonly file: string | null;
  readonly startedAt: EpochMs | null;
  readonly finishedAt: EpochMs | null;
  readonly declaredTests: number | null;
  readonly testcases: readonly ReadCase[];
}

/** A testcase plus the text its host may be recovered from. */
interface ReadCase {
  readonly result: TestcaseResult;
  readonly names: string;
}

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
 * `unresolved-host`, `ambiguous`.
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
      issues: [issue(meta, "malformed", `unreadable JUnit XML: ${describe(cause)}`)],
    };
  }
}

function describe(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
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
  return toObservations(
    records.map((r) => toSuite(r, maxStack)),
    meta,
  );
}

// --- the reference reader: fast-xml-parser ----------------------------------------------------

type ReferenceRead =
  | { readonly ok: true; readonly suites: readonly JunitSuiteRecord[] }
  | { readonly ok: false; readonly kind: "hostile" | "malformed"; readonly problem: string };

/** Parses a pre-scanned JUnit document with fast-xml-parser and reads its suites into records. */
function referenceRecords(text: string, maxDepth: number): ReferenceRead {
  let tree: unknown;
  try {
    const parser = maxDepth === DEFAULT_MAX_XML_DEPTH ? DEFAULT_PARSER : parserFor(maxDepth);
    tree = parser.parse(text);
  } catch (cause) {
    const message = describe(cause);
    const kind = message.includes("[SECURITY]") ? "hostile" : "malformed";
    return { ok: false, kind, problem: `refused JUnit XML: ${message}` };
  }
  if (!isNode(tree)) return { ok: false, kind: "malformed", problem: "not JUnit XML: no root element" };
  const suites: JunitSuiteRecord[] = [];
  for (const root of children(tree, "testsuites")) if (isNode(root)) collectSuites(root, suites, 0);
  for (const suite of children(tree, "testsuite")) if (isNode(suite)) readSuite(suite, suites, 0);
  return { ok: true, suites };
}

function collectSuites(parent: Node, out: JunitSuiteRecord[], level: number): void {
  for (const suite of children(parent, "testsuite")) if (isNode(suite)) readSuite(suite, out, level + 1);
}

function readSuite(node: Node, out: JunitSuiteRecord[], level: number): void {
  if (level > DEFAULT_MAX_XML_DEPTH) return; // unreachable after the depth scan; bounds recursion anyway
  out.push({
    name: attr(node, "name"),
    file: attr(node, "file"),
    timestamp: attr(node, "timestamp"),
    time: attr(node, "time"),
    tests: attr(node, "tests"),
    testcases: children(node, "testcase").map((tc) => readTestcase(isNode(tc) ? tc : {})),
  });
  collectSuites(node, out, level);
}

function readTestcase(node: Node): JunitCaseRecord {
  const failure = children(node, "failure")[0] ?? children(node, "error")[0];
  return {
    name: attr(node, "name"),
    classname: attr(node, "classname"),
    time: attr(node, "time"),
    failure: failure === undefined ? undefined : readFailure(failure),
    skipped: Object.hasOwn(node, "skipped"),
  };
}

function readFailure(value: unknown): JunitFailureRecord {
  const node = isNode(value) ? value : {};
  const raw = typeof value === "string" ? value : Object.hasOwn(node, "#text") ? node["#text"] : undefined;
  return {
    message: attr(node, "message"),
    type: attr(node, "type"),
    body: typeof raw === "string" ? raw : undefined,
  };
}

// --- records → suites (shared by both readers) -------------------------------------------------

function toSuite(record: JunitSuiteRecord, maxStack: number): Suite {
  const startedAt = parseUtcTimestamp(record.timestamp);
  const timeMs = secondsToMs(record.time);
  const tests = record.tests;
  return {
    name: record.name ?? "",
    file: record.file ?? null,
    startedAt,
    finishedAt: startedAt !== null && timeMs !== null ? startedAt + timeMs : null,
    declaredTests: tests !== undefined && /^\s*\d+\s*$/.test(tests) ? Number(tests) : null,
    testcases: record.testcases.map((c) => toCase(c, maxStack)),
  };
}

/**
 * Reads one testcase. The attribute carrying the test's own `N. title` is `classname` by
 * default (mocha-junit-reporter: `name` = fullTitle, `classname` = title) and `name` in
 * jenkinsMode / `testCaseSwitchClassnameAndName`; a hook failure names its test in either.
 */
function toCase(record: JunitCaseRecord, maxStack: number): ReadCase {
  const name = cleanText(record.name ?? "");
  const classname = cleanText(record.classname ?? "");
  const hook = parseHookTitle(classname) ?? parseHookTitle(name);
  let titleText: string;
  let other: string;
  if (hook === null && STEP_AT_START.test(classname)) [titleText, other] = [classname, name];
  else if (hook === null && STEP_AT_START.test(name)) [titleText, other] = [name, classname];
  else if (classname !== "" && name.endsWith(classname)) [titleText, other] = [classname, name];
  else [titleText, other] = [name, classname];
  const stepTitle = parseStepTitle(hook === null ? titleText : (hook.test ?? hook.title));
  const fullTitle =
    other === "" || other === titleText
      ? titleText
      : other.endsWith(titleText)
        ? other
        : `${other} ${titleText}`;

  let state: TestcaseResult["state"] = "passed";
  let failure: TestFailure | undefined;
  if (record.failure !== undefined) {
    state = "failed";
    failure = toFailure(record.failure, maxStack, hook?.hook);
  } else if (record.skipped) {
    state = "skipped";
  }
  const result: TestcaseResult = {
    step: stepTitle.step,
    title: stepTitle.title,
    fullTitle,
    state,
    durationMs: secondsToMs(record.time),
    ...(failure === undefined ? {} : { failure }),
  };
  return { result, names: `${name}\n${classname}` };
}

function toFailure(
  record: JunitFailureRecord,
  maxStack: number,
  hook: TestFailure["hook"] | undefined,
): TestFailure {
  const message = capText(cleanText(record.message ?? ""), maxStack);
  const type = record.type;
  const stack =
    record.body !== undefined
      ? capText(cleanText(rawElementText(record.body, maxStack)).trim(), maxStack)
      : "";
  const timedOut = isTimeoutMessage(message !== "" ? message : stack.slice(0, 500));
  return {
    message,
    ...(type !== undefined && type !== "" ? { type } : {}),
    ...(stack !== "" ? { stack } : {}),
    ...(hook !== undefined ? { hook } : {}),
    ...(timedOut ? { timedOut } : {}),
  };
}

// --- grouping and hosts ------------------------------------------------------------------------

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

const BOOKKEEPING = "check-xml-files";

function isBookkeeping(group: readonly Suite[]): boolean {
  return group.some((s) => (s.file ?? "").includes(BOOKKEEPING) || s.name.includes(BOOKKEEPING));
}

type HostPick =
  | { readonly host: string; readonly evidence: HostEvidence }
  | { readonly host: null; readonly ambiguous: readonly string[]; readonly level: string }
  | null;

function pickFrom(found: readonly string[], evidence: HostEvidence, level: string): HostPick {
  if (found.length === 0) return null;
  if (found.length === 1) return { host: found[0] as string, evidence };
  return { host: null, ambiguous: found, level };
}

function distinct(lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const h of list) if (!out.includes(h)) out.push(h);
  return out;
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
    if (hosts.includes("ambiguous")) return { host: null, ambiguous: files, level: "the Root Suite file=" };
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

function toObservations(
  suites: readonly Suite[],
  meta: ArtifactMeta,
): ParseResult<HostResultObservation | BookkeepingObservation> {
  const issues: ParseIssue[] = [];
  const observations: (HostResultObservation | BookkeepingObservation)[] = [];
  const known = meta.knownHosts;
  const fromName = hostFromFileName(meta.path, known);
  const groups = groupBySpec(suites, known);
  if (groups.length === 0) groups.push([]);
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
      pick = { host: null, ambiguous: hostsInFileName(meta.path, known), level: "the file name" };
    } else if (fromName !== null && (hostGroups.length === 1 || contentHost(group, known) === null)) {
      pick = { host: fromName, evidence: "file-name" };
    } else {
      pick = contentHost(group, known);
    }
    let host: string | null = null;
    let evidence: HostEvidence | null = null;
    if (pick === null) {
      issues.push(
        issue(
          meta,
          "unresolved-host",
          `no host in the file name, Root Suite file=, testsuite name= or testcase names${group[0] === undefined ? " (the XML has no testsuite)" : ` of suite "${group[0].name}"`}; pass knownHosts or name the host in the spec`,
        ),
      );
    } else if (pick.host === null) {
      issues.push(
        issue(
          meta,
          "ambiguous",
          `${pick.level} names several hosts (${pick.ambiguous.join(", ")}); not guessing which one this result is`,
        ),
      );
    } else {
      host = pick.host;
      evidence = pick.evidence;
    }
    observations.push(hostResult(group, meta, host, evidence));
  }
  return { observations: mergeSameHost(observations), issues };
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

function hostResult(
  group: readonly Suite[],
  meta: ArtifactMeta,
  host: string | null,
  hostEvidence: HostEvidence | null,
): HostResultObservation {
  const testcases = group.flatMap((s) => s.testcases.map((c) => c.result));
  const declared = group.some((s) => s.declaredTests !== null)
    ? group.reduce((sum, s) => sum + (s.declaredTests ?? s.testcases.length), 0)
    : null;
  const { startedAt, finishedAt } = groupTimes(group);
  const caseMs = testcases.reduce<number | null>(
    (sum, t) => (t.durationMs === null ? sum : (sum ?? 0) + t.durationMs),
    null,
  );
  return {
    kind: "host-result",
    source: "junit",
    file: meta.path,
    host,
    hostEvidence,
    spec: group.find((s) => s.file !== null)?.file ?? null,
    startedAt,
    finishedAt,
    durationMs: startedAt !== null && finishedAt !== null ? finishedAt - startedAt : caseMs,
    counts: countTestcases(testcases, declared),
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
