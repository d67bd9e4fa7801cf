/**
 * The ports over one {@link SshConnection}: `CommandRunner`, `ProcessProbe` and `ArtifactSource`
 * (packages/engine/src/ports.ts) on a remote controller, plus a batched poll that lists folders and
 * fetches every changed file's new bytes in ONE ssh round trip.
 */
import {
  type ArtifactBatchContent,
  type ArtifactEntry,
  type ArtifactSource,
  AtvmError,
  type CommandResult,
  type CommandRunner,
  globToRegExp,
  type ListingIssue,
  type ProcessInfo,
  type ProcessProbe,
} from "@atvm-watch/engine";
import type { SshConnection } from "./connection.ts";
import { REMOTE_HELPER_PY } from "./remote-helper.ts";

/** Where the remote artifacts live: the automation root and the allow-listed absolute folders. */
export interface RemoteRoots {
  /** The automation root on the controller, absolute, e.g. `/root/cdc-e2e-cyp-12.17.4`. */
  readonly root: string;
  /** Absolute folders outside the root that may be read (`/tmp`, the home folder). Default `[]`. */
  readonly extraRoots?: readonly string[];
}

type Op =
  | { readonly op: "list"; readonly dir: string }
  | { readonly op: "read"; readonly path: string; readonly offset: number; readonly max: number | null }
  | { readonly op: "stat"; readonly path: string }
  | { readonly op: "ps" }
  | {
      readonly op: "poll";
      readonly dirs: readonly string[];
      readonly stats?: readonly string[];
      readonly match?: readonly string[];
      readonly head?: number;
      readonly skip?: number | null;
      readonly known: Readonly<Record<string, readonly [number, number]>>;
      readonly offsets: Readonly<Record<string, number>>;
      readonly max: number | null;
    };

type Result = { readonly ok: true; readonly [key: string]: unknown } | FailedResult;
interface FailedResult {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}

const HELPER_ARGV = ["python3", "-c", REMOTE_HELPER_PY];

/**
 * Sends `ops` to the remote helper in one ssh invocation and returns one result per op.
 * Rejects with `SshError` for a transport failure and `AtvmError("SSH_FAILED")` when the helper
 * could not run (no python3) or answered something that is not its protocol.
 */
export async function runHelper(
  connection: SshConnection,
  roots: RemoteRoots,
  ops: readonly Op[],
  timeoutMs?: number,
): Promise<readonly Result[]> {
  const request = JSON.stringify({ root: roots.root, extraRoots: roots.extraRoots ?? [], ops });
  const result = await connection.exec(HELPER_ARGV, {
    stdin: request,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  const text = Buffer.from(result.stdout).toString("utf8");
  let answer: { v?: unknown; results?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    const why = result.stderr.trim().split("\n").at(-1) ?? `exit ${result.exitCode}`;
    throw new AtvmError(
      "SSH_FAILED",
      `[ssh ${connection.destination}] the remote helper did not answer (${why}); the controller needs python3 on PATH`,
    );
  }
  if (answer.v !== 1 || !Array.isArray(answer.results) || answer.results.length !== ops.length) {
    throw new AtvmError(
      "SSH_FAILED",
      `[ssh ${connection.destination}] the remote helper answered an unknown protocol`,
    );
  }
  return answer.results as Result[];
}

function failure(destination: string, result: FailedResult): AtvmError {
  const code = result.code === "INVALID_PATH" ? "INVALID_PATH" : "ARTIFACT_NOT_FOUND";
  return new AtvmError(code, `[ssh ${destination}] ${result.message}`);
}

type WireEntry = [string, number, number, string | null];

function toEntries(raw: unknown): ArtifactEntry[] {
  return (raw as WireEntry[]).map(([path, sizeBytes, mtimeMs]) => ({ path, sizeBytes, mtimeMs }));
}

/** Wire issues `[path, code]` as the port's listing issues (a folder when the walk itself failed). */
function toIssues(raw: unknown): ListingIssue[] {
  return (raw as [string, string][]).map(([path, code]) => ({
    path,
    target: code === "SYMLINK_FOLDER" ? "folder" : "file",
    code,
    message: `cannot read ${path} on the controller: ${code}`,
  }));
}

const fromB64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));

/** One folder's listing in a batched poll, with the entries that could not be read. */
export interface RemoteListing {
  readonly dir: string;
  readonly entries: readonly ArtifactEntry[];
  /** `[path, cause]` for entries or folders that could not be listed or read (EACCES, ELOOP, …). */
  readonly issues: readonly (readonly [string, string])[];
}

