/**
 * The reference JUnit reader: fast-xml-parser 5.x reads a pre-scanned document into the same
 * records as the fast path (`junit-fast.ts`), for every document the fast path declines. Pure.
 *
 * Security (docs/safety.md "Hostile XML"): fast-xml-parser ≥ 5.7 runs with entity processing off (only the
 * five predefined entities and numeric references are decoded here, by `decodeXmlEntities`),
 * attribute values stay strings, its tree is read only through own-property checks, and its own
 * guard refuses `__proto__`/`constructor`/`prototype` element names (→ `hostile`).
 */

import { XMLParser } from "fast-xml-parser";
import type { JunitCaseRecord, JunitFailureRecord, JunitSuiteRecord } from "./junit-fast.ts";
import { decodeXmlEntities } from "./junit-scan.ts";
import { describeCause } from "./reporter-common.ts";

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

/** What {@link referenceRecords} read: the suites, or why the document was refused. */
export type ReferenceRead =
  | { readonly ok: true; readonly suites: readonly JunitSuiteRecord[] }
  | { readonly ok: false; readonly kind: "hostile" | "malformed"; readonly problem: string };

/**
 * Parses a pre-scanned JUnit document (`scanXml` said it is well-formed and bounded) with
 * fast-xml-parser and reads its suites, in document order (a parent before its children), into
 * records. A parser refusal is `hostile` when fast-xml-parser flags it `[SECURITY]`, else `malformed`.
 */
export function referenceRecords(text: string, maxDepth: number): ReferenceRead {
  let tree: unknown;
  try {
    const parser = maxDepth === DEFAULT_MAX_XML_DEPTH ? DEFAULT_PARSER : parserFor(maxDepth);
    tree = parser.parse(text);
  } catch (cause) {
    const message = describeCause(cause);
    const kind = message.includes("[SECURITY]") ? "hostile" : "malformed";
    return { ok: false, kind, problem: `refused JUnit XML: ${message}` };
  }
  if (!isNode(tree)) return { ok: false, kind: "malformed", problem: "not JUnit XML: no root element" };
  const suites: JunitSuiteRecord[] = [];
  for (const root of children(tree, "testsuites")) if (isNode(root)) collectSuites(root, suites, -1);
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
    depth: level,
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
    status: attr(node, "status"),
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
