import { describe, expect, it } from "vitest";
import { createSystemClock } from "../src/clock.ts";

describe("createSystemClock", () => {
  it("gives wall time in UTC ms and a non-decreasing monotonic counter", () => {
    const clock = createSystemClock();
    const before = Date.now();
    const now = clock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThan(before + 1000);
    const a = clock.monotonicMs();
    const b = clock.monotonicMs();
    expect(b).toBeGreaterThanOrEqual(a);
  });
});
