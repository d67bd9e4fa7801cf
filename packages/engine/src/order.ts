/**
 * Orderings shared by reconstruction's modules, so a listing sorts the same way wherever it is built.
 */

/**
 * Compares two strings by UTF-16 code unit (the order of `Array.prototype.sort` with no comparator):
 * negative when `a` comes first, positive when `b` does, 0 when equal. Locale-free, so a snapshot's
 * order never depends on the machine (`localeCompare` would).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
