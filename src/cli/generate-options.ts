/**
 * The options of `hcsynth generate`, as one typed table, and the one function that layers them:
 * defaults < config file (--config) < environment (HCSYNTH_*) < command-line flags.
 */
import { availableParallelism } from "node:os";
import { FORMAT_NAMES, KINDS, type Kind, type X12Options } from "../../generators/index.js";
import { UserError } from "./errors.js";
import { list, oneOf, share, shardSpec, text, wholeNumber } from "./parse.js";

export interface GenerateRunOptions {
  out: string;
  kinds: Kind[];
  formats: string[];
  recordsPerFile: number;
  gzip: boolean;
  shard: { index: number; count: number };
  workers: number;
  force: boolean;
  config?: string;
  procedures?: string;
  modifiers?: string;
  /** X12 options from the x12.* flags (validated by the generators). */
  x12: X12Options;
  /** Defect settings from the defects.* flags: rate, fileShare, codes (raw), policy (a file path). */
  defects: { rate?: number; fileShare?: number; codes?: string; policy?: string };
}

export interface OptionSpec {
  /** commander flag syntax */
  flags: string;
  description: string;
  /** Where the value goes: a world config path ("population.members") or a run option ("run.workers"). */
  target: string;
  env?: string;
  parse?: (raw: string) => unknown;
  boolean?: boolean;
}

