export { isBookkeepingSpec } from "./bookkeeping.ts";
export {
  compactHostResult,
  isNotableTestcase,
  listedPassedCount,
  listedTestcaseCount,
  type TestcaseDetail,
} from "./compact.ts";
export * from "./cypress-config.ts";
export {
  candidateHosts,
  containsHost,
  findHost,
  HOST_NAME_PATTERN,
  hostFromSpec,
  hostsIn,
  specBaseName,
} from "./hosts.ts";
export * from "./inventory.ts";
export * from "./junit.ts";
export * from "./reporter-json.ts";
export * from "./runner-log.ts";
export { decodeUtf8 } from "./runner-log-bytes.ts";
export * from "./shell-history.ts";
export { parseStepTitle, parseUtcTimestamp, type StepTitle, secondsToMs, stripAnsi } from "./text.ts";
export { declaredXmlEncoding, decodeArtifactText, decodeWindows1252 } from "./text-decode.ts";
export * from "./tool-options.ts";
export type {
  ArtifactMeta,
  BookkeepingObservation,
  CypressConfigObservation,
  EpochMs,
  HookKind,
  HostEvidence,
  HostResultObservation,
  InventoryEntry,
  InventoryObservation,
  InvocationObservation,
  LogLineRef,
  Observation,
  OmittedTestcases,
  ParseIssue,
  ParseIssueKind,
  ParseResult,
  RunnerLogObservation,
  TestCounts,
  TestcaseResult,
  TestcaseState,
  TestFailure,
} from "./types.ts";
export { PARSE_ISSUE_KINDS } from "./types.ts";
export { PARSER_VERSION } from "./version.ts";
