/**
 * Writes a fleet-sized controller root for benchmarks, shaped like the fleet in docs/benchmarks.md:
 * per host `xmlPerHost` hash-named mocha-junit-reporter-style XML files (first run, batches,
 * re-runs), one mochawesome JSON per XML, a Cypress config whose specPattern lists every host,
 * shell history with the run's commands, and a finished runner log.
 * Deterministic: the same arguments write the same bytes.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_TEST_FLOWS } from "../../packages/status/src/flows.ts";

const STEPS = DEFAULT_TEST_FLOWS["cmc-e2e"] as readonly string[];
const DISTROS = ["redhat9.7", "ubuntu24.04", "debian12.0", "suse15.5", "oracle8.9", "centos7.9", "w2k25"];

/** A pseudo-random generator seeded per corpus, so corpora are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface CorpusInfo {
  readonly root: string;
  readonly build: string;
  readonly hosts: readonly string[];
  readonly xmlFiles: number;
  readonly jsonFiles: number;
  readonly xmlBytes: number;
  readonly jsonBytes: number;
}

export function writeCorpus(root: string, hostCount: number, xmlPerHost = 10): CorpusInfo {
  const rand = lcg(hostCount * 7919 + xmlPerHost);
  const build = `e2e-bench-${hostCount}`;
  const xmlDir = join(root, "cypress/cmcReporter/xml");
  const mwDir = join(root, "cypress/cmcReporter/mochawesome");
  const specDir = join(root, "cypress/e2e/generated");
  for (const dir of [xmlDir, mwDir, specDir, join(root, "tmp")]) mkdirSync(dir, { recursive: true });
  const runStart = Date.UTC(2026, 2, 27, 6, 0, 0);
  const hosts = Array.from({ length: hostCount }, (_, i) => `atvm${i + 1}-${DISTROS[i % DISTROS.length]}`);
  let xmlBytes = 0;
  let jsonBytes = 0;
  let xmlFiles = 0;
  let jsonFiles = 0;
  let t = runStart + 60_000;
  for (const host of hosts) {
    const spec = `cypress/e2e/generated/${host}.cy.ts`;
    writeFileSync(join(root, spec), `// generated spec for ${host}\n`);
    for (let k = 0; k < xmlPerHost; k++) {
      const start = t;
      const ts = new Date(start).toISOString().slice(0, -5);
      // the fleet shape (docs/benchmarks.md): per host 1 bookkeeping file, then runs of 1–4 describe suites of 22 testcases,
      // 18% of describes failing one step with a CDATA stack and skipping the rest.
      const bookkeeping = k === 0;
      const describes = bookkeeping ? 0 : 1 + Math.floor(rand() * 4);
      const suitesXml: string[] = [];
      const mwSuites: unknown[] = [];
      let dur = 0;
      let ran = 0;
      let failures = 0;
      let registered = 0;
      for (let d = 0; d < describes; d++) {
        const failAt = rand() < 0.18 ? 1 + Math.floor(rand() * 22) : 0;
        const suiteTitle = d === 0 ? `${host} cmc-e2e` : `${host} cmc-e2e batch ${d + 1}`;
        const cases: string[] = [];
        const tests: unknown[] = [];
        let suiteDur = 0;
        for (let i = 0; i < STEPS.length; i++) {
          const step = i + 1;
          const title = `${step}. ${STEPS[i]}`;
          registered++;
          if (failAt > 0 && step > failAt) {
            tests.push({
              title,
              fullTitle: `${suiteTitle} ${title}`,
              state: "pending",
              pending: true,
              duration: 0,
            });
            continue;
          }
          const ms = 20_000 + Math.floor(rand() * 120_000);
          suiteDur += ms;
          ran++;
          const failed = step === failAt;
          if (failed) failures++;
          const msg = `AssertionError: Timed out retrying after 60000ms: expected '${host}' to be visible`;
          const stack = `${msg}\n${Array.from({ length: 12 }, (_, j) => `    at Context.eval (webpack:///./cypress/e2e/generated/${host}.cy.ts:${100 + j}:${j + 5})`).join("\n")}`;
          cases.push(
            `    <testcase name="${suiteTitle} ${title}" time="${(ms / 1000).toFixed(3)}" classname="${title}">` +
              (failed
                ? `\n      <failure message="${msg.replace(/'/g, "&apos;")}" type="AssertionError"><![CDATA[${stack}]]></failure>\n    </testcase>`
                : "</testcase>"),
          );
          tests.push({
            title,
            fullTitle: `${suiteTitle} ${title}`,
            duration: ms,
            state: failed ? "failed" : "passed",
            pass: !failed,
            fail: failed,
            pending: false,
            code: `cy.step(${step});\n`.repeat(20),
            err: failed ? { message: msg, estack: stack, diff: null } : {},
            uuid: createHash("md5").update(`${host}${k}${d}${step}`).digest("hex"),
          });
        }
        const skipped = cases.length < 22 ? ` skipped="${22 - cases.length}"` : "";
        suitesXml.push(
          `  <testsuite name="${suiteTitle}" timestamp="${ts}" tests="22" time="${(suiteDur / 1000).toFixed(3)}" failures="${failAt > 0 ? 1 : 0}"${skipped}>\n${cases.join("\n")}\n  </testsuite>`,
        );
        mwSuites.push({
          uuid: `${host}-${k}-${d}`,
          title: suiteTitle,
          file: "",
          tests,
          suites: [],
          duration: suiteDur,
        });
        dur += suiteDur;
      }
      if (bookkeeping) {
        dur = 4_000;
        suitesXml.push(
          `  <testsuite name="check-xml-files" timestamp="${ts}" tests="1" file="cypress/e2e/check-xml-files.ts" time="4.000" failures="0">\n    <testcase name="check-xml-files verifies every host XML" time="4.000" classname="verifies every host XML"></testcase>\n  </testsuite>`,
        );
      }
      t += dur + 30_000;
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Mocha Tests" time="${(dur / 1000).toFixed(3)}" tests="${bookkeeping ? 1 : ran}" failures="${failures}">
  <testsuite name="Root Suite" timestamp="${ts}" tests="0" file="${bookkeeping ? "cypress/e2e/check-xml-files.ts" : spec}" time="0.000" failures="0">
  </testsuite>
${suitesXml.join("\n")}
</testsuites>
`;
      const hash = createHash("md5").update(xml).digest("hex");
      writeFileSync(join(xmlDir, `test-result-${hash}.xml`), xml);
      xmlBytes += Buffer.byteLength(xml);
      xmlFiles++;
      if (bookkeeping) continue;
      const report = {
        stats: {
          suites: describes,
          tests: registered,
          passes: ran - failures,
          pending: registered - ran,
          failures,
          start: new Date(start).toISOString(),
          end: new Date(start + dur).toISOString(),
          duration: dur,
          testsRegistered: registered,
          passPercent: 0,
          pendingPercent: 0,
          other: 0,
          hasOther: false,
          skipped: 0,
          hasSkipped: false,
        },
        results: [
          {
            uuid: hash,
            title: "",
            fullFile: `/root/cdc-e2e-cyp-12.17.4/${spec}`,
            file: spec,
            beforeHooks: [],
            afterHooks: [],
            tests: [],
            suites: mwSuites,
            duration: dur,
            root: true,
            rootEmpty: true,
          },
        ],
        meta: {
          mocha: { version: "10.2.0" },
          mochawesome: { version: "7.1.3" },
          marge: { version: "6.2.0" },
        },
      };
      const json = JSON.stringify(report, null, 2);
      writeFileSync(join(mwDir, `${host}_${String(k).padStart(3, "0")}.json`), json);
      jsonFiles++;
      jsonBytes += Buffer.byteLength(json);
    }
  }
  const config = `import { defineConfig } from "cypress";\n\nexport default defineConfig({\n  e2e: {\n    specPattern: [\n${hosts
    .map((h) => `      "cypress/e2e/generated/${h}.cy.ts",`)
    .join("\n")}\n    ],\n  },\n  env: { current_vm: "${hosts[hosts.length - 1]}" },\n});\n`;
  writeFileSync(join(root, "cypress.atvm-config-gold.ts"), config);
  const epoch = Math.floor(runStart / 1000);
  writeFileSync(
    join(root, ".bash_history"),
    `#${epoch}\npython3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --containsVm atvm --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown\n#${epoch + 60}\npython3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name ${build}\n`,
  );
  writeFileSync(
    join(root, `tmp/${build}.log`),
    `Run URL: https://app.currents.dev/run/bench${hostCount}\n${hosts
      .map((h, i) => `Running: cypress/e2e/generated/${h}.cy.ts (${i + 1}/${hostCount})`)
      .join(
        "\n",
      )}\n\nCloud Run Finished\n\nAll specs passed!\n🏁 Recorded Run: https://app.currents.dev/run/bench${hostCount}\n`,
  );
  writeFileSync(
    join(root, "atvm.config.json"),
    JSON.stringify(
      { paths: { runnerLog: "tmp/{build}.log", history: ".bash_history" }, timeZone: "UTC" },
      null,
      2,
    ),
  );
  return { root, build, hosts, xmlFiles, jsonFiles, xmlBytes, jsonBytes };
}
