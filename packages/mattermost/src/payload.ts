/**
 * The incoming-webhook request body (https://developers.mattermost.com/integrate/webhooks/incoming/):
 * `{ text, channel?, username?, icon_url?, props }`. The text carries a one-line footer with the
 * notification id and is bounded to one post: Mattermost splits a longer text into several posts and may
 * fail half-way (server `splitWebhookPost`), so "one post" needs the text ≤ 16,383 characters
 * (`PostMessageMaxRunesV2`, public/model/post.go).
 */
import { createHash } from "node:crypto";
import type { Notification } from "@atvm-watch/engine";

/** Mattermost's default post limit, in characters (runes); we count UTF-16 units, which is stricter. */
export const MAX_POST_CHARS = 16_383;

/** What a truncated text ends with (before the footer). */
export const TRUNCATION_MARK = "\n… (truncated to fit one Mattermost post)";

/** The JSON body POSTed to the webhook. */
export interface WebhookPayload {
  readonly text: string;
  readonly channel?: string;
  readonly username?: string;
  readonly icon_url?: string;
  /** `atvm_notification_id` and `atvm_unit`; readable back through the REST API only. */
  readonly props: { readonly atvm_notification_id: string; readonly atvm_unit: string };
}

/** Fields that do not change per message. */
export interface PayloadDefaults {
  readonly channel?: string;
  readonly username?: string;
  readonly iconUrl?: string;
}

const ID_CHARS = /[^A-Za-z0-9._:-]/g;

/**
 * The notification id for `message`: its own `notificationId` (characters outside `[A-Za-z0-9._:-]`
 * replaced by `_`, at most 64), or else `atvm-` + the first 20 hex digits of SHA-256(unitId, NUL, text),
 * so the same frozen message always gets the same id.
 */
export function notificationIdOf(message: Notification): string {
  const given = message.notificationId?.replace(ID_CHARS, "_").slice(0, 64);
  if (given !== undefined && given !== "") return given;
  const digest = createHash("sha256").update(message.unitId).update("\0").update(message.text).digest("hex");
  return `atvm-${digest.slice(0, 20)}`;
}

/** The footer line: blank line, then `` `atvm notification <id>` `` in a code span (never a mention). */
export function footerFor(id: string): string {
  return `\n\n\`atvm notification ${id}\``;
}

/**
 * `text` + footer, at most `MAX_POST_CHARS` UTF-16 units. A longer text is cut at a code-point boundary,
 * gets `TRUNCATION_MARK`, and an unclosed ``` fence is closed, so the post renders and stays one post.
 */
export function boundedText(text: string, id: string): string {
  const footer = footerFor(id);
  if (text.length + footer.length <= MAX_POST_CHARS) return text + footer;
  const fenceClose = "\n```";
  let cut = MAX_POST_CHARS - footer.length - TRUNCATION_MARK.length - fenceClose.length;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  const kept = text.slice(0, cut);
  const fences = kept.split("\n").filter((line) => line.trimStart().startsWith("```")).length;
  return kept + (fences % 2 === 1 ? fenceClose : "") + TRUNCATION_MARK + footer;
}

/** The full request body for `message`. */
export function buildPayload(message: Notification, defaults: PayloadDefaults): WebhookPayload {
  const id = notificationIdOf(message);
  return {
    text: boundedText(message.text, id),
    ...(defaults.channel === undefined ? {} : { channel: defaults.channel }),
    ...(defaults.username === undefined ? {} : { username: defaults.username }),
    ...(defaults.iconUrl === undefined ? {} : { icon_url: defaults.iconUrl }),
    props: { atvm_notification_id: id, atvm_unit: message.unitId },
  };
}
