/**
 * The API behind `hcsynth run`: a scenario against a target, measured, judged by its thresholds and
 * written up. Generation runs ahead on worker threads (FileSource); the executor keeps the arrival
 * schedule; this module turns iterations into uploads and uploads into metrics.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWorld, resolveWorldConfig, type World } from "../../generators/index.js";
import type { Db } from "mongodb";
import { UPLOAD_STARTED_METADATA, type Observer, type UploadedFile } from "../observe/observer.js";
import { awaitReferenceData, uploadReferenceData } from "./reference-data.js";
import {
  arrivalCount,
  compare,
  iterationFile,
  parseThresholds,
  profileDurationMs,
  OBSERVER_METRICS,
  RUN_METRICS,
  SUMMARY_SCHEMA,
  scenarioWorldConfig,
  withOverrides,
  type MetricDefinition,
  type ParsedThreshold,
  type RunStatus,
  type RunSummary,
  type Scenario,
  type ThresholdResult,
} from "../../scenarios/index.js";
import { resolveS3Target, type ResolvedS3Target, type S3TargetOptions } from "../target/s3-target.js";
import { redactMessage } from "../target/redact.js";
import { VERSION } from "../version.js";
import { execute } from "./executor.js";
import { FileSource, type ReadyFile } from "./file-source.js";
import { HarnessMonitor } from "./harness-monitor.js";
import { MetricsRegistry } from "./metrics.js";
import { loadScenario } from "./scenario-source.js";
import { SeriesRecorder } from "./series.js";
import { countSlowDowns, DEFAULT_UPLOAD_SETTINGS, uploadFile, type UploadSettings } from "./uploader.js";

/** Where the run uploads: the S3 target's own options (see resolveS3Target). */
type RunTargetOptions = Pick<S3TargetOptions, "target" | "bucket" | "prefix" | "region" | "endpoint" | "allowBuckets" | "stackDir">;

export interface RunOptions extends RunTargetOptions {
  /** A built-in scenario's name or a JSON file's path. */
  scenario: string;
  duration?: string;
  rate?: number;
  seed?: number;
  /** `METRIC=EXPRESSION` flags. */
  thresholds: string[];
  upload?: Partial<UploadSettings>;
  /** Pipeline settings of a local stack started for the run (over the scenario's `stack`). */
  stack?: { maxConcurrentRuns?: number; glueStartupMs?: number };
  /** Generation worker threads. */
  workers: number;
  /** Aborted on SIGINT: a graceful stop with a partial report. */
  interrupt: AbortSignal;
  log: (line: string) => void;
  /** Once a second: a status line (for a TTY). */
  onTick?: (status: TickStatus) => void;
  /** Metrics beyond the run's and the observers', usable in thresholds. */
  extraMetrics?: Readonly<Record<string, MetricDefinition>>;
  /** The pipeline observers of this run, built once the target is known. */
  observers?: (run: ObservedRun) => Promise<{ observers: Observer[]; close(): Promise<void>; db?: Db }>;
  /** How long observers may go on after the uploads end (ms, default 60 s). */
  drainMs?: number;
}

/** What observers are told about the run they watch. */
export interface ObservedRun {
  runId: string;
  scenario: Scenario;
  world: World;
  target: ResolvedS3Target;
}

export interface TickStatus {
  elapsedMs: number;
  durationMs: number;
  uploads: number;
  failures: number;
  dropped: number;
  inFlight: number;
}

export const EXIT = { passed: 0, error: 1, thresholds: 99, interrupted: 130 } as const;

const CONTENT_TYPES: Record<string, string> = { csv: "text/csv", ndjson: "application/x-ndjson", "x12-837p": "application/edi-x12", "x12-837i": "application/edi-x12", "x12-834": "application/edi-x12" };

function newRunId(scenario: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  return `${scenario}-${stamp}-${randomUUID().slice(0, 6)}`;
}

