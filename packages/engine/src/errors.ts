/**
 * The error family lives in `@atvm-watch/errors` (the bottom of the dependency graph, so a new
 * package adds its code there without editing engine); engine re-exports it for existing imports.
 */
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
} from "@atvm-watch/errors";
