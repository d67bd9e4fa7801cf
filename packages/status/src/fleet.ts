/**
 * The fleet view: every controller's live or most recent run in one view (issue 9, "Fleet view").
 * One section per controller in the fixed layout (`renderText` / `renderMarkdown`, R29), a
 * one-line fleet summary first, and the versioned JSON contract `atvm.fleet.v1`
 * (docs/fleet.md, docs/fleet.schema.json generated from {@link fleetJsonSchema}). A controller that
 * could not be reached is a section of its own with its reason, never hidden and never a run
 * state (an unreachable controller is not a HUNG run). Pure.
 */
import type { RunState, Snapshot } from "@atvm-watch/engine";
import { z } from "zod";
import { type StatusJsonV1, toStatusJson } from "./json.ts";
import { renderMarkdown } from "./markdown.ts";
import type { RenderOptions } from "./model.ts";
import { stripBidi } from "./safety.ts";
import { statusJsonZod } from "./schema.ts";
import { renderText } from "./text.ts";

/** Schema id of the fleet JSON. */
export const FLEET_SCHEMA_ID = "atvm.fleet.v1";

/**
 * Why a controller shows no run: `UNREACHABLE` (no connection or no answer in time),
 * `HOST_KEY_REFUSED` (unknown or changed host key: refused, never retried without checking),
 * `AUTH_FAILED` (batch-mode authentication failed), `ERROR` (reached, but no status: no python3,
 * a bad root, a build not found, a bad config).
 */
export type ControllerProblem = "UNREACHABLE" | "HOST_KEY_REFUSED" | "AUTH_FAILED" | "ERROR";

/** The controller problems, in summary order. */
export const CONTROLLER_PROBLEMS: readonly ControllerProblem[] = [
  "UNREACHABLE",
  "HOST_KEY_REFUSED",
  "AUTH_FAILED",
  "ERROR",
];

/** One controller of the fleet, as the shell observed it. */
export type FleetEntry =
  | {
      /** How the operator named it, e.g. `root@ctl-12` or an ssh_config alias. */
      readonly controller: string;
      /** The automation root on it, e.g. `/root/cdc-e2e-cyp-12.17.4`. */
      readonly root: string;
      readonly snapshot: Snapshot;
      /** Its own render options (zone, flows from its config). */
      readonly render: RenderOptions;
    }
  | {
      readonly controller: string;
      readonly root: string;
      readonly problem: ControllerProblem;
      /** One line naming the cause and the fix. */
      readonly message: string;
    };

/** One controller in `atvm.fleet.v1`: its run as `atvm.status.v1`, or why there is none. */
export type FleetControllerV1 =
  | { readonly controller: string; readonly root: string; readonly status: StatusJsonV1 }
  | {
      readonly controller: string;
      readonly root: string;
      readonly problem: ControllerProblem;
      readonly message: string;
    };

/** `atvm.fleet.v1`. */
export interface FleetJsonV1 {
  readonly schema: typeof FLEET_SCHEMA_ID;
  /** The fleet summary line, as printed first in text. */
  readonly summary: string;
  /** Controllers per run state (of the shown run) and per problem; only non-zero counts. */
  readonly counts: Readonly<Record<string, number>>;
  /** In the order given (command line, else the config's `controllers`). */
  readonly controllers: readonly FleetControllerV1[];
}

/** Run states the summary shows as finished, `FINISHED (FAILED)`. */
const FINISHED: ReadonlySet<RunState> = new Set<RunState>(["COMPLETED", "FAILED"]);

function label(entry: FleetEntry): string {
  if ("problem" in entry) return entry.problem.replaceAll("_", " ");
  const state = entry.snapshot.state;
  return FINISHED.has(state) ? `FINISHED (${state})` : state;
}

/**
 * `FLEET 3 controllers: 1 RUNNING, 1 FINISHED (FAILED), 1 UNREACHABLE`: counts in a fixed order
 * (RUNNING, HUNG, the finished states, the other run states, then the problems); `1 controller`
 * in the singular.
 */
