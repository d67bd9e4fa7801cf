import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Core packages are pure (docs/architecture.md): the compiler (lib ES2023, no Node types) and
// Biome (noNodejsModules, noRestrictedGlobals) reject I/O; these calls still compile, so grep.
const CORE = ["errors", "artifacts", "engine", "status", "commands", "triage", "config"];
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew Date\s*\(\s*\)/, "new Date()"],
  [/\bMath\.random\s*\(/, "Math.random()"],
  [/\bprocess\./, "process"],
  [/\bperformance\.now\s*\(/, "performance.now()"],
  [/\bDateTime\.(now|local)\s*\(/, "DateTime.now()/local()"],
  [/\bSettings\.(defaultZone|now)\b/, "luxon Settings"],
  [/from\s+["']node:/, "node: import"],
  [/\bimport\s*\(\s*["']node:/, "node: dynamic import"],
  // `globalThis.process`, `globalThis["Date"]`, `globalThis?.fetch`: a way around the global deny-list.
  [/\bglobalThis\b/, "globalThis access"],
  [/\b(window|self|global)\s*(\.|\[|\?\.)/, "global object access"],
];

function sources(dir: string): string[] {
  let out: string[] = [];
  // A missing folder throws: a listed package that does not exist must fail, not pass on zero files.
  const entries = readdirSync(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out = out.concat(sources(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/**
 * Reviewed exceptions: file, the exact line shape, and why it is still pure. Each must still match
 * a line (a test below), so a stale entry fails instead of hiding a new use.
 */
const ALLOWED: readonly { file: string; line: RegExp; why: string }[] = [
  {
    file: "packages/artifacts/src/runner-log-bytes.ts",
    line: /^\s*globalThis as \{ TextDecoder\?: /,
    why: "feature-detects the WHATWG TextDecoder (no I/O, no state); a host without one gets the portable decoder",
  },
];

/** The forbidden uses in one source text, as `file:line what`. Comment lines are skipped (docstrings may name them). */
function offencesIn(file: string, text: string): string[] {
  const offences: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) return;
    if (ALLOWED.some((a) => a.file === file && a.line.test(line))) return;
    for (const [re, what] of FORBIDDEN) if (re.test(line)) offences.push(`${file}:${i + 1} ${what}`);
  });
  return offences;
}

describe("core purity", () => {
  for (const pkg of CORE) {
    it(`${pkg}/src exists, has sources, and reads no clock, randomness, process or global object`, () => {
      const dir = join("packages", pkg, "src");
      expect(existsSync(dir), `${dir} is listed as a core package but does not exist`).toBe(true);
      const files = sources(dir);
      expect(files.length, `${dir} has no .ts sources`).toBeGreaterThan(0);
      expect(files.flatMap((file) => offencesIn(file, readFileSync(file, "utf8")))).toEqual([]);
    });
  }
  it.each([
    "const t = Date.now();",
    "const p = globalThis.process;",
    'const D = globalThis["Date"];',
    "const f = globalThis?.fetch;",
    "const e = window.location;",
    'const fs = await import("node:fs");',
  ])("the check itself catches %s", (line) => {
    expect(offencesIn("x.ts", line)).not.toEqual([]);
  });
  it("the check leaves a plain pure line alone", () => {
    expect(offencesIn("x.ts", "const at = new Date(ms).toISOString();")).toEqual([]);
  });
  it.each(ALLOWED)("the reviewed exception in $file still exists ($why)", ({ file, line }) => {
    expect(
      readFileSync(file, "utf8")
        .split("\n")
        .some((l) => line.test(l)),
    ).toBe(true);
  });
  it("a missing package folder fails the listing instead of passing on zero files", () => {
    expect(() => sources(join("packages", "no-such-package", "src"))).toThrow();
  });
});
