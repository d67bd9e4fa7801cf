export * from "./keys.ts";
export * from "./loop.ts";
