/**
 * Loads the NDJSON files of a generated set straight into MongoDB/DocumentDB, for QA seeding without
 * the pipeline. Records are parsed, validated and shaped by the reference pipeline's ETL
 * (src/stack/etl), into the same collections with the same natural keys and indexes
 * (src/stack/pipeline/store.ts), so either path gives the same documents; invalid records are counted
 * as rejected and not loaded, as the pipeline would. Reference checks against the database (member
 * and provider known, date inside an eligibility span) are the pipeline's, not seed's.
 *
 * Idempotent on natural keys, and written for FerretDB/SQLite, where an update or upsert is a full
 * collection scan while inserts and `find({key: {$in: [...]}})` are fast: per batch, the documents
 * already there are found by key; the missing ones are inserted (unordered); those whose content
 * differs are replaced (delete by key, then insert); the rest are left alone.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { MongoClient, type Db, type Document } from "mongodb";
import { UserError } from "../cli/errors.js";
import { analyze, extract, type LoadDoc } from "../stack/etl/index.js";
import { ensureIndexes, groupKeys, NATURAL_KEYS, type TargetCollection } from "../stack/pipeline/store.js";
import { readFileSet, type SetFile } from "../push/files.js";
import { resolveMongoTarget } from "../target/mongo-target.js";
import { redactMessage } from "../target/redact.js";

import { SEED_DEFAULTS } from "./defaults.js";

export { SEED_DEFAULTS } from "./defaults.js";

export interface SeedOptions {
  /** A directory (with or without manifest.json) or a manifest.json. */
  source: string;
  /** Default: the running local stack's database. */
  mongoUrl?: string;
  db?: string;
  allowDatabases: readonly string[];
  stackDir: string;
  batchSize?: number;
  /** The ETL's "today" (dates of service after it are rejected as future). */
  today?: string;
  onStart?: (records: number) => void;
  onRecords?: (n: number) => void;
}

export interface CollectionCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface SeedFileFailure {
  path: string;
  reason: string;
  message: string;
}

export interface SeedResult {
  /** The database URL without credentials, and its name. */
  display: string;
  database: string;
  files: number;
  /** Records read (documents of a record: an eligibility record gives a member and its eligibility). */
  records: number;
  /** Records the ETL rejected (defects), not loaded. */
  rejected: number;
  /** Files the ETL rejected as a whole. */
  failedFiles: SeedFileFailure[];
  collections: Record<TargetCollection, CollectionCounts>;
  seconds: number;
}

/** JSON with object keys sorted: equal for equal content whatever the key order the database returns. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What is compared: the document without the database's _id and the load time. */
function content(doc: Document): string {
  const { _id, _loadedAt, ...rest } = doc;
  void _id;
  void _loadedAt;
  return canonical(rest);
}

const keyString = (key: Record<string, string>): string => canonical(key);

function keyFilter(keys: Record<string, string>[]): Document {
  const { single, compound } = groupKeys(keys);
  const clauses: Document[] = [...[...single].map(([field, values]) => ({ [field]: { $in: values } })), ...compound];
  return clauses.length === 1 ? clauses[0]! : { $or: clauses };
}

/** The natural key of a stored document, in the ETL's key shape. */
function storedKey(doc: Document, fields: readonly string[]): string {
  return keyString(Object.fromEntries(fields.map((f) => [f, doc[f] as string])));
}

const digest = (doc: Document): string => createHash("sha1").update(content(doc)).digest("base64");

/**
 * What a collection already holds: natural key → content digests (more than one: duplicates).
 * MongoDB and DocumentDB answer `find({key: {$in: [...]}})` from the unique index, so each batch asks
 * for its keys. FerretDB/SQLite scans the whole collection for every find (measured: 5–8 s per batch
 * on 20,000 claims, whatever the batch size, `_id` included), so there the collection is read once per
 * seed and the digests kept in memory (about 100 bytes a document).
 */
class ExistingDocs {
  private preloaded: Map<string, string[]> | null = null;

  constructor(
    private readonly db: Db,
    private readonly name: TargetCollection,
    private readonly scanOnce: boolean,
  ) {}

  async lookup(keys: Record<string, string>[]): Promise<Map<string, string[]>> {
    const fields = Object.keys(keys[0]!);
    const found = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, doc: Document, f: readonly string[]): void => {
      const k = storedKey(doc, f);
      map.set(k, [...(map.get(k) ?? []), digest(doc)]);
    };
    if (!this.scanOnce) {
      for (const doc of await this.db.collection(this.name).find(keyFilter(keys)).toArray()) add(found, doc, fields);
      return found;
    }
    if (!this.preloaded) {
      this.preloaded = new Map();
      const naturalFields = [NATURAL_KEYS[this.name]];
      for await (const doc of this.db.collection(this.name).find({}, { batchSize: 5000 })) add(this.preloaded, doc, naturalFields);
    }
    for (const key of keys) {
      const k = keyString(key);
      const there = this.preloaded.get(k);
      if (there) found.set(k, there);
    }
    return found;
  }

  /** After a write: the key now holds this one document. */
  wrote(key: Record<string, string>, doc: Document): void {
    this.preloaded?.set(keyString(key), [digest(doc)]);
  }
}

