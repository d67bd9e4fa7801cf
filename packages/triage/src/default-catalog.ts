/**
 * The default signature catalog shipped as data (`packages/triage/data/signatures.json`), for the
 * failures this fleet has (seeds and fixtures: ssh permission denied, no IP / power-on, datastore,
 * migration-session errors, renderer and Test Runner crashes, Cypress "Timed out retrying" …).
 * Operators replace it with their own file (`atvm triage --signatures FILE`).
 */
import signatures from "../data/signatures.json" with { type: "json" };
import { type Catalog, loadCatalog } from "./catalog.ts";

/** The shipped catalog, validated and compiled once. */
export const DEFAULT_CATALOG: Catalog = loadCatalog(signatures, "packages/triage/data/signatures.json");
