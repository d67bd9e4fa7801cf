/**
 * Reads the VM inventory `vm-inventory.md`: Markdown (GFM) tables naming each fleet host's distro,
 * version and kernel. Kernel values in the status come from here (W10). Pure.
 */

import { HOST_NAME_PATTERN } from "./hosts.ts";
import type { ArtifactMeta, InventoryEntry, InventoryObservation, ParseResult } from "./types.ts";

/**
 * Parses every Markdown table of `text` and merges their host rows.
 *
 * A table is a header row, a separator row (`---`, `:---:`, leading/trailing pipes optional) and
 * data rows. Header cells name the columns, case-insensitively: `host`/`hostname`/`vm`/`vm name`/
 * `name`/`machine` → host; `distro`/`distribution`/`os` → distro; `version`/`release`/`os version`
 * → version; anything containing `kernel` → kernel; other columns are ignored. Cells lose
 * backticks and `**`; blank, `-`, `—` and `n/a` cells are `null`. A row whose host cell is not
 * a host (a known host from `meta.knownHosts`, else a fleet-shaped name `atvm<N>-…`) is skipped.
 * A host in several rows or tables is merged field by field: a later non-null value wins and a
 * blank never erases an earlier value, so a second table can add kernels to the first.
 *
 * Returns one `InventoryObservation` (entries in first-seen order) or, when no table has a host
 * column, an `empty` (blank file) or `malformed` issue. Never throws.
 */
export function parseVmInventory(text: string, meta: ArtifactMeta): ParseResult<InventoryObservation> {
  const file = meta.path;
  if (text.trim() === "") {
    return { observations: [], issues: [{ file, kind: "empty", problem: `VM inventory ${file} is empty` }] };
  }
  const lines = text.split(/\r?\n/);
  const entries = new Map<string, InventoryEntry>();
  let tablesWithHost = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = splitRow(lines[i] as string);
    const sep = splitRow(lines[i + 1] as string);
    if (header === null || sep === null || !isSeparator(sep)) continue;
    const columns = header.map(columnOf);
    const hostCol = columns.indexOf("host");
    i += 2;
    if (hostCol >= 0) tablesWithHost++;
    for (; i < lines.length; i++) {
      const row = splitRow(lines[i] as string);
      if (row === null) break;
      if (hostCol < 0) continue;
      const host = cellValue(row[hostCol]);
      if (host === null || !isHost(host, meta.knownHosts)) continue;
      const field = (name: Column): string | null => {
        const at = columns.indexOf(name);
        return at < 0 ? null : cellValue(row[at]);
      };
      const before = entries.get(host);
      entries.set(host, {
        host,
        distro: field("distro") ?? before?.distro ?? null,
        version: field("version") ?? before?.version ?? null,
        kernel: field("kernel") ?? before?.kernel ?? null,
      });
    }
    i--; // the loop's i++ revisits the line that ended the table
  }
  if (tablesWithHost === 0) {
    return {
      observations: [],
      issues: [
        {
          file,
          kind: "malformed",
          problem: `VM inventory ${file} has no Markdown table with a host column (host, vm or name)`,
        },
      ],
    };
  }
  return { observations: [{ kind: "inventory", file, entries: [...entries.values()] }], issues: [] };
}

// --- internal helpers ---

type Column = "host" | "distro" | "version" | "kernel" | "other";

function columnOf(cell: string): Column {
  const name = cell.replace(/[`*_]/g, "").trim().toLowerCase().replace(/\s+/g, " ");
  if (name.includes("kernel")) return "kernel";
  if (/^(os )?(version|release)$/.test(name)) return "version";
  if (/^(distro|distribution|os|os family)$/.test(name)) return "distro";
  if (/^(host|host ?name|vm|vm ?name|vm host|name|machine)$/.test(name)) return "host";
  return "other";
}

/** Cells of a table row (escaped `\|` kept as `|`), or `null` when the line is not a row. */
function splitRow(line: string): string[] | null {
  const t = line.trim();
  if (!t.includes("|")) return null;
  const cells: string[] = [];
  let cell = "";
  for (let i = 0; i < t.length; i++) {
    const c = t.charAt(i);
    if (c === "\\" && t.charAt(i + 1) === "|") {
      cell += "|";
      i++;
    } else if (c === "|") {
      cells.push(cell);
      cell = "";
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  if (t.startsWith("|")) cells.shift();
  if (t.endsWith("|") && !t.endsWith("\\|")) cells.pop();
  return cells.map((c) => c.trim());
}

function isSeparator(cells: readonly string[]): boolean {
  return cells.length > 0 && cells.every((c) => /^:?-{1,}:?$/.test(c));
}

function cellValue(cell: string | undefined): string | null {
  if (cell === undefined) return null;
  const v = cell.replace(/`/g, "").replace(/\*\*/g, "").trim();
  return v === "" || v === "-" || v === "—" || v.toLowerCase() === "n/a" ? null : v;
}

function isHost(value: string, knownHosts: readonly string[] | undefined): boolean {
  if (knownHosts !== undefined && knownHosts.length > 0 && knownHosts.includes(value)) return true;
  return HOST_NAME_PATTERN.test(value);
}
