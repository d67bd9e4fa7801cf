import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { candidateHosts, containsHost, hostsIn } from "../src/hosts.ts";

// The reference: the plain linear definition of hostsIn.
function reference(text: string, known: readonly string[]): string[] {
  const found = known.filter((host) => containsHost(text, host));
  return found.filter((host) => !found.some((other) => other !== host && other.includes(host)));
}

const host = fc
  .tuple(
    fc.integer({ min: 1, max: 200 }),
    fc.constantFrom("ubuntu24.04", "redhat9.7", "debian9.0.0", "debian9.0", "suse15.0", "w2k25"),
    fc.boolean(),
  )
  .map(([n, distro, odd]) => (odd ? `vm${n}-${distro}` : `atvm${n}-${distro}`));

describe("indexed host lookup (R11)", () => {
  test.prop(
    [
      fc.uniqueArray(host, { minLength: 16, maxLength: 80 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.string(),
    ],
    {
      numRuns: 300,
    },
  )("R11 the indexed lookup finds exactly what the linear scan finds", (known, picks, noise) => {
    const named = picks.map((i) => known[i % known.length] as string);
    const text = `${noise}/${named.join(` ${noise} `)}.cy.ts ${named.map((h) => `x${h}`).join(" ")}`;
    expect(hostsIn(text, known)).toEqual(reference(text, known));
  });
});

describe("candidate hosts", () => {
  test.prop(
    [
      fc.uniqueArray(host, { minLength: 16, maxLength: 80 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      fc.string(),
    ],
    {
      numRuns: 200,
    },
  )("R11 every known host that occurs in the text is a candidate", (known, picks, noise) => {
    const text = `${noise}${picks.map((i) => known[i % known.length]).join("_")}`;
    const candidates = new Set(candidateHosts(text, known));
    for (const h of known) if (text.includes(h)) expect(candidates.has(h)).toBe(true);
  });
});