/** What one batched poll returns: the listings and the new bytes of every changed file. */
export interface RemotePollResult {
  readonly listings: readonly RemoteListing[];
  /** Changed files' bytes from the requested offset (0 when none was given). */
  readonly contents: ReadonlyMap<string, { readonly offset: number; readonly bytes: Uint8Array }>;
}

/** What the caller already knows, so the helper sends only what changed. */
export interface RemotePollRequest {
  readonly dirs: readonly string[];
  /** Size and mtime (ms) per path from the previous poll; unchanged files are not read. */
  readonly known?: ReadonlyMap<string, { readonly sizeBytes: number; readonly mtimeMs: number }>;
  /** Byte offsets to read from (logs read incrementally); default 0. */
  readonly offsets?: ReadonlyMap<string, number>;
  /** At most this many bytes per file per poll; default unlimited. */
  readonly maxBytesPerFile?: number;
}

/** The ssh artifact source: the port plus the one-round-trip poll. */
export interface SshArtifactSource extends ArtifactSource {
  /** Lists `dirs` and fetches every changed file's new bytes in ONE ssh invocation. */
  pollBatch(request: RemotePollRequest): Promise<RemotePollResult>;
}

/**
 * The `ArtifactSource` port on a remote controller. Paths as in ports.ts (relative under the root;
 * absolute only inside the root or an extra root, named absolute by `list`). Each call is one ssh
 * round trip; {@link SshArtifactSource.pollBatch} does a whole poll in one.
 * Errors: `INVALID_PATH` (escape, symlink out of the root, not a regular file), `ARTIFACT_NOT_FOUND`,
 * `SshError` for transport failures.
 */
export function createSshSource(connection: SshConnection, roots: RemoteRoots): SshArtifactSource {
  const one = async (op: Op): Promise<Result> => {
    const [result] = await runHelper(connection, roots, [op]);
    if (result === undefined) throw new AtvmError("SSH_FAILED", "[ssh] empty helper answer");
    return result;
  };
  return {
    name: `ssh:${connection.destination}`,
    async batch(request) {
      const known: Record<string, [number, number]> = {};
      for (const [path, e] of request.known ?? []) known[path] = [e.sizeBytes, e.mtimeMs];
      const offsets: Record<string, number> = {};
      for (const [path, offset] of request.offsets ?? []) offsets[path] = offset;
      // globToRegExp gives `^…$` sources of a subset Python's `re` reads the same way.
      const match = (request.readGlobs ?? []).map((g) => globToRegExp(g).source.slice(1, -1));
      const [result] = await runHelper(connection, roots, [
        {
          op: "poll",
          dirs: request.list,
          stats: request.stat,
          match,
          known,
          offsets,
          head: request.headBytes ?? 0,
          skip: request.maxBytes ?? null,
          max: request.maxBytes ?? null,
        },
      ]);
      if (result === undefined || !result.ok) {
        throw failure(
          connection.destination,
          (result ?? { ok: false, code: "", message: "no answer" }) as FailedResult,
        );
      }
      const listings = (result.listings as Result[]).map((listing) =>
        listing.ok
          ? { entries: toEntries(listing.entries), issues: toIssues(listing.issues) }
          : { error: failure(connection.destination, listing) },
      );
      const stats = (result.stats as Result[]).map((stat) => {
        if (!stat.ok) return { error: failure(connection.destination, stat) };
        const entry = stat.entry as [string, number, number] | null;
        return entry === null ? null : { path: entry[0], sizeBytes: entry[1], mtimeMs: entry[2] };
      });
      const contents = new Map<string, ArtifactBatchContent | { error: unknown }>();
      for (const [path, offset, b64, head] of result.contents as [string, number, string, string | null][]) {
        contents.set(path, {
          offset,
          bytes: fromB64(b64),
          ...(head !== null ? { head: fromB64(head) } : {}),
        });
      }
      for (const [path, code, message] of result.errors as [string, string, string][]) {
        contents.set(path, { error: failure(connection.destination, { ok: false, code, message }) });
      }
      return { listings, stats, contents };
    },
    async list(dir) {
      const result = await one({ op: "list", dir });
      if (!result.ok) throw failure(connection.destination, result);
      return { entries: toEntries(result.entries), issues: toIssues(result.issues) };
    },
    async read(path, offset = 0, maxBytes) {
      const result = await one({
        op: "read",
        path,
        offset: Math.max(0, Math.floor(offset)),
        max: maxBytes ?? null,
      });
      if (!result.ok) throw failure(connection.destination, result);
      return fromB64(result.data as string);
    },
    async stat(path) {
      const result = await one({ op: "stat", path });
      if (!result.ok) throw failure(connection.destination, result);
      const entry = result.entry as [string, number, number] | null;
      return entry === null ? null : { path: entry[0], sizeBytes: entry[1], mtimeMs: entry[2] };
    },
    async pollBatch(request) {
      const known: Record<string, [number, number]> = {};
      for (const [path, e] of request.known ?? []) known[path] = [e.sizeBytes, e.mtimeMs];
      const offsets: Record<string, number> = {};
      for (const [path, offset] of request.offsets ?? []) offsets[path] = offset;
      const [result] = await runHelper(connection, roots, [
        { op: "poll", dirs: request.dirs, known, offsets, max: request.maxBytesPerFile ?? null },
      ]);
      if (result === undefined || !result.ok) {
        throw failure(
          connection.destination,
          (result ?? { ok: false, code: "", message: "no answer" }) as FailedResult,
        );
      }
      const listings = (result.listings as Result[]).map((listing, i) => ({
        dir: request.dirs[i] ?? "",
        entries: listing.ok ? toEntries(listing.entries) : [],
        issues: listing.ok
          ? (listing.issues as [string, string][])
          : [[request.dirs[i] ?? "", (listing as FailedResult).code] as [string, string]],
      }));
      const contents = new Map<string, { offset: number; bytes: Uint8Array }>();
      for (const [path, offset, b64] of result.contents as [string, number, string][]) {
        contents.set(path, { offset, bytes: fromB64(b64) });
      }
      return { listings, contents };
    },
  };
}

