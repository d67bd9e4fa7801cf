#!/usr/bin/env node
// `npm run check:packages`: every workspace package's manifest and types, as a consumer sees them
// after `npm run build`. publint (https://publint.dev) checks `exports`/`files`/`types` against the
// packed tarball; `@arethetypeswrong/cli` (https://arethetypeswrong.github.io) resolves the types
// the way Node 16+ ESM and bundlers do (profile esm-only: these packages are ESM only, on purpose).
// A library package must pass both; an app (private, with a bin) only publint. Exit 1 on any failure.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const repo = join(import.meta.dirname, "..");
let failed = 0;
for (const name of readdirSync(join(repo, "packages")).sort()) {
  const dir = join(repo, "packages", name);
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  } catch {
    continue;
  }
  const checks = [["publint", "--strict"]];
  if (manifest.bin === undefined)
    checks.push(["attw", "--pack", ".", "--profile", "esm-only", "--format", "ascii"]);
  for (const [tool, ...args] of checks) {
    const r = spawnSync("npx", ["--no-install", tool, ...args], { cwd: dir, encoding: "utf8" });
    const out = `${r.stdout}${r.stderr}`;
    // publint exits 0 on warnings; --strict turns them into errors, and "All good!" is its clean verdict.
    const ok = r.status === 0 && (tool !== "publint" || out.includes("All good!"));
    console.log(`${ok ? "ok  " : "FAIL"} ${manifest.name} ${tool}`);
    if (!ok) {
      failed += 1;
      console.log(out.trim());
    }
  }
}
if (failed > 0) {
  console.log(`check:packages: ${failed} check(s) failed`);
  process.exit(1);
}
