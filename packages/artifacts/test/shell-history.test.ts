import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parseShellHistory, splitShellWords } from "../src/shell-history.ts";

const meta = { path: ".bash_history" };

const TEMPLATE =
  "python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts " +
  "--containsVm redhat9.7 --integration_type pure --use_specified_plugin fc --ignore_force_shutdown " +
  "--exclude_partial_match 'atvm6-centos6.0,atvm41-redhat6.0,atvm73-oracle6.0'";
const RUNNER =
  "python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name=e2e-redhat9.7-fc --categorize";

const HISTORY = [
  "#1772960000",
  "ls -la /tmp",
  "#1772960100",
  `sshpass -p 'S3cr3t!' ssh -o StrictHostKeyChecking=no -p 22 root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && ${TEMPLATE}"`,
  "#1772960200",
  `ssh -t root@192.168.3.190 'cd /root/cdc-e2e-cyp-12.17.4 && nohup ${RUNNER} > /tmp/e2e-redhat9.7-fc.log 2>&1 &'`,
  "grep run-sorry-cypress.py ~/.bash_history",
  "vim cmc-templates.py",
  "",
].join("\n");

describe("parseShellHistory", () => {
  const r = parseShellHistory(HISTORY, meta);

  it("R36 keeps the exact template command, untrimmed, without the sshpass/ssh wrapper and cd", () => {
    expect(r.issues).toEqual([]);
    expect(r.observations.map((o) => [o.tool, o.command])).toEqual([
      ["cmc-templates", TEMPLATE],
      ["run-sorry-cypress", `nohup ${RUNNER} > /tmp/e2e-redhat9.7-fc.log 2>&1`],
    ]);
  });

  it("R19 gives each invocation its order and HISTTIMEFORMAT time so the latest run can be found", () => {
    expect(r.observations.map((o) => [o.order, o.at])).toEqual([
      [0, 1_772_960_100_000],
      [1, 1_772_960_200_000],
    ]);
  });

  it("R35 parses options: --flag value, --flag=value, bare flags, quoted values", () => {
    expect(r.observations[0]?.options).toEqual({
      "--template_name": "cmc-e2e",
      "--config_file": "cypress.atvm-config-gold.ts",
      "--containsVm": "redhat9.7",
      "--integration_type": "pure",
      "--use_specified_plugin": "fc",
      "--ignore_force_shutdown": true,
      "--exclude_partial_match": "atvm6-centos6.0,atvm41-redhat6.0,atvm73-oracle6.0",
    });
    expect(r.observations[0]?.buildName).toBeNull();
    expect(r.observations[1]?.options).toEqual({
      "--config_file": "cypress.atvm-config-gold.ts",
      "--build_name": "e2e-redhat9.7-fc",
      "--categorize": true,
    });
    expect(r.observations[1]?.buildName).toBe("e2e-redhat9.7-fc");
  });

  it("R36 emits every tool command chained on one line with && or ;", () => {
    const line = `cd ~/cdc && python3 cmc-templates.py --template_name cmc-reboot --specify_vms "atvm7-ubuntu24.04 atvm9-debian12" ; ./run-sorry-cypress.py --build_name reboot-0401`;
    const found = parseShellHistory(`${line}\n`, meta).observations;
    expect(found.map((o) => [o.tool, o.command, o.buildName, o.at])).toEqual([
      [
        "cmc-templates",
        'python3 cmc-templates.py --template_name cmc-reboot --specify_vms "atvm7-ubuntu24.04 atvm9-debian12"',
        null,
        null,
      ],
      ["run-sorry-cypress", "./run-sorry-cypress.py --build_name reboot-0401", "reboot-0401", null],
    ]);
    expect(found[0]?.options["--specify_vms"]).toBe("atvm7-ubuntu24.04 atvm9-debian12");
  });

  it("R36 finds commands passed to the launch wrapper and inside escaped double quotes", () => {
    const wrapper = `./start-atvm-run.sh --build-name e2e-0327 --template cmc-e2e --template-command "python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts" --runner-command "python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-0327 --categorize"`;
    const escaped = `sshpass -p x ssh root@h "cd /root/a && python3 ./cmc-templates.py --template_name cmc-e2e --exclude_partial_match \\"atvm144-suse15.0\\""`;
    const found = parseShellHistory(`${wrapper}\n${escaped}\n`, meta).observations;
    expect(found.map((o) => o.command)).toEqual([
      "python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts",
      "python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-0327 --categorize",
      'python3 ./cmc-templates.py --template_name cmc-e2e --exclude_partial_match "atvm144-suse15.0"',
    ]);
    expect(found[2]?.options["--exclude_partial_match"]).toBe("atvm144-suse15.0");
  });

  it("joins a multi-line entry whose quote spans lines; reports one that never closes", () => {
    const multi =
      "python3 ./cmc-templates.py --template_name cmc-e2e --note 'line one\nline two' --categorize\n";
    const found = parseShellHistory(multi, meta).observations;
    expect(found[0]?.options).toEqual({
      "--template_name": "cmc-e2e",
      "--note": "line one\nline two",
      "--categorize": true,
    });
    const broken = parseShellHistory(
      "#1772960000\npython3 ./run-sorry-cypress.py --build_name 'oops\n#1772960100\nls\n",
      meta,
    );
    expect(broken.observations).toEqual([]);
    expect(broken.issues).toEqual([
      {
        file: ".bash_history",
        kind: "malformed",
        problem: expect.stringContaining("line 2: a quote never closes"),
      },
    ]);
  });

  it("an empty history is empty", () => {
    expect(parseShellHistory("", meta).issues[0]?.kind).toBe("empty");
  });
});

describe("splitShellWords", () => {
  it("removes quotes and escapes, keeps raw spans, drops redirection targets", () => {
    const text = `a 'b c' "d \\"e\\" \\$f" g\\ h $'i\\tj' 2>&1 >/tmp/x k | l && m`;
    const { pipelines, unterminated } = splitShellWords(text);
    expect(unterminated).toBe(false);
    expect(pipelines.map((p) => p.commands.map((c) => c.words.map((w) => w.value)))).toEqual([
      [["a", "b c", 'd "e" $f', "g h", "i\tj", "k"], ["l"]],
      [["m"]],
    ]);
    expect(text.slice(pipelines[0]?.start, pipelines[0]?.end)).toBe(text.slice(0, text.indexOf(" &&")));
  });

  test.prop([fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 6 })])(
    "single-quoting any words round-trips their values",
    (words) => {
      const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
      const { pipelines, unterminated } = splitShellWords(quoted);
      expect(unterminated).toBe(false);
      expect(pipelines.flatMap((p) => p.commands.flatMap((c) => c.words.map((w) => w.value)))).toEqual(words);
    },
  );
});
