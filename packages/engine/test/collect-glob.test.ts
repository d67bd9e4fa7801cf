import { describe, expect, it } from "vitest";
import { globToRegExp, staticPrefix } from "../src/collect-glob.ts";
import { decodeUtf8 } from "../src/collect-utf8.ts";

describe("globToRegExp", () => {
  const m = (pattern: string, path: string): boolean => globToRegExp(pattern).test(path);
  it("* stays inside one segment", () => {
    expect(
      m("cypress/cmcReporter/xml/test-result-*.xml", "cypress/cmcReporter/xml/test-result-0a1b.xml"),
    ).toBe(true);
    expect(
      m("cypress/cmcReporter/xml/test-result-*.xml", "cypress/cmcReporter/xml/sub/test-result-0a1b.xml"),
    ).toBe(false);
    expect(m("cypress/cmcReporter/logs/*/*.json", "cypress/cmcReporter/logs/atvm41-redhat6.0/a.json")).toBe(
      true,
    );
    expect(m("cypress/cmcReporter/logs/*/*.json", "cypress/cmcReporter/logs/a.json")).toBe(false);
  });
  it("** matches zero or more whole segments", () => {
    const p = "cypress/cmcReporter/**/test-result-*.xml";
    expect(m(p, "cypress/cmcReporter/test-result-1.xml")).toBe(true);
    expect(m(p, "cypress/cmcReporter/redhat/xml/test-result-1.xml")).toBe(true);
    expect(m(p, "cypress/cmcReporterX/test-result-1.xml")).toBe(false);
    expect(m("a/**", "a/b/c")).toBe(true);
  });
  it("? is one non-slash character and regex specials are literal", () => {
    expect(m("a?.log", "ab.log")).toBe(true);
    expect(m("a?.log", "a/.log")).toBe(false);
    expect(m("cypress.atvm-config-gold.ts", "cypressXatvm-config-gold.ts")).toBe(false);
    expect(m("/tmp/(x)+[y].log", "/tmp/(x)+[y].log")).toBe(true);
  });
  it("staticPrefix is the folder before the first wildcard segment", () => {
    expect(staticPrefix("cypress/cmcReporter/**/test-result-*.xml")).toBe("cypress/cmcReporter");
    expect(staticPrefix("cypress/cmcReporter/logs/*/*.json")).toBe("cypress/cmcReporter/logs");
    expect(staticPrefix("*.md")).toBe("");
    expect(staticPrefix("/tmp/*.log")).toBe("/tmp");
  });
});

describe("decodeUtf8", () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  it("decodes ASCII, multi-byte and astral characters, and drops a BOM", () => {
    const text = "atvm41 ✓ é 😀 done";
    expect(decodeUtf8(new Uint8Array(Buffer.from(text, "utf8")))).toBe(text);
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x41))).toBe("A");
  });
  it("replaces invalid and truncated sequences with U+FFFD like TextDecoder", () => {
    for (const input of [
      bytes(0x41, 0xff, 0x42),
      bytes(0xe2, 0x9c),
      bytes(0xc0, 0xaf),
      bytes(0xed, 0xa0, 0x80),
      bytes(0xf0, 0x9f, 0x98),
    ]) {
      expect(decodeUtf8(input)).toBe(new TextDecoder().decode(input));
    }
  });
  it("decodes a long ASCII buffer across chunk boundaries", () => {
    const text = `${"x".repeat(20_000)}é${"y".repeat(9000)}`;
    expect(decodeUtf8(new Uint8Array(Buffer.from(text, "utf8")))).toBe(text);
  });
});
