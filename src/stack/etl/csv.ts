/**
 * CSV (RFC 4180) in both passes: header recognition (the kind from the column names), row shape checks
 * (file-level CSV_* failures), grouping of rows into records (claims: consecutive rows of one claim ID
 * with rising line numbers; eligibility: of one member ID with rising span numbers; providers: one row
 * each) and, in pass 2, records into documents.
 */
import { ETL_REASONS } from "./codes.js";
import { LineSplitter, type LineEnding } from "./lines.js";
import { finishClaim, finishMember, finishProvider, type ClaimRecord, type LineRecord, type MemberRecord, type ProviderRecord, type RuleContext, type Span } from "./records.js";
import { fail } from "./source.js";
import type { DetectedFormat, LoadDoc, Rejection } from "./types.js";
import { Checks, parseCents, parseDate, parseNumber } from "./values.js";

type Kind = DetectedFormat["kind"];

const CLAIM_HEAD = [
  "claim_type", "frequency_code", "member_id", "subscriber_id", "relationship_code", "payer_id", "plan_id",
  "billing_npi", "rendering_npi", "attending_npi", "place_of_service", "type_of_bill", "admission_date", "discharge_date",
  "statement_from", "statement_to", "principal_dx", "admitting_dx", "secondary_dx", "total_charge",
];
const CLAIM_LINE = ["line_number", "procedure_code", "modifiers", "units", "line_charge", "service_date", "revenue_code"];
const MEMBER_HEAD = [
  "member_id", "subscriber_id", "relationship_code", "first_name", "middle_initial", "last_name", "sex", "birth_date",
  "ssn", "mbi", "medicaid_id", "address_line1", "address_line2", "city", "state", "zip", "phone", "email",
  "payer_id", "payer_name", "payer_class", "group_number",
];
const MEMBER_SPAN = ["span_number", "plan_id", "coverage_level", "coverage_start", "coverage_end"];

/** The columns of each kind (the layouts of README "File layouts"); order does not matter to the reader. */
export const CSV_LAYOUTS: Readonly<Record<Kind, readonly string[]>> = {
  claims: ["claim_id", ...CLAIM_HEAD, ...CLAIM_LINE],
  encounters: ["encounter_id", ...CLAIM_HEAD, ...CLAIM_LINE, "encounter_type", "paid_amount", "paid_date", "line_paid_amount"],
  eligibility: [...MEMBER_HEAD, ...MEMBER_SPAN],
  providers: [
    "npi", "entity_type", "taxonomy_code", "last_or_org_name", "first_name", "credential", "address_line1", "address_line2",
    "city", "state", "zip", "phone", "ein", "affiliated_org_npis",
  ],
};

/** Record-level columns: every row of one record must agree on them. */
const RECORD_COLUMNS: Readonly<Record<Kind, readonly string[]>> = {
  claims: ["claim_id", ...CLAIM_HEAD],
  encounters: ["encounter_id", ...CLAIM_HEAD, "encounter_type", "paid_amount", "paid_date"],
  eligibility: MEMBER_HEAD,
  providers: [],
};

/** The record key and row sequence columns of a kind. */
const GROUPING: Readonly<Record<Kind, [id: string, seq: string] | null>> = {
  claims: ["claim_id", "line_number"],
  encounters: ["encounter_id", "line_number"],
  eligibility: ["member_id", "span_number"],
  providers: null,
};

const KINDS: readonly Kind[] = ["claims", "encounters", "eligibility", "providers"];

/** The kind a header names, by its distinctive columns, else by the best overlap (at least half). */
export function kindOfHeader(names: readonly string[]): Kind | undefined {
  const has = new Set(names);
  if (has.has("claim_id")) return "claims";
  if (has.has("encounter_id")) return "encounters";
  if (has.has("member_id") && has.has("coverage_start")) return "eligibility";
  if (has.has("npi") && has.has("entity_type")) return "providers";
  let best: Kind | undefined;
  let bestShare = 0.5;
  for (const k of KINDS) {
    const cols = CSV_LAYOUTS[k];
    const share = cols.filter((c) => has.has(c)).length / cols.length;
    if (share >= bestShare) {
      best = k;
      bestShare = share;
    }
  }
  return best;
}

