import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { type InvocationObservation, parseShellHistory } from "@atvm-watch/artifacts";
import { AtvmError, parseRunnerProcess, selectorFromInvocation } from "@atvm-watch/engine";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  blacklistDigest,
  buildPlan,
  checkName,
  checkPlanFresh,
  parsePlanJson,
  parseRunnerArgv,
  parseShellCommand,
  parseTemplateArgv,
  planJsonSchema,
  type RunnerOptions,
  type RunRequest,
  renderShellCommand,
  resolveRequest,
  runnerArgv,
  STATE_RESET_SCRIPT,
  STEP_NAMES,
  SYSTEMD_STOP_SCRIPT,
  type TemplateOptions,
  templateArgv,
} from "../src/index.ts";

// The maintained blacklist, written out from the operators' run-learnings (R2/R13), not read from the code.
const BLACKLIST_PATTERNS = [
  "atvm6-centos6.0",
  "atvm41-redhat6.0",
  "atvm73-oracle6.0",
  "atvm113-debian9.0.0",
  "atvm115-debian9.1.0",
  "atvm116-debian9.2.0",
  "atvm156-debian9.3.0",
  "atvm144-suse15.0",
];
const EXCLUDES = BLACKLIST_PATTERNS.join(" ");
const NOW = Date.UTC(2026, 2, 27, 9, 0, 0);
const base = (extra: Partial<RunRequest> = {}): RunRequest => ({
  template: "cmc-e2e",
  buildName: "e2e-0327",
  ...extra,
});
const text = (request: RunRequest) => renderShellCommand(templateArgv(resolveRequest(request).template));
const thrown = (f: () => unknown): AtvmError => {
  try {
    f();
  } catch (error) {
    if (error instanceof AtvmError) return error;
    throw error;
  }
  throw new Error("expected an AtvmError");
};

describe("template and runner commands", () => {
  it("R14 R20 R2 a broad --containsVm gets the gold config, iscsi, --ignore_force_shutdown and every blacklisted pattern (the operators' own command shape)", () => {
    expect(text(base({ containsVm: "redhat9.7", integration: "pure" }))).toBe(
      `python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --containsVm redhat9.7 --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown --exclude_partial_match ${EXCLUDES}`,
    );
  });
  it("R2 --randomize and a selector-less command are broad too and get the blacklist", () => {
    expect(text(base({ randomize: 5 }))).toContain(
      `--randomize 5 --use_specified_plugin iscsi --ignore_force_shutdown --exclude_partial_match ${EXCLUDES}`,
    );
    expect(text(base())).toMatch(new RegExp(`--exclude_partial_match ${EXCLUDES.replaceAll(".", "\\.")}$`));
  });
  it("R37 an explicit --specify_vms list gets no automatic excludes", () => {
    expect(text(base({ specifyVms: ["atvm9-redhat9.7", "atvm19-redhat9.7"], integration: "pure" }))).toBe(
      "python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --specify_vms atvm9-redhat9.7,atvm19-redhat9.7 --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown",
    );
  });
  it("R37 the operator may ask for the blacklist on an explicit list", () => {
    expect(text(base({ specifyVms: ["atvm9-redhat9.7"], blacklistExcludes: true }))).toContain(
      `--exclude_partial_match ${EXCLUDES}`,
    );
  });
  it("R37 an explicit list naming a blacklisted host is refused with the host and its reason", () => {
    const error = thrown(() => resolveRequest(base({ specifyVms: ["atvm9-redhat9.7", "atvm41-redhat6.0"] })));
    expect(error.code).toBe("HOST_BLACKLISTED");
    expect(error.message).toContain("atvm41-redhat6.0 (BLACKLISTED: CMC INSTALL - CAN'T COMPILE)");
    expect(error.message).not.toContain("atvm9-redhat9.7");
  });
  it("R20 --use_specified_plugin fc replaces iscsi; an explicit no-ignore drops --ignore_force_shutdown", () => {
    const t = text(base({ containsVm: "redhat9.7", plugin: "fc", ignoreForceShutdown: false }));
    expect(t).toContain("--use_specified_plugin fc");
    expect(t).not.toContain("iscsi");
    expect(t).not.toContain("--ignore_force_shutdown");
  });
  it("R14 an explicit config file replaces the gold default; the default is never cypress.atvm-config.ts", () => {
    expect(text(base({ configFile: "cypress.atvm-config-silver.ts" }))).toContain(
      "--config_file cypress.atvm-config-silver.ts ",
    );
    expect(text(base())).not.toContain("cypress.atvm-config.ts");
  });
  it("R15 a command holds only what was asked plus the mandatory defaults and the blacklist", () => {
    const argv = templateArgv(resolveRequest(base({ specifyVms: ["atvm9-redhat9.7"] })).template);
    const options = argv.filter((w) => w.startsWith("--"));
    expect(options).toEqual([
      "--template_name",
      "--config_file",
      "--specify_vms",
      "--use_specified_plugin",
      "--ignore_force_shutdown",
    ]);
  });
  it("the runner command: config, build name, --categorize only when asked", () => {
    const { runner } = resolveRequest(base({ categorize: true }));
    expect(renderShellCommand(runnerArgv(runner))).toBe(
      "python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-0327 --categorize",
    );
    expect(runnerArgv(resolveRequest(base()).runner)).not.toContain("--categorize");
  });
  it("refuses --specify_vms together with a broad selector, and a duplicated host", () => {
    expect(
      thrown(() => resolveRequest(base({ specifyVms: ["atvm9-redhat9.7"], containsVm: "redhat" }))).code,
    ).toBe("USAGE");
    expect(
      thrown(() => resolveRequest(base({ specifyVms: ["atvm9-redhat9.7", "atvm9-redhat9.7"] }))).message,
    ).toContain("twice");
  });
});

