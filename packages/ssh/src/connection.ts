/**
 * One remote controller reached through the user's OpenSSH client (ssh(1)): destination
 * validation, the fixed safety options, connection multiplexing, and running one remote argv.
 *
 * Safety (OpenSSH ssh(1), ssh_config(5)):
 * - `BatchMode=yes`: never prompt for a password or passphrase; a missing key fails at once.
 * - `StrictHostKeyChecking=yes` unless the caller says otherwise: an unknown or changed host key is
 *   refused, never silently accepted.
 * - `--` before the destination, and a destination validated against an allow-list, so a host string
 *   such as `-oProxyCommand=…` can never become an option.
 * - The remote side gets ONE command string: argv quoted word by word with `shell-quote`
 *   (https://github.com/ljharb/shell-quote), because ssh joins its arguments with spaces and hands
 *   them to the remote user's shell; an argv array does not protect the far side.
 * - `ControlMaster=auto` with a `ControlPath` in a private (0700) directory, so repeated polls reuse
 *   one TCP connection and one authentication.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AtvmError } from "@atvm-watch/engine";
import { quote } from "shell-quote";

/** Why an ssh connection failed; `exit 255` from ssh(1) is split by its stderr. */
export type SshFailureKind = "host-key" | "auth" | "unreachable" | "timeout" | "output-too-large";

/**
 * An ssh transport failure (not a remote command's own exit code). `code` is `SSH_FAILED`; `kind`
 * tells a changed host key (never retried blindly, never a run state) from an unreachable controller
 * (kept distinct from a HUNG run) from an authentication failure.
 */
export class SshError extends AtvmError {
  readonly kind: SshFailureKind;
  readonly destination: string;
  constructor(kind: SshFailureKind, destination: string, message: string) {
    super("SSH_FAILED", message);
    this.kind = kind;
    this.destination = destination;
  }
}

/** `true` for an {@link SshError} (by shape, across duplicated package copies). */
export function isSshError(error: unknown): error is SshError {
  return error instanceof Error && (error as { code?: unknown }).code === "SSH_FAILED" && "kind" in error;
}

// `[user@]host`: user as useradd(8) allows, host a DNS name, IPv4 or a bracket-free IPv6 literal.
// Neither part may start with "-", so nothing the user types can become an ssh option.
const USER = /^[a-z_][a-z0-9_.-]{0,31}$/i;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:]{2,39}$/;

/**
 * Validates an ssh destination `[user@]host` (a host alias from `~/.ssh/config` is a host).
 * Returns it unchanged. Throws `AtvmError("INVALID_NAME")` naming the value and the allowed form for
 * anything else: option-like strings (`-oProxyCommand=…`), shell metacharacters (`` ` ``, `$()`,
 * `;`, spaces), empty parts, `ssh://` URLs.
 */
export function validateDestination(destination: string): string {
  const at = destination.lastIndexOf("@");
  const user = at < 0 ? null : destination.slice(0, at);
  const host = at < 0 ? destination : destination.slice(at + 1);
  const userOk = user === null || USER.test(user);
  const hostOk = host.length <= 253 && (HOST.test(host) || (host.includes(":") && IPV6.test(host)));
  if (!userOk || !hostOk) {
    throw new AtvmError(
      "INVALID_NAME",
      `--controller ${JSON.stringify(destination)} is not an ssh destination; use [user@]host with letters, digits, ".", "-" (e.g. root@controller-12 or an alias from ~/.ssh/config)`,
    );
  }
  return destination;
}

