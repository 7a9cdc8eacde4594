/**
 * `hcsynth observe`: the pipeline observers on their own, beside a load that ran elsewhere (a k6 run,
 * another machine's `hcsynth run`, or a run made without observers). The run's objects are found in
 * S3 under PREFIX/RUN_ID/ with the metadata hcsynth puts on them (records, kind, format, file ID);
 * an object's upload time is the later of the start its metadata records and its LastModified (see
 * uploadTimeOf), and with defects what it should land comes from generating it again. New objects keep
 * being picked up for `watchMs`, then the observers drain. Their metrics, series columns and the
 * scenario's thresholds on them are merged into the run's summary.json, and the reports re-rendered.
 */
import { HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createWorld, renderFile, resolveWorldConfig, type World } from "../../generators/index.js";
import {
  iterationFile,
  OBSERVER_METRICS,
  parseThresholds,
  RUN_METRICS,
  scenarioDefects,
  scenarioWorldConfig,
  type RunSummary,
  type Scenario,
} from "../../scenarios/index.js";
import { MetricsRegistry } from "../run/metrics.js";
import { evaluate } from "../run/run.js";
import { scenarioOfRun } from "../run/scenario-source.js";
import { SeriesRecorder } from "../run/series.js";
import { resolveS3Target } from "../target/s3-target.js";
import { redactMessage } from "../target/redact.js";
import { buildObservers, type ObserveSettings } from "./setup.js";
import { uploadTimeOf, type UploadedFile } from "./observer.js";

export interface StandaloneOptions {
  summary: RunSummary;
  settings: ObserveSettings;
  /** How long to keep picking up new objects of the run (ms). */
  watchMs: number;
  drainMs: number;
  interrupt: AbortSignal;
  log: (line: string) => void;
}

/**
 * What a correct pipeline loads from an uploaded iteration file: every record, unless the scenario
 * injects defects; then the file's ground truth, from generating it again (a pure function of the
 * seed and the iteration), as the run did when it uploaded the file.
 */
export function expectedLoadedOf(scenario: Scenario, world: World, runId: string, file: UploadedFile): number {
  if (!scenarioDefects(scenario)) return file.records;
  const { spec } = iterationFile(scenario, file.iteration, runId);
  const render = renderFile(world, spec);
  for (let step = render.next(); ; step = render.next()) if (step.done) return step.value.expected?.load ?? file.records;
}

/** The iteration index in an hcsynth file name (`claims-000042.csv`). */
const ITERATION = /-(\d{6})\.[^/]+$/;

