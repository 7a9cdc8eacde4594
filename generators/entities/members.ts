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
import { EXAMPLE_DOMAINS, idPrefixes, pad, syntheticMbi, syntheticPhone, syntheticSsn } from "../core/identifiers.js";
import { cachedByIndex } from "../core/memo.js";
import { flat } from "../core/strings.js";
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

/**
 * What a household's members share for coverage (payer, size, spans), kept per world in one flat
 * Float64Array rather than in objects: claims pick members at random across the whole population, and
 * a direct-mapped table of numbers serves those lookups without allocating, so it never churns the
 * heap. A slot holds one household head; a lookup that misses recomputes the head's values, which are
 * pure functions of (seed, "household", h) and (seed, "eligibility", h).
 *
 * Slot layout, from `slot * record`: head + 1 (0 empty), size, payer (global index), hasSpouse (0/1),
 * span count, then per span, earliest first: start, end (OPEN_END while open), plan (index in the
 * payer's plans).
 */
interface CoverageTable {
  mask: number;
  /** Numbers per slot. */
  record: number;
  /** Spans a slot can hold; households with more go to `wide`, recomputed on every lookup. */
  maxSpans: number;
  /** Every payer of the world, by global index. */
  payers: readonly Payer[];
  payerClasses: readonly PayerClass[];
  data: Float64Array;
}

/** The end of an open-ended span in the table: compares above every day, as an open end should. */
export const OPEN_END = Infinity;
export const SLOT_SPANS = 5;
const MAX_TABLE_SLOTS = 1 << 15;
const tables = new WeakMap<World, CoverageTable>();

let lastTableWorld: World | undefined;
let lastTable: CoverageTable | undefined;

function coverageTable(world: World): CoverageTable {
  if (world === lastTableWorld) return lastTable as CoverageTable;
  let t = tables.get(world);
  if (t === undefined) {
    const payers: Payer[] = [];
    const payerClasses: PayerClass[] = [];
    for (const cls of Object.keys(world.payersByClass) as PayerClass[]) {
      for (const p of world.payersByClass[cls]) {
        payers.push(p);
        payerClasses.push(cls);
      }
    }
    const maxSpans = Math.max(1, Math.min(8, world.dist.spanCount.values.reduce((a, b) => Math.max(a, b), 1)));
    const record = SLOT_SPANS + 3 * maxSpans;
    let slots = 64;
    while (slots < world.config.population.members && slots < MAX_TABLE_SLOTS) slots *= 2;
    const data = new Float64Array(slots * record);
    t = { mask: slots - 1, record, maxSpans, payers, payerClasses, data };
    tables.set(world, t);
  }
  lastTableWorld = world;
  lastTable = t;
  return t;
}

/** Scratch record for a household with more spans than a table slot holds (one at a time). */
let wide: Float64Array = new Float64Array(0);

/**
 * Writes household h's core into slot `slot` of the table, or into `wide` (returned as false) when
 * its spans do not fit. Coverage spans are built backwards from the reference date: the latest span
 * starts up to three years before the service window and at least 60 days before the reference date,
 * and is open-ended unless terminated; earlier spans end a gap before the next one starts. The latest
 * span always overlaps the service window, so every member can have claims.
 */
function fillHousehold(world: World, t: CoverageTable, slot: number, h: number): boolean {
  const seed = world.seed;
  const payerClass = world.dist.payerClass.draw(unitFor(seed, "household", h, 1));
  const payers = world.payersByClass[payerClass];
  const payer = payers[Math.floor(unitFor(seed, "household", h, 2) * payers.length)] as Payer;
  let size = 1;
  const n = world.config.population.members;
  while (h + size < n && !isHouseholdHead(world, h + size)) size++;
  const hasSpouse = payerClass !== "medicare" && size > 1 && unitFor(seed, "household", h, 3) < world.config.households.spouseShare;

  const rng = rngFor(seed, "eligibility", h);
  const e = world.config.eligibility;
  const count = world.dist.spanCount.sample(rng);
  const ref = world.referenceDay;
  const w0 = world.windowStart;
  const plans = payer.plans.length;
  const fits = count <= t.maxSpans;
  let d = t.data;
  let at = slot * t.record;
  if (!fits) {
    if (wide.length < SLOT_SPANS + 3 * count) wide = new Float64Array(SLOT_SPANS + 3 * count);
    d = wide;
    at = 0;
    t.data[slot * t.record] = 0; // the slot no longer holds what it held
  }
  let global = 0;
  while (t.payers[global] !== payer) global++;
  d[at] = fits ? h + 1 : 0;
  d[at + 1] = size;
  d[at + 2] = global;
  d[at + 3] = hasSpouse ? 1 : 0;
  d[at + 4] = count;
  // the latest span first (stored last), then earlier ones backwards, in the order of the draws
  let start = rng.range(w0 - 1095, ref - 60);
  let end = OPEN_END;
  if (rng.chance(e.terminationShare)) end = rng.range(Math.max(start, w0) + 30, ref);
  let k = at + SLOT_SPANS + 3 * (count - 1);
  d[k] = start;
  d[k + 1] = end;
  d[k + 2] = Math.floor(rng.next() * plans);
  for (let j = 1; j < count; j++) {
    const prevEnd = start - rng.range(e.gapDays[0], e.gapDays[1]);
    const prevStart = prevEnd - rng.range(e.spanDays[0], e.spanDays[1]);
    k -= 3;
    d[k] = prevStart;
    d[k + 1] = prevEnd;
    d[k + 2] = Math.floor(rng.next() * plans);
    start = prevStart;
  }
  return fits;
}

