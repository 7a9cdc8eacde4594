/**
 * CSV (RFC 4180): a header row, CRLF-free LF line ends, fields quoted only when they hold a comma,
 * quote or line break. Claims and encounters are one row per service line carrying the header columns;
 * eligibility is one row per coverage span carrying the member columns; providers one row each.
 */
import { formatCents } from "../core/dates.js";
import type { World } from "../core/world.js";
import type { EntityOfKind, Kind } from "../kinds.js";
import type { Claim, Encounter, Member, Provider, ServiceLine } from "../model.js";
import type { FileContext, OutputFormat, RecordWriter } from "./format.js";
import { centsComma, flat, isoDateComma, isoDatePairComma, joinBars, numberComma } from "./text.js";

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const CSV_COLUMNS: Readonly<Record<Kind, readonly string[]>> = {
  eligibility: [
    "member_id", "subscriber_id", "relationship_code", "first_name", "middle_initial", "last_name", "sex", "birth_date",
    "ssn", "mbi", "medicaid_id", "address_line1", "address_line2", "city", "state", "zip", "phone", "email",
    "payer_id", "payer_name", "payer_class", "group_number", "span_number", "plan_id", "coverage_level", "coverage_start", "coverage_end",
  ],
  providers: [
    "npi", "entity_type", "taxonomy_code", "last_or_org_name", "first_name", "credential", "address_line1", "address_line2",
    "city", "state", "zip", "phone", "ein", "affiliated_org_npis",
  ],
  claims: [
    "claim_id", "claim_type", "frequency_code", "member_id", "subscriber_id", "relationship_code", "payer_id", "plan_id",
    "billing_npi", "rendering_npi", "attending_npi", "place_of_service", "type_of_bill", "admission_date", "discharge_date",
    "statement_from", "statement_to", "principal_dx", "admitting_dx", "secondary_dx", "total_charge",
    "line_number", "procedure_code", "modifiers", "units", "line_charge", "service_date", "revenue_code",
  ],
  encounters: [
    "encounter_id", "claim_type", "frequency_code", "member_id", "subscriber_id", "relationship_code", "payer_id", "plan_id",
    "billing_npi", "rendering_npi", "attending_npi", "place_of_service", "type_of_bill", "admission_date", "discharge_date",
    "statement_from", "statement_to", "principal_dx", "admitting_dx", "secondary_dx", "total_charge",
    "line_number", "procedure_code", "modifiers", "units", "line_charge", "service_date", "revenue_code",
    "encounter_type", "paid_amount", "paid_date", "line_paid_amount",
  ],
};

function eligibilityRows(world: World, m: Member): string {
  const a = m.address;
  const payer = m.payer;
  const spans = m.spans;
  let prefix =
    m.memberId + "," + m.subscriberId + ("," + m.relationship + ",") + csvField(m.firstName) + ("," + m.middleInitial + ",") + csvField(m.lastName) + ("," + m.sex + ",") +
    isoDateComma(world, m.birthDate) + (m.ssn + ",") + ((m.mbi ?? "") + ",") + ((m.medicaidId ?? "") + ",") + csvField(a.line1) + ("," + csvField(a.line2) + ",") + csvField(a.city) +
    ("," + a.state + "," + a.zip + ",") + (m.phone + ",") + m.email + ("," + payer.id + ",") + csvField(payer.name) + ("," + payer.class + ",") + (m.groupNumber + ",");
  // the member columns repeat on every span's row: flatten them once
  if (spans.length > 1) prefix = flat(prefix);
  let out = "";
  for (let s = 0; s < spans.length; s++) {
    const span = spans[s]!;
    out += prefix + (numberComma(s + 1) + span.planId + ",") + (span.coverageLevel + ",") + isoDateComma(world, span.start) + (span.end === null ? "\n" : world.dates.isoDate(span.end) + "\n");
  }
  return out;
}

function providerRow(p: Provider): string {
  const a = p.address;
  return (
    `${p.npi},${p.entityType},${p.taxonomy},${csvField(p.lastOrOrgName)},${csvField(p.firstName)},${p.credential},${csvField(a.line1)},` +
    `${csvField(a.line2)},${csvField(a.city)},${a.state},${a.zip},${p.phone},${p.ein ?? ""},${p.affiliations.join("|")}\n`
  );
}

/**
 * The claim columns of a claim or encounter row, with the trailing comma: the same text as the
 * fields joined by commas (null dates empty). Built by `+` with short pieces grouped and dates and
 * amounts from tables (see text.ts).
 */
