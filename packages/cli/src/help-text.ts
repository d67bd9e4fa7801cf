/**
 * The teaching text after each command's `--help` (examples, defaults, exit codes), kept apart from
 * the command wiring in main.ts. Every `npx atvm` example here is a command a user can run as shown.
 */

export const STATUS_HELP_AFTER = `
The run is located live first (R21): a running "run-sorry-cypress.py ... --build_name NAME"
process on this machine. With none alive, the most recent run recorded in the shell history
(R19); with no history either, the run the folder's artifacts describe, named after the newest
runner log (/tmp/<build>.log). A categorized run is shown whole, all batches together.

--build NAME must be named by a live runner, the shell history, its runner log or watcher
state; otherwise atvm exits 2 with 'build "NAME" not found in shell history, runner logs or
watcher state; recent builds: ...'. A run that is not the latest is shown inside its own
window, from its start to the next run's start: a newer run's results never appear under an
older build's name.

Scope (R10): the hosts of the run are its host-named spec files anywhere under cypress/e2e/
(e.g. cypress/e2e/atvm/<host>.ts, cypress/e2e/generated/<host>.cy.ts), so no config or
specPattern is needed; a host with no evidence yet is NOT STARTED, one with a partial
json-stream event log RUNNING with its last reported step. A host whose spec ran no tests
at all reads "FAIL - no tests ran" (JSON failure.class "no-tests"), never PASS (W7).

Configuration: <root>/atvm.config.json is loaded when present (see docs/config.md);
--config FILE replaces it. Only a regular file of at most 1 MiB is read. Times use --tz, else
the config's timeZone, else TZ (empty TZ: UTC, with a note), else the system zone.
Exit codes: 0 a status was printed (any run state), 1 an unexpected failure or an unwritable
stdout (one line, no stack trace), 2 bad option or config, or a build not found, 3 a controller
could not be reached (unreachable, host key unknown or changed, authentication failed).

Parse cache (docs/getting-started.md): parsed JUnit XML, reporter JSON, Cypress config,
inventory and shell history are kept in $XDG_CACHE_HOME/atvm-watch/ (default
~/.cache/atvm-watch/), one <digest of the root>.pack per automation root, so a repeated status
re-parses only new or changed files. A file is reused only when its path, inode, size and mtime,
the parser version, the parser options and the known hosts are all the same; the output is
always what a fresh parse gives. A corrupt, foreign or over-256-MiB pack is ignored and
rewritten; an unwritable cache folder means no cache, same output. --no-cache neither reads nor
writes it (delete the folder to clear it); --verbose says what it did on stderr. Local roots
only; atvm watch does not use it.

Remote controllers (docs/fleet.md): --controller [user@]host[:/root] reads the run over ssh with
your OpenSSH client (~/.ssh/config, agent, known_hosts; BatchMode, host keys checked), one ssh
round trip per poll; the controller needs python3. Two or more --controller (or "controllers" in
--config, without --root) print the fleet view: a FLEET summary line, then one section per
controller; --format json gives atvm.fleet.v1.

Examples (from a clone, run as npx atvm):
  npx atvm status --root /root/cdc-e2e-cyp-12.17.4
  npx atvm status --root /root/cdc-e2e-cyp-12.17.4 --build e2e-redhat9.7-pure-fc
  npx atvm status --root examples/flat-run --build e2e-redhat9.7-0326
  npx atvm status --root examples/flat-run --format json --tz Europe/Berlin
  npx atvm status --root . --format markdown --config ./atvm.config.json
  npx atvm status --root examples/flat-run --format ctrf > ctrf-report.json
  npx atvm status --controller root@controller-12:/root/cdc-e2e-cyp-12.17.4
  npx atvm status --controller ctl-12:/root/cdc --controller ctl-13:/root/cdc --format json
`;

export const TRIAGE_HELP_AFTER = `
For every FAIL host: its root-cause class, first failing step, first failing message, the
evidence, and the matched signature (id, hint, replay policy: may a rerun help?). Then the
run-wide incidents: several hosts failing the same way close together (likely infrastructure).
Signatures: --signatures FILE (atvm.signatures.v1 JSON, a regular file of at most 1 MiB; see
docs/triage.md), else the config's "signatures" file, else the built-in catalog. atvm summary,
atvm diff and the atvm watch post use the same choice.
Exit codes: 0 a triage was printed (also when nothing failed), 1 an unexpected failure,
2 bad option, config or signatures file (one line saying which value and field), build not found.

Examples:
  npx atvm triage --root /root/cdc-e2e-cyp-12.17.4
  npx atvm triage --root examples/flat-run --format json
  npx atvm triage --root . --build e2e-redhat9.7-0327 --signatures ./signatures.json
`;

export const DIFF_HELP_AFTER = `
Compares the current run (or --build) with a baseline: newly failing hosts first (regressions),
then still failing (known), fixed, and newly skipped or not run. The verdict is one of the
atvm.diff.v1 verdicts (e.g. regression, known_failures_only).
The baseline: --baseline, else $ATVM_BASELINE, else the config's "baseline" (a file, relative to
the config file's folder). --baseline and ATVM_BASELINE name an atvm.summary.v1 file (made with
atvm summary) when such a file exists, else a build name in the same root, reconstructed inside its
own run window; a value with a "/" or ending in .json is a file and must exist.
Exit codes: 0 a diff was printed (whatever the verdict), 1 an unexpected failure,
2 no baseline, a missing or invalid baseline file (naming the file and field), or a build not found.

Examples:
  npx atvm diff --root /root/cdc-e2e-cyp-12.17.4 --baseline e2e-redhat9.7-0326
  npx atvm summary --root /root/cdc-e2e-cyp-12.17.4 > base.json
  npx atvm diff --root /root/cdc-e2e-cyp-12.17.4 --baseline ./base.json --format markdown
`;

