/**
 * The artifact kinds of a controller, the default layout (where each kind lives), and two small
 * per-kind helpers of the collector: which parser reads a whole-file kind, and whether a folder's
 * listing is unchanged since the last poll. Pure.
 */
import type { ArtifactMeta, Observation, ParseResult } from "@atvm-watch/artifacts";
import type { CollectParsers } from "./collect-parsers.ts";
import type { ArtifactEntry } from "./ports.ts";

/**
 * Artifact kinds of a controller (DESIGN.md "Where things are on a controller"). `launch-log`
 * (the template phase output) and `generated-spec` are listed, never parsed.
 */
export type ArtifactKind =
  | "junit"
  | "reporter-json"
  | "runner-log"
  | "launch-log"
  | "cypress-config"
  | "inventory"
  | "shell-history"
  | "generated-spec";

/** Kinds in dispatch order: a path matched by an earlier kind is not offered to a later one. */
export const ARTIFACT_KINDS: readonly ArtifactKind[] = [
  "inventory",
  "cypress-config",
  "shell-history",
  "generated-spec",
  "runner-log",
  "launch-log",
  "junit",
  "reporter-json",
];

/**
 * Glob patterns per artifact kind (`*`, `**`, `?`; see collect-glob.ts). Relative patterns are
 * relative to the source root; absolute ones need the source's permission (node-fs `extraRoots`).
 * `{build}` is replaced by the poll's build name (a pattern with `{build}` is skipped while the
 * build is unknown); a leading `~/` by `CollectorOptions.homeDir` (skipped when unset).
 */
export type CollectLayout = Readonly<Record<ArtifactKind, readonly string[]>>;

/** The seed controller layout (docs/getting-started.md, docs/config.md `paths`). */
export const DEFAULT_LAYOUT: CollectLayout = {
  junit: ["cypress/cmcReporter/xml/test-result-*.xml", "cypress/cmcReporter/**/test-result-*.xml"],
  "reporter-json": [
    "cypress/cmcReporter/logs/*/*.json",
    "cypress/cmcReporter/logs/*/*.jsonl",
    "cypress/cmcReporter/mochawesome/*.json",
  ],
  "runner-log": ["/tmp/{build}.log"],
  "launch-log": ["/tmp/{build}.launch.log"],
  "cypress-config": ["cypress.atvm-config-gold.ts"],
  inventory: ["vm-inventory.md"],
  "shell-history": ["~/.bash_history"],
  // Every spec under the Cypress spec folder: the host-named ones are the generated specs (R10, scope.ts `specHost`).
  "generated-spec": ["cypress/e2e/**/*.ts", "cypress/e2e/**/*.js"],
};

/** `true` when a folder's listing is the previous one again: same paths, sizes, mtimes (and inodes, where known) in the same order. */
export function sameListing(prev: readonly ArtifactEntry[], next: readonly ArtifactEntry[]): boolean {
  if (prev.length !== next.length) return false;
  for (let i = 0; i < next.length; i++) {
    const a = prev[i] as ArtifactEntry;
    const b = next[i] as ArtifactEntry;
    if (a.path !== b.path || a.sizeBytes !== b.sizeBytes || a.mtimeMs !== b.mtimeMs || a.ino !== b.ino)
      return false;
  }
  return true;
}

/** The parser of a whole-file kind; kinds that are only listed parse to nothing. Exhaustive. */
export function wholeFileParser(
  parsers: CollectParsers,
  kind: ArtifactKind,
): (text: string, meta: ArtifactMeta) => ParseResult<Observation> {
  switch (kind) {
    case "junit":
      return parsers.junit;
    case "reporter-json":
      return parsers.reporterJson;
    case "cypress-config":
      return parsers.cypressConfig;
    case "inventory":
      return parsers.inventory;
    case "shell-history":
      return parsers.shellHistory;
    case "runner-log":
    case "launch-log":
    case "generated-spec":
      return () => ({ observations: [], issues: [] });
    default: {
      const unknown: never = kind;
      throw new Error(`unknown artifact kind ${String(unknown)}`);
    }
  }
}
