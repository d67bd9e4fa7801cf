/**
 * `@atvm-watch/mattermost`: a `Notifier` over a Mattermost incoming webhook — `ok` only for a 2xx
 * `ok` body (D10), bounded jittered retries where no post can have been created, `unknown` where one
 * may have, the webhook secret redacted from every detail and log line (docs/mattermost.md).
 */
export { CHANNEL_ENV, notifierFromEnv, validateChannel, validateWebhookUrl, WEBHOOK_ENV } from "./env.ts";
export {
  classifyStatus,
  createMattermostNotifier,
  type MattermostNotifierOptions,
  parseRetryAfter,
  type StatusClass,
} from "./notifier.ts";
export {
  boundedText,
  buildPayload,
  footerFor,
  MAX_POST_CHARS,
  notificationIdOf,
  type PayloadDefaults,
  TRUNCATION_MARK,
  type WebhookPayload,
} from "./payload.ts";
export { createRedactor, REDACTED, type Redactor } from "./redact.ts";
