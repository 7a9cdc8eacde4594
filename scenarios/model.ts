/**
 * The scenario model: a declarative load run — what data, at what arrival profile, judged by which
 * thresholds. The same object drives the embedded Node executor (`hcsynth run`) and the k6 scripts,
 * so it holds no executor details. Load profiles and thresholds use k6's vocabulary and syntax.
 */

/** A number drawn per file: a constant, or a distribution. */
export type Distribution =
  | number
  | { dist: "uniform"; min: number; max: number }
  /** log-normal around a median, clamped to [min, max] */
  | { dist: "lognormal"; median: number; sigma: number; min: number; max: number }
  | { dist: "choice"; values: number[]; weights?: number[] };

/** One entry of the file mix: files of this kind and concrete format, with a relative weight. */
export interface FileMixEntry {
  kind: "claims" | "encounters" | "eligibility" | "providers";
  /** A concrete format: csv, ndjson, x12-837p, x12-837i, x12-834. */
  format: string;
  weight: number;
}

export interface ScenarioData {
  seed: number;
  files: FileMixEntry[];
  recordsPerFile: Distribution;
  /** The world the files are drawn from: members and providers (claims and encounters are unbounded). */
  population?: { members?: number; providers?: number };
  /** Share of records given a record-level defect (0–1). */
  defectRate?: number;
  /** Share of files given a file-level defect (0–1). */
  defectiveFiles?: number;
  /** Defect codes to draw from, or "all" (the default when a rate or share is set). */
  defects?: string[] | "all";
  gzip?: boolean;
  /** Load the world's members and providers (NDJSON, through the target) before the clock starts. */
  reference?: boolean;
}

export interface ConstantArrivalRate {
  executor: "constant-arrival-rate";
  /** Iterations (files) per timeUnit. */
  rate: number;
  timeUnit?: string;
  duration: string;
}

export interface RampingArrivalRate {
  executor: "ramping-arrival-rate";
  startRate: number;
  timeUnit?: string;
  /** Each stage moves the rate linearly to `target` over `duration`. */
  stages: { target: number; duration: string }[];
}

export interface SharedIterations {
  executor: "shared-iterations";
  /** Files in the batch. */
  iterations: number;
  /** Files uploaded at once (k6's VUs). */
  vus: number;
  /** Give up after this long (default 10m). */
  maxDuration?: string;
}

export type LoadProfile = ConstantArrivalRate | RampingArrivalRate | SharedIterations;

/** A threshold in k6's syntax: an expression, or an object with abortOnFail. */
export type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export interface UploadSettings {
  /** Objects at or above this size go multipart (bytes, default 16 MiB). */
  multipartThreshold?: number;
  /** Multipart part size (bytes, default 8 MiB). */
  partSize?: number;
  /** Parts in flight per multipart upload (default 4). */
  queueSize?: number;
}

export interface Scenario {
  name: string;
  description: string;
  data: ScenarioData;
  load: LoadProfile;
  /** Uploads in flight at most; an arrival beyond it is a dropped iteration (k6's maxVUs). */
  maxInFlight: number;
  /** Metric (with optional tag filter) → expressions: `{ "upload_duration": ["p(95)<2000"] }`. */
  thresholds: Record<string, ThresholdSpec[]>;
  upload?: UploadSettings;
  /** Pipeline observers on by default for this scenario: "glue", "landed", "queries". */
  observe?: ("glue" | "landed" | "queries")[];
  /** Query name → queries per second for the query observer (default: each query's own rate). */
  queries?: Record<string, number>;
  /** Settings of a local stack started for the run: a Glue concurrency limit and start-up time, so queueing shows. */
  stack?: { maxConcurrentRuns?: number; glueStartupMs?: number };
}
