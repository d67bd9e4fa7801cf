/**
 * The typed model of the two controller scripts a run is started with, their defaults and the
 * blacklist rules, and the exact argv of each command (R2, R13, R14, R15, R20, R37). Pure.
 *
 * Shapes, as the operators run them (watcher service README, `start-atvm-run.sh` examples):
 * - `python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts
 *   --containsVm redhat9.7 --integration_type pure --use_specified_plugin iscsi
 *   --ignore_force_shutdown --exclude_partial_match atvm6-centos6.0 atvm41-redhat6.0 …`
 *   (`--specify_vms a,b,c` is one comma-separated word; `--exclude_partial_match` takes one word
 *   per pattern and is written last, since it takes every word up to the next option);
 * - `python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name <build> [--categorize]`.
 */
import { readToolArguments } from "@atvm-watch/artifacts";
import { AtvmError, type BlacklistEntry, checkExplicitHosts, DEFAULT_BLACKLIST } from "@atvm-watch/engine";
import { checkName } from "./names.ts";

/** R14: the config file when the operator names none. Never `cypress.atvm-config.ts`. */
export const DEFAULT_CONFIG_FILE = "cypress.atvm-config-gold.ts";
/** R20: the `--use_specified_plugin` value when the operator names none. */
export const DEFAULT_PLUGIN = "iscsi";
/** The interpreter and script words of the template command. */
export const TEMPLATE_SCRIPT: readonly [string, string] = ["python3", "./cmc-templates.py"];
/** The interpreter and script words of the runner command. */
export const RUNNER_SCRIPT: readonly [string, string] = ["python3", "./run-sorry-cypress.py"];
/** Largest `--randomize` count accepted (a fleet has hundreds of VMs, not more). */
export const MAX_RANDOMIZE = 10_000;
/** Most hosts accepted in one `--specify_vms` list / patterns in one `--exclude_partial_match`. */
export const MAX_LIST = 1_000;

/**
 * What the operator asked for, and nothing else (R15: a built command holds the options asked
 * for plus the mandatory defaults and the blacklist; nothing is copied from an example).
 * Absent fields mean "not asked": the defaults below then apply.
 */
export interface RunRequest {
  /** `--template_name`, e.g. `cmc-e2e`. */
  readonly template: string;
  /** The run's build name: `--build_name` of the runner, unit instance and state folder name. */
  readonly buildName: string;
  /** `--containsVm X`: every host whose name contains `X` (broad, R2). */
  readonly containsVm?: string;
  /** `--randomize N`: N hosts drawn by the script (broad, R2). */
  readonly randomize?: number;
  /** `--specify_vms a,b`: an explicit host list (R37). Not together with a broad selector. */
  readonly specifyVms?: readonly string[];
  /** `--integration_type`, e.g. `pure`. No default: left out unless asked. */
  readonly integration?: string;
  /** `--use_specified_plugin`; default {@link DEFAULT_PLUGIN} (R20). `fc`, `both`, … replace it. */
  readonly plugin?: string;
  /** `--config_file`; default {@link DEFAULT_CONFIG_FILE} (R14). */
  readonly configFile?: string;
  /** `--ignore_force_shutdown`; default `true` (R20). `false` is the operator's explicit "no ignore". */
  readonly ignoreForceShutdown?: boolean;
  /** Patterns the operator asked to exclude, on top of the blacklist's (kept after them, in order). */
  readonly excludePartialMatch?: readonly string[];
  /**
   * An explicit `--specify_vms` list gets no blacklist excludes (R37) unless the operator asks
   * for them with `true`. Ignored for broad selectors, which always get them (R2).
   */
  readonly blacklistExcludes?: boolean;
  /** `--categorize` on the runner: sequential batches grouped by distro. Default `false`. */
  readonly categorize?: boolean;
}

/**
 * The `cmc-templates.py` options as built: defaults and blacklist applied, every name checked.
 * `null` means the option is not on the command.
 */
export interface TemplateOptions {
  readonly template: string;
  readonly configFile: string;
  readonly containsVm: string | null;
  readonly randomize: number | null;
  readonly specifyVms: readonly string[] | null;
  readonly integration: string | null;
  readonly plugin: string | null;
  readonly ignoreForceShutdown: boolean;
  /** The whole `--exclude_partial_match` list: blacklist patterns first (file order), then the operator's. */
  readonly excludePartialMatch: readonly string[];
}

