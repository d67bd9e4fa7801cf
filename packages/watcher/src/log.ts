/** The watcher's structured log (D8): records, the JSON-line writer and secret redaction. */
import type { Clock } from "@atvm-watch/engine";

/** One structured D8 log record; the default logger writes it as one JSON line on stderr. */
export interface WatcherLogRecord {
  /** UTC ISO-8601. */
  readonly ts: string;
  readonly level: "debug" | "info" | "warn" | "error";
  readonly build: string;
  readonly unit: string | null;
  /** The machine's `LogReason`, or `state-io`, `observe-failed`, `duplicate-prevented`, `corrupt-state`, `post-sent`. */
  readonly reason: string;
  readonly message: string;
}

/** Logs one record of the watched build: level, unit (`null` for the build), reason, message. */
export type WatcherLog = (
  level: WatcherLogRecord["level"],
  unit: string | null,
  reason: string,
  message: string,
) => void;

/** A logger writing each record as one JSON line through `write` (e.g. `process.stderr.write`), D8. */
export function jsonLineLogger(write: (line: string) => void): (record: WatcherLogRecord) => void {
  return (record) => write(`${JSON.stringify(record)}\n`);
}

/** Replaces each secret, and the path of each secret URL, by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join("***");
    try {
      const path = new URL(secret).pathname;
      if (path.length > 1) out = out.split(path).join("/***");
      for (const part of path.split("/")) if (part.length >= 8) out = out.split(part).join("***");
    } catch {
      // not a URL: the whole-string replacement above is all
    }
  }
  return out;
}

/**
 * The loop's logger for `build`: stamps each record with the clock's UTC time and redacts every
 * secret from the message before handing it to `sink`.
 */
export function buildLogger(
  build: string,
  clock: Clock,
  sink: (record: WatcherLogRecord) => void,
  secrets: readonly string[],
): WatcherLog {
  return (level, unit, reason, message) => {
    sink({
      ts: new Date(clock.now()).toISOString(),
      level,
      build,
      unit,
      reason,
      message: redact(message, secrets),
    });
  };
}
