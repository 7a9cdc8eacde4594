/**
 * NDJSON: one nested document per member, provider, claim or encounter, shaped as a pipeline would
 * store it in DocumentDB. Dates are YYYY-MM-DD strings, money a number with two decimals.
 */
import type { World } from "../core/world.js";
import type { EntityOfKind, Kind } from "../kinds.js";
import type { Claim, Encounter, Member, Provider, ServiceLine } from "../model.js";
import type { FileContext, OutputFormat, RecordWriter } from "./format.js";
import { claimJson, encounterJson, plainClaim } from "./claim-json.js";

const money = (cents: number): number => cents / 100;

export function memberDocument(world: World, m: Member): Record<string, unknown> {
  const d = world.dates;
  return {
    memberId: m.memberId,
    subscriberId: m.subscriberId,
    relationshipCode: m.relationship,
    name: { first: m.firstName, middleInitial: m.middleInitial, last: m.lastName },
    sex: m.sex,
    birthDate: d.isoDate(m.birthDate),
    ssn: m.ssn,
    mbi: m.mbi,
    medicaidId: m.medicaidId,
    address: m.address,
    phone: m.phone,
    email: m.email,
    payer: { id: m.payer.id, name: m.payer.name, class: m.payer.class },
    plan: { id: m.plan.id, name: m.plan.name },
    groupNumber: m.groupNumber,
    coverage: m.spans.map((s) => ({ start: d.isoDate(s.start), end: s.end === null ? null : d.isoDate(s.end), planId: s.planId, coverageLevel: s.coverageLevel })),
  };
}

export function providerDocument(_world: World, p: Provider): Record<string, unknown> {
  return {
    npi: p.npi,
    entityType: p.entityType,
    taxonomyCode: p.taxonomy,
    name: p.entityType === 2 ? { organization: p.lastOrOrgName } : { first: p.firstName, last: p.lastOrOrgName, credential: p.credential },
    address: p.address,
    phone: p.phone,
    ein: p.ein,
    affiliatedOrganizationNpis: p.affiliations,
  };
}

/** null when empty, else the value: `value || null` for the string fields that are absent when empty. */
const orNull = (value: string): string | null => value || null;

function lineDocuments(world: World, c: Claim, withPaid: boolean): Record<string, unknown>[] {
  const d = world.dates;
  const lines = c.lines;
  const out: Record<string, unknown>[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as ServiceLine;
    out[i] = withPaid
      ? {
          lineNumber: l.lineNumber,
          procedureCode: orNull(l.procedureCode),
          modifiers: l.modifiers,
          units: l.units,
          charge: money(l.chargeCents),
          serviceDate: d.isoDate(l.serviceDate),
          revenueCode: orNull(l.revenueCode),
          paidAmount: money(l.paidCents),
        }
      : {
          lineNumber: l.lineNumber,
          procedureCode: orNull(l.procedureCode),
          modifiers: l.modifiers,
          units: l.units,
          charge: money(l.chargeCents),
          serviceDate: d.isoDate(l.serviceDate),
          revenueCode: orNull(l.revenueCode),
        };
  }
  return out;
}

/*
 * Claim and encounter documents are built key by key in document order (no spread: V8 builds spread
 * copies on a slow path); the claim fields follow the ID (and the encounter type).
 */
/** Appends the fields claims and encounters share, in document order, to a document holding its ID fields. */
function addClaimFields(doc: Record<string, unknown>, world: World, c: Claim): Record<string, unknown> {
  const d = world.dates;
  const institutional = c.claimType === "institutional";
  doc["claimType"] = c.claimType;
  doc["frequencyCode"] = c.frequencyCode;
  doc["member"] = { memberId: c.memberId, subscriberId: c.subscriberId, relationshipCode: c.relationship };
  doc["payerId"] = c.payerId;
  doc["planId"] = c.planId;
  doc["providers"] = institutional ? { billingNpi: c.billingNpi, attendingNpi: c.attendingNpi } : { billingNpi: c.billingNpi, renderingNpi: c.renderingNpi };
  doc["placeOfService"] = institutional ? null : c.placeOfService;
  doc["typeOfBill"] = institutional ? c.typeOfBill : null;
  doc["admissionDate"] = c.admissionDate === null ? null : d.isoDate(c.admissionDate);
  doc["dischargeDate"] = c.dischargeDate === null ? null : d.isoDate(c.dischargeDate);
  doc["statementFrom"] = d.isoDate(c.statementFrom);
  doc["statementTo"] = d.isoDate(c.statementTo);
  doc["diagnoses"] = { principal: c.principalDiagnosis, admitting: orNull(c.admittingDiagnosis), secondary: c.secondaryDiagnoses };
  doc["totalCharge"] = money(c.totalChargeCents);
  return doc;
}

export function claimDocument(world: World, c: Claim): Record<string, unknown> {
  const doc = addClaimFields({ claimId: c.claimId }, world, c);
  doc["lines"] = lineDocuments(world, c, false);
  return doc;
}

export function encounterDocument(world: World, e: Encounter): Record<string, unknown> {
  const doc = addClaimFields({ encounterId: e.encounterId, encounterType: e.encounterType }, world, e);
  doc["paidAmount"] = money(e.paidCents);
  doc["paidDate"] = world.dates.isoDate(e.paidDate);
  doc["lines"] = lineDocuments(world, e, true);
  return doc;
}

type DocumentOf<K extends Kind> = (world: World, record: EntityOfKind[K]) => Record<string, unknown>;

export const DOCUMENTS: { [K in Kind]: DocumentOf<K> } = {
  eligibility: memberDocument,
  providers: providerDocument,
  claims: claimDocument,
  encounters: encounterDocument,
};

export const ndjsonFormat: OutputFormat = {
  name: "ndjson",
  extension: "ndjson",
  kinds: ["claims", "encounters", "eligibility", "providers"],
  open<K extends Kind>(ctx: FileContext & { kind: K }): RecordWriter<EntityOfKind[K]> {
    const toDocument = DOCUMENTS[ctx.kind] as DocumentOf<K>;
    const countsLines = ctx.kind === "claims" || ctx.kind === "encounters";
    const encounters = ctx.kind === "encounters";
    let lines = 0;
    return {
      begin: () => "",
      accepts: () => true,
      write(record) {
        if (countsLines) {
          const c = record as Claim;
          lines += c.lines.length;
          // claims and encounters are written directly (see claim-json.ts): the same text as JSON.stringify of the document
          if (plainClaim(c, encounters)) return (encounters ? encounterJson(ctx.world, c as Encounter) : claimJson(ctx.world, c)) + "\n";
        }
        return JSON.stringify(toDocument(ctx.world, record)) + "\n";
      },
      end: () => "",
      get lines() {
        return lines;
      },
    };
  },
};
