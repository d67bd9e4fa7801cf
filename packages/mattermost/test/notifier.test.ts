import { isAtvmError, type NotifyOutcome } from "@atvm-watch/engine";
import { startWebhookServer, type WebhookAnswer, type WebhookServer } from "@atvm-watch/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  classifyStatus,
  createMattermostNotifier,
  MAX_POST_CHARS,
  type MattermostNotifierOptions,
  notifierFromEnv,
  parseRetryAfter,
  TRUNCATION_MARK,
  validateWebhookUrl,
} from "../src/index.ts";

const open: WebhookServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function server(...script: WebhookAnswer[]): Promise<WebhookServer> {
  const s = await startWebhookServer({ script, fallback: "ok" });
  open.push(s);
  return s;
}

/** A notifier with recorded, instant sleeps and fixed randomness, plus its log lines. */
function notifier(url: string, extra: Partial<MattermostNotifierOptions> = {}) {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const n = createMattermostNotifier({
    webhookUrl: url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => Date.UTC(2026, 2, 27, 8, 0, 0),
    log: (line) => logs.push(line),
    ...extra,
  });
  return { n, sleeps, logs };
}

const message = { text: "#### e2e-0327\nSUMMARY:\n2 PASS", unitId: "e2e-0327", notificationId: "n-0327-1" };

/** Every string an outcome carries, for leak checks. */
const strings = (outcome: NotifyOutcome): string => JSON.stringify(outcome);

function expectNoSecret(s: WebhookServer, outcome: NotifyOutcome, logs: readonly string[]): void {
  for (const text of [strings(outcome), ...logs]) {
    expect(text).not.toContain(s.key);
    expect(text).not.toContain(s.url);
  }
}

