import type { FailureDescription, HostEntry } from "@atvm-watch/engine";
import { hostEntry } from "@atvm-watch/testing";

/** A FAIL host line with the failure the reconstruction would give it. */
export function failed(
  host: string,
  step: number | null,
  message: string,
  extra: Partial<FailureDescription> = {},
  at?: number,
): HostEntry {
  return hostEntry(host, "FAIL", {
    failure: { step, title: `step ${step ?? "?"}`, message, source: "junit", ...extra },
    ...(at !== undefined ? { finishedAt: at } : {}),
  });
}
