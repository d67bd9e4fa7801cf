export {
  type Catalog,
  CatalogSchema,
  type CompiledSignature,
  FAILURE_CLASSES,
  type FailureClass,
  loadCatalog,
  type MatchInput,
  matchSignature,
  REPLAY_POLICIES,
  type ReplayPolicy,
  SIGNATURES_SCHEMA_ID,
  type SignatureEntry,
  SignatureSchema,
} from "./catalog.ts";
export { DEFAULT_CATALOG } from "./default-catalog.ts";
export {
  DIFF_SCHEMA_ID,
  type DiffFailure,
  type DiffNotRun,
  type DiffOptions,
  DiffSchema,
  type DiffVerdict,
  diffRuns,
  type RunDiff,
} from "./diff.ts";
export {
  baseClassOf,
  type DigestEvidence,
  type DigestSignature,
  digestHost,
  digestRun,
  type FailureDigest,
} from "./digest.ts";
export { type FlakyHost, flakyHosts } from "./flaky.ts";
export {
  DEFAULT_INCIDENT_MIN_HOSTS,
  DEFAULT_INCIDENT_WINDOW_MS,
  detectIncidents,
  type Incident,
  type IncidentOptions,
} from "./incident.ts";
export { type PostTriageData, postTriage } from "./post.ts";
export { digestLine, flakyLine, incidentLine, renderDiffText, renderTriageText } from "./render.ts";
export {
  type CtrfReport,
  TRIAGE_SCHEMA_ID,
  type TriageReport,
  TriageSchema,
  toCtrf,
  triageReport,
} from "./report.ts";
export { readArtifact, triageJsonSchemas } from "./schemas.ts";
export {
  type RunSummary,
  SUMMARY_SCHEMA_ID,
  type SummaryHost,
  SummarySchema,
  summarizeRun,
} from "./summary.ts";
