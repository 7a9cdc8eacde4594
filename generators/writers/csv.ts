/**
 * CSV (RFC 4180): a header row, CRLF-free LF line ends, fields quoted only when they hold a comma,
 * quote or line break. Claims and encounters are one row per service line carrying the header columns;
 * eligibility is one row per coverage span carrying the member columns; providers one row each.
 */
import { formatCents } from "../core/dates.js";
import type { World } from "../core/world.js";
import type { EntityOfKind, Kind } from "../kinds.js";
import type { Claim, Encounter, Member, Provider } from "../model.js";
import type { FileContext, OutputFormat, RecordWriter } from "./format.js";

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

function optionalDate(world: World, day: number | null): string {
  return day === null ? "" : world.dates.isoDate(day);
}

function eligibilityRows(world: World, m: Member): string {
  const d = world.dates;
  const a = m.address;
  const prefix =
    `${m.memberId},${m.subscriberId},${m.relationship},${csvField(m.firstName)},${m.middleInitial},${csvField(m.lastName)},${m.sex},` +
    `${d.isoDate(m.birthDate)},${m.ssn},${m.mbi ?? ""},${m.medicaidId ?? ""},${csvField(a.line1)},${csvField(a.line2)},${csvField(a.city)},` +
    `${a.state},${a.zip},${m.phone},${m.email},${m.payer.id},${csvField(m.payer.name)},${m.payer.class},${m.groupNumber},`;
  let out = "";
  for (let s = 0; s < m.spans.length; s++) {
    const span = m.spans[s]!;
    out += `${prefix}${s + 1},${span.planId},${span.coverageLevel},${d.isoDate(span.start)},${optionalDate(world, span.end)}\n`;
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

// Rows are built with Array#join, which yields flat strings; long template chains build ropes that cost more to write out.
function claimHeader(world: World, c: Claim, id: string): string {
  return [
    id, c.claimType, c.frequencyCode, c.memberId, c.subscriberId, c.relationship, c.payerId, c.planId,
    c.billingNpi, c.renderingNpi, c.attendingNpi, c.placeOfService, c.typeOfBill, optionalDate(world, c.admissionDate),
    optionalDate(world, c.dischargeDate), world.dates.isoDate(c.statementFrom), world.dates.isoDate(c.statementTo),
    c.principalDiagnosis, c.admittingDiagnosis, c.secondaryDiagnoses.join("|"), formatCents(c.totalChargeCents), "",
  ].join(",");
}

function claimRows(world: World, c: Claim): string {
  const head = claimHeader(world, c, c.claimId);
  let out = "";
  for (const l of c.lines) {
    out += `${head}${l.lineNumber},${l.procedureCode},${l.modifiers.join("|")},${l.units},${formatCents(l.chargeCents)},${world.dates.isoDate(l.serviceDate)},${l.revenueCode}\n`;
  }
  return out;
}

function encounterRows(world: World, e: Encounter): string {
  const head = claimHeader(world, e, e.encounterId);
  const tail = `${e.encounterType},${formatCents(e.paidCents)},${world.dates.isoDate(e.paidDate)},`;
  let out = "";
  for (const l of e.lines) {
    out += `${head}${l.lineNumber},${l.procedureCode},${l.modifiers.join("|")},${l.units},${formatCents(l.chargeCents)},${world.dates.isoDate(l.serviceDate)},${l.revenueCode},${tail}${formatCents(l.paidCents)}\n`;
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
        return rows(ctx.world, record);
      },
      end: () => "",
      get lines() {
        return lines;
      },
    };
  },
};
