/**
 * The launch side of a plan, pure: the fixed POSIX `sh` scripts the steps run (so what is shown
 * and approved is exactly what runs, R22), the systemd and process launchers (W1, W3, R26), the
 * W2 output wrapper, and the R23 verification of generated specs and `specPattern` by parsing
 * the files (never by shell regexes).
 *
 * Every script is a constant passed as `sh -c SCRIPT NAME ARG…`: operator values only ever
 * arrive as positional parameters (`"$1"`), never inside script text (the pattern recommended by
 * Wooledge BashFAQ/096 for remote commands; ssh quotes each word with `shell-quote`).
 */
import { parseCypressConfig } from "@atvm-watch/artifacts";

/** How the watcher and runner are started on the controller. */
export type Launcher = "systemd" | "process";
/** The launchers, for option parsing. */
export const LAUNCHERS: readonly Launcher[] = ["systemd", "process"];

/**
 * Stops a stale watcher unit and clears the failed state of the watcher and runner units (W3),
 * hiding only the expected `… not loaded.` output (R24), as `atvm-watch-start` does.
 * Args: `$1` watcher unit, `$2` runner unit. Exit 0 unless systemctl itself is missing.
 */
export const SYSTEMD_STOP_SCRIPT: string = [
  'command -v systemctl >/dev/null 2>&1 || { echo "atvm: systemctl not found; plan with --launcher process" >&2; exit 127; }',
  'out=$(systemctl stop -- "$1" 2>&1; systemctl reset-failed -- "$1" "$2" 2>&1)',
  "printf '%s\\n' \"$out\" | grep -v -e 'not loaded\\.\\{0,1\\}$' -e '^$' >&2",
  "exit 0",
].join("\n");

/**
 * Moves the earlier watcher state of a build aside (stale cancelled/posted markers, intent,
 * state.json: W3) to `<parent>/.<build>.prev-<UTC time>`, as `atvm-watch-start` does; nothing to
 * do when it does not exist. Args: `$1` the state folder `<state root>/<build>`.
 */
export const STATE_RESET_SCRIPT: string = [
  'd=$1; [ -e "$d" ] || { echo "no earlier watcher state in $d"; exit 0; }',
  'p=$(dirname -- "$d")/.$(basename -- "$d").prev-$(date -u +%Y%m%dT%H%M%SZ)',
  'mv -- "$d" "$p" && echo "earlier watcher state moved to $p"',
].join("\n");

/**
 * Starts the watcher unit and waits up to 30 s until `systemctl is-active` says `active` (R26:
 * confirmed active before the runner). Args: `$1` watcher unit. Exit 1 when it never became active.
 */
export const SYSTEMD_WATCHER_START_SCRIPT: string = [
  'systemctl start -- "$1" || exit 1',
  "i=0",
  'while [ "$i" -lt 30 ]; do',
  '  [ "$(systemctl is-active -- "$1" 2>/dev/null)" = active ] && { echo "$1 is active"; exit 0; }',
  "  sleep 1; i=$((i+1))",
  "done",
  'echo "atvm: $1 did not become active in 30 s; the runner was NOT started (R26)" >&2',
  "exit 1",
].join("\n");

/**
 * Starts the runner unit; with a watcher (`$2` not empty) only while that watcher unit is active
 * (R26: never the runner before the watcher). Args: `$1` runner unit, `$2` watcher unit or "".
 */
export const SYSTEMD_RUNNER_START_SCRIPT: string = [
  'if [ -n "$2" ] && [ "$(systemctl is-active -- "$2" 2>/dev/null)" != active ]; then',
  '  echo "atvm: $2 is not active; the runner was NOT started (R26)" >&2; exit 1',
  "fi",
  'systemctl start -- "$1" && echo "$1 started"',
].join("\n");

/** Shell function: is pid `$1` a live (not zombie) process? Reads /proc, else ps. */
const ALIVE_FN = [
  "alive() {",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: POSIX sh parameter expansion, not a JS template
  '  s=$(cat "/proc/$1/stat" 2>/dev/null) && { s=${s##*) }; case $s in Z*|X*) return 1;; esac; return 0; }',
  '  s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1',
  '  case $s in ""|Z*) return 1;; esac; return 0',
  "}",
].join("\n");

/**
 * Process launcher: stops a stale detached process of a build. Reads the pid file `$1`; when the
 * pid is alive and (where /proc exists) its command line names the build `$2`, sends SIGTERM and
 * waits up to 30 s (then SIGKILL); removes the pid file. A pid file of a gone process is removed.
 */
export const PROCESS_STOP_SCRIPT: string = [
  ALIVE_FN,
  'f=$1; [ -f "$f" ] || { echo "no stale process for $2"; exit 0; }',
  'pid=$(cat -- "$f"); case $pid in ""|*[!0-9]*) rm -f -- "$f"; exit 0;; esac',
  'if alive "$pid" && { [ ! -r "/proc/$pid/cmdline" ] || tr "\\000" " " <"/proc/$pid/cmdline" | grep -q -F -- "$2"; }; then',
  '  kill -TERM "$pid" 2>/dev/null; i=0',
  '  while alive "$pid" && [ "$i" -lt 30 ]; do sleep 1; i=$((i+1)); done',
  '  alive "$pid" && kill -KILL "$pid" 2>/dev/null',
  '  echo "stopped stale process $pid of $2"',
  "fi",
  'rm -f -- "$f"',
].join("\n");

