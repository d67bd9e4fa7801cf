/**
 * The zod schema of `atvm.plan.v1`, the source of docs/plan.schema.json (JSON Schema draft
 * 2020-12, generated with zod's `z.toJSONSchema`, https://zod.dev/json-schema; a test keeps the
 * committed file in sync). Pure.
 */
import { z } from "zod";
import { LAUNCHERS } from "./launch.ts";
import { checkPlanFresh, PLAN_SCHEMA_ID, type Plan, STEP_NAMES } from "./plan.ts";
import { renderShellCommand } from "./shell-words.ts";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const iso = z.iso.datetime();

const stepSchema = z
  .object({
    name: z.enum(STEP_NAMES),
    argv: z.array(z.string()).min(1),
    cwd: z.string().min(1),
    stdout: z.string().nullable(),
    env: z.record(z.string(), z.string()),
    expect: z
      .object({
        hosts: z.array(z.string()).nullable(),
        specFolder: z.string(),
        excluded: z.array(z.string()),
      })
      .strict()
      .nullable(),
  })
  .strict();

const planSchema = z
  .object({
    schema: z.literal(PLAN_SCHEMA_ID),
    id: hex64,
    digest: hex64,
    build: z.string().min(1),
    controller: z.string().min(1).nullable(),
    launcher: z.enum(LAUNCHERS as [string, ...string[]]),
    blacklistSource: z.string().min(1).nullable(),
    root: z.string().min(1),
    watcher: z.boolean(),
    templateCommand: z.string().min(1),
    runnerCommand: z.string().min(1),
    steps: z.array(stepSchema).min(1),
    witness: z
      .object({ blacklistDigest: hex64, toolVersion: z.string().min(1), controller: z.string().min(1) })
      .strict(),
    createdAt: iso,
    expiresAt: iso,
    approval: z
      .object({
        by: z.string().min(1),
        at: iso,
        withWatcher: z.boolean(),
        outcome: z
          .object({
            status: z.enum(["launched", "failed"]),
            failedStep: z.enum(STEP_NAMES).nullable(),
            finishedAt: iso,
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The result of {@link parsePlanJson}: the plan, or the problems found (path: message). */
export type PlanParseResult =
  | { readonly ok: true; readonly plan: Plan }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Validates parsed JSON as an `atvm.plan.v1` plan (T5: versioned and validated when read). Also
 * refuses steps out of launch order (R26: each step name once, in `STEP_NAMES` order) and a plan whose steps do not hash to its `digest` or whose `id` does not match (an edited
 * plan file). Freshness against the current witness and clock is {@link checkPlanFresh}'s job.
 * Never throws; problems name the path, e.g. `steps.3.name: Invalid option`.
 */
export function parsePlanJson(value: unknown): PlanParseResult {
  const result = planSchema.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    };
  }
  const plan = result.data as Plan;
  const order = plan.steps.map((step) => STEP_NAMES.indexOf(step.name));
  if (order.some((index, i) => i > 0 && index <= (order[i - 1] as number))) {
    const names = plan.steps.map((step) => step.name).join(", ");
    return { ok: false, problems: [`steps: ${names} is not in launch order ${STEP_NAMES.join(", ")} (R26)`] };
  }
  const template = plan.steps.find((step) => step.name === "template");
  if (template === undefined || renderShellCommand(template.argv) !== plan.templateCommand) {
    return {
      ok: false,
      problems: ["templateCommand: does not match the template step's argv; rebuild the plan"],
    };
  }
  const integrity = checkPlanFresh(plan, plan.witness, Date.parse(plan.createdAt), Number.POSITIVE_INFINITY);
  if (!integrity.fresh) {
    const edited = integrity.changes.filter((c) => c.kind === "digest" || c.kind === "id");
    if (edited.length > 0) {
      return {
        ok: false,
        problems: edited.map((c) => `${c.kind}: does not match the plan's content; rebuild the plan`),
      };
    }
  }
  return { ok: true, plan };
}

/** The JSON Schema (draft 2020-12) of `atvm.plan.v1`, as committed in docs/plan.schema.json. */
export function planJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(planSchema, { target: "draft-2020-12" }),
    $id: "https://github.com/atvm-watch/atvm-watch/blob/main/docs/plan.schema.json",
    title: "atvm.plan.v1",
  };
}
