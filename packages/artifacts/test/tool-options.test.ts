import { describe, expect, it } from "vitest";
import { parseShellHistory } from "../src/shell-history.ts";
import {
  invocationArguments,
  isOptionWord,
  optionRecord,
  readToolArguments,
  scriptArguments,
} from "../src/tool-options.ts";

describe("the one option reader (argparse word rules)", () => {
  it("R2 R37 reads --opt value, --opt=value, bare flags and multi-valued options up to the next option", () => {
    const args = readToolArguments([
      "--template_name",
      "cmc-e2e",
      "--containsVm=redhat9",
      "--exclude_partial_match",
      "atvm6-centos6.0",
      "atvm41-redhat6.0,atvm73-oracle6.0",
      "--ignore_force_shutdown",
      "--specify_vms",
      " atvm9-redhat9.7 ,,atvm19-redhat9.7",
    ]);
    expect(args.value("template_name")).toBe("cmc-e2e");
    expect(args.value("containsVm")).toBe("redhat9");
    expect(args.list("exclude_partial_match")).toEqual([
      "atvm6-centos6.0",
      "atvm41-redhat6.0",
      "atvm73-oracle6.0",
    ]);
    expect(args.value("exclude_partial_match")).toBe("atvm6-centos6.0");
    expect(args.value("ignore_force_shutdown")).toBe(true);
    expect(args.list("ignore_force_shutdown")).toEqual([]);
    expect(args.list("specify_vms")).toEqual(["atvm9-redhat9.7", "atvm19-redhat9.7"]);
    expect(args.value("randomize")).toBeUndefined();
    expect(args.list("randomize")).toBeNull();
  });
  it("a repeated option keeps its last occurrence; an inline list value is the whole list", () => {
    const args = readToolArguments(["--build_name", "a", "--build_name=b", "--specify_vms=x,y", "z"]);
    expect(args.value("build_name")).toBe("b");
    expect(args.list("specify_vms")).toEqual(["x", "y"]);
    expect(args.occurrences.map((o) => o.flag)).toEqual(["--build_name", "--build_name", "--specify_vms"]);
    expect(optionRecord(args)).toEqual({ "--build_name": "b", "--specify_vms": "x,y" });
  });
  it("negative numbers are values, -- ends the options, words before the first option are positional", () => {
    expect(["-3", "-0.5", "-.5", "-", "--"].map(isOptionWord)).toEqual([false, false, false, false, false]);
    expect(["-u", "--x", "-3x", "--randomize=-3"].map(isOptionWord)).toEqual([true, true, true, true]);
    const args = readToolArguments(["stray", "--randomize", "-3", "--", "--categorize"]);
    expect(args.value("randomize")).toBe("-3");
    expect(args.positional).toEqual(["stray", "--categorize"]);
    expect(args.has("categorize")).toBe(false);
  });
  it("R36 scriptArguments: the words after the script, redirections and piped commands left out", () => {
    expect(
      scriptArguments(
        "cd /r && nohup python3 -u ./cmc-templates.py --exclude_partial_match 'a b' c > /tmp/x.log 2>&1 | tee y",
        "cmc-templates.py",
      ),
    ).toEqual(["--exclude_partial_match", "a b", "c"]);
    expect(scriptArguments("python3 ./run-sorry-cypress.py --build_name x", "cmc-templates.py")).toBeNull();
    expect(
      scriptArguments("python3 ./cmc-templates.py --template_name 'open", "cmc-templates.py"),
    ).toBeNull();
  });
  it("R37 invocationArguments reads every value of a multi-valued option from the recorded command", () => {
    const [obs] = parseShellHistory(
      "python3 ./cmc-templates.py --template_name cmc-e2e --specify_vms atvm9-redhat9.7 atvm19-redhat9.7\n",
      { path: ".bash_history" },
    ).observations;
    expect(obs?.options["--specify_vms"]).toBe("atvm9-redhat9.7"); // the record keeps the first word
    expect(obs === undefined ? null : invocationArguments(obs).list("specify_vms")).toEqual([
      "atvm9-redhat9.7",
      "atvm19-redhat9.7",
    ]);
  });
  it("invocationArguments falls back to the recorded options, keyed with or without --", () => {
    const args = invocationArguments({
      kind: "invocation",
      file: "h",
      tool: "run-sorry-cypress",
      command: "runner-wrapper.sh",
      buildName: "e2e-x",
      options: { build_name: "e2e-x", "--categorize": true },
      order: 0,
      at: null,
    });
    expect(args.value("build_name")).toBe("e2e-x");
    expect(args.has("categorize")).toBe(true);
  });
});
