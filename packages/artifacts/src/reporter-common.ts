/**
 * Helpers shared by the reporter parsers (`junit.ts`, `reporter-json.ts`): input guards
 * (size, emptiness, binary content, UTF-16), host recovery from file names and free text
 * (R11, W7), mocha hook titles, timeouts and result counts. Pure.
 */

import { candidateHosts, containsHost, hostsIn } from "./hosts.ts";
import { stripAnsi } from "./text.ts";
import type {
  ArtifactMeta,
  HookKind,
  ParseIssue,
  ParseIssueKind,
  TestCounts,
  TestcaseResult,
} from "./types.ts";

/** Default bound on one artifact's size: 16 MiB. Larger inputs give a `too-large` issue unparsed. */
export const DEFAULT_MAX_ARTIFACT_BYTES: number = 16 * 1024 * 1024;

/** Default bound on a failure's stack (and message) text: 8 KiB of characters. */
export const DEFAULT_MAX_STACK_CHARS: number = 8 * 1024;

/** Builds a parse issue for `meta.path`. */
export function issue(meta: ArtifactMeta, kind: ParseIssueKind, problem: string): ParseIssue {
  return { file: meta.path, kind, problem };
}

/** A thrown value as one line of at most 200 characters (`…` when cut), for an issue's problem text. */
export function describeCause(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The outcome of {@link checkTextInput}: the text to parse (BOM removed, UTF-16 decoded) or one issue. */
export type TextInput =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly issue: ParseIssue };

const SAMPLE_CHARS = 4096;
/** U+FFFD (undecodable bytes) and C0 controls other than tab, LF, CR and ESC (ANSI colours). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const ODD_CHAR = /[\uFFFD\u0001-\u0008\u000B\u000C\u000E-\u001A\u001C-\u001F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const ODD_CHARS = /[\uFFFD\u0001-\u0008\u000B\u000C\u000E-\u001A\u001C-\u001F]/g;

/**
 * Guards every reporter parser runs first, cheapest first:
 * - size: `max(text.length, meta.sizeBytes)` over `maxBytes` → `too-large` (nothing else is scanned);
 * - a leading U+FEFF byte-order mark is dropped;
 * - UTF-16 with a byte-order mark that reached us byte by byte (decoded as UTF-8 or Latin-1, so the
 *   text starts `\uFFFD\uFFFD` or `ÿþ`/`þÿ` and every other character is NUL) is decoded when that is
 *   lossless, i.e. the content is ASCII; otherwise → `binary`;
 * - only whitespace → `empty`;
 * - a NUL character anywhere, or more than 10% replacement/control characters in the first 4 KiB → `binary`.
 * It is {@link prepareTextInput} then {@link textContentIssue}. Never throws.
 */
export function checkTextInput(text: string, meta: ArtifactMeta, maxBytes: number, what: string): TextInput {
  const prepared = prepareTextInput(text, meta, maxBytes, what);
  if (!prepared.ok) return prepared;
  const bad = textContentIssue(prepared.text, meta, what);
  return bad === null ? prepared : { ok: false, issue: bad };
}

/**
 * The constant-time part of {@link checkTextInput}: size (`too-large`), byte-order mark, UTF-16
 * (`binary` when not decoded losslessly) and `empty`. A parser that can prove the content checks
 * pass (e.g. from `JSON.parse` accepting the text) runs {@link textContentIssue} only when it
 * cannot. Never throws.
 */
export function prepareTextInput(
  text: string,
  meta: ArtifactMeta,
  maxBytes: number,
  what: string,
): TextInput {
  const size = Math.max(text.length, meta.sizeBytes ?? 0);
  if (size > maxBytes) {
    return fail(meta, "too-large", `${what} is ${size} bytes, over the ${maxBytes}-byte bound; not parsed`);
  }
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const utf16 = utf16Order(body);
  if (utf16 !== null) {
    const decoded = decodeUtf16Bytes(body.slice(2), utf16);
    if (decoded === null) {
      return fail(
        meta,
        "binary",
        `${what} is UTF-16 (${utf16 === "le" ? "FF FE" : "FE FF"} byte-order mark) and was not decoded losslessly; re-read it as UTF-16`,
      );
    }
    body = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  }
  if (!/\S/.test(body)) {
    return fail(meta, "empty", `${what} is empty (${text.length} characters, all whitespace)`);
  }
  return { ok: true, text: body };
}

/**
 * The scanning part of {@link checkTextInput}, on the text {@link prepareTextInput} returned: a NUL
 * character anywhere, or more than 10% replacement/control characters (U+FFFD and C0 controls other
 * than tab, LF, CR and ESC) in the first 4 KiB → a `binary` issue; `null` when the text passes.
 * Never throws.
 */
