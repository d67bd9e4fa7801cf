/**
 * COVERAGE and commands of a run (R35, R36): which `cmc-templates.py` and `run-sorry-cypress.py`
 * invocations started it, and a concise echo of their inputs. Internal; pure.
 */
import {
  type InvocationObservation,
  invocationArguments,
  type RunnerLogObservation,
} from "@atvm-watch/artifacts";
import type { Coverage } from "../domain.ts";
import { compareText } from "../order.ts";
import { selectorFromInvocation } from "../scope.ts";

/** The invocations of one run, when found in shell history. */
export interface RunInvocations {
  readonly template: InvocationObservation | null;
  readonly runner: InvocationObservation | null;
}

/**
 * The run's invocations: the latest `run-sorry-cypress.py` whose `--build_name` is `build`, and
 * the latest `cmc-templates.py` whose `--build_name` is `build`, else (it usually has none) the
 * latest one without a build name recorded before that runner invocation. Latest = highest
 * history `order`, then time, then file.
 */
export function findRunInvocations(
  invocations: readonly InvocationObservation[],
  build: string,
): RunInvocations {
  const sorted = [...invocations].sort(
    (a, b) =>
      a.order - b.order ||
      (a.at ?? 0) - (b.at ?? 0) ||
      compareText(a.file, b.file) ||
      compareText(a.command, b.command),
  );
  const latest = (pred: (inv: InvocationObservation) => boolean): InvocationObservation | null =>
    sorted.filter(pred).pop() ?? null;
  const runner = latest((inv) => inv.tool === "run-sorry-cypress" && inv.buildName === build);
  const template =
    latest((inv) => inv.tool === "cmc-templates" && inv.buildName === build) ??
    (runner === null
      ? null
      : latest(
          (inv) =>
            inv.tool === "cmc-templates" &&
            inv.buildName === null &&
            inv.file === runner.file &&
            inv.order < runner.order,
        ));
  return { template, runner };
}

/** The run's commands, whether it is categorized, and its COVERAGE. */
export interface RunCommands {
  readonly invocations: RunInvocations;
  readonly categorized: boolean;
  readonly coverage: Coverage;
}

/**
 * The run's invocations (see {@link findRunInvocations}) and COVERAGE (R35, R36). The run is
 * categorized when the caller says so, the runner invocation has `--categorize`, or the log has
 * batch lines.
 */
export function runCommandsOf(
  invocations: readonly InvocationObservation[],
  log: readonly RunnerLogObservation[],
  options: { readonly build: string; readonly categorized?: boolean; readonly configFamily?: string },
): RunCommands {
  const found = findRunInvocations(invocations, options.build);
  const categorized =
    options.categorized === true ||
    optionOf(found.runner, "categorize") !== undefined ||
    log.some((o) => o.kind === "batch-started");
  const coverage = coverageOf(found, {
    categorized,
    ...(options.configFamily === undefined ? {} : { configFamily: options.configFamily }),
  });
  return { invocations: found, categorized, coverage };
}

/**
 * An option of an invocation, by name without dashes (`config_file`), through the one option
 * reader (`invocationArguments` of `@atvm-watch/artifacts`: the exact command first, then the
 * recorded options with or without `--`): its value, `true` for a bare flag, `undefined` when absent.
 */
function optionOf(inv: InvocationObservation | null, name: string): string | true | undefined {
  return inv === null ? undefined : invocationArguments(inv).value(name);
}

/**
 * COVERAGE (R35) from the run's invocations: template, config family (explicit, else from the
 * config file name: `cypress.atvm-config-gold.ts` → `gold`), config file, integration, plugin,
 * the bare flags of the template command (e.g. `--ignore_force_shutdown`) plus `--categorize`
 * when the run is categorized, and the selector (`--containsVm X`, `--randomize N`, `--specify_vms`
 * without its host list).
 */
export function coverageOf(
  invocations: RunInvocations,
  options: { readonly categorized: boolean; readonly configFamily?: string },
): Coverage {
  const { template, runner } = invocations;
  const text = (inv: InvocationObservation | null, name: string): string | null => {
    const value = optionOf(inv, name);
    return typeof value === "string" && value.length > 0 ? value : null;
  };
  const configFile = text(template, "config_file") ?? text(runner, "config_file");
  const flags: string[] = [];
  if (template !== null) {
    for (const o of invocationArguments(template).occurrences) {
      if (o.inline === null && o.words.length === 0 && !flags.includes(o.flag)) flags.push(o.flag);
    }
  }
  const categorize = options.categorized || optionOf(runner, "categorize") !== undefined;
  if (categorize && !flags.includes("--categorize")) flags.push("--categorize");

  const selectorParts: string[] = [];
  if (template !== null) {
    const selector = selectorFromInvocation(template);
    if (selector.specifyVms !== undefined) selectorParts.push("--specify_vms");
    if (selector.containsVm !== undefined) selectorParts.push(`--containsVm ${selector.containsVm}`);
    if (selector.randomize !== undefined) selectorParts.push(`--randomize ${selector.randomize}`);
  }
  return {
    template: text(template, "template_name"),
    configFamily: options.configFamily ?? configFamilyOf(configFile),
    configFile,
    integration: text(template, "integration_type"),
    plugin: text(template, "use_specified_plugin"),
    flags: flags.filter((f) => !SELECTOR_FLAGS.has(f)),
    selector: selectorParts.length > 0 ? selectorParts.join(" ") : null,
  };
}

/** `gold` from `cypress.atvm-config-gold.ts`; `null` for `cypress.atvm-config.ts` or no file (R14, R35). */
export function configFamilyOf(configFile: string | null): string | null {
  if (configFile === null) return null;
  const match = /atvm-config-([A-Za-z0-9_.-]+?)\.[cm]?[jt]s$/.exec(configFile);
  return match === null ? null : (match[1] as string);
}

// --- internal helpers ---

const SELECTOR_FLAGS = new Set(["--specify_vms", "--containsVm", "--randomize", "--exclude_partial_match"]);
