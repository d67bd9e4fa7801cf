/**
 * Scope and blacklist (R2, R3, R13, R37): which hosts a run must cover, and which hosts a broad
 * selector skipped and why. Pure.
 *
 * The maintained blacklist is data, not code: `packages/engine/data/blacklist.json` (shape and
 * editing notes in `packages/engine/data/README.md`), validated by {@link parseBlacklist}.
 */
import {
  HOST_NAME_PATTERN,
  type InvocationObservation,
  invocationArguments,
  isBookkeepingSpec,
  specBaseName,
} from "@atvm-watch/artifacts";
import blacklistData from "../data/blacklist.json" with { type: "json" };
import type { BlacklistEntry, Scope, SkippedHost } from "./domain.ts";
import { AtvmError } from "./errors.ts";

/**
 * Validates blacklist data of the `data/blacklist.json` shape: an array of
 * `{ reason: string, patterns: string[] }` groups. Returns one entry per pattern, in file order.
 * Throws `AtvmError` `CONFIG_INVALID` naming `source` and the bad group or pattern (empty
 * reason, empty or non-string pattern, a pattern listed twice).
 */
export function parseBlacklist(data: unknown, source: string): readonly BlacklistEntry[] {
  const invalid = (what: string): AtvmError =>
    new AtvmError(
      "CONFIG_INVALID",
      `blacklist ${source}: ${what}; expected [{ "reason": "…", "patterns": ["atvm…"] }, …]`,
    );
  if (!Array.isArray(data)) throw invalid("the top level is not an array");
  const entries: BlacklistEntry[] = [];
  const seen = new Set<string>();
  data.forEach((group: unknown, index) => {
    if (typeof group !== "object" || group === null) throw invalid(`group ${index} is not an object`);
    const { reason, patterns } = group as { reason?: unknown; patterns?: unknown };
    if (typeof reason !== "string" || reason.trim() === "") {
      throw invalid(`group ${index} has no non-empty "reason"`);
    }
    if (!Array.isArray(patterns) || patterns.length === 0) {
      throw invalid(`group ${index} ("${reason}") has no "patterns" list`);
    }
    for (const pattern of patterns as unknown[]) {
      if (typeof pattern !== "string" || pattern.trim() === "") {
        throw invalid(
          `group ${index} ("${reason}") has an empty or non-string pattern ${JSON.stringify(pattern)}`,
        );
      }
      if (seen.has(pattern)) throw invalid(`pattern "${pattern}" is listed twice`);
      seen.add(pattern);
      entries.push({ pattern, reason });
    }
  });
  return entries;
}

/** The maintained blacklist (R2/R13), loaded from `packages/engine/data/blacklist.json`. */
export const DEFAULT_BLACKLIST: readonly BlacklistEntry[] = parseBlacklist(
  blacklistData,
  "packages/engine/data/blacklist.json",
);

/**
 * `true` when `pattern` excludes `host` under `--exclude_partial_match` semantics (R2): plain
 * substring, so `atvm6-centos6.0` excludes `atvm6-centos6.0.1` too. An empty pattern matches nothing.
 */
export function matchesPartial(host: string, pattern: string): boolean {
  return pattern.length > 0 && host.includes(pattern);
}

/** The reason of the first blacklist entry whose pattern partially matches `host` (R2/R13), else `null`. */
export function blacklistReason(
  host: string,
  blacklist: readonly BlacklistEntry[] = DEFAULT_BLACKLIST,
): string | null {
  return blacklist.find((entry) => matchesPartial(host, entry.pattern))?.reason ?? null;
}

/**
 * R37: an explicit `--specify_vms` list gets no automatic excludes, but a blacklisted host in it
 * stops the build. Returns the offending hosts with their blacklist reasons, in list order
 * (empty when the list is clean). Status only reports; the command builder stops on them.
 */
export function checkExplicitHosts(
  hosts: readonly string[],
  blacklist: readonly BlacklistEntry[] = DEFAULT_BLACKLIST,
): readonly SkippedHost[] {
  const offending: SkippedHost[] = [];
  for (const host of unique(hosts)) {
    const reason = blacklistReason(host, blacklist);
    if (reason !== null) offending.push({ host, reason });
  }
  return offending;
}

/** The bookkeeping-spec rule (R11) lives in `@atvm-watch/artifacts`, shared by its parsers. */
export { isBookkeepingSpec };

