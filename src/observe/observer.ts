/**
 * Pipeline observers: measurements of what happens after an upload — Glue job runs, records landing
 * in the database, query times under load — taken during a run (or beside an external one, `hcsynth
 * observe`) and recorded into the run's metrics and per-second series. An observer never stops the
 * run: its failures (an unreachable database or Glue API) are counted as observer errors, and it stops
 * at the run's end plus a drain deadline.
 */
import type { MetricDefinition } from "../../scenarios/index.js";
import type { MetricsRegistry } from "../run/metrics.js";
import type { SeriesRecorder } from "../run/series.js";

export const OBSERVER_NAMES = ["glue", "landed", "queries"] as const;
export type ObserverName = (typeof OBSERVER_NAMES)[number];

/** A file the run uploaded, as observers see it. */
export interface UploadedFile {
  bucket: string;
  key: string;
  /** Wall-clock ms (Date.now()) when the upload completed. */
  uploadedAt: number;
  kind: string;
  format: string;
  /** Records in the file. */
  records: number;
  /** Records a correct pipeline loads from it (the ground truth: all of them for a clean file). */
  expectedLoaded: number;
  /** hcsynth-file-id: the file's path under the run. */
  fileId: string;
  /** Iteration index (its records' index range is known from the seed). */
  iteration: number;
}

/** Metadata an upload carries: when it started (epoch milliseconds). */
export const UPLOAD_STARTED_METADATA = "hcsynth-upload-started";

/**
 * When an object was uploaded, as well as S3 tells: the later of two lower bounds of its completion,
 * the start recorded in its metadata (to the millisecond; absent on objects hcsynth did not upload) and
 * its LastModified (to the second, and a multipart upload's start on AWS).
 */
export function uploadTimeOf(metadata: Record<string, string>, lastModified: Date | undefined): number {
  const started = Number(metadata[UPLOAD_STARTED_METADATA]);
  const modified = lastModified?.getTime() ?? NaN;
  const known = [started, modified].filter((t) => Number.isFinite(t) && t > 0);
  return known.length > 0 ? Math.max(...known) : Date.now();
}

export interface ObserverContext {
  metrics: MetricsRegistry;
  series: SeriesRecorder;
  /** Counts an observer error (message redacted by the caller) without stopping anything. */
  error(observer: string, message: string): void;
  log(line: string): void;
}

export interface Observer {
  readonly name: string;
  /** The metrics it records (thresholds may name them). */
  readonly metrics: Readonly<Record<string, MetricDefinition>>;
  start(ctx: ObserverContext): Promise<void>;
  /** Each completed upload, as it completes. */
  onUpload?(file: UploadedFile): void;
  /** The run is over: finish what is pending by `deadline` (Date.now() ms), then stop. Never hangs. */
  stop(deadline: number): Promise<void>;
}

/** The definitions of some metrics, for an observer's `metrics`. */
export function pick<T extends Record<string, MetricDefinition>, K extends keyof T>(all: T, names: readonly K[]): Pick<T, K> {
  return Object.fromEntries(names.map((n) => [n, all[n]])) as Pick<T, K>;
}
