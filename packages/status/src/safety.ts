/**
 * Output safety ("Status you can trust"): artifact text (failure messages, file names, notes) reaches
 * the status verbatim, so it must not be able to ping a channel or reorder what a reader sees. Pure.
 */

/**
 * Bidirectional embedding, override and isolate controls: U+202A–U+202E and U+2066–U+2069 (Trojan
 * Source, CVE-2021-42574). Stripped from every output; Mattermost's own `SanitizeUnicode` drops the
 * first range too (server/public/model/utils.go `filterBlocklist`).
 */
export const BIDI_CONTROLS: RegExp = /[\u202A-\u202E\u2066-\u2069]/g;

/** `text` without bidirectional controls. */
export function stripBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/** Every string inside `value` (objects, arrays) without bidirectional controls; other values as they are. */
export function stripBidiDeep<T>(value: T): T {
  if (typeof value === "string") return stripBidi(value) as T;
  if (Array.isArray(value)) return value.map((v) => stripBidiDeep(v)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = stripBidiDeep(v);
    return out as T;
  }
  return value;
}

/**
 * Zero-width joiner (U+200D), inserted after the `@` of a channel-wide mention (and after `<!` of its
 * Slack form): `@\u200Dchannel` renders as `@channel` but is not the mention. Chosen over wrapping in
 * backticks because it keeps the surrounding markdown (escapes, code spans) exactly as built.
 */
export const MENTION_BREAK = "\u200D";

/**
 * Channel-wide mentions: Mattermost notifies the whole channel for `@channel`, `@all` and `@here`
 * (case-insensitive), and turns a webhook's Slack forms `<!channel>`, `<!here>`, `<!all>` into them
 * (server/channels/app/slack.go `expandAnnouncement`). `@everyone` is not special in Mattermost but
 * is in Slack, Discord and Teams bridges, so it is neutralised too. Any word starting so is broken
 * (`@allen` too): Mattermost trims trailing `.`, `-`, `_` from an unknown name and retries, so
 * `@channel_` would still reach the whole channel.
 */
const MENTION = /(@|<!)(channel|here|all|everyone)/gi;

function neutralizeLine(line: string): string {
  return line.replace(MENTION, (_m, lead: string, word: string) => `${lead}${MENTION_BREAK}${word}`);
}

/**
 * Neutralises channel-wide mentions everywhere outside fenced code blocks of `markdown` (Mattermost
 * does not notify for text in a code block, so the exact template command (R36) stays untouched).
 * Inline code spans are neutralised too: the break is invisible and a span is no promise on every client.
 * A fence is a line of ≥ 3 backticks (optionally an info string) closed by a backtick-only line at least
 * as long (CommonMark §4.5). Linear time.
 */
export function neutralizeMentions(markdown: string): string {
  const lines = markdown.split("\n");
  let fence: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const ticks = /^ {0,3}(`{3,})/.exec(line)?.[1]?.length ?? 0;
    if (fence === null) {
      if (ticks >= 3) fence = ticks;
      else lines[i] = neutralizeLine(line);
    } else if (ticks >= fence && /^ {0,3}`+\s*$/.test(line)) fence = null;
  }
  return lines.join("\n");
}

/** How many items a NOTES list (notes, parse issues) shows before `… and N more`, in text and markdown. */
export const NOTES_LIST_LIMIT = 20;

/** How many notes and parse issues the JSON keeps (the counts are always complete). */
export const JSON_LIST_LIMIT = 100;

/** `… and N more <what>` for a list cut after `shown` of `total` items, or `null` when nothing was cut. */
export function andMore(total: number, shown: number, what: string): string | null {
  const rest = total - shown;
  return rest > 0 ? `… and ${rest} more ${what}` : null;
}
