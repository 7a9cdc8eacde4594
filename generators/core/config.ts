/**
 * The world's configuration: population sizes and every distribution, as data with documented
 * defaults. `resolveWorldConfig(partial)` deep-merges a user's partial config over the defaults
 * and validates the result, failing with one precise message.
 */
import { parseIsoDate } from "./dates.js";

export type PayerClass = "medicaid" | "medicare" | "commercial";

export interface WorldConfig {
  /** Seed of every random draw. */
  seed: number;
  /** Prefix of member, claim and encounter IDs, marking them as synthetic. */
  idPrefix: string;
  /** The frozen "today" of the world, YYYY-MM-DD: no date is drawn after it. */
  referenceDate: string;
  /** Dates of service fall in the `serviceWindowDays` days up to the reference date. */
  serviceWindowDays: number;
  population: { members: number; providers: number; claims: number; encounters: number };
  /** Share of households in each payer class. */
  payerMix: Record<PayerClass, number>;
  households: {
    /** Chance that the member after a household's last member joins that household rather than starting a new one. */
    dependentShare: number;
    /** Households never exceed this size. */
    maxSize: number;
    /** Chance that a household's first dependent is a spouse (otherwise a child). */
    spouseShare: number;
  };
  /** Share of Medicare members under 65 (entitled by disability). */
  medicareUnder65Share: number;
  eligibility: {
    /** Weights of the number of coverage spans per member: index 0 is one span. */
    spanCountWeights: number[];
    /** Chance that the latest span is terminated before the reference date. */
    terminationShare: number;
    /** Length of a coverage gap between spans, in days. */
    gapDays: [number, number];
    /** Length of an earlier (closed) span, in days. */
    spanDays: [number, number];
  };
  providers: {
    /** Individual providers (NPI type 1) per organisation (NPI type 2). */
    individualsPerOrganization: number;
    /** Chance that an individual has a second organisation affiliation. */
    secondAffiliationShare: number;
  };
  claims: {
    /** Share of institutional (837I-shaped) claims; the rest are professional. */
    institutionalShare: number;
    /** Share of institutional claims that are inpatient stays. */
    inpatientShare: number;
    /** Weights of the number of service lines: index 0 is one line. */
    lineCountWeights: number[];
    /** Weights of the number of secondary diagnoses: index 0 is none. */
    secondaryDiagnosisWeights: number[];
    /** Weights of the claim frequency codes (1 original, 7 replacement, 8 void). */
    frequencyWeights: Record<string, number>;
    /** Weights of place-of-service codes for professional claims (codes must be in the loaded list). */
    placeOfServiceWeights: Record<string, number>;
    /** Inpatient length of stay in days. */
    lengthOfStayDays: [number, number];
    /** Median professional line charge in dollars (log-normal). */
    professionalMedianCharge: number;
    /** Median institutional line charge in dollars (log-normal). */
    institutionalMedianCharge: number;
    /** Chance that a professional line carries a modifier (when a modifier list is loaded). */
    modifierShare: number;
    /** ICD-10-CM code prefixes never drawn as a principal diagnosis (external causes). */
    principalDiagnosisExcludedPrefixes: string[];
  };
  encounters: {
    /** Weights of the encounter types. */
    typeWeights: Record<string, number>;
    /** Paid share of a line's charge, drawn uniformly in this range. */
    paidRatio: [number, number];
    /** Chance that a line is denied (paid 0). */
    deniedLineShare: number;
    /** Days from the last date of service to the paid date. */
    paidLagDays: [number, number];
  };
}

