// Adds package-lock entries for optional platform packages (esbuild, rollup, biome binaries for
// other OSes) that the registry mirror on these machines does not serve. Without them `npm ci`
// refuses the lock ("Missing: @biomejs/cli-darwin-arm64 from lock file"). Run after `npm install`:
//   node scripts/fill-lock-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2] ?? "package-lock.json";
const lock = JSON.parse(readFileSync(file, "utf8"));
const pk = lock.packages;
const OS = [
  "android",
  "darwin",
  "freebsd",
  "linux",
  "openbsd",
  "netbsd",
  "sunos",
  "win32",
  "aix",
  "openharmony",
  "cygwin",
];
const CPU = [
  "arm64",
  "x64",
  "ia32",
  "arm",
  "loong64",
  "mips64el",
  "ppc64",
  "riscv64",
  "s390x",
  "wasm32",
  "mipsel",
  "ppc",
];
let added = 0;
for (const [path, entry] of Object.entries(pk)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === "" ? "" : `${path}/`;
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((c) => pk[c])) continue;
    const parts = name.split("/").pop().split("-");
    const os = parts.find((p) => OS.includes(p)) ?? (parts.includes("win32") ? "win32" : undefined);
    const cpu = parts.find((p) => CPU.includes(p));
    if (!os && !cpu) continue;
    const e = { version: range.replace(/^[\^~=]/, ""), dev: entry.dev, optional: true };
    if (os) e.os = [os];
    if (cpu) e.cpu = [cpu];
    if (parts.includes("musl")) e.libc = ["musl"];
    else if (os === "linux" && parts.includes("gnu")) e.libc = ["glibc"];
    if (!entry.dev) delete e.dev;
    pk[`node_modules/${name}`] = e;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pk).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} entries`);
