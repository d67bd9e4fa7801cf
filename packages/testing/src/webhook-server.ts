/**
 * A loopback Mattermost incoming-webhook server for tests: a real `node:http` server on 127.0.0.1 and an
 * ephemeral port that speaks the incoming-webhook contract, answers from a per-request script, and
 * records every request. Sources: developers.mattermost.com/integrate/webhooks/incoming/ and the
 * mattermost/mattermost server code named below.
 *
 * | answer          | status + body                                                   | mirrors |
 * | --------------- | --------------------------------------------------------------- | ------- |
 * | `ok`            | 200 `text/plain` `ok`, `X-Request-Id`                           | server/channels/web/webhook.go `w.Header().Set("Content-Type","text/plain"); w.Write([]byte("ok"))` |
 * | `bad-request`   | 400 AppError JSON, id `api.webhook.incoming.error`, `detailed_error` `webhook_id=<key>, error: …` (echoes the key!) | web/webhook.go media-type / form decode errors |
 * | `invalid-hook`  | 400 AppError JSON, id `web.incoming_webhook.invalid.app_error`  | app/webhook.go `HandleIncomingWebhook`: an unknown hook id is 400, not 404; also sent for any POST whose key differs from the server's |
 * | `forbidden`     | 403 AppError JSON, id `web.incoming_webhook.channel_locked.app_error` | app/webhook.go: the hook is locked to another channel |
 * | `not-found`     | 404 AppError JSON, id `web.incoming_webhook.channel.app_error`  | app/webhook.go: the `channel` override does not exist |
 * | `too-large`     | 413 `text/html` proxy page                                      | a reverse proxy's body limit (nginx `client_max_body_size`); Mattermost itself answers 400 |
 * | `rate-limited`  | 429 `Retry-After: <value>`, text body                           | Mattermost's rate limiter (`RateLimitSettings`, throttled `Retry-After` header) or a proxy |
 * | `server-error`  | 500 AppError JSON, id `api.post.create_webhook_post.creating.app_error` | app/webhook.go `CreateWebhookPost`: the post failed to save |
 * | `unavailable`   | 503 text body                                                   | a proxy while Mattermost restarts |
 * | `disabled`      | 501 AppError JSON, id `web.incoming_webhook.disabled.app_error` | app/webhook.go: incoming webhooks disabled by the admin |
 * | `not-ok-body`   | 200 `text/html` with another body                               | a captive proxy / login page answering 200 |
 * | `slow`          | headers never sent (until `close()`)                            | a hung server or proxy past the client timeout |
 * | `reset`         | the socket is destroyed after the request body arrived          | a connection reset mid-request (proxy crash) |
 *
 * AppError JSON shape (server/public/model/utils.go `AppError`): `{"id", "message", "detailed_error",
 * "request_id", "status_code"}`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One scripted answer (see the table above). */
export type WebhookAnswer =
  | "ok"
  | "bad-request"
  | "invalid-hook"
  | "forbidden"
  | "not-found"
  | "too-large"
  | "server-error"
  | "unavailable"
  | "disabled"
  | "not-ok-body"
  | "slow"
  | "reset"
  | { readonly kind: "rate-limited"; readonly retryAfter: string };

/** One request the server received. */
export interface RecordedWebhookRequest {
  readonly method: string;
  /** Path with query, e.g. `/hooks/<key>`. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body as UTF-8 (at most 1 MiB is kept). */
  readonly rawBody: string;
  /** `JSON.parse(rawBody)`, or `null` when it is not JSON. */
  readonly body: unknown;
  /** The answer the server gave (or `invalid-hook` for a wrong key). */
  readonly answer: WebhookAnswer;
}

/** The running server. */
export interface WebhookServer {
  /** `http://127.0.0.1:<port>/hooks/<key>`: the secret a notifier must never leak. */
  readonly url: string;
  /** The random hook key (26 lower-case alphanumerics, like a Mattermost id). */
  readonly key: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedWebhookRequest[];
  /** Appends answers for the next requests; once used up, the server answers `fallback`. */
  script(...answers: readonly WebhookAnswer[]): void;
  /** Stops listening and destroys open connections (a `slow` answer is cut). */
  close(): Promise<void>;
}

