/**
 * The triage diff against a baseline run (T4): `regression` when there are new failures,
 * `known_failures_only` when every failure was already failing, `stable` when nothing fails; ranked
 * lists of newly failing, still failing (with Jenkins-style age when history allows: junit-plugin
 * `CaseResult.getAge()` = consecutive failing runs), fixed, and newly skipped or not run.
 *
 * Test identity includes the host: the key is (host, template, step). Peers key on the test name
 * only (GitLab `sha256(suite_classname_name)`, Datadog repository + name), which is why a test
 * flaky on one platform ends up quarantined everywhere. Host renames are applied to the baseline
 * explicitly (`renames`), and a host that is SKIPPED by the blacklist now is listed as skipped with
 * its reason, never as fixed.
 */
import { FAILURE_CLASSES, type FailureClass } from "@atvm-watch/engine";
import { z } from "zod";
import type { RunSummary, SummaryHost } from "./summary.ts";

/** Schema id of a diff. */
export const DIFF_SCHEMA_ID: "atvm.diff.v1" = "atvm.diff.v1";

/** The run-level verdict (T4). */
export type DiffVerdict = "regression" | "known_failures_only" | "stable";

/** One failure identity in a diff. */
export interface DiffFailure {
  readonly host: string;
  readonly step: number | null;
  readonly class?: FailureClass;
  readonly signature?: string | null;
  readonly message?: string;
  /** Still failing only: consecutive runs (this one included) failing with this key, when history allows. */
  readonly age?: number;
}

/** A host that ran in the baseline and did not run now. */
export interface DiffNotRun {
  readonly host: string;
  readonly status: string;
  readonly reason?: string;
}

/** `atvm.diff.v1`. */
export interface RunDiff {
  readonly schema: typeof DIFF_SCHEMA_ID;
  readonly verdict: DiffVerdict;
  readonly build: string;
  readonly baseline: string;
  readonly template: string | null;
  /** Set when the two runs used different templates: every failure then counts as new. */
  readonly templateMismatch?: { readonly baseline: string | null; readonly current: string | null };
  readonly newlyFailing: readonly DiffFailure[];
  readonly stillFailing: readonly DiffFailure[];
  readonly fixed: readonly DiffFailure[];
  readonly newlySkippedOrNotRun: readonly DiffNotRun[];
}

/** Options of {@link diffRuns}. */
export interface DiffOptions {
  /** Older runs, newest first, after the baseline (for the age of still-failing keys). */
  readonly history?: readonly RunSummary[];
  /** Baseline host name → current host name, for hosts renamed between the runs. */
  readonly renames?: Readonly<Record<string, string>>;
}

const keyOf = (template: string | null, host: string, step: number | null | undefined): string =>
  `${template ?? ""}\u0000${host}\u0000${step ?? "-"}`;

function failures(summary: RunSummary, renames: Readonly<Record<string, string>>): Map<string, DiffFailure> {
  const out = new Map<string, DiffFailure>();
  for (const h of summary.hosts) {
    if (h.status !== "FAIL") continue;
    const host = renames[h.host] ?? h.host;
    out.set(keyOf(summary.template, host, h.step), toFailure(host, h));
  }
  return out;
}

function toFailure(host: string, h: SummaryHost): DiffFailure {
  return {
    host,
    step: h.step ?? null,
    ...(h.class !== undefined ? { class: h.class } : {}),
    ...(h.signature !== undefined ? { signature: h.signature } : {}),
    ...(h.message !== undefined ? { message: h.message } : {}),
  };
}

function natural(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function rank(list: DiffFailure[]): DiffFailure[] {
  // Earlier steps first (a failure at step 2 blocks 20 steps), then host in natural order.
  return list.sort((a, b) => (a.step ?? 1e9) - (b.step ?? 1e9) || natural(a.host, b.host));
}

const RAN: ReadonlySet<string> = new Set(["PASS", "FAIL"]);

/**
 * Compares `current` with `baseline` (both `atvm.summary.v1`). Pure; never throws. A diff of a run
 * with itself is `known_failures_only` (or `stable`) with nothing newly failing.
 */
export function diffRuns(baseline: RunSummary, current: RunSummary, options: DiffOptions = {}): RunDiff {
  const renames = options.renames ?? {};
  const mismatch = baseline.template !== current.template;
  const before = failures({ ...baseline, template: current.template }, renames);
  const now = failures(current, {});
  const history = (options.history ?? []).map((s) => failures({ ...s, template: current.template }, renames));
  const newlyFailing: DiffFailure[] = [];
  const stillFailing: DiffFailure[] = [];
  for (const [key, f] of now) {
    if (mismatch || !before.has(key)) {
      newlyFailing.push(f);
      continue;
    }
    let age = 2;
    for (const older of history) {
      if (!older.has(key)) break;
      age++;
    }
    stillFailing.push({ ...f, age });
  }
  const currentByHost = new Map(current.hosts.map((h) => [h.host, h]));
  const fixed: DiffFailure[] = [];
  const notRun: DiffNotRun[] = [];
  for (const [key, f] of before) {
    if (now.has(key) || mismatch) continue;
    const h = currentByHost.get(f.host);
    if (h !== undefined && RAN.has(h.status)) fixed.push(f);
  }
  for (const b of baseline.hosts) {
    if (!RAN.has(b.status)) continue;
    const host = renames[b.host] ?? b.host;
    const h = currentByHost.get(host);
    if (h !== undefined && RAN.has(h.status)) continue;
    notRun.push({
      host,
      status: h?.status ?? "ABSENT",
      ...(h?.reason !== undefined ? { reason: h.reason } : {}),
    });
  }
  const verdict: DiffVerdict =
    now.size === 0 ? "stable" : newlyFailing.length > 0 ? "regression" : "known_failures_only";
  return {
    schema: DIFF_SCHEMA_ID,
    verdict,
    build: current.build,
    baseline: baseline.build,
    template: current.template,
    ...(mismatch ? { templateMismatch: { baseline: baseline.template, current: current.template } } : {}),
    newlyFailing: rank(newlyFailing),
    stillFailing: rank(stillFailing),
    fixed: rank(fixed),
    newlySkippedOrNotRun: notRun.sort((a, b) => natural(a.host, b.host)),
  };
}

const failureSchema = z.strictObject({
  host: z.string(),
  step: z.int().min(1).nullable(),
  class: z.enum(FAILURE_CLASSES).exactOptional(),
  signature: z.string().nullable().exactOptional(),
  message: z.string().exactOptional(),
  age: z.int().min(2).exactOptional().describe("consecutive failing runs, this one included"),
});

/** The zod schema of `atvm.diff.v1` (JSON Schema: docs/diff.schema.json). */
export const DiffSchema: z.ZodType<RunDiff> = z.strictObject({
  schema: z.literal(DIFF_SCHEMA_ID),
  verdict: z.enum(["regression", "known_failures_only", "stable"]),
  build: z.string(),
  baseline: z.string(),
  template: z.string().nullable(),
  templateMismatch: z
    .strictObject({ baseline: z.string().nullable(), current: z.string().nullable() })
    .exactOptional(),
  newlyFailing: z.array(failureSchema),
  stillFailing: z.array(failureSchema),
  fixed: z.array(failureSchema),
  newlySkippedOrNotRun: z.array(
    z.strictObject({ host: z.string(), status: z.string(), reason: z.string().exactOptional() }),
  ),
});
