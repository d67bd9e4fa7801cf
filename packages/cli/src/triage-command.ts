/**
 * `atvm triage`, `atvm diff` and `atvm summary`: the failure digests, run-wide incidents, the
 * machine-readable run summary (atvm.summary.v1) and a run-vs-baseline diff (atvm.diff.v1), all
 * over the same run observer as `atvm status` (see docs/triage.md).
 */
import { AtvmError, type Snapshot } from "@atvm-watch/engine";
import {
  type Catalog,
  DEFAULT_CATALOG,
  detectIncidents,
  diffRuns,
  digestRun,
  type PostTriageData,
  postTriage,
  type RunSummary,
  renderDiffText,
  renderTriageText,
  summarizeRun,
  triageReport,
} from "@atvm-watch/triage";
import type { CliIo } from "./io.ts";
import { prepareRun, type StatusCommandOptions } from "./status-command.ts";
import {
  catalogOfRun,
  chooseRunBaseline,
  loadBaseline,
  loadCatalogFile,
  summaryOf,
  summaryOfRun,
} from "./triage-inputs.ts";

export { MAX_TRIAGE_INPUT_BYTES } from "./triage-inputs.ts";

/** Options of `atvm triage`. */
export interface TriageCommandOptions extends Pick<StatusCommandOptions, "root" | "build" | "config" | "tz"> {
  readonly signatures?: string;
  readonly format?: string;
}

/** Options of `atvm diff`. */
export interface DiffCommandOptions extends Pick<StatusCommandOptions, "root" | "build" | "config" | "tz"> {
  /** Wins over `ATVM_BASELINE` and the config's `baseline` (triage-inputs.ts `chooseBaseline`). */
  readonly baseline?: string;
  readonly format?: string;
}

/** Options of `atvm summary`. */
export type SummaryCommandOptions = Pick<StatusCommandOptions, "root" | "build" | "config" | "tz">;

function checkFormat(format: string, allowed: readonly string[]): void {
  if (!allowed.includes(format)) {
    throw new AtvmError(
      "USAGE",
      `unknown --format ${JSON.stringify(format)}; use one of: ${allowed.join(", ")}`,
    );
  }
}

/**
 * Runs `atvm triage`: the digest of every FAIL host and the run-wide incidents, as text
 * (`renderTriageText`) or JSON (atvm.triage.v1). Resolves 0; throws `AtvmError` for bad input.
 */
export async function runTriage(options: TriageCommandOptions, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  checkFormat(format, ["text", "json"]);
  // --signatures is checked before the run (a typo fails fast); the config's key needs the config.
  const flagCatalog =
    options.signatures === undefined ? null : await loadCatalogFile(options.signatures, "--signatures", io);
  const run = await prepareRun(options, io);
  const catalog = await catalogOfRun(flagCatalog, run, options, io);
  const { zone } = run;
  const { snapshot } = await run.observer.observe();
  const digests = digestRun(snapshot, catalog);
  const incidents = detectIncidents(digests);
  const report = triageReport(snapshot, digests, incidents);
  const out =
    format === "json"
      ? JSON.stringify(report, null, 2)
      : renderTriageText(snapshot.build, digests, incidents, zone, report.flaky);
  io.stdout.write(out.endsWith("\n") ? out : `${out}\n`);
  return 0;
}

/** Runs `atvm summary`: prints the run's atvm.summary.v1 JSON. Resolves 0. */
export async function runSummary(options: SummaryCommandOptions, io: CliIo): Promise<number> {
  io.stdout.write(`${JSON.stringify(await summaryOf(options, io), null, 2)}\n`);
  return 0;
}

/**
 * The triage the finished-run post carries (T1, T4): digests with `catalog` (the one `atvm triage`
 * would use for the same config and `--signatures`), incidents, and the diff against `baseline`
 * when one is configured. Pure over its inputs.
 */
export function postTriageOf(
  snapshot: Snapshot,
  zone: string,
  baseline: RunSummary | null,
  catalog: Catalog = DEFAULT_CATALOG,
): PostTriageData {
  const digests = digestRun(snapshot, catalog);
  const incidents = detectIncidents(digests);
  const diff = baseline === null ? undefined : diffRuns(baseline, summarizeRun(snapshot, digests));
  return postTriage(digests, incidents, zone, diff);
}

/**
 * Runs `atvm diff`: the current run vs its baseline, by precedence `--baseline` > `ATVM_BASELINE` >
 * config `baseline` (an existing atvm.summary.v1 file, else a build name in the same root,
 * reconstructed in its own window). Resolves 0; throws `AtvmError`: `USAGE` when none of the three
 * names a baseline, `ARTIFACT_NOT_FOUND` for a baseline file that does not exist, `CONFIG_INVALID`
 * naming the file and field for a bad baseline file.
 */
export async function runDiff(options: DiffCommandOptions, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  checkFormat(format, ["text", "markdown", "json"]);
  const run = await prepareRun(options, io);
  const choice = chooseRunBaseline(options.baseline, run, options, io);
  if (choice === null) {
    throw new AtvmError(
      "USAGE",
      'no baseline: pass --baseline BUILD|FILE, set ATVM_BASELINE, or set "baseline" in the config (docs/triage.md)',
    );
  }
  const baseline = await loadBaseline(choice, options, io);
  const current = await summaryOfRun(run, null, options, io);
  const diff = diffRuns(baseline, current);
  const text = renderDiffText(diff).trimEnd();
  const out =
    format === "json"
      ? JSON.stringify(diff, null, 2)
      : format === "markdown"
        ? `\`\`\`\n${text}\n\`\`\``
        : text;
  io.stdout.write(`${out}\n`);
  return 0;
}
