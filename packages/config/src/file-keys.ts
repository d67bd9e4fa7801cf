/**
 * Where the config's file keys point (`baseline`, `signatures`; docs/config.md "Triage"). Pure.
 */
import { AtvmError } from "@atvm-watch/engine";

/**
 * The absolute path a file key of the config (`baseline`, `signatures`) names: an absolute value is
 * kept, `~/x` is `<homeDir>/x`, anything else is relative to the folder of `configFile` (an
 * absolute path). `.` and `..` segments are resolved; the result has no trailing `/`.
 * (The `paths.*` keys differ: they name run artifacts and stay relative to the automation root.)
 * Errors: `CONFIG_INVALID` for a `~/` value when `homeDir` is unknown, naming the key and the fix.
 */
export function configFilePath(
  value: string,
  configFile: string,
  homeDir: string | undefined,
  key: string,
): string {
  let joined: string;
  if (value.startsWith("/")) joined = value;
  else if (value === "~" || value.startsWith("~/")) {
    if (homeDir === undefined || homeDir === "") {
      throw new AtvmError(
        "CONFIG_INVALID",
        `"${key}" in ${configFile} starts with ~/ but $HOME is not set; write an absolute path or one relative to the config file`,
      );
    }
    joined = `${homeDir}/${value.slice(2)}`;
  } else joined = `${configFile.slice(0, configFile.lastIndexOf("/") + 1)}${value}`;
  const out: string[] = [];
  for (const segment of joined.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return `/${out.join("/")}`;
}
