// Writes docs/{signatures,summary,triage,diff}.schema.json from the zod schemas (T5).
import { writeFileSync } from "node:fs";
import { triageJsonSchemas } from "../src/schemas.ts";

for (const [file, schema] of Object.entries(triageJsonSchemas())) {
  writeFileSync(new URL(`../../../docs/${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote docs/${file}`);
}
