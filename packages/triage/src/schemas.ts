/**
 * JSON Schemas (draft 2020-12) generated from the zod schemas of the triage artifacts, committed
 * under docs/ and kept equal by a test (T5).
 */
import { z } from "zod";
import { CatalogSchema } from "./catalog.ts";
import { DiffSchema } from "./diff.ts";
import { TriageSchema } from "./report.ts";
import { SummarySchema } from "./summary.ts";

/** File name under docs/ → its JSON Schema. */
export function triageJsonSchemas(): Record<string, Record<string, unknown>> {
  const gen = (schema: z.ZodType, id: string): Record<string, unknown> => ({
    $id: id,
    ...(z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>),
  });
  return {
    "signatures.schema.json": gen(CatalogSchema, "atvm.signatures.v1"),
    "summary.schema.json": gen(SummarySchema, "atvm.summary.v1"),
    "triage.schema.json": gen(TriageSchema, "atvm.triage.v1"),
    "diff.schema.json": gen(DiffSchema, "atvm.diff.v1"),
  };
}

/**
 * Parses a stored triage artifact by its schema id, validated (T5). Throws `Error` naming the
 * schema and the first bad field when it does not conform.
 */
export function readArtifact<T>(schema: z.ZodType<T>, value: unknown, origin: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new Error(`${origin}: ${first?.path.join(".") ?? ""}: ${first?.message ?? "invalid"}`);
}
