/**
 * Test flows: the numbered step list of each template, shown once per run under `TEST FLOW:` (R25).
 * Data, not code: operators add or override flows with the config's `testFlows`
 * (passed in as `RenderOptions.flows`).
 */

import flowsData from "../data/flows.json" with { type: "json" };

/**
 * The built-in test flows by template name, read from `packages/status/data/flows.json` (R25: flows
 * are data; the one copy every reader uses: this renderer, the fixture generator and the tests). Each
 * entry lists step titles in order; the renderers number them from 1. `cmc-e2e` is the 22-step flow of
 * the operators' 2026-03-27 learning, word for word (R25).
 */
export const DEFAULT_TEST_FLOWS: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(
    Object.entries(flowsData as Record<string, string[]>).map(([name, steps]) => [
      name,
      Object.freeze([...steps]),
    ]),
  ),
);

/** A template's resolved flow: `steps` is `null` when no flow is defined for it (or the template is unknown). */
export interface ResolvedTestFlow {
  readonly template: string | null;
  readonly steps: readonly string[] | null;
}

/**
 * The flow of `template`: `flows` (the config's `testFlows`) merged over {@link DEFAULT_TEST_FLOWS},
 * exact name match. Pure; never throws.
 */
export function resolveTestFlow(
  template: string | null,
  flows: Readonly<Record<string, readonly string[]>> | undefined,
): ResolvedTestFlow {
  if (template === null) return { template, steps: null };
  const merged: Readonly<Record<string, readonly string[]>> = { ...DEFAULT_TEST_FLOWS, ...flows };
  const steps = Object.hasOwn(merged, template) ? merged[template] : undefined;
  return { template, steps: steps ?? null };
}

/** The one line shown when no flow is defined: names the template and how to add a flow (R25). */
export function missingFlowMessage(template: string | null): string {
  if (template === null) {
    return "No test flow: the run's template is unknown (no cmc-templates.py --template_name was found).";
  }
  return `No test flow is defined for template "${template}"; add one under "testFlows" in atvm.config.json.`;
}
