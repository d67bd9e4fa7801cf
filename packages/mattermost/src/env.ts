/**
 * Configuration from the environment (W8): `MATTERMOST_ATVM_WEBHOOK` (required to post) and
 * `MATTERMOST_ATVM_CHANNEL` (optional channel override). Errors never print the URL: it is a secret
 * (reliability: a leaked webhook lets anyone post).
 */
import { AtvmError, type Notifier } from "@atvm-watch/engine";
import { createMattermostNotifier, type MattermostNotifierOptions } from "./notifier.ts";

/** The webhook variable's name. */
export const WEBHOOK_ENV = "MATTERMOST_ATVM_WEBHOOK";
/** The channel variable's name. */
export const CHANNEL_ENV = "MATTERMOST_ATVM_CHANNEL";

/**
 * Checks a webhook URL: absolute `http:` or `https:`, a host, no whitespace or control characters.
 * Returns the trimmed URL. Throws `AtvmError` `CONFIG_INVALID` naming `variable`, never the value.
 */
export function validateWebhookUrl(raw: string | undefined, variable: string = WEBHOOK_ENV): string {
  const value = raw?.trim() ?? "";
  const fix = `set ${variable} to the incoming-webhook URL, https://<mattermost-server>/hooks/<key> (e.g. in /etc/atvm-run-watcher.env, mode 0600)`;
  if (value === "") throw new AtvmError("CONFIG_INVALID", `${variable} is not set: ${fix}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\s\u0000-\u001f\u007f]/.test(value)) {
    throw new AtvmError(
      "CONFIG_INVALID",
      `${variable} contains whitespace or control characters (value hidden: it is a secret): ${fix}`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AtvmError(
      "CONFIG_INVALID",
      `${variable} is not a valid URL (value hidden: it is a secret): ${fix}`,
    );
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw new AtvmError(
      "CONFIG_INVALID",
      `${variable} must be an http(s) URL with a host, got scheme ${JSON.stringify(url.protocol)} (value hidden: it is a secret): ${fix}`,
    );
  }
  return value;
}

/** Mattermost channel names are lowercase `a-z0-9`, `-`, `_` (≤ 64); `@user` posts to a direct message. */
const CHANNEL = /^@?[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks a channel override: a channel name or `@username`, at most 64 characters after the `@`.
 * Empty means unset (`undefined`). Throws `AtvmError` `CONFIG_INVALID` naming the variable and value.
 */
export function validateChannel(raw: string | undefined, variable: string = CHANNEL_ENV): string | undefined {
  const value = raw?.trim() ?? "";
  if (value === "") return undefined;
  if (!CHANNEL.test(value)) {
    throw new AtvmError(
      "CONFIG_INVALID",
      `${variable}=${JSON.stringify(value.slice(0, 80))} is not a Mattermost channel name: use the channel's URL name (e.g. atvm-runs) or @username`,
    );
  }
  return value;
}

/**
 * The notifier configured by `env` (e.g. `process.env`), with `extra` options (timeouts, injected
 * clock/sleep/random for tests). Throws `AtvmError` `CONFIG_INVALID` when `MATTERMOST_ATVM_WEBHOOK` is
 * missing or malformed, or `MATTERMOST_ATVM_CHANNEL` is malformed.
 */
export function notifierFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  extra: Omit<MattermostNotifierOptions, "webhookUrl" | "channel"> = {},
): Notifier {
  const webhookUrl = validateWebhookUrl(env[WEBHOOK_ENV]);
  const channel = validateChannel(env[CHANNEL_ENV]);
  return createMattermostNotifier({ ...extra, webhookUrl, ...(channel === undefined ? {} : { channel }) });
}
