/**
 * Flat string copies for what observations keep (issue "Fleet scale"). Pure.
 *
 * V8 represents `slice`/`substring`/regex captures of 13+ characters as sliced strings that point
 * into their parent, so a testcase title cut from a 100 KB JUnit text keeps the whole text alive
 * for as long as the observation lives. `(" " + s).slice(1)` is itself a slice (of a flattened
 * cons string, which is a copy — but only by V8's current heuristics). A JSON round trip always
 * builds a new sequential string (the parser allocates its result), so it is the copy used here;
 * short strings (< 13 characters) are always copied by V8 and are returned as they are.
 */

/** A copy of `s` that shares no storage with the text it was cut from; `s` itself when shorter than 13 characters. */
export function flat(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** {@link flat} for an optional string. */
export function flatOrNull(s: string | null): string | null {
  return s === null ? null : flat(s);
}
