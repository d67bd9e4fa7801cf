// Builds a temporary controller automation root with the seed layout (docs/getting-started.md, docs/config.md `paths`).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ProcessInfo, ProcessProbe } from "@atvm-watch/engine";

export const T0 = Date.UTC(2026, 2, 27, 8, 0, 0); // run start, UTC ms
export const BUILD = "e2e-0327-redhat-ubuntu";
export const TEMPLATE_COMMAND =
  "python3 cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --integration_type pure --use_specified_plugin fc --containsVm atvm --ignore_force_shutdown";

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, -5); // mocha-junit-reporter's timestamp

/** A mocha-junit-reporter 2.2.1 shaped XML for one host spec; `failStep` fails that cmc-e2e step. */
export function junitXml(host: string, startMs: number, failStep: number | null): string {
  const cases = [1, 2, 3]
    .map((n) => {
      const title = `${n}. Step ${n}`;
      const failure =
        n === failStep
          ? `<failure message="Timed out retrying after 4000ms: expected Install CMC to succeed" type="AssertionError"><![CDATA[AssertionError: Timed out retrying\n    at Context.eval]]></failure>`
          : "";
      return `    <testcase name="${host} e2e ${title}" time="10.000" classname="${title}">${failure}</testcase>`;
    })
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Mocha Tests" time="30.000" tests="3" failures="${failStep === null ? 0 : 1}">
  <testsuite name="Root Suite" timestamp="${iso(startMs)}" tests="0" file="cypress/e2e/generated/${host}.cy.ts" time="0.000" failures="0">
  </testsuite>
  <testsuite name="${host} e2e" timestamp="${iso(startMs)}" tests="3" time="30.000" failures="${failStep === null ? 0 : 1}">
${cases}
  </testsuite>
</testsuites>
`;
}

export interface ControllerRoot {
  readonly root: string;
  write(path: string, text: string): void;
}

/** An automation root holding a finished flat run: atvm7 PASS, atvm50 FAIL, atvm60 never ran. */
export function finishedRoot(options: { config?: boolean } = {}): ControllerRoot {
  const root = mkdtempSync(join(tmpdir(), "atvm-cli-"));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const epoch = (ms: number): string => `#${Math.floor(ms / 1000)}`;
  write(
    ".bash_history",
    [
      epoch(T0 - 3_600_000),
      "python3 run-sorry-cypress.py --build_name e2e-old",
      epoch(T0 - 120_000),
      TEMPLATE_COMMAND,
      epoch(T0),
      `python3 run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name ${BUILD}`,
      "ls -la",
      "",
    ].join("\n"),
  );
  write(
    "vm-inventory.md",
    [
      "| Host | Distro | Version | Kernel |",
      "| --- | --- | --- | --- |",
      "| atvm7-ubuntu24.04 | ubuntu | 24.04 | 6.8.0-31-generic |",
      "| atvm50-redhat9.7 | redhat | 9.7 | 5.14.0-570.el9.x86_64 |",
      "| atvm60-redhat9.6 | redhat | 9.6 | 5.14.0-503.el9.x86_64 |",
      "",
    ].join("\n"),
  );
  for (const host of ["atvm7-ubuntu24.04", "atvm50-redhat9.7", "atvm60-redhat9.6"]) {
    write(`cypress/e2e/generated/${host}.cy.ts`, `// generated spec for ${host}\n`);
  }
  write(
    "cypress.atvm-config-gold.ts",
    `export default defineConfig({ e2e: { specPattern: ["cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts", "cypress/e2e/generated/atvm50-redhat9.7.cy.ts", "cypress/e2e/generated/atvm60-redhat9.6.cy.ts"] }, env: { current_vm: "atvm60-redhat9.6" } });\n`,
  );
  write(
    "cypress/cmcReporter/xml/test-result-01fe412894862398d06d9cc4bc7e81a0.xml",
    junitXml("atvm7-ubuntu24.04", T0 + 60_000, null),
  );
  write(
    "cypress/cmcReporter/xml/test-result-9c2b5f0e0d6b7d3c6c1a2b3c4d5e6f70.xml",
    junitXml("atvm50-redhat9.7", T0 + 600_000, 2),
  );
  write(`tmp/${BUILD}.log`, "  Run URL: https://app.currents.dev/run/9e2a97f99ec1ef16\n");
  if (options.config !== false) {
    write(
      "atvm.config.json",
      JSON.stringify({
        paths: {
          runnerLog: "tmp/{build}.log",
          launchLog: "tmp/{build}.launch.log",
          history: ".bash_history",
          inventory: "vm-inventory.md",
        },
        timeZone: "UTC",
      }),
    );
  }
  return { root, write };
}

/** A process table as a probe (the CLI's injectable port). */
export function fixedProbe(processes: readonly ProcessInfo[]): ProcessProbe {
  return { name: "fixed", list: async () => processes };
}

/** Captures what main writes. */
export function capture(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (s: string) => out.push(s), isTTY },
    stderr: { write: (s: string) => err.push(s) },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}
