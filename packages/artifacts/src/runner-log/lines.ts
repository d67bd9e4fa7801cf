/**
 * Bytes → lines for the runner-log parser, with a byte-level fast path (issue 11 P5): most lines
 * of a Cypress console (test titles, stack lines, box rules, video and screenshot lists) match no
 * pattern, so they are recognised on the raw bytes and counted without being decoded, split or
 * matched. Pure.
 *
 * The fast path only runs with the default patterns and no operator prefixes, and not inside a
 * mocha failure entry (`LineParser.fastMode`). A line is skipped only when it provably
 * matches no default pattern (see {@link mayMatter}); every other line goes through the full
 * parser. A differential property test (fast path on vs off) holds it to that.
 */

import { decodeUtf8KeepBom } from "../runner-log-bytes.ts";
import { FAST_FOOTER, FAST_NONE, FAST_RESULTS, type LineParser } from "./line-parser.ts";
import { RUNNER_LOG_MAX_LINE_BYTES } from "./state.ts";

const NEWLINE = 0x0a;
const CR = 0x0d;
const ESC = 0x1b;
const CSI_C1 = 0x9b;

/**
 * Feeds every complete line of `data[0, lastNl]` (`data[lastNl]` is a newline) to `parser`;
 * a line longer than `RUNNER_LOG_MAX_LINE_BYTES` is cut to that many bytes. `fast` enables the
 * byte-level fast path (callers pass `false` when patterns or prefixes are overridden).
 */
export function parseCompleteLines(
  data: Uint8Array,
  lastNl: number,
  parser: LineParser,
  fast: boolean,
): void {
  if (!fast) {
    parseAllLines(data, lastNl, parser);
    return;
  }
  for (let from = 0; from <= lastNl; ) {
    let nl: number;
    const mode = parser.fastMode();
    if (mode !== FAST_NONE) {
      // One pass over the line's bytes: find its end and any byte that can make it matter.
      const footer = mode === FAST_FOOTER;
      let i = from;
      let hot = false;
      for (;;) {
        let k = CLASS[data[i] as number] as number;
        while (k === 0) k = CLASS[data[++i] as number] as number;
        if (k === NL_CLASS) break;
        // CRLF: the parser removes a CR right before the newline; any other CR splits the line.
        if (k === HOT_CLASS || (k === CR_CLASS && data[i + 1] !== NEWLINE) || (k === FOOT_CLASS && footer)) {
          hot = true;
          i = data.indexOf(NEWLINE, i);
          break;
        }
        i++;
      }
      nl = i;
      if (
        !hot &&
        nl - from <= RUNNER_LOG_MAX_LINE_BYTES &&
        !mayMatter(data, from, nl, mode === FAST_RESULTS)
      ) {
        parser.skip();
        from = nl + 1;
        continue;
      }
    } else {
      nl = data.indexOf(NEWLINE, from);
    }
    const end = nl - from > RUNNER_LOG_MAX_LINE_BYTES ? from + RUNNER_LOG_MAX_LINE_BYTES : nl;
    parser.line(decodeUtf8KeepBom(data, from, end));
    from = nl + 1;
  }
}

const NL_CLASS = 1;
const HOT_CLASS = 2;
const CR_CLASS = 3;
const FOOT_CLASS = 4;

/**
 * Byte classes of the fast path: newline; the bytes every unanchored default pattern and the
 * `Running:` line contain (`R`: Running, Run URL, Recorded Run, Renderer, Test Runner, Run
 * cancelled, Cloud Run Finished; `W`: We detected…, We encountered…; `z`: categorized batch) and
 * the C1 CSI byte; CR (harmless only right before the newline); and, hot only while a footer is
 * awaited, `runFooter`'s `All specs passed!` (`!`) and `N of M failed` (`f`). One table, so the
 * scan of a line is one tight loop over the bytes that are none of these.
 */
const CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  t[NEWLINE] = NL_CLASS;
  for (const b of [0x52, 0x57, 0x7a, CSI_C1]) t[b] = HOT_CLASS;
  t[CR] = CR_CLASS;
  for (const b of [0x21, 0x66]) t[b] = FOOT_CLASS;
  return t;
})();

