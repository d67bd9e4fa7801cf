/**
 * Shared loopback sshd for the ssh adapter's test files: one server per file (started in
 * `beforeAll`), skipped locally with a printed reason when sshd is missing, a failure in CI.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { createSshConnection, type SshConnection, type SshConnectionOptions } from "../src/connection.ts";
import { findSshd, type LoopbackSshd, startLoopbackSshd } from "./sshd.ts";

const found = findSshd();
if ("missing" in found) {
  if (process.env.CI === "true")
    throw new Error(`ssh adapter tests need a real sshd in CI: ${found.missing}`);
  console.warn(`[ssh tests] skipped: ${found.missing}`);
}

/** `describe` that runs only with a real sshd (never skipped in CI: the import above throws there). */
export const describeSsh: typeof describe = (
  "missing" in found ? describe.skip : describe
) as typeof describe;

/** Starts one sshd for the calling file; `server()` returns it inside tests. */
export function useSshd(): {
  server: () => LoopbackSshd;
  connect: (extra?: Partial<SshConnectionOptions>) => SshConnection;
} {
  let sshd: LoopbackSshd | undefined;
  const opened: SshConnection[] = [];
  beforeAll(async () => {
    if ("sshd" in found) sshd = await startLoopbackSshd(found.sshd);
  }, 30_000);
  afterAll(async () => {
    for (const c of opened) await c.close();
    await sshd?.stop();
  });
  const server = (): LoopbackSshd => {
    if (sshd === undefined) throw new Error("sshd not started");
    return sshd;
  };
  return {
    server,
    connect: (extra = {}) => {
      const s = server();
      const connection = createSshConnection({
        destination: s.destination,
        port: s.port,
        identityFile: s.identityFile,
        knownHostsFile: s.knownHostsFile,
        configFile: "/dev/null",
        ...extra,
      });
      opened.push(connection);
      return connection;
    },
  };
}
