/**
 * Typed observation builders for engine tests (no parsing: the parsers live in
 * `@atvm-watch/artifacts`). Times are UTC ms on 2026-03-27 unless given.
 */
import type {
  BookkeepingObservation,
  CypressConfigObservation,
  EpochMs,
  HookKind,
  HostResultObservation,
  InventoryObservation,
  InvocationObservation,
  RunnerLogObservation,
  TestCounts,
  TestcaseResult,
} from "@atvm-watch/artifacts";
import flowsData from "../../../status/data/flows.json" with { type: "json" };

/** `at("10:15")` / `at("10:15:30")`: that time on 2026-03-27, UTC ms. */
export function at(hhmm: string, day = 27): EpochMs {
  const [h, m, s] = hhmm.split(":").map(Number) as [number, number, number?];
  return Date.UTC(2026, 2, day, h, m, s ?? 0);
}

/** Minutes in ms. */
export const min = (n: number): number => n * 60_000;

/** The first 8 cmc-e2e steps, from the one flows data file (R25), enough for realistic testcases. */
export const E2E_STEPS: readonly string[] = flowsData["cmc-e2e"].slice(0, 8);

/** How a built host result failed. */
export interface FailureSpec {
  readonly step: number;
  readonly message: string;
  readonly type?: string;
  readonly stack?: string;
  readonly hook?: HookKind;
  readonly timedOut?: boolean;
}

/** Options of {@link hostResult}. */
export interface HostResultSpec {
  readonly host: string | null;
  readonly source?: HostResultObservation["source"];
  readonly file?: string;
  readonly startedAt?: EpochMs | null;
  readonly durationMs?: number | null;
  /** Default: `startedAt + durationMs` when both are known. */
  readonly finishedAt?: EpochMs | null;
  /** Number of steps (testcases); default 3. 0 gives an empty suite. */
  readonly steps?: number;
  /** Steps after this many executed ones are pending (not executed). */
  readonly executed?: number;
  readonly failure?: FailureSpec;
  readonly mtimeMs?: EpochMs | null;
}

/** A host result with `steps` testcases (`N. title`), passing unless `failure` says otherwise. */
export function hostResult(spec: HostResultSpec): HostResultObservation {
  const source = spec.source ?? "junit";
  const steps = spec.steps ?? 3;
  const executed = spec.executed ?? steps;
  const startedAt = spec.startedAt === undefined ? at("09:00") : spec.startedAt;
  const durationMs = spec.durationMs === undefined ? min(30) : spec.durationMs;
  const finishedAt =
    spec.finishedAt !== undefined
      ? spec.finishedAt
      : startedAt !== null && durationMs !== null
        ? startedAt + durationMs
        : null;
  const testcases: TestcaseResult[] = [];
  for (let step = 1; step <= steps; step += 1) {
    const title = E2E_STEPS[(step - 1) % E2E_STEPS.length] as string;
    const failing = spec.failure !== undefined && spec.failure.step === step;
    const afterFailure = spec.failure !== undefined && step > spec.failure.step;
    const state = failing ? "failed" : afterFailure || step > executed ? "skipped" : "passed";
    const f = spec.failure;
    const hookTitle = failing && f?.hook !== undefined ? `"${f.hook}" hook for "${step}. ${title}"` : null;
    testcases.push({
      step,
      title: hookTitle ?? title,
      fullTitle: `${spec.host ?? "unknown"} ${hookTitle ?? `${step}. ${title}`}`,
      state,
      durationMs: state === "skipped" ? null : 1000,
      ...(failing && f !== undefined
        ? {
            failure: {
              message: f.message,
              ...(f.type === undefined ? {} : { type: f.type }),
              ...(f.stack === undefined ? {} : { stack: f.stack }),
              ...(f.hook === undefined ? {} : { hook: f.hook }),
              ...(f.timedOut === undefined ? {} : { timedOut: f.timedOut }),
            },
          }
        : {}),
    });
  }
  const counts: TestCounts = {
    total: testcases.length,
    passed: testcases.filter((t) => t.state === "passed").length,
    failed: testcases.filter((t) => t.state === "failed").length,
    skipped: testcases.filter((t) => t.state === "skipped").length,
  };
  const defaultFile =
    source === "junit"
      ? `cypress/cmcReporter/xml/test-result-${spec.host ?? "0123456789abcdef0123456789abcdef"}.xml`
      : `cypress/cmcReporter/logs/${spec.host ?? "unknown"}/mochawesome.json`;
  return {
    kind: "host-result",
    source,
    file: spec.file ?? defaultFile,
    host: spec.host,
    hostEvidence: spec.host === null ? null : source === "junit" ? "file-name" : "reporter-path",
    spec: spec.host === null ? null : `cypress/e2e/generated/${spec.host}.cy.ts`,
    startedAt,
    finishedAt,
    durationMs,
    counts,
    testcases,
    mtimeMs: spec.mtimeMs === undefined ? finishedAt : spec.mtimeMs,
  };
}

/** A passing JUnit result of `host` started at `startedAt`, lasting `durationMs`. */
export function passed(
  host: string,
  startedAt: EpochMs,
  durationMs: number,
  extra: Partial<HostResultSpec> = {},
): HostResultObservation {
  return hostResult({ host, startedAt, durationMs, ...extra });
}

