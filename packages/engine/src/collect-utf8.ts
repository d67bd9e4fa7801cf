/**
 * UTF-8 for the collector, without `TextDecoder` (not in the core's ES2023 lib). Pure.
 * - {@link decodeUtf8}: file content → text. The project rule: a leading UTF-8 BOM is stripped,
 *   each invalid or truncated sequence becomes U+FFFD (WHATWG Encoding "utf-8" decode, one U+FFFD
 *   per maximal subpart, https://encoding.spec.whatwg.org/#utf-8-decoder).
 * - {@link escapePathBytes} / {@link unescapePath}: file NAMES → text and back, losslessly. The one
 *   escaping of the project for names that are not UTF-8 (Linux names are arbitrary bytes).
 */

const CHUNK = 8192;

/**
 * The well-formed UTF-8 sequence at `bytes[at]`: `cp * 8 + length` (length 1–4), or `-consumed`
 * (the maximal subpart, ≥ 1 byte) when it is not well-formed.
 */
function sequenceAt(bytes: Uint8Array, at: number): number {
  const b0 = bytes[at] as number;
  if (b0 < 0x80) return b0 * 8 + 1;
  const need =
    b0 >= 0xc2 && b0 <= 0xdf ? 1 : b0 >= 0xe0 && b0 <= 0xef ? 2 : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : -1;
  if (need < 0) return -1;
  let cp = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  const lower = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
  const upper = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
  for (let k = 0; k < need; k += 1) {
    const b = bytes[at + 1 + k];
    if (b === undefined || b < (k === 0 ? lower : 0x80) || b > (k === 0 ? upper : 0xbf)) return -(1 + k);
    cp = (cp << 6) | (b & 0x3f);
  }
  return cp * 8 + need + 1;
}

function pushCodePoint(units: number[], cp: number): void {
  if (cp > 0xffff) {
    const v = cp - 0x10000;
    units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
  } else {
    units.push(cp);
  }
}

/**
 * File content → text: the project's one UTF-8 rule (a leading BOM stripped, invalid sequences
 * U+FFFD), defined once in `@atvm-watch/artifacts` and re-exported for the collector.
 */
export { decodeUtf8 } from "@atvm-watch/artifacts";

const hex = (b: number): string => `\\x${b.toString(16).padStart(2, "0")}`;

/**
 * A file name's bytes as text: well-formed UTF-8 is kept as is, a literal backslash becomes `\\`
 * and every byte outside well-formed UTF-8 becomes `\xHH` (lowercase hex), e.g. bytes
 * `66 ff 2f 5c` → `f\xff/\\`. Injective, and {@link unescapePath} inverts it.
 */
export function escapePathBytes(bytes: Uint8Array): string {
  const units: number[] = [];
  let out = "";
  let at = 0;
  while (at < bytes.length) {
    const seq = sequenceAt(bytes, at);
    if (seq < 0) {
      for (let k = 0; k < -seq; k += 1) {
        out += String.fromCharCode(...units) + hex(bytes[at + k] as number);
        units.length = 0;
      }
      at -= seq;
      continue;
    }
    const cp = Math.floor(seq / 8);
    if (cp === 0x5c) units.push(0x5c, 0x5c);
    else pushCodePoint(units, cp);
    at += seq % 8;
    if (units.length >= CHUNK) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** `true` when `path` holds a `\xHH` escape (a name that was not UTF-8). */
export function hasByteEscape(path: string): boolean {
  return /(?:^|[^\\])(?:\\\\)*\\x[0-9a-f]{2}/.test(path);
}

/**
 * The bytes an escaped path stands for (inverse of {@link escapePathBytes}): text is encoded as
 * UTF-8, `\\` is one backslash, `\xHH` one byte. A backslash followed by anything else is kept
 * literally (a path that never went through the escaping).
 */
export function unescapePath(path: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < path.length; i += 1) {
    const c = path.charCodeAt(i);
    if (c === 0x5c && path[i + 1] === "\\") {
      out.push(0x5c);
      i += 1;
    } else if (c === 0x5c && path[i + 1] === "x" && /^[0-9a-f]{2}$/.test(path.slice(i + 2, i + 4))) {
      out.push(Number.parseInt(path.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      const cp = path.codePointAt(i) as number;
      if (cp > 0xffff) i += 1;
      if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
      else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
      else
        out.push(
          0xf0 | (cp >> 18),
          0x80 | ((cp >> 12) & 0x3f),
          0x80 | ((cp >> 6) & 0x3f),
          0x80 | (cp & 0x3f),
        );
    }
  }
  return Uint8Array.from(out);
}
