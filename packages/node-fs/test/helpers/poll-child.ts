// Polls one automation root with the real collector and prints the result as JSON on stdout.
// Run under `setpriv --reuid=65534 …` so permission bits apply (root bypasses EACCES).
// argv: <root> [extraRoot]
import { createCollector, DEFAULT_LAYOUT } from "@atvm-watch/engine";
import { createNodeFsSource } from "../../src/source.ts";

const [root, extra] = process.argv.slice(2) as [string, string | undefined];
const source = createNodeFsSource({ root, ...(extra !== undefined ? { extraRoots: [extra] } : {}) });
const layout = {
  ...DEFAULT_LAYOUT,
  "runner-log": extra === undefined ? [] : [`${extra}/{build}.log`],
  "launch-log": [],
};
const result = await createCollector(source, layout).poll({ build: "e2e-0327", now: 1 });
const listing = await source.list("cypress/cmcReporter");
process.stdout.write(JSON.stringify({ result, listing }));
