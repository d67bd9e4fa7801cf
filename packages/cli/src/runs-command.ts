/**
 * `atvm runs [--state-dir DIR] [--format text|json]`: every watched build under the state dir
 * (W9 `/var/lib/atvm-run-watcher`), with the state of the run and each batch, posted yes/no with the
 * time (D10), why a post was suppressed (D8), and posts whose outcome is unknown awaiting review (D9).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { openFileStateStore } from "@atvm-watch/node-fs";
import { parseMachineState, parseRecord, STATE_KEY, unitKeys } from "@atvm-watch/watcher";
import type { CliIo } from "./io.ts";

/** The default state dir (W9); `ATVM_STATE_DIR` overrides it, `--state-dir` overrides both. */
export const DEFAULT_STATE_DIR = "/var/lib/atvm-run-watcher";

/** Options of `atvm runs` (strings, unvalidated). */
export interface RunsCommandOptions {
  readonly stateDir?: string;
  readonly format?: string;
}

/** One unit as `atvm runs` reports it. */
export interface RunsUnitRow {
  readonly id: string;
  readonly kind: "run" | "batch";
  readonly state: string;
  readonly post: string;
  readonly posted: boolean;
  /** UTC ISO-8601 of the `ok`, or `null`. */
  readonly postedAt: string | null;
  /** Newest reason (e.g. why a post was suppressed), or `null`. */
  readonly reason: string | null;
  /** `true` when the post outcome is unknown or rejected: an operator must check the channel (D9). */
  readonly needsReview: boolean;
}

/** One build as `atvm runs` reports it. */
export interface RunsBuildRow {
  readonly build: string;
  /** Run-level state, or `UNREADABLE` when state.json is missing or corrupt. */
  readonly state: string;
  readonly phase: string;
  readonly cancelled: boolean;
  readonly units: readonly RunsUnitRow[];
}

/** The state dir from the option, `ATVM_STATE_DIR`, or the W9 default. */
export function stateDirOf(option: string | undefined, env: CliIo["env"]): string {
  return option ?? env.ATVM_STATE_DIR ?? DEFAULT_STATE_DIR;
}

/** Reads every build under `stateDir` (a missing dir gives `[]`). Rejects with `STATE_IO` on unreadable files. */
export async function listRuns(stateDir: string): Promise<readonly RunsBuildRow[]> {
  let names: string[];
  try {
    names = readdirSync(stateDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
  const rows: RunsBuildRow[] = [];
  for (const build of names) {
    const store = await openFileStateStore(join(stateDir, build));
    const state = parseMachineState(await store.get(STATE_KEY), build);
    const cancelled = (await store.get("cancelled.marker")) !== null;
    const units: RunsUnitRow[] = [];
    for (const unit of Array.isArray(state?.units) ? state.units : []) {
      const marker = parseRecord(await store.get(unitKeys(unit.kind, unit.id).posted));
      const at = typeof marker?.at === "number" ? marker.at : unit.postedAt;
      units.push({
        id: unit.id,
        kind: unit.kind,
        state: unit.state,
        post: unit.post,
        posted: marker !== null || unit.post === "posted",
        postedAt: at === null ? null : new Date(at).toISOString(),
        reason: unit.reasons.at(-1) ?? null,
        // D9: HUNG and UNKNOWN are left for operator review, as is a post whose fate is unknown or refused.
        needsReview:
          unit.state === "HUNG" ||
          unit.state === "UNKNOWN" ||
          unit.post === "outcome-unknown" ||
          unit.post === "rejected",
      });
    }
    rows.push({
      build,
      state: state === null ? "UNREADABLE" : state.runState,
      phase: state === null ? "unknown" : state.phase,
      cancelled,
      units,
    });
  }
  return rows;
}

/** Renders rows as text: one line per build, one indented line per unit. */
export function formatRuns(rows: readonly RunsBuildRow[]): string {
  if (rows.length === 0) return "no watched builds\n";
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`${row.build} - ${row.state} (${row.phase}${row.cancelled ? ", cancelled.marker" : ""})`);
    for (const s of row.units) {
      const posted = s.posted ? `posted ${s.postedAt ?? "(time unknown)"}` : `not posted (${s.post})`;
      const review = s.needsReview ? " - REVIEW: post outcome unknown or rejected" : "";
      const reason = s.reason === null ? "" : ` - ${s.reason}`;
      lines.push(`  ${s.kind} ${s.id} - ${s.state} - ${posted}${reason}${review}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** `atvm runs`. Exit 0; 2 for an unknown `--format`. */
export async function runRuns(options: RunsCommandOptions, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json") {
    io.stderr.write(`atvm runs: --format ${JSON.stringify(format)} is not one of text, json\n`);
    return 2;
  }
  const rows = await listRuns(stateDirOf(options.stateDir, io.env));
  io.stdout.write(format === "json" ? `${JSON.stringify({ builds: rows }, null, 2)}\n` : formatRuns(rows));
  return 0;
}
