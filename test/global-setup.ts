// vitest globalSetup: build every package's dist ONCE before any test file runs, and only when a
// dist is missing or older than its package's sources (CI builds first in .ci/run, so this is a
// no-op there). Tests that spawn the built CLI or import built output (bin.test.ts, docs.test.ts,
// the consumer example) rely on it instead of building from inside a test.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const repo = join(import.meta.dirname, "..");

function newest(dir: string): number {
  let at = 0;
  if (!existsSync(dir)) return at;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    at = Math.max(at, statSync(join(dir, name)).mtimeMs);
  }
  return at;
}

/** Packages with a build script whose dist is missing or older than their sources (or any workspace source, for the CLI bundle). */
export function staleBuilds(): string[] {
  const packages = readdirSync(join(repo, "packages")).filter((pkg) => {
    const manifest = join(repo, "packages", pkg, "package.json");
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).scripts?.build !== undefined;
  });
  const sources = Math.max(...packages.map((pkg) => newest(join(repo, "packages", pkg, "src"))));
  return packages.filter((pkg) => {
    const dist = join(repo, "packages", pkg, "dist");
    if (!existsSync(dist) || readdirSync(dist).length === 0) return true;
    const built = Math.min(...readdirSync(dist).map((name) => statSync(join(dist, name)).mtimeMs));
    return built < sources;
  });
}

export default function setup(): void {
  const stale = staleBuilds();
  if (stale.length === 0) return;
  execFileSync("npm", ["run", "build", "--workspaces", "--if-present"], { cwd: repo, stdio: "ignore" });
}
