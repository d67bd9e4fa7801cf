/**
 * The JUnit fast path: a streaming extractor riding on the linear pre-scan (`junit-scan.ts`)
 * that reads the few things `parseJunitXml` needs — `<testsuite>`, `<testcase>`, `<failure>`/`<error>`
 * attributes and bodies, `<skipped>` — into compact records, without building a tree. Pure.
 *
 * It is exact or it declines. It accepts only the shapes mocha-junit-reporter 2.x and generic
 * JUnit writers produce (mocha-junit-reporter 2.x, https://github.com/michaelleeallen/mocha-junit-reporter), read exactly as the fast-xml-parser reference path in
 * `junit.ts` reads them:
 * - CRLF/CR line ends become LF (fast-xml-parser normalizes the whole document first);
 * - attribute values are trimmed, then the five predefined entities and numeric character
 *   references are decoded (`decodeXmlEntities`); no other entity is expanded;
 * - a `<failure>`/`<error>` body is kept raw (text and CDATA sections, as the reference's stop
 *   node keeps it), the first `<failure>` of a testcase winning over its first `<error>`;
 * - `<system-out>`, `<system-err>` and `<properties>` content is skipped unread;
 * - a `<testsuite>` with no attribute and no child element is dropped (fast-xml-parser makes it `""`).
 *
 * It declines — `parseJunitXml` then falls back to the reference path — on anything else: an element
 * outside that vocabulary or nested unexpectedly (a `<testcase>` under `<testsuites>`, an element inside
 * `<failure>`), prefixed (namespaced) names or `xmlns` attributes, attributes that are not
 * `name="value"`/`name='value'` separated by ASCII whitespace, a duplicated attribute it reads,
 * non-whitespace text or CDATA between structural elements, a processing instruction other than the
 * XML declaration before the root, comments inside `<failure>`/`<error>`, a second root element, an
 * element named like the `<system-out>`/`<properties>` it is inside, suites nested deeper than the
 * reference reads them.
 *
 * Safety is the scan's: it runs inside {@link scanXml}, so size, DOCTYPE/ENTITY, depth, truncation
 * and tag-nesting verdicts are the scan's own, and records are only used when the scan says `ok`.
 * Attribute names are compared against a fixed list and never used as object keys.
 */

import {
  assignAttribute,
  type Builder,
  type CaseBuilder,
  type FailureBuilder,
  type JunitSuiteRecord,
  type SuiteBuilder,
} from "./junit-fast-records.ts";
import { decodeXmlEntities, scanXml, type XmlScan, type XmlScanVisitor } from "./junit-scan.ts";

export type { JunitCaseRecord, JunitFailureRecord, JunitSuiteRecord } from "./junit-fast-records.ts";

/**
 * What {@link extractJunitFast} found: the scan's verdict, and — when the scan is `ok` and the fast
 * path understood every piece — the suites in document (pre-)order. `declined` says why not.
 */
export interface JunitFastResult {
  readonly scan: XmlScan;
  readonly suites: readonly JunitSuiteRecord[] | null;
  readonly declined: string | null;
}

/**
 * Scans `text` (already size/binary-checked, BOM removed) with {@link scanXml} and extracts JUnit
 * records in the same pass. `maxDepth` bounds element nesting as in the scan; `maxSuiteLevel` is
 * the deepest suite nesting the reference path reads (root `<testsuite>` = 0, under `<testsuites>` = 1),
 * beyond which the fast path declines. Linear time; never throws.
 */
export function extractJunitFast(text: string, maxDepth: number, maxSuiteLevel: number): JunitFastResult {
  const fast = new FastJunit(text, maxSuiteLevel);
  const scan = scanXml(text, maxDepth, fast);
  if (!scan.ok) return { scan, suites: null, declined: null };
  const suites = fast.finish();
  return { scan, suites, declined: suites === null ? fast.declined : null };
}

// --- the extractor ------------------------------------------------------------------------------