function unbalanced(line: number, message: string): never {
  return fail("CSV_UNBALANCED_QUOTE", `line ${line}: ${message}`, { line });
}

/** Fields of one complete record text with quotes (an even number of them). */
function parseQuoted(text: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = "";
      let j = i + 1;
      for (;;) {
        const k = text.indexOf('"', j);
        if (k < 0) unbalanced(line, "a quoted field never closes");
        value += text.slice(j, k);
        if (text.charCodeAt(k + 1) === 34) {
          value += '"';
          j = k + 2;
          continue;
        }
        i = k + 1;
        break;
      }
      fields.push(value);
      if (i >= n) return fields;
      if (text.charCodeAt(i) !== 44) unbalanced(line, "characters follow a closing quote");
      i++;
      if (i >= n) {
        fields.push("");
        return fields;
      }
    } else {
      const k = text.indexOf(",", i);
      const value = k < 0 ? text.slice(i) : text.slice(i, k);
      if (value.includes('"')) unbalanced(line, "a quote inside an unquoted field");
      fields.push(value);
      if (k < 0) return fields;
      i = k + 1;
      if (i >= n) {
        fields.push("");
        return fields;
      }
    }
  }
}

/** Cents of a CSV amount, NaN when it is not one (comparisons with NaN are false). */
function cents(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return NaN;
  const v = Number(m[2]) * 100 + Number(((m[3] ?? "") + "00").slice(0, 2));
  return m[1] === "-" ? -v : v;
}

function countQuotes(text: string): number {
  let n = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) n++;
  return n;
}

/** The most rows and text one record may hold in memory. */
const MAX_RECORD_ROWS = 100_000;

export interface CsvScannerOptions {
  name: string;
  maxLineBytes: number;
  /** Pass 2: where documents and rejections go; pass 1 leaves it out. */
  extract?: { rules: RuleContext; out: (LoadDoc | Rejection)[] };
}

export class CsvScanner {
  kind: Kind | undefined;
  records = 0;
  private readonly splitter: LineSplitter;
  private columns: string[] | undefined;
  private index = new Map<string, number>();
  private pending: string | null = null;
  private pendingLine = 0;
  private pendingQuotes = 0;
  // grouping
  private idCol = -1;
  private seqCol = -1;
  private groupId: string | null = null;
  private groupSeq = NaN;
  private groupRows: string[][] = [];
  private groupChars = 0;
  private groupLine = 0;
  // claims: the total and the sum of the lines of the current claim, in cents (NaN when unparseable)
  private totalCol = -1;
  private chargeCol = -1;
  private groupTotal = NaN;
  private groupSum = 0;

  constructor(private readonly options: CsvScannerOptions) {
    this.splitter = new LineSplitter(options.maxLineBytes);
  }

  get mixedLineEndings(): boolean {
    return this.splitter.mixedEndings;
  }

  push(chunk: string): void {
    this.splitter.push(chunk, (text, line, ending) => this.line(text, line, ending));
  }

  end(): void {
    this.splitter.end((text, line, ending) => this.line(text, line, ending));
    if (this.pending !== null) unbalanced(this.pendingLine, "a quoted field opens and never closes before the end of the file");
    if (!this.columns) fail("FILE_EMPTY", "the file holds only blank lines");
    if (this.groupId !== null && this.totalCol >= 0 && this.groupSum < this.groupTotal) {
      // One row per service line: a file cut at a row boundary leaves a last claim whose lines fall short
      // of its total. (A last claim whose total is wrong the same way is indistinguishable, and rejects the file.)
      fail(
        "FILE_TRUNCATED",
        `the file ends inside the claim starting at line ${this.groupLine}: its lines sum to ${this.groupSum / 100}, less than its total ${this.groupTotal / 100}`,
        { line: this.groupLine },
      );
    }
    this.flushGroup();
  }

