// A consuming script: imports the libraries by package name, the way a script outside this repo
// would after `npm install @atvm-watch/…`. Node resolves each package's `exports` with its default
// conditions, so this runs the BUILT output (packages/*/dist), never the TypeScript sources.
//
//   npm run build && node examples/consumer-script/status-of-flat-run.mjs [root]
//
// It parses one JUnit file directly, then renders the status of examples/flat-run through
// engine (collect, locate, scope, reconstruct) + status (render) + node-fs (the folder reader).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseJunitXml } from "@atvm-watch/artifacts";
import {
  createCollector,
  DEFAULT_LAYOUT,
  locateRun,
  reconstruct,
  resolveScope,
  runnerActivity,
  selectorFromInvocation,
} from "@atvm-watch/engine";
import { createNodeFsSource } from "@atvm-watch/node-fs";
import { renderText, toStatusJson } from "@atvm-watch/status";

const root = resolve(process.argv[2] ?? join(import.meta.dirname, "../flat-run"));

// 1. One parser on its own: a host-named JUnit file of the example.
const xmlPath = join(root, "cypress/cmcReporter/xml/test-result-atvm9-redhat9.7.xml");
const junit = parseJunitXml(readFileSync(xmlPath, "utf8"), { path: xmlPath });
const hostResult = junit.observations.find((o) => o.kind === "host-result");
console.log(
  `junit: ${hostResult?.host ?? "?"} passed=${hostResult?.counts.passed ?? "?"} failed=${hostResult?.counts.failed ?? "?"}`,
);

// 2. The whole run. The example keeps its runner log and history inside the folder.
const layout = {
  ...DEFAULT_LAYOUT,
  "runner-log": ["tmp/{build}.log"],
  "launch-log": ["tmp/{build}.launch.log"],
  "shell-history": [".bash_history"],
};
const collector = createCollector(createNodeFsSource({ root }), layout, {
  decode: (bytes) => new TextDecoder().decode(bytes),
});
// A fixed "now" well after the run ended, with no live runner: the run is read from its artifacts.
const now = Date.parse("2026-03-28T00:00:00Z");
const first = await collector.poll({ now });
const invocations = first.observations.filter((o) => o.kind === "invocation");
const location = locateRun({ processes: [], invocations });
if (location === null) throw new Error(`no run found in ${root}`);
const polled = await collector.poll({ build: location.build, now });
const config = polled.observations.filter((o) => o.kind === "cypress-config").at(-1);
const scope = resolveScope({
  generatedSpecs: polled.files["generated-spec"].map((e) => e.path),
  ...(config === undefined ? {} : { specPatternHosts: config.hosts }),
  ...(location.templateInvocation === undefined
    ? {}
    : { selector: selectorFromInvocation(location.templateInvocation) }),
  knownHosts: polled.knownHosts,
});
const snapshot = reconstruct(scope, polled.observations, {
  build: location.build,
  now,
  runStartMs: location.runStartMs,
  knownHosts: polled.knownHosts,
  activity: runnerActivity([], null),
  issues: polled.issues,
  categorized: location.categorized,
});
const json = toStatusJson(snapshot, { zone: "UTC" });
console.log(`build: ${json.build}`);
console.log(`state: ${json.state}`);
for (const host of json.hosts) console.log(`host: ${host.host} ${host.status}`);
console.log("--- text ---");
console.log(renderText(snapshot, { zone: "UTC" }));
