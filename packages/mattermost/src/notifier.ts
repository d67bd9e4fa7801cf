/**
 * A `Notifier` (engine ports.ts) over a Mattermost incoming webhook. Contract: POST JSON to
 * `/hooks/<key>`; success is `200 text/plain "ok"` (server/channels/web/webhook.go
 * `w.Write([]byte("ok"))`); errors are AppError JSON `{id, message, detailed_error, request_id,
 * status_code}` (server/public/model/utils.go). There is no idempotency key, so the adapter retries only
 * where the post cannot have been created, and reports every ambiguous case as `unknown` (D10;
 * docs/mattermost.md has the full table).
 */
import type { Notification, Notifier, NotifyOutcome } from "@atvm-watch/engine";
import { buildPayload, type PayloadDefaults } from "./payload.ts";
import { createRedactor, describeError, oneLine, type Redactor } from "./redact.ts";

/** Options of `createMattermostNotifier`. Times in ms. */
export interface MattermostNotifierOptions extends PayloadDefaults {
  /** The incoming-webhook URL, e.g. `https://chat.example.com/hooks/<key>`. A secret: never logged. */
  readonly webhookUrl: string;
  /** HTTP requests per `notify` call, ≥ 1 (default 4). */
  readonly maxAttempts?: number;
  /** First back-off step (default 500). Step n waits between half and all of `min(cap, base·2^(n-1))`. */
  readonly baseDelayMs?: number;
  /** Back-off cap (default 8,000). */
  readonly maxDelayMs?: number;
  /** Cap on a server's `Retry-After` (default 60,000); a longer request is shortened to this. */
  readonly maxRetryAfterMs?: number;
  /** Whole-request timeout: connect, send, headers and body (default 10,000). Yields `unknown`. */
  readonly timeoutMs?: number;
  /**
   * Also retry after a timeout or a connection lost mid-request, accepting a possible duplicate
   * (default `false`: such an attempt ends the call with `unknown`, the watcher decides).
   */
  readonly retryAmbiguous?: boolean;
  /** Wall clock, UTC ms, for an HTTP-date `Retry-After` (default `Date.now`). */
  readonly now?: () => number;
  /** Waits `ms` between attempts (default a real timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for the jitter (default `Math.random`). */
  readonly random?: () => number;
  /** The fetch implementation (default the global, Node's undici). */
  readonly fetch?: typeof fetch;
  /** Receives one redacted line per attempt, e.g. `mattermost attempt 1/4: HTTP 503; retry in 412 ms`. */
  readonly log?: (line: string) => void;
}

/** How the adapter treats an HTTP status (docs/mattermost.md, "Retry table"). */
export type StatusClass = "success" | "retry" | "permanent";

/**
 * The retry class of an HTTP status: 2xx `success` (still needs the `ok` body); 408, 429 and 5xx except
 * 501 `retry` (the post was not created: Mattermost saves nothing before answering an error, and a
 * text ≤ 16,383 characters is never split); everything else `permanent` — 400 bad payload or unknown
 * hook, 401/403 not allowed or channel locked, 404 channel gone, 413 payload too large (the same body is
 * refused again: the caller must shrink it), 501 webhooks disabled, 3xx a misconfigured URL.
 */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return "success";
  if (status === 408 || status === 429 || (status >= 500 && status !== 501)) return "retry";
  return "permanent";
}

/** undici / libuv codes that mean the request never reached a server (nothing can have been posted). */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const MAX_BODY_BYTES = 64 * 1024;
const MAX_DETAIL_CHARS = 300;

type Attempt =
  | {
      readonly type: "http";
      readonly status: number;
      readonly body: string;
      readonly retryAfter: string | null;
    }
  | { readonly type: "not-sent"; readonly detail: string }
  | { readonly type: "ambiguous"; readonly detail: string };

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP-date; the wait in ms (≥ 0, at most
 * `capMs`), or `null` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, nowMs: number, capMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d{1,10}$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(capMs, Math.max(0, ms));
}

