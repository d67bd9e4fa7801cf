/**
 * A real OpenSSH server on loopback for the ssh adapter's tests: its own host key, its own user key
 * in an authorized_keys file, its own known_hosts, on an ephemeral 127.0.0.1 port. Nothing of the
 * machine's ssh setup is read or changed (`-f` config file, `-F` client config per test).
 *
 * `findSshd()` says why it cannot run (no sshd, no ssh-keygen); callers skip locally with that
 * reason and FAIL in CI (`CI=true`), where .ci/run installs openssh-server.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

const SSHD_CANDIDATES = ["/usr/sbin/sshd", "/usr/local/sbin/sshd", "/usr/bin/sshd"];

/** The sshd binary, or a reason it cannot be used. */
export function findSshd(): { readonly sshd: string } | { readonly missing: string } {
  const sshd = SSHD_CANDIDATES.find((p) => existsSync(p));
  if (sshd === undefined) return { missing: "sshd not found (apt-get install openssh-server)" };
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { missing: "ssh-keygen not found" };
  }
  return { sshd };
}

/** A running loopback sshd and the client files that reach it. */
export interface LoopbackSshd {
  readonly port: number;
  readonly user: string;
  /** `user@127.0.0.1` */
  readonly destination: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
  /** A known_hosts that names a DIFFERENT key for the server: a changed host key. */
  readonly wrongKnownHostsFile: string;
  readonly dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function keygen(path: string): void {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path], { stdio: "ignore" });
}

/** Starts sshd on 127.0.0.1 (foreground, `-D`), waits until it accepts connections. */
export async function startLoopbackSshd(sshd: string): Promise<LoopbackSshd> {
  const dir = mkdtempSync(join(tmpdir(), "atvm-sshd-"));
  const user = userInfo().username;
  keygen(join(dir, "host_key"));
  keygen(join(dir, "other_host_key"));
  keygen(join(dir, "user_key"));
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "user_key.pub")), { mode: 0o600 });
  const port = await freePort();
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // privilege-separation folder (Debian)
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PubkeyAuthentication yes",
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      "UsePAM no",
      `PidFile ${join(dir, "sshd.pid")}`,
      "MaxStartups 50",
      "MaxSessions 50",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  const hostPub = readFileSync(join(dir, "host_key.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
  const otherPub = readFileSync(join(dir, "other_host_key.pub"), "utf8")
    .trim()
    .split(" ")
    .slice(0, 2)
    .join(" ");
  writeFileSync(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${hostPub}\n`);
  writeFileSync(join(dir, "wrong_known_hosts"), `[127.0.0.1]:${port} ${otherPub}\n`);
  const child: ChildProcess = spawn(sshd, ["-D", "-e", "-f", join(dir, "sshd_config")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${stderr}`);
    try {
      execFileSync(
        "ssh",
        [
          "-T",
          "-o",
          "BatchMode=yes",
          "-o",
          `UserKnownHostsFile=${join(dir, "known_hosts")}`,
          "-o",
          "StrictHostKeyChecking=yes",
          "-i",
          join(dir, "user_key"),
          "-p",
          String(port),
          "--",
          `${user}@127.0.0.1`,
          "true",
        ],
        { stdio: "ignore", timeout: 5000 },
      );
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`sshd did not accept connections: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    user,
    destination: `${user}@127.0.0.1`,
    identityFile: join(dir, "user_key"),
    knownHostsFile: join(dir, "known_hosts"),
    wrongKnownHostsFile: join(dir, "wrong_known_hosts"),
    dir,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 50));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
