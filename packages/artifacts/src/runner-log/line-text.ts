/** Text helpers of the runner-log line parser: decoration removal, URL cleanup, count cells. Pure. */

/** Removes decoration around a line: leading whitespace/`|`/non-ASCII, trailing whitespace + decoration run. */
export function bareLine(text: string): string {
  let s = 0;
  while (s < text.length) {
    const c = text.charCodeAt(s);
    if (c === 0x20 || c === 0x09 || c === 0x7c || c >= 0x80) s++;
    else break;
  }
  let e = text.length;
  while (e > s) {
    const c = text.charCodeAt(e - 1);
    if (c === 0x20 || c === 0x09 || c === 0x7c || c >= 0x80) e--;
    else break;
  }
  if (e < text.length) {
    const first = text.charCodeAt(e);
    // Only whitespace-separated decoration is removed: `passed!` or a title ending in `é` stay.
    if (first !== 0x20 && first !== 0x09) {
      e = text.length;
      while (e > s && /\s/.test(text.charAt(e - 1))) e--;
    }
  }
  return text.slice(s, e);
}

/** Cuts a URL at the first character that cannot be part of one and strips trailing punctuation. */
export function cleanUrl(raw: string): string {
  const valid = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/.exec(raw);
  let url = valid === null ? "" : valid[0];
  for (;;) {
    const last = url.charAt(url.length - 1);
    if (".,;:!?'\"".includes(last) && last !== "") url = url.slice(0, -1);
    else if (last === ")" && !url.includes("(")) url = url.slice(0, -1);
    else if (last === "]" && !url.includes("[")) url = url.slice(0, -1);
    else break;
  }
  return url;
}

/** A count cell of a results box or footer: leading digits, `-`/`—` as 0, else `null`. */
export function toCount(value: string | undefined): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (v === "-" || v === "—") return 0;
  const m = /^\d+/.exec(v);
  return m === null ? null : Number(m[0]);
}

/**
 * The reason of a cypress-cloud `Run cancelled: <reason>. Waiting for uploads to complete…` line:
 * cut before a whitespace-preceded `Waiting for uploads`, trimmed, one trailing `.` removed.
 * Done here (linear) instead of with `\s+` after a lazy group in the pattern (quadratic).
 */
export function cancelReason(raw: string): string {
  let text = raw;
  for (
    let at = text.indexOf("Waiting for uploads");
    at >= 0;
    at = text.indexOf("Waiting for uploads", at + 1)
  ) {
    const before = text.charCodeAt(at - 1);
    if (before === 0x20 || before === 0x09) {
      text = text.slice(0, at);
      break;
    }
  }
  text = text.trimEnd();
  if (text.endsWith(".")) text = text.slice(0, -1);
  return text.trim();
}

/**
 * `stripAnsi` (`../text.ts`) without the regex, for text that holds no C1 CSI (U+009B; the caller
 * uses `stripAnsi` for such text): CSI `ESC [ params intermediates final` (params 0x30–0x3f,
 * intermediates 0x20–0x2f, final 0x40–0x7e) and OSC `ESC ] … (BEL | ESC \)` removed left to right,
 * an ESC that starts neither kept. The pattern's character classes are disjoint, so its matches
 * are found without backtracking and this loop finds exactly the same ones (a property test
 * compares the two). One `indexOf` per escape and one slice per sequence instead of a regex
 * replace: 8–13% of the runner-log parse of an ANSI-coloured log (issue 11 P5).
 */
export function stripAnsiLinear(text: string): string {
  const n = text.length;
  let out = "";
  let seg = 0;
  for (let i = text.indexOf("\u001b"); i >= 0 && i < n; i = text.indexOf("\u001b", i + 1)) {
    let end = -1;
    const d = text.charCodeAt(i + 1);
    if (d === 0x5b) end = csiTail(text, i + 2);
    else if (d === 0x5d) end = oscTail(text, i + 2);
    if (end < 0) continue;
    out += text.slice(seg, i);
    seg = end;
    i = end - 1;
  }
  return seg === 0 ? text : out + text.slice(seg);
}
/** End (exclusive) of `[0-?]*[ -/]*[@-~]` at `at`, or -1. */
function csiTail(text: string, at: number): number {
  let j = at;
  let c = text.charCodeAt(j);
  while (c >= 0x30 && c <= 0x3f) c = text.charCodeAt(++j);
  while (c >= 0x20 && c <= 0x2f) c = text.charCodeAt(++j);
  return c >= 0x40 && c <= 0x7e ? j + 1 : -1;
}
/** End (exclusive) of `[^BEL ESC]*(?:BEL|ESC \\)` at `at`, or -1. */
function oscTail(text: string, at: number): number {
  let j = at;
  const n = text.length;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 0x07) return j + 1;
    if (c === 0x1b) return text.charCodeAt(j + 1) === 0x5c ? j + 2 : -1;
    j++;
  }
  return -1;
}
