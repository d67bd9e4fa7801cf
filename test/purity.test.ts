import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Core packages are pure (docs/architecture.md): the compiler (lib ES2023, no Node types) and
// Biome (noNodejsModules, noRestrictedGlobals) reject I/O; these calls still compile, so grep.
const CORE = ["artifacts", "engine", "status", "commands", "config"];
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew Date\s*\(\s*\)/, "new Date()"],
  [/\bMath\.random\s*\(/, "Math.random()"],
  [/\bprocess\./, "process"],
  [/\bperformance\.now\s*\(/, "performance.now()"],
  [/\bDateTime\.(now|local)\s*\(/, "DateTime.now()/local()"],
  [/\bSettings\.(defaultZone|now)\b/, "luxon Settings"],
  [/from\s+["']node:/, "node: import"],
];

function sources(dir: string): string[] {
  let out: string[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out = out.concat(sources(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

describe("core purity", () => {
  it("finds the core packages' sources", () => {
    expect(sources(join("packages", "engine", "src")).length).toBeGreaterThan(0);
  });
  for (const pkg of CORE) {
    it(`${pkg}/src reads no clock, randomness or process`, () => {
      const offences: string[] = [];
      for (const file of sources(join("packages", pkg, "src"))) {
        const lines = readFileSync(file, "utf8").split("\n");
        lines.forEach((line, i) => {
          if (/^\s*(\*|\/\/)/.test(line)) return; // docstrings may mention them
          for (const [re, what] of FORBIDDEN) if (re.test(line)) offences.push(`${file}:${i + 1} ${what}`);
        });
      }
      expect(offences).toEqual([]);
    });
  }
  it("the check itself catches a clock read", () => {
    expect(FORBIDDEN.some(([re]) => re.test("const t = Date.now();"))).toBe(true);
  });
});
