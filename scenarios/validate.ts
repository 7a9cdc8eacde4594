/**
 * Validates a scenario given as data (a built-in, or a user's JSON file) and fills its defaults.
 * Every error is a RangeError whose message names the field: `scenario "x": load.rate: ...`.
 */
import { defectByCode, FORMAT_GROUPS, isKind } from "../generators/index.js";
import { parseDuration } from "./duration.js";
import type { MetricDefinition } from "./metrics.js";
import type { Distribution, FileMixEntry, LoadProfile, Scenario, ScenarioData, ThresholdSpec, UploadSettings } from "./model.js";
import { parseThresholds } from "./thresholds.js";

type Obj = Record<string, unknown>;

class ScenarioError extends RangeError {}

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;

/** The queries of the query observer (their definitions live with it, on the Node side). */
export const QUERY_NAMES = ["member_by_id", "claim_by_id", "member_claims_in_range", "claims_by_provider_month", "charges_by_month"] as const;

function validator(name: string) {
  const fail = (path: string, message: string): never => {
    throw new ScenarioError(`scenario ${JSON.stringify(name)}: ${path}: ${message}`);
  };
  const object = (v: unknown, path: string, keys: readonly string[]): Obj => {
    if (!isObject(v)) fail(path, `expected an object, got ${JSON.stringify(v)}`);
    const o = v as Obj;
    for (const k of Object.keys(o)) if (!keys.includes(k)) fail(path === "" ? k : `${path}.${k}`, `unknown field (known: ${keys.join(", ")})`);
    return o;
  };
  const number = (v: unknown, path: string, opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number => {
    if (typeof v !== "number" || !Number.isFinite(v)) return fail(path, `expected a number, got ${JSON.stringify(v)}`);
    if (opts.integer && !Number.isInteger(v)) fail(path, `expected a whole number, got ${v}`);
    if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) fail(path, `expected a number ${opts.exclusiveMin ? ">" : "≥"} ${opts.min}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) fail(path, `expected a number ≤ ${opts.max}, got ${v}`);
    return v;
  };
  const string = (v: unknown, path: string): string => (typeof v === "string" && v !== "" ? v : fail(path, `expected a non-empty string, got ${JSON.stringify(v)}`));
  const duration = (v: unknown, path: string): string => {
    const s = string(v, path);
    try {
      parseDuration(s, path);
    } catch {
      fail(path, `${JSON.stringify(s)} is not a duration (examples: 500ms, 30s, 5m, 1h30m)`);
    }
    return s;
  };
  return { fail, object, number, string, duration };
}

export function validateScenario(input: unknown, extraMetrics: Readonly<Record<string, MetricDefinition>> = {}): Scenario {
  const name = isObject(input) && typeof input["name"] === "string" ? input["name"] : "?";
  const v = validator(name);
  const o = v.object(input, "", ["name", "description", "data", "load", "maxInFlight", "thresholds", "upload", "observe", "queries", "stack"]);
  if (typeof o["name"] !== "string" || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(o["name"])) v.fail("name", `expected lower-case letters, digits and dashes, got ${JSON.stringify(o["name"])}`);
  const description = o["description"] === undefined ? "" : v.string(o["description"], "description");
  const data = validateData(v, o["data"]);
  const load = validateLoad(v, o["load"]);
  const maxInFlight = v.number(o["maxInFlight"] ?? 16, "maxInFlight", { min: 1, max: 10_000, integer: true });
  const thresholds = validateThresholdsField(v, o["thresholds"] ?? {}, extraMetrics);
  const upload = o["upload"] === undefined ? undefined : validateUpload(v, o["upload"]);
  const scenario: Scenario = { name: o["name"] as string, description, data, load, maxInFlight, thresholds, ...(upload ? { upload } : {}) };
  if (o["observe"] !== undefined) {
    const list = o["observe"];
    if (!Array.isArray(list)) v.fail("observe", `expected an array of observer names (glue, landed, queries)`);
    scenario.observe = (list as unknown[]).map((x, i) => (x === "glue" || x === "landed" || x === "queries" ? x : v.fail(`observe[${i}]`, `unknown observer ${JSON.stringify(x)} (glue, landed, queries)`)));
  }
  if (o["queries"] !== undefined) {
    const q = v.object(o["queries"], "queries", QUERY_NAMES);
    scenario.queries = Object.fromEntries(Object.entries(q).map(([k, r]) => [k, v.number(r, `queries.${k}`, { min: 0, max: 1000 })]));
  }
  if (o["stack"] !== undefined) {
    const st = v.object(o["stack"], "stack", ["maxConcurrentRuns", "glueStartupMs"]);
    scenario.stack = {};
    if (st["maxConcurrentRuns"] !== undefined) scenario.stack.maxConcurrentRuns = v.number(st["maxConcurrentRuns"], "stack.maxConcurrentRuns", { min: 1, max: 1000, integer: true });
    if (st["glueStartupMs"] !== undefined) scenario.stack.glueStartupMs = v.number(st["glueStartupMs"], "stack.glueStartupMs", { min: 0, max: 600_000, integer: true });
  }
  return scenario;
}

type V = ReturnType<typeof validator>;

function validateDistribution(v: V, d: unknown, path: string): Distribution {
  const count = (x: unknown, p: string) => v.number(x, p, { min: 1, max: 10_000_000, integer: true });
  if (typeof d === "number") return count(d, path);
  if (!isObject(d)) return v.fail(path, `expected a number or a distribution object, got ${JSON.stringify(d)}`);
  switch (d["dist"]) {
    case "uniform": {
      const o = v.object(d, path, ["dist", "min", "max"]);
      const min = count(o["min"], `${path}.min`);
      const max = count(o["max"], `${path}.max`);
      if (max < min) v.fail(`${path}.max`, `must not be below min (${min})`);
      return { dist: "uniform", min, max };
    }
    case "lognormal": {
      const o = v.object(d, path, ["dist", "median", "sigma", "min", "max"]);
      const median = count(o["median"], `${path}.median`);
      const sigma = v.number(o["sigma"], `${path}.sigma`, { min: 0, max: 5 });
      const min = count(o["min"] ?? 1, `${path}.min`);
      const max = count(o["max"], `${path}.max`);
      if (max < min) v.fail(`${path}.max`, `must not be below min (${min})`);
      return { dist: "lognormal", median, sigma, min, max };
    }
    case "choice": {
      const o = v.object(d, path, ["dist", "values", "weights"]);
      if (!Array.isArray(o["values"]) || o["values"].length === 0) return v.fail(`${path}.values`, "expected a non-empty array of whole numbers");
      const values = (o["values"] as unknown[]).map((x, i) => count(x, `${path}.values[${i}]`));
      let weights: number[] | undefined;
      if (o["weights"] !== undefined) {
        if (!Array.isArray(o["weights"]) || o["weights"].length !== values.length) v.fail(`${path}.weights`, `expected ${values.length} weights, one per value`);
        weights = (o["weights"] as unknown[]).map((x, i) => v.number(x, `${path}.weights[${i}]`, { min: 0 }));
        if (weights.every((w) => w === 0)) v.fail(`${path}.weights`, "must not all be zero");
      }
      return { dist: "choice", values, ...(weights ? { weights } : {}) };
    }
    default:
      return v.fail(`${path}.dist`, `expected "uniform", "lognormal" or "choice", got ${JSON.stringify(d["dist"])}`);
  }
}

function validateData(v: V, input: unknown): ScenarioData {
  const o = v.object(input, "data", ["seed", "files", "recordsPerFile", "population", "defectRate", "defectiveFiles", "defects", "gzip", "reference"]);
  const seed = v.number(o["seed"] ?? 1, "data.seed", { min: 0, max: 0xffffffff, integer: true });
  if (!Array.isArray(o["files"]) || o["files"].length === 0) v.fail("data.files", "expected a non-empty array of { kind, format, weight }");
  const files: FileMixEntry[] = (o["files"] as unknown[]).map((f, i) => {
    const path = `data.files[${i}]`;
    const e = v.object(f, path, ["kind", "format", "weight"]);
    const kind = v.string(e["kind"], `${path}.kind`);
    if (!isKind(kind)) v.fail(`${path}.kind`, `unknown kind ${JSON.stringify(kind)} (claims, encounters, eligibility, providers)`);
    const format = v.string(e["format"], `${path}.format`);
    const concrete = Object.values(FORMAT_GROUPS).flat();
    const fmt = concrete.find((x) => x.name === format);
    if (!fmt) v.fail(`${path}.format`, `unknown format ${JSON.stringify(format)} (${concrete.map((x) => x.name).join(", ")})`);
    if (!fmt!.kinds.includes(kind as FileMixEntry["kind"])) v.fail(`${path}.format`, `${format} does not carry ${kind} (it carries ${fmt!.kinds.join(", ")})`);
    const weight = v.number(e["weight"] ?? 1, `${path}.weight`, { min: 0, exclusiveMin: true });
    return { kind: kind as FileMixEntry["kind"], format, weight };
  });
  const recordsPerFile = validateDistribution(v, o["recordsPerFile"] ?? 1000, "data.recordsPerFile");
  let population: ScenarioData["population"];
  if (o["population"] !== undefined) {
    const p = v.object(o["population"], "data.population", ["members", "providers"]);
    population = {};
    if (p["members"] !== undefined) population.members = v.number(p["members"], "data.population.members", { min: 1, max: 999_999_999, integer: true });
    if (p["providers"] !== undefined) population.providers = v.number(p["providers"], "data.population.providers", { min: 2, max: 799_999_999, integer: true });
  }
  const data: ScenarioData = { seed, files, recordsPerFile, ...(population ? { population } : {}) };
  if (o["defectRate"] !== undefined) data.defectRate = v.number(o["defectRate"], "data.defectRate", { min: 0, max: 1 });
  if (o["defectiveFiles"] !== undefined) data.defectiveFiles = v.number(o["defectiveFiles"], "data.defectiveFiles", { min: 0, max: 1 });
  if (o["defects"] !== undefined) {
    const d = o["defects"];
    if (d === "all") data.defects = "all";
    else if (Array.isArray(d) && d.length > 0) {
      data.defects = d.map((c, i) => {
        const code = v.string(c, `data.defects[${i}]`);
        try {
          defectByCode(code);
        } catch (error) {
          v.fail(`data.defects[${i}]`, (error as Error).message);
        }
        return code;
      });
    } else v.fail("data.defects", `expected "all" or a non-empty array of defect codes`);
  }
  if (o["reference"] !== undefined) {
    if (typeof o["reference"] !== "boolean") v.fail("data.reference", "expected true or false");
    data.reference = o["reference"] as boolean;
  }
  if (o["gzip"] !== undefined) {
    if (typeof o["gzip"] !== "boolean") v.fail("data.gzip", "expected true or false");
    data.gzip = o["gzip"] as boolean;
  }
  return data;
}

function validateLoad(v: V, input: unknown): LoadProfile {
  if (!isObject(input)) return v.fail("load", `expected an object, got ${JSON.stringify(input)}`);
  const rate = (x: unknown, p: string, min = 0) => v.number(x, p, { min, max: 100_000, ...(min === 0 ? {} : {}) });
  switch (input["executor"]) {
    case "constant-arrival-rate": {
      const o = v.object(input, "load", ["executor", "rate", "timeUnit", "duration"]);
      const r = v.number(o["rate"], "load.rate", { min: 0, exclusiveMin: true, max: 100_000 });
      return { executor: "constant-arrival-rate", rate: r, timeUnit: v.duration(o["timeUnit"] ?? "1s", "load.timeUnit"), duration: v.duration(o["duration"], "load.duration") };
    }
    case "ramping-arrival-rate": {
      const o = v.object(input, "load", ["executor", "startRate", "timeUnit", "stages"]);
      if (!Array.isArray(o["stages"]) || o["stages"].length === 0) v.fail("load.stages", "expected a non-empty array of { target, duration }");
      const stages = (o["stages"] as unknown[]).map((s, i) => {
        const st = v.object(s, `load.stages[${i}]`, ["target", "duration"]);
        return { target: rate(st["target"], `load.stages[${i}].target`), duration: v.duration(st["duration"], `load.stages[${i}].duration`) };
      });
      const startRate = rate(o["startRate"] ?? 0, "load.startRate");
      if (startRate === 0 && stages.every((s) => s.target === 0)) v.fail("load.stages", "every rate is 0: nothing would arrive");
      return { executor: "ramping-arrival-rate", startRate, timeUnit: v.duration(o["timeUnit"] ?? "1s", "load.timeUnit"), stages };
    }
    case "shared-iterations": {
      const o = v.object(input, "load", ["executor", "iterations", "vus", "maxDuration"]);
      return {
        executor: "shared-iterations",
        iterations: v.number(o["iterations"], "load.iterations", { min: 1, max: 10_000_000, integer: true }),
        vus: v.number(o["vus"] ?? 1, "load.vus", { min: 1, max: 10_000, integer: true }),
        maxDuration: v.duration(o["maxDuration"] ?? "10m", "load.maxDuration"),
      };
    }
    default:
      return v.fail("load.executor", `expected "constant-arrival-rate", "ramping-arrival-rate" or "shared-iterations", got ${JSON.stringify(input["executor"])}`);
  }
}

function validateThresholdsField(v: V, input: unknown, extraMetrics: Readonly<Record<string, MetricDefinition>>): Record<string, ThresholdSpec[]> {
  if (!isObject(input)) return v.fail("thresholds", `expected an object of metric → [expressions], got ${JSON.stringify(input)}`);
  const out: Record<string, ThresholdSpec[]> = {};
  for (const [key, specs] of Object.entries(input)) {
    if (!Array.isArray(specs)) v.fail(`thresholds.${key}`, "expected an array of expressions");
    out[key] = specs as ThresholdSpec[];
  }
  try {
    parseThresholds(out, extraMetrics);
  } catch (error) {
    v.fail("thresholds", (error as Error).message);
  }
  return out;
}

function validateUpload(v: V, input: unknown): UploadSettings {
  const o = v.object(input, "upload", ["multipartThreshold", "partSize", "queueSize"]);
  const out: UploadSettings = {};
  if (o["multipartThreshold"] !== undefined) out.multipartThreshold = v.number(o["multipartThreshold"], "upload.multipartThreshold", { min: 1, integer: true });
  if (o["partSize"] !== undefined) out.partSize = v.number(o["partSize"], "upload.partSize", { min: MIN_PART_SIZE, max: 5 * 1024 ** 3, integer: true });
  if (o["queueSize"] !== undefined) out.queueSize = v.number(o["queueSize"], "upload.queueSize", { min: 1, max: 64, integer: true });
  return out;
}