/**
 * Household h's core: sets `coreData` and returns the offset of its record there (the table's data,
 * or the `wide` scratch record).
 */
let coreData: Float64Array = new Float64Array(0);

function coreRecord(world: World, h: number): number {
  const t = coverageTable(world);
  const at = (h & t.mask) * t.record;
  if (t.data[at] === h + 1 || fillHousehold(world, t, h & t.mask, h)) {
    coreData = t.data;
    return at;
  }
  coreData = wide;
  return 0;
}

function coverageLevel(payerClass: PayerClass, size: number, hasSpouse: boolean): CoverageLevel {
  if (payerClass === "medicare" || size === 1) return "IND";
  if (hasSpouse) return size === 2 ? "ESP" : "FAM";
  return "ECH";
}

const householdCore = cachedByIndex(64, (world: World, h: number): HouseholdCore => {
  const t = coverageTable(world);
  const at = coreRecord(world, h);
  const d = coreData;
  const payer = t.payers[d[at + 2] as number] as Payer;
  const payerClass = t.payerClasses[d[at + 2] as number] as PayerClass;
  const size = d[at + 1] as number;
  const hasSpouse = d[at + 3] === 1;
  const level = coverageLevel(payerClass, size, hasSpouse);
  const count = d[at + 4] as number;
  const spans: CoverageSpan[] = [];
  for (let k = at + SLOT_SPANS; k < at + SLOT_SPANS + 3 * count; k += 3) {
    const end = d[k + 1] as number;
    spans.push({ start: d[k] as number, end: end === OPEN_END ? null : end, planId: (payer.plans[d[k + 2] as number] as Plan).id, coverageLevel: level });
  }
  return { head: h, size, payerClass, payer, hasSpouse, spans };
});

/** Who a household is and where it lives: the draws of (seed, "household", h), with what its members need of its coverage. */
interface HouseholdFace {
  payerClass: PayerClass;
  payer: Payer;
  hasSpouse: boolean;
  headBirth: DayNumber;
  headSex: "F" | "M";
  lastName: string;
  address: Address;
  /** The group number of commercial households, else "". */
  groupNumber: string;
  /** The plan of the latest coverage span. */
  latestPlan: Plan;
}

const householdFace = cachedByIndex(64, (world: World, h: number): HouseholdFace => {
  const t = coverageTable(world);
  const at = coreRecord(world, h);
  const d = coreData;
  const g = d[at + 2] as number;
  const payer = t.payers[g] as Payer;
  const payerClass = t.payerClasses[g] as PayerClass;
  const latestPlan = payer.plans[d[at + SLOT_SPANS + 3 * ((d[at + 4] as number) - 1) + 2] as number] as Plan;
  const rng = rngFor(world.seed, "household", h);
  const age = headAge(world, rng, payerClass);
  const headBirth = birthForAge(rng, world.referenceDay, age);
  const headSex = rng.chance(0.52) ? "F" : "M";
  const lastName = rng.pick(world.vocabulary.lastNames);
  const address = addressFor(world, rng);
  const groupNumber = payerClass === "commercial" ? `GRP${pad(rng.int(5000), 5)}` : "";
  return { payerClass, payer, hasSpouse: d[at + 3] === 1, headBirth, headSex, lastName, address, groupNumber, latestPlan };
});

function relationshipOf(hh: { payerClass: PayerClass; hasSpouse: boolean }, position: number): Member["relationship"] {
  if (position === 0 || hh.payerClass === "medicare") return "18";
  return position === 1 && hh.hasSpouse ? "01" : "19";
}

export function memberId(world: World, head: number, position: number): string {
  return idPrefixes(world.config.idPrefix).member + pad(head, 9) + position;
}

/** Populations up to this size keep every member's ID once built (one slot per member: no churn). */
const ID_CACHE_LIMIT = 1 << 16;
const idCaches = new WeakMap<World, string[]>();
let lastIdWorld: World | undefined;
let lastIds: string[] | undefined;

