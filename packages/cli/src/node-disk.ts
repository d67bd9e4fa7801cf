/** The local disk as the CLI's {@link DiskPort}: node-fs artifact sources and one folder check. */
import { stat } from "node:fs/promises";
import { createNodeFsSource, openParseCache } from "@atvm-watch/node-fs";
import type { DiskPort } from "./io.ts";

/**
 * The default {@link DiskPort}: `stat` for folders, `createNodeFsSource` for everything read, and
 * node-fs `openParseCache` for `atvm status`'s parse cache.
 */
export function createNodeDisk(): DiskPort {
  return {
    async isFolder(path) {
      try {
        return (await stat(path)).isDirectory();
      } catch {
        return false;
      }
    },
    open: (root, extraRoots) => createNodeFsSource({ root, extraRoots }),
    openParseCache: (root, env) => openParseCache({ root, env }),
  };
}
