/** `hcsynth run <scenario>` and `hcsynth scenarios`: thin shells over src/run/run.ts and scenarios/. */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { BUILTIN_SCENARIOS, formatDuration, profileDurationMs, QUERY_NAMES } from "../../../scenarios/index.js";
import { OBSERVER_NAMES, type ObserverName } from "../../observe/observer.js";
import { summaryTable } from "../../report/console-table.js";
import { writeReports } from "../../report/write.js";
import { loadScenario } from "../../run/scenario-source.js";
import { DEFAULT_STACK_DIR } from "../../stack/state.js";
import { layerTargetSettings } from "../../target/settings.js";
import { resolveMongoTarget } from "../../target/mongo-target.js";
import { UserError } from "../errors.js";
import { collect, durationMs, list, oneOf, wholeNumber } from "../parse.js";

interface RunFlags {
  target: string;
  bucket?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  duration?: string;
  rate?: string;
  seed?: string;
  threshold: string[];
  out?: string;
  allowBucket: string[];
  config?: string;
  stackDir: string;
  workers?: string;
  multipartThreshold?: string;
  partSize?: string;
  queueSize?: string;
  observe?: string;
  mongoUrl?: string;
  db?: string;
  allowDb: string[];
  drain?: string;
  queryRate: string[];
  glueJob?: string;
  glueRegion?: string;
  glueEndpoint?: string;
  glueKeyArg?: string;
  maxConcurrentRuns?: string;
  glueStartupMs?: string;
}

