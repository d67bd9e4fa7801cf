import type { ArtifactMeta, Observation, ParseIssue, ParseResult } from "@atvm-watch/artifacts";
import { describe, expect, it } from "vitest";
import {
  type CollectParsers,
  createCollector,
  DEFAULT_LAYOUT,
  type RunnerLogStateLike,
} from "../src/collect.ts";
import { AtvmError, isAtvmError } from "../src/errors.ts";
import type { ArtifactEntry, ArtifactSource } from "../src/ports.ts";

/** A tiny in-memory ArtifactSource with read counters (relative and absolute paths). */
function memorySource(initial: Record<string, string> = {}) {
  const files = new Map<string, { bytes: Uint8Array; mtimeMs: number }>();
  let clock = 1_000;
  const reads: string[] = [];
  const put = (path: string, text: string) => {
    clock += 1;
    files.set(path, { bytes: new TextEncoder().encode(text), mtimeMs: clock });
  };
  for (const [p, t] of Object.entries(initial)) put(p, t);
  const entry = (path: string): ArtifactEntry => {
    const f = files.get(path);
    if (f === undefined) throw new Error(path);
    return { path, sizeBytes: f.bytes.length, mtimeMs: f.mtimeMs };
  };
  const source: ArtifactSource = {
    name: "memory",
    async list(dir) {
      const prefix = dir === "" ? "" : `${dir.replace(/\/$/, "")}/`;
      const entries = [...files.keys()]
        .filter((p) => p.startsWith(prefix) && (dir !== "" || !p.startsWith("/")))
        .sort()
        .map(entry);
      return { entries, issues: [] };
    },
    async read(path, offset = 0, maxBytes) {
      const f = files.get(path);
      if (f === undefined) throw new AtvmError("ARTIFACT_NOT_FOUND", `no ${path}`);
      reads.push(path);
      return f.bytes.slice(offset, maxBytes === undefined ? undefined : offset + maxBytes);
    },
    async stat(path) {
      return files.has(path) ? entry(path) : null;
    },
  };
  return {
    source,
    put,
    append: (path: string, text: string) =>
      put(path, new TextDecoder().decode(files.get(path)?.bytes) + text),
    remove: (path: string) => files.delete(path),
    reads,
  };
}

/**
 * Test parsers with a readable toy format, so the collector's bookkeeping is what is tested:
 * a result file is `host=<h>;state=<s>;END` (no `END` = still being written → `incomplete`);
 * a log line `url <u>` is a run-url observation; the log state is the byte offset after the last newline.
 */
const calls: string[] = [];
const toyParsers: CollectParsers = {
  junit: (text, meta) => toyResult(text, meta, "junit"),
  reporterJson: (text, meta) => toyResult(text, meta, "mochawesome"),
  cypressConfig: (text, meta) => {
    calls.push(`config:${meta.path}`);
    return {
      observations: [
        {
          kind: "cypress-config",
          file: meta.path,
          specPattern: [],
          hosts: text.split(",").filter(Boolean),
          currentVm: null,
        },
      ],
      issues: [],
    };
  },
  inventory: (text, meta) => {
    calls.push(`inventory:${meta.path}`);
    const entries = text
      .split("\n")
      .filter(Boolean)
      .map((host) => ({ host, distro: null, version: null, kernel: null }));
    return { observations: [{ kind: "inventory", file: meta.path, entries }], issues: [] };
  },
  shellHistory: (_text, meta) => {
    calls.push(`history:${meta.path}`);
    return { observations: [], issues: [] };
  },
  runnerLogChunk: (chunk, meta, previous: RunnerLogStateLike | null) => {
    calls.push(`log:${meta.path}@${previous?.offset ?? 0}`);
    if (previous !== null && (meta.sizeBytes ?? 0) < previous.offset) {
      const issue: ParseIssue = { file: meta.path, kind: "truncated-log", problem: "shrank" };
      return { observations: [], issues: [issue], state: { offset: 0 }, restartFromZero: true };
    }
    const text = new TextDecoder().decode(chunk);
    const end = text.lastIndexOf("\n") + 1;
    const observations: Observation[] = text
      .slice(0, end)
      .split("\n")
      .filter((l) => l.startsWith("url "))
      .map((l) => ({
        kind: "run-url",
        url: l.slice(4),
        file: meta.path,
        line: 0,
        at: meta.readAtMs ?? null,
      }));
    return {
      observations,
      issues: [],
      state: { offset: (previous?.offset ?? 0) + end },
      restartFromZero: false,
    };
  },
};

