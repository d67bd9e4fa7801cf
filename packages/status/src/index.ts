/**
 * `@atvm-watch/status`: pure renderers from a run snapshot to the operators' one fixed layout
 * (R4, R29, R16) as terminal text and Mattermost markdown, and the versioned JSON contract
 * `atvm.status.v1` (docs/json-contract.md).
 */

export {
  CONTROLLER_PROBLEMS,
  type ControllerProblem,
  FLEET_SCHEMA_ID,
  type FleetControllerV1,
  type FleetEntry,
  type FleetJsonV1,
  fleetJsonSchema,
  fleetSummary,
  parseFleetJson,
  renderFleetMarkdown,
  renderFleetText,
  toFleetJson,
} from "./fleet.ts";
export { DEFAULT_TEST_FLOWS, type ResolvedTestFlow, resolveTestFlow } from "./flows.ts";
export { assertZone, formatApproxDuration, formatDuration, formatTime } from "./format.ts";
export {
  STATUS_SCHEMA_ID,
  type StatusJsonBatchV1,
  type StatusJsonCoverageV1,
  type StatusJsonFailureV1,
  type StatusJsonFlakyV1,
  type StatusJsonHostDurationV1,
  type StatusJsonHostV1,
  type StatusJsonSummaryV1,
  type StatusJsonTimingV1,
  type StatusJsonV1,
  toStatusJson,
} from "./json.ts";
export { MATTERMOST_MAX_CHARS, renderMarkdown } from "./markdown.ts";
export {
  isBookkeepingNote,
  type PostTriage,
  type RenderOptions,
  SECTION_LABELS,
  stateReasonOf,
} from "./model.ts";
export {
  andMore,
  BIDI_CONTROLS,
  JSON_LIST_LIMIT,
  MENTION_BREAK,
  NOTES_LIST_LIMIT,
  neutralizeMentions,
  stripBidi,
  stripBidiDeep,
} from "./safety.ts";
export { parseStatusJson, type StatusJsonParseResult, statusJsonSchema, statusJsonZod } from "./schema.ts";
export { renderText } from "./text.ts";
