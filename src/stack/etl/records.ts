/**
 * The format-independent half of extraction: every parser (CSV, NDJSON, X12) turns a record into one
 * of the normalised records below, recording parse problems; this module applies the business rules
 * and builds the target documents, shaped like hcsynth's NDJSON documents whatever the input format.
 *
 * Fields a format does not carry are left out of the document (not set to null), so that an upsert
 * from a poorer format does not erase them; NOT_CARRIED lists them.
 */
import { hash } from "node:crypto";
import { isValidNpi } from "../../../generators/core/identifiers.js";
import { ETL_REASONS, ICD10_SHAPE, US_STATES, type CodeSets } from "./codes.js";
import type { LoadDoc, Rejection } from "./types.js";
import { dollars, type Checks } from "./values.js";

/**
 * Document fields that an input format does not carry, by format and collection (paths in the
 * document; `lines[].x` is the field of every line). Everything else is the same from every format.
 */
export const NOT_CARRIED: Readonly<Record<string, Readonly<Partial<Record<string, readonly string[]>>>>> = {
  csv: {
    // CSV eligibility rows have the plan ID of each span but no plan name
    members: ["plan.name"],
  },
  ndjson: {},
  "x12-837p": {
    // 005010 has no member ID for a dependent patient (2010CA): member.memberId is null for them, and
    // the subscriber ID (2010BA) is in refs.memberIds. SBR03 is the group number, not the plan.
    claims: ["planId"],
    // the encounter type is not in the 837
    encounters: ["encounterType"],
  },
  "x12-837i": {
    claims: ["planId"],
    encounters: ["encounterType"],
  },
  "x12-834": {
    // REF*0F is the subscriber's ID and REF*23 the member's own; an 834 without REF*23 leaves a dependent's memberId null
    // (key {subscriberId, ssn}); no MBI, Medicaid ID, e-mail, payer class or plan name; a change file has only the latest span in coverage.
    members: ["mbi", "medicaidId", "email", "payer.class", "plan.name"],
    eligibility: [],
  },
};

export interface LineRecord {
  lineNumber: number | null;
  procedureCode: string;
  modifiers: string[];
  units: number | null;
  chargeCents: number | null;
  serviceDate: string | null;
  revenueCode: string;
  /** Encounters only. */
  paidCents?: number | null;
}

export interface ClaimRecord {
  kind: "claims" | "encounters";
  id: string;
  claimType: string;
  frequencyCode: string;
  /** null: not carried (an X12 837 dependent patient). */
  memberId: string | null;
  subscriberId: string;
  relationshipCode: string;
  payerId: string;
  /** undefined: not carried (X12 837 claims). */
  planId?: string;
  billingNpi: string;
  renderingNpi: string;
  attendingNpi: string;
  placeOfService: string;
  typeOfBill: string;
  admissionDate: string | null;
  dischargeDate: string | null;
  statementFrom: string | null;
  statementTo: string | null;
  principal: string;
  admitting: string;
  secondary: string[];
  totalCents: number | null;
  lines: LineRecord[];
  /** undefined: not carried (X12). */
  encounterType?: string;
  paidCents?: number | null;
  paidDate?: string | null;
}

export interface Span {
  start: string | null;
  end: string | null;
  planId: string;
  coverageLevel: string;
}

export interface MemberRecord {
  /** null: not carried (an X12 834 dependent). */
  memberId: string | null;
  subscriberId: string;
  relationshipCode: string;
  name: { first: string; middleInitial: string; last: string };
  sex: string;
  /** "" when empty (REC_MISSING_BIRTH_DATE); null when unparseable (its problem is recorded). */
  birthDate: string | null;
  ssn: string;
  mbi?: string | null;
  medicaidId?: string | null;
  address: { line1: string; line2: string; city: string; state: string; zip: string };
  phone: string;
  email?: string;
  payer: { id: string; name: string; class?: string };
  plan: { id: string; name?: string };
  groupNumber: string;
  coverage: Span[];
  /** X12 834: INS03 (021 addition, 024 termination, 001 change, 030 audit). */
  maintenanceType?: string;
}

