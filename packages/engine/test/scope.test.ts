import { describe, expect, it } from "vitest";
import { isAtvmError } from "../src/errors.ts";
import {
  blacklistReason,
  checkExplicitHosts,
  DEFAULT_BLACKLIST,
  naturalCompare,
  parseBlacklist,
  resolveScope,
  selectorFromInvocation,
} from "../src/scope.ts";
import { invocation } from "./helpers/observations.ts";

const COMPILE = "BLACKLISTED: CMC INSTALL - CAN'T COMPILE";
const SUPPORT = "BLACKLISTED: SUPPORT REQUEST - WAITING";
const RECREATE = "BLACKLISTED: RE-CREATE MIGHT BE NEEDED";
const CRASHES = "CRASHES WHEN CREATING MIGRATION SESSION - BUG";

const FLEET = [
  "atvm6-centos6.0",
  "atvm7-ubuntu24.04",
  "atvm9-redhat9.7",
  "atvm41-redhat6.0",
  "atvm73-oracle6.0",
  "atvm113-debian9.0.0",
  "atvm114-debian12.1",
  "atvm115-debian9.1.0",
  "atvm116-debian9.2.0",
  "atvm144-suse15.0",
  "atvm145-suse15.4",
  "atvm156-debian9.3.0",
];

describe("blacklist", () => {
  it("R2/R13 DEFAULT_BLACKLIST holds every maintained host with its reason, word for word", () => {
    const expected: [string, string][] = [
      ["atvm6-centos6.0", COMPILE],
      ["atvm41-redhat6.0", COMPILE],
      ["atvm73-oracle6.0", COMPILE],
      ["atvm113-debian9.0.0", SUPPORT],
      ["atvm115-debian9.1.0", SUPPORT],
      ["atvm116-debian9.2.0", SUPPORT],
      ["atvm156-debian9.3.0", RECREATE],
      ["atvm144-suse15.0", CRASHES],
    ];
    for (const [pattern, reason] of expected) {
      expect(DEFAULT_BLACKLIST).toContainEqual({ pattern, reason });
    }
  });

  it("R2/R13 the blacklist is data: parseBlacklist rejects a bad entry with CONFIG_INVALID naming it", () => {
    const attempt = (data: unknown): unknown => {
      try {
        parseBlacklist(data, "ops/blacklist.json");
        return null;
      } catch (error) {
        return error;
      }
    };
    const noReason = attempt([{ reason: " ", patterns: ["atvm1-x1"] }]);
    expect(isAtvmError(noReason) && noReason.code === "CONFIG_INVALID").toBe(true);
    expect(String((noReason as Error).message)).toContain("ops/blacklist.json");
    const twice = attempt([
      { reason: "A", patterns: ["atvm1-x1"] },
      { reason: "B", patterns: ["atvm1-x1"] },
    ]);
    expect((twice as Error).message).toContain('"atvm1-x1" is listed twice');
    expect(attempt({ reason: "A" })).not.toBeNull();
    expect(parseBlacklist([{ reason: "R", patterns: ["atvm1-a1", "atvm2-b2"] }], "x")).toEqual([
      { pattern: "atvm1-a1", reason: "R" },
      { pattern: "atvm2-b2", reason: "R" },
    ]);
  });

  it("R2 partial-match semantics: atvm6-centos6.0 also excludes atvm6-centos6.0.1 (plain substring)", () => {
    expect(blacklistReason("atvm6-centos6.0")).toBe(COMPILE);
    expect(blacklistReason("atvm6-centos6.0.1")).toBe(COMPILE);
    expect(blacklistReason("atvm60-centos6.0")).toBeNull();
    expect(blacklistReason("atvm144-suse15.0")).toBe(CRASHES);
    expect(blacklistReason("atvm145-suse15.4")).toBeNull();
  });
});

