/**
 * Claims and encounters. Claim k is a pure function of (seed, "claim", k); encounter e of
 * (seed, "encounter", e). Each names a member of the population (whose coverage spans contain every
 * date of service) and providers of the population, so separately generated files agree.
 */
import type { DayNumber } from "../core/dates.js";
import { idPrefixes, pad } from "../core/identifiers.js";
import { firstDraw, rngFor, type Rng } from "../core/random.js";
import type { World } from "../core/world.js";
import type { Claim, ClaimType, Encounter, Plan, ServiceLine } from "../model.js";
import { memberIdOf, newCoverageView, payerClassOf, viewCoverage } from "./members.js";
import { individualFromUnit, primaryOrganizationOf } from "./providers.js";
import { npiForProvider } from "../core/identifiers.js";

export function claimId(world: World, k: number): string {
  return idPrefixes(world.config.idPrefix).claim + pad(k, 10);
}

export function encounterId(world: World, e: number): string {
  return idPrefixes(world.config.idPrefix).encounter + pad(e, 10);
}

/** A log-normal amount in whole cents around `medianDollars`, at least $5. */
function charge(rng: Rng, medianDollars: number): number {
  // Box–Muller on two uniforms; sigma 0.8 gives a realistic right tail.
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.max(500, Math.round(medianDollars * Math.exp(0.8 * z) * 100));
}

/** Up to `count` distinct codes of `list`, none equal to `exclude`. */
function distinctCodes(rng: Rng, list: readonly string[], count: number, exclude: string): string[] {
  // sized up front (a pushed-to empty array allocates room for 16), trimmed if fewer are found
  const out = new Array<string>(count);
  let found = 0;
  for (let tries = 0; found < count && tries < count * 8; tries++) {
    const c = list[Math.floor(rng.next() * list.length)] as string;
    if (c === exclude) continue;
    let seen = false;
    for (let k = 0; k < found; k++) {
      if (out[k] === c) {
        seen = true;
        break;
      }
    }
    if (!seen) out[found++] = c;
  }
  if (found < count) out.length = found;
  return out;
}

const NO_MODIFIERS: readonly string[] = Object.freeze([]);

function professionalLines(world: World, rng: Rng, first: DayNumber, lastCovered: DayNumber, n: number): ServiceLine[] {
  const cfg = world.config.claims;
  // sized up front: a pushed-to empty array allocates room for 16
  const lines = new Array<ServiceLine>(n);
  const spread = rng.chance(0.2) ? 3 : 0;
  for (let l = 0; l < n; l++) {
    const day = Math.min(first + (l === 0 ? 0 : rng.int(spread + 1)), lastCovered);
    let modifiers = NO_MODIFIERS;
    if (world.codes.modifiers.length > 0 && rng.chance(cfg.modifierShare)) {
      const m1 = rng.pick(world.codes.modifiers);
      const m2 = rng.chance(0.2) ? rng.pick(world.codes.modifiers) : m1;
      modifiers = m2 === m1 ? [m1] : [m1, m2];
    }
    lines[l] = {
      lineNumber: l + 1,
      procedureCode: rng.pick(world.codes.procedures),
      modifiers,
      units: rng.chance(0.8) ? 1 : rng.range(2, 4),
      chargeCents: charge(rng, cfg.professionalMedianCharge),
      serviceDate: day,
      revenueCode: "",
      paidCents: 0,
    };
  }
  return lines;
}

function institutionalLines(world: World, rng: Rng, from: DayNumber, to: DayNumber, inpatient: boolean, n: number): ServiceLine[] {
  const cfg = world.config.claims;
  const lines = new Array<ServiceLine>(n);
  for (let l = 0; l < n; l++) {
    const roomAndBoard = inpatient && l === 0;
    const day = roomAndBoard ? from : from + rng.int(to - from + 1);
    const units = roomAndBoard ? Math.max(1, to - from) : rng.chance(0.75) ? 1 : rng.range(2, 6);
    lines[l] = {
      lineNumber: l + 1,
      procedureCode: roomAndBoard || rng.chance(0.3) ? "" : rng.pick(world.codes.procedures),
      modifiers: NO_MODIFIERS,
      units,
      chargeCents: roomAndBoard ? units * charge(rng, cfg.institutionalMedianCharge * 2) : charge(rng, cfg.institutionalMedianCharge),
      serviceDate: day,
      revenueCode: rng.pick(roomAndBoard ? world.roomAndBoardRevenue : world.ancillaryRevenue),
      paidCents: 0,
    };
  }
  return lines;
}

/** Bill types by (candidate list, frequency), found by identity: the lists and frequencies of a world are few. */
const billTypeLists: { candidates: readonly string[]; frequency: string; list: readonly string[] }[] = [];