export interface ProviderRecord {
  npi: string;
  entityType: number | null;
  taxonomyCode: string;
  name: Record<string, string>;
  address: { line1: string; line2: string; city: string; state: string; zip: string };
  phone: string;
  ein: string | null;
  affiliatedOrganizationNpis: string[];
}

/** Where a record sits in its file. */
export interface RecordMeta {
  recordIndex: number;
  line?: number;
  segment?: number;
}

/**
 * A fresh, fixed-size string for a value kept for the rest of the file. Kept values must not be the
 * parser's substrings: V8 keeps a substring's whole parent string (a 64 KiB chunk of the file) alive.
 */
function fingerprint(text: string): string {
  return hash("sha1", text, "base64");
}

/**
 * Per-file state of the business rules: claim IDs seen (fingerprint of the ID → fingerprint of the
 * content, about 100 bytes a claim) and provider NPIs seen (fingerprints).
 */
export class RuleContext {
  private readonly claimHashes = new Map<string, string>();
  private readonly npis = new Set<string>();

  constructor(
    readonly today: string,
    readonly codes: CodeSets,
  ) {}

  /** Registers a claim and says whether an earlier one had its ID: "same" content, "different", or undefined. */
  seenClaim(id: string, hash: string): "same" | "different" | undefined {
    const key = fingerprint(id);
    const earlier = this.claimHashes.get(key);
    if (earlier === undefined) {
      this.claimHashes.set(key, hash);
      return undefined;
    }
    return earlier === hash ? "same" : "different";
  }

  seenNpi(npi: string): boolean {
    const key = fingerprint(npi);
    if (this.npis.has(key)) return true;
    this.npis.add(key);
    return false;
  }
}

function contentHash(doc: unknown): string {
  return fingerprint(JSON.stringify(doc));
}

function unique(values: (string | null | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) if (v && !out.includes(v)) out.push(v);
  return out;
}

function rejection(checks: Checks, meta: RecordMeta, recordId: string | undefined): Rejection {
  const p = checks.first()!;
  const r: Rejection = { reason: p.reason, message: p.message, recordIndex: meta.recordIndex };
  if (recordId) r.recordId = recordId;
  if (meta.line !== undefined) r.line = meta.line;
  if (meta.segment !== undefined) r.segment = meta.segment;
  if (p.field !== undefined) r.field = p.field;
  return r;
}

// ---------------------------------------------------------------------------------------------- claims

export function claimDocument(c: ClaimRecord): Record<string, unknown> {
  const institutional = c.claimType === "institutional";
  const encounter = c.kind === "encounters";
  const doc: Record<string, unknown> = {};
  if (encounter) {
    doc["encounterId"] = c.id;
    if (c.encounterType !== undefined) doc["encounterType"] = c.encounterType;
  } else {
    doc["claimId"] = c.id;
  }
  doc["claimType"] = c.claimType;
  doc["frequencyCode"] = c.frequencyCode;
  doc["member"] = { memberId: c.memberId, subscriberId: c.subscriberId, relationshipCode: c.relationshipCode };
  doc["payerId"] = c.payerId;
  if (c.planId !== undefined) doc["planId"] = c.planId;
  doc["providers"] = institutional ? { billingNpi: c.billingNpi, attendingNpi: c.attendingNpi } : { billingNpi: c.billingNpi, renderingNpi: c.renderingNpi };
  doc["placeOfService"] = institutional ? null : c.placeOfService;
  doc["typeOfBill"] = institutional ? c.typeOfBill : null;
  doc["admissionDate"] = c.admissionDate;
  doc["dischargeDate"] = c.dischargeDate;
  doc["statementFrom"] = c.statementFrom;
  doc["statementTo"] = c.statementTo;
  doc["diagnoses"] = { principal: c.principal, admitting: c.admitting || null, secondary: c.secondary };
  doc["totalCharge"] = c.totalCents === null ? null : dollars(c.totalCents);
  if (encounter) {
    doc["paidAmount"] = c.paidCents === null || c.paidCents === undefined ? null : dollars(c.paidCents);
    doc["paidDate"] = c.paidDate ?? null;
  }
  doc["lines"] = c.lines.map((l) => {
    const line: Record<string, unknown> = {
      lineNumber: l.lineNumber,
      procedureCode: l.procedureCode || null,
      modifiers: l.modifiers,
      units: l.units,
      charge: l.chargeCents === null ? null : dollars(l.chargeCents),
      serviceDate: l.serviceDate,
      revenueCode: l.revenueCode || null,
    };
    if (encounter) line["paidAmount"] = l.paidCents === null || l.paidCents === undefined ? null : dollars(l.paidCents);
    return line;
  });
  return doc;
}

