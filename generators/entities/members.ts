/**
 * Members, households and eligibility. Member i is a pure function of (seed, "member", i); what a
 * family shares (payer, address, last name, coverage spans) is a pure function of (seed, "household", h)
 * and (seed, "eligibility", h) for the household's first member h.
 *
 * Households are contiguous runs of member indexes: i starts a household when i is a multiple of
 * households.maxSize or its household draw says so, so the head of any member is found by walking
 * back at most maxSize − 1 steps.
 */
import type { PayerClass } from "../core/config.js";
import { ageOn, type DayNumber } from "../core/dates.js";
import { EXAMPLE_DOMAINS, pad, syntheticMbi, syntheticPhone, syntheticSsn } from "../core/identifiers.js";
import { cachedByIndex } from "../core/memo.js";
import { rngFor, unitFor, type Rng } from "../core/random.js";
import type { World } from "../core/world.js";
import type { Address, CoverageLevel, CoverageSpan, Member, Payer, Plan } from "../model.js";

const DAYS_PER_YEAR = 365.2425;

export function isHouseholdHead(world: World, i: number): boolean {
  return i % world.config.households.maxSize === 0 || unitFor(world.seed, "household", i) >= world.config.households.dependentShare;
}

export function householdHeadOf(world: World, i: number): number {
  let h = i;
  while (!isHouseholdHead(world, h)) h--;
  return h;
}

/** What a household's members share for coverage: enough to place a claim, cheap to compute. */
interface HouseholdCore {
  head: number;
  size: number;
  payerClass: PayerClass;
  payer: Payer;
  /** Position 1 is a spouse rather than a child. */
  hasSpouse: boolean;
  spans: readonly CoverageSpan[];
}

/** The rest of a household: who they are and where they live. */
interface Household extends HouseholdCore {
  headBirth: DayNumber;
  headSex: "F" | "M";
  lastName: string;
  address: Address;
  groupNumber: string;
}

function birthForAge(rng: Rng, reference: DayNumber, age: number): DayNumber {
  return reference - Math.floor(age * DAYS_PER_YEAR) - rng.int(365);
}

function headAge(world: World, rng: Rng, payerClass: PayerClass): number {
  switch (payerClass) {
    case "medicare":
      return rng.chance(world.config.medicareUnder65Share) ? rng.range(25, 64) : Math.min(rng.range(65, 80) + rng.int(rng.int(20) + 1), 104);
    case "medicaid":
      return rng.range(19, 64);
    case "commercial":
      return rng.range(22, 64);
  }
}

function addressFor(world: World, rng: Rng): Address {
  const v = world.vocabulary;
  const place = rng.pick(v.places);
  return {
    line1: `${1 + rng.int(9899)} ${rng.pick(v.streetNames)}`,
    line2: rng.chance(0.15) ? rng.pick(v.secondaryAddresses) : "",
    city: place[0],
    state: place[1],
    zip: place[2],
  };
}

function coverageLevel(payerClass: PayerClass, size: number, hasSpouse: boolean): CoverageLevel {
  if (payerClass === "medicare" || size === 1) return "IND";
  if (hasSpouse) return size === 2 ? "ESP" : "FAM";
  return "ECH";
}

/**
 * Coverage spans, built backwards from the reference date: the latest span starts up to three years
 * before the service window and at least 60 days before the reference date, and is open-ended unless
 * terminated; earlier spans end a gap before the next one starts. The latest span always overlaps
 * the service window, so every member can have claims.
 */
