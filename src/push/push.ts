/**
 * Bulk upload of a generated set to S3 (the local stack's or AWS / an S3-compatible store), for
 * seeding: key = prefix + the file's relative path. Idempotent and resumable: an object already there
 * with the same size and the same SHA-256 (kept in its `x-amz-meta-hcsynth-sha256`) is skipped unless
 * `force`; an interrupted push (the signal) aborts its multipart uploads, and a rerun uploads only what
 * is missing. Bodies stream from disk: PutObject below the multipart threshold, lib-storage's Upload
 * above it. Every object carries hcsynth metadata and the tag synthetic=true. The manifest's SHA-256
 * is trusted unless a file was modified after the manifest was written: that file is hashed again, and
 * fails if it no longer matches (hashing every byte cost a third of the client's CPU in bench/push.ts).
 */
import { setMaxListeners } from "node:events";
import { createReadStream } from "node:fs";
import { AbortMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { RunTarget } from "../../scenarios/summary.js";
import { redactMessage } from "../target/redact.js";
import { resolveS3Target, type S3TargetOptions } from "../target/s3-target.js";
import { readFileSet, sha256File, type SetFile } from "./files.js";

import { MIB, PUSH_DEFAULTS } from "./defaults.js";

export { MIB, PUSH_DEFAULTS } from "./defaults.js";
export const SYNTHETIC_TAG = { Key: "synthetic", Value: "true" } as const;

export interface PushOptions {
  /** A directory (with or without manifest.json) or a manifest.json. */
  source: string;
  target: Omit<S3TargetOptions, "maxSockets" | "log">;
  /** Files uploaded at once. */
  concurrency?: number;
  /** At most this many files started per second. */
  rate?: number;
  force?: boolean;
  multipartThreshold?: number;
  partSize?: number;
  /** Parts in flight per multipart upload. */
  queueSize?: number;
  /** Aborting stops new files and aborts those in flight (multipart uploads included). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  onStart?: (files: number, bytes: number) => void;
  onFile?: (file: SetFile, outcome: FileOutcome) => void;
}

export type FileOutcome = "uploaded" | "skipped" | "failed";

export interface PushFailure {
  path: string;
  message: string;
}

export interface PushResult {
  target: RunTarget;
  files: number;
  uploaded: number;
  skipped: number;
  failed: number;
  /** Files neither uploaded nor skipped because the push was interrupted. */
  notStarted: number;
  /** Bytes uploaded (skipped files not counted). */
  bytes: number;
  seconds: number;
  failures: PushFailure[];
  interrupted: boolean;
}

const CONTENT_TYPES: [RegExp, string][] = [
  [/\.gz$/i, "application/gzip"],
  [/\.csv$/i, "text/csv"],
  [/\.(ndjson|jsonl)$/i, "application/x-ndjson"],
  [/\.json$/i, "application/json"],
  [/\.(837[pi]|834|x12|edi)$/i, "application/edi-x12"],
];

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES.find(([re]) => re.test(path))?.[1] ?? "application/octet-stream";
}

/** Object metadata values must be printable ASCII in an HTTP header. */
const headerSafe = (value: string): string => (/^[\x20-\x7e]*$/.test(value) ? value : encodeURI(value));

export function objectKey(prefix: string, path: string): string {
  return prefix === "" ? path : `${prefix}/${path}`;
}

class ChangedFile extends Error {}

/** One line for an upload error, without credentials. */
export function describeUploadError(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (e.name === "CredentialsProviderError") return "no AWS credentials found";
  if (e.name === "NoSuchBucket") return "the bucket does not exist";
  if (e.name === "AccessDenied" || e.$metadata?.httpStatusCode === 403) return `access denied (${e.name ?? "403"})`;
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE" || code === "ETIMEDOUT" || code === "ENOTFOUND") return `connection failed (${code})`;
  const status = e.$metadata?.httpStatusCode;
  return redactMessage(`${e.name ?? "Error"}${status ? ` (HTTP ${status})` : ""}: ${e.message ?? String(error)}`).split("\n")[0]!;
}

/** Waits for the next start slot of a files-per-second cap. */
function rateGate(rate: number | undefined, signal: AbortSignal | undefined): () => Promise<void> {
  if (!rate) return async () => undefined;
  const interval = 1000 / rate;
  let next = performance.now();
  return async () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) {
      await new Promise<void>((resolveWait) => {
        const timer = setTimeout(resolveWait, at - now);
        signal?.addEventListener("abort", () => { clearTimeout(timer); resolveWait(); }, { once: true });
      });
    }
  };
}

/**
 * The sizes of the objects already under the prefix, from a listing (1,000 keys a request), so that
 * only an object of the right size costs a HeadObject (for its SHA-256); null when there are more than
 * `limit` keys, to be asked one HeadObject per file instead.
 */
async function listedSizes(client: S3Client, bucket: string, prefix: string, limit: number, signal?: AbortSignal): Promise<Map<string, number> | null> {
  const sizes = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix === "" ? undefined : `${prefix}/`, ContinuationToken: token }), { abortSignal: signal });
    for (const o of page.Contents ?? []) if (o.Key !== undefined) sizes.set(o.Key, o.Size ?? -1);
    if (sizes.size > limit) return null;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return sizes;
}

