/**
 * Reads `specPattern` and `current_vm` from a Cypress config such as `cypress.atvm-config-gold.ts`
 * (R14) as TEXT: the file is tokenized, never executed. `run-sorry-cypress.py --categorize`
 * rewrites these values per batch, so they describe the live batch only (R10). Pure.
 */

import { findHost, hostFromSpec } from "./hosts.ts";
import type { ArtifactMeta, CypressConfigObservation, ParseIssue, ParseResult } from "./types.ts";

/**
 * Parses a Cypress config's text.
 *
 * - `specPattern`: the first `specPattern:` property (comments skipped) whose value is a string
 *   literal or an array of string literals (single, double or back quotes without `${…}`;
 *   comments, trailing commas and line breaks allowed). A string becomes a one-element list.
 * - `current_vm`: the first `current_vm:` (or `"current_vm":`) property with a string value, else `null`.
 * - `hosts`: the host of each spec path (`hostFromSpec`: a known host, else the base name with no
 *   known-host list); glob paths yield a host only through `meta.knownHosts`. Deduplicated, in order.
 *
 * Issues (never thrown): `empty` for a blank file; `malformed` naming what was missing when no
 * `specPattern` is found or its value is not a literal (an expression, a variable, an
 * interpolated template) — then no observation is returned; `malformed` for an unterminated
 * string or comment.
 */
export function parseCypressConfig(text: string, meta: ArtifactMeta): ParseResult<CypressConfigObservation> {
  const file = meta.path;
  if (text.trim() === "") {
    return {
      observations: [],
      issues: [{ file, kind: "empty", problem: `Cypress config ${file} is empty` }],
    };
  }
  const issues: ParseIssue[] = [];
  const tokens = tokenize(text);
  if (tokens.error !== null) {
    issues.push({ file, kind: "malformed", problem: `Cypress config ${file}: ${tokens.error}` });
  }
  const toks = tokens.tokens;

  let specPattern: string[] | null = null;
  let specProblem: string | null = null;
  let currentVm: string | null = null;
  for (let i = 0; i + 1 < toks.length; i++) {
    const key = toks[i] as Token;
    if ((toks[i + 1] as Token).kind !== ":" || (key.kind !== "ident" && key.kind !== "string")) continue;
    if (key.value === "specPattern" && specPattern === null) {
      const value = readStringList(toks, i + 2);
      if (value === null)
        specProblem ??= `specPattern at line ${key.line} is not a string literal or an array of string literals`;
      else specPattern = value;
    } else if (key.value === "current_vm" && currentVm === null) {
      const next = toks[i + 2];
      if (next?.kind === "string") currentVm = next.value;
    }
  }

  if (specPattern === null) {
    issues.push({
      file,
      kind: "malformed",
      problem: `Cypress config ${file}: ${specProblem ?? "no specPattern property found"}`,
    });
    return { observations: [], issues };
  }

  const hosts: string[] = [];
  for (const spec of specPattern) {
    const host = /[*?{}[\]]/.test(spec)
      ? globHost(spec, meta.knownHosts)
      : hostFromSpec(spec, meta.knownHosts);
    if (host !== null && !hosts.includes(host)) hosts.push(host);
  }
  return {
    observations: [{ kind: "cypress-config", file, specPattern, hosts, currentVm }],
    issues,
  };
}

// --- internal helpers ---

interface Token {
  readonly kind: "string" | "ident" | ":" | "[" | "]" | "," | "other";
  readonly value: string;
  readonly line: number;
}

function globHost(spec: string, knownHosts: readonly string[] | undefined): string | null {
  if (knownHosts === undefined || knownHosts.length === 0) return null;
  const found = findHost(spec, knownHosts);
  return found === "ambiguous" ? null : found;
}

/** The string list starting at `toks[i]`: one string, or `[` strings separated by commas `]`. */
function readStringList(toks: readonly Token[], i: number): string[] | null {
  const first = toks[i];
  if (first === undefined) return null;
  if (first.kind === "string") return [first.value];
  if (first.kind !== "[") return null;
  const out: string[] = [];
  for (let j = i + 1; j < toks.length; j++) {
    const t = toks[j] as Token;
    if (t.kind === "]") return out;
    if (t.kind === "string") {
      out.push(t.value);
      const sep = toks[j + 1];
      if (sep?.kind === ",") j++;
      else if (sep?.kind !== "]") return null;
    } else {
      return null;
    }
  }
  return null;
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

/** A small TS/JS tokenizer: strings (no interpolation), identifiers, `: [ ] ,`; comments skipped. */
function tokenize(text: string): { tokens: Token[]; error: string | null } {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && text.charAt(i + 1) === "/") {
      while (i < text.length && text.charAt(i) !== "\n") i++;
    } else if (c === "/" && text.charAt(i + 1) === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) return { tokens, error: `unterminated /* comment at line ${line}` };
      for (let k = i; k < end; k++) if (text.charAt(k) === "\n") line++;
      i = end + 2;
    } else if (c === '"' || c === "'" || c === "`") {
      const start = line;
      let value = "";
      let interpolated = false;
      let j = i + 1;
      for (;;) {
        if (j >= text.length) return { tokens, error: `unterminated string at line ${start}` };
        const d = text.charAt(j);
        if (d === c) break;
        if (d === "\n") {
          if (c !== "`") return { tokens, error: `unterminated string at line ${start}` };
          line++;
        }
        if (d === "\\") {
          const e = text.charAt(j + 1);
          if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
            value += String.fromCharCode(Number.parseInt(text.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          if (e === "\n") line++;
          else value += ESCAPES[e] ?? e;
          j += 2;
          continue;
        }
        if (c === "`" && d === "$" && text.charAt(j + 1) === "{") interpolated = true;
        value += d;
        j++;
      }
      tokens.push({ kind: interpolated ? "other" : "string", value, line: start });
      i = j + 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[\w$]/.test(text.charAt(j))) j++;
      tokens.push({ kind: "ident", value: text.slice(i, j), line });
      i = j;
    } else {
      const kind = c === ":" || c === "[" || c === "]" || c === "," ? c : "other";
      tokens.push({ kind, value: c, line });
      i++;
    }
  }
  return { tokens, error: null };
}