export function textContentIssue(body: string, meta: ArtifactMeta, what: string): ParseIssue | null {
  const nul = body.indexOf("\u0000");
  if (nul >= 0) return issue(meta, "binary", `${what} holds a NUL character at offset ${nul}; not text`);
  const sample = body.length > SAMPLE_CHARS ? body.slice(0, SAMPLE_CHARS) : body;
  if (ODD_CHAR.test(sample)) {
    const odd = sample.match(ODD_CHARS)?.length ?? 0;
    if (odd * 10 > sample.length) {
      return issue(
        meta,
        "binary",
        `${what} is not text: ${odd} of its first ${sample.length} characters are undecodable or control characters`,
      );
    }
  }
  return null;
}

function fail(meta: ArtifactMeta, kind: ParseIssueKind, problem: string): TextInput {
  return { ok: false, issue: issue(meta, kind, problem) };
}

/** Byte order of UTF-16 text whose bytes became one character each, from its BOM; `null` when not that. */
function utf16Order(text: string): "le" | "be" | null {
  const a = text.charCodeAt(0);
  const b = text.charCodeAt(1);
  if ((a === 0xfffd && b === 0xfffd) || (a === 0xff && b === 0xfe)) {
    return text.charCodeAt(3) === 0 || text.length === 2 ? "le" : null;
  }
  if (a === 0xfe && b === 0xff) return text.charCodeAt(2) === 0 ? "be" : null;
  return null;
}

