/**
 * The vocabulary every artifact parser speaks: what it was given (`ArtifactMeta`),
 * what it found (`Observation`) and what it could not read (`ParseIssue`).
 *
 * Pure data, JSON-serializable. Times are UTC epoch milliseconds (`EpochMs`),
 * durations are milliseconds, sizes are bytes.
 */

/** Milliseconds since the Unix epoch, UTC. */
export type EpochMs = number;

/** What the caller knows about the artifact it hands to a parser. */
export interface ArtifactMeta {
  /** The artifact's path as the artifact source names it (POSIX, usually relative to the automation root). */
  readonly path: string;
  /** File modification time (UTC ms), if known. Never used as a run timestamp (R33); only to order same-host files (R11). */
  readonly mtimeMs?: EpochMs;
  /** File size in bytes, if known. */
  readonly sizeBytes?: number;
  /**
   * Host names known to belong to the fleet or the run's scope, e.g. `["atvm41-redhat6.0", …]`.
   * Used to recover hosts from file names and XML content (R11) and mochawesome `[name]` stems (W7).
   */
  readonly knownHosts?: readonly string[];
  /** When the caller read the bytes (UTC ms), for observations that carry no time of their own (runner log lines). */
  readonly readAtMs?: EpochMs;
}

/**
 * Why an artifact (or part of one) could not be used.
 * - `empty`: zero bytes or only whitespace.
 * - `incomplete`: a truncated file, e.g. mocha-junit-reporter's non-atomic `writeFileSync` read mid-write; may settle later.
 * - `malformed`: well-terminated but not well-formed, or not the expected format.
 * - `binary`: NUL bytes or undecodable content.
 * - `too-large`: over the parser's byte bound.
 * - `too-deep`: nesting over the parser's depth bound.
 * - `hostile`: entity declarations or other constructs refused on purpose.
 * - `ambiguous`: more than one reading (e.g. a mochawesome stem matching several hosts); nothing was guessed.
 * - `unresolved-host`: a result whose host could not be recovered.
 * - `invalid`: schema validation failed (zod issues summarized in `problem`).
 * - `truncated-log`: a log shrank or rotated between reads; parsing restarted from byte 0.
 * - `unreadable`: a file or folder the collector could not list or read (permissions, symlink
 *   loop or refusal, over-long path, non-UTF-8 name, vanished mid-read, read bound); `problem`
 *   starts with the cause code (`EACCES: …`, engine ports.ts `AccessProblemCode`).
 * - `internal`: a parser bug, not a bad artifact — the parser's last-resort catch turned an
 *   unexpected exception into this issue so the run's status still renders (report it; tests assert
 *   that no input produces it).
 */
export type ParseIssueKind =
  | "empty"
  | "incomplete"
  | "malformed"
  | "binary"
  | "too-large"
  | "too-deep"
  | "hostile"
  | "ambiguous"
  | "unresolved-host"
  | "invalid"
  | "truncated-log"
  | "unreadable"
  | "internal";

/** Every `ParseIssueKind`, in the order documented above; the one list other packages derive from. */
export const PARSE_ISSUE_KINDS: readonly [ParseIssueKind, ...ParseIssueKind[]] = [
  "empty",
  "incomplete",
  "malformed",
  "binary",
  "too-large",
  "too-deep",
  "hostile",
  "ambiguous",
  "unresolved-host",
  "invalid",
  "truncated-log",
  "unreadable",
  "internal",
];

/** A problem with one artifact. Rides on the snapshot; never a thrown error. */
export interface ParseIssue {
  /** The artifact's path (`ArtifactMeta.path`). */
  readonly file: string;
  readonly kind: ParseIssueKind;
  /** One sentence an operator can act on, naming the value, e.g. `truncated XML: no closing </testsuites> after 4096 bytes`. */
  readonly problem: string;
}

/** A parser's answer: what it found plus what it could not read. Parsers never throw on bad input. */
export interface ParseResult<O> {
  readonly observations: readonly O[];
  readonly issues: readonly ParseIssue[];
}

/** State of one testcase (mocha `pending` and JUnit `<skipped/>` are both `skipped`). */
export type TestcaseState = "passed" | "failed" | "skipped";

/** The mocha hook kinds that can fail a run outside a test (`"before all" hook for "1. …"`). */
export type HookKind = "before all" | "before each" | "after all" | "after each";

/** A testcase failure as the reporter recorded it. */
export interface TestFailure {
  /** `err.name` / JUnit `type=` (e.g. `AssertionError`, `CypressError`), when present. */
  readonly type?: string;
  /** `err.message` / JUnit `message=`, ANSI stripped. May be empty. */
  readonly message: string;
  /** Stack (and diff) text, ANSI stripped, possibly shortened by the parser's bound. */
  readonly stack?: string;
  /** Set when the failure came from a mocha hook; the testcase's step is the step the hook names. */
  readonly hook?: HookKind;
  /** `true` when the failure was a timeout (`Timed out retrying`, `Timeout of … exceeded`, mochawesome `timedOut`). */
  readonly timedOut?: boolean;
}

