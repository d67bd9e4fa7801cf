import type { HostEntry } from "@atvm-watch/engine";
import { describe, expect, it } from "vitest";
import { MATTERMOST_MAX_CHARS, renderMarkdown } from "../src/index.ts";
import { host, markdownHostLines, snapshot } from "./helpers.ts";

const UTC = { zone: "UTC" } as const;
const runes = (text: string): number => [...text].length;

function fail(name: string, message: string): HostEntry {
  return host(name, "FAIL", { failure: { step: 6, title: "Install CMC", message, source: "junit" } });
}

describe("renderMarkdown fits one Mattermost post", () => {
  it("uses the 16,383-rune limit of Mattermost by default", () => {
    expect(MATTERMOST_MAX_CHARS).toBe(16_383);
  });

  it("renders a normal run in full, with no shortening note", () => {
    const md = renderMarkdown(snapshot(), UTC);
    expect(md).not.toContain("Shortened to fit");
    expect(markdownHostLines(md)).toContain(
      "atvm10-redhat9.6 - FAIL - step 6 (Install CMC): Timed out retrying after 4000ms: expected 'Installed' to be visible",
    );
  });

  it("R17 shortens long failure descriptions first and says so in NOTES, keeping every host line", () => {
    const hosts = Array.from({ length: 20 }, (_, i) => fail(`atvm${i + 1}-redhat9.7`, "x".repeat(5_000)));
    const md = renderMarkdown(snapshot({ hosts }), UTC);
    expect(runes(md)).toBeLessThanOrEqual(16_383);
    const lines = markdownHostLines(md);
    expect(lines).toHaveLength(20);
    for (const [i, line] of lines.entries()) {
      expect(line.startsWith(`atvm${i + 1}-redhat9.7 - FAIL - step 6 (Install CMC): xxx`)).toBe(true);
      expect(line.endsWith("…")).toBe(true);
    }
    expect(md).toContain(
      "Shortened to fit one Mattermost post (16,383 characters): 20 host descriptions shortened",
    );
    // The full test flow survives when shortening descriptions was enough.
    expect(md).toContain("22. Power off");
  });

  it("R8/R12 collapses PASS hosts into a counted line when hosts alone overflow, FAIL hosts still listed", () => {
    const hosts = [
      ...Array.from({ length: 700 }, (_, i) => host(`atvm${i + 1}-ubuntu24.04`, "PASS")),
      fail("atvm900-redhat9.7", "CMC installer exited 2"),
      fail("atvm901-redhat9.6", "no IP address after 600s"),
      host("atvm902-redhat9.5", "RUNNING"),
    ];
    const md = renderMarkdown(snapshot({ hosts }), UTC);
    expect(runes(md)).toBeLessThanOrEqual(16_383);
    const lines = markdownHostLines(md);
    expect(lines).toEqual([
      "(700 PASS hosts collapsed to fit one post)",
      "atvm900-redhat9.7 - FAIL - step 6 (Install CMC): CMC installer exited 2",
      "atvm901-redhat9.6 - FAIL - step 6 (Install CMC): no IP address after 600s",
      "atvm902-redhat9.5 - RUNNING",
    ]);
    expect(md).toContain("700 PASS hosts collapsed");
  });

  it("respects a smaller maxChars", () => {
    const hosts = Array.from({ length: 40 }, (_, i) => host(`atvm${i + 1}-ubuntu24.04`, "PASS"));
    const md = renderMarkdown(snapshot({ hosts }), { zone: "UTC", maxChars: 2_000 });
    expect(runes(md)).toBeLessThanOrEqual(2_000);
    expect(md).toContain("(40 PASS hosts collapsed to fit one post)");
  });

  it("R36 keeps a template command with backticks exact inside a longer fence", () => {
    const command = "python3 cmc-templates.py --note ```x``` --build_name `b`";
    const md = renderMarkdown(snapshot({ templateCommand: command }), UTC).split("\n");
    const at = md.indexOf(command);
    expect(md[at - 1]).toBe("````text");
    expect(md[at + 1]).toBe("````");
  });

  it("R8/R12 a failure message with a code fence cannot close the HOSTS block", () => {
    const md = renderMarkdown(snapshot({ hosts: [fail("atvm3-centos7.9", "```\n**HOSTS:**")] }), UTC);
    expect(markdownHostLines(md)).toEqual(["atvm3-centos7.9 - FAIL - step 6 (Install CMC): ``` **HOSTS:**"]);
  });

  it("R8/R12 only when FAIL lines alone overflow are the surplus FAIL hosts counted, never dropped", () => {
    const hosts = Array.from({ length: 1_200 }, (_, i) =>
      fail(`atvm${i + 1}-oracle-linux-server8.10`, "boom"),
    );
    const md = renderMarkdown(snapshot({ hosts }), UTC);
    expect(runes(md)).toBeLessThanOrEqual(16_383);
    const lines = markdownHostLines(md);
    const listed = lines.filter((line) => / - FAIL$/.test(line));
    const counted = lines.map((line) =>
      line.match(/^\((\d+) more FAIL hosts not listed: too many for one post\)$/),
    );
    const more = counted.find((m) => m !== null);
    expect(listed.length).toBeGreaterThan(300);
    expect(listed.length + Number(more?.[1])).toBe(1_200);
    expect(md).toContain(`${Number(more?.[1])} FAIL hosts not listed`);
  });
});
