/**
 * Which database a command writes to: the local stack's (found through its state file) or one given
 * by URL. A database that is not the local stack's must pass the database allow-list.
 */
import { UserError } from "../cli/errors.js";
import { databaseOf, processAlive, readState } from "../stack/state.js";
import { requireAllowed } from "./allow-list.js";
import { redactUrl } from "./redact.js";

export interface MongoTargetOptions {
  mongoUrl?: string;
  /** The database name; default: the URL's path, else "hcsynth". */
  db?: string;
  allowDatabases: readonly string[];
  stackDir: string;
}

export interface ResolvedMongoTarget {
  url: string;
  database: string;
  /** The URL without credentials, for logs and reports. */
  display: string;
  localStack: boolean;
}

export function resolveMongoTarget(options: MongoTargetOptions): ResolvedMongoTarget {
  const state = readState(options.stackDir);
  const stackUrl = state && processAlive(state.pid) ? state.mongoUrl : null;
  const url = options.mongoUrl ?? stackUrl;
  if (!url) throw new UserError(`no --mongo-url given and no local stack is running from ${options.stackDir} (start one with: hcsynth stack up --detach)`);
  if (!/^mongodb(\+srv)?:\/\//.test(url)) throw new UserError(`--mongo-url ${JSON.stringify(redactUrl(url))}: expected a mongodb:// or mongodb+srv:// URL`);
  if (options.db !== undefined && !/^[^/\\. "$\0]{1,63}$/.test(options.db)) throw new UserError(`--db ${JSON.stringify(options.db)}: not a valid database name`);
  const database = options.db ?? databaseOf(url);
  const localStack = stackUrl !== null && url === stackUrl && (options.db === undefined || options.db === databaseOf(stackUrl));
  if (!localStack) requireAllowed("database", database, options.allowDatabases, "--allow-db", (m) => new UserError(m));
  return { url, database, display: redactUrl(url), localStack };
}
