import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { decodeUtf8, escapePathBytes, hasByteEscape, unescapePath } from "../src/collect-utf8.ts";

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

describe("decodeUtf8: the project rule (BOM stripped, invalid → U+FFFD)", () => {
  it("strips one leading UTF-8 BOM, keeps a second one and a BOM elsewhere", () => {
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x3c, 0x61]))).toBe("<a");
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]))).toBe("\uFEFF");
    expect(decodeUtf8(Uint8Array.from([0x61, 0xef, 0xbb, 0xbf]))).toBe("a\uFEFF");
  });
  it("turns each maximal invalid subpart into one U+FFFD", () => {
    expect(decodeUtf8(Uint8Array.from([0x61, 0xff, 0xe2, 0x82, 0x62]))).toBe("a\uFFFD\uFFFDb");
  });
});

describe("escapePathBytes / unescapePath (the one escaping of byte names)", () => {
  it("keeps UTF-8, writes other bytes as \\xHH and a backslash as \\\\", () => {
    expect(escapePathBytes(Uint8Array.from([0x66, 0xff, 0x2f, 0x5c, 0xc3, 0xa9]))).toBe("f\\xff/\\\\é");
    expect(escapePathBytes(new TextEncoder().encode("test-result-0a1b.xml"))).toBe("test-result-0a1b.xml");
  });
  test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 2000 })("round-trips any bytes", (bytes) => {
    expect([...unescapePath(escapePathBytes(bytes))]).toEqual([...bytes]);
  });
  test.prop([fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 })])(
    "is injective: different bytes never share a name",
    (a, b) => {
      fc.pre(a.join() !== b.join());
      expect(escapePathBytes(a)).not.toBe(escapePathBytes(b));
    },
  );
  test.prop([fc.uint8Array({ maxLength: 32 })])(
    "hasByteEscape is true exactly when the bytes are not UTF-8",
    (bytes) => {
      let valid = true;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      expect(hasByteEscape(escapePathBytes(bytes))).toBe(!valid);
    },
  );
});
