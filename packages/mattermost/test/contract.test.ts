import type { Notification } from "@atvm-watch/engine";
import { startWebhookServer, testNotifierContract, type WebhookAnswer } from "@atvm-watch/testing";
import { afterEach } from "vitest";
import { createMattermostNotifier } from "../src/index.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const ANSWERS: Record<string, WebhookAnswer> = {
  ok: "ok",
  "rejected-400": "invalid-hook",
  "rejected-503": "unavailable",
  unknown: "reset",
};

// The real adapter against a real loopback server: outcomes come from HTTP, not from a script of outcomes.
testNotifierContract("mattermost over the loopback webhook server", async (scenario) => {
  const answer = ANSWERS[scenario] ?? "ok";
  const server = await startWebhookServer({ fallback: answer });
  open.push(server);
  const notifier = createMattermostNotifier({
    webhookUrl: server.url,
    sleep: async () => undefined,
    random: () => 0.5,
  });
  return {
    notifier,
    received: (): Notification[] =>
      server.requests.map((r) => {
        const body = r.body as { text?: unknown; props?: { atvm_unit?: unknown } } | null;
        return { text: String(body?.text ?? ""), unitId: String(body?.props?.atvm_unit ?? "") };
      }),
    secret: server.key,
  };
});
