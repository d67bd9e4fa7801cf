// Regenerates docs/plan.schema.json from the zod schema (from the repo root):
//   node --conditions=@atvm-watch/source --import tsx packages/commands/scripts/write-plan-schema.ts
import { writeFileSync } from "node:fs";
import { planJsonSchema } from "../src/schema.ts";

const target = new URL("../../../docs/plan.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
