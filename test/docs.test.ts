// Docs that run: every `atvm` command in a fenced sh/bash/console block of README.md, docs/*.md
// and examples/*/README.md runs on the fresh build (test/global-setup.ts) and must exit 0 with no
// unknown option; output shown right after a command (a fence with no language, or `console`
// lines without a prompt) must appear in the real output. Commands that need a live controller
// are allow-listed below, each with its reason.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseShellCommand } from "@atvm-watch/commands";
import { afterAll, describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "..");
const bin = join(repo, "packages/cli/bin/atvm.js");

// Every command gets its own XDG state and cache folders (the plan/approve examples save plans
// under $XDG_STATE_HOME/atvm-watch/plans/), so running the docs never writes to the user's home.
// One folder for the whole file: an `atvm approve` example finds the plan an earlier example saved.
const xdg = mkdtempSync(join(tmpdir(), "atvm-docs-xdg-"));
afterAll(() => rmSync(xdg, { recursive: true, force: true }));
const XDG_ENV = { XDG_STATE_HOME: join(xdg, "state"), XDG_CACHE_HOME: join(xdg, "cache") };

/** Commands that cannot run here, by a substring of the command line, with why. */
const NEEDS_CONTROLLER: readonly { match: string; why: string }[] = [
  {
    match: "/root/cdc-e2e-cyp-12.17.4",
    why: "the controller's automation root does not exist on a CI machine",
  },
];

interface DocCommand {
  file: string;
  line: number;
  command: string;
  shown: string[];
}

function docFiles(): string[] {
  const files = ["README.md"];
  for (const name of readdirSync(join(repo, "docs"))) if (name.endsWith(".md")) files.push(`docs/${name}`);
  for (const name of readdirSync(join(repo, "examples"))) {
    if (existsSync(join(repo, "examples", name, "README.md"))) files.push(`examples/${name}/README.md`);
  }
  return files;
}

/** The atvm commands of one Markdown text, each with the output shown right after it. */
function atvmCommands(file: string, text: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^\s*(```+)\s*(sh|bash|shell|console)\s*$/.exec(lines[i] as string);
    if (open === null) continue;
    const lang = open[2];
    const body: { text: string; line: number }[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```/.test(lines[j] as string); j += 1)
      body.push({ text: lines[j] as string, line: j + 1 });
    const commands: DocCommand[] = [];
    for (const { text: raw, line } of body) {
      const prompt = /^\s*\$\s+/.exec(raw);
      const cmd = lang === "console" ? (prompt === null ? null : raw.slice(prompt[0].length)) : raw.trim();
      if (cmd === null) {
        commands.at(-1)?.shown.push(raw);
        continue;
      }
      for (const part of cmd.split(/\s*(?:&&|\|)\s*/)) {
        if (/^(npx atvm|node packages\/cli\/bin\/atvm\.js|atvm)\s/.test(part)) {
          commands.push({ file, line, command: part.trim(), shown: [] });
        }
      }
    }
    // A plain fence right after the block shows the output of its last command.
    const next = lines.slice(j + 1).findIndex((l) => l.trim() !== "");
    const after = next < 0 ? -1 : j + 1 + next;
    if (commands.length > 0 && after >= 0 && /^\s*```+\s*(text)?\s*$/.test(lines[after] as string)) {
      for (let k = after + 1; k < lines.length && !/^\s*```/.test(lines[k] as string); k += 1) {
        commands.at(-1)?.shown.push(lines[k] as string);
      }
    }
    out.push(...commands);
    i = j;
  }
  return out;
}

const all = docFiles().flatMap((file) => atvmCommands(file, readFileSync(join(repo, file), "utf8")));

describe("docs that run", () => {
  it("finds the README's quick-start command", () => {
    expect(
      all.some((c) => c.file === "README.md" && c.command.includes("status --root examples/flat-run")),
    ).toBe(true);
  });
  it("reads shown output after a console prompt", () => {
    const got = atvmCommands("x.md", "```console\n$ npx atvm --help\nUsage: atvm\n```\n");
    expect(got).toEqual([{ file: "x.md", line: 2, command: "npx atvm --help", shown: ["Usage: atvm"] }]);
  });
  for (const doc of all) {
    const skip = NEEDS_CONTROLLER.find((a) => doc.command.includes(a.match));
    it.skipIf(skip !== undefined)(
      `${doc.file}:${doc.line} ${doc.command}${skip ? ` (skipped: ${skip.why})` : ""}`,
      () => {
        const words = parseShellCommand(doc.command);
        expect(words.ok, `${doc.command} is not one simple command`).toBe(true);
        if (!words.ok) return;
        const args = words.argv.slice(words.argv[0] === "npx" ? 2 : words.argv[0] === "node" ? 2 : 1);
        const r = spawnSync(process.execPath, [bin, ...args], {
          cwd: repo,
          encoding: "utf8",
          env: { ...process.env, ...XDG_ENV, NO_COLOR: "1", TZ: "UTC" },
        });
        expect(r.stderr).not.toMatch(/unknown option|unknown command/);
        expect(r.status, r.stderr).toBe(0);
        for (const shown of doc.shown
          .map((l) => l.trimEnd())
          .filter((l) => l.trim() !== "" && !l.includes("…"))) {
          expect(r.stdout, `${doc.file}:${doc.line} shows "${shown}"`).toContain(shown.trim());
        }
      },
    );
  }
  // Runs after the documented commands above (tests of a file run in order).
  it("R22 the documented atvm plan examples saved their plans under the temp XDG state folder, not the user's home", () => {
    expect(all.some((c) => c.command.startsWith("npx atvm plan "))).toBe(true);
    const plans = join(XDG_ENV.XDG_STATE_HOME, "atvm-watch", "plans");
    expect(
      existsSync(plans) ? readdirSync(plans).filter((n) => n.endsWith(".json")).length : 0,
    ).toBeGreaterThan(0);
  });
});
