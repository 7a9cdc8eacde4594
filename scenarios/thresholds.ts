/**
 * Thresholds in k6's syntax. A key names a metric with an optional tag filter
 * (`upload_duration{upload:multipart}`); each expression is `AGGREGATION OP NUMBER`, where the
 * aggregation fits the metric's type: trend avg|min|med|max|p(N); rate rate; counter count|rate;
 * gauge value|min|max.
 */
import { metricDefinition, type MetricDefinition, type MetricType } from "./metrics.js";
import type { ThresholdSpec } from "./model.js";
import { parseDuration } from "./duration.js";

export type Operator = "<" | "<=" | ">" | ">=" | "==" | "===" | "!=";

export interface MetricKey {
  /** As written: `upload_duration{upload:multipart}`. */
  key: string;
  name: string;
  tags: Record<string, string>;
}

export interface ParsedThreshold {
  metric: MetricKey;
  expression: string;
  /** "avg", "min", "med", "max", "p(95)", "rate", "count", "value". */
  aggregation: string;
  /** For p(N): N. */
  percentile?: number;
  operator: Operator;
  value: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

const AGGREGATIONS: Record<MetricType, readonly string[]> = {
  trend: ["avg", "min", "med", "max", "p(N)"],
  rate: ["rate"],
  counter: ["count", "rate"],
  gauge: ["value", "min", "max"],
};

export function parseMetricKey(key: string): MetricKey {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\{([^{}]*)\})?$/.exec(key.trim());
  if (!m) throw new RangeError(`threshold metric ${JSON.stringify(key)}: expected NAME or NAME{tag:value,...}`);
  const tags: Record<string, string> = {};
  if (m[2] !== undefined) {
    for (const part of m[2].split(",")) {
      const t = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^,]+?)\s*$/.exec(part);
      if (!t) throw new RangeError(`threshold metric ${JSON.stringify(key)}: tag ${JSON.stringify(part)} is not tag:value`);
      tags[t[1]!] = t[2]!;
    }
  }
  return { key: key.trim(), name: m[1]!, tags };
}

export function parseThreshold(key: string, spec: ThresholdSpec, extraMetrics: Readonly<Record<string, MetricDefinition>> = {}): ParsedThreshold {
  const metric = parseMetricKey(key);
  const def = metricDefinition(metric.name, extraMetrics);
  if (!def) throw new RangeError(`threshold on unknown metric ${JSON.stringify(metric.name)}`);
  for (const tag of Object.keys(metric.tags)) {
    if (!def.tags?.includes(tag)) throw new RangeError(`threshold ${JSON.stringify(key)}: ${metric.name} has no tag ${JSON.stringify(tag)}${def.tags?.length ? ` (tags: ${def.tags.join(", ")})` : ""}`);
  }
  const expression = typeof spec === "string" ? spec : spec.threshold;
  if (typeof expression !== "string") throw new RangeError(`threshold ${JSON.stringify(key)}: expected a string like "p(95)<2000" or { "threshold": "...", "abortOnFail": true }`);
  const m = /^\s*(avg|min|med|max|rate|count|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/.exec(expression);
  if (!m) throw new RangeError(`threshold ${JSON.stringify(key)}: ${JSON.stringify(expression)} is not AGGREGATION OP NUMBER (for example p(95)<2000, rate<0.01, count==0)`);
  const aggregation = m[2] !== undefined ? `p(${Number(m[2])})` : m[1]!;
  const allowed = AGGREGATIONS[def.type];
  const generic = m[2] !== undefined ? "p(N)" : aggregation;
  if (!allowed.includes(generic)) throw new RangeError(`threshold ${JSON.stringify(key)}: ${aggregation} does not apply to ${metric.name}, a ${def.type} metric (use ${allowed.join(", ")})`);
  if (m[2] !== undefined && !(Number(m[2]) >= 0 && Number(m[2]) <= 100)) throw new RangeError(`threshold ${JSON.stringify(key)}: percentile ${m[2]} is not between 0 and 100`);
  let abortOnFail = false;
  let delayAbortEvalMs = 0;
  if (typeof spec !== "string") {
    if (spec.abortOnFail !== undefined && typeof spec.abortOnFail !== "boolean") throw new RangeError(`threshold ${JSON.stringify(key)}: abortOnFail must be true or false`);
    abortOnFail = spec.abortOnFail ?? false;
    if (spec.delayAbortEval !== undefined) delayAbortEvalMs = parseDuration(spec.delayAbortEval, `threshold ${JSON.stringify(key)} delayAbortEval`);
  }
  return {
    metric,
    expression: expression.trim(),
    aggregation,
    ...(m[2] !== undefined ? { percentile: Number(m[2]) } : {}),
    operator: m[3] as Operator,
    value: Number(m[4]),
    abortOnFail,
    delayAbortEvalMs,
  };
}

export function parseThresholds(thresholds: Record<string, ThresholdSpec[]>, extraMetrics: Readonly<Record<string, MetricDefinition>> = {}): ParsedThreshold[] {
  const out: ParsedThreshold[] = [];
  for (const [key, specs] of Object.entries(thresholds)) {
    if (!Array.isArray(specs)) throw new RangeError(`thresholds.${key}: expected an array of expressions`);
    for (const spec of specs) out.push(parseThreshold(key, spec, extraMetrics));
  }
  return out;
}

/** `--threshold 'upload_duration=p(95)<2000'` → key and expression. */
export function parseThresholdFlag(flag: string): { key: string; expression: string } {
  const eq = flag.indexOf("=");
  // the first "=" that is not part of an operator (==, <=, >=, !=)
  let at = -1;
  for (let i = eq; i >= 0 && i < flag.length; i = flag.indexOf("=", i + 1)) {
    const before = flag[i - 1];
    const after = flag[i + 1];
    if (before !== "<" && before !== ">" && before !== "!" && before !== "=" && after !== "=") {
      at = i;
      break;
    }
  }
  if (at <= 0) throw new RangeError(`--threshold ${JSON.stringify(flag)}: expected METRIC=EXPRESSION, for example upload_duration=p(95)<2000`);
  return { key: flag.slice(0, at).trim(), expression: flag.slice(at + 1).trim() };
}

export function compare(actual: number, operator: Operator, value: number): boolean {
  switch (operator) {
    case "<":
      return actual < value;
    case "<=":
      return actual <= value;
    case ">":
      return actual > value;
    case ">=":
      return actual >= value;
    case "==":
    case "===":
      return actual === value;
    case "!=":
      return actual !== value;
  }
}