/** Type of bill whose third digit is the claim frequency, where the list has one; else any of the candidates. */
function typeOfBill(rng: Rng, candidates: readonly string[], frequency: string): string {
  let list: readonly string[] | undefined;
  for (let i = 0; i < billTypeLists.length; i++) {
    const e = billTypeLists[i]!;
    if (e.candidates === candidates && e.frequency === frequency) {
      list = e.list;
      break;
    }
  }
  if (list === undefined) {
    const matching = candidates.filter((t) => t[2] === frequency);
    list = matching.length > 0 ? matching : candidates;
    if (billTypeLists.length >= 32) billTypeLists.length = 0;
    billTypeLists.push({ candidates, frequency, list });
  }
  return rng.pick(list);
}

/** The claim type is the first draw of a claim's or encounter's stream, so it can be known without building the claim. */
function drawClaimType(world: World, rng: Rng): ClaimType {
  return rng.chance(world.config.claims.institutionalShare) ? "institutional" : "professional";
}

/** The type of claim or encounter `index`, cheaply (one hash): lets an 837I writer skip professional claims unbuilt. */
export function claimTypeOf(world: World, kind: "claims" | "encounters", index: number): ClaimType {
  // drawClaimType's chance(): the first draw of the stream below the institutional share
  return firstDraw(world.seed, kind === "claims" ? "claim" : "encounter", index) < world.config.claims.institutionalShare ? "institutional" : "professional";
}

/** Scratch view of a claim's member coverage, reused by every claim (read within claimBody only). */
const view = newCoverageView();

function claimBody(world: World, rng: Rng, index: number, id: string, claimType: ClaimType, memberIndex: number): Claim {
  const cfg = world.config.claims;
  const m = viewCoverage(world, memberIndex, view);
  // a date of service inside one of the member's spans and inside the service window
  const w0 = world.windowStart;
  const ref = world.referenceDay;
  const d = m.data;
  const first = m.at;
  const last = first + 3 * m.count;
  let candidates = 0;
  for (let k = first; k < last; k += 3) if ((d[k + 1] as number) >= w0 && (d[k] as number) <= ref) candidates++;
  let pickIndex = rng.int(candidates);
  let day = 0;
  let lastCovered = 0;
  let spanAt = -1;
  for (let k = first; k < last; k += 3) {
    if ((d[k + 1] as number) >= w0 && (d[k] as number) <= ref && pickIndex-- === 0) {
      const hi = Math.min(d[k + 1] as number, ref);
      day = rng.range(Math.max(d[k] as number, w0), hi);
      lastCovered = hi;
      spanAt = k;
      break;
    }
  }
  if (spanAt < 0) throw new Error("unreachable: the latest coverage span always overlaps the service window");
  const payer = m.payer;
  const planId = (payer.plans[d[spanAt + 2] as number] as Plan).id;
  const relationship = m.relationship;
  const memberIdText = memberIdOf(world, m.head, m.position);
  const subscriberIdText = relationship === "18" ? memberIdText : memberIdOf(world, m.head, 0);
  const frequencyCode = world.dist.frequency.sample(rng);
  const individual = individualFromUnit(world, rng.next());
  const individualNpi = npiForProvider(individual);
  const billingNpi = npiForProvider(primaryOrganizationOf(world, individual));
  const n = world.dist.lineCount.sample(rng);
  const principal = rng.pick(world.principalDiagnoses);
  const secondary = distinctCodes(rng, world.codes.icd10cm, world.dist.secondaryDiagnoses.sample(rng), principal);

  let lines: ServiceLine[];
  let placeOfService = "";
  let tob = "";
  let admissionDate: DayNumber | null = null;
  let dischargeDate: DayNumber | null = null;
  let admittingDiagnosis = "";
  if (claimType === "professional") {
    placeOfService = world.dist.placeOfService.sample(rng);
    lines = professionalLines(world, rng, day, lastCovered, n);
  } else {
    const inpatient = rng.chance(cfg.inpatientShare);
    tob = typeOfBill(rng, inpatient ? world.inpatientBillTypes : world.outpatientBillTypes, frequencyCode);
    if (inpatient) {
      const stay = Math.min(rng.range(cfg.lengthOfStayDays[0], cfg.lengthOfStayDays[1]), lastCovered - day);
      admissionDate = day;
      dischargeDate = day + Math.max(stay, 0);
      admittingDiagnosis = rng.chance(0.6) ? principal : rng.pick(world.principalDiagnoses);
      lines = institutionalLines(world, rng, admissionDate, dischargeDate, true, Math.max(n, 1));
    } else {
      lines = institutionalLines(world, rng, day, day, false, n);
    }
  }
  let from = lines[0]?.serviceDate ?? day;
  let to = from;
  let total = 0;
  for (const line of lines) {
    if (line.serviceDate < from) from = line.serviceDate;
    if (line.serviceDate > to) to = line.serviceDate;
    total += line.chargeCents;
  }
  if (admissionDate !== null && dischargeDate !== null) {
    from = admissionDate;
    to = dischargeDate;
  }
  return {
    index,
    claimId: id,
    claimType,
    frequencyCode: tob ? (tob[2] as string) : frequencyCode,
    memberIndex,
    memberId: memberIdText,
    subscriberId: subscriberIdText,
    relationship,
    payerId: payer.id,
    planId,
    billingNpi,
    renderingNpi: claimType === "professional" ? individualNpi : "",
    attendingNpi: claimType === "institutional" ? individualNpi : "",
    placeOfService,
    typeOfBill: tob,
    admissionDate,
    dischargeDate,
    statementFrom: from,
    statementTo: to,
    principalDiagnosis: principal,
    admittingDiagnosis,
    secondaryDiagnoses: secondary,
    totalChargeCents: total,
    lines,
  };
}

