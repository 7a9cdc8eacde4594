/** S3 clients: the local stack's (path-style, its fixed credentials) or AWS's (the standard credential chain). */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Agent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { NodeHttpHandler } from "@smithy/node-http-handler";

export interface S3Target {
  /** An S3-compatible endpoint (the local stack's, or another store's); AWS when absent. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Kept-alive sockets per client. */
  maxSockets?: number;
}

export function makeS3Client(target: S3Target): S3Client {
  // hcsynth supports Node 20 (package.json engines): the SDK's multi-line notice about its future
  // Node support would break the CLI's one-line errors
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  const maxSockets = target.maxSockets ?? 64;
  const config: S3ClientConfig = {
    region: target.region ?? process.env["AWS_REGION"] ?? "us-east-1",
    forcePathStyle: target.endpoint !== undefined,
    // the local server (like many S3-compatible stores) does not take aws-chunked checksum trailers
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    }),
  };
  if (target.endpoint) config.endpoint = target.endpoint;
  if (target.credentials) config.credentials = target.credentials;
  return new S3Client(config);
}