describe("names (allow-lists before paths, units and commands)", () => {
  it.each([
    ["build", "../etc"],
    ["build", "-oProxyCommand=id"],
    ["build", "a b"],
    ["build", "x".repeat(58)],
    ["build", "e2e;reboot"],
    ["host", "atvm9-redhat9.7$(id)"],
    ["configFile", "../cypress.atvm-config-gold.ts"],
    ["root", "/root/../etc"],
  ] as const)("refuses %s %j with INVALID_NAME naming the value and the allowed form", (kind, value) => {
    const error = thrown(() => checkName(kind, value, "--x"));
    expect(error.code).toBe("INVALID_NAME");
    expect(error.message).toContain(JSON.stringify(value));
    expect(error.message).toContain("use ");
  });
  it("accepts the operators' real names", () => {
    expect(checkName("build", "e2e-redhat9.6-ubuntu24.04-w2k25-fc", "b")).toBe(
      "e2e-redhat9.6-ubuntu24.04-w2k25-fc",
    );
    expect(checkName("host", "atvm113-debian9.0.0", "h")).toBe("atvm113-debian9.0.0");
    expect(checkName("root", "/root/cdc-e2e-cyp-12.17.4", "r")).toBe("/root/cdc-e2e-cyp-12.17.4");
  });
  it("a bad build name never reaches a unit name: buildPlan refuses it", () => {
    expect(
      thrown(() => buildPlan({ ...planInput(), request: base({ buildName: "x/../../etc" }) })).code,
    ).toBe("INVALID_NAME");
  });
});

