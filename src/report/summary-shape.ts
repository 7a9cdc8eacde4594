/**
 * Whether a parsed summary.json is one this hcsynth can render: the schema it names, and the fields
 * the reports read. Says what is wrong in a few words, or nothing.
 */
import { SUMMARY_SCHEMA } from "../../scenarios/summary.js";

const STATUSES = new Set(["passed", "thresholds-failed", "aborted", "interrupted", "error"]);
const METRIC_TYPES = new Set(["trend", "counter", "rate", "gauge"]);

type Check = [problem: string, ok: boolean];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What is wrong with a summary, or undefined when it can be rendered. */
export function summaryProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "is not a JSON object";
  if (value["schema"] !== SUMMARY_SCHEMA) return `has schema ${JSON.stringify(value["schema"]) ?? "(none)"}, expected ${JSON.stringify(SUMMARY_SCHEMA)}`;
  const run = value["run"];
  if (!isObject(run)) return "has no run object";
  const target = run["target"];
  const series = value["series"];
  const checks: Check[] = [
    ["run.id is not a string", typeof run["id"] === "string"],
    ["run.scenario is not a string", typeof run["scenario"] === "string"],
    [`run.status ${JSON.stringify(run["status"])} is not a known status`, STATUSES.has(run["status"] as string)],
    ["run.durationMs is not a number", typeof run["durationMs"] === "number"],
    ["run.exitCode is not a number", typeof run["exitCode"] === "number"],
    ["run.target has no bucket and prefix", isObject(target) && typeof target["bucket"] === "string" && typeof target["prefix"] === "string"],
    ["metrics is not an object", isObject(value["metrics"])],
    ["thresholds is not a list", Array.isArray(value["thresholds"])],
    ["errors is not a list", Array.isArray(value["errors"])],
    ["series has no columns and rows", isObject(series) && Array.isArray(series["columns"]) && Array.isArray(series["rows"])],
  ];
  const failed = checks.find(([, ok]) => !ok);
  if (failed) return failed[0];
  for (const [name, metric] of Object.entries(value["metrics"] as Record<string, unknown>)) {
    if (!isObject(metric) || !METRIC_TYPES.has(metric["type"] as string) || !isObject(metric["values"])) return `metric ${JSON.stringify(name)} has no known type and values`;
  }
  const thresholds = value["thresholds"] as unknown[];
  const badThreshold = thresholds.findIndex((t) => !isObject(t) || typeof t["metric"] !== "string" || typeof t["expression"] !== "string" || typeof t["ok"] !== "boolean");
  if (badThreshold >= 0) return `thresholds[${badThreshold}] needs a metric, an expression and ok`;
  const rows = (series as Record<string, unknown>)["rows"] as unknown[];
  const badRow = rows.findIndex((r) => !Array.isArray(r));
  if (badRow >= 0) return `series.rows[${badRow}] is not a list`;
  return undefined;
}

