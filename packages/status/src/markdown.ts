/**
 * Mattermost rendering of the fixed status layout, kept within one post (Mattermost's post limit of 16,383
 * runes, `PostMessageMaxRunesV2` in https://github.com/mattermost/mattermost) by a degrade ladder (docs/status-layout.md). Pure.
 */
import type { HostEntry, HostStatus, Snapshot } from "@atvm-watch/engine";
import { assertZone, codePointLength, oneLine, truncate } from "./format.ts";
import {
  buildModel,
  hostDetail,
  hostLine,
  issuesLine,
  type PostTriage,
  type RenderOptions,
  type Row,
  type StatusModel,
} from "./model.ts";
import { NOTES_LIST_LIMIT, neutralizeMentions, stripBidi } from "./safety.ts";

/** Mattermost's default post limit in runes (Unicode code points): `PostMessageMaxRunesV2` = 65535 / 4. */
export const MATTERMOST_MAX_CHARS = 16_383;

/** One rung of the degrade ladder; `null` limits mean "in full". */
interface Plan {
  readonly detailChars: number | null;
  readonly noteChars: number | null;
  readonly dropNotes: boolean;
  readonly issueLimit: number | null;
  readonly flowSummary: boolean;
  readonly collapse: readonly HostStatus[];
  readonly commandChars: number | null;
  /** Emergency only: list at most this many FAIL hosts. */
  readonly failLimit: number | null;
}

const FULL: Plan = {
  detailChars: null,
  noteChars: null,
  dropNotes: false,
  issueLimit: null,
  flowSummary: false,
  collapse: [],
  commandChars: null,
  failLimit: null,
};

/**
 * The ladder, gentlest first: shorten failure descriptions and notes, then the test flow and
 * issue list, then collapse PASS hosts (then NOT STARTED, SKIPPED, RUNNING) into counted lines.
 * FAIL hosts stay listed on every rung; only the emergency search below may count some.
 */
const LADDER: readonly Plan[] = [
  FULL,
  { ...FULL, detailChars: 500, noteChars: 500, issueLimit: 20 },
  { ...FULL, detailChars: 200, noteChars: 200, issueLimit: 5, flowSummary: true },
  { ...FULL, detailChars: 100, noteChars: 100, issueLimit: 0, flowSummary: true },
  { ...FULL, detailChars: 100, noteChars: 100, issueLimit: 0, flowSummary: true, collapse: ["PASS"] },
  {
    ...FULL,
    detailChars: 100,
    noteChars: 100,
    issueLimit: 0,
    flowSummary: true,
    collapse: ["PASS", "NOT STARTED"],
  },
  {
    ...FULL,
    detailChars: 60,
    noteChars: 60,
    issueLimit: 0,
    flowSummary: true,
    collapse: ["PASS", "NOT STARTED", "SKIPPED"],
  },
  {
    ...FULL,
    detailChars: 40,
    dropNotes: true,
    issueLimit: 0,
    flowSummary: true,
    collapse: ["PASS", "NOT STARTED", "SKIPPED", "RUNNING"],
  },
  {
    ...FULL,
    detailChars: 0,
    dropNotes: true,
    issueLimit: 0,
    flowSummary: true,
    collapse: ["PASS", "NOT STARTED", "SKIPPED", "RUNNING"],
    commandChars: 1000,
  },
];

/** What a rendering actually shortened, for the NOTES line that says so. */
interface Cuts {
  details: number;
  notesCut: number;
  notesDropped: number;
  issuesHidden: number;
  flowSummarized: boolean;
  collapsed: Map<HostStatus, number>;
  commandCut: boolean;
  failsHidden: number;
}

function noCuts(): Cuts {
  return {
    details: 0,
    notesCut: 0,
    notesDropped: 0,
    issuesHidden: 0,
    flowSummarized: false,
    collapsed: new Map(),
    commandCut: false,
    failsHidden: 0,
  };
}

