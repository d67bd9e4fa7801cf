import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

const conditions = ["@atvm-watch/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    // `atvm status` run by tests keeps its parse cache here, not in the user's ~/.cache/atvm-watch/.
    env: { XDG_CACHE_HOME: join(tmpdir(), "atvm-watch-vitest-cache") },
    // Builds every package's dist once, when stale, before the tests that run built output.
    globalSetup: ["test/global-setup.ts"],
  },
});
