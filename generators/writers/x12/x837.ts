/**
 * X12 837 health care claims: professional (005010X222A1) and institutional (005010X223A2), for
 * claims (BHT06 CH) and for Medicaid managed-care encounters (BHT06 RP, with the plan's adjudication
 * in loops 2320/2330 and 2430). Each claim is written as its own 2000A → 2000B → (2000C) hierarchy,
 * so claims stream one at a time; see docs/x12.md for the loops and segments.
 */
import { NPI_BASE_START } from "../../core/identifiers.js";
import { rngFor } from "../../core/random.js";
import { memberFace, newMemberFace } from "../../entities/members.js";
import { claimTypeOf } from "../../entities/claims.js";
import { provider } from "../../entities/providers.js";
import type { EntityOfKind, Kind } from "../../kinds.js";
import type { Address, Claim, Encounter, Payer, PayerClass, Provider, RelationshipCode, ServiceLine } from "../../model.js";
import type { World } from "../../core/world.js";
import type { FileContext, RecordWriter } from "../format.js";
import { Interchange } from "./envelope.js";
import { flat } from "../../core/strings.js";
import { addressSegments, affixedD8, amount, block, d8Formatter, digitsOnly, hhmm, type Block } from "./segments.js";

export type ClaimVariant = "professional" | "institutional";

export const X12_837P_VERSION = "005010X222A1";
export const X12_837I_VERSION = "005010X223A2";

/** SBR09 claim filing indicator of a payer class (Medicare: Part B on 837P, Part A on 837I). */
export function claimFilingIndicator(payerClass: PayerClass, variant: ClaimVariant): string {
  switch (payerClass) {
    case "medicaid":
      return "MC";
    case "medicare":
      return variant === "professional" ? "MB" : "MA";
    case "commercial":
      return "CI";
  }
}

/**
 * The provider of an hcsynth NPI (NPIs are a contiguous block, see core/identifiers.ts). An NPI outside
 * the population (a deliberately defective claim) borrows the name and address of `fallback`; the
 * segments still carry the claim's own NPI.
 */
function providerByNpi(world: World, npi: string, fallback: number): Provider {
  const j = Number(npi.slice(0, 9)) - NPI_BASE_START;
  return provider(world, Number.isInteger(j) && j >= 0 && j < world.config.population.providers ? j : fallback);
}

/** Bounded per-file cache of pre-built segment blocks. */
class BlockCache {
  private readonly map = new Map<string, Block>();
  constructor(private readonly build: (key: string) => Block) {}
  get(key: string): Block {
    let b = this.map.get(key);
    if (b === undefined) {
      b = this.build(key);
      if (this.map.size >= 4096) this.map.clear();
      this.map.set(key, b);
    }
    return b;
  }
}

/**
 * What writeClaim needs of a member, as patient and as subscriber, with its segments pre-built for one
 * set of delimiters. Members are pure functions of the world, so these are too.
 */
interface MemberSegments {
  index: number;
  relationship: RelationshipCode;
  subscriberIndex: number;
  payer: Payer;
  payerClass: PayerClass;
  groupNumber: string;
  /** `NM1*IL*1*last*first*middle***MI*` (the claim's subscriber ID and the terminator follow); "" for a dependent. */
  subscriberName: string;
  /** The subscriber's N3, N4 and DMG, terminated: three segments ("" for a dependent). */
  subscriberRest: string;
  /** The patient's PAT, NM1*QC, N3, N4 and DMG, terminated: five segments ("" for a subscriber). */
  patient: string;
}

/** Populations up to this size keep every member's segments once built (no churn: one slot per member). */
const MEMBER_CACHE_LIMIT = 1 << 16;
const memberCaches = new WeakMap<World, Map<string, (MemberSegments | undefined)[]>>();

/** memberSegmentsOf's face of the member being built (read only while building). */
const face = newMemberFace();

