import { defineConfig } from "vitest/config";

const conditions = ["@atvm-watch/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    // Builds every package's dist once, when stale, before the tests that run built output.
    globalSetup: ["test/global-setup.ts"],
  },
});
