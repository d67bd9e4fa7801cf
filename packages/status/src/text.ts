/**
 * Terminal rendering of the fixed status layout (R4, R29, R16). Pure.
 */
import type { HostStatus, RunState, Snapshot } from "@atvm-watch/engine";
import { match } from "ts-pattern";
import { assertZone } from "./format.ts";
import { buildModel, hostDetail, hostLine, issuesLine, type RenderOptions, type Row } from "./model.ts";
import { NOTES_LIST_LIMIT, stripBidi } from "./safety.ts";

const RESET = "\u001b[0m";
const BOLD = "\u001b[1m";
const GREEN = "\u001b[32m";
const RED = "\u001b[31m";
const YELLOW = "\u001b[33m";
const DIM = "\u001b[2m";

/** ANSI colour of a host status: PASS green, FAIL red, RUNNING yellow, SKIPPED dim. */
function statusColor(status: HostStatus): string | null {
  return match(status)
    .with("PASS", () => GREEN)
    .with("FAIL", () => RED)
    .with("RUNNING", () => YELLOW)
    .with("SKIPPED", () => DIM)
    .with("NOT STARTED", () => null)
    .exhaustive();
}

/** ANSI colour of a run state. */
function stateColor(state: RunState): string | null {
  return match(state)
    .with("COMPLETED", () => GREEN)
    .with("FAILED", "TERMINATED", () => RED)
    .with("RUNNING", "HUNG", () => YELLOW)
    .with("CANCELLED", "UNKNOWN", () => DIM)
    .exhaustive();
}

/**
 * The status as terminal text: the build name as the heading (R4), then `SUMMARY:`, `HOSTS:`,
 * `TIMING:`, `COVERAGE:`, `TEST FLOW:`, `NOTES:` in that order (R29), the same for every template
 * (R16). One host per line, host first (R8/R12); FAIL lines carry `step N (<title>): <message>`
 * (R17); SKIPPED lines their blacklist reason (R3); the inventory kernel ends the line (W10).
 * Times are shown in `options.zone`. ANSI colour only when `options.color` is `true`. NOTES lists
 * (notes, parse issues) show the first 20 items then `… and N more` (R31); bidirectional controls are
 * stripped (safety.ts). Pure.
 *
 * @throws AtvmError `CONFIG_INVALID` when `options.zone` is not a valid IANA zone.
 */
export function renderText(snapshot: Snapshot, options: RenderOptions): string {
  assertZone(options.zone);
  const model = buildModel(snapshot, options);
  const color = options.color === true;
  const paint = (code: string | null, text: string): string =>
    color && code !== null ? `${code}${text}${RESET}` : text;
  const rows = (list: readonly Row[]): string[] => list.map((r) => `  ${r.label}: ${r.value}`);
  const out: string[] = [];

  out.push(paint(BOLD, model.build), "=".repeat(Math.max(3, model.build.length)), "");

  out.push(paint(BOLD, "SUMMARY:"));
  for (const row of model.summary) {
    out.push(
      `  ${row.label}: ${row.label === "State" ? paint(stateColor(model.state), row.value) : row.value}`,
    );
  }
  out.push("");

  out.push(paint(BOLD, "HOSTS:"));
  if (snapshot.hosts.length === 0) out.push("  none");
  for (const group of model.hostGroups) {
    const indent = group.heading !== null ? "    " : "  ";
    if (group.heading !== null) out.push(`  ${group.heading}`);
    if (group.hosts.length === 0 && group.heading !== null) out.push(`${indent}none`);
    for (const host of group.hosts) {
      const line = hostLine(host, hostDetail(host, snapshot.at));
      out.push(`${indent}${paint(statusColor(host.status), line)}`);
    }
  }
  out.push("");

  out.push(paint(BOLD, "TIMING:"), ...rows(model.timing), "");
  out.push(paint(BOLD, "COVERAGE:"), ...rows(model.coverage), "");

  out.push(paint(BOLD, "TEST FLOW:"));
  if (model.flow.steps !== null) out.push(...model.flow.steps.map((step, i) => `  ${i + 1}. ${step}`));
  else out.push(`  ${model.flow.missing}`);
  out.push("");

  out.push(paint(BOLD, "NOTES:"));
  const notes: string[] = [];
  for (const url of model.runUrls) notes.push(`Run URL: ${url}`);
  if (model.templateCommand !== null) notes.push(`Template command: ${model.templateCommand}`);
  notes.push(...model.notes);
  const issues = issuesLine(model.issues, NOTES_LIST_LIMIT);
  if (issues !== null) notes.push(issues);
  if (notes.length === 0) notes.push("none");
  out.push(...notes.map((n) => `  ${n}`));

  return stripBidi(`${out.join("\n")}\n`);
}
