#!/usr/bin/env node
// Entry point of the `atvm` command. The root `prepare` script (run by `npm ci`)
// builds ../dist/main.js; see packages/cli/tsup.config.ts.
import { main } from "../dist/main.js";

// `atvm status … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
