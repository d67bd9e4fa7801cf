/**
 * The one option reader for the operators' commands (`cmc-templates.py`, `run-sorry-cypress.py`):
 * every consumer (shell history here, the engine's scope and run location, the command builder's
 * strict readers) reads their argument words through {@link readToolArguments}, and reads shell
 * text into words through the one lexer, {@link splitShellWords}. Pure.
 *
 * The word rules follow Python's `argparse` (https://docs.python.org/3/library/argparse.html),
 * which both scripts use: a word starting with `-` is an option unless it is `-` alone or looks
 * like a negative number (`-3`, `-0.5`); `--` ends the options; `--opt=value` carries its value
 * inline; an option's values are the words after it up to the next option; a repeated option
 * keeps its last occurrence (argparse's `store` action). The operators' multi-valued options
 * (`--specify_vms a,b`, `--exclude_partial_match p1 p2 …`) are read by {@link ToolArguments.list},
 * which also splits on commas.
 */
import { splitShellWords } from "./shell-words.ts";
import type { InvocationObservation } from "./types.ts";

/**
 * `true` when argparse reads `word` as an option name (`--build_name`, `--containsVm=x`, `-u`):
 * it starts with `-`, is longer than `-`, is not `--` (the end of options) and is not a negative
 * number (`-3`, `-0.5`).
 */
export function isOptionWord(word: string): boolean {
  return word.length > 1 && word !== "--" && word.startsWith("-") && !/^-\d+$|^-\d*\.\d+$/.test(word);
}

/** One occurrence of an option among a command's argument words. */
export interface OptionOccurrence {
  /** The option as written, before any `=`: `--build_name`, `--build-name`, `-u`. */
  readonly flag: string;
  /** {@link flag} without its leading dashes: `build_name`. `_` and `-` are distinct. */
  readonly name: string;
  /** The text after `=` of `--opt=value` (long options only), else `null`. */
  readonly inline: string | null;
  /** The words after the option, up to the next option word or `--`. */
  readonly words: readonly string[];
  /** Index of the option word in the argument words (0-based). */
  readonly index: number;
}

/**
 * A command's argument words read as options. Lookups take the name without dashes
 * (`build_name`) and read the last occurrence (argparse `store`: the last one wins).
 */
export interface ToolArguments {
  /** Every option occurrence, in order. */
  readonly occurrences: readonly OptionOccurrence[];
  /** Words before the first option, and every word after `--`. */
  readonly positional: readonly string[];
  /** The last occurrence of `name`, else `undefined`. */
  last(name: string): OptionOccurrence | undefined;
  /**
   * A single-valued option: its inline value, else its first word, else `true` (a bare flag);
   * `undefined` when absent. Words after the first are ignored here (strict readers refuse them).
   */
  value(name: string): string | true | undefined;
  /**
   * A multi-valued option (`--specify_vms a,b`, `--exclude_partial_match p1 p2`): its inline value
   * (`--opt=a,b`: then the words after it are not its values, as in argparse), else every word;
   * split on commas, trimmed, empty parts dropped; `[]` for a bare flag, `null` when absent.
   */
  list(name: string): readonly string[] | null;
  /** `true` when `name` occurs at all (a bare flag or with values). */
  has(name: string): boolean;
}

/**
 * Reads argument words (the words after the script, quotes already removed) as options by the
 * argparse rules of the module note. Linear in the number of words; never throws.
 *
 * Example: `["--containsVm", "redhat9", "--exclude_partial_match", "a", "b,c", "--ignore_force_shutdown"]`
 * → `value("containsVm")` = `"redhat9"`, `list("exclude_partial_match")` = `["a", "b", "c"]`,
 * `value("ignore_force_shutdown")` = `true`.
 */
