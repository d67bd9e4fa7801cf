export {
  type AtvmConfig,
  blacklistOf,
  CONFIG_FILE_NAME,
  type ConfigReader,
  ConfigSchema,
  configJsonSchema,
  extraRootsOf,
  isSafeBuildName,
  layoutOf,
  loadConfig,
  MAX_CONFIG_BYTES,
  parseConfig,
} from "./config.ts";
export { configFilePath } from "./file-keys.ts";