/** The `run-sorry-cypress.py` options as built. */
export interface RunnerOptions {
  readonly configFile: string;
  readonly buildName: string;
  readonly categorize: boolean;
}

/** Both commands of one run, resolved from a {@link RunRequest}. */
export interface RunCommands {
  readonly template: TemplateOptions;
  readonly runner: RunnerOptions;
}

/**
 * Applies the defaults and the blacklist to a request and checks every name.
 *
 * - Defaults: `--config_file cypress.atvm-config-gold.ts` (R14), `--use_specified_plugin iscsi`
 *   and `--ignore_force_shutdown` (R20), each unless the request says otherwise.
 * - Broad selectors (`--containsVm`, `--randomize`, or none: the script's whole fleet) get every
 *   blacklist pattern in `--exclude_partial_match` (R2). An explicit `--specify_vms` list gets
 *   none (R37) unless `blacklistExcludes: true`.
 *
 * Throws `AtvmError`:
 * - `HOST_BLACKLISTED` when `specifyVms` names a blacklisted host (R37), naming each such host
 *   and its reason, e.g. `atvm41-redhat6.0 (BLACKLISTED: CMC INSTALL - CAN'T COMPILE)`;
 * - `INVALID_NAME` for a build, template, host, pattern, config file or option value outside its
 *   allow-list (`names.ts`), and for a blacklist pattern that is not a safe pattern;
 * - `USAGE` for `specifyVms` together with a broad selector, an empty or duplicated host list,
 *   a `randomize` that is not an integer in 1…{@link MAX_RANDOMIZE}, or a list over {@link MAX_LIST}.
 */
export function resolveRequest(
  request: RunRequest,
  blacklist: readonly BlacklistEntry[] = DEFAULT_BLACKLIST,
): RunCommands {
  const template = checkName("template", request.template, "--template_name");
  const buildName = checkName("build", request.buildName, "--build_name");
  const configFile = checkName("configFile", request.configFile ?? DEFAULT_CONFIG_FILE, "--config_file");
  const plugin = checkName("option", request.plugin ?? DEFAULT_PLUGIN, "--use_specified_plugin");
  const integration =
    request.integration === undefined ? null : checkName("option", request.integration, "--integration_type");
  const containsVm =
    request.containsVm === undefined ? null : checkName("hostPattern", request.containsVm, "--containsVm");
  const randomize = request.randomize === undefined ? null : checkRandomize(request.randomize);
  const specifyVms = request.specifyVms === undefined ? null : checkHostList(request.specifyVms);
  if (specifyVms !== null && (containsVm !== null || randomize !== null)) {
    throw new AtvmError(
      "USAGE",
      "--specify_vms is an explicit host list and cannot be combined with --containsVm or --randomize; give one selector",
    );
  }
  if (specifyVms !== null) {
    const offending = checkExplicitHosts(specifyVms, blacklist);
    if (offending.length > 0) {
      const list = offending.map((h) => `${h.host} (${h.reason})`).join(", ");
      throw new AtvmError(
        "HOST_BLACKLISTED",
        `--specify_vms names blacklisted host${offending.length > 1 ? "s" : ""} ${list}; remove ${offending.length > 1 ? "them" : "it"} from the list or fix the blacklist first`,
      );
    }
  }
  const extra = checkList(request.excludePartialMatch ?? [], "hostPattern", "--exclude_partial_match");
  const withBlacklist = specifyVms === null || request.blacklistExcludes === true;
  const blacklisted = withBlacklist
    ? blacklist.map((entry) => checkName("hostPattern", entry.pattern, "blacklist pattern"))
    : [];
  const excludePartialMatch = [...new Set([...blacklisted, ...extra])];
  return {
    template: {
      template,
      configFile,
      containsVm,
      randomize,
      specifyVms,
      integration,
      plugin,
      ignoreForceShutdown: request.ignoreForceShutdown ?? true,
      excludePartialMatch,
    },
    runner: { configFile, buildName, categorize: request.categorize ?? false },
  };
}

/**
 * The exact argv of the template command, in the operators' order: script, `--template_name`,
 * `--config_file`, selector, `--integration_type`, `--use_specified_plugin`,
 * `--ignore_force_shutdown`, and `--exclude_partial_match` last (it takes every following word).
 */
