/**
 * The version of what the parsers of this package produce (observations and issues).
 *
 * A persisted parse result (the `atvm status` parse cache, docs/getting-started.md "The parse cache") is
 * reused only when it was written under the same `PARSER_VERSION`, so: **bump it when any parser
 * output changes** — a field added, removed or renamed, a value computed differently, an issue
 * worded differently. Any new string works (e.g. a date with a counter); it is compared for
 * equality only. Forgetting to bump it lets `atvm status` show a result the current parsers
 * would not produce (the cache tests compare cached and uncached snapshots, but only over the
 * fixtures they hold).
 *
 * History: `2026-12-02.1` — first stored shape; `2026-12-02.2` — `HostResultObservation.omitted`
 * (compacted results, `TestcaseDetail` `"notable"`, issue 11 P4); `2026-12-02.3` — a JUnit file whose
 * suites are all empty is one result (was dropped silently).
 */
export const PARSER_VERSION: string = "2026-12-02.3";
