/** Small helpers shared by the reconstruction modules. Pure. */
import type { EpochMs } from "@atvm-watch/artifacts";

/** The distinct values, first occurrence first. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Code-unit order of two strings (locale-independent, so snapshots are deterministic). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `YYYY-MM-DD HH:MM:SS UTC` of a UTC ms instant, for notes. */
export function isoUtc(ms: EpochMs): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
