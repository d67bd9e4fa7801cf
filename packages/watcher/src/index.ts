export * from "./keys.ts";
export * from "./loop.ts";
export * from "./policy.ts";
