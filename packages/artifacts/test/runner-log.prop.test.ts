import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { parseRunnerLogChunk, RUNNER_LOG_INTERNAL_ERROR, type RunnerLogState } from "../src/runner-log.ts";
import {
  decodeBase64,
  decodeUtf8,
  decodeUtf8KeepBom,
  decodeUtf8Portable,
  encodeBase64,
} from "../src/runner-log-bytes.ts";
import type { ArtifactMeta, ParseIssue, RunnerLogObservation } from "../src/types.ts";

const LOGS = join(import.meta.dirname, "fixtures", "logs");
const FLEET = [
  "atvm41-redhat6.0",
  "atvm44-redhat9.7",
  "atvm7-ubuntu24.04",
  "atvm17-ubuntu24.04",
  "atvm144-suse15.0",
];

// All fixtures back to back, plus lines with 4-byte characters, invalid UTF-8 and bare CRs.
const EXTRA = new Uint8Array([
  ...new TextEncoder().encode(
    "🎥 Run URL: https://app.currents.dev/run/ffff\r\n  Running:  atvm41-redhat6.0.cy.ts  (1 of 1)\r",
  ),
  0x0a,
  ...[0x20, 0x20, 0x31, 0x29, 0x20, 0xe2, 0x82, 0x0a], // "  1) " + a truncated 3-byte sequence
  ...new TextEncoder().encode("progress 10%\rprogress 100%\r\n(Attempt 2 of 3) 𝔘 title\n"),
  ...[0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x0a],
]);
const LOG = new Uint8Array([
  ...readFileSync(join(LOGS, "cypress12-native.log")),
  ...readFileSync(join(LOGS, "currents-categorized.log")),
  ...readFileSync(join(LOGS, "jenkins-mojibake-crlf.log")),
  ...EXTRA,
]);

const meta = (sizeBytes: number): ArtifactMeta => ({
  path: "tmp/e2e.log",
  sizeBytes,
  readAtMs: 1_000,
  knownHosts: FLEET,
});

/**
 * Sequential reads of any bytes raise no issue at all; in particular the parser's catch-all
 * (`RUNNER_LOG_INTERNAL_ERROR`) never fires, so a bug that throws fails these tests.
 */
function expectNoIssue(issues: readonly ParseIssue[]): void {
  expect(issues.filter((i) => i.problem.startsWith(RUNNER_LOG_INTERNAL_ERROR))).toEqual([]);
  expect(issues).toEqual([]);
}

function readInPieces(
  bytes: Uint8Array,
  cuts: readonly number[],
): { obs: RunnerLogObservation[]; state: RunnerLogState } {
  const points = [...new Set(cuts)].sort((a, b) => a - b);
  let state: RunnerLogState | null = null;
  const obs: RunnerLogObservation[] = [];
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const r = parseRunnerLogChunk(bytes.subarray(from, to), meta(to), state);
    expect(r.restartFromZero).toBe(false);
    expectNoIssue(r.issues);
    obs.push(...r.observations);
    // Persist and reload between reads, as the engine does.
    state = JSON.parse(JSON.stringify(r.state)) as RunnerLogState;
    expect(state.offset).toBe(to);
    from = to;
  }
  return { obs, state: state as RunnerLogState };
}

describe("runner log read in pieces", () => {
  const whole = parseRunnerLogChunk(LOG, meta(LOG.length), null);
  expectNoIssue(whole.issues);

  test.prop([fc.array(fc.integer({ min: 0, max: LOG.length }), { maxLength: 40 })], { numRuns: 100 })(
    "splitting the log at any byte positions (inside UTF-8 characters and CRLF) gives the same observations as one read",
    (cuts) => {
      const { obs, state } = readInPieces(LOG, cuts);
      expect(obs).toEqual(whole.observations);
      expect(state).toEqual(whole.state);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(200), { maxLength: 8 })])(
    "arbitrary bytes never throw and split reads agree with one read",
    (bytes, cuts) => {
      const one = parseRunnerLogChunk(bytes, meta(bytes.length), null);
      expectNoIssue(one.issues);
      const { obs } = readInPieces(
        bytes,
        cuts.filter((c) => c <= bytes.length),
      );
      expect(obs).toEqual(one.observations);
    },
  );
});

describe("byte helpers", () => {
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const stripping = new TextDecoder("utf-8");
  const utf8ish = fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0xff }),
      fc.constantFrom(0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xa0, 0x9f, 0x8f, 0x90, 0xbf),
    ),
    { maxLength: 64 },
  );

  test.prop([utf8ish])("the portable decoder matches WHATWG TextDecoder on arbitrary bytes", (arr) => {
    const bytes = new Uint8Array(arr);
    expect(decodeUtf8Portable(bytes)).toBe(decoder.decode(bytes));
    expect(decodeUtf8KeepBom(bytes, 1, bytes.length)).toBe(decoder.decode(bytes.subarray(1)));
    // The exported rule: a leading BOM stripped (WHATWG default), the rest as above.
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    expect(decodeUtf8(withBom)).toBe(stripping.decode(withBom));
    expect(decodeUtf8(withBom)).toBe(decoder.decode(bytes));
    expect(decodeUtf8(withBom, 3)).toBe(stripping.decode(bytes));
  });

  test.prop([fc.string({ unit: "binary", maxLength: 40 })])(
    "the portable decoder round-trips any string's UTF-8",
    (s) => {
      expect(decodeUtf8Portable(new TextEncoder().encode(s))).toBe(s);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 20_000 })], { numRuns: 20 })(
    "the portable decoder agrees with TextDecoder past its 4096-unit slices",
    (bytes) => {
      expect(decodeUtf8Portable(bytes)).toBe(decoder.decode(bytes));
    },
  );

  test.prop([fc.uint8Array({ maxLength: 100 })])("base64 agrees with Buffer and round-trips", (bytes) => {
    const text = encodeBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString("base64"));
    expect(decodeBase64(text)).toEqual(bytes);
  });
});
