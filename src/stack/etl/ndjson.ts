/**
 * NDJSON in both passes: one document per non-blank line. Pass 1 counts records, finds the kind from
 * the first parseable document and checks that the file ends with a line feed; pass 2 parses each
 * line (NDJSON_NOT_JSON for a line that is not a JSON object) and re-shapes it through the same
 * normalised records as CSV and X12, so that a document is checked and built the same way.
 */
import { ETL_REASONS } from "./codes.js";
import { LineSplitter, type LineEnding } from "./lines.js";
import { finishClaim, finishMember, finishProvider, plainRejection, type ClaimRecord, type LineRecord, type MemberRecord, type ProviderRecord, type RuleContext, type Span } from "./records.js";
import { fail } from "./source.js";
import type { DetectedFormat, LoadDoc, Rejection } from "./types.js";
import { Checks, centsOfNumber, parseDate } from "./values.js";

type Kind = DetectedFormat["kind"];
type Obj = Record<string, unknown>;

/** The kind of a document by its keys. */
export function kindOfDocument(doc: Obj): Kind | undefined {
  if ("claimId" in doc) return "claims";
  if ("encounterId" in doc) return "encounters";
  if ("memberId" in doc && "coverage" in doc) return "eligibility";
  if ("npi" in doc && "entityType" in doc) return "providers";
  return undefined;
}

function parseObject(text: string): Obj | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `a JSON ${Array.isArray(value) ? "array" : value === null ? "null" : typeof value}, not an object`;
  return value as Obj;
}

/** How many lines pass 1 parses, at most, to find the kind. */
const KIND_PROBE_LINES = 1000;

export interface NdjsonScannerOptions {
  maxLineBytes: number;
  /** The kind from the object name, when the content does not tell. */
  kindHint?: Kind;
  /** Pass 2; the kind pass 1 found. */
  extract?: { rules: RuleContext; out: (LoadDoc | Rejection)[]; kind: Kind };
}

export class NdjsonScanner {
  kind: Kind | undefined;
  records = 0;
  private readonly splitter: LineSplitter;
  private probed = 0;

  constructor(private readonly options: NdjsonScannerOptions) {
    this.splitter = new LineSplitter(options.maxLineBytes);
    this.kind = options.extract?.kind;
  }

  get mixedLineEndings(): boolean {
    return this.splitter.mixedEndings;
  }

  push(chunk: string): void {
    this.splitter.push(chunk, (text, line, ending) => this.line(text, line, ending));
  }

  end(): void {
    this.splitter.end((text, line, ending) => this.line(text, line, ending));
    if (this.kind === undefined) {
      this.kind = this.options.kindHint;
      if (this.kind === undefined && this.records > 0) fail(ETL_REASONS.UNRECOGNISED_FORMAT, "no line is a document of a known kind (claims, encounters, eligibility, providers)");
      if (this.kind === undefined) fail("FILE_EMPTY", "the file holds only blank lines");
    }
  }

  private line(text: string, line: number, ending: LineEnding): void {
    const trimmed = text.trim();
    if (trimmed === "") return;
    if (ending === 0) fail("FILE_TRUNCATED", `the file ends inside a record: line ${line} has no line end`, { line });
    const recordIndex = this.records++;
    const x = this.options.extract;
    if (!x) {
      if (this.kind === undefined && this.probed < KIND_PROBE_LINES) {
        this.probed++;
        const doc = parseObject(trimmed);
        if (typeof doc !== "string") this.kind = kindOfDocument(doc);
      }
      return;
    }
    const meta = { recordIndex, line };
    const doc = parseObject(trimmed);
    if (typeof doc === "string") {
      x.out.push(plainRejection("NDJSON_NOT_JSON", `line ${line} is not a JSON document: ${doc}`, meta, { field: "line" }));
      return;
    }
    const checks = new Checks();
    const kind = kindOfDocument(doc);
    if (kind !== undefined && kind !== x.kind) checks.add(ETL_REASONS.MIXED_KINDS, `line ${line} holds a ${kind} document in a ${x.kind} file`);
    switch (x.kind) {
      case "claims":
      case "encounters":
        x.out.push(finishClaim(claimFromJson(x.kind, doc, checks), checks, x.rules, meta));
        break;
      case "eligibility": {
        const r = finishMember(memberFromJson(doc, checks), checks, meta);
        if (Array.isArray(r)) x.out.push(...r);
        else x.out.push(r);
        break;
      }
      case "providers":
        x.out.push(finishProvider(providerFromJson(doc, checks), checks, x.rules, meta));
        break;
    }
  }
}

