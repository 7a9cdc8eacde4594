/** `hcsynth push`: a thin shell over push() in src/push/push.ts. */
import type { Command } from "commander";
import { MIB, PUSH_DEFAULTS } from "../../push/defaults.js";
import type { PushResult } from "../../push/push.js";
import { DEFAULT_STACK_DIR } from "../../stack/state.js";
import { layerTargetSettings } from "../../target/settings.js";
import { UserError } from "../errors.js";
import { oneOf, wholeNumber } from "../parse.js";
import { progressFor } from "../progress.js";

interface PushFlags {
  target: string;
  bucket?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  concurrency?: string;
  rate?: string;
  force?: boolean;
  multipartThreshold?: string;
  partSize?: string;
  queueSize?: string;
  allowBucket: string[];
  config?: string;
  stackDir: string;
}

/** A size in bytes: a whole number with an optional K, M or G (binary) suffix, such as 16M or 8MiB. */
export function byteSize(flag: string, min: number, max: number): (raw: string) => number {
  return (raw) => {
    const m = /^(\d+)\s*([kmg]?)(i?b)?$/i.exec(raw.trim());
    if (!m) throw new UserError(`${flag} ${JSON.stringify(raw)}: expected a size in bytes, such as 16777216, 16M or 16MiB`);
    const n = Number(m[1]) * 1024 ** " kmg".indexOf((m[2] || " ").toLowerCase());
    if (n < min || n > max) throw new UserError(`${flag} ${raw}: expected from ${min} to ${max} bytes`);
    return n;
  };
}

function positiveNumber(flag: string): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UserError(`${flag} ${JSON.stringify(raw)}: expected a number above 0`);
    return n;
  };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function summaryLine(r: PushResult): string {
  const mb = r.bytes / 1e6;
  const where = `s3://${r.target.bucket}${r.target.prefix ? `/${r.target.prefix}/` : "/"}`;
  const rest = r.notStarted > 0 ? `, ${r.notStarted} not started` : "";
  return `push to ${where}: ${r.uploaded} uploaded, ${r.skipped} skipped, ${r.failed} failed${rest}; ${mb.toFixed(1)} MB in ${r.seconds.toFixed(1)} s (${(mb / Math.max(r.seconds, 1e-3)).toFixed(1)} MB/s)`;
}

export function registerPush(program: Command): void {
  program
    .command("push")
    .description("upload a generated set (a directory or its manifest.json) to S3: idempotent, resumable, with hcsynth metadata and the tag synthetic=true")
    .argument("<path>", "a directory (with or without manifest.json) or a manifest.json")
    .option("--target <target>", "local (the local stack) or aws (AWS, or an S3-compatible store with --endpoint)", "local")
    .option("--bucket <name>", "bucket (default for local: landing; required for aws)")
    .option("--prefix <prefix>", "key prefix: key = prefix/relative path")
    .option("--region <region>", "aws: region (default: AWS_REGION, else us-east-1)")
    .option("--endpoint <url>", "aws: an S3-compatible endpoint instead of AWS")
    .option("--concurrency <n>", `files uploaded at once (default ${PUSH_DEFAULTS.concurrency})`)
    .option("--rate <files/s>", "start at most this many files per second")
    .option("--force", "upload even what is already there with the same size and SHA-256")
    .option("--multipart-threshold <bytes>", `multipart upload from this size (default ${PUSH_DEFAULTS.multipartThreshold / MIB}MiB)`)
    .option("--part-size <bytes>", `multipart part size, at least 5MiB (default ${PUSH_DEFAULTS.partSize / MIB}MiB)`)
    .option("--queue-size <n>", `parts in flight per multipart upload (default ${PUSH_DEFAULTS.queueSize})`)
    .option("--allow-bucket <pattern>", "allow writing to buckets matching this glob (repeatable; replaces the config file's and HCSYNTH_ALLOW_BUCKETS)", collect, [])
    .option("--config <file>", 'JSON config file: {"allowBuckets": [...], "allowDatabases": [...]}')
    .option("--stack-dir <dir>", "the local stack's directory", DEFAULT_STACK_DIR)
    .action(async (path: string, flags: PushFlags) => {
      const target = oneOf("--target", ["local", "aws"] as const)(flags.target);
      const concurrency = flags.concurrency === undefined ? undefined : wholeNumber("--concurrency", 1, 1024)(flags.concurrency);
      const rate = flags.rate === undefined ? undefined : positiveNumber("--rate")(flags.rate);
      const multipartThreshold = flags.multipartThreshold === undefined ? undefined : byteSize("--multipart-threshold", 5 * MIB, 5 * 1024 * MIB)(flags.multipartThreshold);
      const partSize = flags.partSize === undefined ? undefined : byteSize("--part-size", 5 * MIB, 5 * 1024 * MIB)(flags.partSize);
      const queueSize = flags.queueSize === undefined ? undefined : wholeNumber("--queue-size", 1, 64)(flags.queueSize);
      const settings = layerTargetSettings({ configFile: flags.config, env: process.env, flags: { allowBucket: flags.allowBucket } });

      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write("\nhcsynth: interrupted: aborting the uploads in flight (again to quit at once); a rerun skips what is done\n");
        controller.abort();
      };
      process.on("SIGINT", onSigint);
      process.on("SIGTERM", onSigint);
      const progress = progressFor();
      let result: PushResult;
      // the AWS SDK loads only when a push runs (the CLI starts fast; rclone and aws-cli are the benchmark)
      const { push } = await import("../../push/push.js");
      try {
        result = await push({
          source: path,
          target: { target, bucket: flags.bucket, prefix: flags.prefix, region: flags.region, endpoint: flags.endpoint, allowBuckets: settings.allowBuckets, stackDir: flags.stackDir },
          concurrency,
          rate,
          force: !!flags.force,
          multipartThreshold,
          partSize,
          queueSize,
          signal: controller.signal,
          log: (line) => process.stderr.write(`hcsynth push: ${line}\n`),
          onStart: (files) => progress.start(files, "push"),
          onFile: () => progress.increment(1),
        });
      } finally {
        progress.stop();
        process.off("SIGINT", onSigint);
        process.off("SIGTERM", onSigint);
      }
      process.stdout.write(summaryLine(result) + "\n");
      const distinct = new Map<string, string[]>();
      for (const f of result.failures) distinct.set(f.message, [...(distinct.get(f.message) ?? []), f.path]);
      for (const [message, paths] of distinct) {
        process.stderr.write(`hcsynth: ${paths.length} file${paths.length === 1 ? "" : "s"} failed (${paths[0]}${paths.length > 1 ? ", …" : ""}): ${message}\n`);
      }
      if (result.interrupted) process.exitCode = 130;
      else if (result.failed > 0) process.exitCode = 1;
    });
}
