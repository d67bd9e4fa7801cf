/**
 * `atvm.config.json`: where a controller keeps its artifacts and how to read them
 * (docs/config.md). Validated with zod; `docs/atvm.config.schema.json` is generated from
 * {@link ConfigSchema} (`node --conditions=@atvm-watch/source --import tsx packages/cli/scripts/write-config-schema.ts`).
 *
 * Pure: the file is read through a {@link ConfigReader} port (the CLI passes its artifact source
 * for `<root>/atvm.config.json` and a local-file source for `--config`), so the watcher and an
 * ssh adapter load a config the same way. Reads are bounded: at most {@link MAX_CONFIG_BYTES}.
 */
import {
  DEFAULT_RUNNER_LOG_PATTERNS,
  RUNNER_LOG_PATTERN_NAMES,
  type RunnerLogPatternName,
  runnerLogPatternProblem,
  runnerLogPrefixProblem,
} from "@atvm-watch/artifacts";
import {
  type ArtifactSource,
  AtvmError,
  type BlacklistEntry,
  BUILD_NAME_PATTERN,
  type CollectLayout,
  DEFAULT_LAYOUT,
  decodeUtf8,
  isAtvmError,
  parseBlacklist,
} from "@atvm-watch/engine";
import { z } from "zod";

/** The file the CLI loads from the automation root when `--config` is not given. */
export const CONFIG_FILE_NAME = "atvm.config.json";

const pathText = z
  .string()
  .min(1)
  .refine((s) => !s.includes("\0"), "must not contain a NUL byte");
const globs = z.array(pathText).min(1);

/** Artifact locations; relative paths resolve against the root, `~/` against `$HOME`, `{build}` is the build name. */
const PathsSchema = z
  .object({
    junit: globs
      .optional()
      .describe(
        "JUnit XML globs. Default: cypress/cmcReporter/xml/test-result-*.xml, cypress/cmcReporter/**/test-result-*.xml",
      ),
    reporterJson: globs
      .optional()
      .describe(
        "Per-host reporter JSON (mochawesome, mocha json, json-stream event logs) globs. Default: cypress/cmcReporter/logs/*/*.json, cypress/cmcReporter/logs/*/*.jsonl, cypress/cmcReporter/mochawesome/*.json",
      ),
    generatedSpecs: globs
      .optional()
      .describe(
        "Spec globs; the host-named specs among them are the run's scope (R10). Default: cypress/e2e/**/*.ts, cypress/e2e/**/*.js",
      ),
    cypressConfig: pathText
      .optional()
      .describe("Cypress config holding specPattern and current_vm. Default: cypress.atvm-config-gold.ts"),
    runnerLog: pathText.optional().describe("Consolidated runner log. Default: /tmp/{build}.log"),
    launchLog: pathText.optional().describe("Template-phase launch log. Default: /tmp/{build}.launch.log"),
    history: pathText
      .optional()
      .describe("Shell history with the run commands (R19). Default: ~/.bash_history"),
    inventory: pathText.optional().describe("VM inventory Markdown table (W10). Default: vm-inventory.md"),
  })
  .strict();

const isZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const isRegExp = (source: string): boolean => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

/** The whole config file. Every key is optional. */
export const ConfigSchema: z.ZodType<AtvmConfig> = z
  .object({
    $schema: z.string().optional().describe("Editor hint; ignored."),
    paths: PathsSchema.optional(),
    knownHosts: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/, "must be a host name such as atvm41-redhat6.0"),
      )
      .optional()
      .describe("Extra fleet host names, added to inventory, specPattern and generated-spec hosts."),
    blacklist: z
      .array(
        z
          .object({ reason: z.string().trim().min(1), patterns: z.array(z.string().trim().min(1)).min(1) })
          .strict(),
      )
      .optional()
      .describe(
        "Replaces the built-in blacklist (R2/R13), in the shape of packages/engine/data/blacklist.json: groups of partial-match patterns sharing a reason.",
      ),
    testFlows: z
      .record(z.string().min(1), z.array(z.string().min(1)).min(1))
      .optional()
      .describe("Numbered test-flow steps per template name, added to the built-in ones (R25)."),
    timeZone: z
      .string()
      .refine(isZone, "must be an IANA time zone such as UTC or Europe/Berlin")
      .optional()
      .describe("Zone for times in the status. Default: the system zone."),
    controllers: z
      .array(
        z
          .string()
          .regex(
            /^(?:[A-Za-z_][A-Za-z0-9_.-]{0,31}@)?[A-Za-z0-9][A-Za-z0-9.:-]{0,252}(?::\/[^\0]*)?$/,
            "must be [user@]host[:/automation/root], e.g. root@controller-12:/root/cdc-e2e-cyp-12.17.4 (host may be an ~/.ssh/config alias)",
          ),
      )
      .min(1)
      .optional()
      .describe(
        "Controllers for the fleet view (`atvm status` without --controller and --root): [user@]host[:/automation/root] each, reached over ssh (docs/fleet.md).",
      ),
    hangWindowMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Quiet time (ms) before a run counts as hung (D9)."),
    logPatterns: z
      .partialRecord(
        z.enum(RUNNER_LOG_PATTERN_NAMES as [RunnerLogPatternName, ...RunnerLogPatternName[]]),
        z.string().min(1).refine(isRegExp, "must be a valid regular expression"),
      )
      .superRefine((patterns, ctx) => {
        for (const [name, source] of Object.entries(patterns)) {
          const problem = source === undefined ? null : runnerLogPatternProblem(name, source);
          if (problem !== null) ctx.addIssue({ code: "custom", path: [name], message: problem });
        }
      })
      .optional()
      .describe(
        `Runner-log patterns by name (regular-expression source), overriding the defaults. Names: ${Object.keys(DEFAULT_RUNNER_LOG_PATTERNS).join(", ")}.`,
      ),
    baseline: pathText
      .optional()
      .describe(
        "Triage baseline (T4): an atvm.summary.v1 file (from `atvm summary`) that `atvm diff` and the `atvm watch` post compare the run with, when neither --baseline nor ATVM_BASELINE names one. Relative paths are relative to this config file's folder; absolute and ~/ paths are kept.",
      ),
    signatures: pathText
      .optional()
      .describe(
        "Signature catalog (atvm.signatures.v1 JSON) replacing the built-in one (T2) for `atvm triage`, `summary`, `diff` and the `atvm watch` post, unless --signatures is given. Relative paths are relative to this config file's folder; absolute and ~/ paths are kept.",
      ),
    logPrefixes: z
      .array(
        z
          .string()
          .min(1)
          .superRefine((source, ctx) => {
            const problem = runnerLogPrefixProblem(source);
            if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
          }),
      )
      .max(20)
      .optional()
      .describe(
        "Wrapper prefixes to remove from runner-log lines before the patterns run (regular-expression sources, RE2, matched at the start of the line, removed exactly as matched). Timestamps, [host] tags and logging levels are removed without this.",
      ),
  })
  .strict();

