/**
 * `ArtifactSource` over local folders: the automation root, plus an explicit allowlist of
 * absolute folders (`extraRoots`) and files (`extraFiles`) a controller writes outside it
 * (`/tmp/<build>.log`, `~/.bash_history`). DESIGN.md "Where things are on a controller".
 *
 * Paths: a relative POSIX path names a file under `root`; an absolute POSIX path is allowed only
 * inside `root`, an extra root or an extra file. `list` names files in the form it was asked in
 * (relative folder → relative paths, absolute folder → absolute paths). Names are byte strings
 * shown with the engine's escaping (`escapePathBytes`: non-UTF-8 bytes as `\xHH`); an escaped
 * path opens the file again. Anything else (`..` segments, NUL bytes, absolute paths elsewhere)
 * rejects with `AtvmError("INVALID_PATH")`.
 *
 * Symlinks (docs/safety.md "Paths and names"; the kernel's fs.protected_symlinks cannot be relied on):
 * - a symlink is followed only when its fully resolved target lies inside the root, an extra root
 *   or an extra file's target, else `SYMLINK_OUTSIDE`;
 * - a symlink in a world-writable folder (`/tmp`) is never followed (`SYMLINK_REFUSED`; files
 *   there are opened `O_NOFOLLOW|O_NONBLOCK`), except an `extraFiles` entry;
 * - an `extraFiles` entry (`~/.bash_history` in a dotfiles setup) is resolved ONCE when the
 *   source is created, and that target is what is read;
 * - a symlink to a folder is not descended while listing (`SYMLINK_FOLDER`): its files would get a
 *   second name, and loops are impossible.
 *
 * Listing walks one folder at a time and recovers per entry: an unreadable folder becomes one
 * `ListingIssue` and its siblings are still listed; a folder or file that vanishes mid-listing is
 * just absent. A folder whose path and names are UTF-8 is read and statted with string paths
 * (no `Buffer` per file); otherwise with byte paths (`encoding: "buffer"`). Each folder's
 * children are sorted once, so the walk yields sorted paths. A folder's `readdir` is reused while
 * its dev, inode, mtime and ctime are those of a read taken ≥ 2 s after its last change
 * (`folderCache`); every file is still statted on every listing. Stats are synchronous on purpose:
 * `statSync` is ~3 µs a file, `Promise.all` over `fs.promises.stat` 3–6× slower
 * (docs/benchmarks.md, "Polling" and "Fleet scale, session 3").
 */

import { isUtf8 } from "node:buffer";
import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { resolve } from "node:path";
import {
  type ArtifactEntry,
  type ArtifactListing,
  type ArtifactSource,
  AtvmError,
  escapePathBytes,
  hasByteEscape,
  type ListingIssue,
  unescapePath,
} from "@atvm-watch/engine";