export function templateArgv(options: TemplateOptions): readonly string[] {
  const argv: string[] = [...TEMPLATE_SCRIPT, "--template_name", options.template];
  argv.push("--config_file", options.configFile);
  if (options.containsVm !== null) argv.push("--containsVm", options.containsVm);
  if (options.randomize !== null) argv.push("--randomize", String(options.randomize));
  if (options.specifyVms !== null) argv.push("--specify_vms", options.specifyVms.join(","));
  if (options.integration !== null) argv.push("--integration_type", options.integration);
  if (options.plugin !== null) argv.push("--use_specified_plugin", options.plugin);
  if (options.ignoreForceShutdown) argv.push("--ignore_force_shutdown");
  if (options.excludePartialMatch.length > 0) {
    argv.push("--exclude_partial_match", ...options.excludePartialMatch);
  }
  return argv;
}

/** The exact argv of the runner command: script, `--config_file`, `--build_name`, then `--categorize` when set. */
export function runnerArgv(options: RunnerOptions): readonly string[] {
  const argv = [...RUNNER_SCRIPT, "--config_file", options.configFile, "--build_name", options.buildName];
  if (options.categorize) argv.push("--categorize");
  return argv;
}

/** A parse that either gives a value or says why not. */
export type CommandParse<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads a template command's argv (as {@link parseShellCommand} gives it) back into options,
 * through the one option reader (`readToolArguments` of `@atvm-watch/artifacts`, the same one
 * shell history, the scope and the run location use) with validation on top.
 * Accepts `python3`/`python` and any path ending in `cmc-templates.py`, `--opt value` and
 * `--opt=value`, `--specify_vms` and `--exclude_partial_match` as comma- and/or space-separated
 * words. Absent options read as absent (`null`, `false`, `[]`): no defaults are added, so a
 * recorded command reads as what it was. Refuses a command without `--template_name` or
 * `--config_file`, an unknown option, a repeated option, a missing value or a name outside its
 * allow-list, with the reason. Never throws.
 *
 * @see templateArgv, the inverse for the commands this package builds.
 */
export function parseTemplateArgv(argv: readonly string[]): CommandParse<TemplateOptions> {
  return attempt(() => {
    const opts = readOptions(argv, "cmc-templates.py", TEMPLATE_OPTIONS);
    const template = required(opts.single("template_name"), "--template_name");
    const specify = opts.list("specify_vms");
    const randomize = opts.single("randomize");
    return {
      template: checkName("template", template, "--template_name"),
      configFile: checkName(
        "configFile",
        required(opts.single("config_file"), "--config_file"),
        "--config_file",
      ),
      containsVm: nullable(opts.single("containsVm"), (v) => checkName("hostPattern", v, "--containsVm")),
      randomize: nullable(randomize, (v) => checkRandomize(/^[0-9]{1,6}$/.test(v) ? Number(v) : Number.NaN)),
      specifyVms: specify === null ? null : checkHostList(specify),
      integration: nullable(opts.single("integration_type"), (v) =>
        checkName("option", v, "--integration_type"),
      ),
      plugin: nullable(opts.single("use_specified_plugin"), (v) =>
        checkName("option", v, "--use_specified_plugin"),
      ),
      ignoreForceShutdown: opts.flag("ignore_force_shutdown"),
      excludePartialMatch: checkList(
        opts.list("exclude_partial_match") ?? [],
        "hostPattern",
        "--exclude_partial_match",
      ),
    };
  });
}

/**
 * Reads a runner command's argv back into options (same rules as {@link parseTemplateArgv}).
 * Refuses a command without `--config_file` or `--build_name`. Never throws.
 */
export function parseRunnerArgv(argv: readonly string[]): CommandParse<RunnerOptions> {
  return attempt(() => {
    const opts = readOptions(argv, "run-sorry-cypress.py", RUNNER_OPTIONS);
    const build = required(opts.single("build_name"), "--build_name");
    return {
      configFile: checkName(
        "configFile",
        required(opts.single("config_file"), "--config_file"),
        "--config_file",
      ),
      buildName: checkName("build", build, "--build_name"),
      categorize: opts.flag("categorize"),
    };
  });
}

// --- internal helpers ---