/** A validated config (all keys optional). */
export interface AtvmConfig {
  readonly $schema?: string | undefined;
  readonly paths?:
    | {
        readonly junit?: string[] | undefined;
        readonly reporterJson?: string[] | undefined;
        readonly generatedSpecs?: string[] | undefined;
        readonly cypressConfig?: string | undefined;
        readonly runnerLog?: string | undefined;
        readonly launchLog?: string | undefined;
        readonly history?: string | undefined;
        readonly inventory?: string | undefined;
      }
    | undefined;
  readonly knownHosts?: string[] | undefined;
  readonly blacklist?: { reason: string; patterns: string[] }[] | undefined;
  readonly testFlows?: Record<string, string[]> | undefined;
  readonly timeZone?: string | undefined;
  /** `[user@]host[:/automation/root]` per controller of the fleet view. */
  readonly controllers?: string[] | undefined;
  readonly hangWindowMs?: number | undefined;
  readonly logPatterns?: Partial<Record<RunnerLogPatternName, string>> | undefined;
  readonly logPrefixes?: string[] | undefined;
  /** Triage baseline file (atvm.summary.v1), relative to the config file's folder (`configFilePath`). */
  readonly baseline?: string | undefined;
  /** Signature catalog file (atvm.signatures.v1), relative to the config file's folder (`configFilePath`). */
  readonly signatures?: string | undefined;
}

/** The JSON Schema (draft 2020-12) of the config file, from {@link ConfigSchema}. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { io: "input" }),
    $id: "https://github.com/atvm-watch/atvm-watch/blob/main/docs/atvm.config.schema.json",
    title: "atvm.config.json",
  };
}

/** A zod issue as one readable line: `paths.runnerLog: expected string, received number`. */
function issueLine(issue: z.core.$ZodIssue): string {
  const path =
    issue.path.length === 0
      ? "(top level)"
      : issue.path
          .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
          .join(".")
          .replaceAll(".[", "[");
  return `  ${path}: ${issue.message}`;
}

/** The largest config file read (bytes): 1 MiB. A config is a few KiB; anything larger is a mistake. */
export const MAX_CONFIG_BYTES: number = 1024 * 1024;

/**
 * What the loader reads a config file through: the `read`/`stat` half of an `ArtifactSource`.
 * `read` must reject with `AtvmError` `ARTIFACT_NOT_FOUND` for a missing or unopenable file and
 * `INVALID_PATH` for a non-regular one (FIFO, device, folder), never block on a FIFO
 * (node-fs opens with `O_NONBLOCK` and checks `fstat`), and honour `maxBytes`.
 */
export type ConfigReader = Pick<ArtifactSource, "read" | "stat">;

/** The errno-like code behind an adapter error (`ENOENT`, `EACCES`), when the adapter kept one. */
function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  // A source that reports a missing file without its errno (ports.ts ARTIFACT_NOT_FOUND).
  return (error as { code?: unknown }).code === "ARTIFACT_NOT_FOUND" ? "ENOENT" : undefined;
}

/**
 * Validates config text. `file` names the file in messages.
 * Errors: `CONFIG_INVALID` (not JSON, or fails the schema; the message lists every problem on its
 * own line with its JSON path).
 */