/** Options of {@link createNodeFsSource}. */
export interface NodeFsSourceOptions {
  /** The automation root, e.g. `/root/cdc-e2e-cyp-12.17.4`; resolved against the working directory. */
  readonly root: string;
  /**
   * Absolute folders outside `root` that may be addressed by absolute path, e.g. `["/tmp", "/root"]`.
   * Files directly in a world-writable one are opened without following a symlink (`O_NOFOLLOW`)
   * and must be regular files (docs/safety.md "Paths and names": `/tmp` is world-writable). Default `[]`.
   */
  readonly extraRoots?: readonly string[];
  /**
   * Absolute files that may be symlinks to anywhere, e.g. `["/root/.bash_history"]` (dotfiles
   * setups). Each is resolved once, here; a missing one is ignored. Default `[]`.
   */
  readonly extraFiles?: readonly string[];
  /**
   * Reuse a folder's previous `readdir` while its dev, inode, mtime and ctime are unchanged and
   * were already at least 2 s old when it was read (a file's size and mtime are still statted on
   * every listing). Default `true`; `false` reads every folder on every listing.
   */
  readonly folderCache?: boolean;
  /** Wall clock in ms since the epoch, for the folder cache's 2 s rule. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Internal paths are "binary" strings: one char per byte (latin1), so byte names survive and
 * prefix checks are byte-exact. `bin(s)` turns a JS (UTF-16) path into that form.
 */
const bin = (text: string): string => Buffer.from(text, "utf8").toString("latin1");
const bytesOf = (binary: string): Buffer => Buffer.from(binary, "latin1");
// biome-ignore lint/suspicious/noControlCharactersInRegex: a byte range, not text
const PLAIN = /^[\x00-\x5b\x5d-\x7f]*$/; // ASCII without a backslash: its escaped form is itself
const show = (binary: string): string => (PLAIN.test(binary) ? binary : escapePathBytes(bytesOf(binary)));

/**
 * A relative ASCII path whose segments are plain (no backslash, NUL, empty, `.` or `..` segment,
 * none starting with `.`): its escaped form is its bytes, so it names `${root}/${path}` as is and
 * `check` skips the unescape-and-split. Linear: `/` separates segments and is in neither class.
 */
const SIMPLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a byte range, not text
  /^[\x01-\x2d\x30-\x5b\x5d-\x7f][\x01-\x2e\x30-\x5b\x5d-\x7f]*(?:\/[\x01-\x2d\x30-\x5b\x5d-\x7f][\x01-\x2e\x30-\x5b\x5d-\x7f]*)*$/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: a byte range, not text
const ASCII = /^[\x00-\x7f]*$/;
/** `statSync` options: a missing path is `undefined`, not an exception. */
const TINE = { throwIfNoEntry: false } as const;

/** The UTF-16 form of a binary path when its bytes are UTF-8 (so Node encodes it back exactly), else `null`. */
function textOf(binary: string): string | null {
  if (ASCII.test(binary)) return binary;
  const bytes = bytesOf(binary);
  return isUtf8(bytes) ? bytes.toString("utf8") : null;
}

/** Child kinds, from the directory entry's type (`d_type`). */
const OTHER = 0;
const FILE = 1;
const FOLDER = 2;
const LINK = 3;

/**
 * One folder's children as read by `readdir`, sorted by shown name (a folder's key ends in "/",
 * so a depth-first walk yields paths in sorted order), with the folder's stat taken before the read.
 */
interface Folder {
  /** `true`: `names` are UTF-16 text (the folder's path and every name are UTF-8); else binary. */
  readonly text: boolean;
  /** Each child's name as a path segment (text or binary, see `text`). */
  readonly names: readonly string[];
  /** Each child's shown name (`escapePathBytes`: `\xHH` for a non-UTF-8 byte, `\\` for `\`). */
  readonly shown: readonly string[];
  /** Each child's kind: `FILE`, `FOLDER`, `LINK` or `OTHER` (FIFO, socket, device: skipped). */
  readonly kinds: Uint8Array;
  readonly dev: number;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  /**
   * The entries the last listing built for this folder's files (by child index) and the shown
   * prefix they were built under: a file whose size, mtime and inode are unchanged gets its
   * previous entry object back, so an idle poll allocates no entry or path string that outlives
   * the poll (a watcher's RSS stays flat: issue "Fleet scale" P4′). Mutable, per folder read.
   */
  entries: (ArtifactEntry | undefined)[] | null;
  entriesPrefix: string | null;
}

/** A folder's listing is reused only this long (ms) after its last change, and at most this many folders are kept. */
const SETTLE_MS = 2_000;
const MAX_FOLDERS = 8_192;

/**
 * The same folder, unchanged since it was read: creating, removing or renaming an entry sets the
 * folder's mtime and ctime (POSIX), and ctime cannot be set back by `utimes`; a file's own changes
 * do not (its stat is taken on every listing).
 */
function sameFolder(known: Folder, now: Stats): boolean {
  return (
    known.mtimeMs === now.mtimeMs &&
    known.ctimeMs === now.ctimeMs &&
    known.ino === now.ino &&
    known.dev === now.dev
  );
}

function kindOf(dirent: Dirent<string> | Dirent<Buffer>): number {
  return dirent.isFile() ? FILE : dirent.isDirectory() ? FOLDER : dirent.isSymbolicLink() ? LINK : OTHER;
}

const escapeBackslash = (name: string): string =>
  name.includes("\\") ? name.replaceAll("\\", "\\\\") : name;

/**
 * Reads the folder `real` (binary path; `text` its UTF-16 form or `null`). As text when every
 * name decodes (no U+FFFD: Node replaces a non-UTF-8 byte with it), else again with byte names.
 * Throws the `readdir` error.
 */
function readFolder(real: string, text: string | null, dir: Stats | undefined): Folder {
  let rows: { key: string; name: string; shown: string; kind: number }[] | null = null;
  if (text !== null) {
    const dirents = readdirSync(text, { withFileTypes: true });
    rows = [];
    for (const dirent of dirents) {
      const name = dirent.name;
      if (name.includes("\uFFFD")) {
        rows = null;
        break;
      }
      const kind = kindOf(dirent);
      const shown = escapeBackslash(name);
      rows.push({ key: kind === FOLDER ? `${shown}/` : shown, name, shown, kind });
    }
  }
  const isText = rows !== null;
  if (rows === null) {
    rows = [];
    for (const dirent of readdirSync(bytesOf(real), { withFileTypes: true, encoding: "buffer" })) {
      const name = dirent.name.toString("latin1");
      const kind = kindOf(dirent);
      const shown = show(name);
      rows.push({ key: kind === FOLDER ? `${shown}/` : shown, name, shown, kind });
    }
  }
  rows.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return {
    text: isText,
    names: rows.map((row) => row.name),
    shown: rows.map((row) => row.shown),
    kinds: Uint8Array.from(rows, (row) => row.kind),
    dev: dir?.dev ?? -1,
    ino: dir?.ino ?? -1,
    mtimeMs: dir?.mtimeMs ?? Number.NaN,
    ctimeMs: dir?.ctimeMs ?? Number.NaN,
    entries: null,
    entriesPrefix: null,
  };
}

/** The listing entry of a regular file shown as `path`, from its stat. */
function entryOf(path: string, stats: Stats): ArtifactEntry {
  return { path, sizeBytes: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
}

const byPath = (x: { path: string }, y: { path: string }): number =>
  x.path < y.path ? -1 : x.path > y.path ? 1 : 0;

function sortedByPath(list: readonly { path: string }[]): boolean {
  for (let i = 1; i < list.length; i++)
    if ((list[i - 1] as { path: string }).path > (list[i] as { path: string }).path) return false;
  return true;
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? "EIO";
}

const REASON: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "path longer than PATH_MAX (4096 bytes)",
  ENOENT: "no such file",
};

/**
 * How `read` opens: O_NOFOLLOW, the path is final (a symlink swapped in since `locate` is
 * refused); O_NONBLOCK, a FIFO planted where a log should be must not hang the read
 * (docs/safety.md "Paths and names").
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

function realOrSelf(binary: string): string {
  try {
    return realpathSync.native(bytesOf(binary), { encoding: "buffer" }).toString("latin1");
  } catch {
    return binary;
  }
}

/** An error for `read`/`stat`: `ARTIFACT_UNREADABLE` with `cause.code` = the problem code. */
function unreadable(path: string, code: string, what: string, cause?: unknown): AtvmError {
  return new AtvmError("ARTIFACT_UNREADABLE", `[node-fs] ${code}: ${what} ${path}`, {
    cause: cause ?? { code },
  });
}

/**
 * Creates the local-folder artifact source. Never throws synchronously.
 * Errors (rejections): `INVALID_PATH` for a path that escapes the allowed folders lexically;
 * `ARTIFACT_NOT_FOUND` for a missing file on `read`; `ARTIFACT_UNREADABLE` (`cause.code`: `EACCES`,
 * `ELOOP`, `ENAMETOOLONG`, `SYMLINK_OUTSIDE`, `SYMLINK_REFUSED`, `NOT_REGULAR`, …) for a file that
 * exists but may not or cannot be read.
 */
export function createNodeFsSource(options: NodeFsSourceOptions): ArtifactSource {
  const root = bin(resolve(options.root));
  const extraRoots = (options.extraRoots ?? []).map((dir) => bin(resolve(dir)));
  // The allowed real locations: symlink targets must land in one of these.
  const allowedDirs = [root, ...extraRoots].map(realOrSelf);
  const extraFiles = new Map<string, string>();
  for (const file of options.extraFiles ?? []) {
    const abs = bin(resolve(file));
    const real = realOrSelf(abs);
    if (real !== abs || statSync(bytesOf(abs), { throwIfNoEntry: false }) !== undefined)
      extraFiles.set(abs, real);
  }
  const allowedFiles = new Set(extraFiles.values());
  const allowed = (real: string): boolean =>
    allowedFiles.has(real) || allowedDirs.some((dir) => within(real, dir));
  const worldWritable = new Map<string, boolean>();
  const isWorldWritable = (dir: string): boolean => {
    let known = worldWritable.get(dir);
    if (known === undefined) {
      const stats = statSync(bytesOf(dir), { throwIfNoEntry: false });
      known = stats !== undefined && (stats.mode & 0o002) !== 0;
      worldWritable.set(dir, known);
    }
    return known;
  };

  /** Lexical check; resolves to the binary absolute path and the prefix to strip for names. */
  const check = (path: string): { abs: string; absoluteNames: boolean } => {
    if (SIMPLE.test(path)) return { abs: `${root}/${path}`, absoluteNames: false };
    if (path.includes("\0")) {
      throw new AtvmError("INVALID_PATH", `[node-fs] path contains a NUL byte: ${JSON.stringify(path)}`);
    }
    const raw = Buffer.from(unescapePath(path)).toString("latin1");
    const segments = raw.split("/").filter((s) => s !== "" && s !== ".");
    if (segments.includes("..")) {
      throw new AtvmError(
        "INVALID_PATH",
        `[node-fs] path has a ".." segment: ${JSON.stringify(path)}; use a path inside ${show(root)}`,
      );
    }
    if (!raw.startsWith("/")) {
      return { abs: segments.length === 0 ? root : `${root}/${segments.join("/")}`, absoluteNames: false };
    }
    const abs = `/${segments.join("/")}`;
    if (within(abs, root) || extraRoots.some((dir) => within(abs, dir)) || extraFiles.has(abs)) {
      return { abs, absoluteNames: true };
    }
    throw new AtvmError(
      "INVALID_PATH",
      `[node-fs] absolute path ${JSON.stringify(path)} is outside the root ${show(root)} and the extra roots [${extraRoots.map(show).join(", ")}]; add its folder to extraRoots`,
    );
  };

  const nameOf = (abs: string, absoluteNames: boolean): string =>
    show(absoluteNames ? abs : abs === root ? "" : abs.slice(root.length + 1));

  /**
   * Where `abs` really is, after the symlink rules; throws `ARTIFACT_UNREADABLE` for a refused
   * symlink, `null` when nothing is there. `lst` is the lstat of `abs` itself.
   */
  const follow = (abs: string, name: string, lst: Stats): string => {
    if (!lst.isSymbolicLink()) return abs;
    const pinned = extraFiles.get(abs);
    if (pinned !== undefined) return pinned;
    const parent = abs.slice(0, abs.lastIndexOf("/")) || "/";
    if (isWorldWritable(parent)) {
      throw unreadable(name, "SYMLINK_REFUSED", "refusing to follow a symlink in a world-writable folder at");
    }
    let real: string;
    try {
      real = realpathSync.native(bytesOf(abs), { encoding: "buffer" }).toString("latin1");
    } catch (cause) {
      const code = errnoOf(cause);
      throw unreadable(name, code, `cannot resolve the symlink (${REASON[code] ?? code})`, cause);
    }
    if (!allowed(real)) {
      throw unreadable(
        name,
        "SYMLINK_OUTSIDE",
        `refusing a symlink that points outside the allowed folders:`,
      );
    }
    return real;
  };

  /** The real, allowed location of a file path, or `null` when missing; throws `ARTIFACT_UNREADABLE`. */
  const locate = (abs: string, name: string): string | null => {
    let lst: Stats | undefined;
    try {
      lst = lstatSync(bytesOf(abs), { throwIfNoEntry: false });
    } catch (cause) {
      const code = errnoOf(cause);
      if (code === "ENOTDIR") return null;
      throw unreadable(name, code, `cannot stat (${REASON[code] ?? code})`, cause);
    }
    if (lst === undefined) return null;
    // A folder on the way may itself be a symlink: the real parent must be allowed too.
    const parent = abs.slice(0, abs.lastIndexOf("/")) || "/";
    const realParent = realOrSelf(parent);
    if (realParent !== parent && !allowed(realParent) && !extraFiles.has(abs)) {
      throw unreadable(
        name,
        "SYMLINK_OUTSIDE",
        "refusing a folder symlink that points outside the allowed folders:",
      );
    }
    return follow(abs, name, lst);
  };

  /** Read folders by real binary path: reused while the folder's own stat is unchanged and settled. */
  const folders = new Map<string, Folder>();
  const cacheFolders = options.folderCache ?? true;
  const now = options.now ?? Date.now;

  /**
   * The sorted children of the folder `real` (`text`: its UTF-16 form when the path is UTF-8),
   * from the cache when the folder's dev, inode, mtime and ctime are those of a settled earlier
   * read; `null` when there is nothing to list (missing, vanished, replaced by a file). Throws
   * the `readdir` error otherwise.
   */
  const folderOf = (real: string, text: string | null): Folder | null => {
    let dir: Stats | undefined;
    const at = now();
    if (cacheFolders) {
      try {
        dir = statSync(text ?? bytesOf(real), TINE);
      } catch {
        dir = undefined; // EACCES, ENAMETOOLONG, …: the readdir below reports it
      }
      const known = folders.get(real);
      if (known !== undefined && dir !== undefined && sameFolder(known, dir)) return known;
    }
    let read: Folder;
    try {
      read = readFolder(real, text, dir);
    } catch (cause) {
      folders.delete(real);
      const code = errnoOf(cause);
      // Missing, vanished mid-listing, or replaced by a file: nothing to list, not an issue.
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw cause;
    }
    // Trusted next time only when no change can share the stat's timestamps: file system
    // timestamps tick coarsely (a jiffy), so a change right after this read could keep them.
    if (dir?.isDirectory() === true && Math.max(dir.mtimeMs, dir.ctimeMs) <= at - SETTLE_MS) {
      if (folders.size >= MAX_FOLDERS) folders.clear();
      folders.set(real, read);
    } else folders.delete(real);
    return read;
  };

  /** Lists `top` (binary absolute path as asked), one folder at a time, recovering per entry. */
  const walk = (top: string, absoluteNames: boolean): ArtifactListing => {
    const entries: ArtifactEntry[] = [];
    const issues: ListingIssue[] = [];
    const issue = (shown: string, target: "file" | "folder", code: string, message: string): void => {
      issues.push({ path: shown, target, code, message });
    };
    const issueFrom = (shown: string, target: "file" | "folder", error: unknown): void => {
      const code = ((error as AtvmError).cause as { code?: string } | undefined)?.code ?? errnoOf(error);
      issue(shown, target, code, (error as Error).message.replace(/^\[node-fs\] /, ""));
    };
    /** Stats one file (`path` as given to `statSync`) and adds its entry as `shown`. */
    const addFile = (
      path: string | Buffer,
      shown: string,
      escaped: boolean,
      slots?: (ArtifactEntry | undefined)[],
      slot = 0,
    ): void => {
      let stats: Stats | undefined;
      try {
        stats = statSync(path, TINE);
      } catch (cause) {
        const code = errnoOf(cause);
        issue(shown, "file", code, `${code}: cannot stat ${shown} (${REASON[code] ?? code})`);
        return;
      }
      if (stats === undefined) return; // vanished between readdir and stat
      if (stats.isDirectory()) {
        issue(
          shown,
          "folder",
          "SYMLINK_FOLDER",
          `SYMLINK_FOLDER: ${shown} is a symlink to a folder; not descended`,
        );
        return;
      }
      if (!stats.isFile()) return; // FIFO, socket or device: not an artifact
      if (escaped)
        issue(
          shown,
          "file",
          "NOT_UTF8_NAME",
          `NOT_UTF8_NAME: ${shown} is not UTF-8; shown with \\xHH escapes`,
        );
      const previous = slots?.[slot];
      if (
        previous !== undefined &&
        previous.sizeBytes === stats.size &&
        previous.mtimeMs === stats.mtimeMs &&
        previous.ino === stats.ino
      ) {
        entries.push(previous);
        return;
      }
      const entry = entryOf(shown, stats);
      if (slots !== undefined) slots[slot] = entry;
      entries.push(entry);
    };
    const visit = (real: string, text: string | null, asked: string): void => {
      let folder: Folder | null;
      const shownDir = nameOf(asked, absoluteNames);
      try {
        folder = folderOf(real, text);
      } catch (cause) {
        const code = errnoOf(cause);
        issue(shownDir, "folder", code, `${code}: cannot list ${shownDir || "."} (${REASON[code] ?? code})`);
        return;
      }
      if (folder === null) return;
      const prefix = shownDir === "" || shownDir === "/" ? shownDir : `${shownDir}/`;
      const prefixEscaped = !PLAIN.test(prefix) && hasByteEscape(prefix);
      const sep = real === "/" ? "" : "/";
      const askedSep = asked === "/" ? "" : "/";
      const textDir = folder.text && text !== null ? `${text}${sep}` : null;
      const { names, shown, kinds } = folder;
      if (folder.entries === null || folder.entriesPrefix !== prefix) {
        folder.entries = new Array<ArtifactEntry | undefined>(names.length);
        folder.entriesPrefix = prefix;
      }
      const slots = folder.entries;
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        const kind = kinds[i];
        const shownChild = prefix + (shown[i] as string);
        if (kind === FILE && textDir !== null) {
          // The common case: a UTF-8 path, statted as a string (no Buffer), shown as is.
          addFile(textDir + name, shownChild, prefixEscaped, slots, i);
          continue;
        }
        const binary = textDir === null || ASCII.test(name) ? name : bin(name);
        const realChild = real + sep + binary;
        if (kind === FILE) {
          addFile(bytesOf(realChild), shownChild, !PLAIN.test(shownChild) && hasByteEscape(shownChild));
        } else if (kind === FOLDER) {
          visit(realChild, textDir === null ? null : textDir + name, asked + askedSep + binary);
        } else if (kind === LINK) {
          try {
            const lst = lstatSync(bytesOf(realChild), TINE);
            if (lst !== undefined)
              addFile(
                bytesOf(follow(realChild, shownChild, lst)),
                shownChild,
                !PLAIN.test(shownChild) && hasByteEscape(shownChild),
              );
          } catch (error) {
            issueFrom(shownChild, "file", error);
          }
        }
      }
    };
    try {
      const start = locate(top, nameOf(top, absoluteNames) || ".");
      if (start !== null) visit(start, textOf(start), top);
    } catch (error) {
      issueFrom(nameOf(top, absoluteNames), "folder", error);
    }
    // Children are visited in sorted order (folders keyed with their "/"), so this sorts only in
    // an unforeseen case; the check is one pass.
    if (!sortedByPath(entries)) entries.sort(byPath);
    return { entries, issues: issues.sort(byPath) };
  };

