/**
 * The run over time: one row per second. Counts are added into the second they happen in; latency
 * percentiles come from one interval histogram per percentile column group, closed each second.
 */
import type { Histogram } from "hdr-histogram-js";
import type { TimeSeries } from "../../scenarios/index.js";
import { newHistogram } from "./metrics.js";

export const INTERVAL_MS = 1000;

export class SeriesRecorder {
  private readonly columns: string[];
  private readonly rows: (number | null)[][] = [];
  private readonly open = new Map<string, { hist: Histogram; bucket: number }>();
  /** Count columns: 0, not null, in a second where nothing happened. */
  private readonly counts: Set<number>;

  constructor(
    private readonly startMs: number,
    countColumns: readonly string[] = [],
  ) {
    this.columns = ["t", ...countColumns];
    this.counts = new Set(countColumns.map((_, i) => i + 1));
  }

  /** Times are performance.now() readings; a wall-clock (Date.now()) one would mean a row per second since 1970. */
  private bucketOf(nowMs: number): number {
    const bucket = Math.max(0, Math.floor((nowMs - this.startMs) / INTERVAL_MS));
    if (bucket > 31 * 86_400) throw new RangeError(`series time ${nowMs} is ${bucket} s after the run's start: a Date.now() reading where performance.now() belongs?`);
    return bucket;
  }

  /** A column's index, created on first use; a count column (made by add) is 0, not null, where nothing happened. */
  private column(name: string, count = false): number {
    let i = this.columns.indexOf(name);
    if (i < 0) {
      i = this.columns.push(name) - 1;
      if (count) this.counts.add(i);
      for (const row of this.rows) row.push(count ? 0 : null);
    }
    return i;
  }

  private row(bucket: number): (number | null)[] {
    while (this.rows.length <= bucket) {
      const r: (number | null)[] = new Array<number | null>(this.columns.length).fill(null);
      r[0] = this.rows.length;
      for (const c of this.counts) r[c] = 0;
      this.rows.push(r);
    }
    return this.rows[bucket]!;
  }

  /** Adds `n` to a count column in the current second. */
  add(name: string, n: number, nowMs: number): void {
    const c = this.column(name, true);
    const r = this.row(this.bucketOf(nowMs));
    r[c] = (r[c] ?? 0) + n;
  }

  /** Sets a sampled column (in flight, CPU, RSS) for the current second. */
  set(name: string, value: number, nowMs: number): void {
    const c = this.column(name);
    this.row(this.bucketOf(nowMs))[c] = value;
  }

  /** A latency sample (ms) for the percentile columns `${prefix}_p50/_p95/_p99`. */
  latency(prefix: string, ms: number, nowMs: number): void {
    const bucket = this.bucketOf(nowMs);
    let o = this.open.get(prefix);
    if (!o) this.open.set(prefix, (o = { hist: newHistogram(), bucket }));
    if (o.bucket !== bucket) {
      this.close(prefix, o);
      o.bucket = bucket;
    }
    o.hist.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  private close(prefix: string, o: { hist: Histogram; bucket: number }): void {
    if (o.hist.totalCount === 0) return;
    const r = this.row(o.bucket);
    for (const q of [50, 95, 99]) r[this.column(`${prefix}_p${q}`)] = o.hist.getValueAtPercentile(q) / 1000;
    o.hist.reset();
  }

  /** The table so far, up to `untilMs` (every percentile interval closed). */
  snapshot(untilMs: number): TimeSeries {
    for (const [prefix, o] of this.open) this.close(prefix, o);
    this.row(Math.max(0, Math.ceil((untilMs - this.startMs) / INTERVAL_MS) - 1));
    return { intervalMs: INTERVAL_MS, columns: [...this.columns], rows: this.rows.map((r) => [...r]) };
  }
}
