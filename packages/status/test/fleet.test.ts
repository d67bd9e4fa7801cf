// The fleet view (issue 9 "Fleet view"): one summary line, one section per controller in the fixed
// layout (R29), unreachable controllers as their own sections, and the atvm.fleet.v1 contract.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type FleetEntry,
  fleetJsonSchema,
  fleetSummary,
  parseFleetJson,
  renderFleetMarkdown,
  renderFleetText,
  renderText,
  toFleetJson,
  toStatusJson,
} from "../src/index.ts";
import { host, snapshot } from "./helpers.ts";

const UTC = { zone: "UTC" } as const;
const running = snapshot({ build: "e2e-a", state: "RUNNING", hosts: [host("atvm9-redhat9.7", "RUNNING")] });
const failed = snapshot({ build: "e2e-b", state: "FAILED", hosts: [host("atvm22-redhat9.2", "FAIL")] });
const entries: FleetEntry[] = [
  { controller: "ctl-12", root: "/root/cdc", snapshot: running, render: UTC },
  { controller: "root@ctl-13", root: "/root/cdc", snapshot: failed, render: UTC },
  {
    controller: "ctl-14",
    root: "/root/cdc",
    problem: "UNREACHABLE",
    message: "[ssh ctl-14] Connection refused: the controller cannot be reached",
  },
];

describe("atvm.fleet.v1 and the fleet view", () => {
  it("issue 9: the summary line counts controllers by run state and problem", () => {
    expect(fleetSummary(entries)).toBe("FLEET 3 controllers: 1 RUNNING, 1 FINISHED (FAILED), 1 UNREACHABLE");
    expect(fleetSummary(entries.slice(0, 1))).toBe("FLEET 1 controller: 1 RUNNING");
  });

  it("R29 issue 9: one section per controller in the fixed layout; the unreachable one is shown, never as a run state", () => {
    const text = renderFleetText(entries);
    expect(text.split("\n")[0]).toBe(fleetSummary(entries));
    expect(text).toContain(`== ctl-12:/root/cdc - RUNNING ==\n\n${renderText(running, UTC)}`);
    expect(text).toContain(`== root@ctl-13:/root/cdc - FINISHED (FAILED) ==\n\n${renderText(failed, UTC)}`);
    expect(text).toContain("== ctl-14:/root/cdc - UNREACHABLE ==\n\n  [ssh ctl-14] Connection refused");
    expect(text).not.toContain("HUNG");
    const md = renderFleetMarkdown(entries);
    expect(md.split("\n")[0]).toBe(`**${fleetSummary(entries)}**`);
    expect(md.match(/^### /gm)?.length).toBe(3);
  });

  it("issue 9: toFleetJson validates against the schema and embeds atvm.status.v1 per reachable controller", () => {
    const json = toFleetJson(entries);
    expect(parseFleetJson(JSON.parse(JSON.stringify(json))).ok).toBe(true);
    expect(json.counts).toEqual({ RUNNING: 1, FAILED: 1, UNREACHABLE: 1 });
    expect(json.controllers[1]).toEqual({
      controller: "root@ctl-13",
      root: "/root/cdc",
      status: toStatusJson(failed, UTC),
    });
    const bad = parseFleetJson({
      ...json,
      controllers: [{ controller: "x", root: "/", problem: "HUNG", message: "" }],
    });
    expect(bad.ok).toBe(false);
  });

  it("T5 docs/fleet.schema.json is the JSON Schema (draft 2020-12) generated from the zod schema", () => {
    const committed = JSON.parse(
      readFileSync(new URL("../../../docs/fleet.schema.json", import.meta.url), "utf8"),
    );
    expect(committed).toEqual(fleetJsonSchema());
    expect(committed.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });
});
