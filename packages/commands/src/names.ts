/**
 * Allow-lists for every operator-given name before it reaches a path, a systemd unit name or a
 * command (the OWASP input-validation rule "allow-list, do not deny-list"; systemd.unit(5) for
 * unit-name characters). A leading `-` is never allowed, so no name can be read as an option
 * (the class of git CVE-2017-1000117 and OpenSSH `-oProxyCommand=` injection). Pure.
 */
import { AtvmError } from "@atvm-watch/engine";

/** One allow-listed kind of name: its pattern and the allowed form in words (shown in errors). */
export interface NameRule {
  readonly pattern: RegExp;
  readonly form: string;
}

/**
 * The allow-lists, by what the name is used for.
 * - `build`: `--build_name`, the systemd instance (`atvm-run-watcher@<build>.service`), the state
 *   folder `/var/lib/atvm-run-watcher/<build>` and `/tmp/<build>.log`: 1–57 characters (an escaped
 *   instance stays well inside systemd's 255-byte unit-name limit), so `.` and `..` are out.
 * - `host`: a VM name `atvm<N>-<distro><version>`, e.g. `atvm41-redhat6.0`.
 * - `hostPattern`: a `--containsVm` / `--exclude_partial_match` fragment, e.g. `redhat9.7`.
 * - `template`: `--template_name`, e.g. `cmc-e2e`, `systemOS`.
 * - `configFile`: `--config_file`, a file name in the automation root, e.g. `cypress.atvm-config-gold.ts`.
 * - `option`: `--integration_type` / `--use_specified_plugin` values, e.g. `pure`, `iscsi`, `fc`.
 * - `root`: the controller's automation root, an absolute path, e.g. `/root/cdc-e2e-cyp-12.17.4`.
 * - `path`: a controller-side folder or program of our own (the watcher state root, `atvm.js`),
 *   absolute; hidden folders such as `~/.local` allowed, `.` and `..` segments never.
 * - `controller`: the plan witness's controller label, e.g. `root@192.168.3.190:/root/cdc-e2e-cyp-12.17.4`.
 * - `version`: the tool version in the plan witness, e.g. `0.1.0`.
 */
export const NAME_RULES: {
  readonly build: NameRule;
  readonly host: NameRule;
  readonly hostPattern: NameRule;
  readonly template: NameRule;
  readonly configFile: NameRule;
  readonly option: NameRule;
  readonly root: NameRule;
  readonly path: NameRule;
  readonly controller: NameRule;
  readonly version: NameRule;
} = {
  build: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,56}$/,
    form: "1-57 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit (e.g. e2e-redhat9.7-0327)",
  },
  host: {
    pattern: /^atvm[0-9]{1,6}-[A-Za-z][A-Za-z0-9._-]{0,62}$/,
    form: "atvm<N>-<distro><version> (e.g. atvm41-redhat6.0)",
  },
  hostPattern: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    form: "1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit (e.g. redhat9.7)",
  },
  template: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    form: "1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit (e.g. cmc-e2e)",
  },
  configFile: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(ts|js|mjs|cjs|json)$/,
    form: "a file name in the automation root ending in .ts/.js/.mjs/.cjs/.json, no folder (e.g. cypress.atvm-config-gold.ts)",
  },
  option: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/,
    form: "1-32 characters of A-Z a-z 0-9 _ -, starting with a letter or digit (e.g. iscsi)",
  },
  root: {
    pattern: /^(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,127}){1,16}$/,
    form: "an absolute path of folders named A-Z a-z 0-9 . _ - (e.g. /root/cdc-e2e-cyp-12.17.4)",
  },
  path: {
    pattern: /^(\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]{1,128}){1,32}$/,
    form: "an absolute path of folders named A-Z a-z 0-9 . _ -, no . or .. segment (e.g. /root/.local/state/atvm-watch/watcher)",
  },
  controller: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9@._:/-]{0,199}$/,
    form: "1-200 characters of A-Z a-z 0-9 @ . _ : / - (e.g. root@192.168.3.190:/root/cdc-e2e-cyp-12.17.4)",
  },
  version: {
    pattern: /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/,
    form: "a version such as 0.1.0 (1-64 characters of A-Z a-z 0-9 . + -)",
  },
};

/** The kinds of name {@link checkName} knows. */
export type NameKind = keyof typeof NAME_RULES;

/**
 * Returns `value` when it matches the allow-list of `kind` (see {@link NAME_RULES}); throws
 * `AtvmError` `INVALID_NAME` naming `what` (e.g. `--build_name`), the value (JSON-quoted, so
 * blanks and control characters show) and the allowed form. No rule admits a `.` or `..` path
 * segment or a leading `-`.
 */
export function checkName(kind: NameKind, value: string, what: string): string {
  const rule = NAME_RULES[kind];
  if (!rule.pattern.test(value)) {
    throw new AtvmError("INVALID_NAME", `${what} ${JSON.stringify(value)} is not allowed; use ${rule.form}`);
  }
  return value;
}