async function writeCollection(db: Db, existingDocs: ExistingDocs, name: TargetCollection, docs: { key: Record<string, string>; doc: Document }[], counts: CollectionCounts): Promise<void> {
  // the last document of a key in the batch wins, as a later upsert would
  const byKey = new Map<string, { key: Record<string, string>; doc: Document }>();
  for (const d of docs) byKey.set(keyString(d.key), d);
  const wanted = [...byKey.values()];
  const collection = db.collection(name);
  const existing = await existingDocs.lookup(wanted.map((d) => d.key));
  const insert: { key: Record<string, string>; doc: Document }[] = [];
  const replace: { key: Record<string, string>; doc: Document }[] = [];
  for (const [k, d] of byKey) {
    const there = existing.get(k);
    if (!there) insert.push(d);
    else if (there.length === 1 && there[0] === digest(d.doc)) counts.unchanged++;
    else replace.push(d);
  }
  const loadedAt = new Date();
  if (replace.length > 0) await collection.deleteMany(keyFilter(replace.map((d) => d.key)));
  const toWrite = [...insert, ...replace];
  if (toWrite.length > 0) await collection.insertMany(toWrite.map((d) => ({ ...d.doc, _loadedAt: loadedAt })), { ordered: false });
  for (const d of toWrite) existingDocs.wrote(d.key, d.doc);
  counts.inserted += insert.length;
  counts.updated += replace.length;
}

async function writeBatch(db: Db, existing: Map<TargetCollection, ExistingDocs>, file: SetFile, batch: LoadDoc[], result: SeedResult): Promise<void> {
  const byCollection = new Map<TargetCollection, { key: Record<string, string>; doc: Document }[]>();
  for (const d of batch) {
    const list = byCollection.get(d.collection) ?? [];
    list.push({ key: d.key, doc: { ...d.doc, _source: { file: file.path, recordIndex: d.recordIndex } } });
    byCollection.set(d.collection, list);
  }
  for (const [name, docs] of byCollection) await writeCollection(db, existing.get(name)!, name, docs, result.collections[name]);
}

const isNdjson = (f: SetFile): boolean => (f.format !== undefined ? f.format === "ndjson" : /\.(ndjson|jsonl)(\.gz)?$/i.test(f.path));

/** Eligibility and providers first, as the pipeline needs them; then claims and encounters. */
const KIND_ORDER = ["eligibility", "providers", "claims", "encounters"];
const kindRank = (f: SetFile): number => {
  const i = KIND_ORDER.findIndex((k) => (f.kind ?? f.path).includes(k));
  return i < 0 ? KIND_ORDER.length : i;
};

export async function seed(options: SeedOptions): Promise<SeedResult> {
  const batchSize = options.batchSize ?? SEED_DEFAULTS.batchSize;
  const today = options.today ?? SEED_DEFAULTS.today;
  const set = await readFileSet(options.source);
  const files = set.files.filter(isNdjson).sort((a, b) => kindRank(a) - kindRank(b));
  if (files.length === 0) throw new UserError(`${options.source}: no NDJSON files to seed (generate with --formats ndjson)`);
  const target = resolveMongoTarget({ mongoUrl: options.mongoUrl, db: options.db, allowDatabases: options.allowDatabases, stackDir: options.stackDir });
  const started = performance.now();
  const client = new MongoClient(target.url, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new UserError(`cannot reach the database at ${target.display}: ${redactMessage((error as Error).message, [target.url])}`);
  }
  const empty = (): CollectionCounts => ({ inserted: 0, updated: 0, unchanged: 0 });
  const result: SeedResult = {
    display: target.display,
    database: target.database,
    files: files.length,
    records: 0,
    rejected: 0,
    failedFiles: [],
    collections: Object.fromEntries(Object.keys(NATURAL_KEYS).map((k) => [k, empty()])) as Record<TargetCollection, CollectionCounts>,
    seconds: 0,
  };
  try {
    const db = client.db(target.database);
    await ensureIndexes(db);
    const info = await db.admin().command({ buildInfo: 1 }).catch(() => ({}) as Document);
    const scanOnce = typeof info["ferretdbVersion"] === "string";
    const existing = new Map((Object.keys(NATURAL_KEYS) as TargetCollection[]).map((name) => [name, new ExistingDocs(db, name, scanOnce)]));
    options.onStart?.(files.reduce((n, f) => n + (f.records ?? 0), 0));
    for (const file of files) {
      const open = (): AsyncIterable<Uint8Array> => createReadStream(file.absolute, { highWaterMark: 1 << 20 });
      const analysis = await analyze(open, file.path, { today });
      if (analysis.failure) {
        result.failedFiles.push({ path: file.path, reason: analysis.failure.reason, message: analysis.failure.message });
        options.onRecords?.(file.records ?? 0);
        continue;
      }
      let batch: LoadDoc[] = [];
      const rejectedHere = new Set<number>();
      const records = new Set<number>();
      let lastRecord = -1;
      const flush = async (): Promise<void> => {
        const good = batch.filter((d) => !rejectedHere.has(d.recordIndex));
        if (good.length > 0) await writeBatch(db, existing, file, good, result);
        options.onRecords?.(new Set(batch.map((d) => d.recordIndex)).size);
        batch = [];
      };
      for await (const item of extract(open, file.path, analysis, { today })) {
        // flush only between records, so that a record's documents go together
        if (item.recordIndex !== lastRecord && batch.length >= batchSize) await flush();
        lastRecord = item.recordIndex;
        records.add(item.recordIndex);
        if ("collection" in item) batch.push(item);
        else rejectedHere.add(item.recordIndex);
      }
      await flush();
      result.records += records.size;
      result.rejected += rejectedHere.size;
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const e = error as Error;
    if (e.name.startsWith("Mongo")) throw new UserError(`seeding ${target.display} failed: ${redactMessage(e.message, [target.url])}`);
    throw error;
  } finally {
    await client.close();
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