function claimHeader(world: World, c: Claim, id: string): string {
  // the common shapes (professional: no type of bill, no stay; institutional: no place of service)
  // take fewer pieces; any other record takes the general path, with the same text
  let providers: string;
  if (c.attendingNpi === "") providers = ("," + c.billingNpi + ",") + (c.renderingNpi + ",,");
  else if (c.renderingNpi === "") providers = ("," + c.billingNpi + ",,") + (c.attendingNpi + ",");
  else providers = ("," + c.billingNpi + ",") + (c.renderingNpi + ",") + (c.attendingNpi + ",");
  let place: string;
  if (c.typeOfBill === "" && c.admissionDate === null && c.dischargeDate === null) place = c.placeOfService + ",,,,";
  else {
    place =
      (c.placeOfService + "," + c.typeOfBill + ",") +
      (c.admissionDate === null ? "," : isoDateComma(world, c.admissionDate)) +
      (c.dischargeDate === null ? "," : isoDateComma(world, c.dischargeDate));
  }
  const head =
    id + typeAndFrequency(c.claimType, c.frequencyCode) + c.memberId + "," + c.subscriberId + ("," + c.relationship + "," + c.payerId + ",") + c.planId + providers + place +
    statementDates(world, c.statementFrom, c.statementTo) + (c.principalDiagnosis + "," + c.admittingDiagnosis + ",") + (joinBars(c.secondaryDiagnoses) + ",") +
    centsComma(c.totalChargeCents);
  // repeated on every service line: flatten it once rather than walk it again per line
  return c.lines.length > 1 ? flat(head) : head;
}

/** `,${claimType},${frequencyCode},`, built once per pair (a handful). */
const typeFrequencyTexts: { type: string; frequency: string; text: string }[] = [];

function typeAndFrequency(type: string, frequency: string): string {
  for (let i = 0; i < typeFrequencyTexts.length; i++) {
    const e = typeFrequencyTexts[i]!;
    if (e.type === type && e.frequency === frequency) return e.text;
  }
  const text = flat("," + type + "," + frequency + ",");
  if (typeFrequencyTexts.length >= 16) typeFrequencyTexts.length = 0;
  typeFrequencyTexts.push({ type, frequency, text });
  return text;
}

/** `${from},${to},` as ISO dates; a one-day statement from a table. */
function statementDates(world: World, from: number, to: number): string {
  return from === to ? isoDatePairComma(world, from) : isoDateComma(world, from) + isoDateComma(world, to);
}

/** The service-line columns of a row, with the trailing comma before the revenue code. */
function lineColumns(world: World, l: ServiceLine): string {
  return numberComma(l.lineNumber) + (l.procedureCode + ",") + (joinBars(l.modifiers) + ",") + numberComma(l.units) + centsComma(l.chargeCents) + isoDateComma(world, l.serviceDate);
}

function claimRows(world: World, c: Claim): string {
  const head = claimHeader(world, c, c.claimId);
  const lines = c.lines;
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as ServiceLine;
    out += head + lineColumns(world, l) + (l.revenueCode + "\n");
  }
  return out;
}

function encounterRows(world: World, e: Encounter): string {
  const head = claimHeader(world, e, e.encounterId);
  const tail = flat("," + e.encounterType + "," + centsComma(e.paidCents) + isoDateComma(world, e.paidDate));
  const lines = e.lines;
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as ServiceLine;
    out += head + lineColumns(world, l) + l.revenueCode + tail + (formatCents(l.paidCents) + "\n");
  }
  return out;
}

type RowWriter<K extends Kind> = (world: World, record: EntityOfKind[K]) => string;

const ROWS: { [K in Kind]: RowWriter<K> } = {
  eligibility: eligibilityRows,
  providers: (_world, p) => providerRow(p),
  claims: claimRows,
  encounters: encounterRows,
};

export const csvFormat: OutputFormat = {
  name: "csv",
  extension: "csv",
  kinds: ["claims", "encounters", "eligibility", "providers"],
  open<K extends Kind>(ctx: FileContext & { kind: K }): RecordWriter<EntityOfKind[K]> {
    const rows = ROWS[ctx.kind] as RowWriter<K>;
    const countsLines = ctx.kind === "claims" || ctx.kind === "encounters";
    let lines = 0;
    return {
      begin: () => CSV_COLUMNS[ctx.kind].join(",") + "\n",
      accepts: () => true,
      write(record) {
        if (countsLines) lines += (record as Claim).lines.length;
        // one flat string per record: V8 flattens a file chunk of flat records far faster than one of ropes
        return flat(rows(ctx.world, record));
      },
      end: () => "",
      get lines() {
        return lines;
      },
    };
  },
};