export const SUMMARY_HELP_AFTER = `
Prints the run's atvm.summary.v1 JSON (every host's status; for FAIL hosts step, class, signature
and message), to save as a baseline for atvm diff --baseline FILE.
Exit codes: 0 printed, 1 an unexpected failure, 2 bad option or config, or a build not found.

Example:
  npx atvm summary --root /root/cdc-e2e-cyp-12.17.4 > base.json
`;

export const WATCH_HELP_AFTER = `
Environment: MATTERMOST_ATVM_WEBHOOK (required), MATTERMOST_ATVM_CHANNEL, ATVM_WATCHER_CATEGORIZED
(default: what the run's own artifacts say), ATVM_STATE_DIR, ATVM_BASELINE (an atvm.summary.v1
file or a build name: the post then carries the diff verdict against it; --baseline wins over it,
and it wins over the config's "baseline"; an unusable baseline is named on stderr and the post goes
out without a verdict). FAIL lines are classed with --signatures, else the config's "signatures",
else the built-in catalog, as atvm triage does. State lives in <state-dir>/<build>/.
Delivery: the post's text is frozen in a durable intent before the request; a crash or timeout
between the request and Mattermost's "ok" can give at most one duplicate, carrying the same
notification id in its footer (docs/watcher.md).
Exit codes: 0 the run ended (posted or suppressed), 75 another watcher holds the build's lock,
78 bad configuration (webhook, build name, state dir, or Mattermost refused the post
permanently: HTTP 400/401/403/404/413/501), each with one line saying why.

Example:
  MATTERMOST_ATVM_WEBHOOK=https://chat.example.com/hooks/KEY npx atvm watch --build e2e-redhat9.7-0327 --root /root/cdc-e2e-cyp-12.17.4
`;

export const PLAN_HELP_AFTER = `
Builds the launch of a run and executes NOTHING (R22), here or on the controller: it prints
every command exactly as it will run and a plan id, and saves the plan (atvm.plan.v1 JSON) in
$XDG_STATE_HOME/atvm-watch/plans/<id>.json (default ~/.local/state/atvm-watch/plans/, mode 0600).
Run it with atvm approve <id> within 1 hour; any change of option, blacklist or atvm-watch
version makes another plan that needs its own approval.

Defaults (each unless you say otherwise): --config_file cypress.atvm-config-gold.ts (R14),
--use_specified_plugin iscsi and --ignore_force_shutdown (R20; --no-ignore-force-shutdown drops it).
Broad selectors (--containsVm, --randomize, or none) get every blacklisted host in
--exclude_partial_match (R2); an explicit --specify_vms list gets none, and naming a blacklisted
host exits 2 with the host and its reason (R37). The blacklist is the built-in one, or the
"blacklist" of --config FILE (an atvm config, docs/config.md).

Steps of the launch: config-check (R18), watcher-stop and watcher-state-reset (W3), template
(output to /tmp/<build>.launch.log, W2), verify (R23), watcher-start (R26, R34), runner-start.
--launcher: systemd (atvm-run-watcher@ / atvm-runner@ units) or process (detached processes with
pid files under the state folder: the fallback without systemd); auto picks systemd for a remote
controller or when this machine runs systemd.
Exit codes: 0 plan printed and saved, 2 bad option, bad name, blacklisted host, bad config.

Examples:
  npx atvm plan --template_name cmc-e2e --containsVm redhat9.7 --integration_type pure --build_name e2e-redhat9.7-0401
  npx atvm plan --template_name cmc-e2e --specify_vms atvm9-redhat9.7,atvm19-redhat9.7 --use_specified_plugin fc --build_name e2e-rh97-fc
  npx atvm plan --controller root@192.168.3.190 --root /root/cdc-e2e-cyp-12.17.4 --template_name cmc-e2e --containsVm redhat9 --build_name e2e-redhat9-0401 --format json
`;

export const APPROVE_HELP_AFTER = `
Approving means launching WITH the watcher (R34); --without-watcher skips only the watcher start.
The saved plan is checked again first and refused, saying what changed, when it is stale (the
blacklist or the atvm-watch version changed, Terraform-style), expired (1 hour), edited, unknown,
or already approved (a plan runs once). Who approved and when is written into the plan file.
Then the steps run in order on the plan's controller (this machine, or over ssh with your
~/.ssh/config, BatchMode, known_hosts checked; see docs/remote.md), stopping at the first
failure with its output: a missing config file stops it by name (R18), a failing template stops
it (W2), a verification mismatch stops it before the runner (R23), and the runner starts only
after the watcher is confirmed running (R26).
Exit codes: 0 launched, 1 a step failed (nothing after it ran), 2 plan refused or bad option.

Example:
  npx atvm approve 3f9c2a71be0d   (the id or its first 8+ digits, as atvm plan printed it)
`;

export const REPLAY_HELP_AFTER = `
Re-runs hosts of a finished run (T3) as a new plan: --specify_vms with exactly the chosen hosts
(failed: the FAIL hosts, the default; all-not-passed: every in-scope host not PASS; or a list),
under a fresh build name <build>-replay<N> (a build id is never reused), with the original
template, config file, integration, plugin and flags recovered from the run's recorded command
(shell history or runner log). Blacklisted hosts (R37) and hosts whose failure signature says
do-not-replay (atvm triage) are left out, each with the reason. Nothing runs: approve the printed
id with atvm approve.
Exit codes: 0 plan printed and saved, 2 nothing to replay, no recorded command, bad option.

Examples:
  npx atvm replay --root examples/flat-run --build e2e-redhat9.7-0327
  npx atvm replay --root /root/cdc-e2e-cyp-12.17.4 --hosts all-not-passed --format json
`;
