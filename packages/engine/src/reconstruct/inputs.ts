/**
 * The inputs of reconstruction: observations in a canonical order, split by kind, and cut to the
 * run's window (R33: run timestamps, never mtimes; the window end for a historical run, R19). Pure.
 */
import type {
  BookkeepingObservation,
  CypressConfigObservation,
  EpochMs,
  HostResultObservation,
  InventoryObservation,
  InvocationObservation,
  Observation,
  RunnerLogObservation,
} from "@atvm-watch/artifacts";
import { bookkeepingTime, inRunWindow, resultTime } from "./evidence.ts";
import { compareText } from "./util.ts";

/** Observations by kind; runner-log lines in log order, bookkeeping by time. */
export interface Partitioned {
  readonly results: HostResultObservation[];
  readonly bookkeeping: BookkeepingObservation[];
  readonly log: RunnerLogObservation[];
  readonly configs: CypressConfigObservation[];
  readonly inventories: InventoryObservation[];
  readonly invocations: InvocationObservation[];
}

/**
 * The run's observations in canonical order, split by kind, with host results and bookkeeping
 * outside the window `[runStartMs, runEndMs)` dropped (R33; `null` bounds are open). Results
 * without a host are dropped (nothing to attach them to).
 */
export function runInputs(
  observations: readonly Observation[],
  runStartMs: EpochMs | null,
  runEndMs: EpochMs | null,
): Partitioned {
  const parts = partition(canonical(observations));
  // Run window (R33): stale artifacts of earlier runs never change a host.
  // Window end (observe.ts): a later run's artifacts never belong to a historical run.
  const beforeEnd = (at: EpochMs | null): boolean => at === null || runEndMs === null || at < runEndMs;
  return {
    ...parts,
    results: parts.results.filter(
      (r) => r.host !== null && inRunWindow(resultTime(r), runStartMs) && beforeEnd(resultTime(r)),
    ),
    bookkeeping: parts.bookkeeping.filter(
      (b) => inRunWindow(bookkeepingTime(b), runStartMs) && beforeEnd(bookkeepingTime(b)),
    ),
  };
}

/** What the live Cypress config and the VM inventory tell (R10: never the scope; W10). */
export interface LiveConfig {
  /** The config's `current_vm`, the first one set. */
  readonly currentVm: string | null;
  /** Hosts of the config's current batch (`specPattern`). */
  readonly configHosts: readonly string[];
  /** Kernel per host from the inventory (W10). */
  readonly kernels: ReadonlyMap<string, string>;
}

/** The live config's current host and batch, and the inventory's kernels. */
export function liveConfig(parts: Partitioned): LiveConfig {
  const currentVm = parts.configs.map((c) => c.currentVm).find((v): v is string => v !== null) ?? null;
  const configHosts = [...new Set(parts.configs.flatMap((c) => c.hosts))];
  const kernels = new Map<string, string>();
  for (const inv of parts.inventories) {
    for (const entry of inv.entries)
      if (entry.kernel !== null && entry.kernel !== "") kernels.set(entry.host, entry.kernel);
  }
  return { currentVm, configHosts, kernels };
}

/**
 * Observations in a canonical order (exact duplicates dropped), so input order never matters.
 * A cheap key (kind, file, line or timestamps) orders almost everything; the full JSON text only
 * breaks ties and finds duplicates.
 */
function canonical(observations: readonly Observation[]): Observation[] {
  const keyed = observations.map((o) => ({ o, key: cheapKey(o), json: null as string | null }));
  const jsonOf = (k: { o: Observation; json: string | null }): string => {
    k.json ??= JSON.stringify(k.o);
    return k.json;
  };
  keyed.sort((a, b) => compareText(a.key, b.key) || compareText(jsonOf(a), jsonOf(b)));
  const out: Observation[] = [];
  for (let i = 0; i < keyed.length; i += 1) {
    const k = keyed[i] as (typeof keyed)[number];
    const prev = keyed[i - 1];
    if (prev !== undefined && prev.key === k.key && jsonOf(prev) === jsonOf(k)) continue;
    out.push(k.o);
  }
  return out;
}

function cheapKey(o: Observation): string {
  switch (o.kind) {
    case "host-result":
      return `${o.kind}\u0000${o.file}\u0000${o.startedAt ?? ""}\u0000${o.finishedAt ?? ""}\u0000${o.mtimeMs ?? ""}`;
    case "bookkeeping":
      return `${o.kind}\u0000${o.file}\u0000${o.finishedAt ?? ""}\u0000${o.mtimeMs ?? ""}`;
    case "cypress-config":
    case "inventory":
      return `${o.kind}\u0000${o.file}`;
    case "invocation":
      return `${o.kind}\u0000${o.file}\u0000${String(o.order).padStart(12, "0")}`;
    default:
      return `log\u0000${o.file}\u0000${String(o.line).padStart(12, "0")}\u0000${o.kind}`;
  }
}

function partition(observations: readonly Observation[]): Partitioned {
  const p: Partitioned = {
    results: [],
    bookkeeping: [],
    log: [],
    configs: [],
    inventories: [],
    invocations: [],
  };
  for (const o of observations) {
    switch (o.kind) {
      case "host-result":
        p.results.push(o);
        break;
      case "bookkeeping":
        p.bookkeeping.push(o);
        break;
      case "cypress-config":
        p.configs.push(o);
        break;
      case "inventory":
        p.inventories.push(o);
        break;
      case "invocation":
        p.invocations.push(o);
        break;
      default:
        p.log.push(o);
    }
  }
  // Runner-log lines in log order (file, line); the canonical order breaks remaining ties.
  p.log.sort((a, b) => compareText(a.file, b.file) || a.line - b.line);
  p.bookkeeping.sort(
    (a, b) =>
      (bookkeepingTime(a) ?? Number.POSITIVE_INFINITY) - (bookkeepingTime(b) ?? Number.POSITIVE_INFINITY),
  );
  p.configs.sort((a, b) => compareText(a.file, b.file));
  p.inventories.sort((a, b) => compareText(a.file, b.file));
  return p;
}
