/**
 * `atvm status --controller [user@]host[:/root]`: the same status, reconstructed on this machine
 * from a remote controller's artifacts over ssh (packages/ssh: ArtifactSource, ProcessProbe,
 * CommandRunner through the user's OpenSSH client), and the fleet view of several controllers
 * (issue 9, "ssh adapter" and "Fleet view"; docs/fleet.md).
 *
 * Wiring only: a controller becomes a `CliIo` whose disk and probe are the ssh adapters, whose
 * HOME and working folder are the remote user's, and `prepareRun` (status-command.ts) builds the
 * one observer over it. Each collector poll is ONE ssh round trip (`ArtifactSource.batch`).
 * Exit codes: 0 every controller answered; 3 a controller could not be reached (unreachable,
 * host key refused, authentication failed), the error printed as one line (a single controller)
 * or its section marked (the fleet view, which still shows every other controller).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AtvmError, isAtvmError } from "@atvm-watch/engine";
import {
  createSshConnection,
  createSshProbe,
  createSshRunner,
  createSshSource,
  isSshError,
  type SshConnection,
  type SshFailureKind,
} from "@atvm-watch/ssh";
import {
  type ControllerProblem,
  type FleetEntry,
  renderFleetMarkdown,
  renderFleetText,
  toFleetJson,
} from "@atvm-watch/status";
import type { CliIo, DiskPort } from "./io.ts";
import type { PreparedRun, StatusCommandOptions } from "./status-command.ts";

/** `prepareRun` of status-command.ts, passed in (the status command calls this module). */
export type PrepareRun = (
  options: Pick<StatusCommandOptions, "root" | "build" | "config" | "tz">,
  io: CliIo,
) => Promise<PreparedRun>;

/** Exit code when a controller could not be reached (unreachable, host key, authentication). */
export const EXIT_CONTROLLER_UNREACHABLE = 3;

/** A `--controller` value split: the ssh destination and the automation root, when given. */
export interface ControllerSpec {
  /** `[user@]host` as typed (validated by the ssh adapter before any ssh process starts). */
  readonly destination: string;
  /** The absolute root after `:`, e.g. `/root/cdc-e2e-cyp-12.17.4`; `undefined` when not given. */
  readonly root?: string;
}

/**
 * Splits `[user@]host[:/root]` (scp(1)'s form; the root must be absolute, so an IPv6 literal's
 * colons are not taken for it). The destination is not validated here.
 */
export function parseControllerSpec(spec: string): ControllerSpec {
  const at = spec.indexOf(":/");
  return at < 0 ? { destination: spec } : { destination: spec.slice(0, at), root: spec.slice(at + 1) };
}

/** One controller, opened: its `CliIo` (ssh disk and probe, the remote HOME) and how to close it. */
interface OpenedController {
  readonly io: CliIo;
  readonly root: string;
  /** Closes the ControlMaster and removes its private folder. */
  readonly close: () => Promise<void>;
}

/** The remote shell's answer to the first round trip: the remote HOME and whether the root is a folder. */
const HELLO = 'printf "%s\\n" "$HOME"; if [ -d "$1" ]; then echo folder; else echo missing; fi';

/**
 * Connects (validating the destination first: a hostile string never reaches ssh), asks the remote
 * HOME and checks the root in one round trip, and returns the controller as a `CliIo`.
 * Rejects `INVALID_NAME` for a bad destination, `SshError` for a transport failure.
 */
