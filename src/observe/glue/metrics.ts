/**
 * The Glue observer's metrics, in scenarios/metrics.ts's format (thresholds may name them). Per-run
 * metrics count only runs matched to the run's uploads and carry the upload's `kind` and `format`;
 * `glue_runs` also carries the run's final `state`.
 */
import { OBSERVER_METRICS } from "../../../scenarios/index.js";
import { pick } from "../observer.js";

export const GLUE_METRICS = pick(OBSERVER_METRICS, ["glue_queue_delay", "glue_run_duration", "glue_execution_time", "glue_runs_failed", "glue_runs", "glue_runs_waiting"]);

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
