/**
 * Text renderings of triage and diff for the terminal (and Mattermost: plain lines, no tables).
 * Times in an IANA zone through luxon, given by the caller (core reads no clock or environment).
 */
import { DateTime } from "luxon";
import type { RunDiff } from "./diff.ts";
import type { FailureDigest } from "./digest.ts";
import type { FlakyHost } from "./flaky.ts";
import type { Incident } from "./incident.ts";

const hhmm = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toFormat("HH:mm");

/** One incident line, e.g. `12 hosts failed at step 2 with \`ssh: connect …\` between 08:10 and 08:14: likely infrastructure`. */
export function incidentLine(incident: Incident, zone: string): string {
  const at = incident.step === null ? "" : ` at step ${incident.step}`;
  const what =
    incident.signature !== null ? `signature ${incident.signature}` : `\`${clip(incident.message, 120)}\``;
  const tail = incident.likelyInfrastructure
    ? ": likely infrastructure"
    : ": one cause, not separate failures";
  return `${incident.hosts.length} hosts failed${at} with ${what} between ${hhmm(incident.from, zone)} and ${hhmm(incident.to, zone)}${tail} (${incident.hosts.join(", ")})`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `host - <class> - step N <title>: <message> [signature id] (evidence)`, one per digest. */
export function digestLine(d: FailureDigest): string {
  const step = d.step === null ? "" : ` - step ${d.step}`;
  const title = d.title === "" ? "" : ` ${d.title}`;
  const sig = d.signature === null ? " [no signature]" : ` [${d.signature.id}]`;
  return `${d.host} - ${d.class}${step}${title}: ${clip(d.message, 300)}${sig}`;
}

/**
 * One flaky host line: `atvm17-ubuntu24.04 - PASS after 2 attempts - step 3 Uninstall CMC if still exists (2 attempts) [reporter-json]`.
 */
export function flakyLine(f: FlakyHost): string {
  const tests = f.tests
    .map((t) => `${t.step !== null ? `step ${t.step} ` : ""}${clip(t.title, 80)} (${t.attempts} attempts)`)
    .join(", ");
  return `${f.host} - PASS after ${f.attempts} attempts${tests === "" ? "" : ` - ${tests}`} [${f.source}]`;
}

/** The terminal text of `atvm triage`: FAILURES (with evidence and hints), INCIDENTS, FLAKY sections. */
export function renderTriageText(
  build: string,
  digests: readonly FailureDigest[],
  incidents: readonly Incident[],
  zone: string,
  flaky: readonly FlakyHost[] = [],
): string {
  const lines = [`${build} - triage`, "", "FAILURES:"];
  if (digests.length === 0) lines.push("none");
  for (const d of digests) {
    lines.push(digestLine(d));
    lines.push(`  evidence: ${d.evidence.path ?? "(none)"} (${d.evidence.field})`);
    if (d.signature !== null) lines.push(`  hint: ${d.signature.hint} (replay: ${d.signature.replay})`);
  }
  lines.push("", "INCIDENTS:");
  if (incidents.length === 0) lines.push("none");
  for (const i of incidents) lines.push(incidentLine(i, zone));
  lines.push("", "FLAKY (passed after a failed attempt):");
  if (flaky.length === 0) lines.push("none");
  for (const f of flaky) lines.push(flakyLine(f));
  return `${lines.join("\n")}\n`;
}

/** The terminal text of `atvm diff`. */
export function renderDiffText(diff: RunDiff): string {
  const lines = [`${diff.build} vs ${diff.baseline} - ${diff.verdict}`];
  if (diff.templateMismatch !== undefined) {
    lines.push(
      `NOTE: different templates (${diff.templateMismatch.baseline ?? "unknown"} → ${diff.templateMismatch.current ?? "unknown"}): every failure counts as new`,
    );
  }
  const section = (title: string, items: readonly string[]): void => {
    lines.push("", `${title} (${items.length}):`);
    if (items.length === 0) lines.push("none");
    lines.push(...items);
  };
  const f = (x: RunDiff["newlyFailing"][number]): string =>
    `${x.host} - step ${x.step ?? "?"}${x.class !== undefined ? ` - ${x.class}` : ""}${x.message !== undefined ? `: ${clip(x.message, 200)}` : ""}${x.age !== undefined ? ` (failing ${x.age} runs in a row)` : ""}`;
  section("NEWLY FAILING", diff.newlyFailing.map(f));
  section("STILL FAILING", diff.stillFailing.map(f));
  section("FIXED", diff.fixed.map(f));
  section(
    "NEWLY SKIPPED OR NOT RUN",
    diff.newlySkippedOrNotRun.map(
      (x) => `${x.host} - ${x.status}${x.reason !== undefined ? ` - ${x.reason}` : ""}`,
    ),
  );
  return `${lines.join("\n")}\n`;
}
