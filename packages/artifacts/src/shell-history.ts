/**
 * Finds `cmc-templates.py` and `run-sorry-cypress.py` invocations in a bash history file
 * (`~/.bash_history` on the controller). Where no runner is alive, the latest invocations locate
 * the most recent run (R19, R21); the exact template command goes to `NOTES:` (R36). Pure.
 */

import { type ShellPipeline, type ShellWord, splitShellWords } from "./shell-words.ts";
import { buildNameOption, optionRecord, readToolArguments, TOOL_SCRIPTS } from "./tool-options.ts";
import type { ArtifactMeta, InvocationObservation, ParseIssue, ParseResult } from "./types.ts";

export { type ShellCommand, type ShellPipeline, type ShellWord, splitShellWords } from "./shell-words.ts";

/**
 * Parses bash history text.
 *
 * Each history entry (one line; a line with an open quote continues on the following lines, as
 * bash writes multi-line commands) is split into pipelines; every pipeline that runs
 * `cmc-templates.py` or `run-sorry-cypress.py` (as the command word, after env assignments and
 * wrappers such as `nohup`, `timeout 3h`, `python3 -u`) is an invocation, so `a && b` yields
 * both. Wrappers are unwrapped and their inner command searched the same way:
 * `sshpass -p '…' ssh [opts] root@host "…"` / `'…'` / unquoted words, `ssh -t host '…'`,
 * `bash -c '…'`, and any argument whose value is itself a tool command (e.g.
 * `start-atvm-run.sh --template-command "python3 ./cmc-templates.py …"`). A leading
 * `cd <dir> &&` is a pipeline of its own and so is left out.
 *
 * - `command`: the invocation's pipeline exactly as written in the (unwrapped) text: untrimmed,
 *   quotes and redirections kept, only the outer `sshpass`/`ssh` wrapper and `cd … &&` removed (R36).
 * - `options`: every `--flag value`, `--flag=value` and bare `--flag` (→ `true`) after the
 *   script, keyed as written (`"--build_name"`, `"--containsVm"`); values are shell-dequoted;
 *   a repeated option keeps the last value; a multi-valued option keeps its first word here
 *   (read the whole list from `command` with `scriptArguments` + `readToolArguments`, the one
 *   option reader, `tool-options.ts`). `buildName` is `--build_name` (or `--build-name`).
 * - `order`: 0, 1, 2, … in file order over the invocations found, so the largest is the latest.
 * - `at`: from the `#<epoch seconds>` line bash writes before an entry when `HISTTIMEFORMAT` is set, else `null`.
 *
 * Issues (never thrown): `empty` for a blank file; `malformed` for an entry that names a tool
 * but whose quotes never close.
 */
export function parseShellHistory(text: string, meta: ArtifactMeta): ParseResult<InvocationObservation> {
  const file = meta.path;
  if (text.trim() === "") {
    return { observations: [], issues: [{ file, kind: "empty", problem: `shell history ${file} is empty` }] };
  }
  const issues: ParseIssue[] = [];
  const observations: InvocationObservation[] = [];
  const lines = text.split(/\r?\n/);
  let at: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const stamp = /^#(\d{9,11})\s*$/.exec(line);
    if (stamp !== null) {
      at = Number(stamp[1]) * 1000;
      continue;
    }
    if (line.trim() === "") continue;
    let entry = line;
    let split = splitShellWords(entry);
    let j = i;
    while (split.unterminated && j + 1 < lines.length && j - i < MAX_CONTINUATION_LINES) {
      if (/^#\d{9,11}\s*$/.test(lines[j + 1] as string)) break;
      j++;
      entry = `${entry}\n${lines[j] as string}`;
      split = splitShellWords(entry);
    }
    if (split.unterminated) {
      if (mayNameTool(line)) {
        issues.push({
          file,
          kind: "malformed",
          problem: `shell history ${file} line ${i + 1}: a quote never closes in ${JSON.stringify(line.slice(0, 120))}`,
        });
      }
      at = null;
      continue;
    }
    i = j;
    const found = mayNameTool(entry) ? findInvocations(entry, split.pipelines, 0) : [];
    for (const invocation of found) {
      observations.push({
        kind: "invocation",
        file,
        tool: invocation.tool,
        command: invocation.command,
        buildName: invocation.buildName,
        options: invocation.options,
        order: observations.length,
        at,
      });
    }
    at = null;
  }
  return { observations, issues };
}

