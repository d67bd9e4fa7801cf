/**
 * Small formatting helpers shared by the renderers: times in an IANA zone (luxon), durations,
 * single-line text, code-point-safe truncation. Pure: no clock, no global luxon `Settings`.
 */
import { AtvmError } from "@atvm-watch/engine";
import { DateTime } from "luxon";

/** Zone names luxon resolves from the process environment or global settings; rejected so output never depends on the machine. */
const ENVIRONMENT_ZONES: ReadonlySet<string> = new Set(["local", "system", "default"]);

/**
 * Checks that `zone` is a usable time zone: an IANA name (`UTC`, `Europe/Berlin`) or a fixed
 * offset luxon understands (`UTC+2`). `local`, `system` and `default` are rejected because they
 * read the machine's or luxon's global setting.
 *
 * @throws AtvmError `CONFIG_INVALID` naming the zone and the fix.
 */
export function assertZone(zone: string): void {
  const valid =
    !ENVIRONMENT_ZONES.has(zone.trim().toLowerCase()) &&
    zone.trim().length > 0 &&
    DateTime.fromMillis(0, { zone }).isValid;
  if (!valid) {
    throw new AtvmError(
      "CONFIG_INVALID",
      `time zone "${zone}" is not a valid IANA zone name; set "timeZone" in atvm.config.json ` +
        `(or pass --tz) to a name such as "UTC" or "Europe/Berlin"`,
    );
  }
}

/**
 * `2026-03-27 08:00:00 UTC` for UTC, `2026-03-27 09:00:00 Europe/Berlin (UTC+01:00)` for any
 * other zone. `ms` is UTC epoch milliseconds; the zone must have passed {@link assertZone}.
 * Returns `invalid time (<ms>)` for a value luxon cannot represent; never throws.
 */
export function formatTime(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone, locale: "en-US", numberingSystem: "latn" });
  if (!dt.isValid) return `invalid time (${String(ms)})`;
  const clock = dt.toFormat("yyyy-MM-dd HH:mm:ss");
  if (dt.zone.isUniversal && dt.offset === 0) return `${clock} UTC`;
  return `${clock} ${dt.zoneName ?? zone} (UTC${dt.toFormat("ZZ")})`;
}

/**
 * A duration in milliseconds as `1h 02m 03s`, `4m 05s` or `12s` (rounded to the second).
 * Negative values read `0s`; a non-finite value reads `unknown`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "unknown";
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${pad2(m)}m ${pad2(s)}s`;
  if (m > 0) return `${m}m ${pad2(s)}s`;
  return `${s}s`;
}

/**
 * A coarse duration for ETAs: `2h 14m`, `14m` (rounded to the minute) or `45s` under a minute.
 * Negative values read `0s`; a non-finite value reads `unknown`.
 */
export function formatApproxDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "unknown";
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))}s`;
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h ${pad2(m)}m` : `${m}m`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Control characters (C0, DEL, C1), including ESC of ANSI sequences and line breaks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * `text` on one line: every run of control characters (newlines, tabs, ESC) and spaces becomes
 * one space, ends trimmed. Keeps a host line a single line (R8/R12) and keeps stray ANSI out.
 */
export function oneLine(text: string): string {
  return text.replace(CONTROL, " ").replace(/ {2,}/g, " ").trim();
}

/** Length in Unicode code points (what Mattermost counts as runes). */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * `text` cut to at most `max` code points, ending in `…` when cut. Never splits a surrogate pair.
 * `max` ≤ 0 gives `""`.
 */
export function truncate(text: string, max: number): string {
  if (max <= 0) return "";
  if (codePointLength(text) <= max) return text;
  let index = 0;
  let points = 0;
  while (index < text.length && points < max - 1) {
    const c = text.charCodeAt(index);
    index += c >= 0xd800 && c <= 0xdbff && index + 1 < text.length ? 2 : 1;
    points++;
  }
  return `${text.slice(0, index)}…`;
}

/** `1` → `1 artifact`, `3` → `3 artifacts`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
