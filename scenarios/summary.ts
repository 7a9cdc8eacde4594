/**
 * The run summary (`summary.json`): what one load run did, as numbers. Both executors produce it —
 * the embedded Node executor (`hcsynth run`) and the k6 scripts (through handleSummary) — so it
 * depends on neither. The schema is documented in docs/summary.md; observers (pipeline latency,
 * query times) add metrics and series columns without changing its shape.
 */

import type { Scenario } from "./model.js";

export const SUMMARY_SCHEMA = "hcsynth.run-summary/1";

/** How a run ended. */
export type RunStatus =
  /** every threshold passed */
  | "passed"
  /** the run ended on schedule and a threshold failed (exit 99) */
  | "thresholds-failed"
  /** a threshold with abortOnFail failed during the run (exit 99) */
  | "aborted"
  /** SIGINT/SIGTERM: a partial summary (exit 130) */
  | "interrupted"
  /** the run could not go on (exit 1) */
  | "error";

export interface TrendValues {
  avg: number;
  min: number;
  med: number;
  max: number;
  "p(90)": number;
  "p(95)": number;
  "p(99)": number;
  [stat: string]: number;
}

/** k6's four metric types, with the values k6's summary gives each. */
export type MetricSummary =
  | { type: "trend"; unit: "ms" | "bytes" | "percent" | "count"; count: number; values: TrendValues }
  | { type: "counter"; unit: "count" | "bytes"; values: { count: number; rate: number } }
  | { type: "rate"; values: { rate: number; passes: number; fails: number } }
  | { type: "gauge"; unit: "count" | "bytes" | "percent" | "ms"; values: { value: number; min: number; max: number } };

export interface ThresholdResult {
  /** The metric with its tag filter, as written: `upload_duration{upload:multipart}`. */
  metric: string;
  /** The expression, as written: `p(95)<2000`. */
  expression: string;
  ok: boolean;
  /** The value the expression compared (null when the metric has no samples). */
  actual: number | null;
  abortOnFail: boolean;
  /** Where it came from: the scenario or a --threshold flag. */
  source: "scenario" | "cli";
}

/**
 * One row per second of the run. Well-known columns: `t` (seconds since start), `files`, `bytes`,
 * `failures`, `dropped`, `in_flight`, `upload_p50`, `upload_p95`, `upload_p99` (ms, null in a
 * second without uploads), `cpu` (the harness's CPU, % of one core), `rss_mb`. Observers add their own.
 */
export interface TimeSeries {
  intervalMs: number;
  columns: string[];
  rows: (number | null)[][];
}

export interface RunTarget {
  kind: "local" | "aws";
  bucket: string;
  prefix: string;
  region?: string;
  /** An endpoint override (local stack, another S3-compatible store); never credentials. */
  endpoint?: string;
}

export interface RunSummary {
  schema: typeof SUMMARY_SCHEMA;
  run: {
    id: string;
    scenario: string;
    description: string;
    executor: "node" | "k6";
    hcsynthVersion: string;
    seed: number;
    target: RunTarget;
    startedAt: string;
    endedAt: string;
    durationMs: number;
    status: RunStatus;
    exitCode: number;
    /** Why the run stopped early, when it did. */
    reason?: string;
    /**
     * The scenario as it ran (overrides and seed applied), so that `hcsynth observe` can regenerate
     * any iteration's file without the scenario's JSON file. Absent from summaries of older versions.
     */
    definition?: Scenario;
  };
  /** Keyed by metric name, with a tag set in k6's syntax where the metric is split: `upload_duration{upload:multipart}`. */
  metrics: Record<string, MetricSummary>;
  thresholds: ThresholdResult[];
  series: TimeSeries;
  /** Distinct error messages and how often each happened (credentials redacted). */
  errors: { message: string; count: number }[];
}
