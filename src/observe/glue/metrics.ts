/**
 * The Glue observer's metrics, in scenarios/metrics.ts's format (thresholds may name them). Per-run
 * metrics count only runs matched to the run's uploads and carry the upload's `kind` and `format`;
 * `glue_runs` also carries the run's final `state`.
 */
import type { MetricDefinition } from "../../../scenarios/index.js";

export const GLUE_METRICS = {
  glue_queue_delay: { type: "trend", unit: "ms", description: "upload completed → the Glue run left the queue (StartedOn)", tags: ["kind", "format"] },
  glue_run_duration: { type: "trend", unit: "ms", description: "Glue run StartedOn → CompletedOn, for finished runs", tags: ["kind", "format", "state"] },
  glue_execution_time: { type: "trend", unit: "ms", description: "Glue's ExecutionTime of finished runs (reported in whole seconds)", tags: ["kind", "format", "state"] },
  glue_runs_failed: { type: "rate", unit: "count", description: "share of finished runs that did not succeed (FAILED, TIMEOUT, ERROR, STOPPED, EXPIRED)", tags: ["kind", "format"] },
  glue_runs: { type: "counter", unit: "count", description: "runs of the uploads, each counted once in its final state", tags: ["state", "kind", "format"] },
  glue_runs_waiting: { type: "gauge", unit: "count", description: "the job's runs WAITING at each poll (all of the job's runs, not only the run's)" },
} as const satisfies Record<string, MetricDefinition>;

export type GlueMetricName = keyof typeof GLUE_METRICS;

/** Per-second series columns the observer writes. */
export const GLUE_SERIES = {
  /** `glue_queue_p50/_p95/_p99`: queue delays recorded in that second. */
  queueLatencyPrefix: "glue_queue",
  /** The job's runs STARTING, RUNNING or STOPPING at the last poll of that second. */
  running: "glue_running",
  /** The job's runs WAITING at the last poll of that second. */
  waiting: "glue_waiting",
} as const;
