/**
 * The Glue job of the reference pipeline: streams one object twice from S3 — a first pass that decides
 * whether the file (and each X12 transaction set) is valid, a second that extracts and loads records —
 * in bounded memory. A rejected file is copied to the quarantine bucket with a reason object beside
 * it; rejected records go to `rejections`; the rest of the file still loads.
 */
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Db } from "mongodb";
import { analyze, extract } from "../etl/index.js";
import type { Analysis, EtlOptions, LoadDoc, Rejection } from "../etl/types.js";
import { QUARANTINE_BUCKET } from "../s3-server.js";
import { loadBatch, type SourceRef } from "./loader.js";
import { INTERCHANGES, REJECTIONS, type RejectionDoc } from "./store.js";

export interface JobResult {
  state: "SUCCEEDED" | "FAILED";
  errorMessage: string | null;
  loaded: number;
  rejected: number;
  flagged: number;
}

// FerretDB/SQLite scans a collection per lookup, so fewer, larger batches load faster (memory stays bounded)
const BATCH = 5000;

function opener(s3: S3Client, source: SourceRef): () => AsyncIterable<Uint8Array> {
  return () =>
    (async function* () {
      const out = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key, IfMatch: `"${source.etag}"` }));
      const body = out.Body as AsyncIterable<Uint8Array> | undefined;
      if (body) yield* body;
    })();
}

async function quarantine(s3: S3Client, source: SourceRef, runId: string, reason: string, message: string): Promise<void> {
  await s3.send(new CopyObjectCommand({ Bucket: QUARANTINE_BUCKET, Key: source.key, CopySource: `${source.bucket}/${encodeURIComponent(source.key).replace(/%2F/g, "/")}` }));
  const body = JSON.stringify({ reason, message, runId, source, quarantinedAt: new Date().toISOString() }, null, 2);
  await s3.send(new PutObjectCommand({ Bucket: QUARANTINE_BUCKET, Key: `${source.key}.reason.json`, Body: body, ContentType: "application/json" }));
}

/** An ISA13 already seen in another file is a duplicate interchange (X12_DUPLICATE_ISA13). */
async function duplicateInterchange(db: Db, analysis: Analysis, source: SourceRef): Promise<string | null> {
  const control = analysis.interchangeControlNumber;
  if (!control) return null;
  const seen = await db.collection(INTERCHANGES).findOne({ controlNumber: control, key: { $ne: source.key } });
  if (seen) return `interchange control number ${control} was already received in ${String(seen["key"])}`;
  await db.collection(INTERCHANGES).updateOne({ controlNumber: control, key: source.key }, { $set: { controlNumber: control, key: source.key, etag: source.etag } }, { upsert: true });
  return null;
}

export async function runJob(db: Db, s3: S3Client, runId: string, source: SourceRef, options: EtlOptions): Promise<JobResult> {
  // a re-run (after a restart) replaces the rejections of earlier attempts
  await db.collection(REJECTIONS).deleteMany({ runId });
  const open = opener(s3, source);
  const analysis = await analyze(open, source.key, options);
  let failure = analysis.failure ? { reason: analysis.failure.reason, message: analysis.failure.message } : null;
  if (!failure) {
    const duplicate = await duplicateInterchange(db, analysis, source);
    if (duplicate) failure = { reason: "X12_DUPLICATE_ISA13", message: duplicate };
  }
  if (failure) {
    await quarantine(s3, source, runId, failure.reason, failure.message);
    const doc: RejectionDoc = {
      runId,
      source,
      scope: "file",
      reason: failure.reason,
      message: failure.message,
      locator: { line: analysis.failure?.line, segment: analysis.failure?.segment },
      at: new Date(),
    };
    await db.collection(REJECTIONS).insertOne(doc);
    return { state: "FAILED", errorMessage: `${failure.reason}: ${failure.message}`, loaded: 0, rejected: analysis.records, flagged: 0 };
  }
  for (const t of analysis.badTransactions) {
    const doc: RejectionDoc = { runId, source, scope: "transaction", reason: t.reason, message: t.message, locator: {}, at: new Date() };
    await db.collection(REJECTIONS).insertOne(doc);
  }
  let loaded = 0;
  let rejected = 0;
  let docs: LoadDoc[] = [];
  let rejections: Rejection[] = [];
  const flush = async (): Promise<void> => {
    const outcome = await loadBatch(db, runId, source, docs, rejections);
    loaded += outcome.loaded;
    rejected += outcome.rejected;
    docs = [];
    rejections = [];
  };
  let lastRecord = -1;
  for await (const item of extract(open, source.key, analysis, options)) {
    // flush only between records, so that a record's documents are checked and loaded together
    if (item.recordIndex !== lastRecord && docs.length + rejections.length >= BATCH) await flush();
    lastRecord = item.recordIndex;
    if ("collection" in item) docs.push(item);
    else rejections.push(item);
  }
  await flush();
  // a file-level flag (a BOM, mixed line ends) flags every loaded record; others flag their record
  const fileFlag = analysis.flags.some((f) => f.recordIndex === undefined);
  const flagged = fileFlag ? loaded : new Set(analysis.flags.map((f) => f.recordIndex)).size;
  return { state: "SUCCEEDED", errorMessage: null, loaded, rejected, flagged };
}
