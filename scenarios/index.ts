/** Scenarios: the model, its validation, the shipped ones, schedules, thresholds and the run summary. */
export * from "./model.js";
export * from "./duration.js";
export * from "./metrics.js";
export * from "./thresholds.js";
export * from "./schedule.js";
export * from "./files.js";
export * from "./summary.js";
export { validateScenario, MIN_PART_SIZE, QUERY_NAMES } from "./validate.js";
export { BUILTIN_SCENARIOS } from "./builtin.js";
export { withOverrides, type ScenarioOverrides } from "./overrides.js";

import { BUILTIN_SCENARIOS } from "./builtin.js";
import type { Scenario } from "./model.js";

export function builtinScenario(name: string): Scenario | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
