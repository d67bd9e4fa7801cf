import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_RUNNER_LOG_PATTERNS } from "@atvm-watch/artifacts";
import { isAtvmError } from "@atvm-watch/engine";
import { createMemorySource } from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import { type AtvmConfig, configJsonSchema, extraRootsOf, layoutOf, loadConfig } from "../src/config.ts";
import { configFilePath } from "../src/file-keys.ts";

/** Loads `text` as the config file `c.json` of a memory source. */
async function load(text: string): Promise<AtvmConfig | null> {
  return loadConfig(createMemorySource({ "c.json": text }), "c.json");
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAtvmError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("did not throw");
}

describe("config", () => {
  it("rejects an unknown log pattern name (docs/config.md)", async () => {
    expect((await errorOf(load('{ "logPatterns": { "runurl": "x" } }'))).message).toMatch(/logPatterns/);
  });

  it("§4 §5 logPrefixes compile with RE2; a refused or empty-matching prefix is a config error naming its index", async () => {
    await expect(load('{ "logPrefixes": ["\\\\S+ \\\\| pid=\\\\d+ \\\\| "] }')).resolves.not.toBeNull();
    expect((await errorOf(load('{ "logPrefixes": ["(a)\\\\1"] }'))).message).toMatch(/logPrefixes\[0\].*RE2/);
    expect((await errorOf(load('{ "logPrefixes": ["x*"] }'))).message).toMatch(/empty prefix/);
  });

  it("accepts (x+x+)+y (run on the linear RE2 engine) and refuses a lookahead, naming the pattern", async () => {
    await expect(load('{ "logPatterns": { "rendererCrash": "(x+x+)+y" } }')).resolves.not.toBeNull();
    expect((await errorOf(load('{ "logPatterns": { "runUrl": "(?=a)(?<url>a)" } }'))).message).toMatch(
      /runner-log pattern "runUrl" does not compile with the linear-time engine RE2/,
    );
  });

  it("accepts the examples' shape and maps paths over the default layout", async () => {
    const config = await load(
      '{ "paths": { "runnerLog": "tmp/{build}.log", "history": ".bash_history" }, "timeZone": "Europe/Berlin" }',
    );
    const layout = layoutOf(config ?? {});
    expect(layout["runner-log"]).toEqual(["tmp/{build}.log"]);
    expect(layout["shell-history"]).toEqual([".bash_history"]);
    expect(layout.junit).toEqual([
      "cypress/cmcReporter/xml/test-result-*.xml",
      "cypress/cmcReporter/**/test-result-*.xml",
    ]);
  });

  it("lists every schema problem on its own line with its JSON path", async () => {
    const { code, message } = await errorOf(
      load(
        '{ "paths": { "runnerLog": 7 }, "knownHosts": ["ok-host", "bad host"], "timeZone": "Mars/Base", "colour": 1 }',
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

  it("names the file for invalid JSON and for a missing file; a missing optional file is no config", async () => {
    expect(await errorOf(load("{ not json"))).toMatchObject({ code: "CONFIG_INVALID" });
    const empty = createMemorySource({});
    expect(
      await errorOf(loadConfig(empty, "atvm.config.json", { file: "/r/atvm.config.json" })),
    ).toMatchObject({
      code: "CONFIG_NOT_FOUND",
      message: expect.stringContaining("/r/atvm.config.json"),
    });
    expect(await loadConfig(empty, "atvm.config.json", { optional: true })).toBeNull();
  });

  it("rejects a log pattern that is not a regular expression, and a pattern name that does not exist", async () => {
    expect((await errorOf(load('{ "logPatterns": { "runUrl": "(" } }'))).message).toMatch(
      /logPatterns\.runUrl: must be a valid regular expression/,
    );
    expect((await errorOf(load('{ "logPatterns": { "runURL": "x" } }'))).message).toMatch(/logPatterns/);
    expect(await load('{ "logPatterns": { "suiteHost": "^  (?<host>atvm\\\\d+-\\\\S+)$" } }')).toMatchObject({
      logPatterns: { suiteHost: expect.any(String) },
    });
  });

  it("reads at most 1 MiB + 1 byte and rejects a larger file, naming it", async () => {
    const source = createMemorySource({ "big.json": `{"$schema":"${"x".repeat(2 * 1024 * 1024)}"}` });
    const error = await errorOf(loadConfig(source, "big.json", { file: "/r/big.json" }));
    expect(error).toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(/\/r\/big\.json is larger than 1 MiB/),
    });
    expect(source.reads.map((r) => r.bytes)).toEqual([1024 * 1024 + 1]);
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

  it("docs/config.md names every key of the schema and every logPatterns name", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../../docs/config.md"), "utf8");
    const schema = configJsonSchema() as {
      properties: Record<string, unknown> & { paths: { properties: Record<string, unknown> } };
    };
    const keys = [
      ...Object.keys(schema.properties).filter((k) => k !== "$schema"),
      ...Object.keys(schema.properties.paths.properties).map((k) => `paths.${k}`),
      ...Object.keys(DEFAULT_RUNNER_LOG_PATTERNS),
    ];
    expect(keys.filter((k) => !doc.includes(`\`${k}\``))).toEqual([]);
  });

  it("T4 T2 baseline and signatures are optional file keys; empty or NUL values are refused naming the key", async () => {
    await expect(
      load('{ "baseline": "base.json", "signatures": "/etc/atvm/signatures.json" }'),
    ).resolves.toEqual({
      baseline: "base.json",
      signatures: "/etc/atvm/signatures.json",
    });
    const empty = await errorOf(load('{ "baseline": "" }'));
    expect(empty.code).toBe("CONFIG_INVALID");
    expect(empty.message).toMatch(/^ {2}baseline: /m);
    expect((await errorOf(load('{ "signatures": "a\\u0000b" }'))).message).toMatch(/^ {2}signatures: .*NUL/m);
  });

  it("T4 a file key is relative to the config file's folder; absolute kept; ~/ is $HOME", () => {
    const file = "/srv/atvm/conf/atvm.config.json";
    expect(configFilePath("base.json", file, "/root", "baseline")).toBe("/srv/atvm/conf/base.json");
    expect(configFilePath("./b/../base.json", file, "/root", "baseline")).toBe("/srv/atvm/conf/base.json");
    expect(configFilePath("../baselines/0326.json", file, "/root", "baseline")).toBe(
      "/srv/atvm/baselines/0326.json",
    );
    expect(configFilePath("/var/lib/base.json", file, "/root", "baseline")).toBe("/var/lib/base.json");
    expect(configFilePath("~/base.json", file, "/home/qa", "baseline")).toBe("/home/qa/base.json");
  });

  it("T4 a ~/ file key without $HOME is CONFIG_INVALID naming the key, the file and the fix", () => {
    let caught: unknown;
    try {
      configFilePath("~/base.json", "/srv/atvm.config.json", undefined, "baseline");
    } catch (error) {
      caught = error;
    }
    expect(isAtvmError(caught) && caught.code).toBe("CONFIG_INVALID");
    expect((caught as Error).message).toBe(
      '"baseline" in /srv/atvm.config.json starts with ~/ but $HOME is not set; write an absolute path or one relative to the config file',
    );
  });
});
