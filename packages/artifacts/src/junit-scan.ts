/**
 * A linear pre-scan of XML markup that runs before fast-xml-parser sees a document, and the
 * small entity decoder used instead of the parser's entity processing. Pure.
 *
 * Why a pre-scan: fast-xml-parser 5.12 accepts a document truncated after an opening tag
 * (`<testsuites><testsuite>` parses without error), and it reads DOCTYPE declarations. The
 * scan walks tags with `indexOf` and one sticky regex (no backtracking across tags), jumps over
 * CDATA sections and comments, and answers before any tree is built:
 * - `<!DOCTYPE`, `<!ENTITY` or any other markup declaration outside CDATA/comments → `hostile`
 *   (billion laughs, external entities; docs/safety.md "Hostile XML");
 * - nesting deeper than the bound → `too-deep` (the scan stops there);
 * - input that ends inside a tag, CDATA section, comment or before the root element closes → `incomplete`
 *   (mocha-junit-reporter writes with a non-atomic `writeFileSync`, so a reader can see half a file);
 * - no element at all, or a closing tag that does not match the open element → `malformed`
 *   (fast-xml-parser accepts `<a><b></a>`); an XML declaration with no element after it → `incomplete`
 *   (the first line of a half-written file).
 *
 * An optional {@link XmlScanVisitor} sees every piece of markup the scan accepts, in document order;
 * `junit-fast.ts` builds its JUnit records from these events instead of a parse tree.
 */

import type { ParseIssueKind } from "./types.ts";

/** The scan's verdict: the root element's name, or why the document must not be parsed. */
export type XmlScan =
  | { readonly ok: true; readonly root: string; readonly maxDepth: number }
  | { readonly ok: false; readonly kind: ParseIssueKind; readonly problem: string };

/** The rest of an opening tag after `<`: attribute values may hold `>` inside quotes. */
const TAG_REST = /[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/y;
const NAME = /[^\s/>]*/y;
/** `<?xml` followed by whitespace or `?`: the XML declaration, not a `<?xml-stylesheet …?>` instruction. */
const XML_DECLARATION = /^<\?xml[\s?]/;

/**
 * Receives the markup {@link scanXml} walks, in document order, as offsets into the scanned text.
 * A piece is reported only after the scan accepted it (a closing tag only once it matched its
 * opening tag; an opening tag only once it is within the depth bound). When the scan's verdict is
 * not `ok`, whatever the visitor built must be discarded. Text between markup is not reported:
 * it is the span from the previous piece's `end + 1` to the next piece's `lt`.
 */
export interface XmlScanVisitor {
  /** An opening tag `<name …>` (or `<name …/>` when `selfClosing`): `<` at `lt`, `>` at `end`. */
  open(name: string, lt: number, end: number, selfClosing: boolean): void;
  /** A closing tag `</name>`: `<` at `lt`, `>` at `end`. */
  close(lt: number, end: number): void;
  /** A CDATA section: `<![CDATA[` at `lt`, the `>` of `]]>` at `end`. */
  cdata(lt: number, end: number): void;
  /** A comment: `<!--` at `lt`, the `>` of `-->` at `end`. */
  comment(lt: number, end: number): void;
  /** A processing instruction or the XML declaration: `<?` at `lt`, the `>` of `?>` at `end`. */
  pi(lt: number, end: number): void;
}

/** The name in a closing tag `</…>` at `lt` (at most 78 characters), for a message. */
function closingName(text: string, lt: number, end: number): string {
  return text.slice(lt + 2, Math.min(end, lt + 80)).trim();
}

function bad(kind: ParseIssueKind, problem: string): XmlScan {
  return { ok: false, kind, problem };
}

/**
 * Scans `text` once (O(n), no recursion). `maxDepth` is the deepest element nesting allowed
 * (the root is depth 1). `visit`, when given, is told about every accepted piece of markup.
 * Never throws (unless `visit` does).
 */
export function scanXml(text: string, maxDepth: number, visit?: XmlScanVisitor): XmlScan {
  let depth = 0;
  let deepest = 0;
  let root: string | null = null;
  let declared = false;
  const names: string[] = [];
  let i = 0;
  for (;;) {
    const lt = text.indexOf("<", i);
    if (lt < 0) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      if (text.startsWith("<![CDATA[", lt)) {
        const end = text.indexOf("]]>", lt + 9);
        if (end < 0)
          return bad("incomplete", `truncated XML: a CDATA section opened at offset ${lt} never closes`);
        visit?.cdata(lt, end + 2);
        i = end + 3;
        continue;
      }
      if (text.startsWith("<!--", lt)) {
        const end = text.indexOf("-->", lt + 4);
        if (end < 0) return bad("incomplete", `truncated XML: a comment opened at offset ${lt} never closes`);
        visit?.comment(lt, end + 2);
        i = end + 3;
        continue;
      }
      const tail = text.slice(lt, lt + 12);
      if ("<![CDATA[".startsWith(tail) || "<!--".startsWith(tail)) {
        return bad("incomplete", `truncated XML: the text ends inside markup at offset ${lt}`);
      }
      const word = /^<!([A-Za-z]*)/.exec(tail)?.[1] ?? "";
      return bad(
        "hostile",
        `refused XML with a <!${word}> declaration at offset ${lt}: DOCTYPE and ENTITY declarations are never expanded (entity-expansion and XXE attacks)`,
      );
    }
    if (c === 63 /* ? */) {
      const end = text.indexOf("?>", lt + 2);
      if (end < 0)
        return bad("incomplete", `truncated XML: a processing instruction at offset ${lt} never closes`);
      if (root === null && XML_DECLARATION.test(text.slice(lt, lt + 6))) declared = true;
      visit?.pi(lt, end + 1);
      i = end + 2;
      continue;
    }
    if (c === 47 /* / */) {
      const end = text.indexOf(">", lt + 2);
      if (end < 0)
        return bad("incomplete", `truncated XML: the text ends inside a closing tag at offset ${lt}`);
      const open = names.pop();
      depth--;
      if (open === undefined) {
        return bad(
          "malformed",
          `not well-formed XML: </${closingName(text, lt, end)}> at offset ${lt} closes nothing`,
        );
      }
      if (!text.startsWith(open, lt + 2) || text.slice(lt + 2 + open.length, end).trim() !== "") {
        return bad(
          "malformed",
          `not well-formed XML: </${closingName(text, lt, end)}> at offset ${lt} closes <${open}>`,
        );
      }
      visit?.close(lt, end);
      i = end + 1;
      continue;
    }
    if (Number.isNaN(c)) return bad("incomplete", `truncated XML: the text ends with "<" at offset ${lt}`);
    TAG_REST.lastIndex = lt + 1;
    if (!TAG_REST.test(text)) {
      return bad("incomplete", `truncated XML: the tag at offset ${lt} never closes`);
    }
    const end = TAG_REST.lastIndex - 1;
    if (text.charCodeAt(end - 1) !== 47 /* / */) {
      NAME.lastIndex = lt + 1;
      const name = NAME.exec(text)?.[0] ?? "";
      if (root === null) root = name;
      names.push(name);
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (depth > maxDepth) {
          return bad("too-deep", `XML nests deeper than ${maxDepth} elements (offset ${lt}); not parsed`);
        }
      }
      visit?.open(name, lt, end, false);
    } else if (root === null || visit !== undefined) {
      NAME.lastIndex = lt + 1;
      const name = NAME.exec(text)?.[0] ?? "";
      if (root === null) root = name;
      visit?.open(name, lt, end, true);
    }
    i = end + 1;
  }
  if (root === null) {
    return declared
      ? bad("incomplete", `truncated XML: an XML declaration but no element in ${text.length} characters`)
      : bad("malformed", "not XML: no element found");
  }
  if (depth > 0) {
    return bad(
      "incomplete",
      `truncated XML: ${depth} element(s) still open at the end of ${text.length} characters (no closing </${names[0] ?? root}>)`,
    );
  }
  return { ok: true, root, maxDepth: deepest };
}

