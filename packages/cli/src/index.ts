export {
  type AtvmConfig,
  CONFIG_FILE_NAME,
  ConfigSchema,
  configJsonSchema,
  layoutOf,
  loadConfig,
  resolveConfig,
} from "./config.ts";
export { type CliIo, main, type TextOut } from "./main.ts";
export { runStatus, STATUS_FORMATS, type StatusCommandOptions } from "./status-command.ts";
