/**
 * The one error family of atvm-watch. Adapters and boundary code throw it; pure parsers never
 * do (they return parse issues). Match on `code`, never on `message`.
 */
export type AtvmErrorCode =
  | "ARTIFACT_NOT_FOUND"
  /** A file that exists but cannot be read; `cause.code` is a ports.ts `AccessProblemCode`. */
  | "ARTIFACT_UNREADABLE"
  | "INVALID_PATH"
  | "INVALID_NAME"
  | "HOST_BLACKLISTED"
  /** `atvm approve`: no saved plan has that id. */
  | "PLAN_NOT_FOUND"
  /** `atvm approve`: a saved plan file that is not a valid atvm.plan.v1 (edited, truncated). */
  | "PLAN_INVALID"
  /** `atvm approve`: a stale or expired plan (R22); the message says what changed. */
  | "PLAN_STALE"
  /** `atvm approve`: a plan already approved (a plan runs once). */
  | "PLAN_USED"
  | "CONFIG_INVALID"
  | "CONFIG_NOT_FOUND"
  | "ROOT_NOT_FOUND"
  | "COMMAND_FAILED_TO_START"
  | "NOTIFY_REJECTED"
  | "SSH_FAILED"
  | "BUILD_NOT_FOUND"
  | "USAGE"
  /** The watcher state dir cannot be read or written (ENOSPC, EROFS, EACCES, …). */
  | "STATE_IO";

/** A typed error whose message names the offending value and the fix. */
export class AtvmError extends Error {
  override name = "AtvmError" as const;
  readonly code: AtvmErrorCode;
  constructor(code: AtvmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** `true` for an `AtvmError`, across realms and duplicated package copies (checks `name`, not the class). */
export function isAtvmError(error: unknown): error is AtvmError {
  return error instanceof Error && error.name === "AtvmError" && "code" in error;
}