/** A failing JUnit result of `host`. */
export function failed(
  host: string,
  startedAt: EpochMs,
  durationMs: number,
  failure: FailureSpec,
  extra: Partial<HostResultSpec> = {},
): HostResultObservation {
  return hostResult({ host, startedAt, durationMs, failure, steps: Math.max(3, failure.step + 1), ...extra });
}

/** A `check-xml-files.ts` bookkeeping XML finalizing at `finishedAt`. */
export function bookkeeping(
  finishedAt: EpochMs | null,
  extra: Partial<Omit<BookkeepingObservation, "kind">> = {},
): BookkeepingObservation {
  return {
    kind: "bookkeeping",
    file: "cypress/cmcReporter/xml/test-result-fedcba9876543210fedcba9876543210.xml",
    finishedAt,
    startedAt: finishedAt === null ? null : finishedAt - 2000,
    passed: true,
    failedHosts: [],
    mtimeMs: finishedAt,
    ...extra,
  };
}

type LogPayload = RunnerLogObservation extends infer O
  ? O extends RunnerLogObservation
    ? Omit<O, "file" | "line" | "at">
    : never
  : never;

/** Builds runner-log observations with increasing line numbers, in log order. */
export class LogBuilder {
  readonly file: string;
  private line = 0;
  private readonly out: RunnerLogObservation[] = [];
  constructor(file = "/tmp/e2e-0327.log") {
    this.file = file;
  }
  /** Adds any log observation (file, line and `at` are filled in). */
  add(payload: LogPayload, gap = 3): this {
    this.line += gap;
    this.out.push({ ...payload, file: this.file, line: this.line, at: null } as RunnerLogObservation);
    return this;
  }
  specStarted(host: string, index: number | null = null, total: number | null = null): this {
    return this.add({
      kind: "spec-started",
      spec: `cypress/e2e/generated/${host}.cy.ts`,
      host,
      index,
      total,
    });
  }
  specResult(host: string, counts: Partial<TestCounts> = {}): this {
    const c = { total: 3, passed: 3, failed: 0, skipped: 0, ...counts };
    return this.add({ kind: "spec-result", spec: `${host}.cy.ts`, host, counts: c });
  }
  testFailed(host: string, step: number | null, title: string, message: string): this {
    return this.add({ kind: "test-failed", host, step, title, message });
  }
  crash(host: string | null): this {
    return this.add({ kind: "renderer-crash", host });
  }
  runUrl(url: string): this {
    return this.add({ kind: "run-url", url });
  }
  footer(
    allPassed: boolean | null,
    failedSpecs: number | null = null,
    totalSpecs: number | null = null,
  ): this {
    return this.add({ kind: "run-finished", allPassed, failedSpecs, totalSpecs });
  }
  cancelled(reason: string): this {
    return this.add({ kind: "run-cancelled", reason });
  }
  batchStarted(batchId: string, label: string | null): this {
    return this.add({ kind: "batch-started", batchId, label });
  }
  batchFinished(batchId: string): this {
    return this.add({ kind: "batch-finished", batchId });
  }
  get observations(): readonly RunnerLogObservation[] {
    return [...this.out];
  }
}

/** A new runner-log builder. */
export function runnerLog(file?: string): LogBuilder {
  return new LogBuilder(file);
}

/** A Cypress config observation: `specPattern` hosts and `current_vm`. */
export function cypressConfig(
  hosts: readonly string[],
  currentVm: string | null = null,
): CypressConfigObservation {
  return {
    kind: "cypress-config",
    file: "cypress.atvm-config-gold.ts",
    specPattern: hosts.map((h) => `cypress/e2e/generated/${h}.cy.ts`),
    hosts,
    currentVm,
  };
}

/** A VM inventory observation from `host → kernel`. */
export function inventory(
  kernels: Readonly<Record<string, string>>,
  file = "vm-inventory.md",
): InventoryObservation {
  return {
    kind: "inventory",
    file,
    entries: Object.entries(kernels).map(([host, kernel]) => ({ host, distro: null, version: null, kernel })),
  };
}

/**
 * An invocation from a plain command line (no quotes): `--name value` → `name: value`, a bare
 * `--flag` → `flag: true` (keys without dashes, repeated options keep the last).
 */
export function invocation(
  command: string,
  order: number,
  extra: Partial<Omit<InvocationObservation, "kind" | "command" | "order">> = {},
): InvocationObservation {
  const tokens = command.split(/\s+/).filter((t) => t !== "");
  const options: Record<string, string | true> = {};
  tokens.forEach((token, i) => {
    if (!token.startsWith("--")) return;
    const next = tokens[i + 1];
    options[token.slice(2)] = next === undefined || next.startsWith("--") ? true : next;
  });
  const tool = command.includes("cmc-templates.py") ? "cmc-templates" : "run-sorry-cypress";
  const buildName = typeof options.build_name === "string" ? options.build_name : null;
  return {
    kind: "invocation",
    file: ".bash_history",
    tool,
    command,
    buildName,
    options,
    order,
    at: null,
    ...extra,
  };
}
