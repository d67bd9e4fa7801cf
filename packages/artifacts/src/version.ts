/**
 * Version of the parsers' output shapes (observations and issues). Anything that stores parse
 * results across processes (a persistent parse cache) keys them by this number and drops results
 * written under another one. Bump it whenever a parser's output for the same input changes.
 *
 * History: 1 — first stored shape; 2 — `HostResultObservation.omitted` (compacted results,
 * `TestcaseDetail` `"notable"`, issue 11 P4).
 */
export const PARSER_VERSION = 2;
