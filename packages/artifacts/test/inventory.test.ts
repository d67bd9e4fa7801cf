import { describe, expect, it } from "vitest";
import { parseVmInventory } from "../src/inventory.ts";

const meta = { path: "atvm/inventory/vm-inventory.md" };

const INVENTORY = `# ATVM inventory

Hosts used by the ATVM automation. Kernel values are what \`uname -r\` printed at the last refresh.

| VM | OS | Version | Kernel | IP | Notes |
|:---|:--:|--------:|--------|----|-------|
| \`atvm41-redhat6.0\` | RHEL | 6.0 | 2.6.32-71.el6.x86_64 | 10.20.30.41 | blacklisted |
| atvm7-ubuntu24.04 | Ubuntu | 24.04 | 6.8.0-31-generic | 10.20.30.7 | |
| **atvm144-suse15.0** | SLES | 15.0 |  | 10.20.30.144 | kernel unknown |
| Windows hosts | | | | | see below |

## Windows

VM | Distro | Version | Kernel
---|---|---|---
atvm201-w2k25 | Windows Server | 2025 | -
`;

describe("parseVmInventory", () => {
  it("W10 reads host, distro, version and kernel from Markdown tables", () => {
    const r = parseVmInventory(INVENTORY, meta);
    expect(r.issues).toEqual([]);
    expect(r.observations).toEqual([
      {
        kind: "inventory",
        file: "atvm/inventory/vm-inventory.md",
        entries: [
          { host: "atvm41-redhat6.0", distro: "RHEL", version: "6.0", kernel: "2.6.32-71.el6.x86_64" },
          { host: "atvm7-ubuntu24.04", distro: "Ubuntu", version: "24.04", kernel: "6.8.0-31-generic" },
          { host: "atvm144-suse15.0", distro: "SLES", version: "15.0", kernel: null },
          { host: "atvm201-w2k25", distro: "Windows Server", version: "2025", kernel: null },
        ],
      },
    ]);
  });

  it("W10 merges a second table that only adds kernels, and accepts a known non-fleet-shaped host", () => {
    const text = `| Host name | Distribution |
| --- | --- |
| atvm9-debian12 | Debian |
| lab-ctl | Rocky |

| host | kernel version |
| - | - |
| atvm9-debian12 | 6.1.0-18-amd64 |
| lab-ctl | 5.14.0 |
`;
    const r = parseVmInventory(text, { ...meta, knownHosts: ["lab-ctl"] });
    expect(r.observations[0]?.entries).toEqual([
      { host: "atvm9-debian12", distro: "Debian", version: null, kernel: "6.1.0-18-amd64" },
      { host: "lab-ctl", distro: "Rocky", version: null, kernel: "5.14.0" },
    ]);
  });

  it("handles escaped pipes, CRLF and rows shorter than the header", () => {
    const text =
      "| vm | kernel | notes |\r\n|---|---|---|\r\n| atvm3-oracle8.9 | 5.15.0-uek \\| 4.18 |\r\n| atvm4-centos7.9 |\r\n";
    const r = parseVmInventory(text, meta);
    expect(r.observations[0]?.entries).toEqual([
      { host: "atvm3-oracle8.9", distro: null, version: null, kernel: "5.15.0-uek | 4.18" },
      { host: "atvm4-centos7.9", distro: null, version: null, kernel: null },
    ]);
  });

  it("a file without a host table is malformed; a blank file is empty", () => {
    const r = parseVmInventory("# Inventory\n\n| Disk | Size |\n|---|---|\n| sda | 40G |\n", meta);
    expect(r.observations).toEqual([]);
    expect(r.issues[0]).toMatchObject({
      kind: "malformed",
      problem: expect.stringContaining("no Markdown table"),
    });
    expect(parseVmInventory("\n\n", meta).issues[0]?.kind).toBe("empty");
  });
});
