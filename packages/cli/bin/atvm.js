#!/usr/bin/env node
// Entry point of the `atvm` command. The root `prepare` script (run by `npm ci`)
// builds ../dist/main.js; see packages/cli/tsup.config.ts.
import { main } from "../dist/main.js";

/** One line for an I/O error: `ENOSPC (no space left on device)`, never a stack trace. */
const cause = (error) =>
  error?.code !== undefined
    ? `${error.code} (${
        String(error.message)
          .replace(/^[A-Z]+: /, "")
          .split("\n")[0]
      })`
    : String(error?.message ?? error).split("\n")[0];

/** Writes one line to stderr, ignoring a stderr that cannot be written either. */
const complain = (line) => {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // nowhere left to say it
  }
};

// `atvm status … | head` closes the pipe early: that is the reader's choice, not an error.
// Any other stdout failure (`> /dev/full`: ENOSPC) is one line on stderr and exit 1.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  complain(`atvm: cannot write to stdout: ${cause(error)}`);
  process.exit(1);
});
process.stderr.on("error", () => process.exit(process.exitCode || 1));
// Nothing reaches the user as a stack trace.
process.on("uncaughtException", (error) => {
  if (error?.code === "EPIPE") process.exit(process.exitCode ?? 0);
  complain(`atvm: unexpected error: ${cause(error)}`);
  process.exit(1);
});

process.exitCode = await main(process.argv.slice(2));
