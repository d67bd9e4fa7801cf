import { buildSnapshot, hostEntry } from "@atvm-watch/testing";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../src/default-catalog.ts";
import { baseClassOf, digestRun } from "../src/digest.ts";
import { failed } from "./helpers.ts";

describe("T1 failure digests", () => {
  const snapshot = buildSnapshot({
    progress: "finished",
    hosts: [
      hostEntry("atvm9-redhat9.7", "PASS"),
      failed(
        "atvm23-redhat9.4",
        1,
        "cy.exec('ssh root@atvm23-redhat9.4 true') failed: Permission denied (publickey,password)",
        { class: "hook" },
      ),
      failed("atvm22-redhat9.2", 7, "Migration session status: Error - source disk /dev/sdb not found", {
        source: "reporter-json",
      }),
      failed("atvm30-redhat9.5", 4, "Expected 'Dashboard' to equal 'Login'", { class: "assertion" }),
      failed("atvm31-redhat9.5", 5, "something odd happened"),
      hostEntry("atvm41-redhat6.0", "SKIPPED", { reason: "BLACKLISTED: CMC INSTALL - CAN'T COMPILE" }),
    ],
  });
  const digests = digestRun(snapshot, DEFAULT_CATALOG);

  it("T1 every FAIL host gets exactly one digest, in host order, and no other host does", () => {
    expect(digests.map((d) => d.host)).toEqual([
      "atvm23-redhat9.4",
      "atvm22-redhat9.2",
      "atvm30-redhat9.5",
      "atvm31-redhat9.5",
    ]);
  });
  it("T1 the class comes from the matched signature, else from the evidence, else unknown", () => {
    expect(digests.map((d) => [d.class, d.baseClass, d.signature?.id ?? null])).toEqual([
      ["infrastructure", "hook", "ssh-permission-denied"],
      ["assertion", "unknown", "migration-session-error"],
      ["assertion", "assertion", null],
      ["unknown", "unknown", null],
    ]);
  });
  it("T1 a digest carries the first failing step, the message and the evidence it came from", () => {
    const d = digests[1];
    expect(d?.step).toBe(7);
    expect(d?.message).toBe("Migration session status: Error - source disk /dev/sdb not found");
    expect(d?.evidence).toEqual({
      path: "cypress/cmcReporter/xml/test-result-atvm22-redhat9.2.xml",
      field: "test err.message",
    });
    expect(d?.signature?.replay).toBe("replay-after-fix");
  });
  it("T1 an empty suite reads as the no-tests class", () => {
    expect(baseClassOf({ step: null, title: "", message: "no tests ran", source: "junit" })).toBe("no-tests");
    expect(baseClassOf({ step: null, title: "", message: "x", source: "junit", class: "crash" })).toBe(
      "crash",
    );
    expect(baseClassOf(undefined)).toBe("unknown");
  });
});