type Arity = "single" | "list" | "flag";
const TEMPLATE_OPTIONS: ReadonlyMap<string, Arity> = new Map<string, Arity>([
  ["template_name", "single"],
  ["config_file", "single"],
  ["containsVm", "single"],
  ["randomize", "single"],
  ["specify_vms", "list"],
  ["integration_type", "single"],
  ["use_specified_plugin", "single"],
  ["ignore_force_shutdown", "flag"],
  ["exclude_partial_match", "list"],
]);
const RUNNER_OPTIONS: ReadonlyMap<string, Arity> = new Map<string, Arity>([
  ["config_file", "single"],
  ["build_name", "single"],
  ["categorize", "flag"],
]);

interface ReadOptions {
  single(name: string): string | null;
  list(name: string): readonly string[] | null;
  flag(name: string): boolean;
}

function readOptions(
  argv: readonly string[],
  script: string,
  known: ReadonlyMap<string, Arity>,
): ReadOptions {
  const [interpreter, path] = argv;
  if (interpreter !== "python3" && interpreter !== "python") {
    throw new AtvmError(
      "USAGE",
      `it does not start with python3 (found ${JSON.stringify(interpreter ?? "")})`,
    );
  }
  if (path === undefined || (path !== script && !path.endsWith(`/${script}`))) {
    throw new AtvmError("USAGE", `its script is not ${script} (found ${JSON.stringify(path ?? "")})`);
  }
  // The one option reader (argparse word rules), with this package's validation on top.
  if (argv.includes("--"))
    throw new AtvmError("USAGE", `-- (end of options) is not part of a ${script} command`);
  const args = readToolArguments(argv.slice(2));
  const stray = args.positional[0];
  if (stray !== undefined) throw new AtvmError("USAGE", `${JSON.stringify(stray)} belongs to no option`);
  const seen = new Set<string>();
  for (const o of args.occurrences) {
    const arity = o.flag.startsWith("--") ? known.get(o.name) : undefined;
    if (arity === undefined)
      throw new AtvmError("USAGE", `${o.flag} is not a ${script} option this tool builds`);
    if (seen.has(o.name)) throw new AtvmError("USAGE", `${o.flag} is given twice`);
    seen.add(o.name);
    if (arity === "flag" && o.inline !== null) throw new AtvmError("USAGE", `${o.flag} takes no value`);
    if (arity === "single" && o.inline === null && o.words.length === 0) {
      throw new AtvmError("USAGE", `${o.flag} has no value`);
    }
    // `--opt=value` carries its one value inline; a single option takes one word; a list every word.
    const extra =
      arity === "list" && o.inline === null
        ? undefined
        : o.words[arity === "single" && o.inline === null ? 1 : 0];
    if (extra !== undefined) throw new AtvmError("USAGE", `${JSON.stringify(extra)} belongs to no option`);
  }
  return {
    single: (name) => {
      const value = args.value(name);
      return typeof value === "string" ? value : null;
    },
    list: (name) => args.list(name),
    flag: (name) => args.has(name),
  };
}

function attempt<T>(read: () => T): CommandParse<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof AtvmError) return { ok: false, reason: error.message };
    throw error;
  }
}

function required(value: string | null, what: string): string {
  if (value === null) throw new AtvmError("USAGE", `it has no ${what}`);
  return value;
}

function nullable<T>(value: string | null, check: (v: string) => T): T | null {
  return value === null ? null : check(value);
}

function checkRandomize(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_RANDOMIZE) {
    throw new AtvmError(
      "USAGE",
      `--randomize ${n} is not a host count; give an integer from 1 to ${MAX_RANDOMIZE}`,
    );
  }
  return n;
}

function checkList(values: readonly string[], kind: "host" | "hostPattern", what: string): readonly string[] {
  if (values.length > MAX_LIST) {
    throw new AtvmError("USAGE", `${what} has ${values.length} entries; at most ${MAX_LIST} are accepted`);
  }
  const seen = new Set<string>();
  for (const value of values) {
    checkName(kind, value, what);
    if (seen.has(value)) throw new AtvmError("USAGE", `${what} lists ${value} twice; give each once`);
    seen.add(value);
  }
  return values;
}

function checkHostList(hosts: readonly string[]): readonly string[] {
  if (hosts.length === 0) throw new AtvmError("USAGE", "--specify_vms has no hosts; name at least one");
  return checkList(hosts, "host", "--specify_vms");
}
