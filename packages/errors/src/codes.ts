/**
 * Every error code of atvm-watch, each with its exit class. A new package adds its code here (this
 * package sits at the bottom of the dependency graph, so no other package has to change), and the
 * command line and the watcher derive their exit status from the class, never from a list of codes.
 */

/**
 * What kind of failure an error is, named after sysexits(3) (FreeBSD, https://man.freebsd.org/cgi/man.cgi?query=sysexits):
 * - `usage`: a bad value the operator typed (an option, a build or host name, a path);
 * - `config`: a bad or missing configuration (config file, controller root, environment);
 * - `noinput`: what was asked for is not there (yet): a build no evidence names, a vanished file;
 * - `unavailable`: a program or service did not give a usable answer (ssh, a command, output limit);
 * - `ioerr`: a file or folder exists but cannot be read or written (permissions, a full disk);
 * - `tempfail`: try again later (another watcher holds the build's lock);
 * - `software`: anything else, a bug (an unexpected error is this class too).
 */
export type ExitClass = "usage" | "config" | "noinput" | "unavailable" | "ioerr" | "tempfail" | "software";

/**
 * How each exit class ends a process:
 * - `command`: the exit status of an interactive `atvm` command (status, triage, diff, summary, runs):
 *   2 for input the operator must fix (one line naming the value and the fix), 1 otherwise.
 * - `service`: what `atvm watch` (run by systemd) does when its first observation fails this way: a
 *   sysexits(3) status, or `null` when waiting can heal it and the watcher keeps polling (a build that
 *   has not started yet, R26; an unreachable controller). 78 is EX_CONFIG, 75 EX_TEMPFAIL.
 */
export const EXIT_CLASSES: Readonly<
  Record<ExitClass, { readonly command: 1 | 2; readonly service: 75 | 78 | null }>
> = {
  usage: { command: 2, service: 78 },
  config: { command: 2, service: 78 },
  noinput: { command: 2, service: null },
  unavailable: { command: 1, service: null },
  ioerr: { command: 1, service: null },
  tempfail: { command: 1, service: 75 },
  software: { command: 1, service: null },
};

/** An error code, e.g. `"CONFIG_INVALID"`; {@link ERROR_CODES} gives its exit class. */
export type AtvmErrorCode =
  /** A file or folder the caller named does not exist (a port's `read`, a config, a baseline). */
  | "ARTIFACT_NOT_FOUND"
  /** A file that exists but cannot be read; `cause.code` is an `AccessProblemCode` (engine ports). */
  | "ARTIFACT_UNREADABLE"
  /** A path that escapes its root, or names something other than a regular file where one is needed. */
  | "INVALID_PATH"
  /** A build, host or ssh destination name outside its allowed form. */
  | "INVALID_NAME"
  /** A host asked for explicitly is on the blacklist (R2/R13). */
  | "HOST_BLACKLISTED"
  /** A bad option value or option combination. */
  | "USAGE"
  /** A config, signature catalog, baseline or time zone that does not validate. */
  | "CONFIG_INVALID"
  /** A config file that was named but cannot be read. */
  | "CONFIG_NOT_FOUND"
  /** The controller root (`--root`) does not exist. */
  | "ROOT_NOT_FOUND"
  /** `--build NAME` names a build no shell history, runner log or artifact mentions (R19). */
  | "BUILD_NOT_FOUND"
  /** A program could not be started (not found, not executable, bad cwd); it never ran. */
  | "COMMAND_FAILED_TO_START"
  /** A program ran but printed more than the runner keeps; its output was cut and it was stopped. */
  | "COMMAND_OUTPUT_TOO_LARGE"
  /** An ssh transport failure or a remote helper that answered nonsense (`SshError.kind` says which). */
  | "SSH_FAILED"
  /** `atvm approve`: no saved plan has that id. */
  | "PLAN_NOT_FOUND"
  /** `atvm approve`: a saved plan file that is not a valid atvm.plan.v1 (edited, truncated). */
  | "PLAN_INVALID"
  /** `atvm approve`: a stale or expired plan (R22); the message says what changed. */
  | "PLAN_STALE"
  /** `atvm approve`: a plan already approved (a plan runs once). */
  | "PLAN_USED"
  /** The watcher state dir cannot be read or written (ENOSPC, EROFS, EACCES, …). */
  | "STATE_IO";

/** Each code's exit class; the compiler checks that every code has exactly one entry. */
export const ERROR_CODES: Readonly<Record<AtvmErrorCode, { readonly exitClass: ExitClass }>> = {
  ARTIFACT_NOT_FOUND: { exitClass: "noinput" },
  ARTIFACT_UNREADABLE: { exitClass: "ioerr" },
  INVALID_PATH: { exitClass: "usage" },
  INVALID_NAME: { exitClass: "usage" },
  HOST_BLACKLISTED: { exitClass: "usage" },
  USAGE: { exitClass: "usage" },
  CONFIG_INVALID: { exitClass: "config" },
  CONFIG_NOT_FOUND: { exitClass: "config" },
  ROOT_NOT_FOUND: { exitClass: "config" },
  PLAN_NOT_FOUND: { exitClass: "usage" },
  PLAN_INVALID: { exitClass: "usage" },
  PLAN_STALE: { exitClass: "usage" },
  PLAN_USED: { exitClass: "usage" },
  BUILD_NOT_FOUND: { exitClass: "noinput" },
  COMMAND_FAILED_TO_START: { exitClass: "unavailable" },
  COMMAND_OUTPUT_TOO_LARGE: { exitClass: "unavailable" },
  SSH_FAILED: { exitClass: "unavailable" },
  STATE_IO: { exitClass: "ioerr" },
};
