/** Command-line overrides of a scenario (`--duration`, `--rate`, `--threshold`), applied to a copy and re-validated. */
import type { MetricDefinition } from "./metrics.js";
import type { Scenario, ThresholdSpec } from "./model.js";
import { parseThresholdFlag } from "./thresholds.js";
import { validateScenario } from "./validate.js";

export interface ScenarioOverrides {
  duration?: string;
  /** Arrivals per timeUnit (constant-arrival-rate). */
  rate?: number;
  /** `METRIC=EXPRESSION`: replaces the scenario's expressions for that metric. */
  thresholds?: string[];
  seed?: number;
}

export function withOverrides(scenario: Scenario, o: ScenarioOverrides, extraMetrics: Readonly<Record<string, MetricDefinition>> = {}): { scenario: Scenario; cliThresholds: Set<string> } {
  const copy = structuredClone(scenario) as Scenario;
  const load = copy.load;
  if (o.rate !== undefined) {
    if (load.executor !== "constant-arrival-rate") throw new RangeError(`--rate applies to constant-arrival-rate scenarios; ${copy.name} is ${load.executor}`);
    load.rate = o.rate;
  }
  if (o.duration !== undefined) {
    if (load.executor === "constant-arrival-rate") load.duration = o.duration;
    else if (load.executor === "shared-iterations") load.maxDuration = o.duration;
    else throw new RangeError(`--duration does not apply to ${copy.name} (ramping-arrival-rate: its stages set the duration)`);
  }
  if (o.seed !== undefined) copy.data.seed = o.seed;
  const cliThresholds = new Set<string>();
  const added: Record<string, ThresholdSpec[]> = {};
  for (const flag of o.thresholds ?? []) {
    const { key, expression } = parseThresholdFlag(flag);
    (added[key] ??= []).push(expression);
    cliThresholds.add(key);
  }
  Object.assign(copy.thresholds, added);
  return { scenario: validateScenario(copy, extraMetrics), cliThresholds };
}
