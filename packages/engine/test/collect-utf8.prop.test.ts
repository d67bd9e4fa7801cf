import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { decodeUtf8 } from "../src/collect-utf8.ts";

describe("decodeUtf8 (property)", () => {
  test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 2000 })(
    "agrees with TextDecoder on any bytes",
    (bytes) => {
      expect(decodeUtf8(bytes)).toBe(new TextDecoder().decode(bytes));
    },
  );
  test.prop([fc.string({ unit: "binary", maxLength: 200 })])("round-trips any well-formed text", (text) => {
    const wellFormed = new TextDecoder().decode(new TextEncoder().encode(text));
    expect(decodeUtf8(new TextEncoder().encode(wellFormed))).toBe(wellFormed);
  });
});
