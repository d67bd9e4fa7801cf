import type { ParseIssue } from "@atvm-watch/artifacts";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  neutralizeMentions,
  parseStatusJson,
  renderMarkdown,
  renderText,
  SECTION_LABELS,
  toStatusJson,
} from "../src/index.ts";
import { host, snapshot } from "./helpers.ts";

const UTC = { zone: "UTC" } as const;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const CHANNEL_WIDE = /(@|<!)(channel|here|all|everyone)/i;

/** The lines of `markdown` outside fenced code blocks (a line of ≥ 3 backticks opens and closes one). */
function outsideFences(markdown: string): string[] {
  const out: string[] = [];
  let fence: number | null = null;
  for (const line of markdown.split("\n")) {
    const ticks = /^`{3,}/.exec(line)?.[0].length ?? 0;
    if (fence === null && ticks >= 3) fence = ticks;
    else if (fence !== null && ticks >= fence && /^`+$/.test(line)) fence = null;
    else if (fence === null) out.push(line);
  }
  return out;
}

function issue(i: number): ParseIssue {
  return {
    file: `cypress/cmcReporter/xml/test-result-${i}.xml`,
    kind: "empty",
    problem: "empty file",
  } as ParseIssue;
}

describe("status safety: mentions, bidi controls, bounded NOTES", () => {
  const hostile = "@channel look <!here> and @ALL, @everyone! @here_";
  const s = snapshot({
    notes: [`note ${hostile}`],
    hosts: [
      host("atvm10-redhat9.6", "FAIL", {
        failure: { step: 6, title: `Install ${hostile}`, message: `boom ${hostile}`, source: "junit" },
      }),
    ],
    issues: [{ file: `x-@channel-\u202Egnp.xml`, kind: "empty", problem: "@here empty" } as ParseIssue],
  });

  it("R31 an artifact's @channel/@here/@all/@everyone and <!channel> forms never ping outside code in markdown", () => {
    const md = renderMarkdown(s, UTC);
    const outside = outsideFences(md).join("\n");
    expect(outside).toContain("note @\u200Dchannel look");
    expect(outside).not.toMatch(CHANNEL_WIDE);
    // The mention text itself is still shown (with an invisible joiner), never dropped.
    expect(outside.replaceAll("\u200D", "")).toContain("@channel look");
  });

  it("R36 text inside a fenced block (the exact template command) is left exactly as it was", () => {
    const command = "python3 cmc-templates.py --template_name cmc-e2e --build_name e2e @channel";
    const md = renderMarkdown(snapshot({ templateCommand: command }), UTC);
    expect(md.split("\n")).toContain(command);
  });

  it("neutralizeMentions leaves fenced blocks (closed by a longer fence; an unclosed one runs to the end), and only them, untouched", () => {
    const md = ["@here", "```text", "@here", "````", "@here", "```", "@all"].join("\n");
    expect(neutralizeMentions(md).split("\n")).toEqual([
      "@\u200Dhere",
      "```text",
      "@here",
      "````",
      "@\u200Dhere",
      "```",
      "@all",
    ]);
  });

  it("bidirectional overrides are stripped from text, markdown and every JSON string", () => {
    const evil = snapshot({
      build: "e2e\u202E-0327",
      notes: ["a\u2066b\u2069c\u202Ad\u202B\u202C\u202D"],
      issues: [{ file: "a\u202E.xml", kind: "empty", problem: "p\u2067" } as ParseIssue],
    });
    expect(renderText(evil, UTC)).not.toMatch(BIDI);
    expect(renderMarkdown(evil, UTC)).not.toMatch(BIDI);
    const json = JSON.stringify(toStatusJson(evil, UTC));
    expect(json).not.toMatch(BIDI);
    expect(json).toContain('"abcd"');
  });

  it("R31 100,000 parse issues give a bounded NOTES line: first 20, then '… and N more' (text and markdown)", () => {
    const many = snapshot({ issues: Array.from({ length: 100_000 }, (_, i) => issue(i)) });
    const text = renderText(many, UTC);
    expect(text.length).toBeLessThan(20_000);
    const line = text.split("\n").find((l) => l.includes("could not be read")) ?? "";
    expect(line).toContain("test-result-19.xml");
    expect(line).not.toContain("test-result-20.xml");
    expect(line).toContain("… and 99980 more");
    const md = renderMarkdown(many, UTC);
    expect(md).toContain("… and 99980 more");
    expect(md).not.toContain("test-result-20.xml");
  });

  it("R31 more than 20 notes are listed as the first 20 and '… and N more notes', the state reason still shown", () => {
    const notes = Array.from({ length: 25 }, (_, i) => `anomaly number ${i}`);
    const text = renderText(
      snapshot({ notes, state: "HUNG", progressReasons: ["no artifact change for 3h"] }),
      UTC,
    );
    const lines = text.split("\n");
    expect(lines).toContain("  anomaly number 19");
    expect(lines).not.toContain("  anomaly number 20");
    expect(lines).toContain("  … and 5 more notes");
    expect(lines).toContain("  State HUNG: no artifact change for 3h");
  });

  it("T5 the JSON keeps the first 100 issues and notes with full counts, and carries the state reason", () => {
    const json = toStatusJson(
      snapshot({
        issues: Array.from({ length: 100_000 }, (_, i) => issue(i)),
        notes: Array.from({ length: 150 }, (_, i) => `n${i}`),
        state: "UNKNOWN",
        progressReasons: ["runner gone, results incomplete", "artifacts were detected"],
      }),
      UTC,
    );
    expect(json.issues).toHaveLength(100);
    expect(json.issueCount).toBe(100_000);
    expect(json.notes).toHaveLength(100);
    expect(json.noteCount).toBe(150);
    // Bookkeeping is dropped from the reason as from the notes (R31).
    expect(json.stateReason).toBe("runner gone, results incomplete");
    expect(JSON.stringify(json).length).toBeLessThan(100_000);
    expect(parseStatusJson(JSON.parse(JSON.stringify(json))).ok).toBe(true);
    expect(toStatusJson(snapshot(), UTC).stateReason).toBeNull();
  });

  it("R29 the sections keep their order when NOTES is capped", () => {
    const text = renderText(snapshot({ issues: Array.from({ length: 500 }, (_, i) => issue(i)) }), UTC);
    const at = SECTION_LABELS.map((label) => text.split("\n").indexOf(label));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});

/** Artifact-like text with mentions, Slack forms, bidi controls, backticks and newlines mixed in. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "@channel",
        "@Here",
        "@ALL",
        "@everyone",
        "<!channel>",
        "<!here>",
        "<!all>",
        "@",
        "<!",
        "channel",
        "`",
        "```",
        "\n",
        " ",
        "\\",
        "*",
        "_",
        "\u200D",
      ),
      fc.constantFrom(
        "\u202A",
        "\u202B",
        "\u202C",
        "\u202D",
        "\u202E",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
      ),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(""));

describe("status safety properties", () => {
  test.prop([hostileText, hostileText, hostileText, hostileText], { numRuns: 200 })(
    "R31 for arbitrary artifact text, no channel-wide mention survives outside code and no bidi control anywhere",
    (note, message, file, reason) => {
      const s = snapshot({
        notes: [note],
        hosts: [
          host("atvm10-redhat9.6", "FAIL", { failure: { step: 3, title: reason, message, source: "junit" } }),
          host("atvm41-redhat6.0", "SKIPPED", { reason }),
        ],
        issues: [{ file, kind: "empty", problem: message } as ParseIssue],
        state: "UNKNOWN",
        progressReasons: [reason],
        runUrls: [`https://currents.example/run/${note}`],
      });
      const md = renderMarkdown(s, UTC);
      expect(md).not.toMatch(BIDI);
      for (const line of outsideFences(md)) expect(line).not.toMatch(CHANNEL_WIDE);
      expect(renderText(s, UTC)).not.toMatch(BIDI);
      expect(JSON.stringify(toStatusJson(s, UTC))).not.toMatch(BIDI);
    },
  );
});