/** Options of {@link createSshConnection}. */
export interface SshConnectionOptions {
  /** `[user@]host`, validated by {@link validateDestination}. */
  readonly destination: string;
  /** TCP port (`-p`); default from `~/.ssh/config` or 22. */
  readonly port?: number;
  /** An ssh_config(5) file (`-F`); default the user's `~/.ssh/config`. */
  readonly configFile?: string;
  /** A private key (`-i`, with `IdentitiesOnly=yes`); default the agent and the config's keys. */
  readonly identityFile?: string;
  /** A known_hosts file (`UserKnownHostsFile`); default the user's. */
  readonly knownHostsFile?: string;
  /** `StrictHostKeyChecking`; default `yes` (an unknown or changed key is refused). */
  readonly strictHostKeyChecking?: "yes" | "accept-new";
  /** `ConnectTimeout`, seconds; default 10. */
  readonly connectTimeoutSec?: number;
  /** A private folder for the ControlMaster socket; default a fresh 0700 folder under the OS temp dir. */
  readonly controlDir?: string;
  /** `false` turns multiplexing off (one TCP connection per call). Default `true`. */
  readonly multiplex?: boolean;
  /** The ssh program; default `ssh` from PATH. */
  readonly sshProgram?: string;
  /** Largest stdout kept, bytes; more fails with kind `output-too-large`. Default 256 MiB. */
  readonly maxOutputBytes?: number;
}

/** The bytes and exit code one remote command produced. */
export interface SshExecResult {
  readonly exitCode: number;
  readonly stdout: Uint8Array;
  readonly stderr: string;
}

/** One controller: runs remote argv over ssh and counts its invocations (one round trip each). */
export interface SshConnection {
  readonly destination: string;
  /**
   * Runs `argv` on the controller (quoted for the remote shell), feeding `stdin` when given.
   * Resolves the remote exit code and output. Rejects with {@link SshError} when ssh itself failed
   * (exit 255: host key, authentication, unreachable) or `timeoutMs` passed (kind `timeout`).
   */
  exec(
    argv: readonly string[],
    options?: { readonly stdin?: Uint8Array | string; readonly timeoutMs?: number; readonly cwd?: string },
  ): Promise<SshExecResult>;
  /** How many ssh processes this connection has started: the round trips so far. */
  invocations(): number;
  /** Closes the ControlMaster (`ssh -O exit`), if any. Never rejects. */
  close(): Promise<void>;
}

/** The ssh(1) argv (without the remote command) for these options: safety options first, `--` last. */
export function sshArgv(options: SshConnectionOptions, controlPath: string | null): string[] {
  const argv = [
    "-T",
    "-o",
    "BatchMode=yes",
    "-o",
    `StrictHostKeyChecking=${options.strictHostKeyChecking ?? "yes"}`,
    "-o",
    `ConnectTimeout=${Math.max(1, Math.round(options.connectTimeoutSec ?? 10))}`,
    "-o",
    "ServerAliveInterval=15",
    "-o",
    "ServerAliveCountMax=2",
    "-o",
    "LogLevel=ERROR",
  ];
  if (options.configFile !== undefined) argv.unshift("-F", options.configFile);
  if (options.port !== undefined) argv.push("-p", String(options.port));
  if (options.identityFile !== undefined) argv.push("-i", options.identityFile, "-o", "IdentitiesOnly=yes");
  if (options.knownHostsFile !== undefined) {
    argv.push("-o", `UserKnownHostsFile=${options.knownHostsFile}`, "-o", "GlobalKnownHostsFile=/dev/null");
  }
  if (controlPath !== null) {
    argv.push("-o", "ControlMaster=auto", "-o", `ControlPath=${controlPath}`, "-o", "ControlPersist=60");
  }
  return argv;
}

/** The one string the remote shell runs for `argv` (and an optional working directory). */
export function remoteCommand(argv: readonly string[], cwd?: string): string {
  const command = quote([...argv]);
  return cwd === undefined ? command : `cd ${quote([cwd])} && ${command}`;
}

function classify(stderr: string): SshFailureKind {
  if (
    /host key verification failed|remote host identification has changed|no .* host key is known/i.test(
      stderr,
    )
  ) {
    return "host-key";
  }
  if (/permission denied|too many authentication failures|no supported authentication/i.test(stderr)) {
    return "auth";
  }
  return "unreachable";
}

