/**
 * The in-memory `ArtifactSource` (ports.ts): files from a record, settable mtimes, growth,
 * truncation, removal and injected access failures, passing the same contract as node-fs and ssh.
 * No I/O.
 */
import { type ArtifactEntry, type ArtifactSource, AtvmError, type ListingIssue } from "@atvm-watch/engine";

const encoder = new TextEncoder();

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === "string" ? encoder.encode(content) : new Uint8Array(content);
}

/** Rejects a path that escapes the root (`..` segment) or is absolute, naming it (`INVALID_PATH`). */
function checkPath(path: string): string {
  if (path.startsWith("/") || path.split("/").includes("..")) {
    throw new AtvmError(
      "INVALID_PATH",
      `[memory] path escapes the source root: ${JSON.stringify(path)}; use a relative path without ".."`,
    );
  }
  return path.replace(/^\.\//, "");
}

/** One file of a memory source: its content and optional mtime (UTC ms). */
export interface MemoryFile {
  readonly content: string | Uint8Array;
  readonly mtimeMs?: number;
}

/** A read the memory source served, for asserting incremental reads (logs from the last offset). */
export interface MemoryRead {
  readonly path: string;
  readonly offset: number;
  readonly bytes: number;
}

/** An `ArtifactSource` over a map of files, with setters for tests. */
export interface MemorySource extends ArtifactSource {
  /** Creates or replaces `path`; mtime defaults to the source's current default mtime. */
  write(path: string, content: string | Uint8Array, mtimeMs?: number): void;
  /** Appends to `path` (creating it), like a growing runner log; bumps mtime when given. */
  append(path: string, content: string | Uint8Array, mtimeMs?: number): void;
  /** Sets the mtime of `path` (UTC ms) without touching its content (e.g. a fresh git clone, R33). */
  setMtime(path: string, mtimeMs: number): void;
  /** Cuts `path` to `sizeBytes` (log rotation or truncation). */
  truncate(path: string, sizeBytes: number): void;
  remove(path: string): void;
  /**
   * Injects an access failure (until `heal`): `"list"` on a folder hides everything under it and
   * reports one folder `ListingIssue` (`code`, e.g. `EACCES`); `"list"` on a file hides it with a
   * file issue (and `stat` rejects); `"read"` makes `read` reject `ARTIFACT_UNREADABLE` with
   * `cause.code` = `code`, as node-fs does for an unreadable file.
   */
  fail(path: string, on: "list" | "read", code: string): void;
  /** Removes every injected failure. */
  heal(): void;
  /**
   * Replaces `path` by another file (a new inode when the source was created with `inodes`), keeping
   * its mtime unless given: a file renamed over another, which size and mtime alone cannot tell apart.
   */
  replace(path: string, content: string | Uint8Array, mtimeMs?: number): void;
  /** Every `read` served so far, in order. */
  readonly reads: readonly MemoryRead[];
}

/**
 * A memory `ArtifactSource`. `files` maps run-relative POSIX paths to text, bytes or `{ content, mtimeMs }`;
 * `defaultMtimeMs` (default 0) is the mtime of files written without one.
 * Errors: `read` rejects `ARTIFACT_NOT_FOUND` for a missing file; any method rejects `INVALID_PATH` for `..`.
 */
export function createMemorySource(
  files: Readonly<Record<string, string | Uint8Array | MemoryFile>> = {},
  options: {
    readonly defaultMtimeMs?: number;
    /** Entries carry an `ino` like node-fs (1, 2, … in creation order); default `false` (no `ino`). */
    readonly inodes?: boolean;
  } = {},
): MemorySource {
  const store = new Map<string, { bytes: Uint8Array; mtimeMs: number; ino: number }>();
  const reads: MemoryRead[] = [];
  const failures = new Map<string, { on: "list" | "read"; code: string }>();
  /** The outermost listing failure covering `path` (a folder hides everything below it). */
  const listFailure = (path: string): string | undefined => {
    let found: string | undefined;
    for (const [at, f] of failures) {
      if (f.on !== "list" || (path !== at && !path.startsWith(`${at}/`))) continue;
      if (found === undefined || at.length < found.length) found = at;
    }
    return found;
  };
  const unreadable = (path: string, code: string): AtvmError =>
    new AtvmError("ARTIFACT_UNREADABLE", `[memory] ${code}: cannot read ${path}`, { cause: { code } });
  const defaultMtime = options.defaultMtimeMs ?? 0;
  let nextIno = 1;
  const entry = (path: string, file: { bytes: Uint8Array; mtimeMs: number; ino: number }): ArtifactEntry => ({
    path,
    sizeBytes: file.bytes.length,
    mtimeMs: file.mtimeMs,
    ...(options.inodes === true ? { ino: file.ino } : {}),
  });
  for (const [path, value] of Object.entries(files)) {
    const file = typeof value === "string" || value instanceof Uint8Array ? { content: value } : value;
    store.set(checkPath(path), {
      bytes: toBytes(file.content),
      mtimeMs: file.mtimeMs ?? defaultMtime,
      ino: nextIno++,
    });
  }
  return {
    name: "memory",
    reads,
    async list(dir) {
      const clean = checkPath(dir).replace(/\/+$/, "");
      const prefix = clean === "" || clean === "." ? "" : `${clean}/`;
      const entries: ArtifactEntry[] = [];
      const issues = new Map<string, ListingIssue>();
      for (const [path, file] of store) {
        if (!path.startsWith(prefix)) continue;
        const at = listFailure(path);
        if (at === undefined) {
          entries.push(entry(path, file));
          continue;
        }
        const code = failures.get(at)?.code ?? "EIO";
        const target = at === path ? "file" : "folder";
        const message = `${code}: cannot ${target === "file" ? "stat" : "list"} ${at}`;
        issues.set(at, { path: at, target, code, message });
      }
      const order = (a: { path: string }, b: { path: string }): number =>
        a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
      return { entries: entries.sort(order), issues: [...issues.values()].sort(order) };
    },
    async read(path, offset = 0, maxBytes) {
      const failure = failures.get(checkPath(path));
      const hidden = listFailure(checkPath(path));
      if (failure?.on === "read" || hidden !== undefined) {
        throw unreadable(path, failure?.code ?? failures.get(hidden ?? "")?.code ?? "EIO");
      }
      const file = store.get(checkPath(path));
      if (file === undefined) {
        throw new AtvmError("ARTIFACT_NOT_FOUND", `[memory] no such artifact: ${JSON.stringify(path)}`);
      }
      const start = Math.max(0, Math.min(offset, file.bytes.length));
      const end = maxBytes === undefined ? file.bytes.length : Math.min(file.bytes.length, start + maxBytes);
      const bytes = file.bytes.slice(start, end);
      reads.push({ path, offset, bytes: bytes.length });
      return bytes;
    },
    async stat(path) {
      const clean = checkPath(path);
      const at = listFailure(clean);
      if (at !== undefined) throw unreadable(path, failures.get(at)?.code ?? "EIO");
      const file = store.get(clean);
      return file === undefined ? null : entry(clean, file);
    },
    write(path, content, mtimeMs) {
      const clean = checkPath(path);
      const ino = store.get(clean)?.ino ?? nextIno++; // an in-place write keeps the inode
      store.set(clean, { bytes: toBytes(content), mtimeMs: mtimeMs ?? defaultMtime, ino });
    },
    replace(path, content, mtimeMs) {
      const clean = checkPath(path);
      const old = store.get(clean);
      store.set(clean, {
        bytes: toBytes(content),
        mtimeMs: mtimeMs ?? old?.mtimeMs ?? defaultMtime,
        ino: nextIno++,
      });
    },
    append(path, content, mtimeMs) {
      const clean = checkPath(path);
      const old = store.get(clean);
      const add = toBytes(content);
      const bytes = new Uint8Array((old?.bytes.length ?? 0) + add.length);
      if (old !== undefined) bytes.set(old.bytes, 0);
      bytes.set(add, old?.bytes.length ?? 0);
      store.set(clean, {
        bytes,
        mtimeMs: mtimeMs ?? old?.mtimeMs ?? defaultMtime,
        ino: old?.ino ?? nextIno++,
      });
    },
    setMtime(path, mtimeMs) {
      const file = store.get(checkPath(path));
      if (file !== undefined) file.mtimeMs = mtimeMs;
    },
    truncate(path, sizeBytes) {
      const file = store.get(checkPath(path));
      if (file !== undefined) file.bytes = file.bytes.slice(0, Math.max(0, sizeBytes));
    },
    remove(path) {
      store.delete(checkPath(path));
    },
    fail(path, on, code) {
      failures.set(checkPath(path).replace(/\/+$/, ""), { on, code });
    },
    heal() {
      failures.clear();
    },
  };
}