describe("resolveScope", () => {
  it("R2 R3 containsVm: blacklisted hosts the selector would include are SKIPPED with their reason", () => {
    const scope = resolveScope({
      specPatternHosts: ["atvm114-debian12.1"],
      selector: { containsVm: "debian", excludePartialMatch: DEFAULT_BLACKLIST.map((e) => e.pattern) },
      knownHosts: FLEET,
    });
    expect(scope.source).toBe("spec-pattern");
    expect(scope.hosts).toEqual(["atvm114-debian12.1"]);
    expect(scope.skipped).toEqual([
      { host: "atvm113-debian9.0.0", reason: SUPPORT },
      { host: "atvm115-debian9.1.0", reason: SUPPORT },
      { host: "atvm116-debian9.2.0", reason: SUPPORT },
      { host: "atvm156-debian9.3.0", reason: RECREATE },
    ]);
  });

  it("R2 R3 containsVm without known hosts still lists the blacklisted hosts it matches", () => {
    const scope = resolveScope({ specPatternHosts: ["atvm145-suse15.4"], selector: { containsVm: "suse" } });
    expect(scope.skipped).toEqual([{ host: "atvm144-suse15.0", reason: CRASHES }]);
  });

  it("R2 R3 randomize lists every blacklisted host of the fleet as skipped", () => {
    const scope = resolveScope({
      specPatternHosts: ["atvm7-ubuntu24.04", "atvm9-redhat9.7"],
      selector: { randomize: 2 },
      knownHosts: FLEET,
    });
    expect(scope.skipped.map((s) => s.host).sort()).toEqual(DEFAULT_BLACKLIST.map((e) => e.pattern).sort());
  });

  it("R3 an --exclude_partial_match pattern of the command skips a non-blacklisted host, naming the pattern", () => {
    const scope = resolveScope({
      specPatternHosts: ["atvm9-redhat9.7"],
      selector: { containsVm: "redhat", excludePartialMatch: ["redhat9.7-old", "atvm41"] },
      knownHosts: [...FLEET, "atvm10-redhat9.7-old"],
    });
    expect(scope.skipped).toEqual([
      { host: "atvm41-redhat6.0", reason: COMPILE },
      { host: "atvm10-redhat9.7-old", reason: "excluded by --exclude_partial_match redhat9.7-old" },
    ]);
  });

  it("R3 a host the specs put in the scope is never listed as skipped, even when blacklisted", () => {
    const scope = resolveScope({
      specPatternHosts: ["atvm41-redhat6.0", "atvm9-redhat9.7"],
      selector: { containsVm: "redhat" },
      knownHosts: FLEET,
    });
    expect(scope.hosts).toEqual(["atvm41-redhat6.0", "atvm9-redhat9.7"]);
    expect(scope.skipped).toEqual([]);
  });

  it("R37 an explicit --specify_vms list gets no automatic excludes", () => {
    const scope = resolveScope({
      selector: { specifyVms: ["atvm41-redhat6.0", "atvm9-redhat9.7"] },
      knownHosts: FLEET,
    });
    expect(scope).toEqual({
      hosts: ["atvm41-redhat6.0", "atvm9-redhat9.7"],
      skipped: [],
      source: "explicit",
    });
  });

  it("R37 checkExplicitHosts returns the blacklisted hosts of an explicit list with their reasons", () => {
    expect(checkExplicitHosts(["atvm9-redhat9.7", "atvm144-suse15.0", "atvm6-centos6.0.1"])).toEqual([
      { host: "atvm144-suse15.0", reason: CRASHES },
      { host: "atvm6-centos6.0.1", reason: COMPILE },
    ]);
    expect(checkExplicitHosts(["atvm9-redhat9.7"])).toEqual([]);
    expect(checkExplicitHosts(["atvm9-redhat9.7"], [{ pattern: "redhat9", reason: "mine" }])).toEqual([
      { host: "atvm9-redhat9.7", reason: "mine" },
    ]);
  });

  it("R10 generated specs are the whole-run scope; specPattern hosts they miss are added, never dropped", () => {
    const scope = resolveScope({
      generatedSpecs: [
        "cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts",
        "cypress/e2e/generated/atvm9-redhat9.7.cy.ts",
      ],
      specPatternHosts: ["atvm9-redhat9.7", "atvm145-suse15.4"],
      knownHosts: FLEET,
    });
    expect(scope).toEqual({
      hosts: ["atvm7-ubuntu24.04", "atvm9-redhat9.7", "atvm145-suse15.4"],
      skipped: [],
      source: "generated-specs",
    });
  });

  it("R11 the bookkeeping spec check-xml-files.ts in the spec pattern is never a scope host", () => {
    const scope = resolveScope({ specPatternHosts: ["atvm9-redhat9.7", "check-xml-files"] });
    expect(scope.hosts).toEqual(["atvm9-redhat9.7"]);
    const fromSpecs = resolveScope({
      generatedSpecs: ["cypress/e2e/generated/atvm9-redhat9.7.cy.ts", "cypress/e2e/check-xml-files.ts"],
    });
    expect(fromSpecs.hosts).toEqual(["atvm9-redhat9.7"]);
  });

  it("R2 containsVm over the known hosts gives the scope when no spec is available", () => {
    const scope = resolveScope({ selector: { containsVm: "suse15" }, knownHosts: FLEET });
    expect(scope).toEqual({
      hosts: ["atvm145-suse15.4"],
      skipped: [{ host: "atvm144-suse15.0", reason: CRASHES }],
      source: "selector",
    });
    expect(resolveScope({}).source).toBe("artifacts");
  });
});

describe("selectorFromInvocation", () => {
  it("R2 R37 reads the selector and multi-valued excludes from the exact command", () => {
    const inv = invocation(
      "python3 ./cmc-templates.py --template_name cmc-e2e --containsVm redhat9 --exclude_partial_match atvm6-centos6.0 atvm41-redhat6.0,atvm73-oracle6.0 --ignore_force_shutdown",
      4,
    );
    expect(selectorFromInvocation(inv)).toEqual({
      containsVm: "redhat9",
      excludePartialMatch: ["atvm6-centos6.0", "atvm41-redhat6.0", "atvm73-oracle6.0"],
    });
    const explicit = invocation(
      "python3 ./cmc-templates.py --specify_vms atvm9-redhat9.7 atvm7-ubuntu24.04 --randomize 3",
      5,
    );
    expect(selectorFromInvocation(explicit)).toEqual({
      randomize: 3,
      specifyVms: ["atvm9-redhat9.7", "atvm7-ubuntu24.04"],
    });
  });
});

describe("scope order", () => {
  it("R10 lists hosts from generated specs in natural order, not folder byte order", () => {
    const scope = resolveScope({
      generatedSpecs: [
        "cypress/e2e/generated/atvm19-redhat9.7.cy.ts",
        "cypress/e2e/generated/atvm113-debian9.0.0.cy.ts",
        "cypress/e2e/generated/atvm9-redhat9.7.cy.ts",
      ],
    });
    expect(scope.hosts).toEqual(["atvm9-redhat9.7", "atvm19-redhat9.7", "atvm113-debian9.0.0"]);
  });
  it("naturalCompare is a total order that compares digit runs as numbers", () => {
    expect(["atvm10-a", "atvm9-a", "atvm9-a1", "atvm9-a"].sort(naturalCompare)).toEqual([
      "atvm9-a",
      "atvm9-a",
      "atvm9-a1",
      "atvm10-a",
    ]);
    expect(naturalCompare("atvm007-x", "atvm7-x")).not.toBe(0);
  });
});
