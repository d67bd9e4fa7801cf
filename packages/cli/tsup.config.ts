import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.config.base.ts";

// The CLI bundles the workspace packages so `npx atvm` runs from one built file
// right after `npm ci` (the root `prepare` script builds it), with no dts step.
export default defineConfig({
  ...baseConfig,
  entry: ["src/main.ts"],
  dts: false,
  platform: "node",
  removeNodeProtocol: false,
  noExternal: [/^@atvm-watch\//],
  // A native addon (node-fs state-store lock) loads its prebuilt binary at run time: never bundled.
  external: ["fs-native-extensions"],
});