/**
 * The host a generated spec file stands for, by its name (R10): the base name without spec
 * extensions (`cypress/e2e/atvm/atvm41-redhat6.0.ts`, `cypress/e2e/generated/atvm41-redhat6.0.cy.ts`
 * → `atvm41-redhat6.0`) when it is host-shaped (`atvm<N>-<distro><version>`) or one of
 * `knownHosts`; else `null` (other specs, support files, the bookkeeping spec). The folder does
 * not matter, so generated specs may live anywhere under the Cypress spec folder.
 */
export function specHost(specPath: string, knownHosts: readonly string[] = []): string | null {
  const base = specBaseName(specPath);
  if (base.length === 0 || isBookkeepingSpec(base)) return null;
  return HOST_NAME_PATTERN.test(base) || knownHosts.includes(base) ? base : null;
}

/** The `cmc-templates.py` selector of a run (R2, R37). Every field optional; absent means not given. */
export interface ScopeSelector {
  /** `--containsVm X`: every host whose name contains `X`. A broad selector (R2). */
  readonly containsVm?: string;
  /** `--randomize N`: N hosts drawn from the fleet. A broad selector (R2). */
  readonly randomize?: number;
  /** `--specify_vms a b …`: an explicit list (R37). */
  readonly specifyVms?: readonly string[];
  /** `--exclude_partial_match p q …` as the actual command carried it (partial-match patterns). */
  readonly excludePartialMatch?: readonly string[];
}

/**
 * Reads the selector from a `cmc-templates.py` invocation through the one option reader
 * (`invocationArguments` of `@atvm-watch/artifacts`: the exact command split by the POSIX lexer,
 * argparse word rules, last occurrence wins). Multi-valued options (`--specify_vms`,
 * `--exclude_partial_match`) take every following word up to the next option, split on commas
 * too; `--opt=value` is read as well; redirections and a `| tee …` after the command are never
 * values. Falls back to `invocation.options` (keys with or without the leading `--`) when the
 * command text does not carry an option. Never throws; an unreadable `--randomize` value and a
 * bare `--containsVm` are left out.
 */