export const GENERATE_OPTIONS: readonly OptionSpec[] = [
  { flags: "--seed <n>", description: "seed of every random draw (default 1)", target: "seed", env: "HCSYNTH_SEED", parse: wholeNumber("--seed", 0, 0xffffffff) },
  { flags: "--out <dir>", description: "output directory (required)", target: "run.out", env: "HCSYNTH_OUT" },
  { flags: "--kinds <list>", description: `kinds to write: ${KINDS.join(",")} (default all)`, target: "run.kinds", parse: list("--kinds", KINDS) },
  { flags: "--formats <list>", description: `formats to write: ${FORMAT_NAMES.join(",")} (default csv,ndjson)`, target: "run.formats", parse: list("--formats", FORMAT_NAMES) },
  { flags: "--members <n>", description: "members in the population", target: "population.members", parse: wholeNumber("--members") },
  { flags: "--providers <n>", description: "providers in the population", target: "population.providers", parse: wholeNumber("--providers") },
  { flags: "--claims <n>", description: "claims to generate", target: "population.claims", parse: wholeNumber("--claims") },
  { flags: "--encounters <n>", description: "Medicaid encounters to generate", target: "population.encounters", parse: wholeNumber("--encounters") },
  { flags: "--records-per-file <n>", description: "records per file (default 100000)", target: "run.recordsPerFile", env: "HCSYNTH_RECORDS_PER_FILE", parse: wholeNumber("--records-per-file", 1) },
  { flags: "--gzip", description: "gzip every file (.gz)", target: "run.gzip", boolean: true },
  { flags: "--shard <i/N>", description: "write only shard i of N (files i, i+N, …)", target: "run.shard", parse: shardSpec("--shard") },
  { flags: "--workers <n>", description: "worker threads (default: all cores)", target: "run.workers", env: "HCSYNTH_WORKERS", parse: wholeNumber("--workers", 1, 256) },
  { flags: "--force", description: "write into a non-empty output directory", target: "run.force", boolean: true },
  { flags: "--config <file>", description: "JSON file of world settings (population, distributions, dates)", target: "run.config", env: "HCSYNTH_CONFIG" },
  { flags: "--id-prefix <prefix>", description: "synthetic prefix of member, claim and encounter IDs (default SYN)", target: "idPrefix", env: "HCSYNTH_ID_PREFIX", parse: text("--id-prefix", /^[A-Z][A-Z0-9]{0,5}$/, "1–6 upper-case letters or digits, starting with a letter") },
  { flags: "--reference-date <date>", description: "the world's frozen today, YYYY-MM-DD (default 2025-12-31)", target: "referenceDate", env: "HCSYNTH_REFERENCE_DATE", parse: text("--reference-date", /^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD") },
  { flags: "--usage <T|P>", description: "X12 ISA15 usage indicator: T test, P production (default T)", target: "x12.usage", parse: oneOf("--usage", ["T", "P"]) },
  { flags: "--sender-id <id>", description: "X12 sender ID (ISA06, GS02, 1000A)", target: "x12.senderId" },
  { flags: "--receiver-id <id>", description: "X12 receiver ID (ISA08, GS03, 1000B)", target: "x12.receiverId" },
  { flags: "--claims-per-st <n>", description: "X12 claims (or members) per ST/SE transaction set, at most 5000 (default 5000)", target: "x12.claimsPerSt", parse: wholeNumber("--claims-per-st", 1, 5000) },
  { flags: "--element-separator <c>", description: "X12 element separator (default *)", target: "x12.elementSeparator" },
  { flags: "--component-separator <c>", description: "X12 component separator, ISA16 (default :)", target: "x12.componentSeparator" },
  { flags: "--repetition-separator <c>", description: "X12 repetition separator, ISA11 (default ^)", target: "x12.repetitionSeparator" },
  { flags: "--segment-terminator <c>", description: "X12 segment terminator (default ~)", target: "x12.segmentTerminator" },
  { flags: "--segment-newline", description: "X12: a line feed after every segment", target: "x12.newline", boolean: true },
  { flags: "--eligibility-mode <mode>", description: "X12 834: full (audit, 030) or change (021/024/001) files (default full)", target: "x12.eligibilityMode", parse: oneOf("--eligibility-mode", ["full", "change"]) },
  { flags: "--defect-rate <r>", description: "share of records given a record-level defect, 0–1 (default 0)", target: "defects.rate", parse: share("--defect-rate") },
  { flags: "--defective-files <f>", description: "share of files given a file-level defect, 0–1 (default 0)", target: "defects.fileShare", parse: share("--defective-files") },
  { flags: "--defects <codes>", description: "defect codes to inject, comma-separated, or all (default all)", target: "defects.codes" },
  { flags: "--policy <file>", description: "JSON file overriding expected outcomes: {\"CODE\": \"reject-file|reject-transaction|reject-record|flag\"}", target: "defects.policy" },
  { flags: "--procedures <file>", description: "your own procedure code list (CPT/HCPCS), one code per line", target: "run.procedures" },
  { flags: "--modifiers <file>", description: "your own procedure modifier list, one code per line", target: "run.modifiers" },
];

export const GENERATE_DEFAULTS: Omit<GenerateRunOptions, "out" | "x12" | "defects"> = {
  kinds: [...KINDS],
  formats: ["csv", "ndjson"],
  recordsPerFile: 100_000,
  gzip: false,
  shard: { index: 0, count: 1 },
  workers: Math.max(1, availableParallelism()),
  force: false,
};

/** commander's property name for a flag: "--records-per-file <n>" → "recordsPerFile". */
export function flagKey(flags: string): string {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1] ?? "";
  return long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

export interface LayeredGenerateOptions {
  run: GenerateRunOptions;
  /** A partial world config, validated later by createWorld. */
  world: Record<string, unknown>;
}

/**
 * Layers defaults < file < env < flags. `flags` are commander's raw values (strings, or true for
 * booleans); `readConfig` reads and parses the --config file (injected so this stays testable).
 */
export function layerGenerateOptions(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
  readConfig: (path: string) => unknown,
): LayeredGenerateOptions {
  const fromEnv: Record<string, unknown> = {};
  const fromFlags: Record<string, unknown> = {};
  for (const spec of GENERATE_OPTIONS) {
    const key = flagKey(spec.flags);
    const envRaw = spec.env ? env[spec.env] : undefined;
    if (envRaw !== undefined && envRaw !== "") fromEnv[spec.target] = spec.parse ? spec.parse(envRaw) : envRaw;
    const raw = flags[key];
    if (raw !== undefined) fromFlags[spec.target] = spec.boolean ? Boolean(raw) : spec.parse ? spec.parse(String(raw)) : raw;
  }
  const configPath = (fromFlags["run.config"] ?? fromEnv["run.config"]) as string | undefined;
  const fileConfig = configPath === undefined ? {} : readConfig(configPath);
  if (typeof fileConfig !== "object" || fileConfig === null || Array.isArray(fileConfig)) {
    throw new UserError(`--config ${configPath}: expected a JSON object of world settings`);
  }
  const world: Record<string, unknown> = structuredClone(fileConfig) as Record<string, unknown>;
  const x12: Record<string, unknown> = {};
  const defects: Record<string, unknown> = {};
  const run: Record<string, unknown> = { ...GENERATE_DEFAULTS, kinds: [...GENERATE_DEFAULTS.kinds], formats: [...GENERATE_DEFAULTS.formats], x12, defects };
  for (const layer of [fromEnv, fromFlags]) {
    for (const [target, value] of Object.entries(layer)) {
      if (target.startsWith("run.")) run[target.slice(4)] = value;
      else if (target.startsWith("x12.")) x12[target.slice(4)] = value;
      else if (target.startsWith("defects.")) defects[target.slice(8)] = value;
      else setPath(world, target, value);
    }
  }
  if (typeof run["out"] !== "string" || run["out"] === "") throw new UserError("--out: is required (the output directory)");
  return { run: run as unknown as GenerateRunOptions, world };
}
