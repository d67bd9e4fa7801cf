export { createSystemClock } from "./clock.ts";
export {
  DEFAULT_MAX_PACK_BYTES,
  type FlushOutcome,
  openParseCache,
  PACK_FORMAT,
  type ParseCacheOptions,
  type ParseCacheStats,
  type PersistentParseCache,
  parseCacheDir,
  RACY_WINDOW_MS,
} from "./parse-cache.ts";
export {
  createProcProbe,
  type ProcProbeOptions,
  type ProcStat,
  parseBootTimeMs,
  parseProcStat,
} from "./proc.ts";
export { createLocalRunner, type LocalRunnerOptions } from "./runner.ts";
export { createNodeFsSource, type NodeFsSourceOptions } from "./source.ts";
export { type FileStateStore, openFileStateStore, stateIoError } from "./state-store.ts";