/** Without the fast path: one decode of the whole run of lines, split at newlines (unless a line is over-long). */
function parseAllLines(data: Uint8Array, lastNl: number, parser: LineParser): void {
  let longLine = false;
  for (let from = 0; from <= lastNl; ) {
    const nl = data.indexOf(NEWLINE, from);
    if (nl - from > RUNNER_LOG_MAX_LINE_BYTES) {
      longLine = true;
      break;
    }
    from = nl + 1;
  }
  if (!longLine) {
    for (const text of decodeUtf8KeepBom(data, 0, lastNl).split("\n")) parser.line(text);
    return;
  }
  for (let from = 0; from <= lastNl; ) {
    const nl = data.indexOf(NEWLINE, from);
    parser.line(decodeUtf8KeepBom(data, from, Math.min(nl, from + RUNNER_LOG_MAX_LINE_BYTES)));
    from = nl + 1;
  }
}

/** Decoration around a line's text (`bareLine`): space, tab, `|` and every byte of a non-ASCII character. */
const DECOR: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const b of [0x20, 0x09, 0x7c]) t[b] = 1;
  t.fill(1, 0x80);
  return t;
})();

/** End of the CSI sequence `ESC [ params intermediates final` starting at `at`, or -1 when it is not one. */
function csiEnd(data: Uint8Array, at: number, end: number): number {
  if (at + 1 >= end || data[at + 1] !== 0x5b) return -1;
  let j = at + 2;
  while (j < end && (data[j] as number) >= 0x30 && (data[j] as number) <= 0x3f) j++;
  while (j < end && (data[j] as number) >= 0x20 && (data[j] as number) <= 0x2f) j++;
  if (j >= end) return -1;
  const final = data[j] as number;
  return final >= 0x40 && final <= 0x7e ? j + 1 : -1;
}

/**
 * `true` unless the line `data[from, nl)` — known to hold no `R`, `W` or `z`, no bare CR and no
 * C1 CSI — provably matches no default pattern. With those letters absent, only the anchored
 * patterns remain possible, and this checks their first characters on the ANSI-stripped text:
 * - a wrapper prefix at column 0 (a digit, `[`, or `C`…`W` starting a level word);
 * - `failureStart` `  1) …` and `suiteHost` `  atvm…` (two spaces, then a digit or `a`);
 * - `resultsStart`, `runFinished`, `attempt`: the bare text (after spaces, `|` and non-ASCII
 *   decoration) starts with `(`;
 * - with `inResults` (a `(Results)` box is open), `resultsField`: the bare text starts with
 *   `T`, `P`, `F` or `S`.
 * An escape sequence it cannot read (not CSI) makes the line matter.
 */
export function mayMatter(data: Uint8Array, from: number, nl: number, inResults: boolean): boolean {
  // The first three visible bytes (c0 c1 c2) and the first bare byte, skipping CSI sequences.
  let c0 = -1;
  let c1 = -1;
  let c2 = -1;
  let seen = 0;
  let bareFirst = -1;
  let i = from;
  while (i < nl && seen < 3) {
    const b = data[i] as number;
    if (b === ESC) {
      const next = csiEnd(data, i, nl);
      if (next < 0) return true;
      i = next;
      continue;
    }
    if (seen === 0) c0 = b;
    else if (seen === 1) c1 = b;
    else c2 = b;
    seen++;
    if (bareFirst < 0 && DECOR[b] === 0) bareFirst = b;
    i++;
  }
  // The first bare byte, if not among the first three: a tight loop over decoration (box rules,
  // padding) up to an escape or the newline (`data[nl]`, not decoration).
  while (bareFirst < 0 && i < nl) {
    while (DECOR[data[i] as number] === 1) i++;
    if (i >= nl) break;
    if (data[i] !== ESC) {
      bareFirst = data[i] as number;
      break;
    }
    const next = csiEnd(data, i, nl);
    if (next < 0) return true;
    i = next;
  }
  if ((c0 >= 0x30 && c0 <= 0x39) || c0 === 0x5b || (c0 >= 0x43 && c0 <= 0x57)) return true;
  if (c0 === 0x20 && c1 === 0x20 && ((c2 >= 0x30 && c2 <= 0x39) || c2 === 0x61)) return true;
  // `(`: resultsStart, runFinished, attempt. In a results box, `resultsField` rows start with
  // Tests / Passing / Failing / Pending / Skipped / Spec Ran.
  if (bareFirst === 0x28) return true;
  return inResults && (bareFirst === 0x54 || bareFirst === 0x50 || bareFirst === 0x46 || bareFirst === 0x53);
}