  private line(text: string, line: number, ending: LineEnding): void {
    if (ending === 0 && text.trim() !== "") {
      fail("FILE_TRUNCATED", `the file ends inside a record: line ${line} has no line end`, { line });
    }
    let record: string;
    let start: number;
    if (this.pending !== null) {
      this.pending += "\n" + text;
      this.pendingQuotes += countQuotes(text);
      if (this.pending.length > this.options.maxLineBytes) unbalanced(this.pendingLine, `a quoted field runs over ${this.options.maxLineBytes} bytes (a quote that never closes?)`);
      if (this.pendingQuotes % 2 === 1) return;
      record = this.pending;
      start = this.pendingLine;
      this.pending = null;
    } else {
      if (text.trim() === "") return; // blank lines carry no record
      const quotes = text.indexOf('"') < 0 ? 0 : countQuotes(text);
      if (quotes % 2 === 1) {
        this.pending = text;
        this.pendingLine = line;
        this.pendingQuotes = quotes;
        return;
      }
      record = text;
      start = line;
    }
    const fields = record.indexOf('"') < 0 ? record.split(",") : parseQuoted(record, start);
    if (!this.columns) this.header(fields, record, start);
    else this.row(fields, start);
  }

  private header(fields: string[], text: string, line: number): void {
    const names = fields.map((f) => f.trim().toLowerCase());
    const kind = kindOfHeader(names);
    if (!kind) {
      for (const d of [";", "\t", "|"]) {
        if (!text.includes(d)) continue;
        const k = kindOfHeader(text.split(d).map((f) => f.trim().replace(/^"|"$/g, "").toLowerCase()));
        if (k) {
          this.kind = k;
          fail("CSV_WRONG_DELIMITER", `the header separates its fields with ${JSON.stringify(d)}, not commas`, { line });
        }
      }
      const byWidth = KINDS.find((k) => CSV_LAYOUTS[k].length === fields.length);
      if (byWidth || (fields.length >= 3 && /\.csv(\.gz)?$/i.test(this.options.name))) {
        this.kind = byWidth;
        fail("CSV_MISSING_HEADER", `the first row names none of the columns of claims, encounters, eligibility or providers (${fields.length} fields: a data row?)`, { line });
      }
      fail(ETL_REASONS.UNRECOGNISED_FORMAT, "neither an X12 interchange, NDJSON, nor a CSV file with a known header");
    }
    this.kind = kind;
    const expected = CSV_LAYOUTS[kind];
    const missing = expected.filter((c) => !names.includes(c));
    if (missing.length > 0) fail("CSV_MISSING_COLUMN", `the header lacks the ${kind} column(s) ${missing.join(", ")}`, { line });
    const extra = names.filter((n, i) => !expected.includes(n) || names.indexOf(n) !== i);
    if (extra.length > 0) fail("CSV_EXTRA_COLUMN", `the header has unknown or repeated column(s) ${extra.join(", ")}`, { line });
    this.columns = names;
    names.forEach((n, i) => this.index.set(n, i));
    const g = GROUPING[kind];
    if (g) {
      this.idCol = this.index.get(g[0])!;
      this.seqCol = this.index.get(g[1])!;
    }
    if (kind === "claims" || kind === "encounters") {
      this.totalCol = this.index.get("total_charge")!;
      this.chargeCol = this.index.get("line_charge")!;
    }
  }

