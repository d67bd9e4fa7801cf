/**
 * Mocha's failure list as the spec reporter prints it at the end of a spec:
 * `  1) suite` / `       title:` (title parts indented, the last ending in `:`), then the error
 * lines up to a blank line, a stack line (`at …`) or the next entry (R17 evidence). Pure.
 */

import { parseStepTitle } from "../text.ts";
import type { RunnerLogPendingFailure } from "./state.ts";

/** Title parts read before an entry is dropped as not a failure-list entry. */
const MAX_TITLE_PARTS = 8;
/** Error lines kept per entry. */
const MAX_MESSAGE_LINES = 6;
/** Error characters kept per entry. */
export const MAX_MESSAGE_CHARS = 2000;

const HOOK = /^"(before all|before each|after all|after each)" hook(?: for "(.*)")?$/;

/** What one line does to the entry being read. */
export interface FailureStep {
  /** `true` when the line belongs to the entry (else it is parsed as an ordinary line). */
  readonly consumed: boolean;
  /** The entry still being read after this line, or `null`. */
  readonly next: RunnerLogPendingFailure | null;
  /** The entry complete with this line (to report), or `null`. */
  readonly done: RunnerLogPendingFailure | null;
}

/**
 * Feeds `raw` (ANSI-stripped, with indentation) to entry `f`. `isEntryStart` tells whether a
 * line opens the next failure-list entry (the `failureStart` pattern).
 */
export function feedFailure(
  f: RunnerLogPendingFailure,
  raw: string,
  isEntryStart: (raw: string) => boolean,
): FailureStep {
  if (!f.titleDone) {
    const m = /^ {5,}(\S.*)$/.exec(raw);
    if (m === null || f.parts.length >= MAX_TITLE_PARTS) {
      // Not a failure-list entry after all (e.g. a live reporter line).
      return { consumed: false, next: null, done: null };
    }
    const part = (m[1] as string).trimEnd();
    return {
      consumed: true,
      next: { ...f, parts: [...f.parts, part], titleDone: part.endsWith(":") },
      done: null,
    };
  }
  const text = raw.trim();
  if (text === "" || /^at\s/.test(text)) return { consumed: true, next: null, done: f };
  if (isEntryStart(raw)) return { consumed: false, next: null, done: f };
  const message = [...f.message, text];
  const chars = message.reduce((n, l) => n + l.length, 0);
  if (message.length >= MAX_MESSAGE_LINES || chars >= MAX_MESSAGE_CHARS) {
    return { consumed: true, next: null, done: { ...f, message } };
  }
  return { consumed: true, next: { ...f, message }, done: null };
}

/** A complete entry's step, title (hook wording kept), full title, leading word and error text. */
export interface FailureText {
  readonly step: number | null;
  readonly title: string;
  /** All title parts joined by spaces, without the final `:`. */
  readonly full: string;
  /** The first word of the first title part (a host-shaped root suite title, maybe). */
  readonly first: string;
  /** The error lines joined by `\n`, at most `MAX_MESSAGE_CHARS`. */
  readonly message: string;
}

/** Splits a complete entry into step, title and error text (`"before all" hook for "3. x"` keeps its hook wording). */
export function failureText(f: RunnerLogPendingFailure): FailureText {
  const parts = f.parts.map((p) => p.trim());
  const last = (parts[parts.length - 1] ?? "").replace(/:$/, "");
  let step: number | null;
  let title: string;
  const hook = HOOK.exec(last);
  if (hook !== null) {
    const inner = parseStepTitle(hook[2] ?? "");
    step = inner.step;
    title = hook[2] === undefined ? `"${hook[1]}" hook` : `"${hook[1]}" hook for "${inner.title}"`;
  } else {
    const parsed = parseStepTitle(last);
    step = parsed.step;
    title = parsed.title;
  }
  return {
    step,
    title,
    full: parts.join(" ").replace(/:$/, ""),
    first: (parts[0] ?? "").split(/\s+/)[0] ?? "",
    message: f.message.join("\n").slice(0, MAX_MESSAGE_CHARS),
  };
}
