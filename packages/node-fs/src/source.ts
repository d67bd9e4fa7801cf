/**
 * `ArtifactSource` over local folders: the automation root, plus an explicit allowlist of
 * absolute folders (`extraRoots`) for the artifacts a controller writes outside it
 * (`/tmp/<build>.log`, `~/.bash_history`). DESIGN.md "Where things are on a controller".
 *
 * Paths: a relative POSIX path names a file under `root`; an absolute POSIX path is allowed only
 * inside `root` or one of `extraRoots`, and comes back absolute from `list`. Anything else
 * (`..` segments, NUL bytes, absolute paths elsewhere) rejects with `AtvmError("INVALID_PATH")`.
 *
 * Stats are synchronous on purpose: `statSync` is ~3 µs a file, `Promise.all` over
 * `fs.promises.stat` 3–6× slower and memory-hungry (research/performance.md, "Polling floor").
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { posix, resolve, sep } from "node:path";
import { type ArtifactEntry, type ArtifactSource, AtvmError } from "@atvm-watch/engine";

/** Options of {@link createNodeFsSource}. */
export interface NodeFsSourceOptions {
  /** The automation root, e.g. `/root/cdc-e2e-cyp-12.17.4`; resolved against the working directory. */
  readonly root: string;
  /**
   * Absolute folders outside `root` that may be addressed by absolute path, e.g. `["/tmp", "/root"]`.
   * Files there are opened without following a symlink in the last component (`O_NOFOLLOW`) and
   * must be regular files (reliability.md §5.1: `/tmp` is world-writable). Default `[]`.
   */
  readonly extraRoots?: readonly string[];
}

/** A path the source accepted: where it is on disk and whether it lies under an extra root. */
interface Resolved {
  readonly abs: string;
  readonly extra: boolean;
  /** How `list` names files below it: relative to `root` (`""` prefix) or absolute. */
  readonly absoluteNames: boolean;
}

const toPosix = (path: string): string => (sep === "/" ? path : path.split(sep).join("/"));

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}

/**
 * Creates the local-folder artifact source. Never throws synchronously.
 * Errors (rejections): `INVALID_PATH` for a path that escapes the allowed folders or names a
 * non-regular file; `ARTIFACT_NOT_FOUND` for a missing file on `read`.
 */
export function createNodeFsSource(options: NodeFsSourceOptions): ArtifactSource {
  const root = toPosix(resolve(options.root));
  const extraRoots = (options.extraRoots ?? []).map((dir) => toPosix(resolve(dir)));

  const check = (path: string): Resolved => {
    if (path.includes("\0")) {
      throw new AtvmError("INVALID_PATH", `[node-fs] path contains a NUL byte: ${JSON.stringify(path)}`);
    }
    if (path.startsWith("/")) {
      const abs = posix.normalize(path);
      if (path.split("/").includes("..")) {
        throw new AtvmError("INVALID_PATH", `[node-fs] path has a ".." segment: ${JSON.stringify(path)}`);
      }
      if (within(abs, root)) return { abs, extra: false, absoluteNames: true };
      if (extraRoots.some((dir) => within(abs, dir))) return { abs, extra: true, absoluteNames: true };
      throw new AtvmError(
        "INVALID_PATH",
        `[node-fs] absolute path ${JSON.stringify(path)} is outside the root ${root} and the extra roots [${extraRoots.join(", ")}]; add its folder to extraRoots`,
      );
    }
    const segments = path.split("/").filter((s) => s !== "" && s !== ".");
    if (segments.includes("..")) {
      throw new AtvmError(
        "INVALID_PATH",
        `[node-fs] path escapes the root: ${JSON.stringify(path)}; use a path inside ${root}`,
      );
    }
    return {
      abs: segments.length === 0 ? root : `${root}/${segments.join("/")}`,
      extra: false,
      absoluteNames: false,
    };
  };

  const nameOf = (abs: string, absoluteNames: boolean): string =>
    absoluteNames ? abs : abs === root ? "" : abs.slice(root.length + 1);

  return {
    name: "node-fs",

    async list(dir) {
      const target = check(dir);
      let entries: import("node:fs").Dirent[];
      try {
        entries = readdirSync(target.abs, { recursive: true, withFileTypes: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return [];
        throw error;
      }
      const out: ArtifactEntry[] = [];
      for (const entry of entries) {
        if (!entry.isFile() && !entry.isSymbolicLink()) continue;
        const abs = toPosix(`${entry.parentPath}${sep}${entry.name}`);
        const stats = statSync(abs, { throwIfNoEntry: false });
        if (stats === undefined || !stats.isFile()) continue; // vanished, or a link to a folder
        out.push({ path: nameOf(abs, target.absoluteNames), sizeBytes: stats.size, mtimeMs: stats.mtimeMs });
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async read(path, offset = 0, maxBytes) {
      const target = check(path);
      let fd: number;
      try {
        // O_NONBLOCK: a FIFO planted where a log should be must not hang the read (reliability.md §5.1).
        const flags = constants.O_RDONLY | constants.O_NONBLOCK | (target.extra ? constants.O_NOFOLLOW : 0);
        fd = openSync(target.abs, flags);
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        if (code === "ELOOP") {
          throw new AtvmError("INVALID_PATH", `[node-fs] refusing to follow a symlink at ${path}`, { cause });
        }
        throw new AtvmError("ARTIFACT_NOT_FOUND", `[node-fs] cannot open ${path} (${code ?? "error"})`, {
          cause,
        });
      }
      try {
        const stats = fstatSync(fd);
        if (!stats.isFile()) {
          throw new AtvmError("INVALID_PATH", `[node-fs] ${path} is not a regular file`);
        }
        const start = Math.max(0, Math.floor(offset));
        const available = Math.max(0, stats.size - start);
        const length = maxBytes === undefined ? available : Math.min(available, Math.max(0, maxBytes));
        const buffer = new Uint8Array(length);
        let filled = 0;
        while (filled < length) {
          const n = readSync(fd, buffer, filled, length - filled, start + filled);
          if (n === 0) break; // truncated while reading
          filled += n;
        }
        return filled === length ? buffer : buffer.subarray(0, filled);
      } finally {
        closeSync(fd);
      }
    },

    async stat(path) {
      const target = check(path);
      const stats = statSync(target.abs, { throwIfNoEntry: false });
      if (stats === undefined || !stats.isFile()) return null;
      return {
        path: nameOf(target.abs, target.absoluteNames),
        sizeBytes: stats.size,
        mtimeMs: stats.mtimeMs,
      };
    },
  };
}
