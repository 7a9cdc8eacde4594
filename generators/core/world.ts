/**
 * A World is the read-only context every generator takes: the validated config, the code lists,
 * the vocabulary and the distributions built from them once. It holds no random state; the only
 * mutable parts are memo caches of pure functions, which never change an answer.
 */
import { resolveWorldConfig, type PayerClass, type WorldConfig } from "./config.js";
import { bundledCodeLists, type CodeLists } from "./code-lists.js";
import { DateFormatter, parseIsoDate, type DayNumber } from "./dates.js";
import { Weighted } from "./random.js";
import { VOCABULARY, type Vocabulary } from "./vocabulary.js";
import payersData from "../data/payers.json" with { type: "json" };
import type { Payer } from "../model.js";
import { firstMedicaidMember } from "../entities/members.js";

export interface World {
  readonly config: WorldConfig;
  readonly seed: number;
  readonly codes: CodeLists;
  readonly vocabulary: Vocabulary;
  readonly dates: DateFormatter;
  readonly referenceDay: DayNumber;
  readonly windowStart: DayNumber;
  readonly payersByClass: Readonly<Record<PayerClass, readonly Payer[]>>;
  readonly dist: {
    payerClass: Weighted<PayerClass>;
    spanCount: Weighted<number>;
    lineCount: Weighted<number>;
    secondaryDiagnoses: Weighted<number>;
    frequency: Weighted<string>;
    placeOfService: Weighted<string>;
    encounterType: Weighted<string>;
  };
  /** Principal-diagnosis candidates (the ICD-10-CM list less the excluded prefixes). */
  readonly principalDiagnoses: readonly string[];
  readonly inpatientBillTypes: readonly string[];
  readonly outpatientBillTypes: readonly string[];
  readonly roomAndBoardRevenue: readonly string[];
  readonly ancillaryRevenue: readonly string[];
}

export interface WorldOptions {
  /** Replacement code lists (already validated, see withCodeLists). */
  codes?: CodeLists;
}

function weightedFromTable(table: Record<string, number>, what: string): Weighted<string> {
  return new Weighted(Object.entries(table), what);
}

function weightedFromList(weights: readonly number[], offset: number, what: string): Weighted<number> {
  return new Weighted(weights.map((w, i) => [i + offset, w] as const), what);
}

/** Builds a World from a (partial) config; throws a one-line RangeError on bad settings. */
export function createWorld(partialConfig: unknown = {}, options: WorldOptions = {}): World {
  const config = resolveWorldConfig(partialConfig);
  const codes = options.codes ?? bundledCodeLists();
  const referenceDay = parseIsoDate(config.referenceDate, "referenceDate");
  const payers = (payersData as { payers: Payer[] }).payers;
  const payersByClass: Record<PayerClass, Payer[]> = { medicaid: [], medicare: [], commercial: [] };
  for (const p of payers) payersByClass[p.class].push(p);

  const posSet = new Set(codes.placeOfService);
  for (const code of Object.keys(config.claims.placeOfServiceWeights)) {
    if (!posSet.has(code)) throw new RangeError(`claims.placeOfServiceWeights.${code}: not in the place-of-service code list`);
  }
  const excluded = config.claims.principalDiagnosisExcludedPrefixes;
  const principalDiagnoses = codes.icd10cm.filter((c) => !excluded.some((p) => c.startsWith(p)));
  if (principalDiagnoses.length === 0) throw new RangeError("claims.principalDiagnosisExcludedPrefixes: excludes every ICD-10-CM code");
  // Type of bill: first digit the facility type, second the bill classification (1 inpatient, 3 outpatient).
  const inpatientBillTypes = codes.typeOfBill.filter((t) => /^[1-8]1/.test(t));
  const outpatientBillTypes = codes.typeOfBill.filter((t) => /^[1-8][34]/.test(t));
  if (inpatientBillTypes.length === 0 || outpatientBillTypes.length === 0) throw new RangeError("type-of-bill code list: needs inpatient (x1x) and outpatient (x3x) types");
  // Revenue codes 010x–021x are accommodations (room and board); the rest are ancillary.
  const roomAndBoardRevenue = codes.revenue.filter((r) => /^0(1\d|20|21)\d$/.test(r));
  // 0001 is the total-charges line of a UB-04, never a service line
  const ancillaryRevenue = codes.revenue.filter((r) => !roomAndBoardRevenue.includes(r) && r !== "0001");
  if (roomAndBoardRevenue.length === 0 || ancillaryRevenue.length === 0) throw new RangeError("revenue code list: needs accommodation (01xx) and ancillary codes");

  const world: World = {
    config,
    seed: config.seed,
    codes,
    vocabulary: VOCABULARY,
    dates: new DateFormatter(),
    referenceDay,
    windowStart: referenceDay - config.serviceWindowDays + 1,
    payersByClass,
    dist: {
      payerClass: new Weighted(Object.entries(config.payerMix) as [PayerClass, number][], "payerMix"),
      spanCount: weightedFromList(config.eligibility.spanCountWeights, 1, "eligibility.spanCountWeights"),
      lineCount: weightedFromList(config.claims.lineCountWeights, 1, "claims.lineCountWeights"),
      secondaryDiagnoses: weightedFromList(config.claims.secondaryDiagnosisWeights, 0, "claims.secondaryDiagnosisWeights"),
      frequency: weightedFromTable(config.claims.frequencyWeights, "claims.frequencyWeights"),
      placeOfService: weightedFromTable(config.claims.placeOfServiceWeights, "claims.placeOfServiceWeights"),
      encounterType: weightedFromTable(config.encounters.typeWeights, "encounters.typeWeights"),
    },
    principalDiagnoses,
    inpatientBillTypes,
    outpatientBillTypes,
    roomAndBoardRevenue,
    ancillaryRevenue,
  };
  if (config.population.encounters > 0 && firstMedicaidMember(world) < 0) {
    throw new RangeError(`population.encounters: encounters need a Medicaid member, and none of the ${config.population.members} members is one (raise population.members or payerMix.medicaid)`);
  }
  return world;
}