/** Pairs one-character-per-byte text into UTF-16 code units; `null` when a byte was lost (≥ 0x100 or U+FFFD). */
function decodeUtf16Bytes(bytes: string, order: "le" | "be"): string | null {
  if (bytes.length % 2 !== 0) return null;
  const units: number[] = [];
  let out = "";
  for (let i = 0; i < bytes.length; i += 2) {
    const first = bytes.charCodeAt(i);
    const second = bytes.charCodeAt(i + 1);
    if (first > 0xff || second > 0xff) return null;
    units.push(order === "le" ? first | (second << 8) : (first << 8) | second);
    if (units.length === 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** `stripAnsi` that skips the regex for the usual text without escapes. */
export function cleanText(text: string): string {
  return text.includes("\u001b") || text.includes("\u009b") ? stripAnsi(text) : text;
}

/** `text` cut to `max` characters, with a marker saying how much was dropped. */
export function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… [${text.length - max} more characters]`;
}

// --- hosts ------------------------------------------------------------------------------------

/** A fleet-shaped host name (`atvm<N>-<distro><version>`) not preceded by a name character. */
const HOST_SHAPE = /(?<![A-Za-z0-9_-])atvm\d+-[a-z][a-z0-9._-]*/gi;
/** The same shape in a file name, where `-`/`_` separate words (`test-result-atvm41-redhat6.0`). */
const FILE_HOST_SHAPE = /(?<![A-Za-z0-9])atvm\d+-[a-z][a-z0-9._-]*/gi;

function shapes(text: string, re: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    const host = m[0].replace(/[._-]+$/, "");
    if (!out.includes(host)) out.push(host);
  }
  return out;
}

/**
 * Hosts named in free text (suite names, test titles, failure messages): the known hosts it names at
 * name boundaries (`hostsIn`), or with no known host list the fleet-shaped names `atvm<N>-<distro><version>`.
 */
export function hostsNamedIn(text: string, knownHosts: readonly string[] | undefined): string[] {
  if (knownHosts !== undefined && knownHosts.length > 0) return hostsIn(text, knownHosts);
  return shapes(text, HOST_SHAPE);
}

/** The last path segment without its extension(s): `a/test-result-x.xml` → `test-result-x`. */
export function fileStem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.(xml|json|jsonl|ndjson|txt|log)$/i, "");
}

/**
 * The host a file name holds (R11), e.g. `test-result-atvm41-redhat6.0.xml` → `atvm41-redhat6.0`.
 * A host may follow `-` or `_` in a file name (`test-result-`), but must end at the end of the
 * stem or before a non-name character. With known hosts only those match (longest wins when one
 * contains another); without them the fleet shape does. `"ambiguous"` when several hosts match.
 */
export function hostFromFileName(
  path: string,
  knownHosts: readonly string[] | undefined,
): string | null | "ambiguous" {
  const found = hostsInFileName(path, knownHosts);
  if (found.length === 0) return null;
  return found.length === 1 ? (found[0] as string) : "ambiguous";
}

/** Every host a file name holds, by the rule of {@link hostFromFileName}. */
export function hostsInFileName(path: string, knownHosts: readonly string[] | undefined): string[] {
  const stem = fileStem(path);
  if (knownHosts === undefined || knownHosts.length === 0) return shapes(stem, FILE_HOST_SHAPE);
  const found = candidateHosts(stem, knownHosts).filter((h) => inFileName(stem, h));
  return found.filter((h) => !found.some((o) => o !== h && o.includes(h)));
}

/** `host` occurs in a file stem after its start or a non-alphanumeric, and before its end or a non-name character. */
function inFileName(stem: string, host: string): boolean {
  if (host.length === 0) return false;
  for (let at = stem.indexOf(host); at >= 0; at = stem.indexOf(host, at + 1)) {
    if (at > 0 && /[A-Za-z0-9]/.test(stem.charAt(at - 1))) continue;
    // Re-check the end boundary with the host at the start (its start boundary holds here).
    if (containsHost(stem.slice(at), host)) return true;
  }
  return false;
}

/**
 * Known hosts a mochawesome `[name]` stem can stand for (W7). mochawesome cuts the spec name at
 * its first dot, so `atvm41-redhat6.0.cy.ts` becomes `atvm41-redhat6`, and `reportFilename` may
 * add to it (`[name]_[datetime]`, `[name]-[status]`): a host matches when the part of it before
 * its first dot starts the stem and is followed by the stem's end, `_`, `-` or `.`. Several
 * matches mean the caller must not guess.
 */
export function hostsForStem(stem: string, knownHosts: readonly string[] | undefined): string[] {
  if (knownHosts === undefined || stem.length === 0) return [];
  return candidateHosts(stem, knownHosts).filter((h) => {
    const cut = h.split(".")[0] as string;
    if (cut.length === 0 || !stem.startsWith(cut)) return false;
    const next = stem.charAt(cut.length);
    return next === "" || next === "_" || next === "-" || next === ".";
  });
}

/** The host segment of a per-host reporter path `…/cmcReporter/logs/<host>/…`, or `null`. */
export function reporterPathSegment(path: string): string | null {
  const m = /(?:^|[\\/])logs[\\/]([^\\/]+)[\\/][^\\/]+$/.exec(path);
  return m === null ? null : (m[1] as string);
}

// --- tests ------------------------------------------------------------------------------------

/** A mocha hook title: `"before all" hook for "1. Title"`, `"after each" hook: name for "…"`, `"before all" hook`. */
const HOOK_TITLE = /"(before all|before each|after all|after each)" hook(?:: .*?)?(?: for "(.*)")?$/s;

/** A mocha hook failure title split into the hook kind and the test it names (`null` when it names none). */
export interface HookTitle {
  readonly hook: HookKind;
  readonly test: string | null;
  /** The hook title itself (`"before all" hook for "1. Title"`), without suite prefixes. */
  readonly title: string;
}

/** Reads a mocha hook failure title; `null` when `text` is not one. */
export function parseHookTitle(text: string): HookTitle | null {
  const at = text.indexOf('" hook');
  if (at < 0) return null;
  const m = HOOK_TITLE.exec(text.trim());
  if (m === null) return null;
  return { hook: m[1] as HookKind, test: m[2] ?? null, title: m[0] };
}

const TIMEOUT = /\btimed out\b|\btimeout of \d+\s*ms exceeded|\btimeout exceeded\b/i;

/** `true` when a failure message reports a timeout (`Timed out retrying after 4000ms`, `Timeout of 2000ms exceeded`). */
export function isTimeoutMessage(message: string): boolean {
  return TIMEOUT.test(message.length > 2000 ? message.slice(0, 2000) : message);
}

/** A title starting with a `N. ` step number (the test's own title, not a suite lineage). */
export const STEP_AT_START: RegExp = /^\s*\d{1,3}\.\s+\S/;

/**
 * Counts for a host result: `passed`/`failed`/`skipped` count testcases by state (hook failures count
 * as failures); tests the reporter declared (`declaredTotal`) but omitted — mocha-junit-reporter drops
 * pending tests and tests a failing hook skipped — are added to `skipped`. `total` is the larger of the
 * declared total and the testcases seen (hook entries excluded).
 */
export function countTestcases(
  testcases: readonly TestcaseResult[],
  declaredTotal: number | null,
): TestCounts {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let hooks = 0;
  for (const t of testcases) {
    if (t.state === "passed") passed++;
    else if (t.state === "failed") failed++;
    else skipped++;
    if (t.failure?.hook !== undefined) hooks++;
  }
  const seenTests = testcases.length - hooks;
  const total = Math.max(declaredTotal ?? seenTests, seenTests);
  const omitted = Math.max(0, total - passed - failed - skipped);
  return { total, passed, failed, skipped: skipped + omitted };
}
