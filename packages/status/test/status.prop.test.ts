import type { BatchEntry, HostEntry, HostStatus, Snapshot } from "@atvm-watch/engine";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { parseStatusJson, renderMarkdown, renderText, toStatusJson } from "../src/index.ts";
import { markdownHostLines, sectionLines, snapshot, T0 } from "./helpers.ts";

const STATUSES: readonly HostStatus[] = ["PASS", "FAIL", "RUNNING", "NOT STARTED", "SKIPPED"];
const DISTROS = ["redhat9.7", "ubuntu24.04", "debian9.0.0", "centos7.9", "suse15.0", "oracle6.0"];

/** Free text that never names a fleet host (no `atvm`), with newlines and markdown characters. */
const prose = fc.string({
  unit: fc.constantFrom("a", "b", " ", "\n", "*", "_", "`", "#", "é", "1", ":", "-"),
});

/** A message up to `max` characters; large ones are a repeated unit (fast to generate). */
const messageUpTo = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    prose,
    fc.tuple(prose, fc.integer({ min: 1, max })).map(([unit, n]) => `${unit}x`.repeat(n).slice(0, max)),
  );

const hostEntry = (name: string, message: fc.Arbitrary<string>): fc.Arbitrary<HostEntry> =>
  fc
    .record({
      status: fc.constantFrom(...STATUSES),
      kernel: fc.option(fc.constantFrom("5.14.0-570.el9", "4.18.0-553.el8"), { nil: undefined }),
      message,
      step: fc.option(fc.integer({ min: 1, max: 22 }), { nil: null }),
      durationMs: fc.integer({ min: 0, max: 10 * 3_600_000 }),
    })
    .map(({ status, kernel, message: text, step, durationMs }) => ({
      host: name,
      status,
      evidence: [],
      ...(kernel !== undefined ? { kernel } : {}),
      ...(status === "FAIL"
        ? { failure: { step, title: "Install CMC", message: text, source: "junit" as const } }
        : {}),
      ...(status === "SKIPPED" ? { reason: "BLACKLISTED: CMC INSTALL - CAN'T COMPILE" } : {}),
      ...(status === "PASS" || status === "FAIL"
        ? { startedAt: T0, finishedAt: T0 + durationMs, durationMs }
        : {}),
    }));

/** Snapshots with up to `maxHosts` hosts and messages up to `maxMessage` characters. */
const arbSnapshot = (maxHosts: number, maxMessage: number): fc.Arbitrary<Snapshot> => {
  const message = messageUpTo(maxMessage);
  return fc
    .integer({ min: 0, max: maxHosts })
    .chain((count) => {
      const names = Array.from({ length: count }, (_, i) => `atvm${i + 1}-${DISTROS[i % DISTROS.length]}`);
      return fc.record({
        hosts: fc.tuple(...names.map((name) => hostEntry(name, message))),
        categorized: fc.boolean(),
        notes: fc.array(message, { maxLength: 5 }),
        command: fc.option(fc.string({ minLength: 1, maxLength: 2_000 }), { nil: null }),
      });
    })
    .map(({ hosts, categorized, notes, command }) => {
      const groups = [...new Set(hosts.map((h) => h.host.replace(/^atvm\d+-([a-z]+).*$/, "$1")))];
      const batches: BatchEntry[] = categorized
        ? groups.map((group) => ({
            id: `e2e-${group}`,
            group,
            hosts: hosts.filter((h) => h.host.includes(`-${group}`)).map((h) => h.host),
            state: "FINISHED",
            failed: false,
          }))
        : [];
      return snapshot({ hosts, categorized, batches, notes, templateCommand: command });
    });
};

describe("properties", () => {
  test.prop([arbSnapshot(500, 20_000)], { numRuns: 12 })(
    "R8/R12 every host appears on exactly one HOSTS line, host first, and no line names two hosts",
    (s) => {
      const lines = sectionLines(renderText(s, { zone: "UTC" }), "HOSTS:");
      const seen = new Map<string, number>();
      for (const line of lines) {
        // Generated text never contains "atvm", so any host token is a host name.
        const names = line.match(/atvm\d+-[a-z0-9.]+/g) ?? [];
        expect(names.length).toBeLessThanOrEqual(1);
        const name = names[0];
        if (name === undefined) continue;
        const entry = s.hosts.find((h) => h.host === name);
        expect(line.trimStart().startsWith(`${name} - ${entry?.status}`)).toBe(true);
        seen.set(name, (seen.get(name) ?? 0) + 1);
      }
      for (const h of s.hosts) expect(seen.get(h.host)).toBe(1);
      expect(seen.size).toBe(s.hosts.length);
    },
  );

  test.prop([arbSnapshot(500, 20_000)], { numRuns: 12 })(
    "renderMarkdown stays within 16,383 runes and accounts for every host (listed or counted)",
    (s) => {
      const md = renderMarkdown(s, { zone: "UTC" });
      expect([...md].length).toBeLessThanOrEqual(16_383);
      const lines = markdownHostLines(md);
      for (const status of STATUSES) {
        const expected = s.hosts.filter((h) => h.status === status);
        const listed = lines.filter((line) => line.trimStart().split(" - ")[1]?.startsWith(status)).length;
        const counted = lines
          .map((line) => line.match(/^\s*\((\d+) (?:more )?([A-Z ]+?) hosts? (?:collapsed|not listed)/))
          .filter((m) => m !== null && m[2] === status)
          .reduce((sum, m) => sum + Number(m?.[1]), 0);
        expect(listed + counted).toBe(expected.length);
        if (status === "FAIL") expect(counted).toBe(0);
      }
    },
  );

  test.prop([arbSnapshot(60, 300)], { numRuns: 30 })(
    "toStatusJson output is valid atvm.status.v1 and survives JSON",
    (s) => {
      const json = JSON.parse(JSON.stringify(toStatusJson(s, { zone: "UTC" }))) as unknown;
      const parsed = parseStatusJson(json);
      expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    },
  );
});
