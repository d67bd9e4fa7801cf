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
  it("a command printing more than maxOutputBytes is reported as output cut, not as a program that never ran", async () => {
    const runner = createLocalRunner({ maxOutputBytes: 1024 });
    const error = await runner.run(["sh", "-c", "head -c 4096 /dev/zero"]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "COMMAND_OUTPUT_TOO_LARGE", exitClass: "unavailable" });
    expect((error as Error).message).toBe(
      '[local] "sh" printed more than 1024 bytes on stdout or stderr and was stopped; its output is cut (raise maxOutputBytes)',
    );
    // Output within the limit still comes back whole.
    expect((await runner.run(["sh", "-c", "head -c 1000 /dev/zero"])).stdout).toHaveLength(1000);
  });
});