function coverageSpans(world: World, h: number, payer: Payer, level: CoverageLevel): CoverageSpan[] {
  const rng = rngFor(world.seed, "eligibility", h);
  const e = world.config.eligibility;
  const count = world.dist.spanCount.sample(rng);
  const ref = world.referenceDay;
  const w0 = world.windowStart;
  const planOf = (): string => rng.pick(payer.plans).id;
  const start = rng.range(w0 - 1095, ref - 60);
  let end: DayNumber | null = null;
  if (rng.chance(e.terminationShare)) end = rng.range(Math.max(start, w0) + 30, ref);
  const spans: CoverageSpan[] = [{ start, end, planId: planOf(), coverageLevel: level }];
  for (let k = 1; k < count; k++) {
    const next = spans[0] as CoverageSpan;
    const prevEnd = next.start - rng.range(e.gapDays[0], e.gapDays[1]);
    const prevStart = prevEnd - rng.range(e.spanDays[0], e.spanDays[1]);
    spans.unshift({ start: prevStart, end: prevEnd, planId: planOf(), coverageLevel: level });
  }
  return spans;
}

const householdCore = cachedByIndex(64, (world: World, h: number): HouseholdCore => {
  const seed = world.seed;
  const payerClass = world.dist.payerClass.draw(unitFor(seed, "household", h, 1));
  const payers = world.payersByClass[payerClass];
  const payer = payers[Math.floor(unitFor(seed, "household", h, 2) * payers.length)] as Payer;
  let size = 1;
  const n = world.config.population.members;
  while (h + size < n && !isHouseholdHead(world, h + size)) size++;
  const hasSpouse = payerClass !== "medicare" && size > 1 && unitFor(seed, "household", h, 3) < world.config.households.spouseShare;
  return { head: h, size, payerClass, payer, hasSpouse, spans: coverageSpans(world, h, payer, coverageLevel(payerClass, size, hasSpouse)) };
});

const household = cachedByIndex(64, (world: World, h: number): Household => {
  const core = householdCore(world, h);
  const rng = rngFor(world.seed, "household", h);
  const age = headAge(world, rng, core.payerClass);
  // an explicit literal, not a spread: V8 builds spread-then-extend objects on a slow path
  const headBirth = birthForAge(rng, world.referenceDay, age);
  const headSex = rng.chance(0.52) ? "F" : "M";
  const lastName = rng.pick(world.vocabulary.lastNames);
  const address = addressFor(world, rng);
  const groupNumber = core.payerClass === "commercial" ? `GRP${pad(rng.int(5000), 5)}` : "";
  return {
    head: core.head,
    size: core.size,
    payerClass: core.payerClass,
    payer: core.payer,
    hasSpouse: core.hasSpouse,
    spans: core.spans,
    headBirth,
    headSex,
    lastName,
    address,
    groupNumber,
  };
});

function relationshipOf(core: HouseholdCore, position: number): Member["relationship"] {
  if (position === 0 || core.payerClass === "medicare") return "18";
  return position === 1 && core.hasSpouse ? "01" : "19";
}

export function memberId(world: World, head: number, position: number): string {
  return `${world.config.idPrefix}M${pad(head, 9)}${position}`;
}

function planById(payer: Payer, id: string): Plan {
  return payer.plans.find((p) => p.id === id) ?? (payer.plans[0] as Plan);
}

