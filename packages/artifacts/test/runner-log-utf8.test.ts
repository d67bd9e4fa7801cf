import { describe, expect, it } from "vitest";
import { decodeUtf8 } from "../src/index.ts";

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe("decodeUtf8: the one UTF-8 rule (WHATWG utf-8 decode)", () => {
  it("strips a leading BOM", () => {
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x41))).toBe("A");
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf))).toBe("");
  });

  it("keeps a BOM that is not leading, and a leading one counts from start", () => {
    expect(decodeUtf8(bytes(0x41, 0xef, 0xbb, 0xbf))).toBe("A\uFEFF");
    expect(decodeUtf8(bytes(0x41, 0xef, 0xbb, 0xbf, 0x42), 1)).toBe("B");
    expect(decodeUtf8(bytes(0x41, 0xef, 0xbb, 0xbf, 0x42), 0, 2)).toBe("A\uFFFD");
  });

  it("turns invalid and truncated sequences into U+FFFD, one per maximal subpart", () => {
    expect(decodeUtf8(bytes(0xff))).toBe("\uFFFD");
    expect(decodeUtf8(bytes(0xe2, 0x82))).toBe("\uFFFD"); // truncated € (E2 82 AC)
    expect(decodeUtf8(bytes(0xc0, 0xaf))).toBe("\uFFFD\uFFFD"); // overlong "/"
    expect(decodeUtf8(bytes(0xed, 0xa0, 0x80))).toBe("\uFFFD\uFFFD\uFFFD"); // surrogate D800
    expect(decodeUtf8(bytes(0xef, 0xbb))).toBe("\uFFFD"); // half a BOM is not a BOM
  });
});