/** Typed reads of JSON values; a wrong type is an ETL_SCHEMA problem and reads as empty. */
class Reader {
  constructor(private readonly checks: Checks) {}

  private wrong(field: string, expected: string, v: unknown): void {
    this.checks.add(ETL_REASONS.SCHEMA, `${field}: expected ${expected}, got ${JSON.stringify(v) ?? typeof v}`, field);
  }

  obj(v: unknown, field: string): Obj {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Obj;
    this.wrong(field, "an object", v);
    return {};
  }

  /** A string; null or missing reads as "" (an empty field). */
  str(v: unknown, field: string): string {
    if (typeof v === "string") return v;
    if (v === null || v === undefined) return "";
    this.wrong(field, "a string", v);
    return "";
  }

  /** A string or null. */
  nstr(v: unknown, field: string): string | null {
    if (v === null || v === undefined) return null;
    return this.str(v, field);
  }

  strings(v: unknown, field: string): string[] {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) {
      this.wrong(field, "an array", v);
      return [];
    }
    return v.map((x, i) => this.str(x, `${field}[${i}]`));
  }

  array(v: unknown, field: string): unknown[] {
    if (Array.isArray(v)) return v;
    if (v === null || v === undefined) {
      this.checks.add(ETL_REASONS.MISSING_FIELD, `${field}: missing`, field);
      return [];
    }
    this.wrong(field, "an array", v);
    return [];
  }

  num(v: unknown, field: string): number | null {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (v === null || v === undefined) this.checks.add(ETL_REASONS.MISSING_FIELD, `${field}: missing`, field);
    else this.wrong(field, "a number", v);
    return null;
  }

  /** A YYYY-MM-DD date; null when missing (recorded when required). */
  date(v: unknown, field: string, required: boolean): string | null {
    if (v === null || v === undefined || v === "") {
      if (required) this.checks.add(ETL_REASONS.MISSING_FIELD, `${field}: missing`, field);
      return null;
    }
    if (typeof v !== "string") {
      this.checks.add("REC_WRONG_DATE_FORMAT", `${field}: ${JSON.stringify(v)} is not a YYYY-MM-DD string`, field);
      return null;
    }
    return parseDate(v, "iso", field, this.checks);
  }
}

function claimFromJson(kind: "claims" | "encounters", d: Obj, checks: Checks): ClaimRecord {
  const r = new Reader(checks);
  const encounter = kind === "encounters";
  const member = r.obj(d["member"], "member");
  const providers = r.obj(d["providers"], "providers");
  const dx = r.obj(d["diagnoses"], "diagnoses");
  const lines: LineRecord[] = r.array(d["lines"], "lines").map((v, i) => {
    const f = `lines[${i}]`;
    const l = r.obj(v, f);
    const line: LineRecord = {
      lineNumber: r.num(l["lineNumber"], `${f}.lineNumber`),
      procedureCode: r.str(l["procedureCode"], `${f}.procedureCode`),
      modifiers: r.strings(l["modifiers"], `${f}.modifiers`),
      units: r.num(l["units"], `${f}.units`),
      chargeCents: centsOfNumber(l["charge"], `${f}.charge`, checks),
      serviceDate: r.date(l["serviceDate"], `${f}.serviceDate`, true),
      revenueCode: r.str(l["revenueCode"], `${f}.revenueCode`),
    };
    if (encounter) line.paidCents = centsOfNumber(l["paidAmount"], `${f}.paidAmount`, checks);
    return line;
  });
  const memberId = member["memberId"];
  const c: ClaimRecord = {
    kind,
    id: r.str(d[encounter ? "encounterId" : "claimId"], encounter ? "encounterId" : "claimId"),
    claimType: r.str(d["claimType"], "claimType"),
    frequencyCode: r.str(d["frequencyCode"], "frequencyCode"),
    memberId: r.str(memberId, "member.memberId"),
    subscriberId: r.str(member["subscriberId"], "member.subscriberId"),
    relationshipCode: r.str(member["relationshipCode"], "member.relationshipCode"),
    payerId: r.str(d["payerId"], "payerId"),
    planId: r.str(d["planId"], "planId"),
    billingNpi: r.str(providers["billingNpi"], "providers.billingNpi"),
    renderingNpi: r.str(providers["renderingNpi"], "providers.renderingNpi"),
    attendingNpi: r.str(providers["attendingNpi"], "providers.attendingNpi"),
    placeOfService: r.str(d["placeOfService"], "placeOfService"),
    typeOfBill: r.str(d["typeOfBill"], "typeOfBill"),
    admissionDate: r.date(d["admissionDate"], "admissionDate", false),
    dischargeDate: r.date(d["dischargeDate"], "dischargeDate", false),
    statementFrom: r.date(d["statementFrom"], "statementFrom", true),
    statementTo: r.date(d["statementTo"], "statementTo", true),
    principal: r.str(dx["principal"], "diagnoses.principal"),
    admitting: r.str(dx["admitting"], "diagnoses.admitting"),
    secondary: r.strings(dx["secondary"], "diagnoses.secondary"),
    totalCents: centsOfNumber(d["totalCharge"], "totalCharge", checks),
    lines,
  };
  if (encounter) {
    c.encounterType = r.str(d["encounterType"], "encounterType");
    c.paidCents = centsOfNumber(d["paidAmount"], "paidAmount", checks);
    c.paidDate = r.date(d["paidDate"], "paidDate", true);
  }
  return c;
}

