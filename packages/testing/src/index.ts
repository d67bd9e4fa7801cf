/**
 * `@atvm-watch/testing`: the private test kit. In-memory fakes of every port, the contract suites real
 * adapters must pass, a `Snapshot` builder, and fast-check arbitraries for property tests.
 */
export * from "./arbitraries.ts";
export * from "./contracts.ts";
export * from "./fakes.ts";
export * from "./feed.ts";
export * from "./snapshots.ts";
export * from "./webhook-server.ts";
