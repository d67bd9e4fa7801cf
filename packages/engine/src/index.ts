export * from "./collect.ts";
export * from "./collect-batch.ts";
export type {
  BatchEntry,
  BatchState,
  BlacklistEntry,
  Coverage,
  EpochMs,
  Eta,
  FailureClass,
  FailureDescription,
  FlakyEvidence,
  FlakyTest,
  HostDuration,
  HostEntry,
  HostStatus,
  ReportedStep,
  RunnerActivity,
  RunProgress,
  RunState,
  Scope,
  SkippedHost,
  Snapshot,
  Timing,
} from "./domain.ts";
export { FAILURE_CLASSES, RUN_STATES } from "./domain.ts";
export {
  AtvmError,
  type AtvmErrorCode,
  commandExitStatus,
  ERROR_CODES,
  EXIT_CLASSES,
  type ExitClass,
  exitClassOf,
  isAtvmError,
  serviceExitStatus,
} from "./errors.ts";
export * from "./locate.ts";
export * from "./machine.ts";
export * from "./observe.ts";
export type {
  AccessProblemCode,
  ArtifactBatchContent,
  ArtifactBatchRequest,
  ArtifactBatchResult,
  ArtifactEntry,
  ArtifactListing,
  ArtifactSource,
  Clock,
  CommandResult,
  CommandRunner,
  ListingIssue,
  Notification,
  Notifier,
  NotifyOutcome,
  ParseCache,
  ParseCacheKey,
  ParseCacheValue,
  ProcessInfo,
  ProcessProbe,
  StateLockResult,
  StateStore,
} from "./ports.ts";
export * from "./reconstruct/index.ts";
export * from "./scope.ts";
export * from "./timing.ts";
