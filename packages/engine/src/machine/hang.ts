/**
 * Hang windows and the runner that hangs after upload: HUNG after `hangWindowMs` without progress
 * (D9), UNKNOWN after the same window of unclear evidence (D9), and R1 (results final and the run URL
 * recorded, but the runner still alive: capture, wait `runnerExitGraceMs`, stop it). All windows are
 * measured on the monotonic clock (`mono`, ms).
 */
import type { Snapshot } from "../domain.ts";
import { type Ctx, minutes, runOpen } from "./context.ts";
import { closeAll } from "./transitions.ts";

/** The note added to a post after the watcher stopped a runner that hung after upload (R1). */
export const RUNNER_STOPPED_NOTE = "runner was stopped after upload";

/** Closes the run HUNG when it is live and has shown no progress for `hangWindowMs` (D9). */
export function checkHang(ctx: Ctx, mono: number): void {
  const s = ctx.s;
  if (!runOpen(s) || s.last?.verdict !== "running" || s.r1.phase === "terminating") return;
  const since = s.progress.sinceMono;
  if (since === null) return;
  if (mono < since) {
    s.progress = { ...s.progress, sinceMono: mono };
    return;
  }
  const idle = mono - since;
  if (idle < ctx.policy.hangWindowMs) return;
  const r1 =
    s.r1.phase === "detected" || s.r1.phase === "failed"
      ? "; results final but the runner did not exit and was not stopped (R1)"
      : "";
  closeAll(ctx, "HUNG", `no progress for ${minutes(idle)} while the run is live (D9)${r1}`);
}

/** Closes the run UNKNOWN once the evidence stayed unclear for `hangWindowMs`, or at once by policy (D9). */
export function checkUnknown(ctx: Ctx, mono: number, reason: string): void {
  const s = ctx.s;
  if (!runOpen(s) || s.unknownSinceMono === null) return;
  if (mono < s.unknownSinceMono) s.unknownSinceMono = mono;
  const lasted = mono - s.unknownSinceMono;
  if (ctx.policy.unknownImmediately) {
    closeAll(ctx, "UNKNOWN", `${reason} (policy: unknownImmediately)`);
  } else if (lasted >= ctx.policy.hangWindowMs) {
    closeAll(ctx, "UNKNOWN", `${reason}, for ${minutes(lasted)}`);
  }
}

/**
 * R1: while `candidate` (results final, URL recorded, runner alive), capture the snapshot once, then
 * after `runnerExitGraceMs` ask to stop the runner (when the policy allows it). A snapshot that is no
 * longer a candidate resets a detection.
 */
export function handleRunnerHang(
  ctx: Ctx,
  candidate: boolean,
  snapshot: Snapshot | null,
  mono: number,
): void {
  const s = ctx.s;
  if (!runOpen(s)) return;
  if (!candidate) {
    if (s.r1.phase === "detected") s.r1 = { phase: "none", sinceMono: null, captured: null };
    return;
  }
  if (s.r1.phase === "none" && snapshot !== null) {
    s.r1 = { phase: "detected", sinceMono: mono, captured: { ...snapshot, runUrls: [...s.runUrls] } };
    ctx.persistReasons.push("r1-captured");
    const urls = s.runUrls.join(" ") || "none";
    const message = `results are final and the run URL is recorded (${urls}) but the runner is still alive (R1): URL and results captured`;
    ctx.log({ level: "warn", reason: "runner-hang", message });
    if (!ctx.policy.allowRunnerTermination) {
      const refused = "runner termination not permitted by policy; HUNG after the hang window (R1, D9)";
      ctx.log({ level: "warn", reason: "runner-hang", message: refused });
    }
  }
  const since = s.r1.sinceMono;
  if (s.r1.phase !== "detected" || since === null || !ctx.policy.allowRunnerTermination) return;
  if (mono - since < ctx.policy.runnerExitGraceMs) return;
  s.r1 = { ...s.r1, phase: "terminating" };
  ctx.persistReasons.push("r1-terminate");
  const reason = `runner still alive ${minutes(mono - since)} after results were final and captured (R1)`;
  ctx.log({ level: "warn", reason: "runner-hang", message: `stopping the runner of ${s.build}: ${reason}` });
  ctx.actions.push({ type: "terminate-runner", build: s.build, reason });
}

/** `tick`: time passed without a snapshot; re-checks the windows the last snapshot left open. */
export function onTick(ctx: Ctx, mono: number): void {
  const last = ctx.s.last;
  if (last === null) return;
  if (last.verdict === "running") {
    handleRunnerHang(ctx, last.r1Candidate, null, mono);
    checkHang(ctx, mono);
  } else if (last.verdict === "unclear") {
    checkUnknown(ctx, mono, "run state cannot be determined from the evidence");
  }
}

/** `runner.terminated`: the shell stopped (or failed to stop) the runner it was asked to stop (R1). */
export function onRunnerTerminated(ctx: Ctx, ok: boolean, detail: string | undefined): void {
  const s = ctx.s;
  if (s.r1.phase !== "terminating") {
    const message = `runner.terminated ignored: no termination was requested (R1 phase ${s.r1.phase})`;
    ctx.log({ level: "debug", reason: "ignored", message });
    return;
  }
  if (ok) {
    s.r1 = { ...s.r1, phase: "stopped" };
    const message = `runner of ${s.build} stopped after upload (R1)${detail ? `: ${detail}` : ""}`;
    ctx.log({ level: "info", reason: "runner-hang", message });
  } else {
    s.r1 = { ...s.r1, phase: "failed" };
    const message = `could not stop the runner of ${s.build}: ${detail ?? "no detail"}; HUNG after the hang window`;
    ctx.log({ level: "error", reason: "runner-hang", message });
  }
  ctx.persistReasons.push("r1-result");
}