/**
 * The `ProcessProbe` port on a remote controller: the remote `/proc` read by the helper (proc(5)),
 * the same fields as the local probe. One ssh round trip per `list()`.
 */
export function createSshProbe(connection: SshConnection, roots: RemoteRoots = { root: "/" }): ProcessProbe {
  return {
    name: `ssh-proc:${connection.destination}`,
    async list() {
      const [result] = await runHelper(connection, roots, [{ op: "ps" }]);
      if (result === undefined || !result.ok) return [];
      return (result.procs as [number, number, string, number | null, string, string[]?][]).map(
        ([pid, ppid, state, startedAt, command, argv]): ProcessInfo => ({
          pid,
          ppid,
          command,
          ...(Array.isArray(argv) ? { argv } : {}),
          defunct: state === "Z",
          startedAt,
        }),
      );
    },
  };
}

// The remote shell exits 127 for a missing program with a message we cannot tell from a program
// that exits 127 itself, so the wrapper checks first and prints a marker line.
const START_MARKER = "atvm-ssh: cannot start";
const WRAPPER = `command -v -- "$1" >/dev/null 2>&1 || { printf '%s %s\\n' '${START_MARKER}' "$1" >&2; exit 127; }; exec "$@"`;

/**
 * The `CommandRunner` port on a remote controller: argv quoted word by word for the remote shell
 * (never split, globbed or expanded there). Resolves the remote exit code and UTF-8 output. Rejects
 * with `COMMAND_FAILED_TO_START` when the program does not exist on the controller, and with
 * `SshError` when ssh itself failed.
 */
export function createSshRunner(connection: SshConnection): CommandRunner {
  return {
    name: `ssh:${connection.destination}`,
    async run(argv, options): Promise<CommandResult> {
      if (argv.length === 0 || argv[0] === "") {
        throw new AtvmError("COMMAND_FAILED_TO_START", "[ssh] empty argv; pass the program first");
      }
      const result = await connection.exec(["sh", "-c", WRAPPER, "atvm-ssh", ...argv], {
        ...(options?.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options?.cwd !== undefined ? { cwd: options.cwd } : {}),
      });
      if (result.exitCode === 127 && result.stderr.includes(START_MARKER)) {
        throw new AtvmError(
          "COMMAND_FAILED_TO_START",
          `[ssh ${connection.destination}] cannot start ${JSON.stringify(argv[0])} on the controller (not found)`,
        );
      }
      return {
        exitCode: result.exitCode,
        stdout: Buffer.from(result.stdout).toString("utf8"),
        stderr: result.stderr,
      };
    },
  };
}
