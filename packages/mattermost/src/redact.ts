/**
 * Redaction of the webhook secret. Mattermost's docs: "Treat this endpoint as a secret. Anyone who has
 * it will be able to post messages" (https://developers.mattermost.com/integrate/webhooks/incoming/).
 * Node 20's `fetch` puts the URL into some error messages (`TypeError: Failed to parse URL from …`), and
 * a server or proxy may echo the path or the hook id in an error body (Mattermost's own
 * `api.webhook.incoming.error` detail reads `webhook_id=<key>, error: …`, server/channels/web/webhook.go),
 * so every string this adapter returns or logs goes through a redactor first.
 */

/** The replacement text for a redacted secret. */
export const REDACTED = "***";

/** Path segments that are never secret on their own (the fixed `/hooks/` route prefix). */
const PUBLIC_SEGMENTS: ReadonlySet<string> = new Set(["hooks", "commands", ""]);

/**
 * A function that replaces every occurrence of the webhook URL, its path, its query, any user info,
 * every non-public path segment (the key), and their percent-encoded forms with `***`; plus any
 * `/hooks/<id>` path, whatever its id. Linear time: plain substring replacement, one simple regex.
 */
export type Redactor = (text: string) => string;

/** Builds the redactor for `webhookUrl` (raw, as configured; it need not parse). */
export function createRedactor(webhookUrl: string): Redactor {
  const secrets = new Set<string>([webhookUrl.trim()]);
  try {
    const url = new URL(webhookUrl.trim());
    secrets.add(url.href);
    secrets.add(url.pathname + url.search);
    if (url.search.length > 1) secrets.add(url.search.slice(1));
    if (url.username !== "") secrets.add(url.username);
    if (url.password !== "") secrets.add(url.password);
    for (const segment of url.pathname.split("/")) {
      if (!PUBLIC_SEGMENTS.has(segment)) {
        secrets.add(segment);
        secrets.add(safeDecode(segment));
      }
    }
  } catch {
    // An unparsable URL is still redacted as a whole (above) and by the /hooks/ rule (below).
  }
  for (const secret of [...secrets]) secrets.add(encodeURIComponent(secret));
  const ordered = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const secret of ordered) out = out.split(secret).join(REDACTED);
    return out.replace(/\/hooks\/[A-Za-z0-9%_-]+/g, `/hooks/${REDACTED}`);
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * A short, single-line, redacted description of a thrown value: its name and message and those of its
 * `cause` chain (undici puts `ECONNREFUSED`, `UND_ERR_SOCKET` there), at most `maxChars` characters.
 */
export function describeError(error: unknown, redact: Redactor, maxChars = 300): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(`${current.name}: ${current.message}${typeof code === "string" ? ` (${code})` : ""}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return oneLine(redact(parts.join(" ← ")), maxChars);
}

/** Collapses control characters and newlines to spaces and cuts to `maxChars` (with `…`). */
export function oneLine(text: string, maxChars: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length <= maxChars ? flat : `${flat.slice(0, Math.max(0, maxChars - 1))}…`;
}
