/** Small line readers of the runner-log parser: process crashes and spec-name cleanup. Pure. */

import type { Compiled } from "./patterns.ts";

/**
 * A browser-process or Test Runner crash on `bare` (`browserCrash`, then `runnerCrash`), with the
 * signal the line names, or `null` (R17, T1 class `crash`). Renderer crashes are read separately.
 */
export function processCrash(
  re: Compiled,
  bare: string,
): { process: "browser" | "test-runner"; signal: string | null } | null {
  const browser = re.browserCrash.exec(bare);
  const m = browser ?? re.runnerCrash.exec(bare);
  if (m === null) return null;
  const signal = m.groups?.signal;
  return {
    process: browser === null ? "test-runner" : "browser",
    signal: signal === undefined || signal === "" ? null : signal,
  };
}

/** `name` without a trailing `...` or `…` (Cypress 3's `Running: spec.js...`), trimmed. */
export function trimEllipsis(name: string): string {
  let end = name.length;
  if (name.endsWith("...")) end -= 3;
  else if (name.endsWith("\u2026")) end -= 1;
  return end === name.length ? name : name.slice(0, end).trimEnd();
}
