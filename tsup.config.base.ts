import type { Options } from "tsup";

/** Shared tsup settings: ESM only, Node 20, declarations from the source condition. */
export const baseConfig: Options = {
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  dts: true,
  sourcemap: true,
  clean: true,
  esbuildOptions(options) {
    options.conditions = ["@atvm-watch/source"];
  },
};