export function selectorFromInvocation(invocation: InvocationObservation): ScopeSelector {
  const args = invocationArguments(invocation);
  const text = (name: string): string | undefined => {
    const value = args.value(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const containsVm = text("containsVm");
  const randomizeText = text("randomize");
  const randomize = randomizeText === undefined ? Number.NaN : Number(randomizeText);
  const specifyVms = args.list("specify_vms");
  const exclude = args.list("exclude_partial_match");
  return {
    ...(containsVm === undefined ? {} : { containsVm }),
    ...(Number.isInteger(randomize) && randomize >= 0 ? { randomize } : {}),
    ...(specifyVms === null ? {} : { specifyVms }),
    ...(exclude === null ? {} : { excludePartialMatch: exclude }),
  };
}

/** What {@link resolveScope} works from. Host sources in order of precedence: explicit, generated specs, spec pattern, selector. */
export interface ScopeInput {
  /** An explicit host list (the `--specify_vms` value or an operator-given list). Wins over everything else. */
  readonly explicitHosts?: readonly string[];
  /**
   * Paths of spec files under the Cypress spec folder (e.g. `cypress/e2e/generated/<host>.cy.ts`,
   * `cypress/e2e/atvm/<host>.ts`); those named after a host ({@link specHost}) are the generated
   * specs, the whole-run scope, also for categorized runs whose config `specPattern` only holds
   * the current batch, and for runs with no config `specPattern` at all (R10). Other files are ignored.
   */
  readonly generatedSpecs?: readonly string[];
  /** Hosts of the Cypress config `specPattern` (`CypressConfigObservation.hosts`). */
  readonly specPatternHosts?: readonly string[];
  /** The selector of the `cmc-templates.py` command (see {@link selectorFromInvocation}). */
  readonly selector?: ScopeSelector;
  /** The fleet (e.g. the inventory's hosts): the universe broad selectors draw from. */
  readonly knownHosts?: readonly string[];
  /** The blacklist; default {@link DEFAULT_BLACKLIST}. */
  readonly blacklist?: readonly BlacklistEntry[];
}

/**
 * The scope of a run: its hosts in run order and the hosts it skipped, each with a reason (R3).
 *
 * Hosts come from, in order of precedence: `explicitHosts` (else `selector.specifyVms`), the
 * generated spec files, recognised by their host-shaped names anywhere under the spec folder (plus any `specPatternHosts` they miss: the scope never shrinks, R10), the
 * config `specPatternHosts`, and last the selector over `knownHosts` (`--containsVm X`: every known
 * host containing `X`); with none of them the scope is empty with source `artifacts` and
 * reconstruction takes the hosts from the run's own artifacts.
 *
 * Skipped hosts (R2, R3): for a broad selector (`containsVm`, `randomize`, or no selector with an
 * exclude list), every host of the universe (`knownHosts` plus the host-shaped blacklist patterns)
 * the selector would include but a blacklist pattern or a `--exclude_partial_match` pattern of the
 * command excludes. Reason: the blacklist reason when blacklisted, else
 * `excluded by --exclude_partial_match <pattern>`. An explicit list gets no automatic excludes
 * (R37); only the command's own `--exclude_partial_match` patterns skip its members. A host the
 * evidence (specs, spec pattern) puts in the scope is never listed as skipped. Never throws.
 */
export function resolveScope(input: ScopeInput): Scope {
  const blacklist = input.blacklist ?? DEFAULT_BLACKLIST;
  const selector = input.selector ?? {};
  const excludes = selector.excludePartialMatch ?? [];
  const known = unique(input.knownHosts ?? []);
  const explicit = input.explicitHosts ?? selector.specifyVms;

  const excludedBy = (host: string): string | null => {
    const reason = blacklistReason(host, blacklist);
    const pattern = excludes.find((p) => matchesPartial(host, p));
    if (pattern === undefined) return null;
    return reason ?? `excluded by --exclude_partial_match ${pattern}`;
  };

  if (explicit !== undefined) {
    const hosts: string[] = [];
    const skipped: SkippedHost[] = [];
    for (const host of unique(explicit)) {
      const reason = excludedBy(host);
      if (reason === null) hosts.push(host);
      else skipped.push({ host, reason });
    }
    return { hosts, skipped, source: "explicit" };
  }

  let hosts: string[];
  let source: Scope["source"];
  // A folder listing is in byte order (atvm19 before atvm9); hosts read best in natural order.
  const fromSpecs = (input.generatedSpecs ?? [])
    .map((spec) => specHost(spec, known))
    .filter((host): host is string => host !== null)
    .sort(naturalCompare);
  if (fromSpecs.length > 0) {
    hosts = unique([...fromSpecs, ...(input.specPatternHosts ?? [])]);
    source = "generated-specs";
  } else if (input.specPatternHosts !== undefined && input.specPatternHosts.length > 0) {
    hosts = unique(input.specPatternHosts);
    source = "spec-pattern";
  } else if (selector.containsVm !== undefined && known.length > 0) {
    const pattern = selector.containsVm;
    hosts = known.filter((host) => host.includes(pattern) && !isExcluded(host, blacklist, excludes));
    source = "selector";
  } else {
    hosts = [];
    source = "artifacts";
  }

  const broad = selector.containsVm !== undefined || selector.randomize !== undefined || excludes.length > 0;
  const skipped: SkippedHost[] = [];
  if (broad) {
    const inScope = new Set(hosts);
    const universe = unique([
      ...known,
      ...blacklist.map((entry) => entry.pattern).filter((p) => HOST_NAME_PATTERN.test(p)),
    ]);
    for (const host of universe) {
      if (inScope.has(host)) continue;
      if (selector.containsVm !== undefined && !host.includes(selector.containsVm)) continue;
      const reason = blacklistReason(host, blacklist) ?? excludedBy(host);
      if (reason !== null) skipped.push({ host, reason });
    }
  }
  return { hosts, skipped, source };
}

// --- internal helpers ---

function isExcluded(
  host: string,
  blacklist: readonly BlacklistEntry[],
  excludes: readonly string[],
): boolean {
  return blacklistReason(host, blacklist) !== null || excludes.some((p) => matchesPartial(host, p));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v.length > 0 && !isBookkeepingSpec(v)))];
}

/**
 * Orders host names naturally: digit runs compare as numbers, so `atvm9-…` sorts before
 * `atvm19-…`. Ties fall back to plain code-unit order, so the order is total and stable.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    if (nx && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