/** One testcase of a host's spec: a numbered step of the template's test flow when its title is `N. title`. */
export interface TestcaseResult {
  /** Step number from a `N. title` test title, or `null` when the title carries none. */
  readonly step: number | null;
  /** The test's own title without the step prefix, e.g. `Install CMC`. */
  readonly title: string;
  /** The full title as the reporter wrote it (suite lineage included). */
  readonly fullTitle: string;
  readonly state: TestcaseState;
  /** Duration in ms, when the reporter recorded one. */
  readonly durationMs: number | null;
  readonly failure?: TestFailure;
  /**
   * Failed attempts before the recorded one (mocha `json`/`json-stream` `currentRetry` of the final
   * attempt, mocha `lib/reporters/json.js` `clean()`), when above 0. JUnit and mochawesome do not
   * record retries (mocha-junit-reporter writes only the final attempt).
   */
  readonly retries?: number;
}

/** Counts for one host result. `skipped` includes pending tests the reporter omitted (tests − testcases). */
export interface TestCounts {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** How a host name was recovered (R11, W7), strongest first. */
export type HostEvidence =
  | "file-name"
  | "root-suite-file"
  | "testsuite-name"
  | "testcase-name"
  | "reporter-path"
  | "spec-basename";

/** Testcases a compacted host result counts instead of listing (`HostResultObservation.omitted`). */
export interface OmittedTestcases {
  /** Passed testcases without retries left out. */
  readonly passed: number;
  /** Skipped (pending) testcases left out. */
  readonly skipped: number;
}

/**
 * The result of one host's spec from one artifact (JUnit XML, mochawesome or mocha JSON).
 * Several may exist for a host; the engine keeps the most recent same-run one (R11).
 */
export interface HostResultObservation {
  readonly kind: "host-result";
  readonly source: "junit" | "mochawesome" | "mocha-json" | "mocha-json-stream";
  readonly file: string;
  /** The host, or `null` when it could not be recovered (an `unresolved-host` issue accompanies it). */
  readonly host: string | null;
  readonly hostEvidence: HostEvidence | null;
  /** The spec file, e.g. `cypress/e2e/generated/atvm41-redhat6.0.cy.ts`, when the artifact names it. */
  readonly spec: string | null;
  /** When the spec started (UTC ms): JUnit `testsuite timestamp=` (UTC without `Z`) or reporter `stats.start` (R33). */
  readonly startedAt: EpochMs | null;
  /** When the spec ended (UTC ms): reporter `stats.end`, or JUnit start + `time`. */
  readonly finishedAt: EpochMs | null;
  /** Run duration of the spec in ms. */
  readonly durationMs: number | null;
  readonly counts: TestCounts;
  /**
   * Testcases in document order: all of them, or — in a compacted result (`omitted` present,
   * parsers' `testcases: "notable"`, artifacts `compactHostResult`) — only the failed and retried
   * ones. `counts` always describe the full list.
   */
  readonly testcases: readonly TestcaseResult[];
  /**
   * Present in a compacted result that left testcases out of `testcases`: how many passed (without
   * retries) and how many were skipped. Absent: `testcases` is the full list.
   */
  readonly omitted?: OmittedTestcases;
  /** File mtime (UTC ms) when the caller supplied it; used only to order same-host files (R11). */
  readonly mtimeMs: EpochMs | null;
  /**
   * `true` for a per-host event log still being written: a mocha `json-stream` with its `start`
   * event but no `end` event yet. `testcases` are the tests reported so far (the last one is the
   * host's last reported step); `counts.total` is the `start` event's total. Absent otherwise.
   * The spec has not finished, so the result is never final (W7: RUNNING, never PASS).
   */
  readonly unfinished?: true;
}

/**
 * A `check-xml-files.ts` result: bookkeeping that marks a (batch's) finalization, never a host
 * result (R11). `failedHosts` keeps the hosts its failures name, as evidence only.
 */
export interface BookkeepingObservation {
  readonly kind: "bookkeeping";
  readonly file: string;
  /** Finalization time (UTC ms): testsuite timestamp + time, else the start timestamp. */
  readonly finishedAt: EpochMs | null;
  readonly startedAt: EpochMs | null;
  readonly passed: boolean;
  /** Known hosts named by its failing testcases. */
  readonly failedHosts: readonly string[];
  readonly mtimeMs: EpochMs | null;
}

/** Where a runner-log fact came from: file, 1-based line number, and when the caller read it (UTC ms). */
export interface LogLineRef {
  readonly file: string;
  readonly line: number;
  /** `ArtifactMeta.readAtMs` of the read that delivered the line; log lines carry no clock of their own. */
  readonly at: EpochMs | null;
}

/** Facts read from the runner log (`run-sorry-cypress.py` output, Cypress and cypress-cloud console). */
export type RunnerLogObservation = LogLineRef &
  (
    | { readonly kind: "run-url"; readonly url: string }
    | {
        readonly kind: "spec-started";
        readonly spec: string;
        /** Host recovered from the spec name via known hosts, else the spec's base name. */
        readonly host: string | null;
        /** `(i of N)` or cypress-cloud `(claimed/total)`. */
        readonly index: number | null;
        readonly total: number | null;
      }
    | {
        readonly kind: "spec-result";
        readonly spec: string | null;
        readonly host: string | null;
        readonly counts: TestCounts;
      }
    | {
        readonly kind: "run-finished";
        /** `true` for `All specs passed!`, `false` for `N of M failed`, `null` when the footer had neither. */
        readonly allPassed: boolean | null;
        readonly failedSpecs: number | null;
        readonly totalSpecs: number | null;
        /**
         * `true` on the observation made at the `(Run Finished)` / `Cloud Run Finished` title itself,
         * before its footer is read (a log that ends there, e.g. while the runner uploads, still
         * says the run finished); the footer, when it follows, gives a second observation with the
         * counts and no `partial`.
         */
        readonly partial?: true;
      }
    | {
        readonly kind: "attempt";
        readonly attempt: number;
        readonly of: number;
        readonly title: string;
        readonly host: string | null;
      }
    | {
        readonly kind: "test-failed";
        readonly host: string | null;
        readonly step: number | null;
        readonly title: string;
        /** The error line(s) that follow the failing title (R17 evidence). */
        readonly message: string;
      }
    | {
        /**
         * A crash of the browser or of Cypress itself, on the running spec's host (R17, T1 class
         * `crash`). The kind keeps its first name; `process` says what died.
         */
        readonly kind: "renderer-crash";
        readonly host: string | null;
        /**
         * `renderer`: `We detected that the Chrome Renderer process just crashed`; `browser`: the
         * browser process crashed or exited unexpectedly; `test-runner`: `The Test Runner
         * unexpectedly exited via a exit event with signal SIGILL`. Absent means `renderer`.
         */
        readonly process?: "renderer" | "browser" | "test-runner";
        /** The signal named by the crash line (`SIGILL`, `SIGTRAP`), when it names one. */
        readonly signal?: string | null;
      }
    | {
        /**
         * Something the operator should know that is not a test result (R31 NOTES): `cloud-api-error`
         * is Cypress' `We encountered an unexpected error communicating with our servers` (the run goes
         * on, retrying or unrecorded). `message` is the line as printed (at most 300 characters).
         */
        readonly kind: "anomaly";
        readonly anomaly: "cloud-api-error";
        readonly message: string;
      }
    | { readonly kind: "run-cancelled"; readonly reason: string }
    | {
        readonly kind: "batch-started";
        /** The categorized child build id, e.g. `e2e-20260327-redhat`. */
        readonly batchId: string;
        /** Group label the runner printed (e.g. a distro), when any. */
        readonly label: string | null;
      }
    | { readonly kind: "batch-finished"; readonly batchId: string }
  );

/** `specPattern` and `current_vm` of a Cypress config, read as text (never executed). */
export interface CypressConfigObservation {
  readonly kind: "cypress-config";
  readonly file: string;
  /** Every spec path in `specPattern` (a string becomes a one-element list). */
  readonly specPattern: readonly string[];
  /** Hosts recovered from the spec paths (known hosts, else spec base names). */
  readonly hosts: readonly string[];
  readonly currentVm: string | null;
}

/** One row of `vm-inventory.md` (W10). */
export interface InventoryEntry {
  readonly host: string;
  readonly distro: string | null;
  readonly version: string | null;
  readonly kernel: string | null;
}

/** The VM inventory table (W10). */
export interface InventoryObservation {
  readonly kind: "inventory";
  readonly file: string;
  readonly entries: readonly InventoryEntry[];
}

/** A `cmc-templates.py` or `run-sorry-cypress.py` invocation found in shell history (R19, R36). */
export interface InvocationObservation {
  readonly kind: "invocation";
  readonly file: string;
  readonly tool: "cmc-templates" | "run-sorry-cypress";
  /** The command exactly as run, with only the outer `sshpass`/`ssh` wrapper removed (R36). */
  readonly command: string;
  /** `--build_name` value, when present. */
  readonly buildName: string | null;
  /** The command's options: `--flag` → value (`true` for a bare flag; repeated options keep the last). */
  readonly options: Readonly<Record<string, string | true>>;
  /** Position in the history file (0 = oldest), to find the latest. */
  readonly order: number;
  /** Time from a `#<epoch>` HISTTIMEFORMAT line, when present. */
  readonly at: EpochMs | null;
}

/** Everything a parser can observe. */
export type Observation =
  | HostResultObservation
  | BookkeepingObservation
  | RunnerLogObservation
  | CypressConfigObservation
  | InventoryObservation
  | InvocationObservation;
