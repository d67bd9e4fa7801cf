/**
 * The content of the fixed status layout (R29), computed once from a snapshot and shared by the
 * terminal and Mattermost renderers: counts, host order and grouping, timing/coverage lines,
 * notes. Pure.
 */
import { containsHost, type ParseIssue } from "@atvm-watch/artifacts";
import type { BatchEntry, HostEntry, HostStatus, RunState, Snapshot } from "@atvm-watch/engine";
import { match } from "ts-pattern";
import { flakyMarker, flakyNote } from "./flaky.ts";
import { missingFlowMessage, resolveTestFlow } from "./flows.ts";
import { formatApproxDuration, formatDuration, formatTime, oneLine, plural } from "./format.ts";
import { andMore, NOTES_LIST_LIMIT } from "./safety.ts";

/** Options every renderer takes (docs/status-layout.md). */
export interface RenderOptions {
  /** IANA time zone for displayed times, e.g. `UTC`, `Europe/Berlin`. Invalid → `AtvmError` `CONFIG_INVALID`. */
  readonly zone: string;
  /** ANSI colour in `renderText` (the CLI decides from TTY / `NO_COLOR`). Default `false`. */
  readonly color?: boolean;
  /** Extra or overriding test flows by template name (the config's `testFlows`), merged over `DEFAULT_TEST_FLOWS`. */
  readonly flows?: Readonly<Record<string, readonly string[]>>;
  /** Character budget (Unicode code points) of `renderMarkdown`. Default 16,383 (Mattermost's post limit). */
  readonly maxChars?: number;
  /** `renderMarkdown` only: triage of a finished run for the Mattermost post (T1, T4). */
  readonly triage?: PostTriage;
}

/**
 * What the finished-run post carries from triage (computed by `@atvm-watch/triage`; status does
 * not depend on it): each FAIL host's root-cause class and matched signature (T1, T2), the run-wide
 * incident lines, and the baseline diff verdict when a baseline is configured (T4).
 */
export interface PostTriage {
  /** FAIL host → its class (e.g. `infrastructure`) and matched catalog signature id (`null`: none). */
  readonly hosts?: Readonly<Record<string, { readonly class: string; readonly signature?: string | null }>>;
  /** Incident lines as triage's `incidentLine` writes them, earliest first. */
  readonly incidents?: readonly string[];
  /** The diff against the configured baseline. */
  readonly diff?: {
    readonly verdict: "regression" | "known_failures_only" | "stable";
    /** The baseline's build name. */
    readonly baseline: string;
    /** Newly failing hosts, ranked (earliest step first). */
    readonly newlyFailing: readonly string[];
  };
}

/** The section labels, in the order of R29. */
export const SECTION_LABELS: readonly string[] = [
  "SUMMARY:",
  "HOSTS:",
  "TIMING:",
  "COVERAGE:",
  "TEST FLOW:",
  "NOTES:",
];

/** A label/value row of SUMMARY, TIMING or COVERAGE. */
export interface Row {
  readonly label: string;
  readonly value: string;
}

/** A run of hosts under an optional sub-heading (batch of a categorized run, or skipped hosts). */
export interface HostGroup {
  readonly heading: string | null;
  readonly hosts: readonly HostEntry[];
}

/** Host counts by status; `inScope` excludes SKIPPED hosts. */
export interface HostCounts {
  readonly pass: number;
  readonly fail: number;
  readonly running: number;
  readonly notStarted: number;
  readonly skipped: number;
  readonly inScope: number;
}

/** The layout's content before it is written as text or markdown. */
export interface StatusModel {
  readonly build: string;
  readonly state: RunState;
  readonly counts: HostCounts;
  readonly summary: readonly Row[];
  readonly hostGroups: readonly HostGroup[];
  readonly timing: readonly Row[];
  readonly coverage: readonly Row[];
  readonly flow: {
    readonly template: string | null;
    readonly steps: readonly string[] | null;
    readonly missing: string;
  };
  readonly runUrls: readonly string[];
  readonly templateCommand: string | null;
  /** Operator notes: the snapshot's notes (bookkeeping removed) and state reasons. */
  readonly notes: readonly string[];
  readonly issues: readonly ParseIssue[];
}

/** Completed first, then running, remaining, skipped (R8/R12). */
const STATUS_ORDER: Readonly<Record<HostStatus, number>> = {
  PASS: 0,
  FAIL: 0,
  RUNNING: 1,
  "NOT STARTED": 2,
  SKIPPED: 3,
};