export function parseConfig(text: string, file: string): AtvmConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AtvmError(
      "CONFIG_INVALID",
      `config ${file} is not valid JSON (${(cause as Error).message}); fix the file`,
      { cause },
    );
  }
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(issueLine);
    throw new AtvmError(
      "CONFIG_INVALID",
      `config ${file} is invalid; fix these keys (see docs/config.md):\n${lines.join("\n")}`,
    );
  }
  return parsed.data;
}

/**
 * Reads `path` through `reader` (at most {@link MAX_CONFIG_BYTES} + 1 bytes) and validates it;
 * `file` names it in messages (default `path`). Resolves `null` when `optional` and the file does
 * not exist. A FIFO, device or folder is never read (it could block forever or never end).
 * Errors: `CONFIG_NOT_FOUND` (missing, or cannot be opened: the message gives the errno code),
 * `CONFIG_INVALID` (not a regular file, larger than 1 MiB, not JSON, or fails the schema).
 */
export async function loadConfig(
  reader: ConfigReader,
  path: string,
  options: { readonly file?: string; readonly optional?: boolean } = {},
): Promise<AtvmConfig | null> {
  const file = options.file ?? path;
  const entry = await reader.stat(path);
  let bytes: Uint8Array;
  try {
    bytes = await reader.read(path, 0, MAX_CONFIG_BYTES + 1);
  } catch (cause) {
    if (!isAtvmError(cause)) throw cause;
    if (cause.code === "INVALID_PATH" || causeCode(cause) === "NOT_REGULAR") {
      throw new AtvmError(
        "CONFIG_INVALID",
        `config ${file} is not a regular file (a FIFO, device or folder is never read); point it at a JSON file`,
        { cause },
      );
    }
    const code = causeCode(cause);
    if (entry === null && options.optional === true && (code === undefined || code === "ENOENT")) return null;
    throw new AtvmError(
      "CONFIG_NOT_FOUND",
      `cannot read config ${file} (${code ?? cause.code}); check the path given to --config`,
      { cause },
    );
  }
  if (bytes.length > MAX_CONFIG_BYTES) {
    throw new AtvmError(
      "CONFIG_INVALID",
      `config ${file} is larger than 1 MiB (${MAX_CONFIG_BYTES} bytes); a config is a small JSON file, check the path`,
    );
  }
  return parseConfig(decodeUtf8(bytes), file);
}

/**
 * The collector layout of a config: each configured path replaces the default of its kind.
 * Relative paths stay relative (to the root); absolute and `~/` ones are kept as they are.
 */
export function layoutOf(config: AtvmConfig): CollectLayout {
  const p = config.paths ?? {};
  const one = (value: string | undefined, fallback: readonly string[]): readonly string[] =>
    value === undefined ? fallback : [value];
  return {
    junit: p.junit ?? DEFAULT_LAYOUT.junit,
    "reporter-json": p.reporterJson ?? DEFAULT_LAYOUT["reporter-json"],
    "generated-spec": p.generatedSpecs ?? DEFAULT_LAYOUT["generated-spec"],
    "cypress-config": one(p.cypressConfig, DEFAULT_LAYOUT["cypress-config"]),
    "runner-log": one(p.runnerLog, DEFAULT_LAYOUT["runner-log"]),
    "launch-log": one(p.launchLog, DEFAULT_LAYOUT["launch-log"]),
    "shell-history": one(p.history, DEFAULT_LAYOUT["shell-history"]),
    inventory: one(p.inventory, DEFAULT_LAYOUT.inventory),
  };
}

/**
 * Absolute folders the artifact source must allow for `layout` (node-fs `extraRoots`): the fixed
 * folder part of each absolute or `~/` pattern, e.g. `/tmp/{build}.log` → `/tmp`.
 */
export function extraRootsOf(layout: CollectLayout, homeDir: string | undefined): string[] {
  const roots = new Set<string>();
  for (const patterns of Object.values(layout)) {
    for (const raw of patterns) {
      const pattern = raw.startsWith("~/")
        ? homeDir === undefined
          ? null
          : `${homeDir}/${raw.slice(2)}`
        : raw;
      if (pattern === null || !pattern.startsWith("/")) continue;
      const segments = pattern.split("/");
      const fixed: string[] = [];
      for (const segment of segments.slice(0, -1)) {
        if (/[*?{]/.test(segment)) break;
        fixed.push(segment);
      }
      roots.add(fixed.join("/") || "/");
    }
  }
  return [...roots].sort();
}

/**
 * The config's blacklist as engine entries, or `undefined` for the built-in one.
 * Errors: `CONFIG_INVALID` for a pattern listed twice (engine `parseBlacklist`).
 */
export function blacklistOf(config: AtvmConfig, file: string | null): readonly BlacklistEntry[] | undefined {
  return config.blacklist === undefined
    ? undefined
    : parseBlacklist(config.blacklist, `"blacklist" in ${file ?? "the config"}`);
}

/** `true` when `build` may be put into a path (docs/safety.md "Paths and names"). */
export function isSafeBuildName(build: string): boolean {
  return BUILD_NAME_PATTERN.test(build);
}