  /**
   * Opens the file `abs` (binary path) with `OPEN_FLAGS` for `read` the direct way: one `open`
   * plus one `readlink` of the descriptor's `/proc/self/fd/N` link (Linux proc(5): the path the
   * kernel actually opened). When that path is `abs` itself, no component of `abs` is a symlink,
   * so the lstat + `realpath` of `locate` would have allowed `abs` unchanged; the check is on the
   * opened file, so a folder swapped for a symlink before the open is caught too. Returns `null`
   * (descriptor closed) whenever the answer is anything else: a failed open (missing, `ELOOP` for
   * a final symlink, `EACCES`, …), another path (a symlink on the way, a file renamed or deleted
   * since), an `extraFiles` entry, or no `/proc` (then never tried again); `openLocated` then
   * decides with the full rules and their error messages.
   */
  let procFd = true;
  const openDirect = (abs: string): number | null => {
    if (!procFd || extraFiles.has(abs)) return null;
    const text = textOf(abs);
    let fd: number;
    try {
      fd = openSync(text ?? bytesOf(abs), OPEN_FLAGS);
    } catch {
      return null;
    }
    let same = false;
    try {
      same =
        text !== null
          ? readlinkSync(`/proc/self/fd/${fd}`) === text
          : readlinkSync(`/proc/self/fd/${fd}`, { encoding: "buffer" }).toString("latin1") === abs;
    } catch {
      procFd = false; // no proc(5) here (not Linux, or not mounted)
    }
    if (same) return fd;
    closeSync(fd);
    return null;
  };

