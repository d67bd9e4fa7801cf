/**
 * Small text helpers shared by the parsers. Pure.
 */

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks), as chalk and Cypress emit.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters by definition
const ANSI = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u009B[0-?]*[ -/]*[@-~]/g;

/** `text` without ANSI escape sequences (SGR colours, cursor moves, OSC links). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** A test title split into the template flow's step number and title. */
export interface StepTitle {
  readonly step: number | null;
  readonly title: string;
}

/**
 * Splits a cmc-e2e style test title `N. title` (seeds/000, R25) into step and title.
 * Leading suite prefixes (mocha `fullTitle`, `useFullSuiteTitle`) before the number are skipped
 * when the number follows a space: `atvm41 e2e 6. Install CMC` → `{ step: 6, title: "Install CMC" }`.
 * A title with no step number gives `{ step: null, title }` unchanged.
 */
export function parseStepTitle(text: string): StepTitle {
  const match = /(?:^|\s)(\d{1,3})\.\s+(\S.*)$/s.exec(text.trim());
  if (match === null) return { step: null, title: text.trim() };
  return { step: Number(match[1]), title: (match[2] as string).trim() };
}

/**
 * Parses a timestamp as UTC epoch ms. Accepts ISO-8601 with or without `Z`/offset and
 * milliseconds; a value without a zone is UTC (mocha-junit-reporter writes
 * `toISOString().slice(0, -5)`, e.g. `2020-08-10T17:44:31`). Returns `null` for anything else.
 */
export function parseUtcTimestamp(value: string | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      value.trim(),
    );
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac === undefined ? 0 : Number(`0.${frac}`) * 1000;
  let t = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s ?? "0"),
    Math.round(ms),
  );
  if (Number.isNaN(t)) return null;
  if (zone !== undefined && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return t;
}

/** Parses decimal seconds (`"10.8280"`, `"0.000"`) to integer ms; `null` when not a finite non-negative number. */
export function secondsToMs(value: string | undefined | null): number | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : null;
}
