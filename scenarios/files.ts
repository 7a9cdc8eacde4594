/**
 * Which file iteration i of a run uploads: a pure function of (scenario seed, i), so any executor —
 * any worker, any k6 VU on any machine — produces the same bytes for the same iteration. Claims and
 * encounters take disjoint index ranges (a stride per iteration); members and providers are a bounded
 * population, so their files take a window of it.
 */
import { DEFAULT_WORLD_CONFIG, formatByName, rngFor, type DefectOptions, type DeepPartial, type FileSpec, type Kind, type Rng, type WorldConfig } from "../generators/index.js";
import { selectDefects } from "../generators/index.js";
import type { Distribution, Scenario } from "./model.js";

export const DEFAULT_SCENARIO_POPULATION = { members: 20_000, providers: 2_000 };

/** The largest value a distribution can draw (the stride of claim and encounter ranges). */
export function maxOf(d: Distribution): number {
  if (typeof d === "number") return d;
  switch (d.dist) {
    case "uniform":
    case "lognormal":
      return d.max;
    case "choice":
      return Math.max(...d.values);
  }
}

export function sample(d: Distribution, rng: Rng): number {
  if (typeof d === "number") return d;
  switch (d.dist) {
    case "uniform":
      return d.min + rng.int(d.max - d.min + 1);
    case "lognormal": {
      // Box–Muller on two draws
      const u1 = Math.max(rng.next(), 1e-12);
      const u2 = rng.next();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Math.min(d.max, Math.max(d.min, Math.round(d.median * Math.exp(d.sigma * z))));
    }
    case "choice": {
      const weights = d.weights ?? d.values.map(() => 1);
      const total = weights.reduce((a, b) => a + b, 0);
      let x = rng.next() * total;
      for (let i = 0; i < d.values.length; i++) {
        x -= weights[i]!;
        if (x < 0) return d.values[i]!;
      }
      return d.values[d.values.length - 1]!;
    }
  }
}

/** The world a scenario's files come from, big enough for `iterations` arrivals. */
export function scenarioWorldConfig(scenario: Scenario, iterations: number): DeepPartial<WorldConfig> {
  const stride = maxOf(scenario.data.recordsPerFile);
  const pop = { ...DEFAULT_SCENARIO_POPULATION, ...scenario.data.population };
  const ranges = Math.max(1, iterations) * stride;
  const claims = scenario.data.files.some((f) => f.kind === "claims") ? ranges : 0;
  const encounters = scenario.data.files.some((f) => f.kind === "encounters") ? ranges : 0;
  return { seed: scenario.data.seed, referenceDate: DEFAULT_WORLD_CONFIG.referenceDate, population: { members: pop.members, providers: pop.providers, claims, encounters } };
}

export interface IterationFile {
  kind: Kind;
  format: string;
  /** Records drawn for the file (X12 837 files hold only the claims of their type among them). */
  records: number;
  spec: FileSpec;
}

/** The file of iteration `i`, its path under `runId/`. */
export function iterationFile(scenario: Scenario, i: number, runId: string): IterationFile {
  const rng = rngFor(scenario.data.seed, "iteration", i);
  const mix = scenario.data.files;
  const total = mix.reduce((t, f) => t + f.weight, 0);
  let x = rng.next() * total;
  let entry = mix[mix.length - 1]!;
  for (const f of mix) {
    x -= f.weight;
    if (x < 0) {
      entry = f;
      break;
    }
  }
  const kind = entry.kind;
  const stride = maxOf(scenario.data.recordsPerFile);
  const pop = { ...DEFAULT_SCENARIO_POPULATION, ...scenario.data.population };
  let records = sample(scenario.data.recordsPerFile, rng);
  let firstIndex: number;
  if (kind === "claims" || kind === "encounters") firstIndex = i * stride;
  else {
    const size = kind === "eligibility" ? pop.members : pop.providers;
    records = Math.min(records, size);
    firstIndex = rng.int(size - records + 1);
  }
  const format = formatByName(entry.format);
  const gzip = scenario.data.gzip === true;
  const path = `${runId}/${kind}/${kind}-${String(i).padStart(6, "0")}.${format.extension}${gzip ? ".gz" : ""}`;
  const spec: FileSpec = { path, kind, format: entry.format, fileIndex: i, firstIndex, lastIndex: firstIndex + records - 1, ordinal: i };
  const defects = scenarioDefects(scenario);
  if (defects) {
    spec.defects = defects;
    // each iteration's file stands alone (a duplicated ISA13 would need its twin in the same run)
    spec.filesOfFormat = 1;
  }
  return { kind, format: entry.format, records, spec };
}

export function scenarioDefects(scenario: Scenario): DefectOptions | undefined {
  const rate = scenario.data.defectRate ?? 0;
  const fileShare = scenario.data.defectiveFiles ?? 0;
  if (rate === 0 && fileShare === 0) return undefined;
  const codes = selectDefects(scenario.data.defects ?? "all").map((d) => d.code);
  return { rate, fileShare, codes };
}