describe("shell words", () => {
  it("parses a recorded command line with quotes", () => {
    expect(
      parseShellCommand(`python3 ./cmc-templates.py --template_name 'cmc-e2e' --note "it's \\"ok\\""`),
    ).toEqual({
      ok: true,
      argv: ["python3", "./cmc-templates.py", "--template_name", "cmc-e2e", "--note", `it's "ok"`],
    });
  });
  it.each([
    ["cd /root && python3 ./run-sorry-cypress.py", "commands"],
    ["python3 ./run-sorry-cypress.py > /tmp/x.log 2>&1", "redirection"],
    ["echo 'open", "not closed"],
    ["   ", "no command"],
  ])("refuses %j (%s)", (line, why) => {
    const got = parseShellCommand(line);
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.reason).toContain(why);
  });
  test.prop([fc.array(fc.string({ unit: "binary", maxLength: 12 }), { minLength: 1, maxLength: 6 })])(
    "parse(render(argv)) = argv for every argv",
    (argv) => {
      expect(parseShellCommand(renderShellCommand(argv))).toEqual({ ok: true, argv });
    },
  );
  it("a real shell reads the rendered words back as the same argv (bash, printf)", () => {
    const argv = [
      "a b",
      "it's",
      "$(id)",
      "`id`",
      "a\nb",
      "~root",
      "*",
      "it's!",
      "x=1",
      "",
      "é",
      "\\",
      '"q"',
      "#c",
    ];
    const r = spawnSync("bash", ["-c", `printf '%s\\0' ${renderShellCommand(argv)}`], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(argv);
  });
});

const word = fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}$/);
const optionWord = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
const host = fc
  .tuple(fc.integer({ min: 1, max: 999 }), fc.stringMatching(/^[a-z]{1,6}[0-9]{1,2}\.[0-9]$/))
  .map(([n, d]) => `atvm${n}-${d}`);
const templateOptions: fc.Arbitrary<TemplateOptions> = fc
  .record({
    template: word,
    configFile: word.map((w) => `${w}.ts`),
    selector: fc.oneof(
      fc.record({
        containsVm: fc.option(word),
        randomize: fc.option(fc.integer({ min: 1, max: 10_000 })),
        specifyVms: fc.constant(null),
      }),
      fc.record({
        containsVm: fc.constant(null),
        randomize: fc.constant(null),
        specifyVms: fc.uniqueArray(host, { minLength: 1, maxLength: 5 }),
      }),
    ),
    integration: fc.option(optionWord),
    plugin: fc.option(fc.constantFrom("iscsi", "fc", "both")),
    ignoreForceShutdown: fc.boolean(),
    excludePartialMatch: fc.uniqueArray(word, { maxLength: 5 }),
  })
  .map(({ selector, ...rest }) => ({ ...rest, ...selector }));

const runnerOptions: fc.Arbitrary<RunnerOptions> = fc.record({
  configFile: word.map((w) => `${w}.ts`),
  buildName: word,
  categorize: fc.boolean(),
});

/** The selector a template command with `o` carries, written out from the option model (not from the reader). */
function expectedSelector(o: TemplateOptions): Record<string, unknown> {
  return {
    ...(o.containsVm === null ? {} : { containsVm: o.containsVm }),
    ...(o.randomize === null ? {} : { randomize: o.randomize }),
    ...(o.specifyVms === null ? {} : { specifyVms: o.specifyVms }),
    ...(o.excludePartialMatch.length === 0 ? {} : { excludePartialMatch: o.excludePartialMatch }),
  };
}

/** `InvocationObservation.options` of a template command with `o`: keys as written, the first value of a list. */
function expectedTemplateRecord(o: TemplateOptions): Record<string, string | true> {
  return {
    "--template_name": o.template,
    "--config_file": o.configFile,
    ...(o.containsVm === null ? {} : { "--containsVm": o.containsVm }),
    ...(o.randomize === null ? {} : { "--randomize": String(o.randomize) }),
    ...(o.specifyVms === null ? {} : { "--specify_vms": o.specifyVms.join(",") }),
    ...(o.integration === null ? {} : { "--integration_type": o.integration }),
    ...(o.plugin === null ? {} : { "--use_specified_plugin": o.plugin }),
    ...(o.ignoreForceShutdown ? { "--ignore_force_shutdown": true } : {}),
    ...(o.excludePartialMatch[0] === undefined
      ? {}
      : { "--exclude_partial_match": o.excludePartialMatch[0] }),
  };
}

