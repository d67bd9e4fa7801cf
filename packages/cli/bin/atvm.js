#!/usr/bin/env node
// Entry point of the `atvm` command. The root `prepare` script (run by `npm ci`)
// builds ../dist/main.js; see packages/cli/tsup.config.ts.
import { main } from "../dist/main.js";

process.exitCode = await main(process.argv.slice(2));
