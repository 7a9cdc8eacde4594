/**
 * Builds a run's observers from the command line's settings: the landed and query observers against
 * the pipeline's database (the local stack's, or --mongo-url), the Glue observer against the local
 * stack's job runs or AWS Glue. The database connection is shared and closed after they stop.
 */
import { MongoClient, type Db } from "mongodb";
import { claim, claimTypeOf, householdHeadOf, memberId, npiForProvider, type FileSpec } from "../../generators/index.js";
import { iterationFile, type Scenario } from "../../scenarios/index.js";
import type { ObservedRun } from "../run/run.js";
import { processAlive, readState } from "../stack/stack.js";
import { resolveMongoTarget } from "../target/mongo-target.js";
import { UserError } from "../cli/errors.js";
import { LandedObserver, type NaturalKeys } from "./landed-observer.js";
import type { Observer, ObserverName, UploadedFile } from "./observer.js";
import { QueryObserver } from "./query-observer.js";
import { AwsGlueRunSource } from "./glue/aws-source.js";
import { GlueObserver } from "./glue/glue-observer.js";
import { LocalGlueRunSource } from "./glue/local-source.js";
import type { QueryParameters } from "./queries.js";

export { OBSERVER_NAMES, type ObserverName } from "./observer.js";

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
  /** AWS Glue: the job to watch (without it, the local stack's etl_job_runs in the observed database). */
  glueJob?: string;
  glueRegion?: string;
  glueEndpoint?: string;
  /** The job argument naming the S3 key (default --s3_key). */
  glueKeyArgument?: string;
  /** Glue runs from this time on are the run's (default: from now). */
  since?: Date;
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
    // the ID alone (household head and position), not the whole member: a seventh of the time
    for (let i = spec.firstIndex; i <= spec.lastIndex; i++) {
      const head = householdHeadOf(run.world, i);
      values.push(memberId(run.world, head, i - head));
    }
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
  const names = settings.observe;
  if (names.length === 0) return { observers: [], close: async () => undefined };
  const since = settings.since ?? new Date(Date.now() - 1000);
  const observers: Observer[] = [];
  const closers: (() => Promise<void>)[] = [];
  let database: Db | undefined;
  const needsDb = names.includes("landed") || names.includes("queries") || (names.includes("glue") && !settings.glueJob);
  if (needsDb) {
    let mongoUrl = settings.mongoUrl;
    if (!mongoUrl && run.target.startedStack) mongoUrl = run.target.startedStack.state.mongoUrl;
    if (!mongoUrl) {
      const state = readState(settings.stackDir);
      if (state && processAlive(state.pid)) mongoUrl = state.mongoUrl;
    }
    if (!mongoUrl) throw new UserError(`--observe ${names.join(",")}: no database to observe (give --mongo-url, or run against the local stack; for AWS Glue give --glue-job)`);
    // observing only reads, but the same allow-list keeps a typo from pointing at production
    const target = resolveMongoTarget({ mongoUrl, db: settings.db, allowDatabases: settings.allowDatabases, stackDir: settings.stackDir });
    const client = new MongoClient(target.url, { serverSelectionTimeoutMS: 5_000 });
    closers.push(() => client.close());
    database = client.db(target.database);
  }
  if (names.includes("glue")) {
    const keyArgument = settings.glueKeyArgument;
    if (settings.glueJob) {
      const source = new AwsGlueRunSource({ jobName: settings.glueJob, region: settings.glueRegion ?? run.target.description.region ?? "us-east-1", since, ...(settings.glueEndpoint ? { endpoint: settings.glueEndpoint } : {}), ...(keyArgument ? { keyArgument } : {}) });
      closers.push(async () => source.close());
      observers.push(new GlueObserver({ source, pollMs: settings.pollMs }));
    } else {
      observers.push(new GlueObserver({ source: new LocalGlueRunSource({ db: database!, since, ...(keyArgument ? { keyArgument } : {}) }), pollMs: settings.pollMs }));
    }
  }
  if (names.includes("landed")) observers.push(new LandedObserver({ db: database!, pollMs: settings.pollMs, keysOf: (f) => keysOf(run, f) }));
  if (names.includes("queries")) observers.push(new QueryObserver({ db: database!, rates: settings.queryRates, parametersOf: (f) => parametersOf(run, f) }));
  return {
    observers,
    close: async () => {
      for (const c of closers) await c();
    },
    ...(database ? { db: database } : {}),
  };
}