export async function observeRun(options: StandaloneOptions): Promise<RunSummary> {
  const summary = structuredClone(options.summary);
  const { run } = summary;
  const scenario = scenarioOfRun(run);
  const t = run.target;
  const target = await resolveS3Target({
    target: t.kind,
    bucket: t.bucket,
    prefix: t.prefix,
    ...(t.kind === "aws" && t.region ? { region: t.region } : {}),
    ...(t.kind === "aws" && t.endpoint ? { endpoint: t.endpoint } : {}),
    // observing reads the run's bucket, it writes nothing there
    allowBuckets: [t.bucket],
    stackDir: options.settings.stackDir,
    log: options.log,
  });
  const root = `${target.prefix ? target.prefix + "/" : ""}${run.id}/`;
  const seen = new Set<string>();
  const list = async (): Promise<UploadedFile[]> => {
    const out: UploadedFile[] = [];
    let token: string | undefined;
    do {
      const page = await target.client.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: root, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key || seen.has(o.Key) || o.Key.startsWith(`${root}reference/`)) continue;
        seen.add(o.Key);
        const head = await target.client.send(new HeadObjectCommand({ Bucket: target.bucket, Key: o.Key }));
        const m = head.Metadata ?? {};
        const records = Number(m["hcsynth-records"] ?? NaN);
        const iteration = Number(ITERATION.exec(o.Key)?.[1] ?? NaN);
        if (!Number.isInteger(records) || !Number.isInteger(iteration) || !m["hcsynth-kind"]) continue; // not an hcsynth iteration file
        out.push({ bucket: target.bucket, key: o.Key, uploadedAt: uploadTimeOf(m, o.LastModified), kind: m["hcsynth-kind"], format: m["hcsynth-format"] ?? "", records, expectedLoaded: records, fileId: m["hcsynth-file-id"] ?? o.Key, iteration });
      }
      token = page.NextContinuationToken;
    } while (token);
    return out;
  };
  const metrics = new MetricsRegistry({ ...RUN_METRICS, ...OBSERVER_METRICS });
  const errors = new Map<string, number>();
  let built: Awaited<ReturnType<typeof buildObservers>> | null = null;
  const started = performance.now();
  try {
    const first = await list();
    options.log(`run ${run.id}: ${first.length} files found under s3://${target.bucket}/${root}`);
    const iterations = Math.max(1, ...first.map((f) => f.iteration + 1));
    const world = createWorld(resolveWorldConfig(scenarioWorldConfig(scenario, iterations * 2)));
    // the run's Glue runs may all be over already: look back to its start
    built = await buildObservers({ since: new Date(Date.parse(run.startedAt) - 1000), ...options.settings }, { runId: run.id, scenario, world, target });
    // the series keeps the run's own timeline: second 0 is the run's start
    const series = new SeriesRecorder(performance.now() - Math.max(0, Date.now() - Date.parse(run.startedAt)));
    const error = (observer: string, message: string): void => {
      metrics.add("observer_errors", 1, { observer });
      const msg = redactMessage(`observer ${observer}: ${message}`);
      errors.set(msg, (errors.get(msg) ?? 0) + 1);
    };
    for (const o of built.observers) await o.start({ metrics, series, error, log: options.log });
    const feed = (files: UploadedFile[]): void => {
      for (const f of files) {
        f.expectedLoaded = expectedLoadedOf(scenario, world, run.id, f);
        for (const o of built!.observers) o.onUpload?.(f);
      }
    };
    feed(first);
    const watchUntil = Date.now() + options.watchMs;
    while (Date.now() < watchUntil && !options.interrupt.aborted) {
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, watchUntil - Date.now()))));
      feed(await list());
    }
    const deadline = Date.now() + (options.interrupt.aborted ? 0 : options.drainMs);
    await Promise.all(built.observers.map((o) => o.stop(deadline)));
    // merge: the observers' metrics and series columns, the scenario's thresholds on them, their errors
    const observed = metrics.summary(performance.now() - started);
    for (const [key, value] of Object.entries(observed)) {
      const name = key.replace(/\{.*$/, "");
      if (name in OBSERVER_METRICS) summary.metrics[key] = value;
    }
    const mine = series.snapshot(performance.now());
    const columns = mine.columns.filter((c) => c !== "t" && !summary.series.columns.includes(c));
    for (const c of columns) {
      const from = mine.columns.indexOf(c);
      summary.series.columns.push(c);
      const rows = summary.series.rows;
      while (rows.length < mine.rows.length) rows.push([rows.length, ...new Array<number | null>(summary.series.columns.length - 2).fill(null)]);
      rows.forEach((row, i) => {
        while (row.length < summary.series.columns.length - 1) row.push(null);
        row.push(mine.rows[i]?.[from] ?? null);
      });
    }
    const observerThresholds = parseThresholds(scenario.thresholds).filter((p) => p.metric.name in OBSERVER_METRICS);
    const judged = evaluate(observerThresholds, metrics, performance.now() - started, new Set());
    summary.thresholds = [...summary.thresholds.filter((r) => !judged.some((j) => j.metric === r.metric && j.expression === r.expression)), ...judged];
    for (const [message, n] of errors) summary.errors.push({ message, count: n });
    if (judged.some((r) => !r.ok) && summary.run.status === "passed") {
      summary.run.status = "thresholds-failed";
      summary.run.exitCode = 99;
    }
    return summary;
  } finally {
    await built?.close().catch(() => undefined);
    await target.close();
  }
}
