/**
 * `atvm triage`, `atvm diff` and `atvm summary`: the failure digests, run-wide incidents, the
 * machine-readable run summary (atvm.summary.v1) and a run-vs-baseline diff (atvm.diff.v1), all
 * over the same run observer as `atvm status` (see docs/triage.md).
 */
import { basename, dirname, resolve } from "node:path";
import { AtvmError, decodeUtf8, isAtvmError, type Snapshot } from "@atvm-watch/engine";
import {
  type Catalog,
  DEFAULT_CATALOG,
  detectIncidents,
  diffRuns,
  digestRun,
  loadCatalog,
  type PostTriageData,
  postTriage,
  type RunSummary,
  renderDiffText,
  renderTriageText,
  SummarySchema,
  summarizeRun,
  triageReport,
} from "@atvm-watch/triage";
import type { CliIo } from "./io.ts";
import { prepareRun, type StatusCommandOptions } from "./status-command.ts";

/** Largest `--signatures` or `--baseline` file read, bytes (1 MiB). */
export const MAX_TRIAGE_INPUT_BYTES: number = 1024 * 1024;

/** Options of `atvm triage`. */
export interface TriageCommandOptions extends Pick<StatusCommandOptions, "root" | "build" | "config" | "tz"> {
  readonly signatures?: string;
  readonly format?: string;
}

/** Options of `atvm diff`. */
export interface DiffCommandOptions extends Pick<StatusCommandOptions, "root" | "build" | "config" | "tz"> {
  readonly baseline: string;
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
 * Reads an operator JSON file bounded (a regular file, at most 1 MiB) through the disk port and
 * parses it. `what` names it in messages (`signatures`, `baseline`). Throws `AtvmError`
 * `CONFIG_NOT_FOUND` (cannot be read) or `CONFIG_INVALID` (not a regular file, too large, not JSON).
 */
async function readJsonFile(io: CliIo, path: string, what: string, flag: string): Promise<unknown> {
  const file = resolve(io.cwd, path);
  const folder = io.disk.open(dirname(file), []);
  let bytes: Uint8Array;
  try {
    bytes = await folder.read(basename(file), 0, MAX_TRIAGE_INPUT_BYTES + 1);
  } catch (cause) {
    if (isAtvmError(cause) && cause.code === "INVALID_PATH") {
      throw new AtvmError(
        "CONFIG_INVALID",
        `${what} ${file} is not a regular file; point ${flag} at a JSON file`,
      );
    }
    throw new AtvmError("CONFIG_NOT_FOUND", `cannot read ${what} ${file}; check the path given to ${flag}`);
  }
  if (bytes.length > MAX_TRIAGE_INPUT_BYTES) {
    throw new AtvmError(
      "CONFIG_INVALID",
      `${what} ${file} is larger than 1 MiB; check the path given to ${flag}`,
    );
  }
  try {
    return JSON.parse(decodeUtf8(bytes)) as unknown;
  } catch {
    throw new AtvmError("CONFIG_INVALID", `${what} ${file} is not JSON; fix the file given to ${flag}`);
  }
}

/** The catalog: `--signatures FILE` validated by `loadCatalog`, else the default catalog. */
async function catalogOf(options: TriageCommandOptions, io: CliIo): Promise<Catalog> {
  if (options.signatures === undefined) return DEFAULT_CATALOG;
  const file = resolve(io.cwd, options.signatures);
  return loadCatalog(await readJsonFile(io, file, "signatures", "--signatures"), file);
}

/** Observes one run and summarizes it (atvm.summary.v1) with the default catalog. */
async function summaryOf(options: SummaryCommandOptions, io: CliIo): Promise<RunSummary> {
  const { observer } = await prepareRun(options, io);
  const { snapshot } = await observer.observe();
  return summarizeRun(snapshot, digestRun(snapshot, DEFAULT_CATALOG));
}

/**
 * Runs `atvm triage`: the digest of every FAIL host and the run-wide incidents, as text
 * (`renderTriageText`) or JSON (atvm.triage.v1). Resolves 0; throws `AtvmError` for bad input.
 */
export async function runTriage(options: TriageCommandOptions, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  checkFormat(format, ["text", "json"]);
  const catalog = await catalogOf(options, io);
  const { zone, observer } = await prepareRun(options, io);
  const { snapshot } = await observer.observe();
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
 * The baseline run summary: `baseline` is an existing atvm.summary.v1 file (validated, T5), else a
 * build name in the same root, reconstructed in its own window. `flag` names where the value came
 * from in messages (`--baseline`, `ATVM_BASELINE`). Throws `AtvmError` (`CONFIG_INVALID` naming the
 * file and field for a bad baseline file; the build lookup's errors for an unknown build).
 */
export async function loadBaseline(
  baseline: string,
  options: SummaryCommandOptions,
  io: CliIo,
  flag: string,
): Promise<RunSummary> {
  const baselineFile = resolve(io.cwd, baseline);
  const isFile = (await io.disk.open(dirname(baselineFile), []).stat(basename(baselineFile))) !== null;
  if (isFile && !(await io.disk.isFolder(baselineFile))) {
    const parsed = SummarySchema.safeParse(await readJsonFile(io, baselineFile, "baseline", flag));
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new AtvmError(
        "CONFIG_INVALID",
        `baseline ${baselineFile} is not an atvm.summary.v1 file: ${first?.path.join(".") ?? ""}: ${first?.message ?? "invalid"}; make it with atvm summary`,
      );
    }
    return parsed.data as RunSummary;
  }
  return summaryOf({ ...options, build: baseline }, io);
}

/**
 * The triage the finished-run post carries (T1, T4): digests with the default catalog, incidents,
 * and the diff against `baseline` when one is configured. Pure over its inputs.
 */
export function postTriageOf(snapshot: Snapshot, zone: string, baseline: RunSummary | null): PostTriageData {
  const digests = digestRun(snapshot, DEFAULT_CATALOG);
  const incidents = detectIncidents(digests);
  const diff = baseline === null ? undefined : diffRuns(baseline, summarizeRun(snapshot, digests));
  return postTriage(digests, incidents, zone, diff);
}

/**
 * Runs `atvm diff`: the current run vs `--baseline` (an existing atvm.summary.v1 file, else a
 * build name in the same root, reconstructed in its own window). Resolves 0; throws `AtvmError`
 * (`CONFIG_INVALID` naming the file and field for a bad baseline file).
 */
export async function runDiff(options: DiffCommandOptions, io: CliIo): Promise<number> {
  const format = options.format ?? "text";
  checkFormat(format, ["text", "markdown", "json"]);
  const baseline = await loadBaseline(options.baseline, options, io, "--baseline");
  const current = await summaryOf(options, io);
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