const FAILURE_HINT: Readonly<Record<SshFailureKind, string>> = {
  "host-key":
    "the host key is unknown or CHANGED; verify the controller's key and update known_hosts (never disable checking)",
  auth: "authentication failed in batch mode; load the key into ssh-agent or set IdentityFile in ~/.ssh/config",
  unreachable: "the controller cannot be reached; check the name, the network and that sshd runs",
  timeout: "no answer in time; the controller or the network is slow or down",
  "output-too-large": "the remote command printed more than the adapter keeps",
};

/**
 * Creates a connection to one controller. Validates the destination (throws `INVALID_NAME`);
 * makes the private control folder. No network traffic until the first `exec`.
 */
export function createSshConnection(options: SshConnectionOptions): SshConnection {
  const destination = validateDestination(options.destination);
  const program = options.sshProgram ?? "ssh";
  const maxOutput = options.maxOutputBytes ?? 256 * 1024 * 1024;
  let controlPath: string | null = null;
  if (options.multiplex !== false) {
    const dir = options.controlDir ?? mkdtempSync(join(tmpdir(), "atvm-ssh-"));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    controlPath = join(dir, "%C"); // %C: a hash of host, port and user, short enough for sun_path
  }
  const base = sshArgv(options, controlPath);
  let count = 0;

  const exec: SshConnection["exec"] = (argv, execOptions) => {
    count += 1;
    const args = [...base, "--", destination, remoteCommand(argv, execOptions?.cwd)];
    return new Promise((resolve, reject) => {
      const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"], shell: false });
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = "";
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        child.kill("SIGKILL");
        reject(error);
      };
      const timer =
        execOptions?.timeoutMs === undefined
          ? null
          : setTimeout(
              () =>
                fail(
                  new SshError(
                    "timeout",
                    destination,
                    `[ssh ${destination}] no answer within ${execOptions.timeoutMs} ms: ${FAILURE_HINT.timeout}`,
                  ),
                ),
              execOptions.timeoutMs,
            );
      child.stdout.on("data", (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > maxOutput) {
          fail(
            new SshError(
              "output-too-large",
              destination,
              `[ssh ${destination}] output over ${maxOutput} bytes: ${FAILURE_HINT["output-too-large"]}`,
            ),
          );
          return;
        }
        out.push(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        if (err.length < 64 * 1024) err += chunk.toString("utf8");
      });
      child.on("error", (cause) => {
        if (timer !== null) clearTimeout(timer);
        if (settled) return;
        settled = true;
        reject(
          new AtvmError(
            "COMMAND_FAILED_TO_START",
            `[ssh] cannot start ${JSON.stringify(program)} (${(cause as NodeJS.ErrnoException).code ?? cause.message}); install the OpenSSH client`,
            { cause },
          ),
        );
      });
      child.on("close", (code, signal) => {
        if (timer !== null) clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (code === 255) {
          const kind = classify(err);
          // The line that says what happened, not OpenSSH's "@@@@" banner around a changed key.
          const lines = err
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== "" && !/^@+$/.test(l));
          const first =
            lines.find((l) =>
              /host key verification failed|identification has changed|permission denied|connection refused|could not resolve|timed out/i.test(
                l,
              ),
            ) ??
            lines[0] ??
            "";
          reject(new SshError(kind, destination, `[ssh ${destination}] ${first}: ${FAILURE_HINT[kind]}`));
          return;
        }
        resolve({
          exitCode: code ?? 128 + (signal === "SIGKILL" ? 9 : 15),
          stdout: new Uint8Array(Buffer.concat(out)),
          stderr: err,
        });
      });
      child.stdin.on("error", () => {}); // the remote side may exit before reading stdin
      child.stdin.end(execOptions?.stdin ?? "");
    });
  };

  return {
    destination,
    exec,
    invocations: () => count,
    async close() {
      if (controlPath === null) return;
      await new Promise<void>((resolve) => {
        const child = spawn(program, [...base, "-O", "exit", "--", destination], { stdio: "ignore" });
        child.on("error", () => resolve());
        child.on("close", () => resolve());
      });
    },
  };
}
