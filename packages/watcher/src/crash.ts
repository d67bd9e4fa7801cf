/** Crash-point testing (docs/watcher.md "Crash-point testing"): the named points and the env hook. */

/** Named points where `crash` is called (docs/watcher.md "Crash-point testing"). */
export const CRASH_POINTS = [
  "after-observe",
  "before-persist",
  "after-persist",
  "before-intent",
  "after-intent",
  "before-post",
  "after-post",
  "before-mark-posted",
  "after-mark-posted",
  "before-terminate",
] as const;
/** One crash point. */
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** A `crash` that SIGKILLs this process at the point named by `env.ATVM_WATCHER_CRASH_AT` (tests only). */
export function crashFromEnv(env: Readonly<Record<string, string | undefined>>): (point: CrashPoint) => void {
  const at = env.ATVM_WATCHER_CRASH_AT;
  return (point) => {
    if (at === point) process.kill(process.pid, "SIGKILL");
  };
}
