/**
 * The operator inputs of triage (docs/triage.md "Catalog and baseline: where they come from"): the
 * signature catalog (T2) and the baseline run summary (T4, T5), shared by `atvm triage`, `summary`,
 * `diff` and `atvm watch`, each chosen by one explicit precedence:
 *
 * - catalog: `--signatures FILE` > config `signatures` > the built-in catalog;
 * - baseline: `--baseline BUILD|FILE` > env `ATVM_BASELINE` (BUILD|FILE) > config `baseline` (FILE) > none.
 *
 * Config file keys are relative to the config file's folder (`configFilePath`, @atvm-watch/config).
 */
import { basename, dirname, join, resolve } from "node:path";
import { type AtvmConfig, CONFIG_FILE_NAME, configFilePath } from "@atvm-watch/config";
import { AtvmError, decodeUtf8, isAtvmError } from "@atvm-watch/engine";
import {
  type Catalog,
  DEFAULT_CATALOG,
  digestRun,
  loadCatalog,
  type RunSummary,
  SummarySchema,
  summarizeRun,
} from "@atvm-watch/triage";
import type { CliIo } from "./io.ts";
import { type PreparedRun, prepareRun, type StatusCommandOptions } from "./status-command.ts";

/** Largest `--signatures` or `--baseline` file read, bytes (1 MiB). */
export const MAX_TRIAGE_INPUT_BYTES: number = 1024 * 1024;

/** The options every triage command shares: where the run is, and an optional `--signatures FILE`. */
export type TriageRunOptions = Pick<StatusCommandOptions, "root" | "build" | "config" | "tz"> & {
  readonly signatures?: string;
};

/**
 * Reads an operator JSON file bounded (a regular file, at most 1 MiB) through the disk port and
 * parses it. `what` names it in messages (`signatures`, `baseline`), `origin` where the path came
 * from (`--signatures`, `"signatures" in FILE`). Throws `AtvmError` `CONFIG_NOT_FOUND` (cannot be
 * read) or `CONFIG_INVALID` (not a regular file, too large, not JSON).
 */
async function readJsonFile(io: CliIo, path: string, what: string, origin: string): Promise<unknown> {
  const file = resolve(io.cwd, path);
  const folder = io.disk.open(dirname(file), []);
  let bytes: Uint8Array;
  try {
    bytes = await folder.read(basename(file), 0, MAX_TRIAGE_INPUT_BYTES + 1);
  } catch (cause) {
    if (isAtvmError(cause) && cause.code === "INVALID_PATH") {
      throw new AtvmError(
        "CONFIG_INVALID",
        `${what} ${file} is not a regular file; point ${origin} at a JSON file`,
      );
    }
    throw new AtvmError("CONFIG_NOT_FOUND", `cannot read ${what} ${file}; check the path given to ${origin}`);
  }
  if (bytes.length > MAX_TRIAGE_INPUT_BYTES) {
    throw new AtvmError(
      "CONFIG_INVALID",
      `${what} ${file} is larger than 1 MiB; check the path given to ${origin}`,
    );
  }
  try {
    return JSON.parse(decodeUtf8(bytes)) as unknown;
  } catch {
    throw new AtvmError("CONFIG_INVALID", `${what} ${file} is not JSON; fix the file given to ${origin}`);
  }
}

/** The file a prepared run's config came from: `--config`, else `<root>/atvm.config.json`. */
function configFileOf(options: Pick<StatusCommandOptions, "config">, root: string, io: CliIo): string {
  return options.config !== undefined ? resolve(io.cwd, options.config) : join(root, CONFIG_FILE_NAME);
}

/** A catalog file validated by `loadCatalog` (T2); `origin` names where its path came from. */
export async function loadCatalogFile(path: string, origin: string, io: CliIo): Promise<Catalog> {
  const file = resolve(io.cwd, path);
  return loadCatalog(await readJsonFile(io, file, "signatures", origin), file);
}

/**
 * The catalog of a run: `flagCatalog` (already loaded from `--signatures`) when given, else the
 * config's `signatures` file (relative to the config file's folder), else {@link DEFAULT_CATALOG}.
 * Throws as {@link loadCatalogFile}, naming `"signatures" in <config file>`.
 */
export async function catalogOfRun(
  flagCatalog: Catalog | null,
  run: Pick<PreparedRun, "root" | "config">,
  options: Pick<StatusCommandOptions, "config">,
  io: CliIo,
): Promise<Catalog> {
  if (flagCatalog !== null) return flagCatalog;
  if (run.config.signatures === undefined) return DEFAULT_CATALOG;
  const configFile = configFileOf(options, run.root, io);
  const file = configFilePath(run.config.signatures, configFile, io.env.HOME, "signatures");
  return loadCatalogFile(file, `"signatures" in ${configFile}`, io);
}

