/**
 * The local command runner as the `CommandRunner` port (ports.ts): runs an argv with
 * `child_process.execFile`, never through a shell, so no argument is split, globbed or expanded
 * (Node.js `child_process.execFile`, https://nodejs.org/api/child_process.html#child_processexecfilefile-args-options-callback).
 * For the remote controller the ssh adapter quotes argv for the far shell.
 */
import { execFile } from "node:child_process";
import { AtvmError, type CommandResult, type CommandRunner } from "@atvm-watch/engine";

/** Options of {@link createLocalRunner}. */
export interface LocalRunnerOptions {
  /**
   * Largest stdout or stderr kept, in bytes (UTF-8). A command printing more is stopped (SIGTERM) and
   * `run` rejects with `AtvmError` `COMMAND_OUTPUT_TOO_LARGE` naming the program and the limit: the
   * program did run, its output was cut. Default 16 MiB.
   */
  readonly maxOutputBytes?: number;
  /** Environment of the commands; default the current process's. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A `CommandRunner` on this machine. `run(argv, { cwd, timeoutMs })` resolves the exit code and the
 * UTF-8 output whatever the exit code (a killed command reports 128 + signal number, e.g. 143 for
 * SIGTERM after `timeoutMs`). Rejects with `AtvmError` `COMMAND_FAILED_TO_START` when the program
 * cannot be started (not found, not executable, bad `cwd`), naming the program and the reason, and
 * with `COMMAND_OUTPUT_TOO_LARGE` when it printed more than `maxOutputBytes` (see there).
 */
export function createLocalRunner(options: LocalRunnerOptions = {}): CommandRunner {
  const maxBuffer = options.maxOutputBytes ?? 16 * 1024 * 1024;
  return {
    name: "local",
    run(argv, runOptions) {
      const [file, ...args] = argv;
      if (file === undefined || file === "") {
        return Promise.reject(
          new AtvmError("COMMAND_FAILED_TO_START", "[local] empty argv; pass the program first"),
        );
      }
      return new Promise<CommandResult>((resolve, reject) => {
        execFile(
          file,
          args,
          {
            encoding: "utf8",
            maxBuffer,
            shell: false,
            ...(runOptions?.cwd !== undefined ? { cwd: runOptions.cwd } : {}),
            ...(runOptions?.timeoutMs !== undefined ? { timeout: runOptions.timeoutMs } : {}),
            ...(options.env !== undefined ? { env: options.env } : {}),
          },
          (error, stdout, stderr) => {
            if (error === null) return resolve({ exitCode: 0, stdout, stderr });
            const code = (error as NodeJS.ErrnoException).code;
            if (code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
              // Node stopped the program after it printed more than maxBuffer: it ran, its output is cut.
              return reject(
                new AtvmError(
                  "COMMAND_OUTPUT_TOO_LARGE",
                  `[local] ${JSON.stringify(file)} printed more than ${maxBuffer} bytes on stdout or stderr and was stopped; its output is cut (raise maxOutputBytes)`,
                  { cause: error },
                ),
              );
            }
            if (typeof code === "string") {
              // ENOENT, EACCES, …: the program never ran.
              return reject(
                new AtvmError(
                  "COMMAND_FAILED_TO_START",
                  `[local] cannot start ${JSON.stringify(file)} (${code})`,
                  {
                    cause: error,
                  },
                ),
              );
            }
            const exitCode =
              typeof error.code === "number" ? error.code : 128 + signalNumber(error.signal ?? "SIGTERM");
            resolve({ exitCode, stdout, stderr });
          },
        );
      });
    },
  };
}

// --- internal helpers ---

const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};

function signalNumber(signal: string): number {
  return SIGNALS[signal] ?? 15;
}
