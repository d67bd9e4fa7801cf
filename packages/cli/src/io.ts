/** What `main` touches outside itself, injectable for tests and for other transports (ssh). */
import type { ArtifactSource, Clock, ProcessProbe } from "@atvm-watch/engine";
import type { PersistentParseCache } from "@atvm-watch/node-fs";

/** A writable text stream (process.stdout-like). */
export interface TextOut {
  write(text: string): unknown;
  /** `true` on a terminal: colour is used only then (and never with `NO_COLOR`). */
  readonly isTTY?: boolean;
}

/**
 * The disk, as the CLI reaches it: every file the CLI reads goes through an `ArtifactSource`
 * this port opens (the root's artifacts and `atvm.config.json`, the `--config` file's folder).
 * Default: node-fs (see node-disk.ts); an ssh adapter implements the same two calls remotely.
 */
export interface DiskPort {
  /** `true` when `path` (absolute) is a folder. */
  isFolder(path: string): Promise<boolean>;
  /**
   * An artifact source over the folder `root` (absolute), allowing absolute paths under
   * `extraRoots` too (node-fs `extraRoots`, e.g. `/tmp` for `/tmp/<build>.log`).
   */
  open(root: string, extraRoots: readonly string[]): ArtifactSource;
  /**
   * Optional: the persistent parse cache of the automation root `root` (absolute) for `atvm status`
   * (node-fs `openParseCache`: `$XDG_CACHE_HOME/atvm-watch/`, else `~/.cache/atvm-watch/`, from
   * `env`). Disks without one (ssh) are never cached. Never rejects.
   */
  openParseCache?(
    root: string,
    env: Readonly<Record<string, string | undefined>>,
  ): Promise<PersistentParseCache>;
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
  /** Files; default the local disk through node-fs. */
  readonly disk: DiskPort;
  /** Working directory for relative `--root` and `--config`. */
  readonly cwd: string;
}