function checkIndex(what: string, index: number, total: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= total) throw new RangeError(`${what} index ${index} is outside the population of ${total}`);
}

/** Claim `index` of the world. */
export function claim(world: World, index: number): Claim {
  checkIndex("claim", index, world.config.population.claims);
  const rng = rngFor(world.seed, "claim", index);
  const claimType = drawClaimType(world, rng);
  return claimBody(world, rng, index, claimId(world, index), claimType, rng.int(world.config.population.members));
}

/** A Medicaid member for encounter draws: rejection sampling, then a scan, so it is always found. */
function medicaidMember(world: World, rng: Rng): number {
  const n = world.config.population.members;
  let candidate = 0;
  for (let tries = 0; tries < 64; tries++) {
    candidate = rng.int(n);
    if (payerClassOf(world, candidate) === "medicaid") return candidate;
  }
  for (let step = 1; step < n; step++) {
    const i = (candidate + step) % n;
    if (payerClassOf(world, i) === "medicaid") return i;
  }
  throw new Error("unreachable: createWorld checks that the population has a Medicaid member");
}

/**
 * A copy of a claim or encounter and its lines (code lists stay shared), built with the same literals
 * in the same key order as claimBody, the line builders and encounter(): the copies share the hidden
 * classes of generated claims, so code reading both (the writers, given a defect's mutated copy) stays
 * monomorphic. Keep the key order in step with those literals.
 */
export function copyClaim<C extends Claim>(c: C): C {
  const source = c.lines;
  const lines = new Array<ServiceLine>(source.length);
  for (let i = 0; i < source.length; i++) {
    const l = source[i]!;
    lines[i] = {
      lineNumber: l.lineNumber,
      procedureCode: l.procedureCode,
      modifiers: l.modifiers,
      units: l.units,
      chargeCents: l.chargeCents,
      serviceDate: l.serviceDate,
      revenueCode: l.revenueCode,
      paidCents: l.paidCents,
    };
  }
  const copy: Claim = {
    index: c.index,
    claimId: c.claimId,
    claimType: c.claimType,
    frequencyCode: c.frequencyCode,
    memberIndex: c.memberIndex,
    memberId: c.memberId,
    subscriberId: c.subscriberId,
    relationship: c.relationship,
    payerId: c.payerId,
    planId: c.planId,
    billingNpi: c.billingNpi,
    renderingNpi: c.renderingNpi,
    attendingNpi: c.attendingNpi,
    placeOfService: c.placeOfService,
    typeOfBill: c.typeOfBill,
    admissionDate: c.admissionDate,
    dischargeDate: c.dischargeDate,
    statementFrom: c.statementFrom,
    statementTo: c.statementTo,
    principalDiagnosis: c.principalDiagnosis,
    admittingDiagnosis: c.admittingDiagnosis,
    secondaryDiagnoses: c.secondaryDiagnoses,
    totalChargeCents: c.totalChargeCents,
    lines,
  };
  if ("encounterId" in c) {
    const e = c as Claim as Encounter;
    const out = copy as Encounter;
    out.encounterId = e.encounterId;
    out.encounterType = e.encounterType;
    out.paidCents = e.paidCents;
    out.paidDate = e.paidDate;
  }
  return copy as C;
}

/** Encounter `index` of the world: a Medicaid managed-care encounter with the plan's adjudication. */
export function encounter(world: World, index: number): Encounter {
  checkIndex("encounter", index, world.config.population.encounters);
  const cfg = world.config.encounters;
  const rng = rngFor(world.seed, "encounter", index);
  const id = encounterId(world, index);
  const claimType = drawClaimType(world, rng);
  const body = claimBody(world, rng, index, id, claimType, medicaidMember(world, rng));
  let paid = 0;
  for (const line of body.lines) {
    line.paidCents = rng.chance(cfg.deniedLineShare) ? 0 : Math.round(line.chargeCents * (cfg.paidRatio[0] + rng.next() * (cfg.paidRatio[1] - cfg.paidRatio[0])));
    paid += line.paidCents;
  }
  const paidDate = Math.min(body.statementTo + rng.range(cfg.paidLagDays[0], cfg.paidLagDays[1]), world.referenceDay);
  // extend in place, always in the same order (a spread copy is a slow path in V8)
  const e = body as Encounter;
  e.encounterId = id;
  e.encounterType = world.dist.encounterType.sample(rng);
  e.paidCents = paid;
  e.paidDate = paidDate;
  return e;
}