function positiveNumber(flag: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UserError(`${flag} ${JSON.stringify(raw)}: expected a number > 0`);
  return n;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run a load scenario: upload seeded files to S3 at the scenario's arrival rate, measure, judge thresholds, write reports")
    .argument("<scenario>", `a built-in scenario (${BUILTIN_SCENARIOS.map((s) => s.name).join(", ")}) or a scenario JSON file`)
    .option("--target <local|aws>", "local: the local stack (started for the run if none is running); aws: the standard AWS credential chain", "local")
    .option("--bucket <name>", "bucket (local default: landing; required for aws)")
    .option("--prefix <prefix>", "key prefix; objects go to PREFIX/RUN_ID/...")
    .option("--region <region>", "AWS region (default: AWS_REGION, else us-east-1)")
    .option("--endpoint <url>", "aws: an S3-compatible endpoint instead of AWS")
    .option("--duration <d>", "override the scenario's duration (30s, 5m, 1h)")
    .option("--rate <n>", "override a constant-arrival-rate scenario's rate (files per time unit)")
    .option("--seed <n>", "override the scenario's seed")
    .option("--threshold <metric=expr>", "add or replace a threshold, k6 syntax (repeatable): upload_duration=p(95)<2000", collect, [])
    .option("--out <dir>", "report directory (default: hcsynth-runs/RUN_ID)")
    .option("--allow-bucket <pattern>", "allow writing to a non-local bucket matching this glob (repeatable)", collect, [])
    .option("--config <file>", "JSON config with allowBuckets / allowDatabases")
    .option("--stack-dir <dir>", "the local stack's directory", DEFAULT_STACK_DIR)
    .option("--workers <n>", "generation worker threads (default: cores - 1, at least 1)")
    .option("--multipart-threshold <bytes>", "multipart at or above this size (default 16777216)")
    .option("--part-size <bytes>", "multipart part size, ≥ 5 MiB (default 8388608)")
    .option("--queue-size <n>", "parts in flight per multipart upload (default 4)")
    .option("--observe <list>", `pipeline observers: ${OBSERVER_NAMES.join(",")}, or none (default: the scenario's)`)
    .option("--mongo-url <url>", "the pipeline's MongoDB/DocumentDB for the observers (default: the local stack's)")
    .option("--db <name>", "database name (default: the URL's, else hcsynth)")
    .option("--allow-db <pattern>", "allow observing a non-local database matching this glob (repeatable)", collect, [])
    .option("--drain <d>", "how long observers go on after the uploads end (default 60s)")
    .option("--glue-job <name>", "observe this AWS Glue job's runs (default: the local stack's etl_job_runs)")
    .option("--glue-region <region>", "the Glue job's region (default: the target's)")
    .option("--glue-endpoint <url>", "a Glue API endpoint override (an emulator)")
    .option("--glue-key-arg <arg>", "the job argument naming the S3 key (default --s3_key)")
    .option("--max-concurrent-runs <n>", "a local stack started for the run: Glue runs at once (default: the scenario's, else 4)")
    .option("--glue-startup-ms <ms>", "a local stack started for the run: each Glue run's start-up time (default: the scenario's, else 0)")
    .option("--query-rate <name=n>", "queries per second of one query of the mix (repeatable; 0 turns it off)", collect, [])
    .action(async (scenarioArg: string, flags: RunFlags) => {
      const target = oneOf("--target", ["local", "aws"] as const)(flags.target);
      const settings = layerTargetSettings({ configFile: flags.config, env: process.env, flags: { allowBucket: flags.allowBucket, allowDb: flags.allowDb } });
      const observeFlag = flags.observe === undefined ? undefined : flags.observe === "none" ? [] : list("--observe", OBSERVER_NAMES)(flags.observe);
      const queryRates: Record<string, number> = {};
      for (const q of flags.queryRate) {
        const m = /^([a-z_]+)=(\d+(?:\.\d+)?)$/.exec(q);
        if (!m || !(QUERY_NAMES as readonly string[]).includes(m[1]!)) throw new UserError(`--query-rate ${JSON.stringify(q)}: expected NAME=N with NAME one of ${QUERY_NAMES.join(", ")}`);
        queryRates[m[1]!] = Number(m[2]);
      }
      // a database given for the observers passes the allow-list before anything starts
      if (flags.mongoUrl !== undefined) resolveMongoTarget({ mongoUrl: flags.mongoUrl, db: flags.db, allowDatabases: settings.allowDatabases, stackDir: flags.stackDir });
      const drainMs = flags.drain === undefined ? undefined : durationMs("--drain", flags.drain);
      const upload: Record<string, number> = {};
      if (flags.multipartThreshold !== undefined) upload["multipartThreshold"] = wholeNumber("--multipart-threshold", 1)(flags.multipartThreshold);
      if (flags.partSize !== undefined) upload["partSize"] = wholeNumber("--part-size", 5 * 1024 * 1024, 5 * 1024 ** 3)(flags.partSize);
      if (flags.queueSize !== undefined) upload["queueSize"] = wholeNumber("--queue-size", 1, 64)(flags.queueSize);
      const interrupt = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        if (interrupt.signal.aborted) return;
        process.stderr.write(`\nhcsynth run: ${signal}: stopping, writing a partial report\n`);
        interrupt.abort(signal);
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const tty = process.stderr.isTTY === true;
      // the AWS SDK and the database driver load only when a run starts (other commands start faster and lighter)
      const [{ runScenario }, { buildObservers }] = await Promise.all([import("../../run/run.js"), import("../../observe/setup.js")]);
      try {
        const { summary } = await runScenario({
          scenario: scenarioArg,
          target,
          bucket: flags.bucket,
          prefix: flags.prefix,
          region: flags.region,
          endpoint: flags.endpoint,
          allowBuckets: settings.allowBuckets,
          stackDir: flags.stackDir,
          duration: flags.duration,
          rate: flags.rate === undefined ? undefined : positiveNumber("--rate", flags.rate),
          seed: flags.seed === undefined ? undefined : wholeNumber("--seed", 0, 0xffffffff)(flags.seed),
          thresholds: flags.threshold,
          upload,
          ...(flags.maxConcurrentRuns !== undefined || flags.glueStartupMs !== undefined
            ? {
                stack: {
                  ...(flags.maxConcurrentRuns !== undefined ? { maxConcurrentRuns: wholeNumber("--max-concurrent-runs", 1, 1000)(flags.maxConcurrentRuns) } : {}),
                  ...(flags.glueStartupMs !== undefined ? { glueStartupMs: wholeNumber("--glue-startup-ms", 0, 600_000)(flags.glueStartupMs) } : {}),
                },
              }
            : {}),
          workers: flags.workers === undefined ? Math.max(1, availableParallelism() - 1) : wholeNumber("--workers", 1, 64)(flags.workers),
          interrupt: interrupt.signal,
          drainMs,
          observers: (run) =>
            buildObservers(
              {
                observe: observeFlag ?? (run.scenario.observe ?? []).filter((n): n is ObserverName => (OBSERVER_NAMES as readonly string[]).includes(n)),
                mongoUrl: flags.mongoUrl,
                db: flags.db,
                allowDatabases: settings.allowDatabases,
                stackDir: flags.stackDir,
                queryRates: { ...run.scenario.queries, ...queryRates },
                ...(flags.glueJob ? { glueJob: flags.glueJob } : {}),
                ...(flags.glueRegion ? { glueRegion: flags.glueRegion } : {}),
                ...(flags.glueEndpoint ? { glueEndpoint: flags.glueEndpoint } : {}),
                ...(flags.glueKeyArg ? { glueKeyArgument: flags.glueKeyArg } : {}),
              },
              run,
            ),
          log: (line) => process.stderr.write(`hcsynth run: ${line}\n`),
          onTick: tty
            ? (s) => process.stderr.write(`\r${(s.elapsedMs / 1000).toFixed(0)}s/${(s.durationMs / 1000).toFixed(0)}s  uploaded ${s.uploads}  in flight ${s.inFlight}  dropped ${s.dropped}  failed ${s.failures}   `)
            : undefined,
        });
        if (tty) process.stderr.write("\n");
        const out = flags.out ?? join("hcsynth-runs", summary.run.id);
        const paths = await writeReports(summary, out);
        process.stdout.write(summaryTable(summary, { color: process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined }));
        process.stdout.write(`\n  summary  ${paths.summaryJson}\n  junit    ${paths.junitXml}\n  report   ${paths.reportHtml}\n`);
        process.exitCode = summary.run.exitCode;
      } catch (error) {
        if (error instanceof RangeError) throw new UserError(error.message);
        throw error;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });

  const scenarios = program.command("scenarios").description("list the built-in scenarios, or print one as JSON to copy and change");
  scenarios
    .command("list", { isDefault: true })
    .description("the built-in scenarios")
    .action(() => {
      for (const s of BUILTIN_SCENARIOS) process.stdout.write(`${s.name.padEnd(16)}${s.load.executor.padEnd(24)}${formatDuration(profileDurationMs(s.load)).padEnd(8)}${s.description}\n`);
    });
  scenarios
    .command("show")
    .argument("<scenario>", "a built-in scenario or a scenario JSON file")
    .description("print a scenario as JSON (validated, defaults filled)")
    .action((name: string) => {
      process.stdout.write(JSON.stringify(loadScenario(name), null, 2) + "\n");
    });
}
