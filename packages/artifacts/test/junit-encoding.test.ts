/**
 * JUnit XML that declares ISO-8859-1 (Ant's `<junit>` task and Maven Surefire on a Latin-1 JVM
 * write `<?xml version="1.0" encoding="ISO-8859-1"?>`; the XML 1.0 spec §4.3.3 makes the
 * declaration authoritative) is decoded as declared, not as UTF-8 (Status you can trust §5).
 */
import { describe, expect, it } from "vitest";
import { type JunitEngine, parseJunitXml } from "../src/junit.ts";
import { declaredXmlEncoding, decodeArtifactText, decodeWindows1252 } from "../src/text-decode.ts";
import type { HostResultObservation } from "../src/types.ts";

/** `text` as single bytes (every code point must be < 256): how a Latin-1 producer writes it. */
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const ANT = (encoding: string) => `<?xml version="1.0" encoding="${encoding}"?>
<testsuite name="atvm41-redhat6.0" tests="2" failures="1" errors="0" skipped="0" time="1.5" timestamp="2026-03-27T08:00:00" hostname="ctl">
  <testcase classname="atvm41-redhat6.0" name="1. Vérifier la configuration" time="0.5"/>
  <testcase classname="atvm41-redhat6.0" name="2. Démarrer la VM" time="1.0">
    <failure message="Échec: réseau indisponible" type="AssertionError">Échec: réseau indisponible à 08:00</failure>
  </testcase>
</testsuite>
`;

const ENGINES: readonly JunitEngine[] = ["auto", "reference"];

describe.each(ENGINES)("declared encodings (%s engine)", (engine) => {
  it.each(["ISO-8859-1", "latin1", "windows-1252", "iso-8859-1"])(
    "W7 R17 encoding=%s is decoded as declared: the failure message keeps its accents",
    (encoding) => {
      const text = decodeArtifactText(latin1(ANT(encoding)));
      const r = parseJunitXml(
        text,
        { path: "reports/TEST-atvm41.xml", knownHosts: ["atvm41-redhat6.0"] },
        { engine },
      );
      expect(r.issues).toEqual([]);
      const host = r.observations.find((o): o is HostResultObservation => o.kind === "host-result");
      expect(host?.counts).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0 });
      expect(host?.testcases.map((t) => t.title)).toEqual(["Vérifier la configuration", "Démarrer la VM"]);
      expect(JSON.stringify(host)).toContain("Échec: réseau indisponible");
      expect(JSON.stringify(host)).not.toContain("\ufffd");
    },
  );
});

describe("decodeArtifactText", () => {
  it("UTF-8 stays UTF-8: no declaration, a UTF-8 declaration, a BOM", () => {
    const utf8 = new TextEncoder().encode(ANT("UTF-8"));
    expect(decodeArtifactText(utf8)).toBe(ANT("UTF-8"));
    const noDecl = new TextEncoder().encode('{"title":"Démarrer"}');
    expect(decodeArtifactText(noDecl)).toBe('{"title":"Démarrer"}');
    expect(decodeArtifactText(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe("A");
  });

  it("the same Latin-1 bytes read as UTF-8 would lose every accent (the bug this fixes)", () => {
    expect(new TextDecoder().decode(latin1(ANT("ISO-8859-1")))).toContain("\ufffd");
  });

  it("windows-1252's 0x80–0x9F table: € – “ ” and undefined bytes kept as C1", () => {
    expect(decodeWindows1252(new Uint8Array([0x80, 0x96, 0x93, 0x94, 0x81, 0xe9]))).toBe("€–“”\u0081é");
  });

  it("reads the label from single or double quotes, case-insensitive, only in a leading declaration", () => {
    expect(declaredXmlEncoding(latin1("<?xml version='1.0' encoding='Latin1'?><a/>"))).toBe("latin1");
    expect(declaredXmlEncoding(latin1('<a encoding="latin1"/>'))).toBeNull();
    expect(declaredXmlEncoding(latin1('<?xml version="1.0"?><a/>'))).toBeNull();
  });
});
