/**
 * push's defaults, apart from the uploader so that the CLI can print them without loading the AWS SDK.
 * Measured with bench/push.ts (a 259 MB set of 26 files up to 23 MB, local S3 on loopback, 2 cores):
 * 8 files at once beat 4 and 16; a 64 MiB multipart threshold beat 16 MiB (1.4 s against 2.3 s: a
 * multipart upload costs three more requests and the store's reassembly). Memory in flight is at most
 * concurrency × queueSize × partSize (256 MiB) for files above the threshold, one 1 MiB read buffer
 * per file below it.
 */
export const MIB = 1024 * 1024;
export const PUSH_DEFAULTS = { concurrency: 8, multipartThreshold: 64 * MIB, partSize: 8 * MIB, queueSize: 4 } as const;
