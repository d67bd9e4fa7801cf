export { type CliIo, type DiskPort, main, type TextOut } from "./main.ts";
export { createNodeDisk } from "./node-disk.ts";
export {
  chooseZone,
  runStatus,
  STATUS_FORMATS,
  type StatusCommandOptions,
  type ZoneChoice,
} from "./status-command.ts";