  private row(fields: string[], line: number): void {
    const width = this.columns!.length;
    if (fields.length > width) fail("CSV_EXTRA_COLUMN", `line ${line} has ${fields.length} fields, the header ${width}`, { line });
    if (fields.length < width) fail("CSV_MISSING_COLUMN", `line ${line} has ${fields.length} fields, the header ${width}`, { line });
    if (this.idCol < 0) {
      // providers: one row, one record
      this.records++;
      if (this.options.extract) this.finish([fields], line);
      return;
    }
    const id = fields[this.idCol]!;
    const seqText = fields[this.seqCol]!;
    const seq = /^\d+$/.test(seqText) ? Number(seqText) : NaN;
    const continues = this.groupId !== null && id === this.groupId && seq > this.groupSeq;
    if (!continues) {
      this.flushGroup();
      this.records++;
      this.groupId = id;
      this.groupLine = line;
      this.groupChars = 0;
      if (this.totalCol >= 0) {
        this.groupTotal = cents(fields[this.totalCol]!);
        this.groupSum = 0;
      }
    }
    this.groupSeq = seq;
    if (this.chargeCol >= 0) this.groupSum += cents(fields[this.chargeCol]!);
    if (this.options.extract) {
      this.groupRows.push(fields);
      for (const f of fields) this.groupChars += f.length;
      if (this.groupRows.length > MAX_RECORD_ROWS || this.groupChars > 4 * this.options.maxLineBytes) {
        fail(ETL_REASONS.RECORD_TOO_LARGE, `the record starting at line ${this.groupLine} has more rows or text than the ETL holds`, { line: this.groupLine });
      }
    }
  }

  private flushGroup(): void {
    if (this.groupId === null) return;
    const rows = this.groupRows;
    this.groupRows = [];
    this.groupId = null;
    if (this.options.extract && rows.length > 0) this.finish(rows, this.groupLine);
  }

  /** Pass 2: one record's rows into its documents or its rejection. */
  private finish(rows: string[][], line: number): void {
    const x = this.options.extract!;
    const meta = { recordIndex: this.records - 1, line };
    const checks = new Checks();
    const col = (row: string[], name: string): string => row[this.index.get(name)!]!;
    const kind = this.kind!;
    for (const c of RECORD_COLUMNS[kind]) {
      const first = col(rows[0]!, c);
      if (rows.some((r) => col(r, c) !== first)) {
        checks.add(ETL_REASONS.INCONSISTENT_ROWS, `column ${c} differs between the rows of one record`, c);
        break;
      }
    }
    if (kind === "claims" || kind === "encounters") x.out.push(finishClaim(claimFromRows(kind, rows, col, checks), checks, x.rules, meta));
    else if (kind === "eligibility") {
      const r = finishMember(memberFromRows(rows, col, checks), checks, meta);
      if (Array.isArray(r)) x.out.push(...r);
      else x.out.push(r);
    } else x.out.push(finishProvider(providerFromRow(rows[0]!, col, checks), checks, x.rules, meta));
  }
}

type Col = (row: string[], name: string) => string;

function requiredDate(text: string, field: string, checks: Checks): string | null {
  if (text === "") {
    checks.add(ETL_REASONS.MISSING_FIELD, `${field}: empty`, field);
    return null;
  }
  return parseDate(text, "iso", field, checks);
}

function list(text: string): string[] {
  return text === "" ? [] : text.split("|");
}

function claimFromRows(kind: "claims" | "encounters", rows: string[][], col: Col, checks: Checks): ClaimRecord {
  const h = rows[0]!;
  const encounter = kind === "encounters";
  const lines: LineRecord[] = rows.map((r, i) => {
    const f = `lines[${i}]`;
    const line: LineRecord = {
      lineNumber: parseNumber(col(r, "line_number"), `${f}.lineNumber`, checks),
      procedureCode: col(r, "procedure_code"),
      modifiers: list(col(r, "modifiers")),
      units: parseNumber(col(r, "units"), `${f}.units`, checks),
      chargeCents: parseCents(col(r, "line_charge"), `${f}.charge`, checks),
      serviceDate: requiredDate(col(r, "service_date"), `${f}.serviceDate`, checks),
      revenueCode: col(r, "revenue_code"),
    };
    if (encounter) line.paidCents = parseCents(col(r, "line_paid_amount"), `${f}.paidAmount`, checks);
    return line;
  });
  const optionalDate = (name: string, field: string): string | null => (col(h, name) === "" ? null : parseDate(col(h, name), "iso", field, checks));
  const c: ClaimRecord = {
    kind,
    id: col(h, encounter ? "encounter_id" : "claim_id"),
    claimType: col(h, "claim_type"),
    frequencyCode: col(h, "frequency_code"),
    memberId: col(h, "member_id"),
    subscriberId: col(h, "subscriber_id"),
    relationshipCode: col(h, "relationship_code"),
    payerId: col(h, "payer_id"),
    planId: col(h, "plan_id"),
    billingNpi: col(h, "billing_npi"),
    renderingNpi: col(h, "rendering_npi"),
    attendingNpi: col(h, "attending_npi"),
    placeOfService: col(h, "place_of_service"),
    typeOfBill: col(h, "type_of_bill"),
    admissionDate: optionalDate("admission_date", "admissionDate"),
    dischargeDate: optionalDate("discharge_date", "dischargeDate"),
    statementFrom: requiredDate(col(h, "statement_from"), "statementFrom", checks),
    statementTo: requiredDate(col(h, "statement_to"), "statementTo", checks),
    principal: col(h, "principal_dx"),
    admitting: col(h, "admitting_dx"),
    secondary: list(col(h, "secondary_dx")),
    totalCents: parseCents(col(h, "total_charge"), "totalCharge", checks),
    lines,
  };
  if (encounter) {
    c.encounterType = col(h, "encounter_type");
    c.paidCents = parseCents(col(h, "paid_amount"), "paidAmount", checks);
    c.paidDate = requiredDate(col(h, "paid_date"), "paidDate", checks);
  }
  return c;
}

