export { CRASH_POINTS, type CrashPoint, crashFromEnv } from "./crash.ts";
export type { ExitEffect, Observation, WatcherDeps, WatcherResult } from "./deps.ts";
export * from "./keys.ts";
export { jsonLineLogger, redact, type WatcherLog, type WatcherLogRecord } from "./log.ts";
export { runWatcher } from "./loop.ts";
export { backoffMs } from "./persistence.ts";
export * from "./policy.ts";
