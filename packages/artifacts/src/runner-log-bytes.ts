/**
 * Byte helpers: the package's one UTF-8 decoding rule (`decodeUtf8`, exported; lib ES2023 has no
 * `TextDecoder` type, and core code must not depend on a host global) and, internal to the
 * runner-log parser, base64/hex codecs for the persisted carry and head fingerprint. Pure.
 */

/** U+FFFD, written for every maximal invalid subpart (WHATWG Encoding "replacement" semantics). */
const REPLACEMENT = 0xfffd;

/** Code units converted per `String.fromCharCode` call (keeps the argument list small). */
const FROM_CHAR_CODE_SLICE = 4096;

/** The structural shape of WHATWG `TextDecoder` used here (lib ES2023 has no such type). */
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}

/**
 * The host's WHATWG `TextDecoder` (Node, browsers, Deno), configured to keep a BOM, or `null`.
 * It is ~4x faster than the portable decoder below and gives identical output (a property test
 * compares the two); a host without one gets the portable decoder. No I/O, no state.
 */
const NATIVE: Utf8Decoder | null = (() => {
  const ctor = (
    globalThis as { TextDecoder?: new (label: string, options: { ignoreBOM: boolean }) => Utf8Decoder }
  ).TextDecoder;
  if (typeof ctor !== "function") return null;
  try {
    return new ctor("utf-8", { ignoreBOM: true });
  } catch {
    return null;
  }
})();

/**
 * Decodes `bytes[start, end)` as UTF-8 to a string: THE decoding rule of atvm-watch for every
 * artifact read as text.
 *
 * - A leading UTF-8 BOM (bytes `EF BB BF` at `start`) is stripped, as WHATWG `TextDecoder("utf-8")`
 *   does by default (https://encoding.spec.whatwg.org/#utf-8-decode); a BOM anywhere else stays U+FEFF.
 * - Invalid or truncated sequences become U+FFFD, one per maximal subpart (WHATWG "replacement"
 *   semantics: an overlong form, a surrogate code point or a lone continuation byte each decode to
 *   U+FFFD). Never throws.
 *
 * `start`/`end` are byte offsets (default: the whole array). Uses the host `TextDecoder` when there
 * is one, else plain ECMAScript (same output; a property test compares them).
 */
export function decodeUtf8(bytes: Uint8Array, start = 0, end: number = bytes.length): string {
  const from =
    end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf
      ? start + 3
      : start;
  return decodeUtf8KeepBom(bytes, from, end);
}

/**
 * `decodeUtf8` without the BOM rule: a leading BOM decodes to U+FEFF. The runner-log parser uses
 * it so that a line decodes the same whether or not a read happened to start at it.
 */
export function decodeUtf8KeepBom(bytes: Uint8Array, start = 0, end: number = bytes.length): string {
  if (NATIVE !== null) return NATIVE.decode(bytes.subarray(start, end));
  return decodeUtf8Portable(bytes, start, end);
}

/** `decodeUtf8KeepBom` in plain ECMAScript, for hosts without `TextDecoder` (same output). */
export function decodeUtf8Portable(bytes: Uint8Array, start = 0, end: number = bytes.length): string {
  const units = new Uint16Array(Math.max(0, end - start));
  let n = 0;
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      units[n++] = b;
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
      need = 2;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
      need = 3;
      cp = b & 0x07;
    } else {
      units[n++] = REPLACEMENT;
      i++;
      continue;
    }
    let j = i + 1;
    let got = 0;
    while (got < need && j < end) {
      const c = bytes[j] as number;
      if (c < lower || c > upper) break;
      lower = 0x80;
      upper = 0xbf;
      cp = (cp << 6) | (c & 0x3f);
      j++;
      got++;
    }
    if (got < need) {
      // Maximal subpart [i, j) is invalid; the byte at j (if any) is decoded afresh.
      units[n++] = REPLACEMENT;
      i = j;
      continue;
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      units[n++] = 0xd800 + (v >> 10);
      units[n++] = 0xdc00 + (v & 0x3ff);
    } else {
      units[n++] = cp;
    }
    i = j;
  }
  let out = "";
  for (let k = 0; k < n; k += FROM_CHAR_CODE_SLICE) {
    const slice = units.subarray(k, Math.min(n, k + FROM_CHAR_CODE_SLICE));
    out += String.fromCharCode.apply(null, slice as unknown as number[]);
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX: readonly number[] = (() => {
  const index: number[] = new Array<number>(128).fill(-1);
  for (let i = 0; i < B64.length; i++) index[B64.charCodeAt(i)] = i;
  return index;
})();

/** Standard base64 (RFC 4648, with `=` padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += B64.charAt(v >> 18) + B64.charAt((v >> 12) & 63) + B64.charAt((v >> 6) & 63) + B64.charAt(v & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = (bytes[i] as number) << 16;
    out += `${B64.charAt(v >> 18)}${B64.charAt((v >> 12) & 63)}==`;
  } else if (rest === 2) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${B64.charAt(v >> 18)}${B64.charAt((v >> 12) & 63)}${B64.charAt((v >> 6) & 63)}=`;
  }
  return out;
}

/** Bytes of a base64 string written by `encodeBase64`; `null` when `text` is not valid base64. */
export function decodeBase64(text: string): Uint8Array | null {
  const clean = text.replace(/=+$/, "");
  if (clean.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const v = code < 128 ? (B64_INDEX[code] as number) : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** Lower-case hex of `bytes`. */
export function encodeHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += (b < 16 ? "0" : "") + b.toString(16);
  return out;
}

/** Bytes of a hex string; `null` when `text` is not an even-length hex string. */
export function decodeHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** `a` followed by `b` (a new array; either may be empty). */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
