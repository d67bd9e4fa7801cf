import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unescapePath } from "@atvm-watch/engine";
import {
  testArtifactSourceContract,
  testClockContract,
  testCommandRunnerContract,
  testProcessProbeContract,
} from "@atvm-watch/testing";
import { afterAll } from "vitest";
import { createSystemClock } from "../src/clock.ts";
import { createProcProbe } from "../src/proc.ts";
import { createLocalRunner } from "../src/runner.ts";
import { createNodeFsSource } from "../src/source.ts";

// A live process one of whose arguments holds a space, for the probe contract's argv case.
const SPACED_ARGS = ["-e", "setTimeout(()=>{},600000)", "run-sorry-cypress.py", "--note", "a b  c"];
const spacedChild = spawn(process.execPath, SPACED_ARGS, { stdio: "ignore" });
afterAll(() => {
  spacedChild.kill();
});

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The on-disk bytes of an escaped contract path under `root` (names may be raw bytes). */
const onDisk = (root: string, path: string): Buffer =>
  Buffer.concat([Buffer.from(`${root}/`), Buffer.from(unescapePath(path))]);

function tree(files: Readonly<Record<string, string>>): string {
  const base = mkdtempSync(join(tmpdir(), "atvm-contract-"));
  made.push(base);
  const root = join(base, "root");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(onDisk(root, path), text);
  }
  mkdirSync(root, { recursive: true });
  mkdirSync(join(base, "tmp"));
  return root;
}

testArtifactSourceContract("node-fs", async (files) => {
  const root = tree(files);
  const extra = join(dirname(root), "tmp");
  return {
    source: createNodeFsSource({ root, extraRoots: [extra] }),
    absolute: { dir: extra, write: async (name, text) => writeFileSync(join(extra, name), text) },
    append: async (path, text) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      appendFileSync(join(root, path), text);
    },
  };
});

testProcessProbeContract("proc", async () => ({
  probe: createProcProbe(),
  known: { pid: process.pid, commandIncludes: "node" },
  spaced: { pid: spacedChild.pid as number, argv: [process.execPath, ...SPACED_ARGS] },
}));

testClockContract("system", async () => ({
  clock: createSystemClock(),
  pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}));

testCommandRunnerContract("local", async () => ({
  runner: createLocalRunner(),
  echoArgv: ["printf", "%s\\n"],
  exitArgv: ["sh", "-c", 'exit "$0"'],
}));