/** Options of `startWebhookServer`. */
export interface WebhookServerOptions {
  /** Initial script. */
  readonly script?: readonly WebhookAnswer[];
  /** Answer after the script is used up (default `ok`). */
  readonly fallback?: WebhookAnswer;
}

const MAX_KEPT_BODY = 1024 * 1024;

function appError(id: string, message: string, detailed: string, status: number, requestId: string): string {
  return JSON.stringify({
    id,
    message,
    detailed_error: detailed,
    request_id: requestId,
    status_code: status,
  });
}

/** Starts the server on 127.0.0.1 and an ephemeral port. */
export async function startWebhookServer(options: WebhookServerOptions = {}): Promise<WebhookServer> {
  const key = randomBytes(20).toString("hex").slice(0, 26);
  const queue: WebhookAnswer[] = [...(options.script ?? [])];
  const fallback = options.fallback ?? "ok";
  const requests: RecordedWebhookRequest[] = [];
  const sockets = new Set<Socket>();

  const answer = (res: ServerResponse, a: WebhookAnswer, req: IncomingMessage): void => {
    const requestId = randomBytes(13).toString("hex");
    const json = (status: number, id: string, message: string, detailed = ""): void => {
      res.writeHead(status, { "content-type": "application/json", "x-request-id": requestId });
      res.end(appError(id, message, detailed, status, requestId));
    };
    if (typeof a === "object") {
      res.writeHead(429, { "content-type": "text/plain", "retry-after": a.retryAfter });
      res.end("Too Many Requests\n");
      return;
    }
    switch (a) {
      case "ok":
        res.writeHead(200, { "content-type": "text/plain", "x-request-id": requestId });
        res.end("ok");
        return;
      case "bad-request":
        json(
          400,
          "api.webhook.incoming.error",
          "Could not decode the multipart payload of incoming webhook.",
          `webhook_id=${key}, error: mime: invalid media parameter`,
        );
        return;
      case "invalid-hook":
        json(400, "web.incoming_webhook.invalid.app_error", "Invalid webhook.");
        return;
      case "forbidden":
        json(
          403,
          "web.incoming_webhook.channel_locked.app_error",
          "This webhook is not permitted to post to the requested channel.",
        );
        return;
      case "not-found":
        json(404, "web.incoming_webhook.channel.app_error", "Couldn't find the channel.");
        return;
      case "too-large":
        res.writeHead(413, { "content-type": "text/html" });
        res.end(
          `<html><body><h1>413 Request Entity Too Large</h1><p>POST ${req.url ?? ""}</p></body></html>`,
        );
        return;
      case "server-error":
        json(500, "api.post.create_webhook_post.creating.app_error", "Error creating post.");
        return;
      case "unavailable":
        res.writeHead(503, { "content-type": "text/plain" });
        res.end("Service Unavailable");
        return;
      case "disabled":
        json(
          501,
          "web.incoming_webhook.disabled.app_error",
          "Incoming webhooks have been disabled by the system admin.",
        );
        return;
      case "not-ok-body":
        res.writeHead(200, { "content-type": "text/html" });
        res.end(`<html><body>Please sign in (you asked for ${req.url ?? ""})</body></html>`);
        return;
      case "slow":
        return; // Never answer; close() destroys the socket.
      case "reset":
        req.socket.destroy();
        return;
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on("data", (chunk: Buffer) => {
      if (kept < MAX_KEPT_BODY) {
        chunks.push(chunk);
        kept += chunk.length;
      }
    });
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).subarray(0, MAX_KEPT_BODY).toString("utf8");
      let body: unknown = null;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = null;
      }
      const path = req.url ?? "";
      const rightHook = req.method === "POST" && path === `/hooks/${key}`;
      const given = rightHook ? (queue.shift() ?? fallback) : "invalid-hook";
      requests.push({
        method: req.method ?? "",
        path,
        headers: { ...req.headers },
        rawBody,
        body,
        answer: given,
      });
      answer(res, given, req);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/${key}`,
    key,
    requests,
    script(...answers) {
      queue.push(...answers);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
