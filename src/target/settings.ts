/**
 * The write-safety settings shared by `run`, `push` and `seed`, layered defaults < config file <
 * environment < flags in this one function. The config file is JSON:
 * `{ "allowBuckets": ["qa-*"], "allowDatabases": ["qa_*"] }` (other keys are left to other readers).
 * Environment: HCSYNTH_ALLOW_BUCKETS and HCSYNTH_ALLOW_DBS, comma-separated.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../cli/errors.js";

export interface TargetSettings {
  allowBuckets: string[];
  allowDatabases: string[];
}

export interface TargetSettingSources {
  configFile?: string;
  env?: Record<string, string | undefined>;
  flags?: { allowBucket?: string[]; allowDb?: string[] };
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "")) throw new UserError(`${where}: expected an array of non-empty strings`);
  return value as string[];
}

const envList = (raw: string | undefined): string[] | undefined =>
  raw === undefined || raw.trim() === "" ? undefined : raw.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** Reads a JSON object from a config file, as one-line user errors. */
export function readConfigObject(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`config file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`config file ${path}: not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new UserError(`config file ${path}: expected a JSON object`);
  return value as Record<string, unknown>;
}

export function layerTargetSettings(sources: TargetSettingSources): TargetSettings {
  const settings: TargetSettings = { allowBuckets: [], allowDatabases: [] };
  if (sources.configFile) {
    const config = readConfigObject(sources.configFile);
    if (config["allowBuckets"] !== undefined) settings.allowBuckets = stringList(config["allowBuckets"], `config file ${sources.configFile}: "allowBuckets"`);
    if (config["allowDatabases"] !== undefined) settings.allowDatabases = stringList(config["allowDatabases"], `config file ${sources.configFile}: "allowDatabases"`);
  }
  const env = sources.env ?? {};
  settings.allowBuckets = envList(env["HCSYNTH_ALLOW_BUCKETS"]) ?? settings.allowBuckets;
  settings.allowDatabases = envList(env["HCSYNTH_ALLOW_DBS"]) ?? settings.allowDatabases;
  if (sources.flags?.allowBucket?.length) settings.allowBuckets = sources.flags.allowBucket;
  if (sources.flags?.allowDb?.length) settings.allowDatabases = sources.flags.allowDb;
  return settings;
}
