export * from "./collect.ts";
export type {
  BatchEntry,
  BatchState,
  BlacklistEntry,
  Coverage,
  EpochMs,
  Eta,
  FailureDescription,
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
export { RUN_STATES } from "./domain.ts";
export { AtvmError, type AtvmErrorCode, isAtvmError } from "./errors.ts";
export * from "./locate.ts";
export * from "./machine.ts";
export * from "./observe.ts";
export type {
  AccessProblemCode,
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
  ProcessInfo,
  ProcessProbe,
  StateLockResult,
  StateStore,
} from "./ports.ts";
export * from "./reconstruct/index.ts";
export * from "./scope.ts";
export * from "./timing.ts";
