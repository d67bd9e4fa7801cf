/**
 * Reconstruction, the engine's public face of it: `reconstruct` (observations of one run → a
 * snapshot of the whole run) and the helpers other packages use. The modules of this folder:
 * `reconstruct.ts` (the orchestration: shown hosts → batches → entries → notes), `inputs.ts`
 * (canonical order, run window), `shown-hosts.ts`, `host-eval.ts`, `log-facts.ts`, `entries.ts`,
 * `batches.ts`, `progress.ts`, `notes.ts`, `evidence.ts` (verdicts, attempts, failures) and
 * `coverage.ts`.
 */
export { batchKeyOfFile, distroGroup } from "./batches.ts";
export { configFamilyOf } from "./coverage.ts";
export {
  FAILURE_MESSAGE_MAX_CHARS,
  fileNameTimestamp,
  meaningfulMessage,
  SAME_ATTEMPT_TOLERANCE_MS,
} from "./evidence.ts";
export { type ReconstructOptions, reconstruct } from "./reconstruct.ts";