/** The predefined entities by the distance from `&` to `;` (`&lt;` → 3). */
const NAMED_AT: Readonly<Record<number, readonly (readonly [string, string])[]>> = {
  3: [
    ["lt", "<"],
    ["gt", ">"],
  ],
  4: [["amp", "&"]],
  5: [
    ["quot", '"'],
    ["apos", "'"],
  ],
};

/** A numeric character reference `&#…;`/`&#x…;` between `amp` and `semi` decoded, or `null` to leave it as written. */
function decodeNumeric(text: string, amp: number, semi: number): string | null {
  if (text.charCodeAt(amp + 1) !== 35 /* # */) return null;
  const hex = text.charCodeAt(amp + 2) === 120 /* x */;
  const digits = text.slice(amp + (hex ? 3 : 2), semi);
  if (!(hex ? /^[0-9A-Fa-f]{1,6}$/ : /^\d{1,7}$/).test(digits)) return null;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  return String.fromCodePoint(code);
}

/**
 * Decodes the five predefined XML entities and numeric character references in one pass
 * (no recursion, output never longer than input, linear time). Out-of-range references (beyond
 * U+10FFFF, surrogates, NUL) stay as written. Any other `&name;` stays as written: nothing is expanded.
 */
export function decodeXmlEntities(text: string): string {
  let amp = text.indexOf("&");
  if (amp < 0) return text;
  const parts: string[] = [];
  let last = 0;
  while (amp >= 0) {
    const semi = text.indexOf(";", amp + 1);
    if (semi < 0) break;
    if (semi - amp <= 9) {
      const decoded =
        NAMED_AT[semi - amp]?.find(([name]) => text.startsWith(name, amp + 1))?.[1] ??
        decodeNumeric(text, amp, semi);
      if (decoded !== null) {
        parts.push(text.slice(last, amp), decoded);
        last = semi + 1;
      }
    }
    amp = text.indexOf("&", amp + 1);
  }
  parts.push(text.slice(last));
  return parts.join("");
}

/**
 * The text of an element kept raw by a stop node: CDATA sections unwrapped, entities decoded
 * outside them. Reads at most `max` characters of `raw` (bounded work for huge stacks).
 */
export function rawElementText(raw: string, max: number): string {
  const input = raw.length > max * 2 ? raw.slice(0, max * 2) : raw;
  if (!input.includes("<![CDATA[")) return decodeXmlEntities(input);
  let out = "";
  let i = 0;
  for (;;) {
    const open = input.indexOf("<![CDATA[", i);
    if (open < 0) {
      out += decodeXmlEntities(input.slice(i));
      break;
    }
    out += decodeXmlEntities(input.slice(i, open));
    const close = input.indexOf("]]>", open + 9);
    if (close < 0) {
      out += input.slice(open + 9);
      break;
    }
    out += input.slice(open + 9, close);
    i = close + 3;
  }
  return out;
}
