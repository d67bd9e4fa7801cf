/**
 * The runner-log parser's regex-free ANSI strip (`stripAnsiLinear`, issue 11 P5) removes exactly
 * what the shared `stripAnsi` regex removes, on generated text dense in escape fragments: CSI with
 * parameters and intermediates, OSC ended by BEL or `ESC \`, unterminated and malformed sequences,
 * non-ASCII text around them.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { stripAnsiLinear } from "../src/runner-log/line-text.ts";
import { stripAnsi } from "../src/text.ts";

const PIECES = [
  "\u001b",
  "[",
  "]",
  "\u0007",
  "\\",
  "0",
  "1;31",
  "?",
  " ",
  "/",
  "m",
  "K",
  "@",
  "~",
  "\u007f",
  "x",
  "é",
  "│",
  "\u001b[",
  "\u001b]8;;http://a\u0007",
  "\u001b[39m",
  "\u001b]0;t\u001b\\",
  "\n",
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((p) => p.join(""));

describe("stripAnsiLinear", () => {
  test.prop([text], { numRuns: 3000 })("P5 same result as the stripAnsi regex", (t) => {
    expect(stripAnsiLinear(t)).toBe(stripAnsi(t));
  });

  it("P5 removes CSI and OSC, keeps what starts no sequence", () => {
    expect(stripAnsiLinear("a\u001b[1;31mb\u001b[0m")).toBe("ab");
    expect(stripAnsiLinear("\u001b]8;;https://x.io\u0007link\u001b]8;;\u001b\\!")).toBe("link!");
    expect(stripAnsiLinear("a\u001b[1;3")).toBe("a\u001b[1;3");
    expect(stripAnsiLinear("a\u001b]unterminated\u001b[0mb")).toBe("a\u001b]unterminatedb");
    expect(stripAnsiLinear("\u001b\u001b[m│")).toBe("\u001b│");
  });
});
