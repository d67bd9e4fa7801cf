/**
 * UTF-8 decoding without `TextDecoder` (not in the core's ES2023 lib): WHATWG semantics for
 * well-formed input; each invalid or truncated sequence becomes U+FFFD. Pure.
 */

const CHUNK = 8192;

/** Decodes `bytes` as UTF-8 (a leading BOM is dropped). */
export function decodeUtf8(bytes: Uint8Array): string {
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const parts: string[] = [];
  const units: number[] = [];
  const flush = (): void => {
    if (units.length > 0) {
      parts.push(String.fromCharCode(...units));
      units.length = 0;
    }
  };
  const n = bytes.length;
  while (start < n) {
    // ASCII fast path, a chunk at a time.
    let end = start;
    const limit = Math.min(n, start + CHUNK);
    while (end < limit && (bytes[end] as number) < 0x80) end += 1;
    if (end > start) {
      flush();
      parts.push(String.fromCharCode(...bytes.subarray(start, end)));
      start = end;
      continue;
    }
    const b0 = bytes[start] as number;
    const need =
      b0 >= 0xc2 && b0 <= 0xdf ? 1 : b0 >= 0xe0 && b0 <= 0xef ? 2 : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : -1;
    if (need < 0) {
      units.push(0xfffd);
      start += 1;
    } else {
      let cp = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
      const lower = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
      const upper = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
      let used = 1;
      let ok = true;
      for (let k = 0; k < need; k += 1) {
        const b = bytes[start + used];
        const lo = k === 0 ? lower : 0x80;
        const hi = k === 0 ? upper : 0xbf;
        if (b === undefined || b < lo || b > hi) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3f);
        used += 1;
      }
      if (!ok) {
        units.push(0xfffd);
      } else if (cp > 0xffff) {
        cp -= 0x10000;
        units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        units.push(cp);
      }
      start += used;
    }
    if (units.length >= CHUNK) flush();
  }
  flush();
  return parts.join("");
}