export function fleetSummary(entries: readonly FleetEntry[]): string {
  const order = [
    "RUNNING",
    "HUNG",
    "FINISHED (COMPLETED)",
    "FINISHED (FAILED)",
    "CANCELLED",
    "TERMINATED",
    "UNKNOWN",
    ...CONTROLLER_PROBLEMS.map((p) => p.replaceAll("_", " ")),
  ];
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(label(e), (counts.get(label(e)) ?? 0) + 1);
  const parts = order.filter((k) => counts.has(k)).map((k) => `${counts.get(k)} ${k}`);
  const n = entries.length;
  return `FLEET ${n} controller${n === 1 ? "" : "s"}: ${parts.length === 0 ? "none" : parts.join(", ")}`;
}

/** The heading of a controller's section, e.g. `root@ctl-12:/root/cdc (FINISHED (FAILED))`. */
function heading(entry: FleetEntry): string {
  return `${stripBidi(entry.controller)}:${stripBidi(entry.root)} - ${label(entry)}`;
}

/** The fleet as terminal text: the summary line, then one section per controller. */
export function renderFleetText(entries: readonly FleetEntry[]): string {
  const out = [fleetSummary(entries)];
  for (const entry of entries) {
    const title = `== ${heading(entry)} ==`;
    const body =
      "problem" in entry ? `  ${stripBidi(entry.message)}\n` : renderText(entry.snapshot, entry.render);
    out.push("", title, "", body.replace(/\n+$/, ""));
  }
  return `${out.join("\n")}\n`;
}

/** The fleet as Mattermost markdown: the summary in bold, then one `###` section per controller. */
export function renderFleetMarkdown(entries: readonly FleetEntry[]): string {
  const out = [`**${fleetSummary(entries)}**`];
  for (const entry of entries) {
    const body =
      "problem" in entry
        ? stripBidi(entry.message)
        : renderMarkdown(entry.snapshot, entry.render).replace(/\n+$/, "");
    out.push("", `### ${heading(entry)}`, "", body);
  }
  return `${out.join("\n")}\n`;
}

/** The fleet as `atvm.fleet.v1`. */
export function toFleetJson(entries: readonly FleetEntry[]): FleetJsonV1 {
  const counts: Record<string, number> = {};
  for (const e of entries) {
    const key = "problem" in e ? e.problem : e.snapshot.state;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return {
    schema: FLEET_SCHEMA_ID,
    summary: fleetSummary(entries),
    counts,
    controllers: entries.map((e) =>
      "problem" in e
        ? { controller: e.controller, root: e.root, problem: e.problem, message: e.message }
        : { controller: e.controller, root: e.root, status: toStatusJson(e.snapshot, e.render) },
    ),
  };
}

const fleetSchema: z.ZodType<FleetJsonV1> = z
  .strictObject({
    schema: z.literal(FLEET_SCHEMA_ID),
    summary: z
      .string()
      .describe("the fleet summary line, e.g. FLEET 2 controllers: 1 RUNNING, 1 UNREACHABLE"),
    counts: z
      .record(z.string(), z.int().min(1))
      .describe("controllers per run state (RUNNING, FAILED, …) and per problem (UNREACHABLE, …)"),
    controllers: z.array(
      z.union([
        z.strictObject({
          controller: z.string().describe("[user@]host or an ssh_config alias"),
          root: z.string().describe("the automation root on the controller"),
          status: statusJsonZod.describe("the controller's live or most recent run (atvm.status.v1)"),
        }),
        z.strictObject({
          controller: z.string(),
          root: z.string(),
          problem: z.enum(CONTROLLER_PROBLEMS as [ControllerProblem, ...ControllerProblem[]]),
          message: z.string().describe("one line: the cause and the fix"),
        }),
      ]),
    ),
  })
  .describe("atvm-watch fleet view: every controller's live or most recent run");

/** Validates parsed JSON against `atvm.fleet.v1`; problems name the path. Never throws. */
export function parseFleetJson(
  value: unknown,
): { readonly ok: true; readonly value: FleetJsonV1 } | { readonly ok: false; readonly problems: string[] } {
  const result = fleetSchema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
  };
}

/** The JSON Schema (draft 2020-12) of `atvm.fleet.v1`, as committed in docs/fleet.schema.json. */
export function fleetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(fleetSchema, { target: "draft-2020-12" }) as Record<string, unknown>;
}