/**
 * Process launcher: starts `"$@"` (after the 6 fixed arguments) detached (`setsid` when present,
 * `nohup`, stdin from /dev/null, stdout and stderr appended to the log) in the current folder.
 * Args: `$1` pid file, `$2` log file, `$3` an env file sourced first when readable ("" for none;
 * KEY=value lines in shell syntax, e.g. `MATTERMOST_ATVM_WEBHOOK=…`), `$4` a pid file that must
 * name a live process first ("" for none: R26, the runner only after a live watcher), `$5` `1` to
 * confirm the process still lives after 1 s (the watcher), `$6` a label for messages.
 */
export const PROCESS_START_SCRIPT: string = [
  ALIVE_FN,
  "pidf=$1; log=$2; envf=$3; need=$4; check=$5; label=$6; shift 6",
  'if [ -n "$need" ]; then',
  '  p=$(cat -- "$need" 2>/dev/null)',
  '  case $p in ""|*[!0-9]*) p=;; esac',
  '  if [ -z "$p" ] || ! alive "$p"; then echo "atvm: the watcher ($need) is not running; the $label was NOT started (R26)" >&2; exit 1; fi',
  "fi",
  'if [ -n "$envf" ] && [ -r "$envf" ]; then set -a; . "$envf"; set +a; fi',
  'mkdir -p -- "$(dirname -- "$pidf")" || exit 1',
  'if command -v setsid >/dev/null 2>&1; then set -- setsid "$@"; fi',
  'nohup "$@" </dev/null >>"$log" 2>&1 &',
  "pid=$!",
  'echo "$pid" >"$pidf"',
  'if [ "$check" = 1 ]; then',
  "  sleep 1",
  '  if ! alive "$pid"; then echo "atvm: the $label exited at once; the last lines of $log:" >&2; tail -n 20 -- "$log" >&2; rm -f -- "$pidf"; exit 1; fi',
  '  echo "$label pid $pid is running (log $log)"',
  'else echo "$label started, pid $pid (log $log)"; fi',
].join("\n");

/**
 * W2: runs `"$@"` (after the fixed argument) with stdout and stderr written to the file `$1`
 * (truncated first), then prints the file's last 4000 bytes and exits with the command's code.
 */
export const OUTPUT_TO_FILE_SCRIPT: string = [
  "f=$1; shift",
  '"$@" >"$f" 2>&1; rc=$?',
  'tail -c 4000 -- "$f"',
  "exit $rc",
].join("\n");

/**
 * Writes a systemd EnvironmentFile atomically (umask 077, a temp file renamed over the target):
 * `$1` the file, then one `KEY=value` per argument, each value double-quoted with `\`, `"`, `$`
 * and `` ` `` escaped (systemd.exec(5) "EnvironmentFile=" quoting).
 */
export const WRITE_ENV_FILE_SCRIPT: string = [
  'f=$1; shift; umask 077; mkdir -p -- "$(dirname -- "$f")" || exit 1',
  ': >"$f.tmp" || exit 1',
  'for kv in "$@"; do',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: POSIX sh parameter expansion, not a JS template
  "  k=${kv%%=*}; v=${kv#*=}",
  "  v=$(printf '%s' \"$v\" | sed -e 's/[\\\\\"$`]/\\\\&/g')",
  '  printf \'%s="%s"\\n\' "$k" "$v" >>"$f.tmp"',
  "done",
  'mv -f -- "$f.tmp" "$f"',
].join("\n");

/**
 * The steps an approval runs (R34). With the watcher: the plan's steps unchanged. Without
 * (`approve --without-watcher`): `watcher-start` is left out and `runner-start`'s R26 guard
 * argument (the watcher unit or pid file it waits for) becomes `""`; nothing else changes. The
 * argv of every step run is thus either the planned one or this one documented rewrite.
 */
export function stepsToRun<S extends { readonly name: string; readonly argv: readonly string[] }>(
  steps: readonly S[],
  withWatcher: boolean,
): readonly S[] {
  if (withWatcher) return steps;
  return steps
    .filter((step) => step.name !== "watcher-start")
    .map((step) => {
      if (step.name !== "runner-start") return step;
      const label = step.argv[3];
      // systemd: sh -c SCRIPT label runnerUnit watcherUnit; process: sh -c SCRIPT label pid log env NEED …
      const index =
        label === "atvm-runner-start" ? (step.argv[2] === SYSTEMD_RUNNER_START_SCRIPT ? 5 : 7) : -1;
      if (index < 0) return step;
      const argv = [...step.argv];
      argv[index] = "";
      return { ...step, argv };
    });
}

/** Wraps an argv so its output goes to `file` (W2, {@link OUTPUT_TO_FILE_SCRIPT}). */
export function outputToFileArgv(file: string, argv: readonly string[]): readonly string[] {
  return ["sh", "-c", OUTPUT_TO_FILE_SCRIPT, "atvm-output", file, ...argv];
}

