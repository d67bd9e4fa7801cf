/** What `main` touches outside itself, injectable for tests. */
import type { Clock, ProcessProbe } from "@atvm-watch/engine";

/** A writable text stream (process.stdout-like). */
export interface TextOut {
  write(text: string): unknown;
  /** `true` on a terminal: colour is used only then (and never with `NO_COLOR`). */
  readonly isTTY?: boolean;
}

/** The outside world of one `main` call. Every field defaults to the real process's. */
export interface CliIo {
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  /** Environment: `HOME` (for `~/` paths), `NO_COLOR`, `TZ`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Process table; default `/proc`. */
  readonly probe: ProcessProbe;
  /** Clock; default the system clock. */
  readonly clock: Clock;
  /** Working directory for relative `--root` and `--config`. */
  readonly cwd: string;
}