function checkDiagnosis(code: string, field: string, checks: Checks, codes: CodeSets): void {
  if (!ICD10_SHAPE.test(code)) checks.add("REC_DX_MALFORMED", `${field}: ${JSON.stringify(code)} is not shaped like an ICD-10-CM code (without the dot)`, field);
  else if (!codes.icd10cm.has(code)) checks.add("REC_DX_NOT_IN_LIST", `${field}: ${code} is not in the ICD-10-CM code list`, field);
}

function checkNpi(npi: string, field: string, checks: Checks): void {
  if (npi !== "" && !isValidNpi(npi)) checks.add("REC_NPI_CHECK_DIGIT", `${field}: ${JSON.stringify(npi)} is not a valid NPI (check digit)`, field);
}

/** Applies the claim rules; the parse problems are already in `checks`. */
export function checkClaim(c: ClaimRecord, checks: Checks, rules: RuleContext, doc: Record<string, unknown>): void {
  const idField = c.kind === "encounters" ? "encounterId" : "claimId";
  if (c.id === "") checks.add(ETL_REASONS.MISSING_FIELD, `${idField}: empty`, idField);
  const institutional = c.claimType === "institutional";
  if (!institutional && c.claimType !== "professional") checks.add(ETL_REASONS.INVALID_VALUE, `claimType: ${JSON.stringify(c.claimType)} is neither professional nor institutional`, "claimType");

  if (c.memberId === "") checks.add("REC_MISSING_MEMBER_ID", "member.memberId: empty", "member.memberId");
  else if (c.memberId === null && c.subscriberId === "") checks.add("REC_MISSING_MEMBER_ID", "member.subscriberId: empty (the 837 carries no other member ID)", "member.subscriberId");

  const individualField = institutional ? "providers.attendingNpi" : "providers.renderingNpi";
  const individual = institutional ? c.attendingNpi : c.renderingNpi;
  if (c.billingNpi === "") checks.add("REC_MISSING_NPI", "providers.billingNpi: empty", "providers.billingNpi");
  if (individual === "") checks.add("REC_MISSING_NPI", `${individualField}: empty`, individualField);

  if (c.principal === "") checks.add("REC_MISSING_PRINCIPAL_DX", "diagnoses.principal: empty", "diagnoses.principal");
  else checkDiagnosis(c.principal, "diagnoses.principal", checks, rules.codes);
  if (c.admitting !== "") checkDiagnosis(c.admitting, "diagnoses.admitting", checks, rules.codes);
  c.secondary.forEach((dx, i) => checkDiagnosis(dx, `diagnoses.secondary[${i}]`, checks, rules.codes));

  if (c.lines.length === 0) checks.add(ETL_REASONS.MISSING_FIELD, "lines: the claim has no service line", "lines");
  let sum = 0;
  let sumKnown = true;
  c.lines.forEach((l, i) => {
    const f = `lines[${i}]`;
    if (l.procedureCode === "") {
      if (!institutional) checks.add("REC_UNKNOWN_PROCEDURE", `${f}.procedureCode: empty on a professional line`, `${f}.procedureCode`);
    } else if (!rules.codes.procedures.has(l.procedureCode)) {
      checks.add("REC_UNKNOWN_PROCEDURE", `${f}.procedureCode: ${JSON.stringify(l.procedureCode)} is not in the procedure code list`, `${f}.procedureCode`);
    }
    if (institutional && l.revenueCode === "") checks.add(ETL_REASONS.MISSING_FIELD, `${f}.revenueCode: empty on an institutional line`, `${f}.revenueCode`);
    if (l.serviceDate !== null && l.serviceDate > rules.today) checks.add("REC_FUTURE_SERVICE_DATE", `${f}.serviceDate: ${l.serviceDate} is after ${rules.today}`, `${f}.serviceDate`);
    if (l.chargeCents === null) sumKnown = false;
    else {
      sum += l.chargeCents;
      if (l.chargeCents < 0) checks.add("REC_NEGATIVE_LINE_CHARGE", `${f}.charge: ${dollars(l.chargeCents)} is negative`, `${f}.charge`);
    }
    if (l.units !== null) {
      if (l.units === 0) checks.add("REC_ZERO_UNITS", `${f}.units: zero`, `${f}.units`);
      else if (l.units < 0) checks.add(ETL_REASONS.INVALID_VALUE, `${f}.units: ${l.units} is negative`, `${f}.units`);
    }
    if (c.kind === "encounters" && l.paidCents === undefined) checks.add(ETL_REASONS.MISSING_FIELD, `${f}.paidAmount: missing`, `${f}.paidAmount`);
  });
  for (const [field, day] of [
    ["statementFrom", c.statementFrom],
    ["statementTo", c.statementTo],
  ] as const) {
    if (day !== null && day > rules.today) checks.add("REC_FUTURE_SERVICE_DATE", `${field}: ${day} is after ${rules.today}`, field);
  }
  if (c.admissionDate !== null && c.dischargeDate !== null && c.dischargeDate < c.admissionDate) {
    checks.add("REC_DISCHARGE_BEFORE_ADMISSION", `dischargeDate: ${c.dischargeDate} is before the admission on ${c.admissionDate}`, "dischargeDate");
  } else if (c.admissionDate !== null && c.statementFrom !== null && c.admissionDate > c.statementFrom) {
    // the 837I carries the discharge as the end of the statement period: an admission after the stay began
    // means the dates of the stay were swapped
    checks.add("REC_DISCHARGE_BEFORE_ADMISSION", `admissionDate: ${c.admissionDate} is after the stay began (statement from ${c.statementFrom})`, "admissionDate");
  }
  if (c.totalCents !== null && sumKnown && c.lines.length > 0 && c.totalCents !== sum) {
    checks.add("REC_TOTAL_MISMATCH", `totalCharge: ${dollars(c.totalCents)} differs from the sum of the line charges ${dollars(sum)}`, "totalCharge");
  }
  checkNpi(c.billingNpi, "providers.billingNpi", checks);
  checkNpi(individual, individualField, checks);
  if (c.id !== "") {
    const seen = rules.seenClaim(c.id, contentHash(doc));
    if (seen === "same") checks.add("REC_DUPLICATE_CLAIM", `${idField}: ${c.id} repeats an identical ${c.kind === "encounters" ? "encounter" : "claim"} earlier in the file`, idField);
    else if (seen === "different") checks.add("REC_CONFLICTING_DUPLICATE", `${idField}: ${c.id} was used earlier in the file by different content`, idField);
  }
  if (!institutional) {
    if (!rules.codes.placeOfService.has(c.placeOfService)) checks.add("REC_INVALID_POS", `placeOfService: ${JSON.stringify(c.placeOfService)} is not in the CMS place-of-service list`, "placeOfService");
  } else if (!/^\d{3}$/.test(c.typeOfBill)) {
    checks.add(ETL_REASONS.INVALID_VALUE, `typeOfBill: ${JSON.stringify(c.typeOfBill)} is not three digits`, "typeOfBill");
  }
  if (c.kind === "encounters" && c.paidDate === undefined) checks.add(ETL_REASONS.MISSING_FIELD, "paidDate: missing", "paidDate");
}

