// Regenerates docs/atvm.config.schema.json from the zod schema (from the repo root):
//   node --conditions=@atvm-watch/source --import tsx packages/cli/scripts/write-config-schema.ts
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchema } from "@atvm-watch/config";

const target = join(import.meta.dirname, "..", "..", "..", "docs", "atvm.config.schema.json");
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