describe("command round trips", () => {
  test.prop([templateOptions])(
    "R15 R37 R13 parse(render(options)) = options for every template option set, through the one option reader",
    (options) => {
      const line = renderShellCommand(templateArgv(options));
      const words = parseShellCommand(line);
      expect(words.ok).toBe(true);
      if (words.ok) expect(parseTemplateArgv(words.argv)).toEqual({ ok: true, value: options });
    },
  );
  test.prop([runnerOptions])(
    "R15 parse(render(options)) = options for every runner option set, through the one option reader",
    (options) => {
      const words = parseShellCommand(renderShellCommand(runnerArgv(options)));
      expect(words.ok && parseRunnerArgv(words.argv)).toEqual({ ok: true, value: options });
    },
  );
  test.prop([templateOptions])("R15 render(parse(x)) = x for every template command we render", (options) => {
    const line = renderShellCommand(templateArgv(options));
    const words = parseShellCommand(line);
    const parsed = words.ok ? parseTemplateArgv(words.argv) : null;
    expect(parsed?.ok && renderShellCommand(templateArgv(parsed.value))).toBe(line);
  });
  test.prop([runnerOptions])("R15 render(parse(x)) = x for every runner command we render", (options) => {
    const line = renderShellCommand(runnerArgv(options));
    const words = parseShellCommand(line);
    const parsed = words.ok ? parseRunnerArgv(words.argv) : null;
    expect(parsed?.ok && renderShellCommand(runnerArgv(parsed.value))).toBe(line);
  });
  test.prop([
    templateOptions,
    fc.constantFrom("", " > /tmp/e2e.launch.log 2>&1", " 2>&1 | tee /tmp/e2e.log"),
  ])(
    "R2 R37 the engine's selectorFromInvocation reads the rendered template command as its options (redirections and a tee are never values)",
    (options, tail) => {
      const command = renderShellCommand(templateArgv(options)) + tail;
      const invocation: InvocationObservation = {
        kind: "invocation",
        file: ".bash_history",
        tool: "cmc-templates",
        command,
        buildName: null,
        options: {}, // only the command text: the selector must come from it
        order: 0,
        at: null,
      };
      expect(selectorFromInvocation(invocation)).toEqual(expectedSelector(options));
    },
  );
  test.prop([runnerOptions, fc.boolean()])(
    "R21 R19 the engine's parseRunnerProcess reads the rendered runner command's build name and --categorize (joined line and real argv)",
    (options, withArgv) => {
      const argv = runnerArgv(options);
      const info = {
        pid: 4242,
        ppid: 1,
        command: renderShellCommand(argv),
        defunct: false,
        startedAt: null,
        ...(withArgv ? { argv } : {}),
      };
      expect(parseRunnerProcess(info)).toEqual({
        info,
        build: options.buildName,
        categorized: options.categorize,
      });
    },
  );
  test.prop([templateOptions, runnerOptions])(
    "R36 R2 R37 parseShellHistory of the rendered commands as history lines gives the same options",
    (template, runner) => {
      const templateLine = renderShellCommand(templateArgv(template));
      const runnerLine = renderShellCommand(runnerArgv(runner));
      const history = parseShellHistory(`cd /root/cdc && ${templateLine}\n${runnerLine}\n`, {
        path: ".bash_history",
      });
      expect(history.issues).toEqual([]);
      const [t, r] = history.observations;
      // The exact command (R36), each option keyed as written with its (first) value.
      expect(t).toMatchObject({ tool: "cmc-templates", command: templateLine, buildName: null });
      expect(t?.options).toEqual(expectedTemplateRecord(template));
      expect(t === undefined ? null : selectorFromInvocation(t)).toEqual(expectedSelector(template));
      expect(r).toMatchObject({
        tool: "run-sorry-cypress",
        command: runnerLine,
        buildName: runner.buildName,
      });
      expect(r?.options).toEqual({
        "--config_file": runner.configFile,
        "--build_name": runner.buildName,
        ...(runner.categorize ? { "--categorize": true } : {}),
      });
      // Both readers agree with the strict one on the recorded text.
      const words = parseShellCommand(t?.command ?? "");
      expect(words.ok && parseTemplateArgv(words.argv)).toEqual({ ok: true, value: template });
    },
  );
  it("reads a recorded operator command (the watcher README's --specify_vms form)", () => {
    const got = parseTemplateArgv([
      "python3",
      "./cmc-templates.py",
      "--template_name",
      "cmc-e2e",
      "--config_file",
      "cypress.atvm-config-gold.ts",
      "--exclude_partial_match",
      "atvm6-centos6.0",
      "atvm41-redhat6.0,atvm73-oracle6.0",
      "--containsVm=redhat9",
    ]);
    expect(got).toMatchObject({
      ok: true,
      value: {
        containsVm: "redhat9",
        excludePartialMatch: ["atvm6-centos6.0", "atvm41-redhat6.0", "atvm73-oracle6.0"],
        plugin: null,
        ignoreForceShutdown: false,
      },
    });
  });
  it("refuses an unknown option, a repeated option and a missing value, saying which", () => {
    const t = ["python3", "./cmc-templates.py", "--template_name", "cmc-e2e", "--config_file", "c.ts"];
    expect(parseTemplateArgv([...t, "--bogus"])).toEqual({
      ok: false,
      reason: expect.stringContaining("--bogus"),
    });
    expect(parseTemplateArgv([...t, "--template_name", "x"])).toEqual({
      ok: false,
      reason: expect.stringContaining("twice"),
    });
    expect(parseTemplateArgv([...t, "--containsVm"])).toEqual({
      ok: false,
      reason: expect.stringContaining("no value"),
    });
    expect(parseTemplateArgv([...t, "--ignore_force_shutdown=yes"])).toEqual({
      ok: false,
      reason: expect.stringContaining("takes no value"),
    });
    expect(parseTemplateArgv([...t, "--containsVm", "redhat9", "centos7"])).toEqual({
      ok: false,
      reason: expect.stringContaining('"centos7" belongs to no option'),
    });
    // argparse: an inline list value is the whole value; the next word is no part of it.
    expect(parseTemplateArgv([...t, "--specify_vms=atvm9-redhat9.7", "atvm19-redhat9.7"])).toEqual({
      ok: false,
      reason: expect.stringContaining('"atvm19-redhat9.7" belongs to no option'),
    });
    expect(parseTemplateArgv([...t, "-u"])).toEqual({
      ok: false,
      reason: expect.stringContaining("-u is not"),
    });
    expect(parseTemplateArgv([...t, "--"])).toEqual({
      ok: false,
      reason: expect.stringContaining("end of options"),
    });
  });
});