/** Where the extractor is: outside the root, or inside the innermost open element of each kind. */
const OUTSIDE = 0;
const ROOT = 1; // <testsuites>
const SUITE = 2;
const CASE = 3;
const FAILURE = 4; // <failure> or <error>
const SKIPPED = 5;
const SKIP = 6; // <system-out>, <system-err>, <properties>: content unread

/** `name="value"` or `name='value'` after ASCII whitespace; the name cannot hold quotes, `=`, `/`, `>` or `<`. */
const ATTR = /[ \t\n\r]+([^\s=/>"'<]+)[ \t\n\r]*=[ \t\n\r]*(?:"([^"]*)"|'([^']*)')/y;
/** The XML declaration as writers emit it: `<?xml version="1.0" encoding="UTF-8"?>`. */
const DECLARATION =
  /^<\?xml(?:[ \t\n\r]+[A-Za-z][\w.-]*[ \t\n\r]*=[ \t\n\r]*(?:"[^"?<>]*"|'[^'?<>]*'))*[ \t\n\r]*\?>$/;
const LINE_ENDS = /\r\n?/g;

function isSkipped(name: string): boolean {
  return name === "system-out" || name === "system-err" || name === "properties";
}

class FastJunit implements XmlScanVisitor {
  declined: string | null = null;
  private readonly text: string;
  private readonly crlf: boolean;
  private readonly maxLevel: number;
  private readonly suites: SuiteBuilder[] = [];
  private readonly kinds: number[] = [];
  private readonly openSuites: SuiteBuilder[] = [];
  private kase: CaseBuilder | null = null;
  private failure: FailureBuilder | null = null;
  private bodyFrom = 0;
  private skipName = "";
  private skipDepth = 0;
  private textFrom = 0;
  private rootSeen = false;

  constructor(text: string, maxLevel: number) {
    this.text = text;
    this.crlf = text.includes("\r");
    this.maxLevel = maxLevel;
  }

  /** The suites once the scan accepted the whole document, or `null` (see `declined`). */
  finish(): JunitSuiteRecord[] | null {
    if (this.declined !== null) return null;
    if (!this.rootSeen || this.kinds.length > 0) return this.decline("the root element did not close");
    if (!this.blank(this.textFrom, this.text.length)) return this.decline("text after the root element");
    return this.suites.map((s) => ({
      name: s.name,
      file: s.file,
      timestamp: s.timestamp,
      time: s.time,
      tests: s.tests,
      depth: s.depth,
      testcases: s.testcases,
    }));
  }

  open(name: string, lt: number, end: number, selfClosing: boolean): void {
    if (this.declined !== null) return;
    const where = this.where();
    if (where <= CASE && !this.blank(this.textFrom, lt)) {
      this.decline(`text before <${name}> at offset ${lt}`);
      return;
    }
    this.textFrom = end + 1;
    const stop = selfClosing ? end - 1 : end;
    switch (where) {
      case OUTSIDE:
        if (this.rootSeen) {
          this.decline(`a second root element <${name}> at offset ${lt}`);
        } else if (name === "testsuites") {
          this.rootSeen = true;
          if (this.attributes(lt + 1 + name.length, stop, null) < 0) return;
          if (!selfClosing) this.kinds.push(ROOT);
        } else if (name === "testsuite") {
          this.rootSeen = true;
          this.openSuite(name, lt, stop, selfClosing, 0);
        } else {
          this.decline(`root element <${name}>`);
        }
        return;
      case ROOT:
        if (name === "testsuite") this.openSuite(name, lt, stop, selfClosing, 1);
        else if (isSkipped(name)) this.openSkip(name, selfClosing);
        else this.decline(`<${name}> under <testsuites> at offset ${lt}`);
        return;
      case SUITE: {
        const suite = this.openSuites[this.openSuites.length - 1] as SuiteBuilder;
        suite.elements++;
        if (name === "testcase") this.openCase(name, lt, stop, selfClosing);
        else if (name === "testsuite") this.openSuite(name, lt, stop, selfClosing, suite.level + 1);
        else if (isSkipped(name)) this.openSkip(name, selfClosing);
        else this.decline(`<${name}> under <testsuite> at offset ${lt}`);
        return;
      }
      case CASE:
        if (name === "failure" || name === "error") this.openFailure(name, lt, stop, selfClosing);
        else if (name === "skipped") {
          (this.kase as CaseBuilder).skipped = true;
          if (!selfClosing) this.kinds.push(SKIPPED);
        } else if (isSkipped(name)) this.openSkip(name, selfClosing);
        else this.decline(`<${name}> under <testcase> at offset ${lt}`);
        return;
      case SKIP:
        if (name === this.skipName) this.decline(`<${name}> nested in <${name}> at offset ${lt}`);
        else if (!selfClosing) this.skipDepth++;
        return;
      default:
        this.decline(`element <${name}> inside text-only content at offset ${lt}`);
    }
  }

  close(lt: number, end: number): void {
    if (this.declined !== null) return;
    const where = this.where();
    if (where <= CASE && !this.blank(this.textFrom, lt)) {
      this.decline(`text before the closing tag at offset ${lt}`);
      return;
    }
    this.textFrom = end + 1;
    switch (where) {
      case SKIP:
        if (this.skipDepth > 0) {
          this.skipDepth--;
          return;
        }
        break;
      case FAILURE:
        (this.failure as FailureBuilder).body = this.raw(this.text.slice(this.bodyFrom, lt));
        this.failure = null;
        break;
      case CASE:
        this.closeCase();
        break;
      case SUITE:
        this.closeSuite();
        break;
      default:
        break;
    }
    this.kinds.pop();
  }

  cdata(lt: number, end: number): void {
    if (this.declined !== null) return;
    const where = this.where();
    if (where !== FAILURE && where !== SKIPPED && where !== SKIP) {
      this.decline(`a CDATA section between elements at offset ${lt}`);
      return;
    }
    this.textFrom = end + 1;
  }

  comment(lt: number, end: number): void {
    if (this.declined !== null) return;
    const where = this.where();
    if (where === FAILURE) {
      this.decline(`a comment inside <failure>/<error> at offset ${lt}`);
      return;
    }
    if (where <= CASE && !this.blank(this.textFrom, lt)) {
      this.decline(`text before a comment at offset ${lt}`);
      return;
    }
    this.textFrom = end + 1;
  }

  pi(lt: number, end: number): void {
    if (this.declined !== null) return;
    if (
      this.where() !== OUTSIDE ||
      this.rootSeen ||
      !this.blank(this.textFrom, lt) ||
      !DECLARATION.test(this.text.slice(lt, end + 1))
    ) {
      this.decline(`a processing instruction at offset ${lt}`);
      return;
    }
    this.textFrom = end + 1;
  }

  private decline(reason: string): null {
    this.declined ??= reason;
    return null;
  }

  private where(): number {
    const n = this.kinds.length;
    return n === 0 ? OUTSIDE : (this.kinds[n - 1] as number);
  }

  /** Only ASCII whitespace between `from` and `to` (what the reference trims away as empty text). */
  private blank(from: number, to: number): boolean {
    const text = this.text;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return false;
    }
    return true;
  }

  /** Raw text with line ends normalized as fast-xml-parser normalizes the whole document. */
  private raw(value: string): string {
    return this.crlf ? value.replace(LINE_ENDS, "\n") : value;
  }

  /** An attribute value as the reference reads it: trimmed, then entity-decoded. */
  private readonly decodeValue = (raw: string): string => decodeXmlEntities(this.raw(raw).trim());

  /**
   * Reads the attributes between `from` (just after the tag name) and `stop` (the `>` or the `/` of `/>`)
   * into `into` via its setter; returns how many there were, or -1 after declining.
   */
  private attributes(from: number, stop: number, into: Builder | null): number {
    const text = this.text;
    let at = from;
    let count = 0;
    for (;;) {
      ATTR.lastIndex = at;
      const m = ATTR.exec(text);
      if (m === null || ATTR.lastIndex > stop) break;
      at = ATTR.lastIndex;
      count++;
      const key = m[1] as string;
      if (key.includes(":") || key.startsWith("xmlns")) {
        this.decline(`a namespace attribute ${key}= at offset ${from}`);
        return -1;
      }
      if (into !== null && !assignAttribute(into, key, m[2] ?? m[3] ?? "", this.decodeValue)) {
        this.decline(`a duplicated ${key}= attribute at offset ${from}`);
        return -1;
      }
    }
    if (!this.blank(at, stop)) {
      this.decline(`an attribute list it does not read at offset ${from}`);
      return -1;
    }
    return count;
  }

  private openSuite(name: string, lt: number, stop: number, selfClosing: boolean, level: number): void {
    if (level > this.maxLevel) {
      this.decline(`suites nested deeper than ${this.maxLevel}`);
      return;
    }
    const suite: SuiteBuilder = {
      kind: "suite",
      name: undefined,
      file: undefined,
      timestamp: undefined,
      time: undefined,
      tests: undefined,
      depth: this.openSuites.length,
      testcases: [],
      attributes: 0,
      elements: 0,
      level,
    };
    const count = this.attributes(lt + 1 + name.length, stop, suite);
    if (count < 0) return;
    suite.attributes = count;
    this.suites.push(suite);
    this.openSuites.push(suite);
    if (selfClosing) this.closeSuite();
    else this.kinds.push(SUITE);
  }

  private closeSuite(): void {
    const suite = this.openSuites.pop() as SuiteBuilder;
    if (suite.attributes === 0 && suite.elements === 0) {
      // fast-xml-parser turns an attribute-less, element-less <testsuite> into "" and the reference skips it.
      if (this.suites[this.suites.length - 1] === suite) this.suites.pop();
      else this.decline("an empty suite out of order");
    }
  }

  private openCase(name: string, lt: number, stop: number, selfClosing: boolean): void {
    const kase: CaseBuilder = {
      kind: "case",
      name: undefined,
      classname: undefined,
      time: undefined,
      status: undefined,
      failure: undefined,
      error: undefined,
      skipped: false,
    };
    const count = this.attributes(lt + 1 + name.length, stop, kase);
    if (count < 0) return;
    this.kase = kase;
    if (selfClosing) this.closeCase();
    else this.kinds.push(CASE);
  }

  private closeCase(): void {
    const kase = this.kase as CaseBuilder;
    const failure = kase.failure ?? kase.error;
    (this.openSuites[this.openSuites.length - 1] as SuiteBuilder).testcases.push({
      name: kase.name,
      classname: kase.classname,
      time: kase.time,
      status: kase.status,
      failure:
        failure === undefined
          ? undefined
          : { message: failure.message, type: failure.type, body: failure.body },
      skipped: kase.skipped,
    });
    this.kase = null;
  }

  private openFailure(name: string, lt: number, stop: number, selfClosing: boolean): void {
    const failure: FailureBuilder = { kind: "failure", message: undefined, type: undefined, body: "" };
    const count = this.attributes(lt + 1 + name.length, stop, failure);
    if (count < 0) return;
    const kase = this.kase as CaseBuilder;
    if (name === "failure") kase.failure ??= failure;
    else kase.error ??= failure;
    if (selfClosing) return;
    this.failure = failure;
    this.bodyFrom = this.textFrom;
    this.kinds.push(FAILURE);
  }

  private openSkip(name: string, selfClosing: boolean): void {
    if (selfClosing) return;
    this.skipName = name;
    this.skipDepth = 0;
    this.kinds.push(SKIP);
  }
}
