/**
 * NOTES (R31): operator-facing anomalies and failure context only, per host and for the run. Pure.
 */
import type { BookkeepingObservation } from "@atvm-watch/artifacts";
import type { HostEntry, RunProgress } from "../domain.ts";
import type { LogFacts } from "./log-facts.ts";
import { unique } from "./util.ts";

/** Notes collected per host, each once, in the order they were added. */
export class HostNotes {
  readonly #byHost = new Map<string, string[]>();

  /** Adds `note` to `host` unless it is already there. */
  add(host: string, note: string): void {
    const list = this.#byHost.get(host) ?? [];
    if (!list.includes(note)) list.push(note);
    this.#byHost.set(host, list);
  }

  /** The notes of `host` (empty when none). */
  of(host: string): readonly string[] {
    return this.#byHost.get(host) ?? [];
  }
}

/** Input of {@link runNotes}. */
export interface NotesInput {
  readonly facts: LogFacts;
  readonly contradictions: readonly string[];
  readonly entries: readonly HostEntry[];
  readonly hostNotes: HostNotes;
  readonly bookkeeping: readonly BookkeepingObservation[];
  readonly progress: RunProgress;
  /** Whether any runner-log line was observed. */
  readonly logSeen: boolean;
}

/**
 * The run's notes, de-duplicated, in this order: cancellation, crashes, runner-log anomalies (R31), footer
 * contradictions, host notes (in host order), failed bookkeeping, a missing run URL (R30).
 */
export function runNotes(n: NotesInput): string[] {
  const notes: string[] = [];
  for (const reason of n.facts.cancelReasons) notes.push(`Run cancelled: ${reason}`);
  for (const host of n.facts.crashHosts) {
    const what = n.facts.crashWhat.get(host)?.what ?? "a renderer crash";
    notes.push(host === null ? `Runner log shows ${what}` : `Runner log shows ${what} on ${host}`);
  }
  for (const a of n.facts.anomalies) {
    notes.push(`Runner log: ${a.message}${a.count > 1 ? ` (${a.count} times)` : ""}`);
  }
  notes.push(...n.contradictions);
  for (const e of n.entries) notes.push(...n.hostNotes.of(e.host));
  for (const bk of n.bookkeeping) {
    if (bk.passed) continue;
    notes.push(
      bk.failedHosts.length > 0
        ? `check-xml-files.ts reported missing or failed results for ${bk.failedHosts.join(", ")}`
        : `check-xml-files.ts failed (${bk.file})`,
    );
  }
  if ((n.progress === "finished" || n.progress === "stopped") && n.facts.urls.length === 0) {
    notes.push(n.logSeen ? "Run URL not seen in the runner log" : "Run URL not seen (no runner log)");
  }
  return unique(notes);
}
