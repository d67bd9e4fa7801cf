/**
 * `@atvm-watch/errors`: the one error family of atvm-watch. Adapters and boundary code throw
 * `AtvmError`; pure parsers never do (they return parse issues). Match on `code` or `exitClass`,
 * never on `message`. No dependencies, no I/O.
 */
import { type AtvmErrorCode, ERROR_CODES, EXIT_CLASSES, type ExitClass } from "./codes.ts";

export { type AtvmErrorCode, ERROR_CODES, EXIT_CLASSES, type ExitClass } from "./codes.ts";

/** A typed error whose message names the offending value and the fix, e.g. `new AtvmError("ROOT_NOT_FOUND", "…")`. */
export class AtvmError extends Error {
  override name = "AtvmError" as const;
  readonly code: AtvmErrorCode;
  constructor(code: AtvmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
  /** The code's exit class ({@link ERROR_CODES}). */
  get exitClass(): ExitClass {
    return ERROR_CODES[this.code].exitClass;
  }
}

/** `true` for an `AtvmError`, across realms and duplicated package copies (checks `name` and `code`, not the class). */
export function isAtvmError(error: unknown): error is AtvmError {
  return error instanceof Error && error.name === "AtvmError" && "code" in error;
}

/**
 * The exit class of anything thrown: an `AtvmError`'s code's class (also for a copy from another
 * package instance, by its `code`); `software` for every other value and for an unknown code.
 */
export function exitClassOf(error: unknown): ExitClass {
  if (!isAtvmError(error)) return "software";
  const known: { readonly exitClass: ExitClass } | undefined = (
    ERROR_CODES as Readonly<Partial<Record<string, { readonly exitClass: ExitClass }>>>
  )[error.code];
  return known?.exitClass ?? "software";
}

/** The exit status of an interactive `atvm` command that failed with `error`: 2 bad input, 1 otherwise ({@link EXIT_CLASSES}). */
export function commandExitStatus(error: unknown): 1 | 2 {
  return EXIT_CLASSES[exitClassOf(error)].command;
}

/** What `atvm watch` does when its first observation fails with `error`: exit with 78 or 75, or `null` to keep polling. */
export function serviceExitStatus(error: unknown): 75 | 78 | null {
  return EXIT_CLASSES[exitClassOf(error)].service;
}
