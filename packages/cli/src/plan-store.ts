/**
 * Saved plans: `atvm.plan.v1` JSON files in the user's XDG state folder
 * (`$XDG_STATE_HOME/atvm-watch/plans/<id>.json`, default `~/.local/state/atvm-watch/plans/`, the
 * XDG Base Directory spec's "state data" location), written atomically (a 0600 temp file in the
 * same folder, fsync, rename), read bounded (1 MiB) and validated (`parsePlanJson`).
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { type Plan, parsePlanJson } from "@atvm-watch/commands";
import { AtvmError } from "@atvm-watch/engine";

/** Largest saved plan read, bytes. */
export const MAX_PLAN_BYTES: number = 1024 * 1024;

/**
 * The atvm-watch state folder: `$XDG_STATE_HOME/atvm-watch` (an absolute `XDG_STATE_HOME` only,
 * as the XDG spec says), else `$HOME/.local/state/atvm-watch`. Throws `AtvmError` `USAGE` when
 * neither is set.
 */
export function stateHome(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg?.startsWith("/")) return join(xdg, "atvm-watch");
  const home = env.HOME;
  if (home === undefined || !home.startsWith("/")) {
    throw new AtvmError(
      "USAGE",
      "neither XDG_STATE_HOME nor HOME is an absolute path; set HOME to save plans",
    );
  }
  return join(home, ".local", "state", "atvm-watch");
}

/** The folder of saved plans (`<stateHome>/plans`). */
export function plansDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(stateHome(env), "plans");
}

/** Writes `plan` to `<plansDir>/<id>.json` atomically with mode 0600 (folder 0700). Returns the path. */
export function savePlan(plan: Plan, env: Readonly<Record<string, string | undefined>>): string {
  const dir = plansDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${plan.id}.json`);
  const tmp = join(dir, `.${plan.id}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(plan, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return path;
}

/**
 * Loads the saved plan `idOrPrefix` (the full 64-hex id, or a unique prefix of at least 8 hex
 * digits, like a git hash). Throws `AtvmError`:
 * - `USAGE` for an id that is not hex, or a prefix that matches several plans;
 * - `PLAN_NOT_FOUND` when no saved plan has that id (naming the folder);
 * - `PLAN_INVALID` when the file is too large, not JSON, or not a valid `atvm.plan.v1` (an edited plan).
 */
export function loadPlan(
  idOrPrefix: string,
  env: Readonly<Record<string, string | undefined>>,
): { readonly plan: Plan; readonly path: string } {
  if (!/^[0-9a-f]{8,64}$/.test(idOrPrefix)) {
    throw new AtvmError(
      "USAGE",
      `plan id ${JSON.stringify(idOrPrefix)} is not a plan id; give the id atvm plan printed (at least 8 hex digits)`,
    );
  }
  const dir = plansDir(env);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /^[0-9a-f]{64}\.json$/.test(n) && n.startsWith(idOrPrefix));
  } catch {
    names = [];
  }
  if (names.length === 0) {
    throw new AtvmError(
      "PLAN_NOT_FOUND",
      `no saved plan ${idOrPrefix} in ${dir}; run atvm plan first and approve the id it prints`,
    );
  }
  if (names.length > 1) {
    throw new AtvmError(
      "USAGE",
      `plan id prefix ${idOrPrefix} matches ${names.length} plans; give more digits`,
    );
  }
  const path = join(dir, names[0] as string);
  if (statSync(path).size > MAX_PLAN_BYTES) {
    throw new AtvmError("PLAN_INVALID", `saved plan ${path} is larger than 1 MiB; make a new plan`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new AtvmError("PLAN_INVALID", `saved plan ${path} is not JSON; make a new plan`);
  }
  const parsed = parsePlanJson(json);
  if (!parsed.ok) {
    throw new AtvmError(
      "PLAN_INVALID",
      `saved plan ${path} is not a valid atvm.plan.v1 (${parsed.problems.slice(0, 3).join("; ")}); make a new plan`,
    );
  }
  if (`${parsed.plan.id}.json` !== names[0]) {
    throw new AtvmError(
      "PLAN_INVALID",
      `saved plan ${path} holds another plan (${parsed.plan.id}); make a new plan`,
    );
  }
  return { plan: parsed.plan, path };
}
