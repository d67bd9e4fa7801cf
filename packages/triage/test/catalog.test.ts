import { isAtvmError } from "@atvm-watch/engine";
import { describe, expect, it } from "vitest";
import signatures from "../data/signatures.json" with { type: "json" };
import { loadCatalog, matchSignature } from "../src/catalog.ts";
import { DEFAULT_CATALOG } from "../src/default-catalog.ts";

function code(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return isAtvmError(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

const match = (message: string, extra: Partial<Parameters<typeof matchSignature>[1]> = {}) =>
  matchSignature(DEFAULT_CATALOG, {
    host: "atvm9-redhat9.7",
    step: 1,
    title: "t",
    message,
    baseClass: "unknown",
    ...extra,
  })?.entry.id ?? null;

// Messages the fleet really produces: the first five are the real-reporter fixtures' failures
// (test/fixtures/examples.mjs), the rest the wording of the tools named (OpenSSH, Cypress, CMC).
const FIXTURES: readonly [string, string, Partial<Parameters<typeof matchSignature>[1]>?][] = [
  [
    "cy.exec('ssh root@atvm23-redhat9.4 true') failed: Permission denied (publickey,password)",
    "ssh-permission-denied",
  ],
  [
    "Timed out retrying after 600000ms: VM atvm21-redhat9.0 did not report an IP address (VMware Tools not running)",
    "vm-no-ip",
  ],
  ["Migration session status: Error - source disk /dev/sdb not found", "migration-session-error"],
  ["expected md5 of /mnt/cmotion/data.bin to equal 'a41f0c9e' but got '00000000'", "checksum-mismatch"],
  ["cy.exec('cmc-uninstall') timed out after 300000ms", "cy-exec-timeout"],
  [
    "Finalize cutover: task 'cutover' ended in state FAILED: destination volume vol-19 is read-only",
    "datastore-problem",
  ],
  ["expected revert cmotion checksum 'd41d8cd9' to equal '9e107d9d'", "checksum-mismatch"],
  ["ssh: connect to host 10.20.0.41 port 22: Connection timed out", "ssh-connect-failed"],
  ["Powering on VM atvm41-redhat6.0 timed out after 900s", "vm-power-on-timeout"],
  ["We detected that the Chromium Renderer process just crashed.", "cypress-crash"],
  ["The Test Runner unexpectedly exited via a exit event with signal SIGILL", "cypress-crash"],
  [
    "We encountered an unexpected error communicating with our servers. We will retry 3 more times.",
    "cloud-api-error",
  ],
  [
    "Timed out retrying after 4000ms: Expected to find element: #migrate-btn, but never found it.",
    "cypress-timed-out-retrying",
  ],
  ["Creating migration session on atvm144-suse15.0: host crashed (kernel panic)", "migration-session-crash"],
  ["no tests ran", "no-tests-ran", { baseClass: "no-tests" }],
];

describe("T2 the default signature catalog", () => {
  it("T2 loads, and every shipped entry has a fixture that it matches first (first match wins)", () => {
    const ids = DEFAULT_CATALOG.signatures.map((s) => s.entry.id);
    for (const [message, id, extra] of FIXTURES) expect(match(message, extra), message).toBe(id);
    expect(new Set(FIXTURES.map(([, id]) => id))).toEqual(new Set(ids));
  });
  it("T2 every entry carries a class, a remediation hint and a replay policy", () => {
    for (const s of DEFAULT_CATALOG.signatures) {
      expect(s.entry.hint.length).toBeGreaterThan(10);
      expect(["replay", "replay-after-fix", "do-not-replay"]).toContain(s.entry.replay);
    }
  });
  it("T2 an unrelated message matches nothing", () => {
    expect(match("Expected 'Dashboard' to equal 'Login'")).toBeNull();
  });
  it("T2 the first matching entry wins, in file order", () => {
    const doc = {
      schema: "atvm.signatures.v1",
      signatures: [
        {
          id: "broad",
          match: { message: "timed out" },
          class: "timeout",
          hint: "broad hint",
          replay: "replay",
        },
        {
          id: "narrow",
          match: { message: "ssh.*timed out" },
          class: "infrastructure",
          hint: "narrow",
          replay: "replay",
        },
      ],
    };
    const cat = loadCatalog(doc, "t.json");
    expect(
      matchSignature(cat, { host: "h", step: 2, title: "", message: "ssh timed out", baseClass: "unknown" })
        ?.entry.id,
    ).toBe("broad");
  });
  it("T2 step, host and class conditions all have to hold", () => {
    const cat = loadCatalog(
      {
        schema: "atvm.signatures.v1",
        signatures: [
          {
            id: "s",
            match: { step: [2, 3], host: "redhat", class: "timeout" },
            class: "infrastructure",
            hint: "h h h h h h",
            replay: "replay",
          },
        ],
      },
      "t.json",
    );
    const base = { host: "atvm1-redhat9.7", step: 2, title: "", message: "", baseClass: "timeout" as const };
    expect(matchSignature(cat, base)).not.toBeNull();
    expect(matchSignature(cat, { ...base, step: 4 })).toBeNull();
    expect(matchSignature(cat, { ...base, step: null })).toBeNull();
    expect(matchSignature(cat, { ...base, host: "atvm1-ubuntu24.04" })).toBeNull();
    expect(matchSignature(cat, { ...base, baseClass: "assertion" })).toBeNull();
  });
});

describe("T2 catalog validation", () => {
  const one = (entry: Record<string, unknown>) => ({ schema: "atvm.signatures.v1", signatures: [entry] });
  const ok = { id: "a", match: { message: "x" }, class: "timeout", hint: "hint", replay: "replay" };
  it("T2 names the bad field of an invalid entry", () => {
    expect(code(() => loadCatalog(one({ ...ok, class: "flaky" }), "my.json"))).toMatch(
      /^CONFIG_INVALID: my\.json: signatures\.0\.class/,
    );
    expect(code(() => loadCatalog(one({ ...ok, extra: 1 }), "my.json"))).toMatch(
      /CONFIG_INVALID: my\.json: signatures\.0/,
    );
    expect(code(() => loadCatalog(one({ ...ok, match: {} }), "my.json"))).toMatch(/at least one field/);
  });
  it("T2 refuses a duplicated id and a regex RE2 cannot compile (backreference), naming it", () => {
    expect(code(() => loadCatalog({ schema: "atvm.signatures.v1", signatures: [ok, ok] }, "c.json"))).toMatch(
      /used twice/,
    );
    expect(code(() => loadCatalog(one({ ...ok, match: { message: "(a)\\1" } }), "c.json"))).toMatch(
      /signatures\.0 \(a\)\.match\.message: "\(a\)\\\\1" is not an RE2 regular expression/,
    );
  });
  it("T2 a catastrophic pattern is matched in linear time by the RE2 engine", () => {
    const cat = loadCatalog(one({ ...ok, match: { message: "(x+x+)+y" } }), "c.json");
    const input = {
      host: "h",
      step: 1,
      title: "",
      message: "x".repeat(50_000),
      baseClass: "unknown" as const,
    };
    expect(matchSignature(cat, input)).toBeNull(); // a backtracking engine takes ~forever here
  });
  it("T2 the shipped file is a valid catalog document", () => {
    expect(() => loadCatalog(signatures, "signatures.json")).not.toThrow();
  });
});