async function openController(
  spec: ControllerSpec,
  options: Pick<StatusCommandOptions, "root" | "sshConfig">,
  io: CliIo,
): Promise<OpenedController> {
  const controlDir = mkdtempSync(join(tmpdir(), "atvm-ssh-"));
  let connection: SshConnection;
  try {
    connection = createSshConnection({
      destination: spec.destination,
      controlDir,
      ...(options.sshConfig !== undefined ? { configFile: options.sshConfig } : {}),
    });
  } catch (error) {
    rmSync(controlDir, { recursive: true, force: true });
    throw error;
  }
  const close = async (): Promise<void> => {
    await connection.close();
    rmSync(controlDir, { recursive: true, force: true });
  };
  const rootText = spec.root ?? options.root ?? ".";
  try {
    const runner = createSshRunner(connection);
    const hello = await runner.run(["sh", "-c", HELLO, "atvm", rootText]);
    const [home = "", answer = ""] = hello.stdout.split("\n");
    const remoteHome = home === "" ? "/" : home;
    const root = rootText.startsWith("/")
      ? rootText
      : `${remoteHome.replace(/\/+$/, "")}/${rootText}`.replace(/\/\.$/, "");
    const disk: DiskPort = {
      isFolder: async (path) =>
        path === root || path === `${root}/`
          ? answer === "folder"
          : (await runner.run(["test", "-d", path])).exitCode === 0,
      open: (folder, extraRoots) => createSshSource(connection, { root: folder, extraRoots }),
    };
    return {
      io: {
        ...io,
        disk,
        probe: createSshProbe(connection),
        env: { ...io.env, HOME: remoteHome },
        cwd: remoteHome,
      },
      root,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

const PROBLEM_OF: Readonly<Record<SshFailureKind, ControllerProblem>> = {
  "host-key": "HOST_KEY_REFUSED",
  auth: "AUTH_FAILED",
  unreachable: "UNREACHABLE",
  timeout: "UNREACHABLE",
  "output-too-large": "ERROR",
};

/** The fleet problem of a failure: ssh transport failures by kind, anything else `ERROR`. */
function problemOf(error: unknown): ControllerProblem {
  return isSshError(error) ? PROBLEM_OF[error.kind] : "ERROR";
}

/** `true` when the problem means the controller was not reached (exit 3), not a reached-but-failed run. */
function notReached(problem: ControllerProblem): boolean {
  return problem !== "ERROR";
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/** One controller's section: its snapshot, or the problem that kept it from one. Never rejects. */
async function observeController(
  spec: ControllerSpec,
  options: StatusCommandOptions,
  io: CliIo,
  prepareRun: PrepareRun,
): Promise<FleetEntry> {
  const label = spec.destination;
  let opened: OpenedController | undefined;
  try {
    opened = await openController(spec, options, io);
    const { config, zone, observer } = await prepareRun({ ...options, root: opened.root }, opened.io);
    const { snapshot } = await observer.observe();
    return {
      controller: label,
      root: opened.root,
      snapshot,
      render: { zone, ...(config.testFlows !== undefined ? { flows: config.testFlows } : {}) },
    };
  } catch (error) {
    if (!isSshError(error) && !isAtvmError(error)) throw error;
    return {
      controller: label,
      root: opened?.root ?? spec.root ?? options.root ?? "~",
      problem: problemOf(error),
      message: firstLine(error),
    };
  } finally {
    await opened?.close();
  }
}

/**
 * `atvm status --controller X` (one controller): the same output as a local `atvm status` of that
 * root, with a first `Controller:` line in text and markdown. A transport failure prints one line
 * naming the controller and the fix and exits 3; it is never shown as a run state.
 */
export async function runRemoteStatus(
  spec: ControllerSpec,
  options: StatusCommandOptions,
  io: CliIo,
  prepareRun: PrepareRun,
  print: (prepared: PreparedRun, header: string) => Promise<void>,
): Promise<number> {
  let opened: OpenedController | undefined;
  try {
    opened = await openController(spec, options, io);
    const prepared = await prepareRun({ ...options, root: opened.root }, opened.io);
    await print(prepared, `Controller: ${spec.destination}:${opened.root}`);
    return 0;
  } catch (error) {
    if (!isSshError(error)) throw error;
    const problem = problemOf(error);
    io.stderr.write(
      `atvm: controller ${spec.destination} ${problem.replaceAll("_", " ")}: ${firstLine(error)}\n`,
    );
    return notReached(problem) ? EXIT_CONTROLLER_UNREACHABLE : 1;
  } finally {
    await opened?.close();
  }
}

/**
 * The fleet view of `specs`: every controller observed in parallel (one ssh connection each), one
 * section per controller in the given order plus the fleet summary line, as `text`, `markdown` or
 * `json` (`atvm.fleet.v1`). Exit 0 when every controller answered, 3 when one was not reached.
 */
export async function runFleet(
  specs: readonly ControllerSpec[],
  options: StatusCommandOptions,
  io: CliIo,
  prepareRun: PrepareRun,
): Promise<number> {
  const format = options.format ?? "text";
  if (!["text", "markdown", "json"].includes(format)) {
    throw new AtvmError(
      "USAGE",
      `--format ${JSON.stringify(format)} is not available for the fleet view; use text, markdown or json (atvm.fleet.v1)`,
    );
  }
  // Hostile destinations are refused before any ssh process starts, for every controller.
  for (const spec of specs) createSshConnection({ destination: spec.destination, multiplex: false });
  const entries = await Promise.all(specs.map((spec) => observeController(spec, options, io, prepareRun)));
  const out =
    format === "json"
      ? `${JSON.stringify(toFleetJson(entries), null, 2)}\n`
      : format === "markdown"
        ? renderFleetMarkdown(entries)
        : renderFleetText(entries);
  io.stdout.write(out);
  return entries.some((e) => "problem" in e && notReached(e.problem)) ? EXIT_CONTROLLER_UNREACHABLE : 0;
}