// --- internal helpers ---

type Tool = InvocationObservation["tool"];

interface Found {
  readonly tool: Tool;
  readonly command: string;
  readonly options: Readonly<Record<string, string | true>>;
  readonly buildName: string | null;
}

const MAX_CONTINUATION_LINES = 50;
const MAX_DEPTH = 4;
const SCRIPTS: Readonly<Record<string, Tool>> = Object.fromEntries(
  Object.entries(TOOL_SCRIPTS).map(([tool, script]) => [script, tool as Tool]),
);

function mayNameTool(text: string): boolean {
  return text.includes("cmc-templates.py") || text.includes("run-sorry-cypress.py");
}

function baseName(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

/** Words that may precede the script in the command position. */
function isPrefixWord(value: string): boolean {
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) return true; // env assignment
  if (/^-/.test(value)) return true; // an interpreter's or wrapper's option (python3 -u)
  if (/^\d+(\.\d+)?[smhd]?$/.test(value)) return true; // timeout 3h, nice 10
  const base = baseName(value);
  return /^(python[0-9.]*|nohup|sudo|time|exec|env|command|stdbuf|setsid|unbuffer|timeout|nice|ionice)$/.test(
    base,
  );
}

/** ssh options that take an argument (OpenSSH `ssh(1)`). */
const SSH_ARG_OPTIONS = "BbcDEeFIiJLlmOoPpQRSWw";

function findInvocations(text: string, pipelines: readonly ShellPipeline[], depth: number): Found[] {
  const out: Found[] = [];
  for (const pipeline of pipelines) {
    for (const cmd of pipeline.commands) {
      const found = fromCommand(text, pipeline, cmd.words, depth);
      out.push(...found);
      if (found.length > 0) break; // one invocation per pipeline
    }
  }
  return out;
}

function fromCommand(
  text: string,
  pipeline: ShellPipeline,
  words: readonly ShellWord[],
  depth: number,
): Found[] {
  let k = 0;
  while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test((words[k] as ShellWord).value)) k++;
  const first = words[k] === undefined ? "" : baseName((words[k] as ShellWord).value);

  if (first === "sshpass" || first === "ssh") {
    let w = k + 1;
    if (first === "sshpass") {
      while (w < words.length && (words[w] as ShellWord).value.startsWith("-")) {
        w += /^-[pfdP]$/.test((words[w] as ShellWord).value) ? 2 : 1;
      }
      if (w >= words.length || baseName((words[w] as ShellWord).value) !== "ssh") return nested(words, depth);
      w++;
    }
    while (w < words.length && (words[w] as ShellWord).value.startsWith("-")) {
      const opt = (words[w] as ShellWord).value;
      const last = opt.charAt(opt.length - 1);
      w += opt.length >= 2 && /^-[A-Za-z]+$/.test(opt) && SSH_ARG_OPTIONS.includes(last) ? 2 : 1;
    }
    w++; // destination
    const remote = words.slice(w);
    if (remote.length === 0 || depth >= MAX_DEPTH) return [];
    const inner = remote.length === 1 ? (remote[0] as ShellWord).value : remote.map((r) => r.value).join(" ");
    const split = splitShellWords(inner);
    return split.unterminated ? [] : findInvocations(inner, split.pipelines, depth + 1);
  }

  for (let s = k; s < words.length; s++) {
    const value = (words[s] as ShellWord).value;
    const tool = SCRIPTS[baseName(value)];
    if (tool !== undefined) {
      const args = readToolArguments(words.slice(s + 1).map((x) => x.value));
      return [
        {
          tool,
          command: text.slice(pipeline.start, pipeline.end),
          options: optionRecord(args),
          buildName: buildNameOption(args),
        },
      ];
    }
    if (!isPrefixWord(value)) break;
  }
  return nested(words, depth);
}

/** Searches arguments whose value is itself a command line naming a tool (`bash -c '…'`, `--template-command "…"`). */
function nested(words: readonly ShellWord[], depth: number): Found[] {
  if (depth >= MAX_DEPTH) return [];
  const out: Found[] = [];
  for (const word of words) {
    if (!mayNameTool(word.value) || !/\s/.test(word.value)) continue;
    const split = splitShellWords(word.value);
    if (!split.unterminated) out.push(...findInvocations(word.value, split.pipelines, depth + 1));
  }
  return out;
}