/** Backslash-escapes characters Mattermost markdown would format. */
function escapeMd(text: string): string {
  return text.replace(/[\\`*_~[\]<>|]/g, (c) => `\\${c}`);
}

/** Inline code when possible, escaped text otherwise. */
function code(text: string): string {
  return text.includes("`") ? escapeMd(text) : `\`${text}\``;
}

/** A fenced block whose fence is longer than any backtick run inside, so the content stays exact. */
function fenced(content: string): string[] {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}text`, content, fence];
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function cutText(text: string, limit: number | null, onCut: () => void): string {
  if (limit === null) return text;
  const cut = truncate(text, limit);
  if (cut !== text) onCut();
  return cut;
}

/** Full host details, computed once per rendering (messages may be long; the ladder renders several times). */
type Details = ReadonlyMap<HostEntry, string | null>;

/** FAIL host → ` [class: signature]` from the post's triage (never shortened by the ladder). */
type Tags = ReadonlyMap<string, string>;

function triageTags(triage: PostTriage | undefined): Tags {
  const tags = new Map<string, string>();
  for (const [host, t] of Object.entries(triage?.hosts ?? {})) {
    const cls = oneLine(t.class).slice(0, 40);
    const sig =
      t.signature === undefined || t.signature === null ? "" : `: ${oneLine(t.signature).slice(0, 64)}`;
    if (cls.length > 0) tags.set(host, ` [${cls}${sig}]`);
  }
  return tags;
}

/** Most incident lines in SUMMARY, and their length (code points) each. */
const INCIDENTS_MAX = 3;
const TRIAGE_LINE_CHARS = 300;
/** Newly failing hosts named in the verdict line. */
const VERDICT_HOSTS_MAX = 5;

/** The SUMMARY rows the triage adds: `Baseline:` verdict, then `Incident:` lines. */
function triageRows(triage: PostTriage | undefined): Row[] {
  if (triage === undefined) return [];
  const rows: Row[] = [];
  const d = triage.diff;
  if (d !== undefined) {
    const n = d.newlyFailing.length;
    const named = d.newlyFailing.slice(0, VERDICT_HOSTS_MAX).map(oneLine).join(", ");
    const more = n > VERDICT_HOSTS_MAX ? ` and ${n - VERDICT_HOSTS_MAX} more` : "";
    const tail = n > 0 ? ` (${n} newly failing: ${named}${more})` : "";
    rows.push({
      label: "Baseline",
      value: truncate(`${d.verdict} vs ${oneLine(d.baseline)}${tail}`, TRIAGE_LINE_CHARS),
    });
  }
  const incidents = triage.incidents ?? [];
  for (const line of incidents.slice(0, INCIDENTS_MAX)) {
    rows.push({ label: "Incident", value: truncate(oneLine(line), TRIAGE_LINE_CHARS) });
  }
  if (incidents.length > INCIDENTS_MAX) {
    rows.push({ label: "Incident", value: `… and ${incidents.length - INCIDENTS_MAX} more (atvm triage)` });
  }
  return rows;
}

function hostBlock(model: StatusModel, details: Details, tags: Tags, plan: Plan, cuts: Cuts): string[] {
  const lines: string[] = [];
  let failsListed = 0;
  for (const group of model.hostGroups) {
    const indent = group.heading !== null ? "  " : "";
    if (group.heading !== null) lines.push(group.heading);
    if (group.hosts.length === 0 && group.heading !== null) lines.push(`${indent}none`);
    const counted = new Map<HostStatus, number>();
    const hidden = (host: HostEntry): HostStatus | null => {
      if (plan.collapse.includes(host.status)) return host.status;
      if (host.status === "FAIL" && plan.failLimit !== null && failsListed >= plan.failLimit) return "FAIL";
      if (host.status === "FAIL") failsListed++;
      return null;
    };
    const emitted: (string | { key: HostStatus })[] = [];
    for (const host of group.hosts) {
      const key = hidden(host);
      if (key === null) {
        const full = details.get(host) ?? null;
        const detail =
          full === null || plan.detailChars === null
            ? full
            : plan.detailChars === 0
              ? null
              : truncate(full, plan.detailChars);
        if (detail !== full) cuts.details++;
        const tag = host.status === "FAIL" ? (tags.get(host.host) ?? "") : "";
        emitted.push(`${indent}${hostLine(host, detail, tag)}`);
      } else {
        if (!counted.has(key)) emitted.push({ key });
        counted.set(key, (counted.get(key) ?? 0) + 1);
      }
    }
    for (const item of emitted) {
      if (typeof item === "string") {
        lines.push(item);
        continue;
      }
      const n = counted.get(item.key) ?? 0;
      if (item.key === "FAIL") {
        cuts.failsHidden += n;
        lines.push(
          `${indent}(${n} more FAIL ${n === 1 ? "host" : "hosts"} not listed: too many for one post)`,
        );
      } else {
        cuts.collapsed.set(item.key, (cuts.collapsed.get(item.key) ?? 0) + n);
        lines.push(`${indent}(${n} ${item.key} ${n === 1 ? "host" : "hosts"} collapsed to fit one post)`);
      }
    }
  }
  if (lines.length === 0) lines.push("none");
  return lines;
}

function shorteningNote(cuts: Cuts, maxChars: number): string | null {
  const parts: string[] = [];
  if (cuts.details > 0) parts.push(`${cuts.details} host descriptions shortened`);
  if (cuts.notesCut > 0) parts.push(`${cuts.notesCut} notes shortened`);
  if (cuts.notesDropped > 0) parts.push(`${cuts.notesDropped} notes left out`);
  if (cuts.issuesHidden > 0) parts.push(`${cuts.issuesHidden} parse issues not listed`);
  if (cuts.flowSummarized) parts.push("TEST FLOW summarized");
  for (const [status, n] of cuts.collapsed) parts.push(`${n} ${status} hosts collapsed`);
  if (cuts.failsHidden > 0) parts.push(`${cuts.failsHidden} FAIL hosts not listed`);
  if (cuts.commandCut) parts.push("template command shortened");
  if (parts.length === 0) return null;
  return `Shortened to fit one Mattermost post (${groupDigits(maxChars)} characters): ${parts.join("; ")}. Full status: atvm status.`;
}

function rows(list: readonly Row[], asCode: boolean): string[] {
  return list.map(
    (r) =>
      `- ${r.label}: ${asCode && r.value !== "unknown" && r.value !== "none" ? code(r.value) : escapeMd(r.value)}`,
  );
}

function render(model: StatusModel, details: Details, tags: Tags, plan: Plan, maxChars: number): string {
  const cuts = noCuts();
  const out: string[] = [`#### ${escapeMd(model.build)}`, ""];

  out.push("**SUMMARY:**");
  for (const row of model.summary) {
    out.push(`- ${row.label}: ${row.label === "State" ? `**${row.value}**` : escapeMd(row.value)}`);
  }
  out.push("");

  out.push("**HOSTS:**", ...fenced(hostBlock(model, details, tags, plan, cuts).join("\n")), "");
  out.push("**TIMING:**", ...rows(model.timing, false), "");
  out.push("**COVERAGE:**", ...rows(model.coverage, true), "");

  out.push("**TEST FLOW:**");
  const steps = model.flow.steps;
  if (steps === null) out.push(escapeMd(model.flow.missing));
  else if (plan.flowSummary && steps.length > 2) {
    cuts.flowSummarized = true;
    out.push(
      `${code(model.flow.template ?? "")}: ${steps.length} steps, 1. ${escapeMd(steps[0] ?? "")} … ` +
        `${steps.length}. ${escapeMd(steps[steps.length - 1] ?? "")}`,
    );
  } else out.push(...steps.map((step, i) => `${i + 1}. ${escapeMd(step)}`));
  out.push("");

  out.push("**NOTES:**");
  const notes: string[] = [];
  for (const url of model.runUrls) notes.push(`- Run URL: ${url}`);
  if (model.templateCommand !== null) {
    const command = cutText(model.templateCommand, plan.commandChars, () => {
      cuts.commandCut = true;
    });
    notes.push("- Template command:", ...fenced(command));
  }
  if (plan.dropNotes) cuts.notesDropped = model.notes.length;
  else {
    for (const note of model.notes) {
      notes.push(
        `- ${escapeMd(
          cutText(note, plan.noteChars, () => {
            cuts.notesCut++;
          }),
        )}`,
      );
    }
  }
  const issues = issuesLine(
    model.issues,
    plan.issueLimit === null ? NOTES_LIST_LIMIT : Math.min(plan.issueLimit, NOTES_LIST_LIMIT),
  );
  if (issues !== null) {
    cuts.issuesHidden = plan.issueLimit === null ? 0 : Math.max(0, model.issues.length - plan.issueLimit);
    notes.push(`- ${escapeMd(issues)}`);
  }
  const shortened = shorteningNote(cuts, maxChars);
  if (shortened !== null) notes.push(`- ${escapeMd(shortened)}`);
  if (notes.length === 0) notes.push("- none");
  out.push(...notes);
  return safeMarkdown(out.join("\n"));
}

/** Every markdown output passes here: bidi controls stripped, channel-wide mentions broken outside code. */
function safeMarkdown(markdown: string): string {
  return neutralizeMentions(stripBidi(markdown));
}

/** Last resort when even the emergency rung overflows (e.g. a huge build name): a minimal post that says so. */
function minimal(model: StatusModel, maxChars: number): string {
  const text = [
    `#### ${escapeMd(model.build)}`,
    "",
    "**SUMMARY:**",
    ...model.summary.map((r) => `- ${r.label}: ${escapeMd(r.value)}`),
    "",
    "**NOTES:**",
    `- The status does not fit one Mattermost post of ${groupDigits(maxChars)} characters; hosts are not listed. Full status: atvm status.`,
  ].join("\n");
  return truncate(safeMarkdown(text), maxChars);
}

/**
 * The status as Mattermost markdown: `#### <build>` heading (R4), the sections as bold labels in
 * the order of R29, hosts one per line in a code block (R8/R12, R17, R3, W10), the test flow as a
 * numbered list (R25), the exact template command in a code block (R36).
 *
 * The result is at most `options.maxChars` (default 16,383) Unicode code points, so it is one post.
 * When the full rendering is longer, it degrades: failure descriptions and notes are shortened
 * first, then the test flow and issue list, then PASS hosts (then NOT STARTED, SKIPPED, RUNNING)
 * are collapsed into lines stating how many were collapsed; FAIL hosts stay listed (only if FAIL
 * lines alone overflow are the surplus counted in a `N more FAIL hosts not listed` line). NOTES
 * says what was shortened. NOTES lists show at most 20 items, then `… and N more` (R31). Channel-wide
 * mentions (`@channel`, `@here`, `@all`, `@everyone`, `<!channel>` …) outside fenced code get a zero-width
 * joiner after the `@` / `<!` so they never ping; bidirectional controls are stripped (safety.ts). Pure.
 *
 * @throws AtvmError `CONFIG_INVALID` when `options.zone` is not a valid IANA zone.
 */
export function renderMarkdown(snapshot: Snapshot, options: RenderOptions): string {
  assertZone(options.zone);
  const maxChars = Math.max(1, Math.floor(options.maxChars ?? MATTERMOST_MAX_CHARS));
  let model = buildModel(snapshot, options);
  const details: Details = new Map(snapshot.hosts.map((h) => [h, hostDetail(h, snapshot.at)]));
  const tags = triageTags(options.triage);
  const rows = triageRows(options.triage);
  if (rows.length > 0) model = { ...model, summary: [...model.summary, ...rows] };
  let last: Plan = FULL;
  for (const plan of LADDER) {
    const text = render(model, details, tags, plan, maxChars);
    if (codePointLength(text) <= maxChars) return text;
    last = plan;
  }
  // Emergency: the most FAIL hosts that fit (binary search over how many are listed).
  let lo = 0;
  let hi = snapshot.hosts.filter((h) => h.status === "FAIL").length;
  let best: string | null = null;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const text = render(model, details, tags, { ...last, commandChars: 300, failLimit: mid }, maxChars);
    if (codePointLength(text) <= maxChars) {
      best = text;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best ?? minimal(model, maxChars);
}
