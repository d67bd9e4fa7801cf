/**
 * A POSIX shell word splitter for history lines and nested command strings (`bash -c '…'`): quotes,
 * escapes, operators and redirections, with no expansion of any kind. The rules follow the POSIX
 * Shell Command Language, "Token Recognition" and "Quoting"
 * (https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html), plus bash's `$'…'`
 * strings (bash(1) "QUOTING"), `|&` ("Pipelines") and `&>` ("REDIRECTION"). Pure.
 */

/** A shell word: its value after quote removal and its raw span `[start, end)` in the source. */
export interface ShellWord {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** One simple command: its argument words (redirections and their targets left out). */
export interface ShellCommand {
  readonly words: readonly ShellWord[];
}

/**
 * A pipeline between list operators (`&&`, `||`, `;`, `&`, newline, `(`, `)`): its simple
 * commands (split at `|`, `|&`) and its raw span in the source, redirections included.
 */
export interface ShellPipeline {
  readonly commands: readonly ShellCommand[];
  readonly start: number;
  readonly end: number;
}

/**
 * Splits POSIX shell text into pipelines and words: single quotes, double quotes (with `\"`,
 * `\\`, `\$`, `` \` `` and line-continuation escapes), backslash escapes, bash `$'…'` strings,
 * `$(…)` and backquotes kept as literal word text (not executed or expanded), `#` comments,
 * redirections (`>`, `2>&1`, `&>`, `<<<`, …) with their targets. No expansion of any kind.
 * `unterminated` is `true` when a quote, `$(` or backquote is still open at the end.
 */
export function splitShellWords(text: string): { pipelines: ShellPipeline[]; unterminated: boolean } {
  return new ShellLexer(text).run();
}

const REDIRECT = /^(?:\d*)(?:&>>|&>|>>|>\||>&|<&|<<<|<<-|<<|<>|>|<)/;

/** A hand-written POSIX shell lexer (quotes, escapes, operators, redirections). */
class ShellLexer {
  private readonly text: string;
  private i = 0;
  private unterminated = false;
  private readonly pipelines: ShellPipeline[] = [];
  private commands: ShellCommand[] = [];
  private words: ShellWord[] = [];
  private pipeStart = -1;
  private pipeEnd = -1;
  private word: { value: string; start: number } | null = null;
  private redirectTarget = false;

  constructor(text: string) {
    this.text = text;
  }

  run(): { pipelines: ShellPipeline[]; unterminated: boolean } {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charAt(this.i);
      if (c === " " || c === "\t") {
        this.endWord();
        this.i++;
      } else if (c === "\n" || c === ";" || c === "(" || c === ")") {
        this.endWord();
        this.endPipeline();
        this.i++;
      } else if (c === "#" && this.word === null) {
        while (this.i < t.length && t.charAt(this.i) !== "\n") this.i++;
      } else if (c === "&" && t.charAt(this.i + 1) === "&") {
        this.endWord();
        this.endPipeline();
        this.i += 2;
      } else if (c === "|" && t.charAt(this.i + 1) === "|") {
        this.endWord();
        this.endPipeline();
        this.i += 2;
      } else if (c === "|") {
        this.endWord();
        this.endCommand();
        this.i += t.charAt(this.i + 1) === "&" ? 2 : 1;
      } else if ((c === "&" || c === ">" || c === "<") && this.redirection()) {
        // consumed a redirection operator
      } else if (c === "&") {
        this.endWord();
        this.endPipeline();
        this.i++;
      } else {
        this.wordChar();
      }
    }
    this.endWord();
    this.endPipeline();
    return { pipelines: this.pipelines, unterminated: this.unterminated };
  }

  /** A redirection at `i` (with a digits-only word before it as its fd); `false` when there is none. */
  private redirection(): boolean {
    const t = this.text;
    const fdWord = this.word !== null && /^\d+$/.test(this.word.value) && this.wordIsPlain();
    const m = REDIRECT.exec(t.slice(this.i, this.i + 4));
    if (m === null) return false;
    if (this.word !== null && !fdWord) this.endWord();
    const start = fdWord ? (this.word as { start: number }).start : this.i;
    this.word = null;
    this.i += m[0].length;
    this.mark(start, this.i);
    if (m[0].endsWith("&") && /[\d-]/.test(t.charAt(this.i))) {
      while (/[\d-]/.test(t.charAt(this.i))) this.i++; // 2>&1, >&-
      this.mark(start, this.i);
      return true;
    }
    this.redirectTarget = true;
    return true;
  }