/** Creates the notifier. Throws nothing; `notify` never throws either. */
export function createMattermostNotifier(options: MattermostNotifierOptions): Notifier {
  const redact = createRedactor(options.webhookUrl);
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 4));
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? globalThis.fetch;
  const log = (line: string): void => {
    try {
      options.log?.(redact(line));
    } catch {
      // A failing logger must not turn into a thrown notify.
    }
  };

  async function attemptOnce(body: string): Promise<Attempt> {
    let response: Response;
    try {
      response = await doFetch(options.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/plain, application/json" },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return classifyThrown(error, redact, timeoutMs);
    }
    let text: string;
    try {
      text = await readBounded(response);
    } catch (error) {
      // Headers arrived but the body did not: the server may have created the post.
      const thrown = classifyThrown(error, redact, timeoutMs);
      const why = thrown.type === "http" ? "" : thrown.detail;
      return { type: "ambiguous", detail: `HTTP ${response.status}, body lost: ${why}` };
    }
    return {
      type: "http",
      status: response.status,
      body: text,
      retryAfter: response.headers.get("retry-after"),
    };
  }

  function backoff(attempt: number): number {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const r = Math.min(Math.max(random(), 0), 1);
    return Math.round(ceiling / 2 + (r * ceiling) / 2);
  }

  const configError = checkUrl(options.webhookUrl);

  async function notifyUnsafe(message: Notification): Promise<NotifyOutcome> {
    if (configError !== null) {
      log(`mattermost: ${configError}`);
      return { kind: "rejected", status: 0, detail: configError, retryable: false, attempts: 0 };
    }
    const body = JSON.stringify(buildPayload(message, options));
    let maybeDelivered = false;
    let last: Exclude<NotifyOutcome, { kind: "ok" }> = {
      kind: "rejected",
      status: 0,
      detail: "not attempted",
      retryable: true,
      attempts: 0,
    };
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const result = await attemptOnce(body);
      const head = `mattermost attempt ${attempt}/${maxAttempts} for ${message.unitId}`;
      let retryAfterMs: number | null = null;
      if (result.type === "http") {
        const cls = classifyStatus(result.status);
        const detail = httpDetail(result.status, result.body, redact);
        if (cls === "success") {
          if (result.body.trim() === "ok") {
            log(`${head}: HTTP ${result.status} ok`);
            return { kind: "ok", attempts: attempt };
          }
          log(`${head}: ${detail} (2xx without ok: outcome unknown)`);
          return {
            kind: "unknown",
            detail: `${detail} (2xx without "ok": the post may exist)`,
            attempts: attempt,
          };
        }
        if (cls === "permanent") {
          log(`${head}: ${detail} (permanent, not retried)`);
          if (maybeDelivered)
            return {
              kind: "unknown",
              detail: `${detail}; an earlier attempt may have posted`,
              attempts: attempt,
            };
          return { kind: "rejected", status: result.status, detail, retryable: false, attempts: attempt };
        }
        last = { kind: "rejected", status: result.status, detail, retryable: true, attempts: attempt };
        retryAfterMs = parseRetryAfter(result.retryAfter, now(), maxRetryAfterMs);
      } else if (result.type === "not-sent") {
        last = { kind: "rejected", status: 0, detail: result.detail, retryable: true, attempts: attempt };
      } else {
        maybeDelivered = true;
        last = { kind: "unknown", detail: result.detail, attempts: attempt };
        if (!options.retryAmbiguous) {
          log(`${head}: ${result.detail} (the post may have arrived: not retried)`);
          return last;
        }
      }
      if (attempt === maxAttempts) {
        log(`${head}: ${last.detail} (attempts used up)`);
        break;
      }
      const wait = retryAfterMs ?? backoff(attempt);
      log(`${head}: ${last.detail}; retry in ${wait} ms`);
      await sleep(wait);
    }
    if (maybeDelivered && last.kind !== "unknown") {
      return {
        kind: "unknown",
        detail: `${last.detail}; an earlier attempt may have posted`,
        attempts: maxAttempts,
      };
    }
    return last;
  }

  return {
    name: "mattermost",
    async notify(message) {
      try {
        return await notifyUnsafe(message);
      } catch (error) {
        // Only a bug or a throwing injected dependency gets here; the request may have gone out.
        return { kind: "unknown", detail: `internal error: ${describeError(error, redact)}` };
      }
    },
  };
}

/** `null` for an absolute http(s) URL with a host, else why not (never the URL itself). */
function checkUrl(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "") return null;
    return `the webhook URL must be http(s) with a host, got scheme ${JSON.stringify(url.protocol)}`;
  } catch {
    return "the webhook URL does not parse (value hidden: it is a secret)";
  }
}

function classifyThrown(error: unknown, redact: Redactor, timeoutMs: number): Attempt {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return {
      type: "ambiguous",
      detail: `no answer within ${timeoutMs} ms (timeout; the post may have arrived)`,
    };
  }
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = current.cause;
  }
  const detail = `network error: ${describeError(error, redact)}`;
  if (codes.some((code) => NOT_SENT_CODES.has(code))) return { type: "not-sent", detail };
  return { type: "ambiguous", detail };
}

async function readBounded(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const all = new Uint8Array(Math.min(size, MAX_BODY_BYTES));
  let at = 0;
  for (const chunk of chunks) {
    const take = chunk.subarray(0, all.length - at);
    all.set(take, at);
    at += take.length;
  }
  return new TextDecoder().decode(all);
}

/** `HTTP <status> <app error id>: <message>` for an AppError body, else the status and a body excerpt. */
function httpDetail(status: number, rawBody: string, redact: Redactor): string {
  const body = redact(rawBody);
  let summary = oneLine(body, 200);
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null) {
      const { id, message } = parsed as { id?: unknown; message?: unknown };
      if (typeof id === "string" || typeof message === "string") {
        summary = [typeof id === "string" ? id : "", typeof message === "string" ? message : ""]
          .filter((s) => s !== "")
          .join(": ");
      }
    }
  } catch {
    // Not JSON (a proxy page, plain text): keep the excerpt.
  }
  return oneLine(redact(summary === "" ? `HTTP ${status}` : `HTTP ${status} ${summary}`), MAX_DETAIL_CHARS);
}
