/**
 * The layout of one build's watcher state directory (D5, W5), shared by the watcher, `atvm runs`
 * and `atvm cancel`:
 *
 * ```
 * <state-dir>/<build>/state.json            MachineState (docs/state-machine.md), written on every change
 * <state-dir>/<build>/run-urls.json         cloud run URLs seen so far (R30)
 * <state-dir>/<build>/cancelled.marker      operator cancel of the whole run (D4/W4)
 * <state-dir>/<build>/intent.json           post intent of the run unit (frozen text + notification id)
 * <state-dir>/<build>/posted.marker         the run unit was posted (D10)
 * <state-dir>/<build>/summary.json          atvm.summary.v1 of the run, written when the watch ends (T5)
 * <state-dir>/<build>/subruns/<id>/…        the same files per batch of a categorized run (W5)
 * <state-dir>/<build>/watch.lock            the D7 lock (a kernel lock; the file itself means nothing)
 * ```
 */

import type { MachineState } from "@atvm-watch/engine";

/** The state file of the whole build. */
export const STATE_KEY = "state.json";
/** Cloud run URLs (R30). */
export const RUN_URLS_KEY = "run-urls.json";
/** The run's `atvm.summary.v1`, written when the watch ends (T5); `subruns/<id>/summary.json` per batch. */
export const SUMMARY_KEY = "summary.json";
/** The D7 lock name. */
export const LOCK_NAME = "watch.lock";
/** The run-level cancel marker (D4/W4). */
export const CANCEL_KEY = "cancelled.marker";

/** The key prefix of a unit: `""` for the run unit, `subruns/<id>/` for a batch (W5). */
export function unitPrefix(kind: "run" | "batch", id: string): string {
  return kind === "run" ? "" : `subruns/${id}/`;
}

/** Post-protocol keys of one unit. */
export function unitKeys(
  kind: "run" | "batch",
  id: string,
): {
  readonly intent: string;
  readonly posted: string;
  readonly cancelled: string;
  readonly state: string;
  readonly summary: string;
} {
  const prefix = unitPrefix(kind, id);
  return {
    summary: `${prefix}${SUMMARY_KEY}`,
    intent: `${prefix}intent.json`,
    posted: `${prefix}posted.marker`,
    cancelled: `${prefix}cancelled.marker`,
    state: `${prefix}state.json`,
  };
}

/** The intent record (docs/watcher.md "The delivery promise"): the frozen post text and its notification id. */
export interface PostIntent {
  readonly version: 1;
  /** UUID carried in the post footer so a duplicate can be recognised. */
  readonly notificationId: string;
  readonly build: string;
  readonly unit: string;
  readonly state: "COMPLETED" | "FAILED";
  /** The exact Markdown that is (re-)posted; never recomputed after a restart. */
  readonly text: string;
  /** UTC ms. */
  readonly createdAt: number;
}

/** The posted marker (D10). */
export interface PostedMarker {
  readonly notificationId: string;
  readonly unit: string;
  /** UTC ms when Mattermost answered `ok`. */
  readonly at: number;
}

/** Parses JSON text into a record, or `null` when it is not a JSON object (corrupt or empty file). */
export function parseRecord(text: string | null): Readonly<Record<string, unknown>> | null {
  if (text === null || text.trim() === "") return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Parses `state.json` text into a `MachineState` of `build`, or `null` when it is empty, not JSON, of
 * another version or build, or has no unit list (a corrupt file, reliability §6 case 14). Files
 * written before the posting unit was renamed carry the list as `scopes`: it is read as `units`.
 */
export function parseMachineState(text: string | null, build: string): MachineState | null {
  const record = parseRecord(text);
  if (record === null || record.version !== 1 || record.build !== build) return null;
  if (Array.isArray(record.units)) return record as unknown as MachineState;
  if (!Array.isArray(record.scopes)) return null;
  const { scopes, ...rest } = record;
  return { ...rest, units: scopes } as unknown as MachineState;
}