async function alreadyThere(client: S3Client, bucket: string, key: string, bytes: number, sha256: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return head.ContentLength === bytes && head.Metadata?.["hcsynth-sha256"] === sha256;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

interface UploadSettings {
  client: S3Client;
  bucket: string;
  multipartThreshold: number;
  partSize: number;
  queueSize: number;
  signal?: AbortSignal;
}

async function uploadFile(s: UploadSettings, file: SetFile, key: string, metadata: Record<string, string>): Promise<void> {
  const body = createReadStream(file.absolute, { highWaterMark: 1 * MIB });
  const params = { Bucket: s.bucket, Key: key, ContentType: contentTypeOf(file.path), Metadata: metadata };
  try {
    if (file.bytes < s.multipartThreshold) {
      await s.client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: file.bytes, Tagging: `${SYNTHETIC_TAG.Key}=${SYNTHETIC_TAG.Value}` }), { abortSignal: s.signal });
    } else {
      // loaded on the first large file only: a process start is part of every push's time
      const { Upload } = await import("@aws-sdk/lib-storage");
      const upload = new Upload({ client: s.client, params: { ...params, Body: body }, partSize: s.partSize, queueSize: s.queueSize, leavePartsOnError: false, tags: [SYNTHETIC_TAG] });
      const onAbort = (): void => void upload.abort();
      s.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        await upload.done();
      } catch (error) {
        // done() rejects at once on abort while lib-storage tidies up in the background: abort the
        // multipart upload here too, and wait for it, so that no parts are left behind
        const uploadId = (upload as unknown as { uploadId?: string }).uploadId;
        if (uploadId) await s.client.send(new AbortMultipartUploadCommand({ Bucket: s.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
        throw error;
      } finally {
        s.signal?.removeEventListener("abort", onAbort);
      }
    }
  } finally {
    body.destroy();
  }
}

/** Once the push is interrupted, whatever fails in flight failed because of it. */
const isAbort = (_error: unknown, signal?: AbortSignal): boolean => !!signal?.aborted;

export async function push(options: PushOptions): Promise<PushResult> {
  const concurrency = options.concurrency ?? PUSH_DEFAULTS.concurrency;
  const queueSize = options.queueSize ?? PUSH_DEFAULTS.queueSize;
  const set = await readFileSet(options.source);
  const target = await resolveS3Target({ ...options.target, maxSockets: concurrency * queueSize + 4, log: options.log });
  const started = performance.now();
  const result: PushResult = { target: target.description, files: set.files.length, uploaded: 0, skipped: 0, failed: 0, notStarted: 0, bytes: 0, seconds: 0, failures: [], interrupted: false };
  const settings: UploadSettings = {
    client: target.client,
    bucket: target.bucket,
    multipartThreshold: options.multipartThreshold ?? PUSH_DEFAULTS.multipartThreshold,
    partSize: options.partSize ?? PUSH_DEFAULTS.partSize,
    queueSize,
    signal: options.signal,
  };
  // every request in flight listens to the one signal
  if (options.signal) setMaxListeners(0, options.signal);
  const gate = rateGate(options.rate, options.signal);
  options.onStart?.(set.files.length, set.files.reduce((n, f) => n + f.bytes, 0));
  // data files first; the manifest (and its companions) last, once every data file is there
  // reference data (eligibility, providers) first: a pipeline checks claims against it; within each,
  // the largest files first, so that no big file starts last and keeps the others waiting at the end
  const rank = (f: SetFile): number => (f.kind === "eligibility" || f.kind === "providers" ? 0 : 1);
  const bySize = (a: SetFile, b: SetFile): number => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const data = set.manifest ? set.files.filter((f) => f.sha256 !== undefined).sort((a, b) => rank(a) - rank(b) || bySize(a, b)) : [...set.files].sort(bySize);
  const last = set.manifest ? set.files.filter((f) => f.sha256 === undefined) : [];

  let listed: Map<string, number> | null = null;
  if (!options.force) {
    try {
      listed = await listedSizes(target.client, target.bucket, target.prefix, Math.max(10_000, 2 * set.files.length), options.signal);
    } catch {
      listed = null; // no ListBucket permission: one HeadObject per file
    }
  }

  const one = async (file: SetFile): Promise<void> => {
    const key = objectKey(target.prefix, file.path);
    let outcome: FileOutcome;
    try {
      let sha256 = file.sha256;
      if (sha256 === undefined || file.suspect) {
        const actual = await sha256File(file.absolute);
        if (sha256 !== undefined && actual !== sha256) throw new ChangedFile(`${file.path} changed on disk since the manifest was written (regenerate the set, or push the directory without its manifest)`);
        sha256 = actual;
      }
      const maybeThere = listed === null || listed.get(key) === file.bytes;
      if (!options.force && maybeThere && (await alreadyThere(target.client, target.bucket, key, file.bytes, sha256, options.signal))) {
        outcome = "skipped";
        result.skipped++;
      } else {
        const metadata: Record<string, string> = { "hcsynth-file": headerSafe(file.path), "hcsynth-sha256": sha256 };
        if (file.records !== undefined) metadata["hcsynth-records"] = String(file.records);
        if (set.seed !== undefined) metadata["hcsynth-seed"] = String(set.seed);
        await uploadFile(settings, file, key, metadata);
        outcome = "uploaded";
        result.uploaded++;
        result.bytes += file.bytes;
      }
    } catch (error) {
      if (isAbort(error, options.signal)) {
        result.notStarted++;
        return;
      }
      outcome = "failed";
      result.failed++;
      result.failures.push({ path: file.path, message: error instanceof ChangedFile ? error.message : describeUploadError(error) });
    }
    options.onFile?.(file, outcome);
  };

  const runAll = async (files: SetFile[]): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        if (options.signal?.aborted) return;
        const file = files[next++]!;
        await gate();
        if (options.signal?.aborted) {
          result.notStarted++;
          return;
        }
        await one(file);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  };

  try {
    await runAll(data);
    if (result.failed === 0 && !options.signal?.aborted) await runAll(last);
  } finally {
    await target.close();
  }
  result.notStarted = result.files - result.uploaded - result.skipped - result.failed;
  result.interrupted = !!options.signal?.aborted;
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