/** The ID of member i = h + position of household h (its head), memoised per member for small populations. */
export function memberIdOf(world: World, h: number, position: number): string {
  if (world !== lastIdWorld) {
    lastIdWorld = world;
    lastIds = idCaches.get(world);
    if (lastIds === undefined && world.config.population.members <= ID_CACHE_LIMIT) {
      lastIds = new Array<string>(world.config.population.members).fill("");
      idCaches.set(world, lastIds);
    }
  }
  const ids = lastIds;
  if (ids === undefined) return memberId(world, h, position);
  const i = h + position;
  const id = ids[i] as string;
  // kept flat: a cached rope would be walked again on every use
  return id !== "" ? id : (ids[i] = flat(memberId(world, h, position)));
}

/**
 * What an X12 837 writes of a member (subscriber or patient): names, sex, birth date, address and
 * group, without the rest of the member (IDs, SSN, MBI, phone, e-mail). Equal to those fields of member(i).
 */
export interface MemberFace {
  index: number;
  subscriberIndex: number;
  relationship: Member["relationship"];
  payer: Payer;
  payerClass: PayerClass;
  firstName: string;
  middleInitial: string;
  lastName: string;
  sex: "F" | "M";
  birthDate: DayNumber;
  address: Address;
  groupNumber: string;
}

function checkMember(world: World, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= world.config.population.members) {
    throw new RangeError(`member index ${i} is outside the population of ${world.config.population.members}`);
  }
}

/** The draws of member i's stream up to the middle initial (where member() continues with the SSN). */
function faceOf(world: World, i: number, h: number, hh: HouseholdFace, rng: Rng, out: MemberFace): MemberFace {
  const position = i - h;
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
  const isOwnSubscriber = relationship === "18";
  const firstName = rng.pick(sex === "F" ? v.firstNamesFemale : v.firstNamesMale);
  const middleInitial = rng.chance(0.7) ? rng.pick(v.middleInitials) : "";
  out.index = i;
  out.subscriberIndex = isOwnSubscriber ? i : h;
  out.relationship = relationship;
  out.payer = hh.payer;
  out.payerClass = hh.payerClass;
  out.firstName = firstName;
  out.middleInitial = middleInitial;
  out.lastName = lastName;
  out.sex = sex;
  out.birthDate = birthDate;
  out.address = hh.address;
  out.groupNumber = hh.groupNumber || hh.latestPlan.id;
  return out;
}

/** An empty MemberFace to fill with memberFace(world, i, out). */
export function newMemberFace(): MemberFace {
  return {
    index: 0,
    subscriberIndex: 0,
    relationship: "18",
    payer: undefined as unknown as Payer,
    payerClass: "medicaid",
    firstName: "",
    middleInitial: "",
    lastName: "",
    sex: "F",
    birthDate: 0,
    address: undefined as unknown as Address,
    groupNumber: "",
  };
}

/** buildMember's face: filled and read within one call, so one object serves every member. */
const memberScratch = newMemberFace();

/**
 * The X12-facing fields of member i (see MemberFace): cheaper than member(i), and equal to its fields.
 * Written into `out` when given (a caller's reusable object), else into a new object.
 */
export function memberFace(world: World, i: number, out?: MemberFace): MemberFace {
  checkMember(world, i);
  const h = householdHeadOf(world, i);
  return faceOf(world, i, h, householdFace(world, h), rngFor(world.seed, "member", i), out ?? newMemberFace());
}

const NOT_EMAIL = /[^a-z0-9.]/g;
const emailParts = new Map<string, string>();

/**
 * A name as it appears in an e-mail local part: lower case, only a–z, 0–9 and dots; memoised per name
 * (names come from the vocabulary). Cleaning each part alone equals cleaning `first.last.i` whole:
 * the only context-dependent lower-casing (Greek final sigma) yields letters that are dropped anyway.
 */
function emailPart(name: string): string {
  let s = emailParts.get(name);
  if (s === undefined) {
    s = name.toLowerCase().replace(NOT_EMAIL, "");
    if (emailParts.size >= 100_000) emailParts.clear();
    emailParts.set(name, s);
  }
  return s;
}

function planById(payer: Payer, id: string): Plan {
  return payer.plans.find((p) => p.id === id) ?? (payer.plans[0] as Plan);
}