/** The outcome of one claim or encounter: its document, or its rejection. */
export function finishClaim(c: ClaimRecord, checks: Checks, rules: RuleContext, meta: RecordMeta): LoadDoc | Rejection {
  const doc = claimDocument(c);
  checkClaim(c, checks, rules, doc);
  if (!checks.ok) return rejection(checks, meta, c.id || undefined);
  const serviceDates = unique([c.statementFrom, c.statementTo, ...c.lines.map((l) => l.serviceDate)]).sort();
  return {
    collection: c.kind,
    key: c.kind === "encounters" ? { encounterId: c.id } : { claimId: c.id },
    doc,
    recordIndex: meta.recordIndex,
    refs: {
      memberIds: unique([c.memberId, c.subscriberId]),
      npis: unique([c.billingNpi, c.claimType === "institutional" ? c.attendingNpi : c.renderingNpi]),
      serviceDates,
    },
  };
}

// --------------------------------------------------------------------------------------------- members

export function memberDocument(m: MemberRecord): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    memberId: m.memberId,
    subscriberId: m.subscriberId,
    relationshipCode: m.relationshipCode,
    name: m.name,
    sex: m.sex,
    birthDate: m.birthDate || null,
    ssn: m.ssn,
  };
  if (m.mbi !== undefined) doc["mbi"] = m.mbi;
  if (m.medicaidId !== undefined) doc["medicaidId"] = m.medicaidId;
  doc["address"] = m.address;
  doc["phone"] = m.phone;
  if (m.email !== undefined) doc["email"] = m.email;
  doc["payer"] = m.payer.class === undefined ? { id: m.payer.id, name: m.payer.name } : { id: m.payer.id, name: m.payer.name, class: m.payer.class };
  doc["plan"] = m.plan.name === undefined ? { id: m.plan.id } : { id: m.plan.id, name: m.plan.name };
  doc["groupNumber"] = m.groupNumber;
  if (m.maintenanceType !== undefined) doc["maintenanceType"] = m.maintenanceType;
  return doc;
}

