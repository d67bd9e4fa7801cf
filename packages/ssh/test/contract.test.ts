import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unescapePath } from "@atvm-watch/engine";
import {
  testArtifactSourceContract,
  testCommandRunnerContract,
  testProcessProbeContract,
} from "@atvm-watch/testing";
import { afterAll } from "vitest";
import { createSshProbe, createSshRunner, createSshSource } from "../src/adapters.ts";
import { describeSsh, useSshd } from "./setup.ts";

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

function tree(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), "atvm-ssh-contract-"));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(Buffer.concat([Buffer.from(`${root}/`), Buffer.from(unescapePath(path))]), text);
  }
  return root;
}

// The same contract suites the node-fs adapter and the memory fakes pass, against a real sshd on
// loopback: the controller is this machine, reached through OpenSSH.
describeSsh("ssh adapter contracts (real sshd on 127.0.0.1)", () => {
  const { connect } = useSshd();
  testArtifactSourceContract("ssh", async (files) => {
    const root = tree(files);
    return {
      source: createSshSource(connect(), { root }),
      append: async (path, text) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        appendFileSync(join(root, path), text);
      },
    };
  });
  testProcessProbeContract("ssh", async () => ({
    probe: createSshProbe(connect()),
    known: { pid: process.pid, commandIncludes: "node" },
    spaced: { pid: spacedChild.pid as number, argv: [process.execPath, ...SPACED_ARGS] },
  }));
  testCommandRunnerContract("ssh", async () => ({
    runner: createSshRunner(connect()),
    echoArgv: ["printf", "%s\\n"],
    exitArgv: ["sh", "-c", 'exit "$0"'],
  }));
});
