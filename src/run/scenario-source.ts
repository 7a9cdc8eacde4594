/** Finds a scenario by name (a built-in) or path (a user's JSON file), validated with one-line errors. */
import { existsSync, readFileSync } from "node:fs";
import { BUILTIN_SCENARIOS, builtinScenario, validateScenario, type RunSummary, type Scenario } from "../../scenarios/index.js";
import { UserError } from "../cli/errors.js";

export function loadScenario(nameOrPath: string): Scenario {
  const builtin = builtinScenario(nameOrPath);
  if (builtin) return validateScenario(builtin);
  const looksLikePath = nameOrPath.endsWith(".json") || nameOrPath.includes("/") || existsSync(nameOrPath);
  if (!looksLikePath) {
    throw new UserError(`unknown scenario ${JSON.stringify(nameOrPath)} (built-in: ${BUILTIN_SCENARIOS.map((s) => s.name).join(", ")}; or the path of a JSON file)`);
  }
  let text: string;
  try {
    text = readFileSync(nameOrPath, "utf8");
  } catch (error) {
    throw new UserError(`scenario file ${nameOrPath}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`scenario file ${nameOrPath}: not valid JSON (${(error as Error).message})`);
  }
  try {
    return validateScenario(value);
  } catch (error) {
    throw new UserError(`scenario file ${nameOrPath}: ${(error as Error).message}`);
  }
}

/**
 * The scenario a summary's run ran: its recorded definition (overrides and seed applied), so that a
 * user's scenario file need not be at hand; by name for summaries that have none.
 */
export function scenarioOfRun(run: RunSummary["run"]): Scenario {
  let scenario: Scenario;
  if (run.definition !== undefined) {
    try {
      scenario = validateScenario(run.definition);
    } catch (error) {
      throw new UserError(`the run's summary: run.definition: ${(error as Error).message}`);
    }
  } else scenario = loadScenario(run.scenario);
  scenario.data.seed = run.seed;
  return scenario;
}
