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
  params?: { bucket: string; key?: string; queryMethod?: string };
  store: { putSubresource(bucket: string, key: string, config: unknown): Promise<void> };
}

/** `a=1&b=2` (the x-amz-tagging header) as a PutObjectTagging body. */
function taggingXml(header: string): string {
  const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const tags = new URLSearchParams(header);
  return `<Tagging><TagSet>${[...tags].map(([k, v]) => `<Tag><Key>${esc(k)}</Key><Value>${esc(v)}</Value></Tag>`).join("")}</TagSet></Tagging>`;
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

export async function startLocalS3(options: { directory: string; port?: number; onEvent: (record: S3EventRecord) => void }): Promise<LocalS3> {
  const S3rver = require("s3rver") as new (o: Record<string, unknown>) => S3rverInstance;
  const { TaggingConfiguration } = require("s3rver/lib/models/config") as { TaggingConfiguration: new (xml: string) => unknown };
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
    // s3rver ignores the x-amz-tagging header of PutObject (AWS applies it): store the tags as
    // PutObjectTagging would, so objects tagged on upload read back with their tags
    const tagging = ctx.headers["x-amz-tagging"];
    if (ctx.method === "PUT" && typeof tagging === "string" && ctx.status === 200 && ctx.params?.key && !ctx.params.queryMethod && !ctx.headers["x-amz-copy-source"]) {
      await ctx.store.putSubresource(ctx.params.bucket, ctx.params.key, new TaggingConfiguration(taggingXml(tagging)));
    }
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
