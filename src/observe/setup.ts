/**
 * Builds a run's observers from the command line's settings: the landed and query observers against
 * the pipeline's database (the local stack's, or --mongo-url), the Glue observer against the local
 * stack's job runs or AWS Glue. The database connection is shared and closed after they stop.
 */
import { MongoClient, type Db } from "mongodb";
import { claim, claimTypeOf, member, npiForProvider, type FileSpec } from "../../generators/index.js";
import { iterationFile, type Scenario } from "../../scenarios/index.js";
import type { ObservedRun } from "../run/run.js";
import { processAlive, readState } from "../stack/stack.js";
import { resolveMongoTarget } from "../target/mongo-target.js";
import { UserError } from "../cli/errors.js";
import { LandedObserver, type NaturalKeys } from "./landed-observer.js";
import type { Observer, UploadedFile } from "./observer.js";
import { QueryObserver } from "./query-observer.js";
import type { QueryParameters } from "./queries.js";

export const OBSERVER_NAMES = ["landed", "queries"] as const;
export type ObserverName = (typeof OBSERVER_NAMES)[number];

export interface ObserveSettings {
  observe: ObserverName[];
  /** The pipeline's database; default: the local stack's. */
  mongoUrl?: string;
  db?: string;
  allowDatabases: readonly string[];
  stackDir: string;
  /** Query name → rate per second. */
  queryRates?: Record<string, number>;
  pollMs?: number;
}

export interface BuiltObservers {
  observers: Observer[];
  close(): Promise<void>;
  /** The database observed (the run waits there for its reference data). */
  db?: Db;
}

function iterationFileSpecOf(scenario: Scenario, iteration: number, runId: string): FileSpec {
  return iterationFile(scenario, iteration, runId).spec;
}

/** The natural keys of an eligibility or provider file's records (they can be reloaded by a later file, moving their lineage). */
function keysOf(run: ObservedRun, file: UploadedFile): NaturalKeys | null {
  const spec = iterationFileSpecOf(run.scenario, file.iteration, run.runId);
  if (file.kind === "eligibility") {
    const values: string[] = [];
    for (let i = spec.firstIndex; i <= spec.lastIndex; i++) values.push(member(run.world, i).memberId);
    return { field: "memberId", values };
  }
  if (file.kind === "providers") {
    const values: string[] = [];
    for (let i = spec.firstIndex; i <= spec.lastIndex; i++) values.push(npiForProvider(i));
    return { field: "npi", values };
  }
  return null;
}

/** A few claims of an uploaded claims file (of the file's claim type for X12), as query parameters. */
function parametersOf(run: ObservedRun, file: UploadedFile): QueryParameters[] {
  if (file.kind !== "claims") return [];
  const spec = iterationFileSpecOf(run.scenario, file.iteration, run.runId);
  const wanted = file.format === "x12-837p" ? "professional" : file.format === "x12-837i" ? "institutional" : null;
  const out: QueryParameters[] = [];
  const span = spec.lastIndex - spec.firstIndex + 1;
  for (let k = 0; k < 8 && out.length < 4; k++) {
    const i = spec.firstIndex + Math.floor((k * span) / 8);
    if (wanted && claimTypeOf(run.world, "claims", i) !== wanted) continue;
    const c = claim(run.world, i);
    out.push({ memberId: c.memberId, claimId: c.claimId, billingNpi: c.billingNpi, serviceDate: run.world.dates.isoDate(c.statementFrom) });
  }
  return out;
}

export async function buildObservers(settings: ObserveSettings, run: ObservedRun): Promise<BuiltObservers> {
  if (settings.observe.length === 0) return { observers: [], close: async () => undefined };
  let mongoUrl = settings.mongoUrl;
  if (!mongoUrl && run.target.startedStack) mongoUrl = run.target.startedStack.state.mongoUrl;
  if (!mongoUrl) {
    const state = readState(settings.stackDir);
    if (state && processAlive(state.pid)) mongoUrl = state.mongoUrl;
  }
  if (!mongoUrl) throw new UserError(`--observe ${settings.observe.join(",")}: no database to observe (give --mongo-url, or run against the local stack)`);
  // observing only reads, but the same allow-list keeps a typo from pointing at production
  const db = resolveMongoTarget({ mongoUrl, db: settings.db, allowDatabases: settings.allowDatabases, stackDir: settings.stackDir });
  const client = new MongoClient(db.url, { serverSelectionTimeoutMS: 5_000 });
  const database = client.db(db.database);
  const observers: Observer[] = [];
  if (settings.observe.includes("landed")) observers.push(new LandedObserver({ db: database, pollMs: settings.pollMs, keysOf: (f) => keysOf(run, f) }));
  if (settings.observe.includes("queries")) observers.push(new QueryObserver({ db: database, rates: settings.queryRates, parametersOf: (f) => parametersOf(run, f) }));
  return { observers, close: () => client.close(), db: database };
}