function memberFromRows(rows: string[][], col: Col, checks: Checks): MemberRecord {
  const h = rows[0]!;
  const birth = col(h, "birth_date");
  const coverage: Span[] = rows.map((r, i) => {
    const end = col(r, "coverage_end");
    return {
      start: requiredDate(col(r, "coverage_start"), `coverage[${i}].start`, checks),
      end: end === "" ? null : parseDate(end, "iso", `coverage[${i}].end`, checks),
      planId: col(r, "plan_id"),
      coverageLevel: col(r, "coverage_level"),
    };
  });
  const nullable = (name: string): string | null => (col(h, name) === "" ? null : col(h, name));
  return {
    memberId: col(h, "member_id"),
    subscriberId: col(h, "subscriber_id"),
    relationshipCode: col(h, "relationship_code"),
    name: { first: col(h, "first_name"), middleInitial: col(h, "middle_initial"), last: col(h, "last_name") },
    sex: col(h, "sex"),
    birthDate: birth === "" ? "" : parseDate(birth, "iso", "birthDate", checks),
    ssn: col(h, "ssn"),
    mbi: nullable("mbi"),
    medicaidId: nullable("medicaid_id"),
    address: { line1: col(h, "address_line1"), line2: col(h, "address_line2"), city: col(h, "city"), state: col(h, "state"), zip: col(h, "zip") },
    phone: col(h, "phone"),
    email: col(h, "email"),
    payer: { id: col(h, "payer_id"), name: col(h, "payer_name"), class: col(h, "payer_class") },
    // the member's plan is the plan of the latest span (the last row)
    plan: { id: col(rows[rows.length - 1]!, "plan_id") },
    groupNumber: col(h, "group_number"),
    coverage,
  };
}

function providerFromRow(r: string[], col: Col, checks: Checks): ProviderRecord {
  const typeText = col(r, "entity_type");
  const entityType = typeText === "1" ? 1 : typeText === "2" ? 2 : null;
  if (entityType === null) checks.add(ETL_REASONS.INVALID_VALUE, `entityType: ${JSON.stringify(typeText)} is neither 1 nor 2`, "entityType");
  const ein = col(r, "ein");
  return {
    npi: col(r, "npi"),
    entityType,
    taxonomyCode: col(r, "taxonomy_code"),
    name: entityType === 2 ? { organization: col(r, "last_or_org_name") } : { first: col(r, "first_name"), last: col(r, "last_or_org_name"), credential: col(r, "credential") },
    address: { line1: col(r, "address_line1"), line2: col(r, "address_line2"), city: col(r, "city"), state: col(r, "state"), zip: col(r, "zip") },
    phone: col(r, "phone"),
    ein: ein === "" ? null : ein,
    affiliatedOrganizationNpis: list(col(r, "affiliated_org_npis")),
  };
}