export function readToolArguments(args: readonly string[]): ToolArguments {
  const occurrences: OptionOccurrence[] = [];
  const positional: string[] = [];
  let current: { flag: string; name: string; inline: string | null; words: string[]; index: number } | null =
    null;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (isOptionWord(word)) {
      const eq = word.startsWith("--") ? word.indexOf("=") : -1;
      const flag = eq > 2 ? word.slice(0, eq) : word;
      current = {
        flag,
        name: flag.replace(/^--?/, ""),
        inline: eq > 2 ? word.slice(eq + 1) : null,
        words: [],
        index: i,
      };
      occurrences.push(current);
    } else if (current === null) {
      positional.push(word);
    } else {
      current.words.push(word);
    }
  }
  const lastOf = new Map<string, OptionOccurrence>();
  for (const occurrence of occurrences) lastOf.set(occurrence.name, occurrence);
  return {
    occurrences,
    positional,
    last: (name) => lastOf.get(name),
    value: (name) => {
      const o = lastOf.get(name);
      return o === undefined ? undefined : (o.inline ?? o.words[0] ?? true);
    },
    list: (name) => {
      const o = lastOf.get(name);
      if (o === undefined) return null;
      return (o.inline === null ? o.words : [o.inline])
        .flatMap((w) => w.split(","))
        .map((w) => w.trim())
        .filter((w) => w.length > 0);
    },
    has: (name) => lastOf.has(name),
  };
}

/**
 * The options of a command as a record keyed as written (`"--build_name"`, `"-u"`): each
 * option's {@link ToolArguments.value} (`true` for a bare flag), the last occurrence winning.
 * This is `InvocationObservation.options`.
 */
export function optionRecord(args: ToolArguments): Record<string, string | true> {
  const record: Record<string, string | true> = {};
  for (const o of args.occurrences) record[o.flag] = o.inline ?? o.words[0] ?? true;
  return record;
}

/**
 * The argument words of `script` (a base name such as `cmc-templates.py`) in a command text: the
 * shell text is split by {@link splitShellWords} (quotes removed, redirections and their targets
 * left out), the first simple command holding a word whose base name is `script` is taken, and
 * the words after that word are returned. `null` when no simple command names the script or a
 * quote is left open. A pipe (`… | tee log`) ends the command, so its words are never options.
 */
export function scriptArguments(command: string, script: string): readonly string[] | null {
  const split = splitShellWords(command);
  if (split.unterminated) return null;
  for (const pipeline of split.pipelines) {
    for (const cmd of pipeline.commands) {
      const words = cmd.words.map((w) => w.value);
      const at = words.findIndex((w) => w.slice(w.lastIndexOf("/") + 1) === script);
      if (at >= 0) return words.slice(at + 1);
    }
  }
  return null;
}

/** The script file of each operator tool (the base name a command runs). */
export const TOOL_SCRIPTS: Readonly<Record<InvocationObservation["tool"], string>> = {
  "cmc-templates": "cmc-templates.py",
  "run-sorry-cypress": "run-sorry-cypress.py",
};

/**
 * The options of a recorded invocation, read by {@link readToolArguments} from its exact
 * `command` (the words after its tool's script, see {@link scriptArguments}), so multi-valued
 * options keep every value. A name the command does not carry (or a command that does not name
 * the script, e.g. an observation built by hand) is looked up in `invocation.options` instead,
 * keyed with or without the leading `--`; `occurrences` are the command's (the record's when the
 * command does not name the script). Never throws.
 */
export function invocationArguments(invocation: InvocationObservation): ToolArguments {
  const words = scriptArguments(invocation.command, TOOL_SCRIPTS[invocation.tool]);
  const fallback = readRecord(invocation.options);
  if (words === null) return fallback;
  const fromCommand = readToolArguments(words);
  const pick = (name: string): ToolArguments => (fromCommand.has(name) ? fromCommand : fallback);
  return {
    occurrences: fromCommand.occurrences,
    positional: fromCommand.positional,
    last: (name) => pick(name).last(name),
    value: (name) => pick(name).value(name),
    list: (name) => pick(name).list(name),
    has: (name) => fromCommand.has(name) || fallback.has(name),
  };
}

/** An options record (`InvocationObservation.options`) as {@link ToolArguments}: each key one occurrence. */
function readRecord(options: Readonly<Record<string, string | true>>): ToolArguments {
  const words: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    const flag = key.startsWith("-") ? key : `--${key}`;
    if (value === true) words.push(flag);
    else if (flag.startsWith("--")) words.push(`${flag}=${value}`);
    else words.push(flag, value);
  }
  return readToolArguments(words);
}

/** The build name of a command's options: `--build_name`, else `--build-name`; `null` when neither has a value. */
export function buildNameOption(args: ToolArguments): string | null {
  for (const name of ["build_name", "build-name"]) {
    const value = args.value(name);
    if (typeof value === "string") return value;
  }
  return null;
}
