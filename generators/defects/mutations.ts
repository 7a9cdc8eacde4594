/**
 * Record-level defects as mutations of one entity, before it is written: the writers then render the
 * defect in each format's own way, and every other record stays byte-identical to the clean run.
 * A mutation changes only what its defect names (a negative line charge keeps total = sum of lines),
 * and reports the field it touched. Date-format defects mark a date with a sentinel day number that
 * DateFormatter renders as an impossible or wrongly formatted date.
 */
import { impossibleDay, wrongFormatDay } from "../core/dates.js";
import { isValidNpi, npiForProvider } from "../core/identifiers.js";
import type { Rng } from "../core/random.js";
import type { World } from "../core/world.js";
import type { EntityOfKind, Kind } from "../kinds.js";
import type { Claim, CoverageSpan, Member, Provider } from "../model.js";
import { copyClaim } from "../entities/claims.js";
import { memberId } from "../entities/members.js";

export interface Mutation<T> {
  /** The records to write in place of the clean one (two for duplicates). */
  records: T[];
  /** The logical field the defect sits in, for the manifest's locator. */
  field: string;
  /** Which of `records` carries the defect (0 or 1). */
  defectiveIndex: number;
}

/** A deep copy of plain generated data (objects, arrays, strings, numbers, nulls): never mutate cached entities. */
export function cloneRecord<T>(record: T): T {
  if (record === null || typeof record !== "object") return record;
  if (Array.isArray(record)) return record.map((v: unknown) => cloneRecord(v)) as T;
  const out: Record<string, unknown> = {};
  for (const key in record) out[key] = cloneRecord((record as Record<string, unknown>)[key]);
  return out as T;
}

const listSets = new WeakMap<readonly string[], Set<string>>();

