/** The system clock as the `Clock` port (ports.ts): wall time and a monotonic counter. */
import { performance } from "node:perf_hooks";
import type { Clock } from "@atvm-watch/engine";

/** `now()` = `Date.now()` (UTC ms); `monotonicMs()` = `performance.now()` (ms, immune to clock jumps; D9). */
export function createSystemClock(): Clock {
  return { now: () => Date.now(), monotonicMs: () => performance.now() };
}
