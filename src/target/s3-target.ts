/**
 * Where uploads go: the local stack (running, or started here for the duration of the command) or
 * AWS (the standard credential chain and region, with an endpoint override for other S3-compatible
 * stores). Anything but the local stack must pass the bucket allow-list. The bucket is checked once
 * up front, so a missing bucket, missing credentials or an unreachable endpoint is one clear error.
 */
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { RunTarget } from "../../scenarios/summary.js";
import { UserError } from "../cli/errors.js";
import { makeS3Client } from "../s3/client.js";
import { LANDING_BUCKET, LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY } from "../stack/s3-server.js";
import type { RunningStack } from "../stack/stack.js";
import { processAlive, readState } from "../stack/state.js";
import { requireAllowed } from "./allow-list.js";
import { redactMessage } from "./redact.js";

export interface S3TargetOptions {
  target: "local" | "aws";
  /** Default: the local stack's landing bucket; required for aws. */
  bucket?: string;
  prefix?: string;
  region?: string;
  /** aws only: an S3-compatible endpoint instead of AWS. */
  endpoint?: string;
  allowBuckets: readonly string[];
  /** The local stack's directory. */
  stackDir: string;
  /** Kept-alive sockets. */
  maxSockets?: number;
  /** Pipeline settings of a local stack started for the command. */
  stackSettings?: { maxConcurrentRuns?: number; glueStartupMs?: number };
  log?: (line: string) => void;
}

export interface ResolvedS3Target {
  client: S3Client;
  bucket: string;
  prefix: string;
  /** What the summary says of the target (no credentials). */
  description: RunTarget;
  /** The stack this call started, when no stack was running (stopped by close()). */
  startedStack: RunningStack | null;
  close(): Promise<void>;
}

/** The local stack's S3 client and endpoint, starting a stack in this process when none is running. */
async function localEndpoint(options: S3TargetOptions): Promise<{ endpoint: string; stack: RunningStack | null }> {
  const state = readState(options.stackDir);
  if (state && processAlive(state.pid)) return { endpoint: state.s3Endpoint, stack: null };
  options.log?.(`no local stack running from ${options.stackDir}: starting one for this command`);
  // loaded only here: the servers are not needed to find a running stack or to reach AWS; the
  // pipeline's per-file lines would drown the command's own output, so it runs quietly here
  const { startStack } = await import("../stack/stack.js");
  const stack = await startStack({
    dir: options.stackDir,
    glueStartupMs: options.stackSettings?.glueStartupMs ?? 0,
    maxConcurrentRuns: options.stackSettings?.maxConcurrentRuns ?? 4,
    today: "2025-12-31",
    log: () => undefined,
  });
  return { endpoint: stack.state.s3Endpoint, stack };
}

/** One line for an S3 error met while checking the target. */
export function describeS3Error(error: unknown, bucket: string, where: string): string {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const status = e.$metadata?.httpStatusCode;
  const code = e.code ?? e.cause?.code;
  if (e.name === "CredentialsProviderError" || /Could not load credentials/i.test(e.message ?? "")) {
    return "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance role is available";
  }
  if (e.name === "NotFound" || e.name === "NoSuchBucket" || status === 404) return `bucket ${JSON.stringify(bucket)} does not exist at ${where}`;
  if (status === 403 || e.name === "Forbidden" || e.name === "AccessDenied") return `access to bucket ${JSON.stringify(bucket)} at ${where} was denied (check the credentials and the bucket policy)`;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ECONNRESET" || e.name === "TimeoutError") {
    return `cannot reach S3 at ${where} (${code ?? e.name})`;
  }
  return `checking bucket ${JSON.stringify(bucket)} at ${where} failed: ${redactMessage(e.message ?? String(error))}`;
}

export async function resolveS3Target(options: S3TargetOptions): Promise<ResolvedS3Target> {
  const prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
  let client: S3Client;
  let bucket: string;
  let description: RunTarget;
  let stack: RunningStack | null = null;
  if (options.target === "local") {
    if (options.endpoint) throw new UserError("--endpoint applies to --target aws (the local stack has its own)");
    bucket = options.bucket ?? LANDING_BUCKET;
    const local = await localEndpoint(options);
    stack = local.stack;
    client = makeS3Client({ endpoint: local.endpoint, region: LOCAL_REGION, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY }, maxSockets: options.maxSockets });
    description = { kind: "local", bucket, prefix, region: LOCAL_REGION, endpoint: local.endpoint };
  } else {
    if (!options.bucket) throw new UserError("--target aws needs --bucket");
    bucket = options.bucket;
    requireAllowed("bucket", bucket, options.allowBuckets, "--allow-bucket", (m) => new UserError(m));
    if (options.endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(options.endpoint)) throw new UserError(`--endpoint ${JSON.stringify(options.endpoint)}: expected an http:// or https:// URL`);
    const region = options.region ?? process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"] ?? "us-east-1";
    client = makeS3Client({ region, ...(options.endpoint ? { endpoint: options.endpoint } : {}), maxSockets: options.maxSockets });
    description = { kind: "aws", bucket, prefix, region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  }
  const where = description.endpoint ?? `AWS ${description.region ?? ""}`.trim();
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(15_000) });
  } catch (error) {
    client.destroy();
    await stack?.stop();
    throw new UserError(describeS3Error(error, bucket, where));
  }
  const started = stack;
  return {
    client,
    bucket,
    prefix,
    description,
    startedStack: started,
    async close() {
      client.destroy();
      await started?.stop();
    },
  };
}