function memberFromJson(d: Obj, checks: Checks): MemberRecord {
  const r = new Reader(checks);
  const name = r.obj(d["name"], "name");
  const address = r.obj(d["address"], "address");
  const payer = r.obj(d["payer"], "payer");
  const plan = r.obj(d["plan"], "plan");
  const coverage: Span[] = r.array(d["coverage"], "coverage").map((v, i) => {
    const s = r.obj(v, `coverage[${i}]`);
    return {
      start: r.date(s["start"], `coverage[${i}].start`, true),
      end: r.date(s["end"], `coverage[${i}].end`, false),
      planId: r.str(s["planId"], `coverage[${i}].planId`),
      coverageLevel: r.str(s["coverageLevel"], `coverage[${i}].coverageLevel`),
    };
  });
  const birth = d["birthDate"];
  return {
    memberId: r.str(d["memberId"], "memberId"),
    subscriberId: r.str(d["subscriberId"], "subscriberId"),
    relationshipCode: r.str(d["relationshipCode"], "relationshipCode"),
    name: { first: r.str(name["first"], "name.first"), middleInitial: r.str(name["middleInitial"], "name.middleInitial"), last: r.str(name["last"], "name.last") },
    sex: r.str(d["sex"], "sex"),
    birthDate: birth === "" || birth === null || birth === undefined ? "" : r.date(birth, "birthDate", false),
    ssn: r.str(d["ssn"], "ssn"),
    mbi: r.nstr(d["mbi"], "mbi"),
    medicaidId: r.nstr(d["medicaidId"], "medicaidId"),
    address: {
      line1: r.str(address["line1"], "address.line1"),
      line2: r.str(address["line2"], "address.line2"),
      city: r.str(address["city"], "address.city"),
      state: r.str(address["state"], "address.state"),
      zip: r.str(address["zip"], "address.zip"),
    },
    phone: r.str(d["phone"], "phone"),
    email: r.str(d["email"], "email"),
    payer: { id: r.str(payer["id"], "payer.id"), name: r.str(payer["name"], "payer.name"), class: r.str(payer["class"], "payer.class") },
    plan: { id: r.str(plan["id"], "plan.id"), name: r.str(plan["name"], "plan.name") },
    groupNumber: r.str(d["groupNumber"], "groupNumber"),
    coverage,
  };
}

function providerFromJson(d: Obj, checks: Checks): ProviderRecord {
  const r = new Reader(checks);
  const entityType = d["entityType"];
  const type = entityType === 1 || entityType === 2 ? entityType : null;
  if (type === null) checks.add(ETL_REASONS.INVALID_VALUE, `entityType: ${JSON.stringify(entityType)} is neither 1 nor 2`, "entityType");
  const name = r.obj(d["name"], "name");
  const address = r.obj(d["address"], "address");
  return {
    npi: r.str(d["npi"], "npi"),
    entityType: type,
    taxonomyCode: r.str(d["taxonomyCode"], "taxonomyCode"),
    name:
      type === 2
        ? { organization: r.str(name["organization"], "name.organization") }
        : { first: r.str(name["first"], "name.first"), last: r.str(name["last"], "name.last"), credential: r.str(name["credential"], "name.credential") },
    address: {
      line1: r.str(address["line1"], "address.line1"),
      line2: r.str(address["line2"], "address.line2"),
      city: r.str(address["city"], "address.city"),
      state: r.str(address["state"], "address.state"),
      zip: r.str(address["zip"], "address.zip"),
    },
    phone: r.str(d["phone"], "phone"),
    ein: r.nstr(d["ein"], "ein"),
    affiliatedOrganizationNpis: r.strings(d["affiliatedOrganizationNpis"], "affiliatedOrganizationNpis"),
  };
}
