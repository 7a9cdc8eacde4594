/**
 * The run's metrics in constant memory: trends in HDR histograms (microsecond resolution, 3
 * significant digits), counters, rates and gauges, each split by tag set. A query with a tag filter
 * (`upload_duration{upload:multipart}`) merges every tag set that carries those tags.
 */
import hdr from "hdr-histogram-js";
import type { Histogram } from "hdr-histogram-js";
import type { MetricDefinition, MetricKey, MetricSummary, ParsedThreshold } from "../../scenarios/index.js";

export type Tags = Readonly<Record<string, string>>;

/**
 * A trend's q-th percentile. The histogram answers with its bucket's highest equivalent value, which
 * can lie past the largest sample (a p(99) above the max, a threshold failed by rounding): the answer
 * is kept within the exact min and max the trend tracks.
 */
function percentile(d: TrendData, q: number): number {
  return Math.min(d.max, Math.max(d.min, d.hist.getValueAtPercentile(q) / 1000));
}

/** Longest trend value kept: 1 hour (longer values are clamped and still counted). */
const MAX_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_US, numberOfSignificantValueDigits: 3 });
}

interface TrendData {
  type: "trend";
  hist: Histogram;
  count: number;
  sum: number;
  min: number;
  max: number;
}
interface CounterData {
  type: "counter";
  count: number;
}
interface RateData {
  type: "rate";
  passes: number;
  fails: number;
}
interface GaugeData {
  type: "gauge";
  value: number;
  min: number;
  max: number;
  set: boolean;
}
type Data = TrendData | CounterData | RateData | GaugeData;

interface Series {
  tags: Tags;
  data: Data;
}

