import { describe, expect, it } from "vitest";
import { createLocalRunner } from "../src/runner.ts";

describe("local command runner", () => {
  it("runs in the given cwd and keeps stderr apart from stdout", async () => {
    const r = await createLocalRunner().run(["sh", "-c", "pwd; echo oops >&2"], { cwd: "/tmp" });
    expect(r).toEqual({ exitCode: 0, stdout: "/tmp\n", stderr: "oops\n" });
  });
  it("reports a command killed at its timeout as 128 + SIGTERM", async () => {
    const r = await createLocalRunner().run(["sleep", "5"], { timeoutMs: 100 });
    expect(r.exitCode).toBe(143);
  });
  it("names the program when it cannot start, and rejects an empty argv", async () => {
    await expect(createLocalRunner().run(["/nonexistent/run-sorry-cypress.py"])).rejects.toThrow(
      /cannot start "\/nonexistent\/run-sorry-cypress.py" \(ENOENT\)/,
    );
    await expect(createLocalRunner().run([])).rejects.toThrow(/empty argv/);
  });
});