function buildMember(world: World, i: number): Member {
  checkMember(world, i);
  const h = householdHeadOf(world, i);
  const hh = householdFace(world, h);
  const core = householdCore(world, h);
  const rng = rngFor(world.seed, "member", i);
  const f = faceOf(world, i, h, hh, rng, memberScratch);
  const id = memberIdOf(world, h, i - h);
  const emailLocal = emailPart(f.firstName) + "." + emailPart(f.lastName) + "." + i;
  return {
    index: i,
    memberId: id,
    subscriberId: f.relationship === "18" ? id : memberIdOf(world, h, 0),
    subscriberIndex: f.subscriberIndex,
    relationship: f.relationship,
    firstName: f.firstName,
    middleInitial: f.middleInitial,
    lastName: f.lastName,
    sex: f.sex,
    birthDate: f.birthDate,
    ssn: syntheticSsn(rng),
    mbi: hh.payerClass === "medicare" ? syntheticMbi(rng) : null,
    medicaidId: hh.payerClass === "medicaid" ? idPrefixes(world.config.idPrefix).medicaid + pad(i, 10) : null,
    address: hh.address,
    phone: syntheticPhone(rng),
    email: `${emailLocal}@${EXAMPLE_DOMAINS[rng.int(EXAMPLE_DOMAINS.length)]}`,
    payer: hh.payer,
    plan: planById(hh.payer, hh.latestPlan.id),
    groupNumber: f.groupNumber,
    spans: core.spans,
  };
}

/** Member `index` of the world's population, with its coverage spans. */
export const member = cachedByIndex(64, buildMember);

/** What an X12 834 writes of a member: these fields of member(i), equal to them. */
export type EnrollmentFace = Pick<
  Member,
  "memberId" | "subscriberId" | "relationship" | "firstName" | "middleInitial" | "lastName" | "sex" | "birthDate" | "ssn" | "phone" | "address" | "payer" | "groupNumber" | "spans"
>;

/** An empty EnrollmentFace to fill with enrollmentFace(world, i, out). */
export function newEnrollmentFace(): EnrollmentFace {
  return {
    memberId: "",
    subscriberId: "",
    relationship: "18",
    firstName: "",
    middleInitial: "",
    lastName: "",
    sex: "F",
    birthDate: 0,
    ssn: "",
    phone: "",
    address: undefined as unknown as Address,
    payer: undefined as unknown as Payer,
    groupNumber: "",
    spans: [],
  };
}

/**
 * The fields of member(i) an 834 writes, into a caller's reusable object: the same draws as
 * buildMember up to the phone, without the e-mail, Medicaid ID and plan it does not write.
 */
export function enrollmentFace(world: World, i: number, out: EnrollmentFace): EnrollmentFace {
  checkMember(world, i);
  const h = householdHeadOf(world, i);
  const hh = householdFace(world, h);
  const core = householdCore(world, h);
  const rng = rngFor(world.seed, "member", i);
  const f = faceOf(world, i, h, hh, rng, memberScratch);
  const id = memberIdOf(world, h, i - h);
  // buildMember's draws in its order: SSN, MBI (Medicare only), phone; the e-mail's comes after
  out.ssn = syntheticSsn(rng);
  if (hh.payerClass === "medicare") syntheticMbi(rng);
  out.phone = syntheticPhone(rng);
  out.memberId = id;
  out.subscriberId = f.relationship === "18" ? id : memberIdOf(world, h, 0);
  out.relationship = f.relationship;
  out.firstName = f.firstName;
  out.middleInitial = f.middleInitial;
  out.lastName = f.lastName;
  out.sex = f.sex;
  out.birthDate = f.birthDate;
  out.address = hh.address;
  out.payer = hh.payer;
  out.groupNumber = f.groupNumber;
  out.spans = core.spans;
  return out;
}

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

/**
 * What a claim needs of member i, read from the coverage table into a caller's reusable view: no
 * objects are built. Span k (0 = earliest) of `count` has its start, end (OPEN_END while open) and
 * plan (an index into payer.plans) at `data[at + 3k]`, `data[at + 3k + 1]`, `data[at + 3k + 2]`;
 * valid until the next lookup.
 */
export interface CoverageView {
  head: number;
  position: number;
  relationship: Member["relationship"];
  payer: Payer;
  count: number;
  data: Float64Array;
  at: number;
}

export function newCoverageView(): CoverageView {
  return { head: 0, position: 0, relationship: "18", payer: undefined as unknown as Payer, count: 0, data: new Float64Array(0), at: 0 };
}

export function viewCoverage(world: World, i: number, out: CoverageView): CoverageView {
  if (!Number.isInteger(i) || i < 0 || i >= world.config.population.members) {
    throw new RangeError(`member index ${i} is outside the population of ${world.config.population.members}`);
  }
  const h = householdHeadOf(world, i);
  const t = coverageTable(world);
  const at = coreRecord(world, h);
  const d = coreData;
  const position = i - h;
  const g = d[at + 2] as number;
  out.head = h;
  out.position = position;
  out.relationship = position === 0 || t.payerClasses[g] === "medicare" ? "18" : position === 1 && d[at + 3] === 1 ? "01" : "19";
  out.payer = t.payers[g] as Payer;
  out.count = d[at + 4] as number;
  out.data = d;
  out.at = at + SLOT_SPANS;
  return out;
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