function memberSegmentsOf(world: World, E: string, T: string): (i: number) => MemberSegments {
  const d8 = d8Formatter(world);
  const address = (a: Address): string => (a.line2 ? "N3" + E + a.line1 + E + a.line2 : "N3" + E + a.line1) + T + "N4" + E + a.city + E + a.state + E + a.zip + T;
  const build = (i: number): MemberSegments => {
    const f = memberFace(world, i, face);
    const place = address(f.address);
    const dmg = "DMG" + E + "D8" + E + d8(f.birthDate) + E + f.sex + T;
    // A member is its own subscriber (relationship 18) or a dependent patient, never both: only that
    // role's segments are built. Flat strings: they are reused, and a cached rope is walked again on every use.
    const subscriber = f.relationship === "18";
    return {
      index: i,
      relationship: f.relationship,
      subscriberIndex: f.subscriberIndex,
      payer: f.payer,
      payerClass: f.payerClass,
      groupNumber: f.groupNumber,
      subscriberName: subscriber ? flat("NM1" + E + "IL" + E + "1" + E + f.lastName + E + f.firstName + E + f.middleInitial + E + E + E + "MI" + E) : "",
      subscriberRest: subscriber ? flat(place + dmg) : "",
      patient: subscriber
        ? ""
        : flat("PAT" + E + f.relationship + T + "NM1" + E + "QC" + E + "1" + E + f.lastName + E + f.firstName + (f.middleInitial ? E + f.middleInitial : "") + T + place + dmg),
    };
  };
  if (world.config.population.members > MEMBER_CACHE_LIMIT) return build;
  let byDelimiters = memberCaches.get(world);
  if (byDelimiters === undefined) {
    byDelimiters = new Map();
    memberCaches.set(world, byDelimiters);
  }
  const key = E + T;
  let cache = byDelimiters.get(key);
  if (cache === undefined) {
    cache = new Array<MemberSegments | undefined>(world.config.population.members).fill(undefined);
    byDelimiters.set(key, cache);
  }
  const c = cache;
  return (i) => c[i] ?? (c[i] = build(i));
}

/** Admission and discharge times (HHMM) of an inpatient stay: a pure function of the seed and the claim. */
function stayHours(world: World, c: Claim, encounter: boolean): [admission: string, discharge: string] {
  const rng = rngFor(world.seed, "admissionHour", c.index * 2 + (encounter ? 1 : 0));
  const admitted = rng.int(1440);
  const sameDay = c.admissionDate === c.dischargeDate;
  const discharged = sameDay ? admitted + rng.int(1440 - admitted) : rng.int(1440);
  return [hhmm(admitted), hhmm(discharged)];
}

