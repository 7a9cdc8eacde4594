/**
 * NDJSON: one nested document per member, provider, claim or encounter, shaped as a pipeline would
 * store it in DocumentDB. Dates are YYYY-MM-DD strings, money a number with two decimals.
 */
import type { World } from "../core/world.js";
import type { EntityOfKind, Kind } from "../kinds.js";
import type { Claim, Encounter, Member, Provider } from "../model.js";
import type { FileContext, OutputFormat, RecordWriter } from "./format.js";

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

function claimFields(world: World, c: Claim): Record<string, unknown> {
  const d = world.dates;
  const institutional = c.claimType === "institutional";
  return {
    claimType: c.claimType,
    frequencyCode: c.frequencyCode,
    member: { memberId: c.memberId, subscriberId: c.subscriberId, relationshipCode: c.relationship },
    payerId: c.payerId,
    planId: c.planId,
    providers: institutional ? { billingNpi: c.billingNpi, attendingNpi: c.attendingNpi } : { billingNpi: c.billingNpi, renderingNpi: c.renderingNpi },
    placeOfService: institutional ? null : c.placeOfService,
    typeOfBill: institutional ? c.typeOfBill : null,
    admissionDate: c.admissionDate === null ? null : d.isoDate(c.admissionDate),
    dischargeDate: c.dischargeDate === null ? null : d.isoDate(c.dischargeDate),
    statementFrom: d.isoDate(c.statementFrom),
    statementTo: d.isoDate(c.statementTo),
    diagnoses: { principal: c.principalDiagnosis, admitting: c.admittingDiagnosis || null, secondary: c.secondaryDiagnoses },
    totalCharge: money(c.totalChargeCents),
  };
}

function lineDocument(world: World, c: Claim, withPaid: boolean): Record<string, unknown>[] {
  return c.lines.map((l) => {
    const doc: Record<string, unknown> = {
      lineNumber: l.lineNumber,
      procedureCode: l.procedureCode || null,
      modifiers: l.modifiers,
      units: l.units,
      charge: money(l.chargeCents),
      serviceDate: world.dates.isoDate(l.serviceDate),
      revenueCode: l.revenueCode || null,
    };
    if (withPaid) doc["paidAmount"] = money(l.paidCents);
    return doc;
  });
}

export function claimDocument(world: World, c: Claim): Record<string, unknown> {
  return { claimId: c.claimId, ...claimFields(world, c), lines: lineDocument(world, c, false) };
}

export function encounterDocument(world: World, e: Encounter): Record<string, unknown> {
  return {
    encounterId: e.encounterId,
    encounterType: e.encounterType,
    ...claimFields(world, e),
    paidAmount: money(e.paidCents),
    paidDate: world.dates.isoDate(e.paidDate),
    lines: lineDocument(world, e, true),
  };
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
    let lines = 0;
    return {
      begin: () => "",
      accepts: () => true,
      write(record) {
        if (countsLines) lines += (record as Claim).lines.length;
        return JSON.stringify(toDocument(ctx.world, record)) + "\n";
      },
      end: () => "",
      get lines() {
        return lines;
      },
    };
  },
};
