/**
 * The failure-signature catalog (T2): data that operators edit like the blacklist, mapping a pattern
 * in a failed host's evidence to a root-cause class, a remediation hint and a replay policy.
 *
 * Format `atvm.signatures.v1` (JSON; JSON Schema in docs/signatures.schema.json):
 * ```json
 * { "schema": "atvm.signatures.v1",
 *   "signatures": [
 *     { "id": "ssh-permission-denied",
 *       "match": { "message": "Permission denied \\(publickey" },
 *       "class": "infrastructure",
 *       "hint": "the controller's key is not authorized on the host",
 *       "replay": "replay-after-fix" } ] }
 * ```
 * `match` fields (every given field must match; at least one): `message`, `title` (regexes,
 * substring search), `step` (one step number or a list), `class` (the base class, see
 * {@link FailureClass}), `host` (regex). Regexes are RE2 syntax compiled with re2js
 * (https://github.com/le0pard/re2js), a linear-time engine, so no catalog entry can backtrack
 * catastrophically; `flags: "i"` makes them case-insensitive. The FIRST matching signature wins, as
 * in Allure 3's categories (`matchCategory`), and its id is shown with the digest.
 */
import { AtvmError, FAILURE_CLASSES, type FailureClass } from "@atvm-watch/engine";
import { RE2JS } from "re2js";
import { z } from "zod";

/** The closed set of root-cause classes (T1), owned by the engine (`FailureDescription.class`). */
export { FAILURE_CLASSES, type FailureClass };

/** What to do with a host that failed with this signature when building a replay (T3). */
export const REPLAY_POLICIES: readonly ["replay", "replay-after-fix", "do-not-replay"] = [
  "replay",
  "replay-after-fix",
  "do-not-replay",
] as const;

/** One of {@link REPLAY_POLICIES}. */
export type ReplayPolicy = (typeof REPLAY_POLICIES)[number];

/** Schema id of the catalog file. */
export const SIGNATURES_SCHEMA_ID: "atvm.signatures.v1" = "atvm.signatures.v1";

const pattern = z.string().min(1).max(2000).describe("RE2 regular expression, searched as a substring");

/** One catalog entry as written in the file. */
export interface SignatureEntry {
  readonly id: string;
  readonly description?: string | undefined;
  readonly match: {
    readonly message?: string | undefined;
    readonly title?: string | undefined;
    readonly host?: string | undefined;
    readonly step?: number | number[] | undefined;
    readonly class?: FailureClass | undefined;
    readonly flags?: "i" | undefined;
  };
  readonly class: FailureClass;
  readonly hint: string;
  readonly replay: ReplayPolicy;
}

/** The catalog file as written. */
export interface CatalogDocument {
  readonly $schema?: string | undefined;
  readonly schema: typeof SIGNATURES_SCHEMA_ID;
  readonly signatures: readonly SignatureEntry[];
}

/** The zod schema of one catalog entry. */
export const SignatureSchema: z.ZodType<SignatureEntry> = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
    .describe("stable id shown with each digest, e.g. ssh-permission-denied"),
  description: z.string().max(500).optional(),
  match: z
    .strictObject({
      message: pattern.optional(),
      title: pattern.optional(),
      host: pattern.optional(),
      step: z.union([z.int().min(1), z.array(z.int().min(1)).min(1)]).optional(),
      class: z.enum(FAILURE_CLASSES).optional().describe("the base class from the evidence"),
      flags: z.literal("i").optional().describe('"i": case-insensitive regexes'),
    })
    .refine((m) => Object.keys(m).some((k) => k !== "flags"), { message: "match needs at least one field" }),
  class: z.enum(FAILURE_CLASSES),
  hint: z.string().min(1).max(500).describe("what the operator should do"),
  replay: z.enum(REPLAY_POLICIES),
});

/** The zod schema of the catalog file `atvm.signatures.v1`. */
export const CatalogSchema: z.ZodType<CatalogDocument> = z.strictObject({
  $schema: z.string().optional(),
  schema: z.literal(SIGNATURES_SCHEMA_ID),
  signatures: z.array(SignatureSchema).max(1000),
});

/** A catalog entry with its regexes compiled (linear time). */
export interface CompiledSignature {
  readonly entry: SignatureEntry;
  readonly message: RE2JS | null;
  readonly title: RE2JS | null;
  readonly host: RE2JS | null;
  readonly steps: readonly number[] | null;
}

/** A validated, compiled catalog; entries in file order (first match wins). */
export interface Catalog {
  readonly signatures: readonly CompiledSignature[];
}

/** The failure fields a signature is matched against. */
export interface MatchInput {
  readonly host: string;
  readonly step: number | null;
  readonly title: string;
  readonly message: string;
  readonly baseClass: FailureClass;
}

function compile(source: string | undefined, flags: "i" | undefined, where: string): RE2JS | null {
  if (source === undefined) return null;
  try {
    return RE2JS.compile(source, flags === "i" ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    throw new AtvmError(
      "CONFIG_INVALID",
      `${where}: ${JSON.stringify(source)} is not an RE2 regular expression (${(error as Error).message}); RE2 has no backreferences or lookaround (https://github.com/google/re2/wiki/Syntax)`,
    );
  }
}

/**
 * Validates and compiles a catalog document (already JSON-parsed). `origin` names the file in
 * errors. Throws `AtvmError("CONFIG_INVALID")` naming the path of the bad field (zod issue path),
 * a bad regex, or a duplicated id.
 */
export function loadCatalog(document: unknown, origin: string): Catalog {
  const parsed = CatalogSchema.safeParse(document);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first === undefined ? "" : first.path.join(".");
    throw new AtvmError(
      "CONFIG_INVALID",
      `${origin}: ${path === "" ? "" : `${path}: `}${first?.message ?? "invalid"}; see docs/triage.md for the catalog format`,
    );
  }
  const seen = new Set<string>();
  const signatures = parsed.data.signatures.map((entry, i): CompiledSignature => {
    if (seen.has(entry.id)) {
      throw new AtvmError(
        "CONFIG_INVALID",
        `${origin}: signatures.${i}.id ${JSON.stringify(entry.id)} is used twice`,
      );
    }
    seen.add(entry.id);
    const where = `${origin}: signatures.${i} (${entry.id})`;
    const step = entry.match.step;
    return {
      entry,
      message: compile(entry.match.message, entry.match.flags, `${where}.match.message`),
      title: compile(entry.match.title, entry.match.flags, `${where}.match.title`),
      host: compile(entry.match.host, entry.match.flags, `${where}.match.host`),
      steps: step === undefined ? null : Array.isArray(step) ? step : [step],
    };
  });
  return { signatures };
}

function matches(sig: CompiledSignature, input: MatchInput): boolean {
  const m = sig.entry.match;
  if (m.class !== undefined && m.class !== input.baseClass) return false;
  if (sig.steps !== null && (input.step === null || !sig.steps.includes(input.step))) return false;
  if (sig.host !== null && !sig.host.matcher(input.host).find()) return false;
  if (sig.title !== null && !sig.title.matcher(input.title).find()) return false;
  if (sig.message !== null && !sig.message.matcher(input.message).find()) return false;
  return true;
}

/** The first signature of `catalog` that matches `input`, or `null` (T2: first match wins). */
export function matchSignature(catalog: Catalog, input: MatchInput): CompiledSignature | null {
  for (const sig of catalog.signatures) if (matches(sig, input)) return sig;
  return null;
}
