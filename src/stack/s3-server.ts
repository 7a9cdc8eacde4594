/**
 * The local S3: s3rver (MIT) in this process on loopback, with path-style addressing, a `landing`
 * and a `quarantine` bucket, and AWS Signature V4 checked for every request (s3rver itself accepts any
 * V4 signature). ObjectCreated events are handed to the pipeline's trigger.
 */
import { createRequire } from "node:module";
import type { Server } from "node:http";
import { verifySigV4 } from "./sigv4.js";

const require = createRequire(import.meta.url);

/** The stack's credentials: s3rver's well-known development key pair. */
export const LOCAL_ACCESS_KEY_ID = "S3RVER";
export const LOCAL_SECRET_ACCESS_KEY = "S3RVER";
export const LOCAL_REGION = "us-east-1";
export const LANDING_BUCKET = "landing";
export const QUARANTINE_BUCKET = "quarantine";

export interface S3EventRecord {
  eventName: string;
  eventTime: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}

export interface LocalS3 {
  port: number;
  endpoint: string;
  close(): Promise<void>;
}

interface KoaContext {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

interface S3rverInstance {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  on(event: "event", listener: (e: { Records: S3EventRecord[] }) => void): void;
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
  httpServer?: Server;
}

function s3Error(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = "application/xml";
  const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`;
}

const xmlEscape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * S3 stores the tags of a PutObject's `x-amz-tagging` header (URL-encoded `k=v&k=v`); s3rver keeps
 * only tags set through PutObjectTagging, so the stack stores the header's tags the same way.
 */
async function storeTaggingHeader(ctx: KoaContext): Promise<void> {
  const header = ctx.headers["x-amz-tagging"];
  if (ctx.method !== "PUT" || typeof header !== "string" || ctx.status !== 200 || ctx.headers["x-amz-copy-source"] !== undefined) return;
  const url = new URL(ctx.url, "http://local");
  if (url.searchParams.has("uploadId") || url.searchParams.has("partNumber") || url.searchParams.has("tagging")) return;
  const [, bucket, ...rest] = url.pathname.split("/");
  if (!bucket || rest.length === 0) return;
  const key = decodeURIComponent(rest.join("/"));
  const tags = [...new URLSearchParams(header)].map(([k, v]) => `<Tag><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></Tag>`).join("");
  const { TaggingConfiguration } = require("s3rver/lib/models/config") as { TaggingConfiguration: new (xml: string) => unknown };
  const store = (ctx as unknown as { store: { putSubresource(bucket: string, key: string, resource: unknown): Promise<void> } }).store;
  await store.putSubresource(decodeURIComponent(bucket), key, new TaggingConfiguration(`<Tagging><TagSet>${tags}</TagSet></Tagging>`));
}

export async function startLocalS3(options: { directory: string; port?: number; onEvent: (record: S3EventRecord) => void }): Promise<LocalS3> {
  const S3rver = require("s3rver") as new (o: Record<string, unknown>) => S3rverInstance;
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    allowMismatchedSignatures: false,
    resetOnClose: false,
    vhostBuckets: false,
    configureBuckets: [{ name: LANDING_BUCKET }, { name: QUARANTINE_BUCKET }],
  });
  const secrets = new Map([[LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY]]);
  // Koa composes its middleware when the server starts, so this runs before s3rver's own routes.
  server.middleware.unshift(async (ctx, next) => {
    const encoding = ctx.headers["content-encoding"];
    if (typeof encoding === "string" && encoding.includes("aws-chunked")) {
      s3Error(ctx, 501, "NotImplemented", "aws-chunked uploads are not supported by the local stack: set AWS_REQUEST_CHECKSUM_CALCULATION=when_required (hcsynth stack env does)");
      return;
    }
    const verdict = verifySigV4({ method: ctx.method, url: ctx.url, headers: ctx.headers }, secrets);
    if (!verdict.ok) {
      s3Error(ctx, 403, verdict.code, verdict.message);
      return;
    }
    await next();
    await storeTaggingHeader(ctx);
  });
  server.on("event", (e) => {
    for (const record of e.Records) options.onEvent(record);
  });
  const { port } = await server.run();
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    close: () => server.close(),
  };
}