export function open837<K extends Kind>(ctx: FileContext & { kind: K }, variant: ClaimVariant): RecordWriter<EntityOfKind[K]> {
  if (ctx.kind !== "claims" && ctx.kind !== "encounters") throw new RangeError(`X12 837 files hold claims or encounters, not ${ctx.kind}`);
  const world = ctx.world;
  const d8 = d8Formatter(world);
  const encounter = ctx.kind === "encounters";
  const institutional = variant === "institutional";
  const version = institutional ? X12_837I_VERSION : X12_837P_VERSION;
  const x = new Interchange(ctx, { functionalId: "HC", transactionSet: "837", version, slot: (encounter ? 2 : 0) + (institutional ? 1 : 0) });
  const o = x.options;
  const { e: E, c: C, t: T } = x.syntax;
  const sink = x.sink;

  // Segments and segment pieces that are constant in the file, delimiters included.
  const bhtTail = E + x.date + E + x.time + E + (encounter ? "RP" : "CH");
  const submitterAndReceiver = block(
    [
      "NM1" + E + "41" + E + "2" + E + o.senderName + E + E + E + E + E + "46" + E + o.senderId,
      "PER" + E + "IC" + E + o.senderName + E + "TE" + E + x.contactPhone,
      "NM1" + E + "40" + E + "2" + E + o.receiverName + E + E + E + E + E + "46" + E + o.receiverId,
    ],
    T,
  );
  // Encounters go to the state agency (the receiver) as destination payer; the plan is the other payer (2330B).
  const destinationPayer = flat("NM1" + E + "PR" + E + "2" + E + o.receiverName + E + E + E + E + E + "PI" + E + o.receiverId + T);
  const HL = "HL" + E;
  const HL20 = E + E + "20" + E + "1" + T;
  const HL22 = E + "22" + E;
  const HL23 = E + "23" + E + "0" + T;
  const SBR_SELF = "SBR" + E + (encounter ? "S" : "P") + E + "18" + E;
  const SBR_DEPENDENT = "SBR" + E + (encounter ? "S" : "P") + E + E;
  const SBR_OTHER = "SBR" + E + "P" + E;
  const SIX = E + E + E + E + E + E;
  const CLM = "CLM" + E;
  const CLM_GAP = E + E + E;
  const CLM_TAIL = institutional ? E + E + "A" + E + "Y" + E + "Y" + T : E + "Y" + E + "A" + E + "Y" + E + "Y" + T;
  const FACILITY = C + (institutional ? "A" : "B") + C;
  const DTP096 = "DTP" + E + "096" + E + "TM" + E;
  // Admission type 1 (emergency), point of origin 1 (non-health-care facility), patient status 01 (discharged home).
  const CL1 = "CL1" + E + "1" + E + "1" + E + "01" + T;
  const REF_F8 = "REF" + E + "F8" + E;
  const HI_ABK = "HI" + E + "ABK" + C;
  const HI_ABJ = "HI" + E + "ABJ" + C;
  const ABF = E + "ABF" + C;
  const AMT_D = "AMT" + E + "D" + E;
  const OI = (institutional ? "OI" + E + E + E + "Y" + E + E + E + "Y" : "OI" + E + E + E + "Y" + E + "P" + E + E + "Y") + T;
  const LX = "LX" + E;
  const HC = "HC" + C;
  const SV1 = "SV1" + E;
  const SV2 = "SV2" + E;
  const UN = E + "UN" + E;
  const SV1_TAIL = E + E + E + "1" + T;
  const SVD = "SVD" + E;
  const CAS = "CAS" + E + "CO" + E + "45" + E;
  const sbrTail = { medicaid: "", medicare: "", commercial: "" } as Record<PayerClass, string>;
  for (const k of Object.keys(sbrTail) as PayerClass[]) sbrTail[k] = SIX + claimFilingIndicator(k, variant) + T;
  const sbrTailEncounter = SIX + "MC" + T;
  const segmentsOf = memberSegmentsOf(world, E, T);
  const dtp472 = affixedD8(world, "DTP" + E + "472" + E + "D8" + E, T);
  const dtp434 = affixedD8(world, "DTP" + E + "434" + E + "RD8" + E, "-");
  const dtp435 = affixedD8(world, "DTP" + E + "435" + E + "DT" + E, "");
  const dtp573 = affixedD8(world, "DTP" + E + "573" + E + "D8" + E, T);
  const UN_TAIL = institutional ? T : SV1_TAIL;

  // 2000A billing provider (PRV, 2010AA NM1/N3/N4/REF) by NPI.
  const billing = new BlockCache((npi) => {
    const p = providerByNpi(world, npi, 0);
    const segs = ["PRV" + E + "BI" + E + "PXC" + E + p.taxonomy, "NM1" + E + "85" + E + "2" + E + p.lastOrOrgName + E + E + E + E + E + "XX" + E + npi, ...addressSegments(p.address, E)];
    if (p.ein) segs.push("REF" + E + "EI" + E + digitsOnly(p.ein));
    return block(segs, T);
  });
  // 2310B rendering (837P) or 2310A attending (837I) provider.
  const roleCode = institutional ? "71" : "82";
  const prvCode = institutional ? "AT" : "PE";
  const individual = new BlockCache((npi) => {
    const p = providerByNpi(world, npi, 1);
    const name = p.entityType === 1 ? p.lastOrOrgName + E + p.firstName + E : p.lastOrOrgName + E + E;
    return block(["NM1" + E + roleCode + E + String(p.entityType) + E + name + E + E + E + "XX" + E + npi, "PRV" + E + prvCode + E + "PXC" + E + p.taxonomy], T);
  });
  const payers = new Map<string, string>();
  const payerName = (payer: Payer): string => {
    let s = payers.get(payer.id);
    if (s === undefined) {
      s = flat("NM1" + E + "PR" + E + "2" + E + payer.name + E + E + E + E + E + "PI" + E + payer.id + T);
      payers.set(payer.id, s);
    }
    return s;
  };

  let hl = 0;
  let lx = 0;

  /**
   * Appends a claim's segments (2000A through 2400) to the sink, counting them. Short pieces are
   * grouped in parentheses so that V8 copies them into small flat strings instead of building rope
   * nodes (see writers/text.ts).
   */
  function writeClaim(c: Claim): void {
    const m = segmentsOf(c.memberIndex);
    const sub = m.subscriberIndex === m.index ? m : segmentsOf(m.subscriberIndex);
    const dependent = m.relationship !== "18";
    let out = "";
    let n = 0; // segments in out

    // 2000A billing provider, 2010AA
    const billingHl = ++hl;
    out += HL + billingHl + HL20;
    n++;
    const b = billing.get(c.billingNpi);
    out += b.text;
    n += b.count;
    // 2000B subscriber: SBR, 2010BA NM1/N3/N4/DMG, 2010BB payer
    const subscriberHl = ++hl;
    // the claim's own subscriber ID (equal to the member's on clean claims; a defect may change it)
    const subscriberName = sub.subscriberName + (c.subscriberId + T);
    out += HL + subscriberHl + E + billingHl + HL22 + (dependent ? "1" : "0") + T;
    n++;
    out += (dependent ? SBR_DEPENDENT : SBR_SELF) + sub.groupNumber + (encounter ? sbrTailEncounter : sbrTail[m.payerClass]);
    n++;
    out += subscriberName;
    n++;
    out += sub.subscriberRest; // N3, N4, DMG
    n += 3;
    out += encounter ? destinationPayer : payerName(m.payer);
    n++;
    // 2000C patient: PAT, 2010CA NM1/N3/N4/DMG
    if (dependent) {
      out += HL + ++hl + E + subscriberHl + HL23;
      n++;
      out += m.patient; // PAT, NM1, N3, N4, DMG
      n += 5;
    }

    // 2300 claim
    const clm = CLM + c.claimId + (E + amount(c.totalChargeCents) + CLM_GAP);
    if (institutional) {
      const tob = c.typeOfBill;
      out += clm + (tob.slice(0, 2) + FACILITY + tob[2]) + CLM_TAIL;
      n++;
      if (c.admissionDate !== null) {
        const [admitted, discharged] = stayHours(world, c, encounter);
        out += DTP096 + discharged + T;
        n++;
        out += dtp434(c.statementFrom) + (d8(c.statementTo) + T);
        n++;
        out += dtp435(c.admissionDate) + (admitted + T);
        n++;
        out += CL1;
        n++;
      } else {
        out += dtp434(c.statementFrom) + (d8(c.statementTo) + T);
        n++;
      }
    } else {
      out += clm + (c.placeOfService + FACILITY + c.frequencyCode) + CLM_TAIL;
      n++;
    }
    if (c.frequencyCode === "7" || c.frequencyCode === "8") {
      out += REF_F8 + c.claimId + T;
      n++;
    }
    const secondary = c.secondaryDiagnoses;
    let hi: string;
    if (institutional) {
      out += HI_ABK + c.principalDiagnosis + T;
      n++;
      if (c.admittingDiagnosis) {
        out += HI_ABJ + c.admittingDiagnosis + T;
        n++;
      }
      hi = "HI";
    } else {
      hi = HI_ABK + c.principalDiagnosis;
    }
    for (let i = 0; i < secondary.length; i++) hi += ABF + secondary[i];
    if (hi !== "HI") {
      out += hi + T;
      n++;
    }
    // 2310A attending (837I) / 2310B rendering (837P)
    const r = individual.get(institutional ? c.attendingNpi : c.renderingNpi);
    out += r.text;
    n += r.count;

    let paid = "";
    let planPayerId = "";
    if (encounter) {
      const enc = c as Encounter;
      planPayerId = c.payerId;
      paid = dtp573(enc.paidDate);
      // 2320 other subscriber (the managed-care plan's adjudication; SBR03 the plan), 2330A subscriber, 2330B plan
      out += SBR_OTHER + m.relationship + E + c.planId + sbrTail[m.payerClass];
      n++;
      out += AMT_D + amount(enc.paidCents) + T;
      n++;
      out += OI;
      n++;
      out += subscriberName;
      n++;
      out += payerName(m.payer);
      n++;
    }

    // 2400 service lines, 2430 line adjudication
    const lines = c.lines;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] as ServiceLine;
      let procedure = "";
      if (l.procedureCode !== "") {
        procedure = HC + l.procedureCode;
        const mods = l.modifiers;
        for (let k = 0; k < mods.length; k++) procedure += C + mods[k];
      }
      out += LX + l.lineNumber + T;
      const charge = E + amount(l.chargeCents) + UN;
      if (institutional) out += SV2 + l.revenueCode + E + procedure + charge + (l.units + UN_TAIL);
      else out += SV1 + procedure + charge + (l.units + UN_TAIL);
      out += dtp472(l.serviceDate);
      n += 3; // LX, SV1/SV2, DTP
      if (encounter) {
        out += SVD + planPayerId + (E + amount(l.paidCents) + E) + procedure + (E + (institutional ? l.revenueCode : "") + E + l.units + T);
        n++;
        if (l.chargeCents > l.paidCents) {
          out += CAS + amount(l.chargeCents - l.paidCents) + T;
          n++;
        }
        out += paid;
        n++;
      }
    }
    lx += lines.length;
    sink.addText(out, n);
  }

  const writer: RecordWriter<Claim> = {
    begin: () => x.isa(),
    accepts: (c) => c.claimType === variant,
    acceptsIndex: (i) => claimTypeOf(ctx.world, ctx.kind as "claims" | "encounters", i) === variant,
    write(c) {
      if (!x.inTransaction) {
        const ref = x.openTransaction();
        sink.add("BHT" + E + "0019" + E + "00" + E + ref + bhtTail);
        sink.addBlock(submitterAndReceiver);
        hl = 0;
      }
      writeClaim(c);
      x.recordWritten();
      return sink.take();
    },
    end: () => x.end(),
    get lines() {
      return lx;
    },
  };
  return writer as unknown as RecordWriter<EntityOfKind[K]>;
}
