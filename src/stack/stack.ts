/**
 * The local stack: an S3-compatible server (s3rver, in this process), a MongoDB-compatible database
 * (FerretDB with SQLite as a child process, or the user's MongoDB/DocumentDB via --mongo-url) and the
 * reference pipeline, all on loopback. Data persists under the stack directory; a state file there
 * (stack.json) lets `stack status`, `stack env` and `stack down` find a running stack.
 */
import { rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { MongoClient, type Db } from "mongodb";
import { makeS3Client } from "../s3/client.js";
import { ensureDir } from "../util/fs.js";
import { UserError } from "../cli/errors.js";
import { ensureFerretDb, startFerretDb, waitForMongo, type RunningFerretDb } from "./ferretdb.js";
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY, startLocalS3, type LocalS3 } from "./s3-server.js";
import { Pipeline } from "./pipeline/pipeline.js";
import { ensureIndexes } from "./pipeline/store.js";
import { databaseOf, processAlive, readState, stateFile, type StackState } from "./state.js";

export { DEFAULT_DATABASE, DEFAULT_STACK_DIR, databaseOf, envLines, processAlive, readState, stateFile, type StackState } from "./state.js";

export interface StackOptions {
  dir: string;
  s3Port?: number;
  mongoPort?: number;
  /** Use this MongoDB/DocumentDB instead of starting FerretDB. */
  mongoUrl?: string;
  glueStartupMs: number;
  maxConcurrentRuns: number;
  /** The ETL's "today": dates of service after it are rejected as future. */
  today: string;
  log: (line: string) => void;
}

export interface RunningStack {
  state: StackState;
  db: Db;
  pipeline: Pipeline;
  stop(): Promise<void>;
}

/** The URL with the database name in its path (as `stack env` prints it). */
export function withDatabase(url: string, database: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?([^?]*)(\?.*)?$/.exec(url);
  if (!m) return url;
  return `${m[1]}/${m[2] || database}${m[3] ?? ""}`;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const dir = resolve(options.dir);
  const running = readState(dir);
  if (running && running.pid !== process.pid && processAlive(running.pid)) {
    throw new UserError(`a stack is already running from ${dir} (pid ${running.pid}): use hcsynth stack down --dir ${options.dir}`);
  }
  await ensureDir(dir);
  let ferret: RunningFerretDb | null = null;
  let mongoUrl: string;
  if (options.mongoUrl) {
    mongoUrl = options.mongoUrl;
    await waitForMongo(mongoUrl, 10_000).catch((error: unknown) => {
      throw new UserError(`--mongo-url: cannot reach the database (${(error as Error).message})`);
    });
  } else {
    const binary = await ensureFerretDb(options.log);
    ferret = await startFerretDb({ binary, directory: join(dir, "db"), port: options.mongoPort, logFile: join(dir, "ferretdb.log") });
    mongoUrl = ferret.url;
  }
  const database = databaseOf(mongoUrl);
  const client = new MongoClient(mongoUrl);
  let s3: LocalS3 | null = null;
  let pipeline: Pipeline | null = null;
  try {
    await client.connect();
    const db = client.db(database);
    await ensureIndexes(db);
    // the pipeline needs the S3 client, which needs the server's port: events arriving before are queued by recovery
    let onEvent: (r: Parameters<Pipeline["onEvent"]>[0]) => void = () => undefined;
    s3 = await startLocalS3({ directory: join(dir, "s3"), port: options.s3Port, onEvent: (r) => onEvent(r) });
    const s3Client = makeS3Client({ endpoint: s3.endpoint, region: LOCAL_REGION, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
    const p = new Pipeline(db, s3Client, { maxConcurrentRuns: options.maxConcurrentRuns, glueStartupMs: options.glueStartupMs, etl: { today: options.today }, log: options.log });
    pipeline = p;
    onEvent = (r) => p.onEvent(r);
    await p.recover();
    p.start();
    const state: StackState = {
      pid: process.pid,
      dir,
      s3Endpoint: s3.endpoint,
      mongoUrl: withDatabase(mongoUrl, database),
      database,
      ferretdbPid: ferret?.pid ?? null,
      startedAt: new Date().toISOString(),
      options: { glueStartupMs: options.glueStartupMs, maxConcurrentRuns: options.maxConcurrentRuns, today: options.today, externalDatabase: !ferret },
    };
    await writeFile(`${stateFile(dir)}.partial`, JSON.stringify(state, null, 2) + "\n");
    await import("node:fs/promises").then((fs) => fs.rename(`${stateFile(dir)}.partial`, stateFile(dir)));
    const localS3 = s3;
    let stopping: Promise<void> | null = null;
    return {
      state,
      db,
      pipeline: p,
      stop() {
        stopping ??= (async () => {
          await p.stop();
          await localS3.close();
          await client.close();
          await ferret?.stop();
          await rm(stateFile(dir), { force: true });
        })();
        return stopping;
      },
    };
  } catch (error) {
    await pipeline?.stop(0);
    await s3?.close().catch(() => undefined);
    await client.close().catch(() => undefined);
    await ferret?.stop();
    throw error;
  }
}