function planInput() {
  return {
    request: base({ containsVm: "redhat9.7", integration: "pure" }),
    root: "/root/cdc-e2e-cyp-12.17.4",
    toolVersion: "0.1.0",
    controller: "root@192.168.3.190",
    now: NOW,
  };
}

describe("plan", () => {
  it("R26 W2 W3 R23 steps in order: config check, watcher stop and state reset, template to the launch log, verification, watcher start, runner start", () => {
    const plan = buildPlan(planInput());
    expect(plan.steps.map((s) => s.name)).toEqual([...STEP_NAMES]);
    const step = (name: string) => plan.steps.find((s) => s.name === name);
    expect(step("config-check")?.argv).toEqual(["test", "-f", "cypress.atvm-config-gold.ts"]);
    // W3: a fixed script stops the stale watcher unit (hiding only "not loaded", R24) and moves its state aside.
    expect(step("watcher-stop")?.argv).toEqual([
      "sh",
      "-c",
      SYSTEMD_STOP_SCRIPT,
      "atvm-watcher-stop",
      "atvm-run-watcher@e2e-0327.service",
      "atvm-runner@e2e-0327.service",
    ]);
    expect(step("watcher-state-reset")?.argv).toEqual([
      "sh",
      "-c",
      STATE_RESET_SCRIPT,
      "atvm-state-reset",
      "/var/lib/atvm-run-watcher/e2e-0327",
    ]);
    expect(step("template")?.stdout).toBe("/tmp/e2e-0327.launch.log");
    expect(renderShellCommand(step("template")?.argv ?? [])).toBe(plan.templateCommand);
    expect(step("verify")?.expect).toEqual({
      hosts: null,
      specFolder: "cypress/e2e/generated",
      excluded: BLACKLIST_PATTERNS,
    });
    expect(step("watcher-start")?.argv.slice(3)).toEqual([
      "atvm-watcher-start",
      "atvm-run-watcher@e2e-0327.service",
    ]);
    // R26: the runner starts only while the watcher unit is active.
    expect(step("runner-start")?.argv.slice(3)).toEqual([
      "atvm-runner-start",
      "atvm-runner@e2e-0327.service",
      "atvm-run-watcher@e2e-0327.service",
    ]);
    expect(step("runner-start")?.env).toEqual({
      ATVM_RUNNER_COMMAND:
        "python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-0327",
      ATVM_RUNNER_WORKDIR: "/root/cdc-e2e-cyp-12.17.4",
      ATVM_RUNNER_LOG: "/tmp/e2e-0327.log",
    });
    expect(plan.runnerCommand).toBe(step("runner-start")?.env.ATVM_RUNNER_COMMAND);
  });
  it("R34 approve without watcher: no watcher start, still the stale-watcher reset, another id", () => {
    const withWatcher = buildPlan(planInput());
    const without = buildPlan({ ...planInput(), watcher: false });
    expect(without.steps.map((s) => s.name)).toEqual(STEP_NAMES.filter((n) => n !== "watcher-start"));
    expect(without.id).not.toBe(withWatcher.id);
  });
  it("R23 verification of an explicit list expects exactly those hosts", () => {
    const plan = buildPlan({
      ...planInput(),
      request: base({ specifyVms: ["atvm9-redhat9.7", "atvm19-redhat9.7"] }),
    });
    expect(plan.steps.find((s) => s.name === "verify")?.expect?.hosts).toEqual([
      "atvm9-redhat9.7",
      "atvm19-redhat9.7",
    ]);
  });
  it("the same request at another time has the same id and digest (the id binds content, not time)", () => {
    const a = buildPlan(planInput());
    const b = buildPlan({ ...planInput(), now: NOW + 1000 });
    expect([b.id, b.digest]).toEqual([a.id, a.digest]);
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(a.createdAt).toBe("2026-03-27T09:00:00.000Z");
    expect(a.expiresAt).toBe("2026-03-27T10:00:00.000Z");
  });
  test.prop([
    fc.constantFrom<Partial<RunRequest>>(
      { plugin: "fc" },
      { ignoreForceShutdown: false },
      { integration: "netapp" },
      { containsVm: "redhat9.6" },
      { configFile: "cypress.atvm-config-silver.ts" },
      { categorize: true },
      { buildName: "e2e-0328" },
      { excludePartialMatch: ["ubuntu"] },
    ),
  ])("R22 any change of an option gives another digest and id", (change) => {
    const a = buildPlan(planInput());
    const b = buildPlan({ ...planInput(), request: { ...planInput().request, ...change } });
    expect(b.digest).not.toBe(a.digest);
    expect(b.id).not.toBe(a.id);
  });
  it("R22 a blacklist or version change gives another id, also for an explicit list whose commands do not change", () => {
    const input = { ...planInput(), request: base({ specifyVms: ["atvm9-redhat9.7"] }) };
    const a = buildPlan(input);
    const b = buildPlan({ ...input, blacklist: [{ pattern: "atvm1-x1.0", reason: "R" }] });
    const c = buildPlan({ ...input, toolVersion: "0.2.0" });
    expect(b.digest).toBe(a.digest);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });
  it("R22 checkPlanFresh: fresh when nothing changed and within the expiry", () => {
    const plan = buildPlan(planInput());
    expect(checkPlanFresh(plan, plan.witness, NOW + 59 * 60_000)).toEqual({ fresh: true });
  });
  it("R22 checkPlanFresh refuses a stale plan and says what changed (Terraform-style)", () => {
    const plan = buildPlan(planInput());
    const current = {
      ...plan.witness,
      blacklistDigest: blacklistDigest([{ pattern: "atvm1-x1.0", reason: "R" }]),
      toolVersion: "0.2.0",
    };
    const got = checkPlanFresh(plan, current, NOW + 61 * 60_000);
    expect(got.fresh).toBe(false);
    if (!got.fresh) {
      expect(got.changes.map((c) => c.kind)).toEqual(["blacklistDigest", "toolVersion", "expired"]);
      expect(got.changes[1]).toEqual({ kind: "toolVersion", planned: "0.1.0", current: "0.2.0" });
    }
    expect(checkPlanFresh(plan, plan.witness, NOW + 10 * 60_000, 5 * 60_000)).toMatchObject({
      fresh: false,
      changes: [{ kind: "expired" }],
    });
    expect(checkPlanFresh(plan, plan.witness, NOW - 1)).toMatchObject({
      fresh: false,
      changes: [{ kind: "not-yet-created" }],
    });
  });
  it("R22 an edited step no longer matches the digest and is refused", () => {
    const plan = buildPlan(planInput());
    const steps = plan.steps.map((s) =>
      s.name === "template" ? { ...s, argv: [...s.argv, "--randomize", "99"] } : s,
    );
    const got = checkPlanFresh({ ...plan, steps }, plan.witness, NOW);
    expect(got).toMatchObject({ fresh: false, changes: [{ kind: "digest" }] });
    expect(parsePlanJson(JSON.parse(JSON.stringify({ ...plan, steps })))).toMatchObject({ ok: false });
  });
});

