/**
 * Types for the parts of `fs-native-extensions` 1.x used here (the package ships none).
 * https://github.com/holepunchto/fs-native-extensions#api
 */
declare module "fs-native-extensions" {
  /** Requests an exclusive (or `{ shared: true }`) advisory lock on `fd` without waiting; `true` when granted. */
  export function tryLock(fd: number, options?: { readonly shared?: boolean }): boolean;
  /** Releases a lock taken on `fd`. */
  export function unlock(fd: number): void;
}