/**
 * Generic bookkeeping that never belongs in NOTES (R31) and the harmless
 * `systemctl reset-failed … not loaded` output (R24).
 */
const BOOKKEEPING: readonly RegExp[] = [
  /artifacts? (were|was) detected/i,
  /validation passed/i,
  /derived from reporter artifacts/i,
  /reset-failed[\s\S]*not loaded/i,
];

/** `true` for a note that is bookkeeping, not operator-facing (R31, R24). */
export function isBookkeepingNote(note: string): boolean {
  return BOOKKEEPING.some((re) => re.test(note));
}

/** Counts hosts by status. */
export function countHosts(hosts: readonly HostEntry[]): HostCounts {
  const by = (status: HostStatus): number => hosts.filter((h) => h.status === status).length;
  const skipped = by("SKIPPED");
  return {
    pass: by("PASS"),
    fail: by("FAIL"),
    running: by("RUNNING"),
    notStarted: by("NOT STARTED"),
    skipped,
    inScope: hosts.length - skipped,
  };
}

/** Hosts in layout order: completed (PASS/FAIL, scope order), RUNNING, NOT STARTED, SKIPPED. Stable. */
export function orderHosts(hosts: readonly HostEntry[]): HostEntry[] {
  return hosts
    .map((host, index) => ({ host, index }))
    .sort((a, b) => STATUS_ORDER[a.host.status] - STATUS_ORDER[b.host.status] || a.index - b.index)
    .map(({ host }) => host);
}

/**
 * The failure description of a FAIL line (R17): `step 6 (Install CMC): <message>`; a hook failure or
 * renderer crash is tagged, e.g. `step 1 (Verifying set up) [hook]: <message>`.
 */
export function failureText(host: HostEntry): string {
  const failure = host.failure;
  if (failure === undefined) return "no failure description in the run's evidence";
  const title = oneLine(failure.title);
  const message = oneLine(failure.message);
  // A hook failure or a renderer crash is not the step's own assertion: say so (T1 classes).
  const tag = failure.class === "hook" ? " [hook]" : failure.class === "crash" ? " [crash]" : "";
  const where =
    (failure.step !== null ? `step ${failure.step}${title.length > 0 ? ` (${title})` : ""}` : title) +
    (title.length > 0 || failure.step !== null ? tag : "");
  if (where.length === 0) return message.length > 0 ? message : "no failure message in the run's evidence";
  return message.length > 0 ? `${where}: ${message}` : where;
}

/** The text after `host - STATUS - ` for a host, or `null` when the line has none. */
export function hostDetail(host: HostEntry, at: number): string | null {
  return match(host.status)
    .with("PASS", "NOT STARTED", () => null)
    .with("FAIL", () => failureText(host))
    .with("SKIPPED", () => oneLine(host.reason ?? "") || "no reason recorded")
    .with("RUNNING", () => runningDetail(host, at))
    .exhaustive();
}

/**
 * The detail of a RUNNING line: the last reported step (`last reported: step 9 (Title) passed`), then the
 * time so far when the start is known; `null` when neither is known.
 */
function runningDetail(host: HostEntry, at: number): string | null {
  const parts: string[] = [];
  const last = host.lastStep;
  if (last !== undefined) {
    const title = oneLine(last.title);
    const where = last.step !== null ? `step ${last.step}${title.length > 0 ? ` (${title})` : ""}` : title;
    parts.push(`last reported: ${where} ${last.state}`);
  }
  if (host.startedAt !== undefined) parts.push(`${formatDuration(at - host.startedAt)} so far`);
  return parts.length > 0 ? parts.join(", ") : null;
}

/**
 * One host line, host first (R8/R12, R17, R3, W10):
 * `host - STATUS[ (flaky: N attempts)][tag][ - detail][ (kernel K)]`. `detail` is passed in so the
 * markdown renderer can shorten it; `tag` (markdown: the triage class, ` [infrastructure: ssh-connect-failed]`)
 * is never shortened.
 */
export function hostLine(host: HostEntry, detail: string | null, tag = ""): string {
  const kernel =
    host.kernel !== undefined && oneLine(host.kernel).length > 0 ? ` (kernel ${oneLine(host.kernel)})` : "";
  return `${oneLine(host.host)} - ${host.status}${flakyMarker(host)}${tag}${detail !== null && detail.length > 0 ? ` - ${detail}` : ""}${kernel}`;
}