function outsideList(rng: Rng, list: readonly string[], make: (rng: Rng) => string): string {
  let set = listSets.get(list);
  if (!set) {
    set = new Set(list);
    listSets.set(list, set);
  }
  for (let tries = 0; tries < 1000; tries++) {
    const c = make(rng);
    if (!set.has(c)) return c;
  }
  throw new Error("could not draw a code outside the list");
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A code shaped like ICD-10-CM (letter, digit, alphanumeric, up to four more) that the list lacks. */
function unlistedIcd(world: World, rng: Rng): string {
  return outsideList(rng, world.codes.icd10cm, (r) => {
    const base = r.pick(world.codes.icd10cm);
    // keep the category, change the subcategory: well shaped, usually not a code
    return base.slice(0, 3) + r.digits(Math.max(1, Math.min(4, base.length - 3 || 1)));
  });
}

function unlistedHcpcs(world: World, rng: Rng): string {
  return outsideList(rng, world.codes.procedures, (r) => LETTERS[r.int(26)] + r.digits(4));
}

function unlistedPos(world: World, rng: Rng): string {
  return outsideList(rng, world.codes.placeOfService, (r) => r.digits(2));
}

function brokenNpi(npi: string): string {
  const last = Number(npi[9]);
  const changed = npi.slice(0, 9) + ((last + 1) % 10);
  if (isValidNpi(changed)) throw new Error("unreachable: a changed check digit always fails");
  return changed;
}

/** Whether the mutation can apply to this record without causing a second defect. */
export function canMutate(world: World, kind: Kind, code: string, record: unknown): boolean {
  if (kind === "claims" || kind === "encounters") {
    const c = record as Claim;
    switch (code) {
      case "REC_DISCHARGE_BEFORE_ADMISSION":
        return c.admissionDate !== null && c.dischargeDate !== null && c.dischargeDate > c.admissionDate;
      case "REC_INVALID_POS":
        return c.claimType === "professional";
      case "REC_OUTSIDE_ELIGIBILITY":
        return c.admissionDate === null && c.statementFrom === c.statementTo;
      case "REC_FUTURE_SERVICE_DATE":
        return c.lines.length === 1 && c.admissionDate === null;
      case "REC_UNKNOWN_PROCEDURE":
      case "REC_ZERO_UNITS":
        return c.lines.some((l) => l.procedureCode !== "");
      default:
        return true;
    }
  }
  if (kind === "eligibility") {
    const m = record as Member;
    if (code === "ELIG_OVERLAPPING_SPANS") return m.spans.length >= 2;
    return true;
  }
  if (kind === "providers") {
    const p = record as Provider;
    if (code === "PROV_DUPLICATE_NPI") return p.index > 0;
    return true;
  }
  return true;
}

function mutateClaim(world: World, code: string, clean: Claim, rng: Rng, memberSpans: readonly CoverageSpan[]): Mutation<Claim> {
  // deep enough for any mutation here (the header and its lines), and of the generated claims' hidden classes
  const c = copyClaim(clean);
  const one = (field: string): Mutation<Claim> => ({ records: [c], field, defectiveIndex: 0 });
  const firstProcLine = c.lines.find((l) => l.procedureCode !== "") ?? c.lines[0]!;
  switch (code) {
    case "REC_MISSING_MEMBER_ID":
      c.memberId = "";
      if (c.relationship === "18") c.subscriberId = "";
      return one("memberId");
    case "REC_MISSING_NPI":
      c.billingNpi = "";
      return one("billingNpi");
    case "REC_MISSING_PRINCIPAL_DX":
      c.principalDiagnosis = "";
      return one("principalDiagnosis");
    case "REC_DX_NOT_IN_LIST":
      c.principalDiagnosis = unlistedIcd(world, rng);
      return one("principalDiagnosis");
    case "REC_DX_MALFORMED":
      c.principalDiagnosis = `${rng.digits(2)}${LETTERS[rng.int(26)]}.${rng.digits(1)}`;
      return one("principalDiagnosis");
    case "REC_UNKNOWN_PROCEDURE":
      firstProcLine.procedureCode = unlistedHcpcs(world, rng);
      return one(`lines[${firstProcLine.lineNumber - 1}].procedureCode`);
    case "REC_IMPOSSIBLE_DATE":
      c.lines[0]!.serviceDate = impossibleDay(c.lines[0]!.serviceDate);
      return one("lines[0].serviceDate");
    case "REC_WRONG_DATE_FORMAT":
      c.lines[0]!.serviceDate = wrongFormatDay(c.lines[0]!.serviceDate);
      return one("lines[0].serviceDate");
    case "REC_FUTURE_SERVICE_DATE": {
      // after the reference date but inside an open-ended span where possible
      const future = world.referenceDay + 1 + rng.int(30);
      c.lines[0]!.serviceDate = future;
      c.statementFrom = future;
      c.statementTo = future;
      return one("lines[0].serviceDate");
    }
    case "REC_OUTSIDE_ELIGIBILITY": {
      const first = memberSpans[0]!;
      const day = first.start - 1 - rng.int(60);
      for (const l of c.lines) l.serviceDate = day;
      c.statementFrom = day;
      c.statementTo = day;
      return one("statementFrom");
    }
    case "REC_DISCHARGE_BEFORE_ADMISSION": {
      const a = c.admissionDate!;
      c.admissionDate = c.dischargeDate!;
      c.dischargeDate = a;
      return one("dischargeDate");
    }
    case "REC_NEGATIVE_LINE_CHARGE": {
      const l = c.lines[0]!;
      c.totalChargeCents -= 2 * l.chargeCents;
      l.chargeCents = -l.chargeCents;
      return one("lines[0].charge");
    }
    case "REC_TOTAL_MISMATCH":
      c.totalChargeCents += 100 + rng.int(10_000);
      return one("totalCharge");
    case "REC_NPI_CHECK_DIGIT":
      if (c.renderingNpi) c.renderingNpi = brokenNpi(c.renderingNpi);
      else c.attendingNpi = brokenNpi(c.attendingNpi);
      return one(c.renderingNpi ? "renderingNpi" : "attendingNpi");
    case "REC_MEMBER_NOT_IN_POPULATION": {
      const unknown = memberId(world, world.config.population.members + 1 + rng.int(1_000_000), 0);
      c.memberId = unknown;
      c.subscriberId = unknown;
      c.relationship = "18";
      return one("memberId");
    }
    case "REC_NPI_NOT_IN_POPULATION": {
      const npi = npiForProvider(world.config.population.providers + 1000 + rng.int(1_000_000));
      if (c.renderingNpi) c.renderingNpi = npi;
      else c.attendingNpi = npi;
      return one(c.renderingNpi ? "renderingNpi" : "attendingNpi");
    }
    case "REC_DUPLICATE_CLAIM":
      return { records: [clean, c], field: "claimId", defectiveIndex: 1 };
    case "REC_CONFLICTING_DUPLICATE": {
      c.totalChargeCents += 1000 + rng.int(10_000);
      c.lines[0]!.chargeCents += c.totalChargeCents - clean.totalChargeCents;
      return { records: [clean, c], field: "claimId", defectiveIndex: 1 };
    }
    case "REC_ZERO_UNITS":
      firstProcLine.units = 0;
      return one(`lines[${firstProcLine.lineNumber - 1}].units`);
    case "REC_INVALID_POS":
      c.placeOfService = unlistedPos(world, rng);
      return one("placeOfService");
    default:
      throw new RangeError(`defect ${code} does not apply to claims`);
  }
}

function mutateMember(world: World, code: string, clean: Member, rng: Rng): Mutation<Member> {
  const m = cloneRecord(clean) as Member & { spans: CoverageSpan[] };
  const one = (field: string): Mutation<Member> => ({ records: [m], field, defectiveIndex: 0 });
  switch (code) {
    case "REC_MISSING_MEMBER_ID":
      m.memberId = "";
      if (m.relationship === "18") m.subscriberId = "";
      return one("memberId");
    case "REC_MISSING_BIRTH_DATE":
      m.birthDate = MISSING_DAY;
      return one("birthDate");
    case "REC_INVALID_SEX":
      (m as { sex: string }).sex = "Q";
      return one("sex");
    case "ELIG_OVERLAPPING_SPANS": {
      const last = m.spans[m.spans.length - 1]!;
      const prev = m.spans[m.spans.length - 2]!;
      prev.end = last.start + 30 + rng.int(60);
      return one(`coverage[${m.spans.length - 2}].end`);
    }
    case "ELIG_SPAN_END_BEFORE_START": {
      // the latest span, which every format writes (an 834 change file writes only that one)
      const k = m.spans.length - 1;
      const s = m.spans[k]!;
      s.end = s.start - 1 - rng.int(90);
      return one(`coverage[${k}].end`);
    }
    case "ELIG_TERMINATION_NEVER_ADDED": {
      const unknown = memberId(world, world.config.population.members + 1 + rng.int(1_000_000), 0);
      m.memberId = unknown;
      m.subscriberId = unknown;
      m.relationship = "18";
      const s = m.spans[m.spans.length - 1]!;
      s.end = world.referenceDay - rng.int(30);
      m.spans = [s];
      return { records: [cloneRecord(clean), m], field: "memberId", defectiveIndex: 1 };
    }
    default:
      throw new RangeError(`defect ${code} does not apply to eligibility`);
  }
}

function mutateProvider(world: World, code: string, clean: Provider, rng: Rng, previousNpi: string): Mutation<Provider> {
  const p = cloneRecord(clean);
  const one = (field: string): Mutation<Provider> => ({ records: [p], field, defectiveIndex: 0 });
  switch (code) {
    case "REC_MISSING_NPI":
      p.npi = "";
      return one("npi");
    case "REC_NPI_CHECK_DIGIT":
      p.npi = brokenNpi(p.npi);
      return one("npi");
    case "PROV_DUPLICATE_NPI":
      p.npi = previousNpi;
      return one("npi");
    case "PROV_MISSING_TAXONOMY":
      p.taxonomy = "";
      return one("taxonomy");
    case "PROV_INVALID_STATE_ZIP":
      p.address = { ...p.address, state: "ZZ", zip: rng.digits(3) };
      return one("address.state");
    default:
      void world;
      throw new RangeError(`defect ${code} does not apply to providers`);
  }
}

/** The day number written as an empty date (a missing date of birth). */
export const MISSING_DAY = -2_100_000_000;

export function mutateRecord<K extends Kind>(
  world: World,
  kind: K,
  code: string,
  record: EntityOfKind[K],
  rng: Rng,
  context: { memberSpans?: readonly CoverageSpan[]; previousNpi?: string },
): Mutation<EntityOfKind[K]> {
  switch (kind) {
    case "claims":
    case "encounters":
      return mutateClaim(world, code, record as Claim, rng, context.memberSpans ?? []) as unknown as Mutation<EntityOfKind[K]>;
    case "eligibility":
      return mutateMember(world, code, record as Member, rng) as unknown as Mutation<EntityOfKind[K]>;
    case "providers":
      return mutateProvider(world, code, record as Provider, rng, context.previousNpi ?? "") as unknown as Mutation<EntityOfKind[K]>;
    default:
      throw new RangeError(`unknown kind ${String(kind)}`);
  }
}
