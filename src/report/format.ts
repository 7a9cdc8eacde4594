/**
 * How the reports write a run summary's numbers: metric values with their units (ms, MB, %),
 * durations, threshold values and the target. Shared by the console table, JUnit and HTML reports.
 */
import type { MetricSummary, RunSummary, RunTarget, ThresholdResult } from "../../scenarios/summary.js";
import { redactUrl } from "../target/redact.js";

/** The order k6 prints a trend's statistics in; other statistics follow, sorted. */
export const TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"] as const;

/** A plain number: integers as they are, others to 2 decimals (1 above 100, none above 1000). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return n.toFixed(0);
  if (abs >= 100) return n.toFixed(1);
  return n.toFixed(2);
}

/** Bytes as MB (10^6 bytes). */
export function formatMegabytes(bytes: number): string {
  return `${formatNumber(bytes / 1e6)} MB`;
}

/** A duration: `850ms`, `12.5s`, `1m30.0s`, `1h2m3s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${Math.floor(s)}s` : `${m}m${s.toFixed(1)}s`;
}

/** A value in a unit the summary uses: ms, bytes (shown as MB), percent or a count. */
export function formatInUnit(value: number, unit: "ms" | "bytes" | "percent" | "count"): string {
  switch (unit) {
    case "ms":
      return `${formatNumber(value)}ms`;
    case "bytes":
      return formatMegabytes(value);
    case "percent":
      return `${formatNumber(value)}%`;
    case "count":
      return formatNumber(value);
  }
}

/** A metric's values as labelled cells, in k6's order: `[["avg", "12.5ms"], …]`. */
export function metricCells(metric: MetricSummary): [label: string, value: string][] {
  switch (metric.type) {
    case "trend": {
      const extra = Object.keys(metric.values)
        .filter((k) => !(TREND_STATS as readonly string[]).includes(k))
        .sort();
      return [...TREND_STATS, ...extra]
        .filter((k) => typeof metric.values[k] === "number")
        .map((k) => [k, formatInUnit(metric.values[k]!, metric.unit)]);
    }
    case "counter": {
      const perSecond = metric.unit === "bytes" ? `${formatMegabytes(metric.values.rate)}/s` : `${formatNumber(metric.values.rate)}/s`;
      return [
        ["count", formatInUnit(metric.values.count, metric.unit)],
        ["rate", perSecond],
      ];
    }
    case "rate":
      // k6's passes and fails count true and false samples (a failed upload is a pass of upload_failed):
      // shown as how many of all were true, which reads right for every rate
      return [
        ["rate", `${formatNumber(metric.values.rate * 100)}%`],
        ["true", `${formatNumber(metric.values.passes)} of ${formatNumber(metric.values.passes + metric.values.fails)}`],
      ];
    case "gauge":
      return [
        ["value", formatInUnit(metric.values.value, metric.unit)],
        ["min", formatInUnit(metric.values.min, metric.unit)],
        ["max", formatInUnit(metric.values.max, metric.unit)],
      ];
  }
}

/** The metrics' names, sorted (a name sorts before its tagged sub-metrics). */
export function sortedMetricNames(summary: RunSummary): string[] {
  return Object.keys(summary.metrics).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A threshold as written: `upload_duration{upload:multipart}: p(95)<2000`. */
export function thresholdName(t: ThresholdResult): string {
  return `${t.metric}: ${t.expression}`;
}

/** The value a threshold compared (to 6 significant digits, unrounded otherwise), or `no samples`. */
export function formatActual(t: ThresholdResult): string {
  return t.actual === null ? "no samples" : String(Number(t.actual.toPrecision(6)));
}

/** Why a threshold failed, in one sentence. */
export function thresholdFailure(t: ThresholdResult): string {
  const abort = t.abortOnFail ? " (abortOnFail: the run was stopped)" : "";
  return t.actual === null
    ? `${thresholdName(t)} failed: the metric has no samples${abort}`
    : `${thresholdName(t)} failed: actual value ${formatActual(t)}${abort}`;
}

/** Where the run wrote: `s3://bucket/prefix (aws, eu-west-1)`; an endpoint loses any credentials. */
export function describeTarget(target: RunTarget): string {
  const prefix = target.prefix.replace(/^\/+/, "");
  const where = [target.kind, target.region, target.endpoint === undefined ? undefined : redactUrl(target.endpoint)].filter((x) => x !== undefined && x !== "");
  return `s3://${target.bucket}/${prefix} (${where.join(", ")})`;
}

/** Every status: what it means, for a one-line description. */
export const STATUS_TEXT: Record<RunSummary["run"]["status"], string> = {
  passed: "passed",
  "thresholds-failed": "thresholds failed",
  aborted: "aborted by a threshold",
  interrupted: "interrupted",
  error: "error",
};
