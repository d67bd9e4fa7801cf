/**
 * The error family lives in `@atvm-watch/errors` (the bottom of the dependency graph, so a new
 * package adds its code there without editing engine); engine re-exports it for existing imports.
 */
export * from "@atvm-watch/errors";
