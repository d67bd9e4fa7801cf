/**
 * The records the JUnit fast path (`junit-fast.ts`) produces and the mutable builders it fills while
 * scanning, with the one attribute setter both share. Pure; no I/O.
 */

/** One `<failure>` or `<error>`: attributes entity-decoded, `body` the raw element content (CDATA still wrapped). */
export interface JunitFailureRecord {
  readonly message: string | undefined;
  readonly type: string | undefined;
  /** The raw content between the tags (`""` for an empty or self-closing element), line ends normalized. */
  readonly body: string | undefined;
}

/** One `<testcase>`: the attributes the mapping reads, entity-decoded, and its outcome elements. */
export interface JunitCaseRecord {
  readonly name: string | undefined;
  readonly classname: string | undefined;
  readonly time: string | undefined;
  /** `status=` (Jenkins/Ant XSD, JUnit 5: `disabled`, `run`, …), entity-decoded. */
  readonly status: string | undefined;
  /** The first `<failure>`, else the first `<error>`; `undefined` when it has neither. */
  readonly failure: JunitFailureRecord | undefined;
  /** `true` when it has a `<skipped>` child. */
  readonly skipped: boolean;
}

/** One `<testsuite>`: the attributes the mapping reads, entity-decoded, and its own testcases in document order. */
export interface JunitSuiteRecord {
  readonly name: string | undefined;
  readonly file: string | undefined;
  readonly timestamp: string | undefined;
  readonly time: string | undefined;
  readonly tests: string | undefined;
  /** Nesting below the document's top-level suites: 0 for `<testsuites>/<testsuite>` or a root `<testsuite>`, +1 per enclosing suite. */
  readonly depth: number;
  readonly testcases: readonly JunitCaseRecord[];
}

/** Mutable builders of the records while the scan runs (internal to the fast path). */
export interface SuiteBuilder {
  readonly kind: "suite";
  name: string | undefined;
  file: string | undefined;
  timestamp: string | undefined;
  time: string | undefined;
  tests: string | undefined;
  depth: number;
  testcases: JunitCaseRecord[];
  /** Attributes with a value, of any name (the reference drops a suite with none and no child element). */
  attributes: number;
  elements: number;
  readonly level: number;
}

export interface CaseBuilder {
  readonly kind: "case";
  name: string | undefined;
  classname: string | undefined;
  time: string | undefined;
  status: string | undefined;
  failure: FailureBuilder | undefined;
  error: FailureBuilder | undefined;
  skipped: boolean;
}

export interface FailureBuilder {
  readonly kind: "failure";
  message: string | undefined;
  type: string | undefined;
  body: string | undefined;
}

export type Builder = SuiteBuilder | CaseBuilder | FailureBuilder;

/**
 * Stores attribute `key` into a builder when the mapping reads it (others are ignored), decoding
 * `raw` with `value` only then; `false` when it was already set (the fast path declines a duplicate).
 */
export function assignAttribute(
  into: Builder,
  key: string,
  raw: string,
  value: (raw: string) => string,
): boolean {
  if (into.kind === "suite") {
    switch (key) {
      case "name":
        if (into.name !== undefined) return false;
        into.name = value(raw);
        return true;
      case "file":
        if (into.file !== undefined) return false;
        into.file = value(raw);
        return true;
      case "timestamp":
        if (into.timestamp !== undefined) return false;
        into.timestamp = value(raw);
        return true;
      case "time":
        if (into.time !== undefined) return false;
        into.time = value(raw);
        return true;
      case "tests":
        if (into.tests !== undefined) return false;
        into.tests = value(raw);
        return true;
      default:
        return true;
    }
  }
  if (into.kind === "case") {
    switch (key) {
      case "name":
        if (into.name !== undefined) return false;
        into.name = value(raw);
        return true;
      case "classname":
        if (into.classname !== undefined) return false;
        into.classname = value(raw);
        return true;
      case "time":
        if (into.time !== undefined) return false;
        into.time = value(raw);
        return true;
      case "status":
        if (into.status !== undefined) return false;
        into.status = value(raw);
        return true;
      default:
        return true;
    }
  }
  switch (key) {
    case "message":
      if (into.message !== undefined) return false;
      into.message = value(raw);
      return true;
    case "type":
      if (into.type !== undefined) return false;
      into.type = value(raw);
      return true;
    default:
      return true;
  }
}
