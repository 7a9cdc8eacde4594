/**
 * The metrics a run reports, by name, with k6's types. Thresholds may name only these (with an
 * optional tag filter). Observers (pipeline latency, query times) add theirs here.
 */

export type MetricType = "trend" | "counter" | "rate" | "gauge";

export interface MetricDefinition {
  type: MetricType;
  unit: "ms" | "bytes" | "count" | "percent";
  description: string;
  /** Tags a threshold may filter on. */
  tags?: readonly string[];
}

export const RUN_METRICS = {
  upload_duration: { type: "trend", unit: "ms", description: "time to upload one file (PutObject, or a whole multipart upload)", tags: ["upload", "kind", "format"] },
  upload_failed: { type: "rate", unit: "count", description: "share of uploads that failed", tags: ["kind", "format"] },
  uploads: { type: "counter", unit: "count", description: "files uploaded", tags: ["upload", "kind", "format"] },
  upload_bytes: { type: "counter", unit: "bytes", description: "bytes uploaded", tags: ["kind", "format"] },
  upload_records: { type: "counter", unit: "count", description: "records in the files uploaded" },
  upload_retries: { type: "counter", unit: "count", description: "retries made by the S3 SDK" },
  s3_slowdown: { type: "counter", unit: "count", description: "503 SlowDown responses from S3" },
  iterations: { type: "counter", unit: "count", description: "arrivals started (uploads attempted)" },
  dropped_iterations: { type: "counter", unit: "count", description: "arrivals not started: the in-flight limit was reached, or the file was not generated in time", tags: ["reason"] },
  arrival_lateness: { type: "trend", unit: "ms", description: "how long after its scheduled time each arrival started (the executor's own accuracy)" },
  generation_duration: { type: "trend", unit: "ms", description: "time to generate one file, ahead of its upload (off the timed path)" },
  harness_cpu: { type: "gauge", unit: "percent", description: "the harness process's CPU, % of one core" },
  harness_rss: { type: "gauge", unit: "bytes", description: "the harness process's resident memory" },
} as const satisfies Record<string, MetricDefinition>;

export type RunMetricName = keyof typeof RUN_METRICS;

/** The pipeline observers' metrics (Glue job runs, landed records, queries under load). */
export const OBSERVER_METRICS = {
  glue_queue_delay: { type: "trend", unit: "ms", description: "upload completed → the Glue run left the queue (StartedOn)", tags: ["kind", "format"] },
  glue_run_duration: { type: "trend", unit: "ms", description: "Glue run StartedOn → CompletedOn, for finished runs", tags: ["kind", "format", "state"] },
  glue_execution_time: { type: "trend", unit: "ms", description: "Glue's ExecutionTime of finished runs (reported in whole seconds)", tags: ["kind", "format", "state"] },
  glue_runs_failed: { type: "rate", unit: "count", description: "share of finished runs that did not succeed (FAILED, TIMEOUT, ERROR, STOPPED, EXPIRED)", tags: ["kind", "format"] },
  glue_runs: { type: "counter", unit: "count", description: "runs of the uploads, each counted once in its final state", tags: ["state", "kind", "format"] },
  glue_runs_waiting: { type: "gauge", unit: "count", description: "the job's runs WAITING at each poll (all of the job's runs, not only the run's)" },
  landed_latency: { type: "trend", unit: "ms", description: "upload completed → every expected record of the file queryable", tags: ["kind"] },
  landed_ratio: { type: "rate", unit: "count", description: "share of uploaded files whose expected records all landed by the deadline", tags: ["kind"] },
  landed_duplicates: { type: "counter", unit: "count", description: "documents found beyond a file's expected count" },
  query_duration: { type: "trend", unit: "ms", description: "one query's latency", tags: ["query"] },
  query_failed: { type: "rate", unit: "count", description: "share of queries that failed", tags: ["query"] },
  query_skipped: { type: "counter", unit: "count", description: "queries not sent: the previous ones of that query were all still running", tags: ["query"] },
  observer_errors: { type: "counter", unit: "count", description: "errors of the observers (an unreachable database or Glue API); the run goes on", tags: ["observer"] },
} as const satisfies Record<string, MetricDefinition>;

/** The known metrics: the run's, the observers', plus any given as `extra`. */
export function metricDefinition(name: string, extra: Readonly<Record<string, MetricDefinition>> = {}): MetricDefinition | undefined {
  return (RUN_METRICS as Record<string, MetricDefinition>)[name] ?? (OBSERVER_METRICS as Record<string, MetricDefinition>)[name] ?? extra[name];
}
