/**
 * Which charts report.html draws from a summary's time series: the well-known ones (throughput,
 * upload latency, failures, in-flight uploads, harness resources) and one per group of other columns,
 * so a column an observer adds (`landed_p95`, `query_p99`) is charted without a change here.
 */
import type { TimeSeries } from "../../scenarios/summary.js";

export interface ChartLine {
  /** The series column the line is drawn from (the path's `data-series`). */
  column: string;
  label: string;
  /** Each value is multiplied by this (bytes per interval → MB/s). */
  scale: number;
  axis: "left" | "right";
  color: string;
}

export interface ChartSpec {
  /** The svg's `data-chart`. */
  name: string;
  title: string;
  left: { unit: string };
  right?: { unit: string };
  lines: ChartLine[];
}

const COLORS = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4b5563"];

/** Columns the well-known charts draw, and `t`, the x axis. */
const KNOWN_COLUMNS = new Set(["t", "files", "bytes", "failures", "dropped", "in_flight", "upload_p50", "upload_p95", "upload_p99", "cpu", "rss_mb"]);

function wellKnown(perSecond: number): ChartSpec[] {
  return [
    {
      name: "throughput",
      title: "Throughput",
      left: { unit: "MB/s" },
      right: { unit: "files/s" },
      lines: [
        { column: "bytes", label: "MB/s", scale: perSecond / 1e6, axis: "left", color: COLORS[0]! },
        { column: "files", label: "files/s", scale: perSecond, axis: "right", color: COLORS[2]! },
      ],
    },
    {
      name: "latency",
      title: "Upload latency",
      left: { unit: "ms" },
      lines: [
        { column: "upload_p50", label: "p50", scale: 1, axis: "left", color: COLORS[2]! },
        { column: "upload_p95", label: "p95", scale: 1, axis: "left", color: COLORS[3]! },
        { column: "upload_p99", label: "p99", scale: 1, axis: "left", color: COLORS[6]! },
      ],
    },
    {
      name: "failures",
      title: "Failures and dropped iterations",
      left: { unit: "per s" },
      lines: [
        { column: "failures", label: "failures/s", scale: perSecond, axis: "left", color: COLORS[6]! },
        { column: "dropped", label: "dropped/s", scale: perSecond, axis: "left", color: COLORS[4]! },
      ],
    },
    {
      name: "in_flight",
      title: "Uploads in flight",
      left: { unit: "uploads" },
      lines: [{ column: "in_flight", label: "in flight", scale: 1, axis: "left", color: COLORS[5]! }],
    },
    {
      name: "resources",
      title: "Harness CPU and memory",
      left: { unit: "% of a core" },
      right: { unit: "MB" },
      lines: [
        { column: "cpu", label: "CPU %", scale: 1, axis: "left", color: COLORS[1]! },
        { column: "rss_mb", label: "RSS MB", scale: 1, axis: "right", color: COLORS[7]! },
      ],
    },
  ];
}

/** A unit guessed from a column's name: `_p95`/`_ms` → ms, `_mb` → MB, `_bytes` → MB (scaled), `_pct` → %. */
function unitOf(column: string): { unit: string; scale: number } {
  if (/_p\d+(\.\d+)?$|_ms$/.test(column)) return { unit: "ms", scale: 1 };
  if (/_mb$/.test(column)) return { unit: "MB", scale: 1 };
  if (/_bytes$/.test(column)) return { unit: "MB", scale: 1e-6 };
  if (/_pct$|_percent$/.test(column)) return { unit: "%", scale: 1 };
  return { unit: "", scale: 1 };
}

/** Other columns, grouped: `landed_p50`, `landed_p95` → one chart `landed`; any other column → its own chart. */
function extraCharts(columns: string[]): ChartSpec[] {
  const groups = new Map<string, string[]>();
  for (const column of columns) {
    if (KNOWN_COLUMNS.has(column)) continue;
    const percentile = /^(.+)_p\d+(\.\d+)?$/.exec(column);
    const key = percentile ? percentile[1]! : column;
    groups.set(key, [...(groups.get(key) ?? []), column]);
  }
  return [...groups].map(([key, group]) => {
    const { unit } = unitOf(group[0]!);
    const percentiles = group.length > 1 || /_p\d+(\.\d+)?$/.test(group[0]!);
    return {
      // a name no well-known chart uses
      name: KNOWN_COLUMNS.has(key) || ["throughput", "latency", "resources"].includes(key) ? `extra_${key}` : key,
      title: percentiles ? `${key} (percentiles)` : key,
      left: { unit },
      lines: group.map((column, i) => ({
        column,
        label: percentiles ? column.slice(key.length + 1) : column,
        scale: unitOf(column).scale,
        axis: "left" as const,
        color: COLORS[i % COLORS.length]!,
      })),
    };
  });
}

/** The charts for a time series, well-known ones first. */
export function chartSpecs(series: TimeSeries): ChartSpec[] {
  const intervalMs = series.intervalMs > 0 ? series.intervalMs : 1000;
  return [...wellKnown(1000 / intervalMs), ...extraCharts(series.columns)];
}
