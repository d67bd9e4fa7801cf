export * from "./launch.ts";
export { checkName, NAME_RULES, type NameKind, type NameRule } from "./names.ts";
export * from "./options.ts";
export * from "./plan.ts";
export { type PlanParseResult, parsePlanJson, planJsonSchema } from "./schema.ts";
export {
  type ParsedShellCommand,
  parseShellCommand,
  quoteShellWord,
  renderShellCommand,
} from "./shell-words.ts";