function batchHeading(batch: BatchEntry, index: number, total: number): string {
  const aside = [
    batch.id !== batch.group ? batch.id : null,
    batch.label !== undefined ? `runner label ${batch.label}` : null,
  ]
    .filter((part): part is string => part !== null)
    .join("; ");
  const failed = batch.failed ? ", with failures" : "";
  return `Batch ${index + 1}/${total}: ${oneLine(batch.group)}${aside.length > 0 ? ` (${oneLine(aside)})` : ""} - ${batch.state}${failed}`;
}

/** Groups hosts: flat for a non-categorized run; batch sub-headings for a categorized one; skipped hosts last. */
export function groupHosts(snapshot: Snapshot): HostGroup[] {
  const ordered = orderHosts(snapshot.hosts);
  const skipped = ordered.filter((h) => h.status === "SKIPPED");
  const active = ordered.filter((h) => h.status !== "SKIPPED");
  const groups: HostGroup[] = [];
  if (snapshot.categorized && snapshot.batches.length > 0) {
    const taken = new Set<HostEntry>();
    const batchOf = (host: HostEntry): BatchEntry | undefined =>
      snapshot.batches.find((b) => b.hosts.includes(host.host)) ??
      snapshot.batches.find(
        (b) => host.batch !== undefined && (b.id === host.batch || b.group === host.batch),
      );
    snapshot.batches.forEach((batch, index) => {
      const hosts = active.filter((h) => !taken.has(h) && batchOf(h) === batch);
      for (const h of hosts) taken.add(h);
      groups.push({ heading: batchHeading(batch, index, snapshot.batches.length), hosts });
    });
    const rest = active.filter((h) => !taken.has(h));
    if (rest.length > 0) groups.push({ heading: "Not yet in a batch:", hosts: rest });
  } else {
    groups.push({ heading: null, hosts: active });
  }
  if (skipped.length > 0) groups.push({ heading: "Skipped:", hosts: skipped });
  return groups;
}

/**
 * The selector without an explicit host list (R35: a concise echo, no prose): a selector naming scope
 * hosts reads as its option alone, `--specify_vms`, exactly as the engine records an explicit list
 * (the hosts are under HOSTS); only a bare list without an option reads `(3 hosts, listed under HOSTS)`.
 */
export function coverageSelector(snapshot: Snapshot): string | null {
  const selector = snapshot.coverage.selector;
  if (selector === null) return null;
  const line = oneLine(selector);
  const named = snapshot.hosts.filter((h) => containsHost(line, h.host)).length;
  if (named === 0) return line;
  const option = line.split(" ")[0] ?? "";
  return option.startsWith("--") ? option : `(${plural(named, "host")}, listed under HOSTS)`;
}

/**
 * The one-line parse-issue summary (R31): `2 artifacts could not be read: a.xml: <problem>; b.json: <problem>`.
 * `limit` caps how many issues are listed (`null`: all); the rest are counted (`… and N more`).
 */
export function issuesLine(issues: readonly ParseIssue[], limit: number | null): string | null {
  if (issues.length === 0) return null;
  const head = `${plural(new Set(issues.map((i) => i.file)).size, "artifact")} could not be read`;
  const shown = limit === null ? issues : issues.slice(0, Math.max(0, limit));
  const more = issues.length - shown.length;
  if (shown.length === 0) return `${head} (${plural(more, "issue")}, not listed to fit one post)`;
  const listed = shown.map((i) => `${oneLine(i.file)}: ${oneLine(i.problem)}`).join("; ");
  return `${head}: ${listed}${more > 0 ? ` … and ${more} more` : ""}`;
}

/**
 * Why the run is in a state that closes without a post (CANCELLED, TERMINATED, HUNG, UNKNOWN: D2, D9):
 * its progress reasons without bookkeeping (R31), one line each, the first `NOTES_LIST_LIMIT` joined by
 * `; ` (then `… and N more`); `null` for RUNNING, COMPLETED, FAILED or when no reason was recorded.
 * Text, markdown (as a `State <STATE>: …` note) and JSON (`stateReason`) carry the same string.
 */
export function stateReasonOf(snapshot: Snapshot): string | null {
  const unsettled = match(snapshot.state)
    .with("RUNNING", "COMPLETED", "FAILED", () => false)
    .with("CANCELLED", "TERMINATED", "HUNG", "UNKNOWN", () => true)
    .exhaustive();
  if (!unsettled) return null;
  const reasons = snapshot.progressReasons
    .filter((r) => !isBookkeepingNote(r))
    .map(oneLine)
    .filter((r) => r.length > 0);
  if (reasons.length === 0) return null;
  const more = andMore(reasons.length, NOTES_LIST_LIMIT, "reasons");
  return reasons.slice(0, NOTES_LIST_LIMIT).join("; ") + (more === null ? "" : ` ${more}`);
}