/** The argv that writes `env` to the systemd EnvironmentFile `file` ({@link WRITE_ENV_FILE_SCRIPT}); keys sorted. */
export function writeEnvFileArgv(file: string, env: Readonly<Record<string, string>>): readonly string[] {
  const pairs = Object.entries(env)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  return ["sh", "-c", WRITE_ENV_FILE_SCRIPT, "atvm-env", file, ...pairs];
}

/** The per-build EnvironmentFile both units read (`atvm-run-watcher@.service`, `atvm-runner@.service`, W8). */
export function unitEnvFile(build: string): string {
  return `/run/atvm-run-watcher/${build}.env`;
}

/** What the R23 verification expects (a plan's `verify` step `expect`). */
export interface VerifyExpect {
  /** The requested hosts; `null` for a broad selector (the config's own hosts, at least one). */
  readonly hosts: readonly string[] | null;
  /** The generated-spec folder relative to the root, e.g. `cypress/e2e/generated`. */
  readonly specFolder: string;
  /** Partial-match patterns no verified host may contain (the run's `--exclude_partial_match`). */
  readonly excluded: readonly string[];
}

/** The verdict of {@link verifyGenerated}: the verified hosts, or every mismatch found. */
export type VerifyResult =
  | { readonly ok: true; readonly hosts: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * R23: checks, after template generation, that every requested host has a generated spec file
 * `<specFolder>/<host>.cy.ts` and is in the config's `specPattern`, and that no host there matches
 * an excluded pattern. `configText` is the Cypress config as read (parsed as text by
 * `parseCypressConfig`, never executed); `specFiles` the file names in `specFolder` (one per
 * line of `ls -1A`, no folder part). A `specPattern` glob (`*`, `?`) covers the hosts of the spec
 * files it matches. For a broad selector (`hosts: null`), the config's hosts are the requested
 * ones and there must be at least one. Never throws; problems name the host and what is missing.
 */
export function verifyGenerated(
  expect: VerifyExpect,
  configText: string,
  configFile: string,
  specFiles: readonly string[],
): VerifyResult {
  const problems: string[] = [];
  const parsed = parseCypressConfig(configText, { path: configFile });
  const observation = parsed.observations[0];
  if (observation === undefined) {
    const why = parsed.issues.map((i) => i.problem).join("; ") || "no specPattern";
    return { ok: false, problems: [`${configFile}: ${why}`] };
  }
  const folder = expect.specFolder.replace(/\/+$/, "");
  const specs = new Set(specFiles.filter((f) => f.endsWith(".cy.ts")).map((f) => `${folder}/${f}`));
  const covered = new Set<string>();
  for (const entry of observation.specPattern) {
    const path = entry.replace(/^\.\//, "");
    if (/[*?]/.test(path)) {
      for (const spec of specs) if (globMatch(path, spec)) covered.add(hostOf(spec));
    } else if (path.startsWith(`${folder}/`) && path.endsWith(".cy.ts")) {
      covered.add(hostOf(path));
    }
  }
  const hosts = expect.hosts ?? [...covered];
  if (hosts.length === 0) problems.push(`${configFile}: specPattern names no generated host spec`);
  for (const host of hosts) {
    if (!specs.has(`${folder}/${host}.cy.ts`))
      problems.push(`${host}: no generated spec ${folder}/${host}.cy.ts`);
    if (!covered.has(host)) problems.push(`${host}: not in specPattern of ${configFile}`);
    const hit = expect.excluded.find((p) => host.includes(p));
    if (hit !== undefined) problems.push(`${host}: matches excluded pattern ${hit} (R2) but is in the run`);
  }
  if (expect.hosts !== null) {
    const extra = [...covered].filter((h) => !expect.hosts?.includes(h));
    if (extra.length > 0)
      problems.push(`specPattern of ${configFile} holds hosts not requested: ${extra.join(", ")}`);
  }
  return problems.length === 0 ? { ok: true, hosts } : { ok: false, problems };
}

/** `cypress/e2e/generated/atvm9-redhat9.7.cy.ts` → `atvm9-redhat9.7`. */
function hostOf(specPath: string): string {
  const base = specPath.slice(specPath.lastIndexOf("/") + 1);
  return base.endsWith(".cy.ts") ? base.slice(0, -".cy.ts".length) : base;
}

/**
 * Glob match with `*` (any run of non-`/` characters; `**` any run) and `?` (one non-`/`
 * character), linear-time in practice (greedy with one backtrack point per star, no regex).
 */
function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === "*") {
      while (pattern[p] === "*") p += 1;
      star = p;
      mark = t;
    } else if (pc !== undefined && (pc === text[t] || (pc === "?" && text[t] !== "/"))) {
      p += 1;
      t += 1;
    } else if (star >= 0 && (text[mark] !== "/" || pattern.slice(star - 2, star) === "**")) {
      mark += 1;
      t = mark;
      p = star;
    } else return false;
  }
  while (pattern[p] === "*") p += 1;
  return p === pattern.length;
}