function toyResult(
  text: string,
  meta: ArtifactMeta,
  source: "junit" | "mochawesome",
): ParseResult<Observation> {
  calls.push(`${source}:${meta.path}`);
  if (!text.endsWith("END")) {
    const issue: ParseIssue = { file: meta.path, kind: "incomplete", problem: "no END" };
    return { observations: [], issues: [issue] };
  }
  const host = /host=([^;]+)/.exec(text)?.[1] ?? null;
  const known = meta.knownHosts?.includes(host ?? "") ?? false;
  return {
    observations: [
      {
        kind: "host-result",
        source,
        file: meta.path,
        host: known ? host : null,
        hostEvidence: known ? "file-name" : null,
        spec: null,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        counts: { total: 1, passed: text.includes("state=pass") ? 1 : 0, failed: 0, skipped: 0 },
        testcases: [],
        mtimeMs: meta.mtimeMs ?? null,
      },
    ],
    issues: [],
  };
}

const XML = "cypress/cmcReporter/xml";
const opts = { parsers: toyParsers, homeDir: "/root" };

describe("createCollector over an in-memory source", () => {
  it("dispatches the seed controller layout to the right parser by kind", async () => {
    const mem = memorySource({
      [`${XML}/test-result-0a1b.xml`]: "host=atvm41-redhat6.0;state=pass;END",
      "cypress/cmcReporter/redhat/xml/test-result-9f.xml": "host=atvm7-ubuntu24.04;state=pass;END",
      "cypress/cmcReporter/logs/atvm41-redhat6.0/run.json": "host=atvm41-redhat6.0;state=pass;END",
      "cypress/cmcReporter/mochawesome/mochawesome.json": "host=atvm41-redhat6.0;state=pass;END",
      "cypress/e2e/generated/atvm41-redhat6.0.cy.ts": "// spec",
      "cypress/e2e/generated/atvm7-ubuntu24.04.cy.ts": "// spec",
      "cypress.atvm-config-gold.ts": "atvm9-centos7.0",
      "vm-inventory.md": "atvm50-suse15.0\n",
      "/root/.bash_history": "python3 run-sorry-cypress.py --build_name e2e-1\n",
      "/tmp/e2e-1.log": "url https://cloud/run/1\n",
      "/tmp/e2e-1.launch.log": "generated 2 specs\n",
      "cypress/cmcReporter/xml/notes.txt": "not an artifact",
    });
    calls.length = 0;
    const result = await createCollector(mem.source, DEFAULT_LAYOUT, opts).poll({ build: "e2e-1", now: 5 });
    expect(result.files.junit.map((e) => e.path)).toEqual([
      "cypress/cmcReporter/redhat/xml/test-result-9f.xml",
      `${XML}/test-result-0a1b.xml`,
    ]);
    expect(result.files["reporter-json"]).toHaveLength(2);
    expect(result.files["generated-spec"]).toHaveLength(2);
    expect(result.files["launch-log"].map((e) => e.path)).toEqual(["/tmp/e2e-1.launch.log"]);
    expect(result.files["shell-history"].map((e) => e.path)).toEqual(["/root/.bash_history"]);
    expect(calls.filter((c) => c.startsWith("junit:"))).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith("mochawesome:"))).toHaveLength(2);
    expect(calls).toContain("log:/tmp/e2e-1.log@0");
    expect(calls).toContain("history:/root/.bash_history");
    expect(result.knownHosts).toEqual([
      "atvm41-redhat6.0",
      "atvm50-suse15.0",
      "atvm7-ubuntu24.04",
      "atvm9-centos7.0",
    ]);
    expect(result.observations.find((o) => o.kind === "run-url")).toMatchObject({
      url: "https://cloud/run/1",
      at: 5,
    });
    expect(result.stats).toEqual({ files: 12 - 1, reread: 8, bytesRead: expect.any(Number) });
  });

  it("re-reads only files whose size or mtime changed and keeps the observations of the others", async () => {
    const mem = memorySource({
      [`${XML}/test-result-a.xml`]: "host=atvm1-a;state=pass;END",
      [`${XML}/test-result-b.xml`]: "host=atvm2-b;state=pass;END",
    });
    const collector = createCollector(mem.source, DEFAULT_LAYOUT, {
      ...opts,
      knownHosts: ["atvm1-a", "atvm2-b"],
    });
    const first = await collector.poll();
    expect(first.stats.reread).toBe(2);
    const second = await collector.poll();
    expect(second.stats).toMatchObject({ reread: 0, bytesRead: 0 });
    expect(second.observations).toEqual(first.observations);
    mem.put(`${XML}/test-result-b.xml`, "host=atvm2-b;state=fail;END"); // same size, new mtime
    const third = await collector.poll();
    expect(third.stats.reread).toBe(1);
    expect(third.observations).toHaveLength(2);
    mem.remove(`${XML}/test-result-a.xml`);
    expect((await collector.poll()).observations).toHaveLength(1);
  });

  it("reads the runner log from the consumed byte offset and restarts from 0 when it shrank", async () => {
    const log = "/tmp/e2e-7.log";
    const mem = memorySource({ [log]: "url https://c/1\nurl https://c/2\npartial" });
    const collector = createCollector(mem.source, DEFAULT_LAYOUT, opts);
    calls.length = 0;
    const first = await collector.poll({ build: "e2e-7" });
    expect(first.observations.filter((o) => o.kind === "run-url")).toHaveLength(2);
    mem.append(log, " line\nurl https://c/3\n");
    const second = await collector.poll({ build: "e2e-7" });
    expect(calls).toEqual(["log:/tmp/e2e-7.log@0", "log:/tmp/e2e-7.log@32"]);
    calls.length = 0;
    expect(second.stats.bytesRead).toBe("partial line\nurl https://c/3\n".length + 61); // + the head bytes: the whole 61-byte log (< 64)
    expect(
      second.observations.filter((o) => o.kind === "run-url").map((o) => (o.kind === "run-url" ? o.url : "")),
    ).toEqual(["https://c/1", "https://c/2", "https://c/3"]);
    expect((await collector.poll({ build: "e2e-7" })).stats.reread).toBe(0);
    mem.put(log, "url https://c/9\n"); // rotated: shorter than the consumed offset
    const fourth = await collector.poll({ build: "e2e-7" });
    expect(fourth.observations.filter((o) => o.kind === "run-url")).toHaveLength(1);
    expect(fourth.issues.map((i) => i.kind)).toEqual(["truncated-log"]);
    expect(calls).toEqual(["log:/tmp/e2e-7.log@61", "log:/tmp/e2e-7.log@0"]);
  });

  it("reports a file whose size changed since the previous poll as settling, not as an issue, and keeps its last good result", async () => {
    const path = `${XML}/test-result-c.xml`;
    const mem = memorySource({ [path]: "host=atvm1-a;state=pass;END" });
    const collector = createCollector(mem.source, DEFAULT_LAYOUT, { ...opts, knownHosts: ["atvm1-a"] });
    const first = await collector.poll();
    mem.put(path, "host=atvm1-a;state=fail;"); // mid-rewrite: truncated
    const second = await collector.poll();
    expect(second.settling).toEqual([path]);
    expect(second.issues).toEqual([]);
    expect(second.observations).toEqual(first.observations);
    const third = await collector.poll(); // unchanged since, but marked stale: read again
    expect(third.stats.reread).toBe(1);
    expect(third.settling).toEqual([]);
    expect(third.issues.map((i) => i.kind)).toEqual(["incomplete"]); // it stopped changing: really incomplete
    mem.put(path, "host=atvm1-a;state=fail;END");
    const fourth = await collector.poll();
    expect(fourth.settling).toEqual([path]);
    expect(fourth.issues).toEqual([]);
    expect(fourth.observations).toHaveLength(1);
  });

  it("a new file that is incomplete on first sight is an incomplete issue (it has no previous size)", async () => {
    const mem = memorySource({ [`${XML}/test-result-d.xml`]: "host=x;" });
    const result = await createCollector(mem.source, DEFAULT_LAYOUT, opts).poll();
    expect(result.settling).toEqual([]);
    expect(result.issues.map((i) => i.kind)).toEqual(["incomplete"]);
  });

  it("re-parses results when the known hosts change (a host becomes recoverable)", async () => {
    const mem = memorySource({ [`${XML}/test-result-e.xml`]: "host=atvm3-c;state=pass;END" });
    const collector = createCollector(mem.source, DEFAULT_LAYOUT, opts);
    const first = await collector.poll();
    expect(first.observations[0]).toMatchObject({ host: null });
    mem.put("cypress/e2e/generated/atvm3-c.cy.ts", "// spec");
    const second = await collector.poll();
    expect(second.stats.reread).toBe(1);
    expect(second.observations[0]).toMatchObject({ host: "atvm3-c" });
  });

  it("skips {build} patterns until the build is known and ~/ patterns without a home", async () => {
    const mem = memorySource({ "/tmp/b.log": "url u\n", "/root/.bash_history": "x" });
    const result = await createCollector(mem.source, DEFAULT_LAYOUT, { parsers: toyParsers }).poll();
    expect(result.stats.files).toBe(0);
  });

  it("refuses a build name that is unsafe in a path (docs/safety.md, Paths and names)", async () => {
    const collector = createCollector(memorySource().source, DEFAULT_LAYOUT, opts);
    const error = await collector.poll({ build: "../../etc/passwd" }).catch((e: unknown) => e);
    expect(isAtvmError(error) && error.code).toBe("INVALID_NAME");
  });

  it("marks files over the size bound too-large without reading them", async () => {
    const mem = memorySource({ [`${XML}/test-result-big.xml`]: "x".repeat(100) });
    const result = await createCollector(mem.source, DEFAULT_LAYOUT, { ...opts, maxFileBytes: 10 }).poll();
    expect(result.issues.map((i) => i.kind)).toEqual(["too-large"]);
    expect(mem.reads).toEqual([]);
  });

  it("incremental bookkeeping: after every change a kept collector answers what a fresh one answers (issue 11, P3)", async () => {
    const mem = memorySource({
      [`${XML}/test-result-a.xml`]: "host=atvm1-a;state=pass;END",
      [`${XML}/test-result-b.xml`]: "host=atvm2-b;state=pass;END",
      "cypress/cmcReporter/mochawesome/m.json": "host=atvm1-a;state=pass;END",
      "/root/.bash_history": "python3 run-sorry-cypress.py --build_name e2e-1\n",
    });
    // A fixed path inside a listed folder: the fixed kind wins while the file exists.
    const layout = { ...DEFAULT_LAYOUT, inventory: [`${XML}/test-result-z.xml`] };
    const kept = createCollector(mem.source, layout, { ...opts, knownHosts: ["atvm1-a", "atvm2-b"] });
    const strip = (r: Awaited<ReturnType<typeof kept.poll>>) => ({ ...r, stats: { files: r.stats.files } });
    const steps: (() => void)[] = [
      () => {},
      () => mem.put(`${XML}/test-result-c.xml`, "host=atvm2-b;state=fail;END"),
      () => mem.put(`${XML}/test-result-a.xml`, "host=atvm1-a;state=fail;END"),
      () => mem.put(`${XML}/test-result-z.xml`, "atvm3-c\n"),
      () => {},
      () => mem.remove(`${XML}/test-result-z.xml`),
      () => mem.remove(`${XML}/test-result-b.xml`),
      () => mem.put("cypress/cmcReporter/mochawesome/n.json", "host=atvm1-a;"),
      () => {},
    ];
    for (const [i, step] of steps.entries()) {
      step();
      if (i % 2 === 1) await kept.poll({ kinds: ["shell-history"] }); // a partial poll in between
      const fresh = createCollector(mem.source, layout, { ...opts, knownHosts: ["atvm1-a", "atvm2-b"] });
      const want = await fresh.poll({ build: "e2e-1" });
      const got = await kept.poll({ build: "e2e-1" });
      expect(strip(got), `step ${i}`).toEqual({ ...strip(want), settling: got.settling });
      if (got.settling.length === 0) expect(got.issues, `step ${i}`).toEqual(want.issues);
    }
  });

  it("a partial poll (kinds) reads only those kinds and keeps the others' cache", async () => {
    const mem = memorySource({
      [`${XML}/test-result-a.xml`]: "host=atvm1-a;state=pass;END",
      "/root/.bash_history": "python3 run-sorry-cypress.py --build_name e2e-1\n",
    });
    const collector = createCollector(mem.source, DEFAULT_LAYOUT, opts);
    await collector.poll();
    calls.length = 0;
    mem.put("/root/.bash_history", "python3 run-sorry-cypress.py --build_name e2e-2\n");
    const partial = await collector.poll({ kinds: ["shell-history"] });
    expect(partial.files.junit).toEqual([]);
    expect(partial.observations.every((o) => o.kind === "invocation")).toBe(true);
    expect(calls).toEqual(["history:/root/.bash_history"]);
    const full = await collector.poll();
    expect(full.stats.reread).toBe(0); // the XML's cache survived the partial poll
    expect(full.files.junit).toHaveLength(1);
  });
});
