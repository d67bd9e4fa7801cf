/**
 * What the fixtures' generator intended (examples' and reporter cases' `expected.json`, written from
 * the generator's plans, never parsed from the artifacts): the oracle of the timeline tests.
 */
import { repoText } from "./harness.ts";

/** One host of an example's expected.json. */
export interface ExpectedHost {
  readonly host: string;
  readonly status: string;
  readonly failingStep: number | null;
  readonly hook: string | null;
  readonly messageIncludes: string | null;
}

/** One batch of the categorized example. */
export interface ExpectedBatch {
  readonly index: number;
  readonly childBuild: string;
  readonly label: string;
  readonly group: string;
  readonly runUrl: string;
  readonly state: string;
  readonly hosts: readonly ExpectedHost[];
}

/** The parts of an example's expected.json the timeline tests use. */
export interface ExpectedExample {
  readonly build: string;
  readonly runState: string;
  readonly runUrl?: string;
  /** in-progress only: the instant the snapshot is meant for. */
  readonly now?: string;
  readonly scope: readonly string[];
  readonly hosts: readonly ExpectedHost[];
  readonly skipped: readonly { readonly host: string; readonly status: string; readonly reason: string }[];
  readonly batches?: readonly ExpectedBatch[];
}

/** A reporter case's expected.json (the parts used here). */
export interface ExpectedCase {
  readonly host: string;
  readonly failure: { readonly step: number; readonly messageIncludes: string } | null;
}

/** `examples/<name>/expected.json`. */
export function expectedExample(name: string): ExpectedExample {
  return JSON.parse(repoText(`examples/${name}/expected.json`)) as ExpectedExample;
}

/** `test/fixtures/reporters/<name>/expected.json`. */
export function expectedCase(name: string): ExpectedCase {
  return JSON.parse(repoText(`test/fixtures/reporters/${name}/expected.json`)) as ExpectedCase;
}

/** `{ host: status }` of expected hosts, skipped hosts last (the snapshot's order, R3). */
export function expectedStatuses(
  hosts: readonly ExpectedHost[],
  skipped: ExpectedExample["skipped"] = [],
): Record<string, string> {
  return Object.fromEntries([
    ...hosts.map((h) => [h.host, h.status]),
    ...skipped.map((s) => [s.host, s.status]),
  ]);
}
