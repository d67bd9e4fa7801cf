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
