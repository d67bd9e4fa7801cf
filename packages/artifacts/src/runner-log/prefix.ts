/**
 * Wrapper prefixes in front of runner-log lines: a wrapper script (run-sorry-cypress.py, a CI
 * logger, `docker logs --timestamps`, Jenkins' timestamper) may write each Cypress line behind a
 * timestamp, a `[host]` tag or a logging level. The Cypress patterns are anchored at the start
 * of the line, so the prefix is removed first (Status you can trust §5). Pure, linear time.
 *
 * Built-in tokens (each must be followed by a separator or the end of the line; up to
 * {@link MAX_PREFIX_TOKENS} of them in any order):
 * - a timestamp: ISO 8601 / RFC 3339 `2026-03-27T07:58:00.123Z`, `2026-03-27T07:58:00+01:00`,
 *   Python logging's `2026-03-27 07:58:00,123`, or a time of day `07:58:00` (Jenkins timestamper),
 *   optionally in square brackets;
 * - a logging level `TRACE DEBUG INFO NOTICE WARN WARNING ERROR CRITICAL FATAL`, bare (`INFO`),
 *   with a colon (`INFO:`), in brackets (`[INFO]`), or Python `logging.basicConfig`'s default
 *   `INFO:root:` (level, logger name, colon; https://docs.python.org/3/library/logging.html#logging.basicConfig);
 * - a tag in square brackets without spaces, such as `[atvm-controller]` (the batch lines'
 *   `[run-sorry-cypress]` looks like one, so the parser also tries them on the unstripped line).
 *
 * Separators: one space or tab, ` - `, ` | `, or `: ` (none after `INFO:root:`). Exactly one
 * separator is removed after the last token, so the message's own indentation (mocha's two-space
 * failure list) is kept.
 *
 * Operators name other prefixes with config `logPrefixes` (regular-expression sources, compiled
 * with RE2 and matched at the start of the line), tried before the built-in tokens and removed
 * exactly as matched (include the separator in the pattern).
 */

import { RE2JS } from "re2js";

/** Most prefix tokens removed from one line (timestamp, host tag, level, logger name…). */
export const MAX_PREFIX_TOKENS = 4;

/** Longest prefix removed, in characters: a longer "prefix" is content. */
const MAX_PREFIX_CHARS = 200;

const TIMESTAMP = /\[?(?:\d{4}-\d\d-\d\d[T ])?\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d(?::?\d\d)?)?\]?/y;
const LEVEL = /\[?(?:TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|CRITICAL|FATAL)(?:\]|:[\w.<>-]{1,64}:|:)?/y;
const TAG = /\[[^\]\s[]{1,100}\]/y;

/** A prefix matcher compiled from config `logPrefixes`: the length of the prefix at the start of `text`, or -1. */
export type PrefixMatcher = (text: string) => number;

/**
 * Compiles operator prefix patterns with RE2 (linear time whatever the pattern; JS syntax via
 * `RE2JS.translateRegExp`), anchored at the start of the line. Returns the matchers, or the
 * reason a pattern was refused (RE2 has no backreferences or lookaround). Never throws.
 */
export function compilePrefixes(sources: readonly string[]): {
  matchers: PrefixMatcher[];
  problems: string[];
} {
  const matchers: PrefixMatcher[] = [];
  const problems: string[] = [];
  sources.forEach((source, i) => {
    const problem = prefixProblem(source);
    if (problem !== null) {
      problems.push(`logPrefixes[${i}]: ${problem}`);
      return;
    }
    const re = RE2JS.compile(`^(?:${RE2JS.translateRegExp(source)})`);
    matchers.push((text) => {
      const m = re.matcher(text);
      if (!m.lookingAt()) return -1;
      return m.end();
    });
  });
  return { matchers, problems };
}

/**
 * Why `source` cannot be a `logPrefixes` entry (does not compile under RE2, matches the empty
 * string), or `null` when it can. For config validation.
 */
