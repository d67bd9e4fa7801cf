import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isAtvmError } from "@atvm-watch/engine";
import { afterAll, describe, expect, it } from "vitest";
import { configJsonSchema, extraRootsOf, layoutOf, loadConfig } from "../src/config.ts";
import { finishedRoot } from "./fixture.ts";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function configFile(text: string): string {
  const { root, write } = finishedRoot({ config: false });
  made.push(root);
  write("c.json", text);
  return join(root, "c.json");
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isAtvmError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("did not throw");
}

describe("config", () => {
  it("accepts the examples' shape and maps paths over the default layout", () => {
    const config = loadConfig(
      configFile(
        '{ "paths": { "runnerLog": "tmp/{build}.log", "history": ".bash_history" }, "timeZone": "Europe/Berlin" }',
      ),
    );
    const layout = layoutOf(config);
    expect(layout["runner-log"]).toEqual(["tmp/{build}.log"]);
    expect(layout["shell-history"]).toEqual([".bash_history"]);
    expect(layout.junit).toEqual([
      "cypress/cmcReporter/xml/test-result-*.xml",
      "cypress/cmcReporter/**/test-result-*.xml",
    ]);
  });

  it("lists every schema problem on its own line with its JSON path", () => {
    const { code, message } = errorOf(() =>
      loadConfig(
        configFile(
          '{ "paths": { "runnerLog": 7 }, "knownHosts": ["ok-host", "bad host"], "timeZone": "Mars/Base", "colour": 1 }',
        ),
      ),
    );
    expect(code).toBe("CONFIG_INVALID");
    const lines = message.split("\n");
    expect(lines[0]).toMatch(/c\.json is invalid/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}paths\.runnerLog: /));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}knownHosts\[1\]: must be a host name/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}timeZone: must be an IANA time zone/));
    expect(lines).toContainEqual(expect.stringMatching(/colour/));
  });

  it("names the file for invalid JSON and for a missing file", () => {
    expect(errorOf(() => loadConfig(configFile("{ not json")))).toMatchObject({ code: "CONFIG_INVALID" });
    expect(errorOf(() => loadConfig("/nonexistent/atvm.config.json"))).toMatchObject({
      code: "CONFIG_NOT_FOUND",
      message: expect.stringContaining("/nonexistent/atvm.config.json"),
    });
  });

  it("rejects a log pattern that is not a regular expression", () => {
    expect(errorOf(() => loadConfig(configFile('{ "logPatterns": { "runUrl": "(" } }'))).message).toMatch(
      /logPatterns\.runUrl: must be a valid regular expression/,
    );
  });

  it("rejects an unknown log pattern name (docs/config.md)", () => {
    expect(errorOf(() => loadConfig(configFile('{ "logPatterns": { "runurl": "x" } }'))).message).toMatch(
      /logPatterns/,
    );
  });

  it("accepts (x+x+)+y (run on the linear RE2 engine) and refuses a lookahead, naming the pattern", () => {
    expect(() => loadConfig(configFile('{ "logPatterns": { "rendererCrash": "(x+x+)+y" } }'))).not.toThrow();
    expect(
      errorOf(() => loadConfig(configFile('{ "logPatterns": { "runUrl": "(?=a)(?<url>a)" } }'))).message,
    ).toMatch(
      /logPatterns\.runUrl: runner-log pattern "runUrl" does not compile with the linear-time engine RE2/,
    );
  });

  it("allows exactly the folders of absolute and ~/ paths outside the root", () => {
    expect(extraRootsOf(layoutOf({}), "/root")).toEqual(["/root", "/tmp"]);
    expect(
      extraRootsOf(layoutOf({ paths: { runnerLog: "/var/log/atvm/{build}.log", history: "h" } }), undefined),
    ).toEqual(["/tmp", "/var/log/atvm"]);
  });

  it("the committed docs/atvm.config.schema.json matches the zod schema (regenerate with packages/cli/scripts/write-config-schema.ts)", () => {
    const committed = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../../docs/atvm.config.schema.json"), "utf8"),
    );
    expect(committed).toEqual(configJsonSchema());
  });
});