export function checkMember(m: MemberRecord, checks: Checks): void {
  if (m.memberId === "") checks.add("REC_MISSING_MEMBER_ID", "memberId: empty", "memberId");
  else if (m.memberId === null && m.subscriberId === "") checks.add("REC_MISSING_MEMBER_ID", "subscriberId: empty (the 834 carries no other member ID)", "subscriberId");
  if (m.birthDate === "") checks.add("REC_MISSING_BIRTH_DATE", "birthDate: empty", "birthDate");
  if (m.sex !== "F" && m.sex !== "M" && m.sex !== "U") checks.add("REC_INVALID_SEX", `sex: ${JSON.stringify(m.sex)} is not F, M or U`, "sex");
  if (m.coverage.length === 0) checks.add(ETL_REASONS.MISSING_FIELD, "coverage: the member has no coverage span", "coverage");
  const wellFormed: { i: number; s: Span }[] = [];
  m.coverage.forEach((s, i) => {
    if (s.start === null) return; // empty: recorded by the parser
    if (s.end !== null && s.end < s.start) checks.add("ELIG_SPAN_END_BEFORE_START", `coverage[${i}].end: ${s.end} is before its start ${s.start}`, `coverage[${i}].end`);
    else wellFormed.push({ i, s });
  });
  wellFormed.sort((a, b) => (a.s.start! < b.s.start! ? -1 : a.s.start! > b.s.start! ? 1 : 0));
  for (let k = 1; k < wellFormed.length; k++) {
    const prev = wellFormed[k - 1]!;
    const cur = wellFormed[k]!;
    if (prev.s.end === null || prev.s.end >= cur.s.start!) {
      checks.add("ELIG_OVERLAPPING_SPANS", `coverage[${prev.i}] (${prev.s.start} to ${prev.s.end ?? "open"}) overlaps coverage[${cur.i}] from ${cur.s.start}`, `coverage[${prev.i}].end`);
      break;
    }
  }
}

