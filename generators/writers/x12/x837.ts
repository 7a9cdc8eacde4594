/**
 * X12 837 health care claims: professional (005010X222A1) and institutional (005010X223A2), for
 * claims (BHT06 CH) and for Medicaid managed-care encounters (BHT06 RP, with the plan's adjudication
 * in loops 2320/2330 and 2430). Each claim is written as its own 2000A → 2000B → (2000C) hierarchy,
 * so claims stream one at a time; see docs/x12.md for the loops and segments.
 */
import { NPI_BASE_START } from "../../core/identifiers.js";
import { rngFor } from "../../core/random.js";
import { member } from "../../entities/members.js";
import { claimTypeOf } from "../../entities/claims.js";
import { provider } from "../../entities/providers.js";
import type { EntityOfKind, Kind } from "../../kinds.js";
import type { Address, Claim, Encounter, Payer, PayerClass, Provider, ServiceLine } from "../../model.js";
import type { World } from "../../core/world.js";
import type { FileContext, RecordWriter } from "../format.js";
import { Interchange } from "./envelope.js";
import { addressSegments, amount, block, d8Formatter, digitsOnly, hhmm, type Block } from "./segments.js";

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
  const destinationPayer = "NM1" + E + "PR" + E + "2" + E + o.receiverName + E + E + E + E + E + "PI" + E + o.receiverId + T;
  const HL = "HL" + E;
  const HL20 = E + E + "20" + E + "1" + T;
  const HL22 = E + "22" + E;
  const HL23 = E + "23" + E + "0" + T;
  const SBR_SELF = "SBR" + E + (encounter ? "S" : "P") + E + "18" + E;
  const SBR_DEPENDENT = "SBR" + E + (encounter ? "S" : "P") + E + E;
  const SBR_OTHER = "SBR" + E + "P" + E;
  const SIX = E + E + E + E + E + E;
  const NM1_IL = "NM1" + E + "IL" + E + "1" + E;
  const NM1_QC = "NM1" + E + "QC" + E + "1" + E;
  const MI = E + E + E + "MI" + E;
  const N3 = "N3" + E;
  const N4 = "N4" + E;
  const DMG = "DMG" + E + "D8" + E;
  const PAT = "PAT" + E;
  const CLM = "CLM" + E;
  const CLM_GAP = E + E + E;
  const CLM_TAIL = institutional ? E + E + "A" + E + "Y" + E + "Y" + T : E + "Y" + E + "A" + E + "Y" + E + "Y" + T;
  const FACILITY = C + (institutional ? "A" : "B") + C;
  const DTP096 = "DTP" + E + "096" + E + "TM" + E;
  const DTP434 = "DTP" + E + "434" + E + "RD8" + E;
  const DTP435 = "DTP" + E + "435" + E + "DT" + E;
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
  const DTP472 = "DTP" + E + "472" + E + "D8" + E;
  const SVD = "SVD" + E;
  const CAS = "CAS" + E + "CO" + E + "45" + E;
  const DTP573 = "DTP" + E + "573" + E + "D8" + E;
  const sbrTail = { medicaid: "", medicare: "", commercial: "" } as Record<PayerClass, string>;
  for (const k of Object.keys(sbrTail) as PayerClass[]) sbrTail[k] = SIX + claimFilingIndicator(k, variant) + T;
  const sbrTailEncounter = SIX + "MC" + T;

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
      s = "NM1" + E + "PR" + E + "2" + E + payer.name + E + E + E + E + E + "PI" + E + payer.id + T;
      payers.set(payer.id, s);
    }
    return s;
  };
  const address = (p: string[], a: Address): void => {
    p.push(a.line2 ? N3 + a.line1 + E + a.line2 + T : N3 + a.line1 + T);
    p.push(N4 + a.city + E + a.state + E + a.zip + T);
  };

  let hl = 0;
  let lx = 0;

  /** Appends a claim's segments (2000A through 2400) to the sink, one terminated segment per part. */
  function writeClaim(c: Claim): void {
    const m = member(world, c.memberIndex);
    const sub = m.subscriberIndex === m.index ? m : member(world, m.subscriberIndex);
    const dependent = m.relationship !== "18";
    const p = sink.parts;
    const start = p.length;
    let blockExtra = 0; // segments beyond the first of each pre-built block

    // 2000A billing provider, 2010AA
    const billingHl = ++hl;
    p.push(HL + billingHl + HL20);
    const b = billing.get(c.billingNpi);
    p.push(b.text);
    blockExtra += b.count - 1;
    // 2000B subscriber: SBR, 2010BA NM1/N3/N4/DMG, 2010BB payer
    const subscriberHl = ++hl;
    // the claim's own subscriber ID (equal to the member's on clean claims; a defect may change it)
    const subscriberName = NM1_IL + sub.lastName + E + sub.firstName + E + sub.middleInitial + MI + c.subscriberId + T;
    p.push(HL + subscriberHl + E + billingHl + HL22 + (dependent ? "1" : "0") + T);
    p.push((dependent ? SBR_DEPENDENT : SBR_SELF) + sub.groupNumber + (encounter ? sbrTailEncounter : sbrTail[m.payer.class]));
    p.push(subscriberName);
    address(p, sub.address);
    p.push(DMG + d8(sub.birthDate) + E + sub.sex + T);
    p.push(encounter ? destinationPayer : payerName(m.payer));
    // 2000C patient: PAT, 2010CA NM1/N3/N4/DMG
    if (dependent) {
      p.push(HL + ++hl + E + subscriberHl + HL23);
      p.push(PAT + m.relationship + T);
      p.push(NM1_QC + m.lastName + E + m.firstName + (m.middleInitial ? E + m.middleInitial : "") + T);
      address(p, m.address);
      p.push(DMG + d8(m.birthDate) + E + m.sex + T);
    }

    // 2300 claim
    const clm = CLM + c.claimId + E + amount(c.totalChargeCents) + CLM_GAP;
    if (institutional) {
      const tob = c.typeOfBill;
      p.push(clm + tob.slice(0, 2) + FACILITY + tob[2] + CLM_TAIL);
      if (c.admissionDate !== null) {
        const [admitted, discharged] = stayHours(world, c, encounter);
        p.push(DTP096 + discharged + T);
        p.push(DTP434 + d8(c.statementFrom) + "-" + d8(c.statementTo) + T);
        p.push(DTP435 + d8(c.admissionDate) + admitted + T);
        p.push(CL1);
      } else {
        p.push(DTP434 + d8(c.statementFrom) + "-" + d8(c.statementTo) + T);
      }
    } else {
      p.push(clm + c.placeOfService + FACILITY + c.frequencyCode + CLM_TAIL);
    }
    if (c.frequencyCode === "7" || c.frequencyCode === "8") p.push(REF_F8 + c.claimId + T);
    const secondary = c.secondaryDiagnoses;
    let hi: string;
    if (institutional) {
      p.push(HI_ABK + c.principalDiagnosis + T);
      if (c.admittingDiagnosis) p.push(HI_ABJ + c.admittingDiagnosis + T);
      hi = "HI";
    } else {
      hi = HI_ABK + c.principalDiagnosis;
    }
    for (let i = 0; i < secondary.length; i++) hi += ABF + secondary[i];
    if (hi !== "HI") p.push(hi + T);
    // 2310A attending (837I) / 2310B rendering (837P)
    const r = individual.get(institutional ? c.attendingNpi : c.renderingNpi);
    p.push(r.text);
    blockExtra += r.count - 1;

    let paidDate = "";
    let planPayerId = "";
    if (encounter) {
      const enc = c as Encounter;
      planPayerId = c.payerId;
      paidDate = d8(enc.paidDate);
      // 2320 other subscriber (the managed-care plan's adjudication; SBR03 the plan), 2330A subscriber, 2330B plan
      p.push(SBR_OTHER + m.relationship + E + c.planId + sbrTail[m.payer.class]);
      p.push(AMT_D + amount(enc.paidCents) + T);
      p.push(OI);
      p.push(subscriberName);
      p.push(payerName(m.payer));
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
      p.push(LX + l.lineNumber + T);
      if (institutional) p.push(SV2 + l.revenueCode + E + procedure + E + amount(l.chargeCents) + UN + l.units + T);
      else p.push(SV1 + procedure + E + amount(l.chargeCents) + UN + l.units + SV1_TAIL);
      p.push(DTP472 + d8(l.serviceDate) + T);
      if (encounter) {
        p.push(SVD + planPayerId + E + amount(l.paidCents) + E + procedure + E + (institutional ? l.revenueCode : "") + E + l.units + T);
        if (l.chargeCents > l.paidCents) p.push(CAS + amount(l.chargeCents - l.paidCents) + T);
        p.push(DTP573 + paidDate + T);
      }
    }
    lx += lines.length;
    sink.count += p.length - start + blockExtra;
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