  private wordIsPlain(): boolean {
    const w = this.word;
    return w !== null && this.text.slice(w.start, this.i) === w.value;
  }

  private wordChar(): void {
    const t = this.text;
    const c = t.charAt(this.i);
    if (this.word === null) this.word = { value: "", start: this.i };
    const w = this.word;
    if (c === "\\") {
      const next = t.charAt(this.i + 1);
      if (next === "\n") {
        this.i += 2; // line continuation
        if (w.value === "" && w.start === this.i - 2) this.word = null;
        return;
      }
      w.value += next;
      this.i += 2;
    } else if (c === "'") {
      const end = t.indexOf("'", this.i + 1);
      if (end < 0) {
        this.open();
        return;
      }
      w.value += t.slice(this.i + 1, end);
      this.i = end + 1;
    } else if (c === "$" && t.charAt(this.i + 1) === "'") {
      this.ansiC(w);
    } else if (c === '"') {
      this.doubleQuoted(w);
    } else if (c === "$" && t.charAt(this.i + 1) === "(") {
      const end = this.matchParen(this.i + 2);
      if (end < 0) {
        this.open();
        return;
      }
      w.value += t.slice(this.i, end + 1);
      this.i = end + 1;
    } else if (c === "`") {
      const end = t.indexOf("`", this.i + 1);
      if (end < 0) {
        this.open();
        return;
      }
      w.value += t.slice(this.i, end + 1);
      this.i = end + 1;
    } else {
      w.value += c;
      this.i++;
    }
    this.mark(w.start, this.i);
  }

  private doubleQuoted(w: { value: string }): void {
    const t = this.text;
    let j = this.i + 1;
    while (j < t.length && t.charAt(j) !== '"') {
      const d = t.charAt(j);
      if (d === "\\" && j + 1 < t.length) {
        const e = t.charAt(j + 1);
        if (e === "\n") {
          j += 2;
          continue;
        }
        w.value += '"\\$`'.includes(e) ? e : `\\${e}`;
        j += 2;
      } else {
        w.value += d;
        j++;
      }
    }
    if (j >= t.length) {
      this.open();
      return;
    }
    this.i = j + 1;
  }

  private ansiC(w: { value: string }): void {
    const t = this.text;
    const map: Readonly<Record<string, string>> = {
      n: "\n",
      t: "\t",
      r: "\r",
      "\\": "\\",
      "'": "'",
      '"': '"',
    };
    let j = this.i + 2;
    while (j < t.length && t.charAt(j) !== "'") {
      if (t.charAt(j) === "\\" && j + 1 < t.length) {
        const e = t.charAt(j + 1);
        w.value += map[e] ?? `\\${e}`;
        j += 2;
      } else {
        w.value += t.charAt(j);
        j++;
      }
    }
    if (j >= t.length) {
      this.open();
      return;
    }
    this.i = j + 1;
  }

  /** Index of the `)` closing a `$(` whose body starts at `from`, skipping quotes; -1 when none. */
  private matchParen(from: number): number {
    const t = this.text;
    let depth = 1;
    for (let j = from; j < t.length; j++) {
      const c = t.charAt(j);
      if (c === "\\") j++;
      else if (c === "'") {
        const end = t.indexOf("'", j + 1);
        if (end < 0) return -1;
        j = end;
      } else if (c === '"') {
        let k = j + 1;
        while (k < t.length && t.charAt(k) !== '"') k += t.charAt(k) === "\\" ? 2 : 1;
        if (k >= t.length) return -1;
        j = k;
      } else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return j;
    }
    return -1;
  }

  private open(): void {
    this.unterminated = true;
    this.i = this.text.length;
    this.word = null;
  }

  private mark(start: number, end: number): void {
    if (this.pipeStart < 0) this.pipeStart = start;
    this.pipeEnd = end;
  }

  private endWord(): void {
    const w = this.word;
    this.word = null;
    if (w === null) return;
    if (this.redirectTarget) {
      this.redirectTarget = false;
      return;
    }
    this.words.push({ value: w.value, start: w.start, end: this.i });
  }

  private endCommand(): void {
    if (this.words.length > 0) this.commands.push({ words: this.words });
    this.words = [];
    this.redirectTarget = false;
  }

  private endPipeline(): void {
    this.endCommand();
    if (this.commands.length > 0) {
      this.pipelines.push({ commands: this.commands, start: this.pipeStart, end: this.pipeEnd });
    }
    this.commands = [];
    this.pipeStart = -1;
    this.pipeEnd = -1;
  }
}