/** Observes a prepared run and summarizes it (atvm.summary.v1) with its catalog ({@link catalogOfRun}). */
export async function summaryOfRun(
  run: PreparedRun,
  flagCatalog: Catalog | null,
  options: Pick<StatusCommandOptions, "config">,
  io: CliIo,
): Promise<RunSummary> {
  const catalog = await catalogOfRun(flagCatalog, run, options, io);
  const { snapshot } = await run.observer.observe();
  return summarizeRun(snapshot, digestRun(snapshot, catalog));
}

/** Prepares one run (`--signatures` first, so a typo fails fast) and summarizes it ({@link summaryOfRun}). */
export async function summaryOf(options: TriageRunOptions, io: CliIo): Promise<RunSummary> {
  const flagCatalog =
    options.signatures === undefined ? null : await loadCatalogFile(options.signatures, "--signatures", io);
  return summaryOfRun(await prepareRun(options, io), flagCatalog, options, io);
}

/** The baseline to use and where it came from (for messages). */
export interface BaselineChoice {
  /** As given for the flag and the env var (a file or a build name); the absolute file for the config. */
  readonly value: string;
  /** `--baseline`, `ATVM_BASELINE` or `"baseline" in <config file>`. */
  readonly origin: string;
  /** `true` for the config key, which names a file only. */
  readonly fileOnly: boolean;
}

/**
 * Picks the baseline by precedence (T4): `flag` (`--baseline`) > `env.ATVM_BASELINE` (an empty value
 * counts as unset) > the config's `baseline` (relative to `configFile`'s folder) > `null`.
 * Throws `AtvmError` `USAGE` for an empty `--baseline`, `CONFIG_INVALID` for a `~/` config value
 * without `$HOME`.
 */
export function chooseBaseline(input: {
  readonly flag: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config: AtvmConfig;
  readonly configFile: string;
}): BaselineChoice | null {
  if (input.flag !== undefined) {
    if (input.flag === "") {
      throw new AtvmError("USAGE", "--baseline is empty; pass a build name or an atvm.summary.v1 file");
    }
    return { value: input.flag, origin: "--baseline", fileOnly: false };
  }
  const fromEnv = input.env.ATVM_BASELINE;
  if (fromEnv !== undefined && fromEnv !== "")
    return { value: fromEnv, origin: "ATVM_BASELINE", fileOnly: false };
  if (input.config.baseline === undefined) return null;
  return {
    value: configFilePath(input.config.baseline, input.configFile, input.env.HOME, "baseline"),
    origin: `"baseline" in ${input.configFile}`,
    fileOnly: true,
  };
}

/** {@link chooseBaseline} for a prepared run: its config, read from `--config` or the root. */
export function chooseRunBaseline(
  flag: string | undefined,
  run: Pick<PreparedRun, "root" | "config">,
  options: Pick<StatusCommandOptions, "config">,
  io: CliIo,
): BaselineChoice | null {
  return chooseBaseline({
    flag,
    env: io.env,
    config: run.config,
    configFile: configFileOf(options, run.root, io),
  });
}

/**
 * The baseline run summary of `choice`: an existing atvm.summary.v1 file (validated, T5), else a
 * build name in the same root, reconstructed in its own window with the same catalog. A value that
 * can only be a file (the config key, or one with a `/` or ending in `.json`) and does not exist is
 * `ARTIFACT_NOT_FOUND` naming the path, where it came from and how to make it. Other errors:
 * `CONFIG_INVALID` naming the file and field for a bad summary file; the build lookup's errors.
 */
export async function loadBaseline(
  choice: BaselineChoice,
  options: TriageRunOptions,
  io: CliIo,
): Promise<RunSummary> {
  const file = resolve(io.cwd, choice.value);
  const exists = (await io.disk.open(dirname(file), []).stat(basename(file))) !== null;
  if (exists && !(await io.disk.isFolder(file))) {
    const parsed = SummarySchema.safeParse(await readJsonFile(io, file, "baseline", choice.origin));
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new AtvmError(
        "CONFIG_INVALID",
        `baseline ${file} is not an atvm.summary.v1 file: ${first?.path.join(".") ?? ""}: ${first?.message ?? "invalid"}; make it with atvm summary`,
      );
    }
    return parsed.data as RunSummary;
  }
  if (choice.fileOnly || choice.value.includes("/") || choice.value.endsWith(".json")) {
    throw new AtvmError(
      "ARTIFACT_NOT_FOUND",
      `baseline file ${file} (from ${choice.origin}) does not exist; write it with npx atvm summary --build <baseline build> > ${file}, or fix ${choice.origin}`,
    );
  }
  return summaryOf({ ...options, build: choice.value }, io);
}