describe("atvm.plan.v1 JSON", () => {
  it("T5 a built plan survives JSON and validates", () => {
    const plan = buildPlan(planInput());
    expect(parsePlanJson(JSON.parse(JSON.stringify(plan)))).toEqual({ ok: true, plan });
  });
  it("T5 R26 refuses an unknown field, a wrong schema id and steps out of launch order", () => {
    const plan = JSON.parse(JSON.stringify(buildPlan(planInput())));
    expect(parsePlanJson({ ...plan, extra: 1 }).ok).toBe(false);
    expect(parsePlanJson({ ...plan, schema: "atvm.plan.v2" }).ok).toBe(false);
    const swapped = [...plan.steps];
    [swapped[5], swapped[6]] = [swapped[6], swapped[5]];
    const got = parsePlanJson({ ...plan, steps: swapped });
    expect(got).toMatchObject({ ok: false, problems: [expect.stringContaining("launch order")] });
  });
  it("T5 docs/plan.schema.json is the JSON Schema generated from the zod schema (regenerate with packages/commands/scripts/write-plan-schema.ts)", () => {
    const committed = JSON.parse(
      readFileSync(new URL("../../../docs/plan.schema.json", import.meta.url), "utf8"),
    );
    expect(committed).toEqual(planJsonSchema());
    expect(committed.required).toEqual(
      expect.arrayContaining([
        "id",
        "templateCommand",
        "runnerCommand",
        "steps",
        "witness",
        "createdAt",
        "expiresAt",
      ]),
    );
  });
});