/** The outcome of one member: a members document and an eligibility document, or a rejection. */
export function finishMember(m: MemberRecord, checks: Checks, meta: RecordMeta): LoadDoc[] | Rejection {
  checkMember(m, checks);
  if (!checks.ok) return rejection(checks, meta, m.memberId || m.subscriberId || undefined);
  const refs = { memberIds: unique([m.memberId, m.subscriberId]), npis: [], serviceDates: [] };
  // an X12 834 dependent has no member ID of its own: keyed by the subscriber's ID and the member's SSN
  const key: Record<string, string> = m.memberId !== null ? { memberId: m.memberId } : { subscriberId: m.subscriberId, ssn: m.ssn };
  const eligibility: Record<string, unknown> = { memberId: m.memberId };
  if (m.memberId === null) {
    eligibility["subscriberId"] = m.subscriberId;
    eligibility["ssn"] = m.ssn;
  }
  eligibility["coverage"] = m.coverage.map((s) => ({ start: s.start, end: s.end, planId: s.planId, coverageLevel: s.coverageLevel }));
  if (m.maintenanceType !== undefined) eligibility["maintenanceType"] = m.maintenanceType;
  return [
    { collection: "members", key, doc: memberDocument(m), recordIndex: meta.recordIndex, refs },
    { collection: "eligibility", key: { ...key }, doc: eligibility, recordIndex: meta.recordIndex, refs: { ...refs, memberIds: [...refs.memberIds] } },
  ];
}

// ------------------------------------------------------------------------------------------- providers

export function providerDocument(p: ProviderRecord): Record<string, unknown> {
  return {
    npi: p.npi,
    entityType: p.entityType,
    taxonomyCode: p.taxonomyCode,
    name: p.name,
    address: p.address,
    phone: p.phone,
    ein: p.ein,
    affiliatedOrganizationNpis: p.affiliatedOrganizationNpis,
  };
}

const ZIP = /^\d{5}(?:-?\d{4})?$/;

export function checkProvider(p: ProviderRecord, checks: Checks, rules: RuleContext): void {
  if (p.npi === "") checks.add("REC_MISSING_NPI", "npi: empty", "npi");
  else {
    checkNpi(p.npi, "npi", checks);
    if (rules.seenNpi(p.npi)) checks.add("PROV_DUPLICATE_NPI", `npi: ${p.npi} was used by an earlier provider in the file`, "npi");
  }
  p.affiliatedOrganizationNpis.forEach((n, i) => checkNpi(n, `affiliatedOrganizationNpis[${i}]`, checks));
  if (p.taxonomyCode === "") checks.add("PROV_MISSING_TAXONOMY", "taxonomyCode: empty", "taxonomyCode");
  if (!US_STATES.has(p.address.state)) checks.add("PROV_INVALID_STATE_ZIP", `address.state: ${JSON.stringify(p.address.state)} is not a US state or territory`, "address.state");
  else if (!ZIP.test(p.address.zip)) checks.add("PROV_INVALID_STATE_ZIP", `address.zip: ${JSON.stringify(p.address.zip)} is not a 5- or 9-digit ZIP code`, "address.zip");
  if (p.entityType !== 1 && p.entityType !== 2) checks.add(ETL_REASONS.INVALID_VALUE, `entityType: ${JSON.stringify(p.entityType)} is neither 1 nor 2`, "entityType");
}

export function finishProvider(p: ProviderRecord, checks: Checks, rules: RuleContext, meta: RecordMeta): LoadDoc | Rejection {
  checkProvider(p, checks, rules);
  if (!checks.ok) return rejection(checks, meta, p.npi || undefined);
  return {
    collection: "providers",
    key: { npi: p.npi },
    doc: providerDocument(p),
    recordIndex: meta.recordIndex,
    refs: { memberIds: [], npis: [p.npi], serviceDates: [] },
  };
}

/** A rejection for a record that cannot be parsed at all (NDJSON_NOT_JSON) or sits in a rejected transaction set. */
export function plainRejection(reason: string, message: string, meta: RecordMeta, extra: { recordId?: string; field?: string } = {}): Rejection {
  const r: Rejection = { reason, message, recordIndex: meta.recordIndex };
  if (extra.recordId) r.recordId = extra.recordId;
  if (meta.line !== undefined) r.line = meta.line;
  if (meta.segment !== undefined) r.segment = meta.segment;
  if (extra.field !== undefined) r.field = extra.field;
  return r;
}
