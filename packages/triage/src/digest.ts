/**
 * Failure digests (T1): for every FAIL host of a snapshot, the root-cause class from a closed set,
 * the first failing step of the template flow, the first failing assertion message, the evidence it
 * came from, and the catalog signature that matched (T2). The base class comes from the engine's
 * classification of the evidence (`FailureDescription.class`, engine `reconstruct/classify.ts`);
 * the signature catalog refines it, first match wins.
 */
import { type FailureDescription, failureClassOf, type HostEntry, type Snapshot } from "@atvm-watch/engine";
import { type Catalog, type FailureClass, matchSignature, type ReplayPolicy } from "./catalog.ts";

/** Where a digest's message came from: the artifact and the field or line kind. */
export interface DigestEvidence {
  /** Artifact path (run-relative or absolute), the most recent the host's status was decided from; `null` when none. */
  readonly path: string | null;
  /** The field, e.g. `testcase failure message` (JUnit), `test err.message` (reporter JSON), `console line` (runner log). */
  readonly field: string;
}

/** The matched catalog entry, as shown with a digest. */
export interface DigestSignature {
  readonly id: string;
  readonly hint: string;
  readonly replay: ReplayPolicy;
}

/** One failed host's digest (T1). Times are UTC ms. */
export interface FailureDigest {
  readonly host: string;
  readonly batch?: string;
  /** Root-cause class: the matched signature's, else the base class from the evidence. */
  readonly class: FailureClass;
  /** The class the evidence alone implies (before the catalog). */
  readonly baseClass: FailureClass;
  /** First failing step of the template flow, `null` when the evidence names none. */
  readonly step: number | null;
  /** Step title or failing test title. */
  readonly title: string;
  /** The first failing assertion message (R17), ANSI stripped, clipped by reconstruction. */
  readonly message: string;
  readonly evidence: DigestEvidence;
  readonly signature: DigestSignature | null;
  /** When the host's run ended (for incidents), when known. */
  readonly finishedAt: number | null;
}

const FIELD_OF: Readonly<Record<FailureDescription["source"], string>> = {
  junit: "testcase failure message",
  "reporter-json": "test err.message",
  "runner-log": "console line",
};

/**
 * The class the evidence alone implies: the engine's {@link failureClassOf} (the one home of
 * classification, engine `reconstruct/classify.ts`), re-exported under the triage name.
 */
export const baseClassOf: (failure: FailureDescription | undefined) => FailureClass = failureClassOf;

/** The digest of one FAIL host. */
export function digestHost(entry: HostEntry, catalog: Catalog): FailureDigest {
  const failure = entry.failure;
  const baseClass = baseClassOf(failure);
  const step = failure?.step ?? null;
  const title = failure?.title ?? "";
  const message = failure?.message ?? "";
  const sig = matchSignature(catalog, { host: entry.host, step, title, message, baseClass });
  return {
    host: entry.host,
    ...(entry.batch !== undefined ? { batch: entry.batch } : {}),
    class: sig?.entry.class ?? baseClass,
    baseClass,
    step,
    title,
    message,
    evidence: {
      path: entry.evidence[0] ?? null,
      field: failure === undefined ? "host status" : FIELD_OF[failure.source],
    },
    signature: sig === null ? null : { id: sig.entry.id, hint: sig.entry.hint, replay: sig.entry.replay },
    finishedAt: entry.finishedAt ?? null,
  };
}

/** Digests of every FAIL host of `snapshot`, in the snapshot's host order (T1). */
export function digestRun(snapshot: Snapshot, catalog: Catalog): FailureDigest[] {
  return snapshot.hosts.filter((h) => h.status === "FAIL").map((h) => digestHost(h, catalog));
}