export const DEFAULT_WORLD_CONFIG: WorldConfig = {
  seed: 1,
  idPrefix: "SYN",
  referenceDate: "2025-12-31",
  serviceWindowDays: 730,
  population: { members: 1000, providers: 100, claims: 5000, encounters: 1000 },
  payerMix: { medicaid: 0.5, medicare: 0.2, commercial: 0.3 },
  households: { dependentShare: 0.45, maxSize: 6, spouseShare: 0.45 },
  medicareUnder65Share: 0.12,
  eligibility: {
    spanCountWeights: [0.7, 0.22, 0.08],
    terminationShare: 0.15,
    gapDays: [30, 180],
    spanDays: [90, 730],
  },
  providers: { individualsPerOrganization: 4, secondAffiliationShare: 0.2 },
  claims: {
    institutionalShare: 0.25,
    inpatientShare: 0.3,
    lineCountWeights: [0.45, 0.25, 0.15, 0.08, 0.04, 0.03],
    secondaryDiagnosisWeights: [0.3, 0.3, 0.2, 0.12, 0.08],
    frequencyWeights: { "1": 0.92, "7": 0.06, "8": 0.02 },
    placeOfServiceWeights: { "11": 60, "22": 10, "23": 6, "21": 5, "19": 4, "02": 5, "10": 3, "12": 3, "31": 2, "81": 2 },
    lengthOfStayDays: [1, 10],
    professionalMedianCharge: 95,
    institutionalMedianCharge: 650,
    modifierShare: 0.15,
    principalDiagnosisExcludedPrefixes: ["V", "W", "X", "Y"],
  },
  encounters: {
    typeWeights: { capitated: 0.7, "fee-for-service": 0.2, "sub-capitated": 0.1 },
    paidRatio: [0.35, 0.9],
    deniedLineShare: 0.05,
    paidLagDays: [7, 90],
  },
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Tables keyed by code or class: a user's table replaces the default one whole, with any keys. */
const REPLACED_WHOLE = new Set(["payerMix", "claims.frequencyWeights", "claims.placeOfServiceWeights", "encounters.typeWeights"]);

/**
 * Deep-merges `override` into `base`: sections merge key by key, arrays, scalars and the code tables
 * in REPLACED_WHOLE replace. A key the base does not have is an error naming it.
 */
export function mergeConfig<T>(base: T, override: unknown, path = ""): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || REPLACED_WHOLE.has(path)) return override as T;
  if (!isPlainObject(override)) throw new TypeError(`${path || "config"}: expected an object, got ${JSON.stringify(override)}`);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (!(key in base)) throw new TypeError(`${keyPath}: unknown setting`);
    out[key] = mergeConfig(base[key], value, keyPath);
  }
  return out as T;
}

function fail(path: string, message: string): never {
  throw new RangeError(`${path}: ${message}`);
}

