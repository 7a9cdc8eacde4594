/**
 * One file to S3: PutObject below the multipart threshold (the body read into memory), lib-storage's
 * multipart Upload at or above it (the body streamed from disk). Every object carries the run's
 * metadata and the tag synthetic=true. SDK retries are read from each response's attempt count;
 * 503 SlowDown responses (retried or not) are counted by a middleware on the client.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

export interface UploadSettings {
  multipartThreshold: number;
  partSize: number;
  queueSize: number;
}

export const DEFAULT_UPLOAD_SETTINGS: UploadSettings = { multipartThreshold: 16 * 1024 * 1024, partSize: 8 * 1024 * 1024, queueSize: 4 };

export interface UploadRequest {
  bucket: string;
  key: string;
  /** The file on disk. */
  path: string;
  bytes: number;
  metadata: Record<string, string>;
  contentType: string;
}

export interface UploadOutcome {
  ok: boolean;
  multipart: boolean;
  ms: number;
  retries: number;
  error?: unknown;
}

/** Counts 503 responses on a client (SlowDown and other throttling), retried or not. */
export function countSlowDowns(client: S3Client, onSlowDown: () => void): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        const result = await next(args);
        const status = (result.response as { statusCode?: number }).statusCode;
        if (status === 503) onSlowDown();
        return result;
      } catch (error) {
        const e = error as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
        if (e.$response?.statusCode === 503 || e.$metadata?.httpStatusCode === 503) onSlowDown();
        throw error;
      }
    },
    { step: "deserialize", name: "hcsynthCountSlowDown", priority: "low" },
  );
}

export async function uploadFile(client: S3Client, request: UploadRequest, settings: UploadSettings, signal?: AbortSignal): Promise<UploadOutcome> {
  const multipart = request.bytes >= settings.multipartThreshold;
  const started = performance.now();
  try {
    let retries = 0;
    if (!multipart) {
      const body = await readFile(request.path);
      const started2 = performance.now();
      const out = await client.send(
        new PutObjectCommand({ Bucket: request.bucket, Key: request.key, Body: body, ContentLength: body.length, ContentType: request.contentType, Metadata: request.metadata, Tagging: "synthetic=true" }),
        signal ? { abortSignal: signal } : {},
      );
      retries = Math.max(0, (out.$metadata.attempts ?? 1) - 1);
      return { ok: true, multipart, ms: performance.now() - started2, retries };
    }
    const upload = new Upload({
      client,
      params: { Bucket: request.bucket, Key: request.key, Body: createReadStream(request.path), ContentType: request.contentType, Metadata: request.metadata },
      tags: [{ Key: "synthetic", Value: "true" }],
      partSize: settings.partSize,
      queueSize: settings.queueSize,
      leavePartsOnError: false,
      ...(signal ? { abortController: abortControllerFor(signal) } : {}),
    });
    await upload.done();
    return { ok: true, multipart, ms: performance.now() - started, retries };
  } catch (error) {
    const e = error as { $metadata?: { attempts?: number } };
    return { ok: false, multipart, ms: performance.now() - started, retries: Math.max(0, (e.$metadata?.attempts ?? 1) - 1), error };
  }
}

function abortControllerFor(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener("abort", () => controller.abort(), { once: true });
  return controller;
}