function tagKey(tags: Tags): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}:${tags[k]}`)
    .join(",");
}

function matches(tags: Tags, filter: Tags): boolean {
  for (const k of Object.keys(filter)) if (tags[k] !== filter[k]) return false;
  return true;
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Map<string, Series>>();

  constructor(private readonly definitions: Readonly<Record<string, MetricDefinition>>) {}

  private series(name: string, tags: Tags): Series {
    const def = this.definitions[name];
    if (!def) throw new Error(`unknown metric ${name}`);
    let byTags = this.metrics.get(name);
    if (!byTags) this.metrics.set(name, (byTags = new Map()));
    const key = tagKey(tags);
    let s = byTags.get(key);
    if (!s) {
      let data: Data;
      if (def.type === "trend") data = { type: "trend", hist: newHistogram(), count: 0, sum: 0, min: Infinity, max: -Infinity };
      else if (def.type === "counter") data = { type: "counter", count: 0 };
      else if (def.type === "rate") data = { type: "rate", passes: 0, fails: 0 };
      else data = { type: "gauge", value: 0, min: Infinity, max: -Infinity, set: false };
      s = { tags: { ...tags }, data };
      byTags.set(key, s);
    }
    return s;
  }

  /** A trend sample in milliseconds (or the metric's unit). */
  trend(name: string, value: number, tags: Tags = {}): void {
    const d = this.series(name, tags).data as TrendData;
    d.hist.recordValue(Math.min(MAX_US, Math.max(1, Math.round(value * 1000))));
    d.count++;
    d.sum += value;
    if (value < d.min) d.min = value;
    if (value > d.max) d.max = value;
  }

  add(name: string, n = 1, tags: Tags = {}): void {
    (this.series(name, tags).data as CounterData).count += n;
  }

  rate(name: string, pass: boolean, tags: Tags = {}): void {
    const d = this.series(name, tags).data as RateData;
    if (pass) d.passes++;
    else d.fails++;
  }

  gauge(name: string, value: number, tags: Tags = {}): void {
    const d = this.series(name, tags).data as GaugeData;
    d.value = value;
    d.set = true;
    if (value < d.min) d.min = value;
    if (value > d.max) d.max = value;
  }

  /** Every series of `name` whose tags include `filter`, merged; null when there is none. */
  private merged(name: string, filter: Tags): Data | null {
    const byTags = this.metrics.get(name);
    if (!byTags) return null;
    let out: Data | null = null;
    for (const s of byTags.values()) {
      if (!matches(s.tags, filter)) continue;
      const d = s.data;
      if (out === null) {
        if (d.type === "trend") {
          const hist = newHistogram();
          hist.add(d.hist);
          out = { ...d, hist };
        } else out = { ...d };
        continue;
      }
      if (out.type === "trend" && d.type === "trend") {
        out.hist.add(d.hist);
        out.count += d.count;
        out.sum += d.sum;
        out.min = Math.min(out.min, d.min);
        out.max = Math.max(out.max, d.max);
      } else if (out.type === "counter" && d.type === "counter") out.count += d.count;
      else if (out.type === "rate" && d.type === "rate") {
        out.passes += d.passes;
        out.fails += d.fails;
      } else if (out.type === "gauge" && d.type === "gauge") {
        out.value = d.value;
        out.min = Math.min(out.min, d.min);
        out.max = Math.max(out.max, d.max);
      }
    }
    return out;
  }

  /** The value a threshold compares: null when the metric has no samples. */
  valueFor(threshold: ParsedThreshold, elapsedMs: number): number | null {
    const d = this.merged(threshold.metric.name, threshold.metric.tags);
    if (d === null) {
      // a counter nobody incremented is zero, not missing (dropped_iterations: count==0)
      return this.definitions[threshold.metric.name]?.type === "counter" ? 0 : null;
    }
    const a = threshold.aggregation;
    switch (d.type) {
      case "trend":
        if (d.count === 0) return null;
        if (a === "avg") return d.sum / d.count;
        if (a === "min") return d.min;
        if (a === "max") return d.max;
        if (a === "med") return percentile(d, 50);
        return percentile(d, threshold.percentile ?? 50);
      case "counter":
        return a === "rate" ? d.count / Math.max(elapsedMs / 1000, 1e-9) : d.count;
      case "rate":
        return d.passes + d.fails === 0 ? null : d.passes / (d.passes + d.fails);
      case "gauge":
        if (!d.set) return null;
        return a === "min" ? d.min : a === "max" ? d.max : d.value;
    }
  }

  private summarise(d: Data, unit: MetricDefinition["unit"], elapsedMs: number): MetricSummary {
    switch (d.type) {
      case "trend": {
        const p = (q: number) => (d.count === 0 ? 0 : percentile(d, q));
        return {
          type: "trend",
          unit: unit === "count" || unit === "bytes" || unit === "percent" ? unit : "ms",
          count: d.count,
          values: { avg: d.count ? d.sum / d.count : 0, min: d.count ? d.min : 0, med: p(50), max: d.count ? d.max : 0, "p(90)": p(90), "p(95)": p(95), "p(99)": p(99) },
        };
      }
      case "counter":
        return { type: "counter", unit: unit === "bytes" ? "bytes" : "count", values: { count: d.count, rate: d.count / Math.max(elapsedMs / 1000, 1e-9) } };
      case "rate":
        return { type: "rate", values: { rate: d.passes + d.fails === 0 ? 0 : d.passes / (d.passes + d.fails), passes: d.passes, fails: d.fails } };
      case "gauge":
        return { type: "gauge", unit: unit, values: { value: d.value, min: d.set ? d.min : 0, max: d.set ? d.max : 0 } };
    }
  }

  /**
   * Every metric with samples, merged over its tags, plus each single `tag:value` split and every
   * key a threshold names (with the extra percentiles thresholds ask for).
   */
  summary(elapsedMs: number, thresholds: readonly ParsedThreshold[] = []): Record<string, MetricSummary> {
    const out: Record<string, MetricSummary> = {};
    const put = (key: MetricKey | { key: string; name: string; tags: Tags }): void => {
      const def = this.definitions[key.name];
      const d = this.merged(key.name, key.tags);
      if (!def || d === null) return;
      out[key.key] = this.summarise(d, def.unit, elapsedMs);
    };
    for (const name of [...this.metrics.keys()].sort()) {
      put({ key: name, name, tags: {} });
      const splits = new Set<string>();
      for (const s of this.metrics.get(name)!.values()) for (const [k, v] of Object.entries(s.tags)) splits.add(`${k}:${v}`);
      for (const split of [...splits].sort()) {
        const [k, v] = split.split(":") as [string, string];
        put({ key: `${name}{${split}}`, name, tags: { [k]: v } });
      }
    }
    for (const t of thresholds) {
      put(t.metric);
      const m = out[t.metric.key];
      if (m?.type === "trend" && t.percentile !== undefined) {
        const d = this.merged(t.metric.name, t.metric.tags) as TrendData;
        m.values[t.aggregation] = d.count ? percentile(d, t.percentile) : 0;
      }
    }
    return out;
  }
}
