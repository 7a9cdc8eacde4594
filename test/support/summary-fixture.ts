/**
 * Run summaries as a load run would write them, for the report tests: a passing 60-second run, a
 * run whose thresholds failed, a run that errored before its first second (no series rows), and a
 * run with pipeline-observer columns the report does not know by name.
 */
import { SUMMARY_SCHEMA, type MetricSummary, type RunSummary, type ThresholdResult, type TimeSeries } from "../../scenarios/summary.js";

export const KNOWN_COLUMNS = ["t", "files", "bytes", "failures", "dropped", "in_flight", "upload_p50", "upload_p95", "upload_p99", "cpu", "rss_mb"];

/** A smooth, deterministic wobble in [-1, 1]. */
function wobble(i: number, k: number): number {
  return Math.sin(i * 0.37 + k) * 0.6 + Math.sin(i * 1.13 + 2 * k) * 0.4;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * `seconds` rows at ~`rate` files/s of ~200 kB; no uploads finish in the first second, nor in the
 * seconds listed in `quiet` (their upload_p* are null); `failing` makes ~10% of uploads fail from the middle on.
 */
export function makeSeries(seconds: number, options: { rate?: number; quiet?: number[]; failing?: boolean; extra?: boolean } = {}): TimeSeries {
  const rate = options.rate ?? 50;
  const quiet = new Set([0, ...(options.quiet ?? [])]);
  const columns = [...KNOWN_COLUMNS, ...(options.extra ? ["landed_p50", "landed_p95", "query_p99"] : [])];
  const rows: (number | null)[][] = [];
  for (let t = 0; t < seconds; t++) {
    const files = quiet.has(t) ? 0 : Math.max(1, Math.round(rate * (1 + 0.15 * wobble(t, 1))));
    const failures = options.failing && t > seconds / 2 ? Math.round(files * 0.1) : 0;
    const p50 = 180 + 40 * wobble(t, 2);
    const row: (number | null)[] = [
      t,
      files,
      files * 204_800 + Math.round(5000 * wobble(t, 3)) * (files > 0 ? 1 : 0),
      failures,
      t % 17 === 16 ? 2 : 0,
      Math.round(8 + 3 * wobble(t, 4)),
      quiet.has(t) ? null : round(p50),
      quiet.has(t) ? null : round(p50 * 2.1 + (options.failing ? 1500 : 0)),
      quiet.has(t) ? null : round(p50 * 3.4 + (options.failing ? 2600 : 0)),
      round(35 + 10 * wobble(t, 5)),
      round(160 + t * 0.4 + 5 * wobble(t, 6)),
    ];
    if (options.extra) row.push(t < 5 ? null : round(2400 + 300 * wobble(t, 7)), t < 5 ? null : round(5200 + 600 * wobble(t, 8)), round(12 + 4 * wobble(t, 9), 2));
    rows.push(row);
  }
  return { intervalMs: 1000, columns, rows };
}

function trend(unit: "ms" | "bytes", avg: number, spread: number, count: number): MetricSummary {
  return {
    type: "trend",
    unit,
    count,
    values: { avg, min: avg - spread, med: avg * 0.97, max: avg + 4 * spread, "p(90)": avg + 1.6 * spread, "p(95)": avg + 2 * spread, "p(99)": avg + 3 * spread },
  };
}

function metricsOf(series: TimeSeries, durationS: number, uploadAvgMs: number): Record<string, MetricSummary> {
  const col = (name: string): number => series.rows.reduce((sum, r) => sum + (r[series.columns.indexOf(name)] ?? 0), 0);
  const files = col("files");
  const bytes = col("bytes");
  const failures = col("failures");
  const dropped = col("dropped");
  return {
    files_uploaded: { type: "counter", unit: "count", values: { count: files - failures, rate: round((files - failures) / durationS, 2) } },
    bytes_uploaded: { type: "counter", unit: "bytes", values: { count: bytes, rate: round(bytes / durationS, 0) } },
    dropped_iterations: { type: "counter", unit: "count", values: { count: dropped, rate: round(dropped / durationS, 3) } },
    upload_duration: trend("ms", uploadAvgMs, uploadAvgMs * 0.4, files),
    "upload_duration{upload:multipart}": trend("ms", uploadAvgMs * 1.8, uploadAvgMs * 0.5, Math.round(files * 0.1)),
    "upload_duration{upload:single}": trend("ms", uploadAvgMs * 0.9, uploadAvgMs * 0.3, files - Math.round(files * 0.1)),
    file_size: trend("bytes", 204_800, 40_000, files),
    upload_failed: { type: "rate", values: { rate: files === 0 ? 0 : failures / files, passes: failures, fails: files - failures } },
    in_flight: { type: "gauge", unit: "count", values: { value: 7, min: 0, max: 14 } },
  };
}

function threshold(metric: string, expression: string, ok: boolean, actual: number | null, extra: Partial<ThresholdResult> = {}): ThresholdResult {
  return { metric, expression, ok, actual, abortOnFail: false, source: "scenario", ...extra };
}

const START = Date.parse("2025-11-03T14:00:00.000Z");

function base(id: string, scenario: string, durationMs: number): RunSummary["run"] {
  return {
    id,
    scenario,
    description: "Steady claims CSV uploads at 50 files/s",
    executor: "node",
    hcsynthVersion: "0.1.0",
    seed: 42,
    target: { kind: "local", bucket: "landing", prefix: `load/${id}/`, endpoint: "http://127.0.0.1:4568" },
    startedAt: new Date(START).toISOString(),
    endedAt: new Date(START + durationMs).toISOString(),
    durationMs,
    status: "passed",
    exitCode: 0,
  };
}

/** Every threshold passed, 60 s of series (a quiet second at 31 s). */
export function passingSummary(): RunSummary {
  const series = makeSeries(60, { quiet: [31] });
  return {
    schema: SUMMARY_SCHEMA,
    run: base("run-20251103-140000-a1b2", "steady-claims", 60_000),
    metrics: metricsOf(series, 60, 190),
    thresholds: [
      threshold("upload_duration", "p(95)<2000", true, 412.6),
      threshold("upload_duration{upload:multipart}", "p(99)<5000", true, 1104.2),
      threshold("upload_failed", "rate<0.01", true, 0, { abortOnFail: true }),
      threshold("dropped_iterations", "count<50", true, 6, { source: "cli" }),
    ],
    series,
    errors: [],
  };
}

/** Two thresholds failed (one on a metric with no samples); names and errors carry `<`, `&` and `"`. */
export function failingSummary(): RunSummary {
  const series = makeSeries(45, { failing: true });
  const run = base("run-20251103-150000-c3d4", 'mixed <claims> & "encounters"', 45_000);
  return {
    schema: SUMMARY_SCHEMA,
    run: { ...run, description: "Bursts of 837P & 837I <large> files", status: "thresholds-failed", exitCode: 99 },
    metrics: metricsOf(series, 45, 1450),
    thresholds: [
      threshold("upload_duration", "p(95)<2000", false, 3540.25),
      threshold("upload_failed", "rate<0.01", false, 0.048),
      threshold('upload_duration{format:"x12"&kind:<837I>}', "p(95)<3000", false, null, { source: "cli" }),
      threshold("files_uploaded", "count>100", true, 1912),
    ],
    series,
    errors: [
      { message: 'PutObject landing/load/x.csv: 503 SlowDown <Error><Code>SlowDown</Code></Error> & "retry"', count: 97 },
      { message: "socket hang up", count: 4 },
    ],
  };
}

/** The run errored before its first second: no series rows, no metrics, no thresholds evaluated. */
export function emptySeriesSummary(): RunSummary {
  const run = base("run-20251103-160000-e5f6", "steady-claims", 420);
  return {
    schema: SUMMARY_SCHEMA,
    run: { ...run, status: "error", exitCode: 1, reason: 'bucket "landing" does not exist <NoSuchBucket> & the run cannot go on' },
    metrics: {},
    thresholds: [],
    series: { intervalMs: 1000, columns: KNOWN_COLUMNS, rows: [] },
    errors: [{ message: "NoSuchBucket: The specified bucket does not exist", count: 1 }],
  };
}

/** A passing run with pipeline-observer columns: landed_p50, landed_p95 (null for the first 5 s) and query_p99. */
export function extraColumnsSummary(): RunSummary {
  const summary = passingSummary();
  const series = makeSeries(60, { quiet: [31], extra: true });
  return {
    ...summary,
    run: { ...summary.run, id: "run-20251103-170000-g7h8", scenario: "pipeline-e2e", target: { ...summary.run.target, prefix: "load/run-20251103-170000-g7h8/" } },
    metrics: {
      ...summary.metrics,
      landed_duration: trend("ms", 2400, 300, 2900),
      query_duration: trend("ms", 12, 4, 600),
    },
    series,
  };
}