export function prefixProblem(source: string): string | null {
  let re: RE2JS;
  try {
    re = RE2JS.compile(`^(?:${RE2JS.translateRegExp(source)})`);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `${JSON.stringify(source)} does not compile with the linear-time engine RE2 (${why}; RE2 has no backreferences or lookaround)`;
  }
  if (re.matcher("").lookingAt()) {
    return `${JSON.stringify(source)} matches an empty prefix; it must match at least one character`;
  }
  return null;
}

/** End of the separator at `at`, or -1 when there is none (end of line counts as one). */
function separatorEnd(text: string, at: number): number {
  if (at >= text.length) return at;
  const c = text.charCodeAt(at);
  if (c === 0x20 && (text.charCodeAt(at + 1) === 0x2d || text.charCodeAt(at + 1) === 0x7c)) {
    // ` - ` / ` | `
    if (text.charCodeAt(at + 2) === 0x20) return at + 3;
  }
  if (c === 0x20 || c === 0x09) return at + 1;
  if (c === 0x3a && text.charCodeAt(at + 1) === 0x20) return at + 2;
  return -1;
}

function stickyEnd(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : -1;
}

/** End of one built-in token at `at` (timestamp, level, tag), or -1. */
function tokenEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === 0x5b) {
    // `[`: a bracketed timestamp or level first, else a tag.
    const inner = text.charCodeAt(at + 1);
    if (inner >= 0x30 && inner <= 0x39) {
      const end = stickyEnd(TIMESTAMP, text, at);
      if (end > at + 1 && text.charCodeAt(end - 1) === 0x5d) return end;
    } else if (inner >= 0x41 && inner <= 0x5a) {
      const end = stickyEnd(LEVEL, text, at);
      if (end > at + 1 && text.charCodeAt(end - 1) === 0x5d) return end;
    }
    return stickyEnd(TAG, text, at);
  }
  if (c >= 0x30 && c <= 0x39) return stickyEnd(TIMESTAMP, text, at);
  if (c >= 0x43 && c <= 0x57) return stickyEnd(LEVEL, text, at); // C … W
  return -1;
}

/**
 * `raw` without its wrapper prefix: user matchers first, then built-in tokens, each followed by
 * a separator; `raw` itself when it has none. Linear in the line length.
 */
export function stripPrefix(raw: string, user: readonly PrefixMatcher[]): string {
  let at = 0;
  for (let n = 0; n < MAX_PREFIX_TOKENS && at < raw.length && at <= MAX_PREFIX_CHARS; n++) {
    let end = -1;
    if (user.length > 0) {
      const rest = at === 0 ? raw : raw.slice(at);
      for (const m of user) {
        const len = m(rest);
        if (len > 0) {
          end = at + len;
          break;
        }
      }
      if (end >= 0) {
        // Removed exactly as matched: an operator prefix includes its own separator.
        at = end;
        continue;
      }
    }
    end = tokenEnd(raw, at);
    if (end < 0) break;
    // `INFO:root:` (basicConfig's `%(levelname)s:%(name)s:%(message)s`) has no separator.
    if (raw.charCodeAt(end - 1) === 0x3a && raw.indexOf(":", at) < end - 1 && raw.charCodeAt(at) !== 0x5b) {
      at = end;
      continue;
    }
    const sep = separatorEnd(raw, end);
    if (sep < 0) break;
    at = sep;
  }
  return at === 0 ? raw : raw.slice(at);
}

/**
 * `true` when the line may start with a built-in prefix token (a digit, `[` or an upper-case
 * letter that starts a level word): the byte-level fast path sends such lines to the full parser.
 */
export function mayHavePrefix(firstCode: number): boolean {
  return (
    (firstCode >= 0x30 && firstCode <= 0x39) || firstCode === 0x5b || (firstCode >= 0x43 && firstCode <= 0x57)
  );
}