describe("mattermost notifier over the loopback webhook server", () => {
  it("D10 posts JSON {text, channel, username, icon_url, props} and answers ok only for 200 ok", async () => {
    const s = await server("ok");
    const { n, logs } = notifier(s.url, {
      channel: "atvm-runs",
      username: "atvm",
      iconUrl: "https://chat.example.com/icon.png",
    });
    expect(await n.notify(message)).toEqual({ kind: "ok", attempts: 1 });
    expect(s.requests).toHaveLength(1);
    const [req] = s.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe(`/hooks/${s.key}`);
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.body).toEqual({
      text: "#### e2e-0327\nSUMMARY:\n2 PASS\n\n`atvm notification n-0327-1`",
      channel: "atvm-runs",
      username: "atvm",
      icon_url: "https://chat.example.com/icon.png",
      props: { atvm_notification_id: "n-0327-1", atvm_unit: "e2e-0327" },
    });
    expectNoSecret(s, { kind: "ok" }, logs);
  });

  it("D10 a 2xx whose body is not ok is unknown (the post may exist), not retried, and the echoed path is redacted", async () => {
    const s = await server("not-ok-body");
    const { n, logs } = notifier(s.url);
    const outcome = await n.notify(message);
    expect(outcome.kind).toBe("unknown");
    expect(s.requests).toHaveLength(1);
    if (outcome.kind === "unknown") expect(outcome.detail).toContain("you asked for ***");
    expectNoSecret(s, outcome, logs);
  });

  for (const [answer, status] of [
    ["bad-request", 400],
    ["invalid-hook", 400],
    ["forbidden", 403],
    ["not-found", 404],
    ["too-large", 413],
    ["disabled", 501],
  ] as const) {
    it(`D10 ${answer} (${status}) is a permanent rejection after exactly one request, no back-off`, async () => {
      const s = await server(answer);
      const { n, sleeps, logs } = notifier(s.url);
      const outcome = await n.notify(message);
      expect(outcome).toMatchObject({ kind: "rejected", status, retryable: false, attempts: 1 });
      expect(s.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
      expectNoSecret(s, outcome, logs);
    });
  }

  it("D10 a 400 AppError body gives its id and message in the detail; the key it echoes never leaks", async () => {
    const s = await server("bad-request");
    const { n, logs } = notifier(s.url);
    const outcome = await n.notify(message);
    expect(outcome.kind === "rejected" && outcome.detail).toBe(
      "HTTP 400 api.webhook.incoming.error: Could not decode the multipart payload of incoming webhook.",
    );
    // The server really did echo the key (the leak this guards against is real).
    expect(s.requests[0]?.answer).toBe("bad-request");
    expectNoSecret(s, outcome, logs);
  });

  it("5xx is retried with capped, jittered exponential back-off, then succeeds", async () => {
    const s = await server("server-error", "unavailable", "server-error", "ok");
    const { n, sleeps, logs } = notifier(s.url, { baseDelayMs: 1000, maxDelayMs: 3000, maxAttempts: 5 });
    expect(await n.notify(message)).toEqual({ kind: "ok", attempts: 4 });
    expect(s.requests).toHaveLength(4);
    // random 0.5 → ¾ of min(cap, base·2^(n-1)): 1000 → 750, 2000 → 1500, 4000 capped 3000 → 2250.
    expect(sleeps).toEqual([750, 1500, 2250]);
    expectNoSecret(s, { kind: "ok" }, logs);
  });

  it("jitter stays within [half, whole] of the step for random 0 and almost 1", async () => {
    for (const [r, expected] of [
      [0, [250, 500]],
      [0.999999, [500, 1000]],
    ] as const) {
      const s = await server("unavailable", "unavailable", "ok");
      const { n, sleeps } = notifier(s.url, { baseDelayMs: 500, random: () => r });
      await n.notify(message);
      expect(sleeps).toEqual(expected);
    }
  });

  it("retries are bounded: a server that is always 503 gets exactly maxAttempts requests", async () => {
    const s = await startWebhookServer({ fallback: "unavailable" });
    open.push(s);
    const { n, sleeps, logs } = notifier(s.url, { maxAttempts: 3 });
    const outcome = await n.notify(message);
    expect(outcome).toMatchObject({ kind: "rejected", status: 503, retryable: true, attempts: 3 });
    expect(s.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expectNoSecret(s, outcome, logs);
  });

  it("429 honours Retry-After in seconds, and an HTTP date, each capped", async () => {
    const now = Date.UTC(2026, 2, 27, 8, 0, 0);
    const inFive = new Date(now + 5_000).toUTCString();
    const s = await server(
      { kind: "rate-limited", retryAfter: "2" },
      { kind: "rate-limited", retryAfter: inFive },
      { kind: "rate-limited", retryAfter: "3600" },
      "ok",
    );
    const { n, sleeps } = notifier(s.url, { maxAttempts: 4, maxRetryAfterMs: 30_000, now: () => now });
    expect(await n.notify(message)).toEqual({ kind: "ok", attempts: 4 });
    expect(sleeps).toEqual([2_000, 5_000, 30_000]);
    expect(s.requests).toHaveLength(4);
  });

  it("a timeout is unknown after one request and is not retried (the post may have arrived)", async () => {
    const s = await server("slow");
    const { n, sleeps, logs } = notifier(s.url, { timeoutMs: 150 });
    const outcome = await n.notify(message);
    expect(outcome.kind).toBe("unknown");
    if (outcome.kind === "unknown") expect(outcome.detail).toContain("no answer within 150 ms");
    expect(s.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expectNoSecret(s, outcome, logs);
  });

  it("a timeout is retried only when the caller's policy says so (retryAmbiguous), and stays unknown", async () => {
    const s = await server("slow", "unavailable");
    const { n } = notifier(s.url, { timeoutMs: 150, retryAmbiguous: true, maxAttempts: 2 });
    const outcome = await n.notify(message);
    expect(outcome.kind).toBe("unknown");
    expect(s.requests).toHaveLength(2);
  });

  it("a connection reset mid-request is unknown, one request, secret redacted", async () => {
    const s = await server("reset");
    const { n, logs } = notifier(s.url);
    const outcome = await n.notify(message);
    expect(outcome.kind).toBe("unknown");
    expect(s.requests).toHaveLength(1);
    expectNoSecret(s, outcome, logs);
  });

  it("a refused connection (nothing sent) is retried, then rejected with status 0 and retryable", async () => {
    const s = await server();
    const url = s.url;
    await s.close();
    open.splice(open.indexOf(s), 1);
    const { n, sleeps, logs } = notifier(url, { maxAttempts: 3 });
    const outcome = await n.notify(message);
    expect(outcome).toMatchObject({ kind: "rejected", status: 0, retryable: true, attempts: 3 });
    expect(sleeps).toHaveLength(2);
    if (outcome.kind === "rejected") expect(outcome.detail).toContain("ECONNREFUSED");
    const key = url.slice(url.lastIndexOf("/") + 1);
    for (const text of [strings(outcome), ...logs]) expect(text).not.toContain(key);
  });

  it("Node's fetch puts the URL in its parse-error message: the outcome and logs still never show it", async () => {
    const key = "zq8sdkfj3n5o9mxwe7tu1ybcha";
    const badUrl = `http://bad host/hooks/${key}`;
    // The leak is real: the unwrapped error from Node's fetch contains the secret.
    const raw = await fetch(badUrl).then(
      () => "",
      (error: unknown) => `${String(error)} ${String((error as Error).cause ?? "")}`,
    );
    expect(raw).toContain(key);
    // The adapter's own URL is valid; its transport hands Node's fetch the malformed one.
    const { n, logs } = notifier(`http://127.0.0.1:9/hooks/${key}`, {
      maxAttempts: 1,
      fetch: (_url, init) => fetch(badUrl, init),
    });
    const outcome = await n.notify(message);
    expect(outcome.kind).toBe("unknown");
    for (const text of [strings(outcome), ...logs]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain("bad host/hooks");
    }
  });

  it("a configured URL that is not http(s) is rejected permanently without a request or a leak", async () => {
    const { n, logs } = notifier("file:///etc/hooks/zq8sdkfj3n5o9mxwe7tu1ybcha");
    const outcome = await n.notify(message);
    expect(outcome).toMatchObject({ kind: "rejected", status: 0, retryable: false, attempts: 0 });
    for (const text of [strings(outcome), ...logs]) expect(text).not.toContain("zq8sdkfj3n5o9mxwe7tu1ybcha");
  });

  it("never throws: a throwing fetch, sleep or logger becomes an outcome", async () => {
    const s = await server("unavailable");
    const { n } = notifier(s.url, {
      sleep: async () => {
        throw new Error(`sleep broke at ${s.url}`);
      },
      log: () => {
        throw new Error("log broke");
      },
    });
    const outcome = await n.notify(message);
    expect(outcome.kind).toBe("unknown");
    expect(strings(outcome)).not.toContain(s.key);
    const weird = createMattermostNotifier({
      webhookUrl: s.url,
      fetch: (() => {
        throw { url: s.url };
      }) as unknown as typeof fetch,
    });
    const second = await weird.notify(message);
    expect(second.kind).toBe("unknown");
    expect(strings(second)).not.toContain(s.key);
  });

  it("the text plus footer stays ≤ 16,383 characters, cut at a code point, fence closed, id kept", async () => {
    const s = await server("ok");
    const { n } = notifier(s.url);
    const long = `${"x".repeat(MAX_POST_CHARS - 100)}\n\`\`\`\n${"😀".repeat(200)}`;
    expect((await n.notify({ ...message, text: long })).kind).toBe("ok");
    const sent = ((s.requests[0]?.body ?? {}) as { text: string }).text;
    expect(sent.length).toBeLessThanOrEqual(MAX_POST_CHARS);
    expect(sent.endsWith(`${TRUNCATION_MARK}\n\n\`atvm notification n-0327-1\``)).toBe(true);
    expect(sent).toContain("\n```\n… (truncated");
    expect(sent).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(sent.startsWith(long.slice(0, 1000))).toBe(true);
  });

  it("a text that fits is sent unchanged plus the footer; without a notificationId the id is derived, stable", async () => {
    const s = await server("ok", "ok", "ok");
    const { n } = notifier(s.url);
    const bare = { text: "t", unitId: "e2e-0327" };
    await n.notify(bare);
    await n.notify(bare);
    await n.notify({ ...bare, text: "u" });
    const ids = s.requests.map(
      (r) => (r.body as { props: { atvm_notification_id: string } }).props.atvm_notification_id,
    );
    expect(ids[0]).toMatch(/^atvm-[0-9a-f]{20}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(((s.requests[0]?.body ?? {}) as { text: string }).text).toBe(
      `t\n\n\`atvm notification ${ids[0]}\``,
    );
  });
});

describe("status classes and Retry-After", () => {
  it("retry table: 2xx success; 408, 429, 5xx but 501 retry; 3xx and other 4xx permanent", () => {
    const table = Object.fromEntries(
      [200, 204, 301, 400, 401, 403, 404, 408, 413, 429, 500, 501, 502, 503, 504].map((s) => [
        s,
        classifyStatus(s),
      ]),
    );
    expect(table).toEqual({
      200: "success",
      204: "success",
      301: "permanent",
      400: "permanent",
      401: "permanent",
      403: "permanent",
      404: "permanent",
      408: "retry",
      413: "permanent",
      429: "retry",
      500: "retry",
      501: "permanent",
      502: "retry",
      503: "retry",
      504: "retry",
    });
  });

  it("Retry-After: seconds, HTTP date, past date → 0, garbage → null, capped", () => {
    const now = Date.UTC(2026, 2, 27, 8, 0, 0);
    expect(parseRetryAfter("7", now, 60_000)).toBe(7_000);
    expect(parseRetryAfter("Fri, 27 Mar 2026 08:00:09 GMT", now, 60_000)).toBe(9_000);
    expect(parseRetryAfter("Fri, 27 Mar 2026 07:00:00 GMT", now, 60_000)).toBe(0);
    expect(parseRetryAfter("soon", now, 60_000)).toBeNull();
    expect(parseRetryAfter(null, now, 60_000)).toBeNull();
    expect(parseRetryAfter("99999", now, 60_000)).toBe(60_000);
  });
});

describe("W8 configuration from the environment", () => {
  const secret = "https://chat.example.com/hooks/k3y5ecretk3y5ecretk3y5ecre";

  it("W8 notifierFromEnv builds a notifier from MATTERMOST_ATVM_WEBHOOK and MATTERMOST_ATVM_CHANNEL", async () => {
    const s = await server("ok");
    const n = notifierFromEnv({ MATTERMOST_ATVM_WEBHOOK: s.url, MATTERMOST_ATVM_CHANNEL: "atvm-runs" });
    expect(n.name).toBe("mattermost");
    expect((await n.notify(message)).kind).toBe("ok");
    expect(((s.requests[0]?.body ?? {}) as { channel?: string }).channel).toBe("atvm-runs");
  });

  for (const [label, value] of [
    ["missing", undefined],
    ["empty", "  "],
    ["not a URL", "chat.example.com/hooks/k3y5ecretk3y5ecretk3y5ecre"],
    ["wrong scheme", "ftp://chat.example.com/hooks/k3y5ecretk3y5ecretk3y5ecre"],
    ["with a space", "https://chat example.com/hooks/k3y5ecretk3y5ecretk3y5ecre"],
  ] as const) {
    it(`W8 a ${label} MATTERMOST_ATVM_WEBHOOK is an AtvmError naming the variable, never the URL`, () => {
      let caught: unknown;
      try {
        notifierFromEnv({ MATTERMOST_ATVM_WEBHOOK: value });
      } catch (error) {
        caught = error;
      }
      expect(isAtvmError(caught) && caught.code).toBe("CONFIG_INVALID");
      const text = `${String(caught)} ${String((caught as Error).cause ?? "")}`;
      expect(text).toContain("MATTERMOST_ATVM_WEBHOOK");
      expect(text).not.toContain("k3y5ecret");
    });
  }

  it("W8 a malformed channel is an AtvmError naming MATTERMOST_ATVM_CHANNEL; an empty one means unset", () => {
    expect(() =>
      notifierFromEnv({ MATTERMOST_ATVM_WEBHOOK: secret, MATTERMOST_ATVM_CHANNEL: "two words" }),
    ).toThrow(/MATTERMOST_ATVM_CHANNEL/);
    expect(notifierFromEnv({ MATTERMOST_ATVM_WEBHOOK: secret, MATTERMOST_ATVM_CHANNEL: "" }).name).toBe(
      "mattermost",
    );
    expect(validateWebhookUrl(` ${secret} `)).toBe(secret);
  });
});
