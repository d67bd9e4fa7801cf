/// <reference path="./fs-native-extensions.d.ts" />
/**
 * The watcher's durable state on a local file system (the `StateStore` port), one directory per
 * build (`/var/lib/atvm-run-watcher/<build>/`).
 *
 * - `put`: tmp file in the same directory (`<name>.tmp-<pid>-<n>`, mode 0600) → write → `fsync(file)`
 *   → `rename` → `fsync(dir)`. Linux fsync(2): "Calling fsync() does not necessarily ensure that the
 *   entry in the directory containing the file has also reached disk. For that an explicit fsync()
 *   on a file descriptor for the directory is also needed." rename(2) replaces atomically.
 * - `create`: the same tmp file, then `link(tmp, name)` (fails with EEXIST atomically, so the value
 *   appears whole or not at all), `unlink(tmp)`, `fsync(dir)`.
 * - `lock`: an exclusive kernel lock on `<name>` through `fs-native-extensions` `tryLock` (fcntl/flock,
 *   https://github.com/holepunchto/fs-native-extensions). The kernel drops it when the holder dies,
 *   even by SIGKILL, so a crashed watcher never keeps it (unlike mkdir locks with a stale window).
 * - `openFileStateStore` sweeps orphan tmp files a SIGKILL left behind; `keys` never lists them.
 *
 * Every file-system failure is an `AtvmError` `STATE_IO` naming the path, the errno code and the fix.
 */
import { constants, promises as fsp } from "node:fs";
import { join, sep } from "node:path";
import { AtvmError, type StateLockResult, type StateStore } from "@atvm-watch/engine";
import { tryLock, unlock } from "fs-native-extensions";

/** Marks a temporary file of `put`/`create`; never a key. */
const TMP_MARK = ".tmp-";
/** A key: `/`-separated segments of `[A-Za-z0-9._-]`, no `.`/`..` segment, at most 512 chars. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;

/** A `StateStore` over a directory, plus what opening it swept. */
export interface FileStateStore extends StateStore {
  /** The absolute directory. */
  readonly dir: string;
  /** Orphan tmp files removed when the store was opened (relative keys-like paths). */
  readonly swept: readonly string[];
}

let counter = 0;

function fixFor(code: string): string {
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return "free space on the state file system";
    case "EROFS":
      return "mount the state dir read-write (systemd: StateDirectory=, not ReadOnlyPaths=)";
    case "EACCES":
    case "EPERM":
      return "give the watcher's user write access to the state dir";
    default:
      return "check the state dir";
  }
}

/** Wraps a file-system error as `STATE_IO`, naming `path` and the errno code. */
export function stateIoError(action: string, path: string, error: unknown): AtvmError {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? "EIO";
  return new AtvmError("STATE_IO", `cannot ${action} ${JSON.stringify(path)}: ${code}; ${fixFor(code)}`, {
    cause: error,
  });
}

function checkKey(key: string): void {
  const parts = key.split("/");
  if (key.length > 512 || key.includes(TMP_MARK) || !parts.every((part) => SEGMENT.test(part))) {
    throw new AtvmError(
      "INVALID_PATH",
      `state key ${JSON.stringify(key)} is not a relative name of [A-Za-z0-9._-] segments; use e.g. "subruns/<id>/state.json"`,
    );
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeTmp(path: string, value: string): Promise<string> {
  counter += 1;
  const tmp = `${path}${TMP_MARK}${process.pid}-${counter}`;
  const handle = await fsp.open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(value, "utf8");
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return tmp;
}

async function walk(root: string, rel: string, out: string[], tmps: string[]): Promise<void> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await fsp.readdir(join(root, rel), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) await walk(root, path, out, tmps);
    else if (entry.name.includes(TMP_MARK)) tmps.push(path);
    else if (entry.isFile() && !entry.name.endsWith(".lock")) out.push(path);
  }
}

/**
 * Opens (creating when missing, mode 0700) the state directory `dir`, proves it writable by a durable
 * probe write, and sweeps orphan tmp files (docs/watcher.md "Recovery").
 * Rejects with `STATE_IO` when the directory cannot be created or written (read-only, wrong owner,
 * full): the watcher exits 78 on it (§6 case 18).
 */
export async function openFileStateStore(dir: string): Promise<FileStateStore> {
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw stateIoError("create the state dir", dir, error);
  }
  const keys: string[] = [];
  const tmps: string[] = [];
  try {
    await walk(dir, "", keys, tmps);
    for (const tmp of tmps) await fsp.rm(join(dir, tmp), { force: true });
    const probe = await writeTmp(join(dir, ".probe"), "");
    await fsp.rm(probe, { force: true });
  } catch (error) {
    throw stateIoError("write in the state dir", dir, error);
  }
  return createStore(dir, tmps.sort());
}

function createStore(dir: string, swept: readonly string[]): FileStateStore {
  const pathOf = (key: string): string => {
    checkKey(key);
    return join(dir, ...key.split("/"));
  };
  const parentOf = (path: string): string => path.slice(0, path.lastIndexOf(sep));
  return {
    name: "node-fs",
    dir,
    swept,
    async get(key) {
      const path = pathOf(key);
      try {
        return await fsp.readFile(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw stateIoError("read", path, error);
      }
    },
    async put(key, value) {
      const path = pathOf(key);
      try {
        await fsp.mkdir(parentOf(path), { recursive: true, mode: 0o700 });
        const tmp = await writeTmp(path, value);
        await fsp.rename(tmp, path);
        await fsyncDir(parentOf(path));
      } catch (error) {
        throw stateIoError("write", path, error);
      }
    },
    async create(key, value) {
      const path = pathOf(key);
      let tmp: string | null = null;
      try {
        await fsp.mkdir(parentOf(path), { recursive: true, mode: 0o700 });
        tmp = await writeTmp(path, value);
        try {
          await fsp.link(tmp, path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
          throw error;
        }
        await fsyncDir(parentOf(path));
        return true;
      } catch (error) {
        throw stateIoError("create", path, error);
      } finally {
        if (tmp !== null) await fsp.rm(tmp, { force: true }).catch(() => undefined);
      }
    },
    async remove(key) {
      const path = pathOf(key);
      try {
        await fsp.rm(path, { force: true });
        await fsyncDir(parentOf(path));
      } catch (error) {
        throw stateIoError("remove", path, error);
      }
    },
    async keys(prefix = "") {
      const out: string[] = [];
      try {
        await walk(dir, "", out, []);
      } catch (error) {
        throw stateIoError("list", dir, error);
      }
      return out.filter((key) => key.startsWith(prefix)).sort();
    },
    async lock(name): Promise<StateLockResult> {
      if (!name.endsWith(".lock")) {
        throw new AtvmError(
          "INVALID_PATH",
          `lock name ${JSON.stringify(name)} must end in ".lock", e.g. "watch.lock"`,
        );
      }
      const path = pathOf(name);
      let handle: import("node:fs/promises").FileHandle;
      try {
        handle = await fsp.open(path, constants.O_RDWR | constants.O_CREAT, 0o600);
      } catch (error) {
        throw stateIoError("open the lock", path, error);
      }
      if (!tryLock(handle.fd)) {
        const holder = (await handle.readFile("utf8").catch(() => "")).trim().slice(0, 200);
        await handle.close();
        return { acquired: false, holder };
      }
      await handle.truncate(0);
      await handle.write(`pid ${process.pid}\n`, 0, "utf8");
      let released = false;
      return {
        acquired: true,
        release: async () => {
          if (released) return;
          released = true;
          unlock(handle.fd);
          await handle.close();
        },
      };
    },
  };
}
