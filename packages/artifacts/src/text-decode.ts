/**
 * Artifact bytes → text, honouring an XML declaration's encoding: JUnit XML from Java producers
 * (Ant, Maven Surefire on a Latin-1 platform) may declare `encoding="ISO-8859-1"`, and decoding
 * its bytes as UTF-8 would turn every accented letter into U+FFFD (Status you can trust §5). Pure.
 *
 * Rule: a document that starts (after an optional UTF-8 BOM) with `<?xml … encoding="X" … ?>`
 * where X is a WHATWG label of windows-1252 (`iso-8859-1`, `latin1`, `windows-1252`, `us-ascii`,
 * … — https://encoding.spec.whatwg.org/#names-and-labels: browsers decode all of them as
 * windows-1252) is decoded as windows-1252; everything else follows `decodeUtf8` (the project's
 * one UTF-8 rule). UTF-16 with a BOM is left to the parsers' input check, as before.
 */

import { decodeUtf8 } from "./runner-log-bytes.ts";

/** WHATWG Encoding labels of windows-1252 (lower case). */
const WINDOWS_1252_LABELS: ReadonlySet<string> = new Set([
  "ansi_x3.4-1968",
  "ascii",
  "cp1252",
  "cp819",
  "csisolatin1",
  "ibm819",
  "iso-8859-1",
  "iso-ir-100",
  "iso8859-1",
  "iso88591",
  "iso_8859-1",
  "iso_8859-1:1987",
  "l1",
  "latin1",
  "us-ascii",
  "windows-1252",
  "x-cp1252",
]);

/** windows-1252 code points of bytes 0x80–0x9F (the rest of the range is Latin-1: byte = code point). */
const HIGH: readonly number[] = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
  0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x9d, 0x017e, 0x0178,
];

/** Longest XML declaration looked at, in bytes. */
const MAX_DECLARATION = 256;

/** The `encoding` of a leading XML declaration (lower case), or `null`. */
export function declaredXmlEncoding(bytes: Uint8Array): string | null {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const end = Math.min(bytes.length, at + MAX_DECLARATION);
  let head = "";
  for (; at < end; at++) {
    const b = bytes[at] as number;
    if (b >= 0x80) break;
    head += String.fromCharCode(b);
    if (head.endsWith("?>")) break;
  }
  if (!head.startsWith("<?xml")) return null;
  const m = /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(head);
  const label = m === null ? undefined : (m[1] ?? m[2]);
  return label === undefined ? null : label.trim().toLowerCase();
}

/** Decodes `bytes` as windows-1252 (WHATWG): bytes 0x80–0x9F per its table, the rest as Latin-1. */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = "";
  const CHUNK = 4096;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const n = Math.min(CHUNK, bytes.length - i);
    const units = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const b = bytes[i + k] as number;
      units[k] = b >= 0x80 && b <= 0x9f ? (HIGH[b - 0x80] as number) : b;
    }
    out += String.fromCharCode(...units);
  }
  return out;
}

/**
 * Artifact bytes → text: windows-1252 when a leading XML declaration names one of its labels
 * (ISO-8859-1, latin1, US-ASCII, …), else UTF-8 (`decodeUtf8`: BOM stripped, invalid → U+FFFD).
 * The collector's default decoder for every artifact. Never throws.
 */
export function decodeArtifactText(bytes: Uint8Array): string {
  const label = bytes[0] === 0x3c || bytes[0] === 0xef ? declaredXmlEncoding(bytes) : null;
  if (label !== null && WINDOWS_1252_LABELS.has(label)) return decodeWindows1252(bytes);
  return decodeUtf8(bytes);
}
