import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAtvmError } from "@atvm-watch/engine";
import { afterAll, expect, it } from "vitest";
import { createSshRunner, createSshSource } from "../src/adapters.ts";
import { createSshConnection, isSshError, sshArgv, validateDestination } from "../src/connection.ts";
import { describeSsh, useSshd } from "./setup.ts";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "atvm-ssh-"));
  made.push(root);
  return root;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

it("hostile host strings are refused before any ssh process starts", () => {
  for (const hostile of [
    "-oProxyCommand=touch /tmp/pwned",
    "root@-oProxyCommand=id",
    "host`id`",
    "host$(id)",
    "a;b",
    "two words",
    "",
    "ssh://root@host",
    "root@",
    "@host",
  ]) {
    let error: unknown;
    try {
      createSshConnection({ destination: hostile });
    } catch (e) {
      error = e;
    }
    expect(isAtvmError(error) && error.code, hostile).toBe("INVALID_NAME");
  }
  for (const fine of ["controller-12", "root@10.0.0.5", "ci_user@ctl.example.org", "fe80::1"]) {
    expect(validateDestination(fine)).toBe(fine);
  }
});

it("the ssh argv keeps batch mode, host-key checking and ends its options before the destination", () => {
  const argv = sshArgv({ destination: "root@ctl" }, "/run/x/%C");
  expect(argv).toContain("BatchMode=yes");
  expect(argv).toContain("StrictHostKeyChecking=yes");
  expect(argv).toContain("ControlMaster=auto");
  expect(argv.some((a) => a.startsWith("StrictHostKeyChecking=no"))).toBe(false);
});

describeSsh("ssh adapter against a real sshd on 127.0.0.1", () => {
  const { server, connect } = useSshd();

  it("one poll of a remote controller is ONE ssh round trip: listings plus the changed bytes", async () => {
    const root = tempRoot();
    mkdirSync(join(root, "cypress/cmcReporter/xml"), { recursive: true });
    mkdirSync(join(root, "cypress/cmcReporter/mochawesome"), { recursive: true });
    writeFileSync(join(root, "cypress/cmcReporter/xml/test-result-a.xml"), "<testsuites/>");
    writeFileSync(join(root, "cypress/cmcReporter/mochawesome/m.json"), "{}");
    const logDir = tempRoot();
    writeFileSync(join(logDir, "build.log"), "line one\nline two\n");
    const connection = connect();
    const source = createSshSource(connection, { root, extraRoots: [logDir] });
    const before = connection.invocations();
    const first = await source.pollBatch({
      dirs: ["cypress/cmcReporter/xml", "cypress/cmcReporter/mochawesome", logDir],
    });
    expect(connection.invocations() - before).toBe(1);
    expect(first.listings.map((l) => l.entries.map((e) => e.path))).toEqual([
      ["cypress/cmcReporter/xml/test-result-a.xml"],
      ["cypress/cmcReporter/mochawesome/m.json"],
      [join(logDir, "build.log")],
    ]);
    expect(
      new TextDecoder().decode(first.contents.get("cypress/cmcReporter/xml/test-result-a.xml")?.bytes),
    ).toBe("<testsuites/>");

    // Second poll: only the log grew; unchanged files are not sent, the log from its offset.
    writeFileSync(join(logDir, "build.log"), "line one\nline two\nline three\n");
    const known = new Map(first.listings.flatMap((l) => l.entries.map((e) => [e.path, e] as const)));
    const logPath = join(logDir, "build.log");
    const second = await source.pollBatch({
      dirs: ["cypress/cmcReporter/xml", "cypress/cmcReporter/mochawesome", logDir],
      known,
      offsets: new Map([[logPath, "line one\nline two\n".length]]),
    });
    expect(connection.invocations() - before).toBe(2);
    expect([...second.contents.keys()]).toEqual([logPath]);
    expect(new TextDecoder().decode(second.contents.get(logPath)?.bytes)).toBe("line three\n");
  });

  it("a symlink that leaves the root is never read through, and is reported", async () => {
    const root = tempRoot();
    const outside = tempRoot();
    writeFileSync(join(outside, "secret.txt"), "do not print");
    mkdirSync(join(root, "logs"));
    symlinkSync(join(outside, "secret.txt"), join(root, "logs/leak.json"));
    writeFileSync(join(root, "logs/ok.json"), "{}");
    const source = createSshSource(connect(), { root });
    const listed = await source.list("logs");
    expect(listed.entries.map((e) => e.path)).toEqual(["logs/ok.json"]);
    expect(listed.issues.map((i) => [i.path, i.code])).toEqual([["logs/leak.json", "SYMLINK_OUTSIDE"]]);
    const error = await caught(source.read("logs/leak.json"));
    expect(isAtvmError(error) && error.code).toBe("INVALID_PATH");
    const polled = await source.pollBatch({ dirs: ["logs"] });
    expect(polled.listings[0]?.issues).toEqual([["logs/leak.json", "SYMLINK_OUTSIDE"]]);
    expect([...polled.contents.keys()]).toEqual(["logs/ok.json"]);
  });

  it("a FIFO planted where a file should be never hangs the poll, and a non-UTF-8 name is listed escaped", async () => {
    const root = tempRoot();
    mkdirSync(join(root, "xml"));
    execFileSync("mkfifo", [join(root, "xml/test-result-fifo.xml")]);
    writeFileSync(Buffer.from(`${root}/xml/test-result-\xff.xml`, "latin1"), "<testsuites/>");
    const source = createSshSource(connect(), { root });
    const error = await caught(source.read("xml/test-result-fifo.xml"));
    expect(isAtvmError(error) && error.code).toBe("INVALID_PATH");
    const listing = await source.list("xml");
    expect(listing.entries.map((e) => e.path)).toEqual(["xml/test-result-\\xff.xml"]);
    const polled = await source.pollBatch({ dirs: ["xml"] });
    expect(new TextDecoder().decode(polled.contents.get("xml/test-result-\\xff.xml")?.bytes)).toBe(
      "<testsuites/>",
    );
  });

  it("a changed host key is refused as an ssh failure of kind host-key, never a result", async () => {
    const connection = connect({ knownHostsFile: server().wrongKnownHostsFile });
    const error = await caught(createSshRunner(connection).run(["true"]));
    expect(isSshError(error) && error.kind).toBe("host-key");
    const listing = await caught(createSshSource(connection, { root: "/tmp" }).list("."));
    expect(isSshError(listing) && listing.kind).toBe("host-key");
  });

  it("an unreachable controller is an ssh failure of kind unreachable (kept apart from a hung run)", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 1));
      });
    });
    const connection = connect({ port, connectTimeoutSec: 3, multiplex: false });
    const error = await caught(createSshRunner(connection).run(["true"]));
    expect(isSshError(error) && error.kind).toBe("unreachable");
    expect(String((error as Error).message)).toContain("cannot be reached");
  });

  it("remote argv is quoted word by word: metacharacters reach the program literally", async () => {
    const marker = join(tempRoot(), "pwned");
    const runner = createSshRunner(connect());
    const result = await runner.run([
      "printf",
      "%s\\n",
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      "; touch x",
    ]);
    expect(result.stdout).toBe(`$(touch ${marker})\n\`touch ${marker}\`\n; touch x\n`);
    const stat = await createSshSource(connect(), { root: "/", extraRoots: [] }).stat(marker);
    expect(stat).toBeNull();
  });
});