function checkCount(path: string, v: unknown, min = 0): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > 2 ** 40) fail(path, `expected a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
}

function checkShare(path: string, v: unknown): void {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) fail(path, `expected a number from 0 to 1, got ${JSON.stringify(v)}`);
}

function checkRange(path: string, v: unknown, min: number, max = Infinity): void {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "number" || typeof v[1] !== "number" || !(v[0] >= min && v[1] >= v[0] && v[1] <= max)) {
    fail(path, `expected [low, high] with ${min} ≤ low ≤ high${max !== Infinity ? ` ≤ ${max}` : ""}, got ${JSON.stringify(v)}`);
  }
}

function checkWeights(path: string, v: unknown): void {
  const values = Array.isArray(v) ? v : isPlainObject(v) ? Object.values(v) : null;
  if (!values || values.length === 0) fail(path, `expected a non-empty list or table of weights`);
  let total = 0;
  for (const w of values) {
    if (typeof w !== "number" || !(w >= 0) || !Number.isFinite(w)) fail(path, `weights must be non-negative numbers, got ${JSON.stringify(w)}`);
    total += w;
  }
  if (total <= 0) fail(path, "weights must not all be zero");
}

/** Validates a complete config; throws a RangeError whose message names the setting. */
export function validateWorldConfig(c: WorldConfig): WorldConfig {
  checkCount("seed", c.seed);
  if (c.seed > 0xffffffff) fail("seed", `expected a whole number from 0 to 4294967295, got ${c.seed}`);
  if (typeof c.idPrefix !== "string" || !/^[A-Z][A-Z0-9]{0,5}$/.test(c.idPrefix)) fail("idPrefix", `expected 1–6 upper-case letters or digits starting with a letter, got ${JSON.stringify(c.idPrefix)}`);
  parseIsoDate(c.referenceDate, "referenceDate");
  checkCount("serviceWindowDays", c.serviceWindowDays, 90);
  for (const k of ["members", "providers", "claims", "encounters"] as const) checkCount(`population.${k}`, c.population[k]);
  if (c.population.members > 999_999_999) fail("population.members", "at most 999999999");
  if (c.population.providers > 799_999_999) fail("population.providers", "at most 799999999");
  if ((c.population.claims > 0 || c.population.encounters > 0) && c.population.members < 1) fail("population.members", "claims and encounters need at least one member");
  if ((c.population.claims > 0 || c.population.encounters > 0) && c.population.providers < 2) fail("population.providers", "claims and encounters need at least two providers (an organisation and an individual)");
  checkWeights("payerMix", c.payerMix);
  for (const k of Object.keys(c.payerMix)) if (!["medicaid", "medicare", "commercial"].includes(k)) fail(`payerMix.${k}`, "unknown payer class (medicaid, medicare, commercial)");
  if (c.population.encounters > 0 && !(c.payerMix.medicaid > 0)) fail("payerMix.medicaid", "encounters need Medicaid members: give medicaid a weight above 0");
  checkShare("households.dependentShare", c.households.dependentShare);
  checkCount("households.maxSize", c.households.maxSize, 1);
  if (c.households.maxSize > 9) fail("households.maxSize", "at most 9");
  checkShare("households.spouseShare", c.households.spouseShare);
  checkShare("medicareUnder65Share", c.medicareUnder65Share);
  checkWeights("eligibility.spanCountWeights", c.eligibility.spanCountWeights);
  checkShare("eligibility.terminationShare", c.eligibility.terminationShare);
  checkRange("eligibility.gapDays", c.eligibility.gapDays, 1);
  checkRange("eligibility.spanDays", c.eligibility.spanDays, 30);
  checkCount("providers.individualsPerOrganization", c.providers.individualsPerOrganization, 1);
  checkShare("providers.secondAffiliationShare", c.providers.secondAffiliationShare);
  checkShare("claims.institutionalShare", c.claims.institutionalShare);
  checkShare("claims.inpatientShare", c.claims.inpatientShare);
  checkWeights("claims.lineCountWeights", c.claims.lineCountWeights);
  if (c.claims.lineCountWeights.length > 50) fail("claims.lineCountWeights", "at most 50 lines per claim (the 837P limit)");
  checkWeights("claims.secondaryDiagnosisWeights", c.claims.secondaryDiagnosisWeights);
  if (c.claims.secondaryDiagnosisWeights.length > 11) fail("claims.secondaryDiagnosisWeights", "at most 10 secondary diagnoses");
  checkWeights("claims.frequencyWeights", c.claims.frequencyWeights);
  for (const k of Object.keys(c.claims.frequencyWeights)) if (!["1", "7", "8"].includes(k)) fail(`claims.frequencyWeights.${k}`, "claim frequency must be 1, 7 or 8");
  checkWeights("claims.placeOfServiceWeights", c.claims.placeOfServiceWeights);
  checkRange("claims.lengthOfStayDays", c.claims.lengthOfStayDays, 1, 365);
  if (!(c.claims.professionalMedianCharge > 0)) fail("claims.professionalMedianCharge", "must be above 0");
  if (!(c.claims.institutionalMedianCharge > 0)) fail("claims.institutionalMedianCharge", "must be above 0");
  checkShare("claims.modifierShare", c.claims.modifierShare);
  if (!Array.isArray(c.claims.principalDiagnosisExcludedPrefixes)) fail("claims.principalDiagnosisExcludedPrefixes", "expected a list of prefixes");
  checkWeights("encounters.typeWeights", c.encounters.typeWeights);
  checkRange("encounters.paidRatio", c.encounters.paidRatio, 0, 1);
  checkShare("encounters.deniedLineShare", c.encounters.deniedLineShare);
  checkRange("encounters.paidLagDays", c.encounters.paidLagDays, 0);
  return c;
}

export function resolveWorldConfig(partial: unknown = {}): WorldConfig {
  return validateWorldConfig(mergeConfig(DEFAULT_WORLD_CONFIG, partial));
}