  /**
   * Opens the file `abs` for `read` after `locate` (lstat, the real parent, the symlink rules).
   * Throws `ARTIFACT_NOT_FOUND` for a missing file, else `ARTIFACT_UNREADABLE`.
   */
  const openLocated = (abs: string, path: string): number => {
    const real = locate(abs, path);
    if (real === null) {
      throw new AtvmError("ARTIFACT_NOT_FOUND", `[node-fs] no such file: ${path}`);
    }
    try {
      return openSync(bytesOf(real), OPEN_FLAGS);
    } catch (cause) {
      const code = errnoOf(cause);
      if (code === "ENOENT") {
        throw new AtvmError("ARTIFACT_NOT_FOUND", `[node-fs] no such file: ${path}`, { cause });
      }
      throw unreadable(
        path,
        code === "ELOOP" ? "SYMLINK_REFUSED" : code,
        `cannot open (${REASON[code] ?? code})`,
        cause,
      );
    }
  };
  return {
    name: "node-fs",

    async list(dir) {
      const target = check(dir);
      return walk(target.abs, target.absoluteNames);
    },

    async read(path, offset = 0, maxBytes) {
      const target = check(path);
      const fd = openDirect(target.abs) ?? openLocated(target.abs, path);
      try {
        const stats = fstatSync(fd);
        if (!stats.isFile()) throw unreadable(path, "NOT_REGULAR", "not a regular file:");
        const start = Math.max(0, Math.floor(offset));
        const available = Math.max(0, stats.size - start);
        const length = maxBytes === undefined ? available : Math.min(available, Math.max(0, maxBytes));
        // Not zero-filled first: every byte returned is read. A file truncated while reading
        // gets a copy of what was read, so no unread byte stays reachable through `.buffer`.
        const buffer = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
        let filled = 0;
        while (filled < length) {
          const n = readSync(fd, buffer, filled, length - filled, start + filled);
          if (n === 0) break; // truncated while reading
          filled += n;
        }
        return filled === length ? buffer : buffer.slice(0, filled);
      } finally {
        closeSync(fd);
      }
    },

    async stat(path) {
      const target = check(path);
      const real = locate(target.abs, path);
      if (real === null) return null;
      let stats: Stats | undefined;
      try {
        stats = statSync(bytesOf(real), { throwIfNoEntry: false });
      } catch (cause) {
        const code = errnoOf(cause);
        throw unreadable(path, code, `cannot stat (${REASON[code] ?? code})`, cause);
      }
      if (stats === undefined || !stats.isFile()) return null;
      return {
        path: nameOf(target.abs, target.absoluteNames),
        sizeBytes: stats.size,
        mtimeMs: stats.mtimeMs,
        ino: stats.ino,
      };
    },
  };
}
