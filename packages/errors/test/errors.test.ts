import { describe, expect, it } from "vitest";
import {
  AtvmError,
  commandExitStatus,
  ERROR_CODES,
  EXIT_CLASSES,
  exitClassOf,
  isAtvmError,
  serviceExitStatus,
} from "../src/index.ts";

describe("@atvm-watch/errors", () => {
  it("an AtvmError carries its code, message, cause and its code's exit class", () => {
    const cause = new Error("ENOENT");
    const error = new AtvmError("ROOT_NOT_FOUND", "root /nope does not exist; pass --root", { cause });
    expect([error.name, error.code, error.message, error.cause, error.exitClass]).toEqual([
      "AtvmError",
      "ROOT_NOT_FOUND",
      "root /nope does not exist; pass --root",
      cause,
      "config",
    ]);
    expect(isAtvmError(error)).toBe(true);
    expect(isAtvmError(new Error("plain"))).toBe(false);
  });

  // The exit statuses the CLI documents in its --help (2 bad input; watch: 78 EX_CONFIG, keep polling
  // for a build not started yet, R26), written out here rather than read from the table.
  it.each([
    ["USAGE", 2, 78],
    ["INVALID_NAME", 2, 78],
    ["INVALID_PATH", 2, 78],
    ["CONFIG_INVALID", 2, 78],
    ["CONFIG_NOT_FOUND", 2, 78],
    ["ROOT_NOT_FOUND", 2, 78],
    ["BUILD_NOT_FOUND", 2, null],
    ["STATE_IO", 1, null],
    ["SSH_FAILED", 1, null],
    ["COMMAND_FAILED_TO_START", 1, null],
    ["ARTIFACT_UNREADABLE", 1, null],
  ] as const)(
    "R19 %s: an atvm command exits %d; atvm watch's first observation gives %s",
    (code, command, service) => {
      const error = new AtvmError(code, "x");
      expect(commandExitStatus(error)).toBe(command);
      expect(serviceExitStatus(error)).toBe(service);
    },
  );

  it("anything that is not an AtvmError, or carries an unknown code, is software: exit 1, keep polling", () => {
    const foreign = Object.assign(new Error("x"), { name: "AtvmError", code: "NO_SUCH_CODE" });
    for (const thrown of [new TypeError("bug"), "a string", undefined, foreign]) {
      expect(exitClassOf(thrown)).toBe("software");
      expect(commandExitStatus(thrown)).toBe(1);
      expect(serviceExitStatus(thrown)).toBeNull();
    }
  });

  it("a copy from another package instance is matched by name and code, not by class identity", () => {
    const copy = Object.assign(new Error("x"), { name: "AtvmError", code: "CONFIG_INVALID" });
    expect(exitClassOf(copy)).toBe("config");
  });

  it("every code names a known exit class", () => {
    for (const [code, { exitClass }] of Object.entries(ERROR_CODES))
      expect(Object.keys(EXIT_CLASSES), code).toContain(exitClass);
  });
});
