/**
 * Shell words for built commands: argv → POSIX shell text (the renderer) and recorded shell text →
 * argv (the parser), agreeing with each other: `parseShellCommand(renderShellCommand(argv))`
 * gives `argv` back for every argv, and `renderShellCommand` of a parsed rendered command gives
 * the same text (property-tested). Pure.
 *
 * Quoting goes through `shell-quote` (https://github.com/ljharb/shell-quote, ≥ 1.12: CVE-2021-42740
 * fixed in 1.7.3, leading `~` escaped since 1.9.0, `'` together with `!` single-quoted). A word
 * made only of the characters Python's `shlex.quote` leaves bare (`[A-Za-z0-9_@%+=:,./-]`) is
 * written as is, so a built command reads like the operators' own
 * (`--specify_vms atvm9-redhat9.7,atvm19-redhat9.7`, not `atvm9-redhat9.7\,…`).
 *
 * Parsing uses the one POSIX lexer, `splitShellWords` of `@atvm-watch/artifacts` (quotes, escapes,
 * operators, redirections; no expansion of any kind), and the words are read as options by the one
 * option reader, `readToolArguments` (same package, `tool-options.ts`; see `options.ts`), so
 * recorded history, the engine's scope and run location, and built commands are read the same way.
 *
 * Quoting is not validation: a quoted `-oProxyCommand=id` is still an option to `ssh`. Names go
 * through `names.ts` before they reach a command.
 */
import { splitShellWords } from "@atvm-watch/artifacts";
import { quote } from "shell-quote";

/** The characters `shlex.quote` (Python 3) leaves unquoted; a non-empty word of only these needs no quotes. */
const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One word as POSIX shell text: bare when it needs no quoting (see the module note), else quoted
 * by `shell-quote` (single quotes, or double quotes with `\"`, `\\`, `\$`, `` \` `` escaped).
 * `""` → `''`. Never throws.
 */
export function quoteShellWord(word: string): string {
  return BARE_WORD.test(word) ? word : quote([word]);
}

/** An argv as one line of POSIX shell text: each word through {@link quoteShellWord}, joined by one space. */
export function renderShellCommand(argv: readonly string[]): string {
  return argv.map(quoteShellWord).join(" ");
}

/** What {@link parseShellCommand} read: the argv of one simple command, or why the text is not one. */
export type ParsedShellCommand =
  | { readonly ok: true; readonly argv: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads recorded shell text as exactly one simple command and returns its words after quote
 * removal (no expansion: `$HOME`, `$(id)` and globs stay literal text). Refuses, with a reason
 * naming what it found, text that is empty, has an unterminated quote or substitution, runs more
 * than one command (`&&`, `||`, `;`, `&`, `|`, a newline), or carries a redirection (`> file`,
 * `2>&1`). Never throws; input size is the caller's bound (the lexer is linear).
 */
export function parseShellCommand(text: string): ParsedShellCommand {
  const { pipelines, unterminated } = splitShellWords(text);
  if (unterminated) return { ok: false, reason: "a quote or substitution is not closed" };
  const commands = pipelines.flatMap((p) => p.commands).filter((c) => c.words.length > 0);
  if (commands.length === 0) return { ok: false, reason: "there is no command" };
  if (commands.length > 1 || pipelines.length > 1) {
    return { ok: false, reason: `it runs ${commands.length} commands; give exactly one` };
  }
  const pipeline = pipelines[0];
  const command = commands[0];
  if (pipeline === undefined || command === undefined) return { ok: false, reason: "there is no command" };
  // Words leave out redirections: any other non-blank text in the pipeline's span is one.
  let rest = text.slice(pipeline.start, pipeline.end);
  for (const word of [...command.words].reverse()) {
    rest = rest.slice(0, word.start - pipeline.start) + rest.slice(word.end - pipeline.start);
  }
  const extra = rest.replace(/#.*$/s, "").trim();
  if (extra !== "") return { ok: false, reason: `it has a redirection or operator (${extra})` };
  return { ok: true, argv: command.words.map((w) => w.value) };
}
