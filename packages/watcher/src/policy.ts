/**
 * The machine policy `atvm watch` runs with (docs/watcher.md "Delivery"), from the engine defaults:
 * - `retryUnknownOutcome: true`: at-least-once for an unknown outcome (a timeout or a crash mid-POST
 *   re-posts the same frozen text with the same notification id), so a finished run is never silently
 *   left unposted; the duplicate is recognisable by its footer (reliability §6 cases 4, 6);
 * - `maxPostAttempts: 300`: a retryable failure (5xx, 429, network) is retried with the loop's capped
 *   back-off (`backoffMs`: 5 s doubling to 5 min), so a webhook outage of about a day loses nothing
 *   (reliability §6 case 7); each attempt is one `notify` call, itself up to 4 requests;
 * - `hangWindowMs` from the config file's `hangWindowMs` when set (D9), else the engine's 2 h.
 */
import { DEFAULT_MACHINE_POLICY, type MachinePolicy } from "@atvm-watch/engine";

/** Post attempts (one `notify` call each) before a retryable failure is given up (≈ 24 h of back-off). */
export const WATCH_MAX_POST_ATTEMPTS = 300;

/** The policy of `atvm watch`; `hangWindowMs` (ms, > 0) overrides the D9 hang window. */
export function watchPolicy(options: { readonly hangWindowMs?: number | undefined } = {}): MachinePolicy {
  return {
    ...DEFAULT_MACHINE_POLICY,
    retryUnknownOutcome: true,
    maxPostAttempts: WATCH_MAX_POST_ATTEMPTS,
    ...(options.hangWindowMs !== undefined ? { hangWindowMs: options.hangWindowMs } : {}),
  };
}
