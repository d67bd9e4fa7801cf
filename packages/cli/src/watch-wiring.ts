/**
 * The real wiring of `atvm watch` (watch-command.ts `WatchWiring`): the one run observer (the same
 * as `atvm status`), the Mattermost notifier, markdown rendering with triage, summaries, and
 * `systemctl stop atvm-runner@<build>.service` for R1; the policy is `watchPolicy`
 * (@atvm-watch/watcher): at-least-once for an unknown outcome, ~24 h of retries.
 *
 * Triage inputs come the way `atvm triage` and `atvm diff` take them (triage-inputs.ts): the
 * catalog `--signatures` > config `signatures` > built-in, the baseline `--baseline` >
 * `ATVM_BASELINE` > config `baseline` > none. Both are loaded once, at the first observation.
 */

import { createMattermostNotifier } from "@atvm-watch/mattermost";
import { createLocalRunner } from "@atvm-watch/node-fs";
import { renderMarkdown } from "@atvm-watch/status";
import { type Catalog, DEFAULT_CATALOG, digestRun, type RunSummary, summarizeRun } from "@atvm-watch/triage";
import { watchPolicy } from "@atvm-watch/watcher";
import type { CliIo } from "./io.ts";
import { type PreparedRun, prepareRun } from "./status-command.ts";
import { postTriageOf } from "./triage-command.ts";
import { catalogOfRun, chooseRunBaseline, loadBaseline, loadCatalogFile } from "./triage-inputs.ts";
import type { WatchWiring } from "./watch-command.ts";

/** An error as one line: its message's first line (an errno code leads it), never the stack. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/** The wiring `atvm watch` runs with; `io` is the command's outside world. */
export function watchWiring(io: CliIo): WatchWiring {
  let zone = "UTC";
  let hangWindowMs: number | undefined;
  let catalog: Catalog = DEFAULT_CATALOG;
  // The baseline: when it cannot be loaded the post goes out without a verdict and stderr says
  // why (never a crash, never a missing post).
  let baseline: RunSummary | null = null;
  return {
    observer: ({ build, root, config, signatures, baseline: baselineFlag }) => {
      const where = {
        ...(root !== undefined ? { root } : {}),
        ...(config !== undefined ? { config } : {}),
      };
      // Loaded once; a bad catalog (flag or config key) rejects the first observation with a config
      // error, so the watch stops with 78 before anything is posted.
      let prepared: Promise<PreparedRun> | null = null;
      const prepare = async (): Promise<PreparedRun> => {
        const flagCatalog =
          signatures === undefined ? null : await loadCatalogFile(signatures, "--signatures", io);
        const run = await prepareRun({ build, ...where }, io);
        catalog = await catalogOfRun(flagCatalog, run, where, io);
        const choice = chooseRunBaseline(baselineFlag, run, where, io);
        if (choice !== null) {
          try {
            baseline = await loadBaseline(
              choice,
              { ...where, ...(signatures !== undefined ? { signatures } : {}) },
              io,
            );
          } catch (error) {
            io.stderr.write(`atvm watch: ${choice.origin} not used: ${oneLine(error)}\n`);
          }
        }
        return run;
      };
      return async () => {
        prepared ??= prepare();
        const run = await prepared;
        zone = run.zone;
        hangWindowMs = run.config.hangWindowMs;
        const { snapshot } = await run.observer.observe();
        return { snapshot };
      };
    },
    notifier: (webhook, channel) =>
      createMattermostNotifier({
        webhookUrl: webhook,
        ...(channel !== undefined && channel !== "" ? { channel } : {}),
      }),
    render: (snapshot) =>
      renderMarkdown(snapshot, {
        zone,
        color: false,
        triage: postTriageOf(snapshot, zone, baseline, catalog),
      }),
    summarize: (snapshot) =>
      `${JSON.stringify(summarizeRun(snapshot, digestRun(snapshot, catalog)), null, 2)}\n`,
    terminateRunner: async (build) => {
      const r = await createLocalRunner().run(["systemctl", "stop", "--", `atvm-runner@${build}.service`], {
        timeoutMs: 60_000,
      });
      return { ok: r.exitCode === 0, detail: r.stderr.slice(0, 200) };
    },
    // Read after the first observation, which loads the config (its hangWindowMs, D9).
    policy: () => watchPolicy({ hangWindowMs }),
  };
}