function buildMember(world: World, i: number): Member {
  if (!Number.isInteger(i) || i < 0 || i >= world.config.population.members) {
    throw new RangeError(`member index ${i} is outside the population of ${world.config.population.members}`);
  }
  const h = householdHeadOf(world, i);
  const hh = household(world, h);
  const position = i - h;
  const rng = rngFor(world.seed, "member", i);
  const ref = world.referenceDay;
  const v = world.vocabulary;

  const relationship = relationshipOf(hh, position);
  let sex = hh.headSex;
  let birthDate = hh.headBirth;
  let lastName = hh.lastName;
  if (position > 0) {
    const headAgeNow = ageOn(hh.headBirth, ref);
    if (hh.payerClass === "medicare") {
      // Medicare enrols individuals: a second beneficiary in the household is a subscriber of their own.
      sex = hh.headSex === "F" ? "M" : "F";
      birthDate = birthForAge(rng, ref, Math.max(65, headAgeNow - 6 + rng.int(13)));
    } else if (relationship === "01") {
      sex = rng.chance(0.9) ? (hh.headSex === "F" ? "M" : "F") : hh.headSex;
      birthDate = birthForAge(rng, ref, Math.max(18, headAgeNow - 6 + rng.int(13)));
    } else {
      sex = rng.chance(0.5) ? "F" : "M";
      // children are born before the service window opens, so no claim predates its patient
      const minChildAge = Math.ceil(world.config.serviceWindowDays / DAYS_PER_YEAR);
      const maxChildAge = Math.max(minChildAge, Math.min(hh.payerClass === "medicaid" ? 18 : 25, headAgeNow - 16));
      birthDate = birthForAge(rng, ref, rng.range(minChildAge, maxChildAge));
      if (rng.chance(0.05)) lastName = rng.pick(v.lastNames);
    }
  }
  const id = memberId(world, h, position);
  const isOwnSubscriber = relationship === "18";
  const firstName = rng.pick(sex === "F" ? v.firstNamesFemale : v.firstNamesMale);
  const spans = hh.spans;
  const latest = spans[spans.length - 1] as CoverageSpan;
  const emailLocal = `${firstName}.${lastName}.${i}`.toLowerCase().replace(/[^a-z0-9.]/g, "");
  return {
    index: i,
    memberId: id,
    subscriberId: isOwnSubscriber ? id : memberId(world, h, 0),
    subscriberIndex: isOwnSubscriber ? i : h,
    relationship,
    firstName,
    middleInitial: rng.chance(0.7) ? rng.pick(v.middleInitials) : "",
    lastName,
    sex,
    birthDate,
    ssn: syntheticSsn(rng),
    mbi: hh.payerClass === "medicare" ? syntheticMbi(rng) : null,
    medicaidId: hh.payerClass === "medicaid" ? `${world.config.idPrefix}D${pad(i, 10)}` : null,
    address: hh.address,
    phone: syntheticPhone(rng),
    email: `${emailLocal}@${EXAMPLE_DOMAINS[rng.int(EXAMPLE_DOMAINS.length)]}`,
    payer: hh.payer,
    plan: planById(hh.payer, latest.planId),
    groupNumber: hh.groupNumber || latest.planId,
    spans,
  };
}

/** Member `index` of the world's population, with its coverage spans. */
export const member = cachedByIndex(64, buildMember);

/** The payer class of member i (cheap: no member is built). */
export function payerClassOf(world: World, i: number): PayerClass {
  return world.dist.payerClass.draw(unitFor(world.seed, "household", householdHeadOf(world, i), 1));
}

/** What a claim needs of member i: IDs, relationship, payer and coverage, without building the member. */
export interface MemberCoverage {
  memberId: string;
  subscriberId: string;
  relationship: Member["relationship"];
  payer: Payer;
  spans: readonly CoverageSpan[];
}

export function memberCoverage(world: World, i: number): MemberCoverage {
  if (!Number.isInteger(i) || i < 0 || i >= world.config.population.members) {
    throw new RangeError(`member index ${i} is outside the population of ${world.config.population.members}`);
  }
  const h = householdHeadOf(world, i);
  const core = householdCore(world, h);
  const relationship = relationshipOf(core, i - h);
  const id = memberId(world, h, i - h);
  return { memberId: id, subscriberId: relationship === "18" ? id : memberId(world, h, 0), relationship, payer: core.payer, spans: core.spans };
}

/** True when `day` falls in one of the spans. */
export function coveredOn(spans: readonly CoverageSpan[], day: DayNumber): boolean {
  for (const s of spans) if (day >= s.start && (s.end === null || day <= s.end)) return true;
  return false;
}

/** The lowest-indexed Medicaid member, or -1 when the population has none. */
export function firstMedicaidMember(world: World): number {
  const n = world.config.population.members;
  for (let h = 0; h < n; h = h + householdCore(world, h).size) {
    if (householdCore(world, h).payerClass === "medicaid") return h;
  }
  return -1;
}