/**
 * Builds the layout's content. `options.zone` must already have passed `assertZone`.
 * Pure; never throws for any snapshot.
 */
export function buildModel(snapshot: Snapshot, options: RenderOptions): StatusModel {
  const counts = countHosts(snapshot.hosts);
  const zone = options.zone;
  const summary: Row[] = [
    { label: "State", value: snapshot.state },
    {
      label: "Hosts",
      value:
        `${counts.pass} PASS, ${counts.fail} FAIL, ${counts.running} RUNNING, ${counts.notStarted} NOT STARTED ` +
        `of ${counts.inScope} in scope; ${counts.skipped} SKIPPED`,
    },
  ];
  if (snapshot.categorized) {
    const finished = snapshot.batches.filter((b) => b.state === "FINISHED").length;
    summary.push({ label: "Batches", value: `${finished}/${snapshot.batches.length} finished` });
  }

  const t = snapshot.timing;
  const timing: Row[] = [
    { label: "Start", value: t.startedAt !== null ? formatTime(t.startedAt, zone) : "unknown" },
  ];
  if (t.finishedAt !== null) timing.push({ label: "End", value: formatTime(t.finishedAt, zone) });
  if (t.totalMs !== null) timing.push({ label: "Total", value: formatDuration(t.totalMs) });
  else
    timing.push({ label: "Elapsed", value: t.elapsedMs !== null ? formatDuration(t.elapsedMs) : "unknown" });
  const none = "n/a (no completed host yet)";
  timing.push({
    label: "Quickest host",
    value:
      t.quickest !== null ? `${oneLine(t.quickest.host)} (${formatDuration(t.quickest.durationMs)})` : none,
  });
  timing.push({
    label: "Longest host",
    value: t.longest !== null ? `${oneLine(t.longest.host)} (${formatDuration(t.longest.durationMs)})` : none,
  });
  timing.push({
    label: "Average host runtime",
    value: t.averageMs !== null ? formatDuration(t.averageMs) : none,
  });
  if (t.eta !== null) {
    const basis = oneLine(t.eta.basis);
    timing.push({
      label: "ETA (whole remaining run)",
      value: `${formatTime(t.eta.finishAt, zone)} (in ${formatApproxDuration(t.eta.remainingMs)})${basis.length > 0 ? ` — ${basis}` : ""}`,
    });
  } else if (snapshot.state === "RUNNING") {
    timing.push({
      label: "ETA (whole remaining run)",
      value: "unknown (no completed host runtime to estimate from)",
    });
  }

  const c = snapshot.coverage;
  const value = (v: string | null): string => (v !== null && oneLine(v).length > 0 ? oneLine(v) : "unknown");
  const coverage: Row[] = [
    { label: "Template", value: value(c.template ?? snapshot.template) },
    { label: "Config family", value: value(c.configFamily) },
    { label: "Config file", value: value(c.configFile) },
    { label: "Integration", value: value(c.integration) },
    { label: "Plugin", value: value(c.plugin) },
    { label: "Flags", value: c.flags.length > 0 ? c.flags.map(oneLine).join(" ") : "none" },
    { label: "Selector", value: value(coverageSelector(snapshot)) },
  ];

  const template = snapshot.template ?? c.template;
  const flow = resolveTestFlow(template, options.flows);

  const notes = snapshot.notes
    .filter((n) => !isBookkeepingNote(n))
    .map(oneLine)
    .filter((n) => n.length > 0);
  const moreNotes = andMore(notes.length, NOTES_LIST_LIMIT, "notes");
  if (moreNotes !== null) notes.splice(NOTES_LIST_LIMIT, notes.length - NOTES_LIST_LIMIT, moreNotes);
  const flaky = flakyNote(snapshot.hosts);
  if (flaky !== null) notes.push(flaky);
  const stateReason = stateReasonOf(snapshot);
  if (stateReason !== null) notes.push(`State ${snapshot.state}: ${stateReason}`);

  return {
    build: oneLine(snapshot.build),
    state: snapshot.state,
    counts,
    summary,
    hostGroups: groupHosts(snapshot),
    timing,
    coverage,
    flow: { template: flow.template, steps: flow.steps, missing: missingFlowMessage(flow.template) },
    runUrls: snapshot.runUrls.map(oneLine).filter((u) => u.length > 0),
    templateCommand: snapshot.templateCommand,
    notes,
    issues: snapshot.issues,
  };
}