/** Each threshold judged against the metrics now (a threshold with no samples fails, as in k6). */
export function evaluate(thresholds: readonly ParsedThreshold[], metrics: MetricsRegistry, elapsedMs: number, cliKeys: Set<string>): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = metrics.valueFor(t, elapsedMs);
    return { metric: t.metric.key, expression: t.expression, ok: actual !== null && compare(actual, t.operator, t.value), actual, abortOnFail: t.abortOnFail, source: cliKeys.has(t.metric.key) ? "cli" : "scenario" };
  });
}

export interface RunResult {
  summary: RunSummary;
  scenario: Scenario;
}

export async function runScenario(options: RunOptions): Promise<RunResult> {
  const extra = options.extraMetrics ?? {};
  const { scenario, cliThresholds } = withOverrides(loadScenario(options.scenario), { duration: options.duration, rate: options.rate, thresholds: options.thresholds, seed: options.seed }, extra);
  const thresholds = parseThresholds(scenario.thresholds, extra);
  const settings: UploadSettings = { ...DEFAULT_UPLOAD_SETTINGS, ...scenario.upload, ...options.upload };
  const iterations = arrivalCount(scenario.load);
  const durationMs = profileDurationMs(scenario.load);
  const runId = newRunId(scenario.name);
  const target: ResolvedS3Target = await resolveS3Target({
    target: options.target,
    bucket: options.bucket,
    prefix: options.prefix,
    region: options.region,
    endpoint: options.endpoint,
    allowBuckets: options.allowBuckets,
    stackDir: options.stackDir,
    maxSockets: Math.max(scenario.maxInFlight * settings.queueSize, 16),
    ...(scenario.stack || options.stack ? { stackSettings: { ...scenario.stack, ...options.stack } } : {}),
    log: options.log,
  });
  const metrics = new MetricsRegistry({ ...RUN_METRICS, ...OBSERVER_METRICS, ...extra });
  const errors = new Map<string, number>();
  const scratch = await mkdtemp(join(tmpdir(), "hcsynth-run-"));
  const world = resolveWorldConfig(scenarioWorldConfig(scenario, iterations));
  // this thread's copy of the world (the workers build their own), for reference data and observers
  let worldHere: World | undefined;
  const localWorld = (): World => (worldHere ??= createWorld(world));
  const lookahead = Math.max(8, scenario.maxInFlight * 2);
  const source = new FileSource({
    world,
    gzip: scenario.data.gzip === true,
    dir: scratch,
    specOf: (i) => iterationFile(scenario, i, runId).spec,
    iterations,
    workers: options.workers,
    lookahead,
  });
  countSlowDowns(target.client, () => metrics.add("s3_slowdown"));
  const startedAtIso = new Date().toISOString();
  let series: SeriesRecorder | null = null;
  let observers: Observer[] = [];
  let closeObservers = async (): Promise<void> => undefined;
  let observedDb: Db | undefined;
  let referenceLoad: Awaited<ReturnType<typeof uploadReferenceData>> | undefined;
  let clock0 = 0;
  let status: RunStatus = "passed";
  let reason: string | undefined;
  let elapsed = 0;
  let results: ThresholdResult[] = [];
  try {
    await source.start();
    options.log(`run ${runId}: scenario ${scenario.name}, ${iterations} files to s3://${target.bucket}/${target.prefix ? target.prefix + "/" : ""}${runId}/ (generating ahead)`);
    if (scenario.data.reference) {
      const load = await uploadReferenceData(localWorld(), target.client, target.bucket, target.prefix ? `${target.prefix}/${runId}` : runId);
      options.log(`reference data uploaded: ${load.members} members, ${load.providers} providers (${load.keys.length} files)`);
      referenceLoad = load;
    }
    await source.warmUp(lookahead);
    const monitor = new HarnessMonitor();
    if (options.observers) {
      const built = await options.observers({ runId, scenario, world: localWorld(), target });
      observers = built.observers;
      closeObservers = built.close;
      observedDb = built.db;
    }
    const observerErrors = (observer: string, message: string): void => {
      metrics.add("observer_errors", 1, { observer });
      const m = redactMessage(`observer ${observer}: ${message}`);
      errors.set(m, (errors.get(m) ?? 0) + 1);
    };
    if (referenceLoad && observedDb) {
      try {
        const found = await awaitReferenceData(observedDb, referenceLoad, Date.now() + 180_000, options.interrupt);
        options.log(`reference data queryable: ${found.members} of ${referenceLoad.members} members, ${found.providers} of ${referenceLoad.providers} providers`);
      } catch (error) {
        // an unreachable database is the observers' problem to report, not a reason to stop the run
        options.log(`reference data: cannot check the database (${redactMessage((error as Error).message)}); going on`);
      }
    }
    clock0 = performance.now();
    const rec = new SeriesRecorder(clock0, ["files", "bytes", "failures", "dropped"]);
    series = rec;
    for (const o of observers) await o.start({ metrics, series: rec, error: observerErrors, log: options.log });
    let uploadsDone = 0;
    let failures = 0;
    let dropped = 0;
    let inFlight = 0;
    const keyOf = (f: ReadyFile): string => (target.prefix ? `${target.prefix}/${f.file.path}` : f.file.path);

    const upload = async (f: ReadyFile, signal: AbortSignal): Promise<void> => {
      inFlight++;
      const tags = { kind: f.spec.kind, format: f.spec.format };
      metrics.add("iterations");
      const outcome = await uploadFile(
        target.client,
        {
          bucket: target.bucket,
          key: keyOf(f),
          path: f.path,
          bytes: f.file.bytes,
          contentType: scenario.data.gzip ? "application/gzip" : (CONTENT_TYPES[f.spec.format] ?? "application/octet-stream"),
          metadata: { "hcsynth-run-id": runId, "hcsynth-file-id": f.file.path, "hcsynth-records": String(f.file.records), "hcsynth-seed": String(scenario.data.seed), "hcsynth-kind": f.spec.kind, "hcsynth-format": f.spec.format, [UPLOAD_STARTED_METADATA]: String(Date.now()) },
        },
        settings,
        signal,
      );
      inFlight--;
      const now = performance.now();
      metrics.trend("generation_duration", f.generationMs);
      metrics.rate("upload_failed", !outcome.ok, tags);
      if (outcome.retries > 0) metrics.add("upload_retries", outcome.retries);
      if (outcome.ok) {
        uploadsDone++;
        const uploadTags = { ...tags, upload: outcome.multipart ? "multipart" : "single" };
        metrics.trend("upload_duration", outcome.ms, uploadTags);
        metrics.add("uploads", 1, uploadTags);
        metrics.add("upload_bytes", f.file.bytes, tags);
        metrics.add("upload_records", f.file.records);
        const uploaded: UploadedFile = {
          bucket: target.bucket,
          key: keyOf(f),
          uploadedAt: Date.now(),
          kind: f.spec.kind,
          format: f.spec.format,
          records: f.file.records,
          expectedLoaded: f.file.expected?.load ?? f.file.records,
          fileId: f.file.path,
          iteration: f.index,
        };
        for (const o of observers) o.onUpload?.(uploaded);
        rec.add("files", 1, now);
        rec.add("bytes", f.file.bytes, now);
        rec.latency("upload", outcome.ms, now);
      } else {
        failures++;
        rec.add("failures", 1, now);
        const e = outcome.error as { name?: string; message?: string };
        const message = redactMessage(`${e?.name ?? "Error"}: ${e?.message ?? String(outcome.error)}`);
        errors.set(message, (errors.get(message) ?? 0) + 1);
      }
      await rm(f.path, { force: true });
    };

    const result = await execute(
      { profile: scenario.load, maxInFlight: scenario.maxInFlight, interrupt: options.interrupt },
      {
        startNow: (k, signal) => {
          const f = source.takeNow(k);
          return f ? upload(f, signal) : null;
        },
        arrived: (_k, lateMs) => metrics.trend("arrival_lateness", lateMs),
        startWhenReady: async (k, signal) => upload(await source.take(k), signal),
        dropped: (k, why) => {
          dropped++;
          metrics.add("dropped_iterations", 1, { reason: why });
          rec.add("dropped", 1, performance.now());
          // a dropped arrival's file is not uploaded
          if (why === "in_flight") {
            const f = source.takeNow(k);
            if (f) void rm(f.path, { force: true });
          }
        },
        tick: (elapsedMs, running) => {
          const now = performance.now();
          const { cpuPercent, rssBytes } = monitor.sample();
          metrics.gauge("harness_cpu", cpuPercent);
          metrics.gauge("harness_rss", rssBytes);
          rec.set("cpu", Math.round(cpuPercent * 10) / 10, now - 1);
          rec.set("rss_mb", Math.round(rssBytes / 1e5) / 10, now - 1);
          rec.set("in_flight", running, now - 1);
          options.onTick?.({ elapsedMs, durationMs, uploads: uploadsDone, failures, dropped, inFlight });
          for (const r of evaluate(thresholds.filter((t) => t.abortOnFail && elapsedMs >= t.delayAbortEvalMs), metrics, elapsedMs, cliThresholds)) {
            if (!r.ok && r.actual !== null) return `threshold ${r.metric} ${r.expression} failed (actual ${r.actual}) with abortOnFail`;
          }
          return null;
        },
      },
    );
    elapsed = result.endedAt - result.startedAt;
    if (observers.length > 0) {
      const drain = result.stoppedBy?.kind === "interrupt" ? 0 : (options.drainMs ?? 60_000);
      options.log(`uploads done: observers drain for up to ${(drain / 1000).toFixed(0)} s`);
      const deadline = Date.now() + drain;
      await Promise.all(observers.map((o) => o.stop(deadline)));
      observers = [];
    }
    results = evaluate(thresholds, metrics, elapsed, cliThresholds);
    if (result.stoppedBy?.kind === "interrupt") {
      status = "interrupted";
      reason = "interrupted (SIGINT): partial results";
    } else if (result.stoppedBy?.kind === "abort") {
      status = "aborted";
      reason = result.stoppedBy.reason;
    } else if (results.some((r) => !r.ok)) status = "thresholds-failed";
    else if (failures > 0 && !thresholds.some((t) => t.metric.name === "upload_failed")) {
      status = "error";
      reason = `${failures} upload${failures === 1 ? "" : "s"} failed (and no upload_failed threshold judges them)`;
    }
  } catch (error) {
    status = "error";
    reason = redactMessage((error as Error).message ?? String(error));
    if (!series) throw error;
  } finally {
    await Promise.all(observers.map((o) => o.stop(Date.now()).catch(() => undefined)));
    await closeObservers().catch(() => undefined);
    await source.close();
    await target.close();
  }
  const exitCode = status === "passed" ? EXIT.passed : status === "interrupted" ? EXIT.interrupted : status === "error" ? EXIT.error : EXIT.thresholds;
  const summary: RunSummary = {
    schema: SUMMARY_SCHEMA,
    run: {
      id: runId,
      scenario: scenario.name,
      description: scenario.description,
      executor: "node",
      hcsynthVersion: VERSION,
      seed: scenario.data.seed,
      target: { ...target.description, prefix: target.prefix },
      startedAt: startedAtIso,
      endedAt: new Date().toISOString(),
      durationMs: Math.round(elapsed),
      status,
      exitCode,
      ...(reason ? { reason } : {}),
      definition: scenario,
    },
    metrics: metrics.summary(elapsed, thresholds),
    thresholds: results,
    series: series.snapshot(clock0 + elapsed),
    errors: [...errors].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count),
  };
  return { summary, scenario };
}
