/**
 * CSV files with a header row: hcsynth's layouts (README "File layouts") and a user's own, whose
 * columns are found by name (hcsynth's names and common aliases, in any order). A claim or encounter
 * is the run of rows sharing its ID (claim-level columns repeat on each row), an eligibility member
 * the run of rows sharing the member ID (one row per coverage span), anything else one row.
 */
import type { Kind } from "../../generators/index.js";
import { UserError } from "../cli/errors.js";
import type { Adapter, CorruptFormat, CoverageSpan, FileEdit, LogicalField, Mutation, MutationContext, RecordRef } from "./model.js";
import { mutateView, type RecordView } from "./mutate.js";
import { applySplices, type Splice } from "./text.js";
import { formatMoney, parseDate, parseMoney } from "./values.js";

export interface CsvField {
  start: number;
  end: number;
  /** The field starts with a quote: its value is unescaped from the span. */
  quoted: boolean;
}

/** A field's value (quotes removed, doubled quotes undone). */
export function csvValue(text: string, f: CsvField | undefined): string | undefined {
  if (!f) return undefined;
  if (!f.quoted) return text.slice(f.start, f.end);
  const raw = text.slice(f.start + 1, f.end);
  const close = raw.lastIndexOf('"');
  // lenient: text after the closing quote belongs to the field
  return (close < 0 ? raw : raw.slice(0, close) + raw.slice(close + 1)).replace(/""/g, '"');
}

export interface CsvRow {
  start: number;
  /** Before the row's line terminator. */
  contentEnd: number;
  /** After the row's line terminator. */
  end: number;
  fields: CsvField[];
}

/** Tokenizes CSV from `from`, keeping every field's position (quotes included in its span). */
export function tokenizeCsv(text: string, from: number, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let i = from;
  while (i < text.length) {
    const rowStart = i;
    const fields: CsvField[] = [];
    for (;;) {
      const fieldStart = i;
      const quoted = text[i] === '"';
      if (quoted) {
        i++;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close < 0) throw new UserError(`the input CSV has a quote that never closes (row starting at character ${rowStart})`);
          if (text[close + 1] === '"') {
            i = close + 2;
            continue;
          }
          i = close + 1;
          break;
        }
      }
      // to the delimiter (lenient: text after a closing quote belongs to the field)
      while (i < text.length && text[i] !== delimiter && text[i] !== "\n" && !(text[i] === "\r" && text[i + 1] === "\n")) i++;
      fields.push({ start: fieldStart, end: i, quoted });
      if (i < text.length && text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    const contentEnd = i;
    if (text[i] === "\r" && text[i + 1] === "\n") i += 2;
    else if (text[i] === "\n") i++;
    rows.push({ start: rowStart, contentEnd, end: i, fields });
  }
  return rows;
}

export function csvQuote(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The delimiter of the header line: the most frequent of , ; tab | outside quotes (comma on a tie). */
function detectDelimiter(text: string, from: number): string {
  const nl = text.indexOf("\n", from);
  const line = text.slice(from, nl < 0 ? text.length : nl).replace(/"[^"]*"/g, "");
  let best = ",";
  let count = line.split(",").length - 1;
  for (const d of [";", "\t", "|"]) {
    const n = line.split(d).length - 1;
    if (n > count) {
      best = d;
      count = n;
    }
  }
  return best;
}

/** Header names, normalised: lower case, letters and digits only ("Member ID" → "memberid"). */
const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** hcsynth's column name first, then aliases, for every logical field. */
export const CSV_ALIASES: Readonly<Record<LogicalField, readonly string[]>> = {
  claimId: ["claimid", "encounterid", "claimnumber", "claimno", "claimnbr", "clmid", "encounternumber"],
  memberId: ["memberid", "membernumber", "memberno", "mbrid", "member", "patientid", "patientmemberid", "enrolleeid", "beneficiaryid"],
  subscriberId: ["subscriberid", "subscribernumber", "subscriber", "subscribermemberid"],
  relationship: ["relationshipcode", "relationship", "patientrelationship", "relationshiptosubscriber"],
  billingNpi: ["billingnpi", "billingprovidernpi", "billnpi", "billingprovider"],
  renderingNpi: ["renderingnpi", "renderingprovidernpi", "renderingprovider", "performingnpi", "servicingnpi"],
  attendingNpi: ["attendingnpi", "attendingprovidernpi", "attendingprovider"],
  npi: ["npi", "providernpi", "npinumber"],
  principalDx: ["principaldx", "principaldiagnosis", "principaldiagnosiscode", "primarydx", "primarydiagnosis", "primarydiagnosiscode", "dx1", "diagnosis1", "diagnosiscode1", "icd10", "icd10code", "diagnosiscode", "diagnosis"],
  procedureCode: ["procedurecode", "procedure", "proccode", "cpt", "cptcode", "hcpcs", "hcpcscode", "cpthcpcs", "cpthcpcscode"],
  serviceDate: ["servicedate", "dateofservice", "dos", "linedos", "lineservicedate", "servicelinedate"],
  statementFrom: ["statementfrom", "statementfromdate", "servicefrom", "servicefromdate", "fromdate", "claimfromdate"],
  statementTo: ["statementto", "statementtodate", "servicethrough", "servicethru", "serviceto", "servicetodate", "todate", "throughdate", "claimtodate"],
  admissionDate: ["admissiondate", "admitdate", "admissiondt", "admitdt"],
  dischargeDate: ["dischargedate", "dischargedt"],
  totalCharge: ["totalcharge", "totalcharges", "totalchargeamount", "claimcharge", "claimcharges", "claimtotal", "totalbilled", "totalbilledamount", "billedamount", "totalamount", "claimamount"],
  lineCharge: ["linecharge", "linecharges", "linechargeamount", "lineamount", "linebilled", "charge", "charges", "chargeamount", "lineitemcharge"],
  units: ["units", "unit", "serviceunits", "unitcount", "quantity", "qty", "unitsofservice"],
  placeOfService: ["placeofservice", "placeofservicecode", "pos", "poscode"],
  sex: ["sex", "gender", "sexcode", "gendercode"],
  birthDate: ["birthdate", "dob", "dateofbirth", "birthdt"],
  coverageStart: ["coveragestart", "coveragestartdate", "effectivedate", "effdate", "eligibilitystart", "eligibilitystartdate", "enrollmentstart", "enrollmentstartdate", "spanstart", "startdate"],
  coverageEnd: ["coverageend", "coverageenddate", "terminationdate", "termdate", "eligibilityend", "eligibilityenddate", "enrollmentend", "enrollmentenddate", "spanend", "enddate"],
  taxonomy: ["taxonomycode", "taxonomy", "providertaxonomy", "taxonomycd"],
  state: ["state", "addressstate", "practicestate", "st"],
  zip: ["zip", "zipcode", "postalcode", "zip5", "addresszip", "practicezip"],
};

/** Fields of one service line (claims) or one coverage span (eligibility): set on one row, not on all. */
const LINE_FIELDS: ReadonlySet<LogicalField> = new Set(["procedureCode", "serviceDate", "lineCharge", "units"]);
const SPAN_FIELDS: ReadonlySet<LogicalField> = new Set(["coverageStart", "coverageEnd"]);
const DATE_FIELDS: readonly LogicalField[] = ["serviceDate", "statementFrom", "statementTo", "admissionDate", "dischargeDate", "coverageStart", "coverageEnd"];

function detectKind(names: readonly string[], columns: ReadonlyMap<LogicalField, number>): Kind | null {
  const has = (n: string): boolean => names.includes(n);
  if (columns.has("claimId")) return has("encounterid") || has("encounternumber") || has("encountertype") ? "encounters" : "claims";
  if (columns.has("npi") && (columns.has("taxonomy") || has("entitytype")) && !columns.has("memberId")) return "providers";
  if (columns.has("memberId")) return "eligibility";
  if (columns.has("npi")) return "providers";
  return null;
}

interface CsvShape {
  text: string;
  delimiter: string;
  columns: ReadonlyMap<LogicalField, number>;
  kind: Kind | null;
  newline: string;
}

class CsvView implements RecordView {
  readonly splices: Splice[] = [];
  copy?: { splice: number; offset: number };
  constructor(
    private readonly shape: CsvShape,
    private readonly rows: readonly CsvRow[],
  ) {}

  get kind(): Kind | null {
    return this.shape.kind;
  }

  private perRow(field: LogicalField): boolean {
    return (this.shape.kind !== "eligibility" && LINE_FIELDS.has(field)) || (this.shape.kind === "eligibility" && SPAN_FIELDS.has(field));
  }

  get(field: LogicalField, index = 0): string | undefined {
    const col = this.shape.columns.get(field);
    if (col === undefined) return undefined;
    const row = this.perRow(field) ? this.rows[index] : this.rows[0];
    return csvValue(this.shape.text, row?.fields[col]);
  }

  set(field: LogicalField, value: string, index = 0): void {
    const col = this.shape.columns.get(field);
    if (col === undefined) return;
    const rows = this.perRow(field) ? [this.rows[index]].filter((r) => r !== undefined) : this.rows;
    for (const row of rows) {
      const f = row.fields[col];
      if (f) this.splices.push({ start: f.start, end: f.end, text: csvQuote(value, this.shape.delimiter) });
    }
  }

  lineCount(): number {
    return this.rows.length;
  }

  spanCount(): number {
    return this.rows.length;
  }

  money(cents: number, like: string): string {
    return formatMoney(cents, parseMoney(like)?.style ?? "fixed2");
  }

  duplicate(edit?: (copy: RecordView) => void): void {
    const first = this.rows[0]!;
    const last = this.rows[this.rows.length - 1]!;
    const terminated = last.end > last.contentEnd;
    let copyText = this.shape.text.slice(first.start, terminated ? last.end : last.contentEnd);
    if (edit) {
      const copyRows = tokenizeCsv(copyText, 0, this.shape.delimiter);
      const view = new CsvView({ ...this.shape, text: copyText }, copyRows);
      edit(view);
      copyText = applySplices(copyText, view.splices).text;
    }
    const prefix = terminated ? "" : this.shape.newline;
    this.copy = { splice: this.splices.length, offset: prefix.length };
    this.splices.push({ start: last.end, end: last.end, text: prefix + copyText });
  }
}

export class CsvAdapter implements Adapter {
  readonly format: CorruptFormat = "csv";
  readonly kind: Kind | null;
  readonly records: RecordRef[] = [];
  readonly header: CsvRow;
  readonly rows: readonly CsvRow[];
  readonly delimiter: string;
  private readonly shape: CsvShape;
  private readonly recordRows: CsvRow[][] = [];

  constructor(
    readonly text: string,
    from: number,
  ) {
    this.delimiter = detectDelimiter(text, from);
    const all = tokenizeCsv(text, from, this.delimiter);
    const rows = all.filter((r) => !(r.fields.length === 1 && r.contentEnd === r.start));
    if (rows.length === 0) throw new UserError("the input CSV has no header row");
    this.header = rows[0]!;
    this.rows = rows;
    const value = (f: CsvField | undefined): string | undefined => csvValue(text, f);
    const names = this.header.fields.map((f) => normalise(value(f)!.replace(/^\uFEFF/, "")));
    const columns = new Map<LogicalField, number>();
    for (const [field, aliases] of Object.entries(CSV_ALIASES) as [LogicalField, readonly string[]][]) {
      for (const alias of aliases) {
        const col = names.indexOf(alias);
        if (col >= 0) {
          columns.set(field, col);
          break;
        }
      }
    }
    this.kind = detectKind(names, columns);
    const newline = this.header.end - this.header.contentEnd === 2 ? "\r\n" : "\n";
    this.shape = { text, delimiter: this.delimiter, columns, kind: this.kind, newline };

    // records: runs of rows sharing the claim (member) ID, or single rows
    const keyField: LogicalField | null = this.kind === "claims" || this.kind === "encounters" ? "claimId" : this.kind === "eligibility" ? "memberId" : null;
    const keyCol = keyField ? columns.get(keyField) : undefined;
    const idCol = keyCol ?? (this.kind === "providers" ? columns.get("npi") : undefined);
    let group: CsvRow[] = [];
    const flush = (): void => {
      if (group.length === 0) return;
      const first = group[0]!;
      const last = group[group.length - 1]!;
      this.records.push({ ordinal: this.records.length, id: idCol === undefined ? undefined : value(first.fields[idCol]), start: first.start, end: last.end });
      this.recordRows.push(group);
      group = [];
    };
    // a claim's rows share its ID; a duplicate claim right after it starts again (its line numbers
    // restart, its claim-level columns differ, or its first row repeats the claim's first row)
    const claimLike = keyField === "claimId";
    const lineCol = claimLike ? ["linenumber", "lineno", "linenum", "servicelinenumber", "line"].map((n) => names.indexOf(n)).find((i) => i >= 0) : undefined;
    const totalCol = claimLike ? columns.get("totalCharge") : undefined;
    const rowText = (r: CsvRow): string => text.slice(r.start, r.contentEnd);
    const continues = (row: CsvRow): boolean => {
      if (group.length === 0 || keyCol === undefined) return false;
      const first = group[0]!;
      const key = value(row.fields[keyCol]);
      if (key === "" || key !== value(first.fields[keyCol])) return false;
      if (!claimLike) return true;
      if (rowText(row) === rowText(first)) return false;
      if (totalCol !== undefined && value(row.fields[totalCol]) !== value(first.fields[totalCol])) return false;
      if (lineCol !== undefined) {
        const previous = Number(value(group[group.length - 1]!.fields[lineCol]));
        const current = Number(value(row.fields[lineCol]));
        if (Number.isFinite(previous) && Number.isFinite(current) && current <= previous) return false;
      }
      return true;
    };
    for (const row of rows.slice(1)) {
      if (!continues(row)) flush();
      group.push(row);
    }
    flush();
  }

  /** The header name of a logical field's column (for messages). */
  columnName(field: LogicalField): string | undefined {
    const col = this.shape.columns.get(field);
    return col === undefined ? undefined : csvValue(this.text, this.header.fields[col]);
  }

  rowsOf(record: RecordRef): readonly CsvRow[] {
    return this.recordRows[record.ordinal]!;
  }

  hasField(field: LogicalField): boolean {
    return this.shape.columns.has(field);
  }

  valuesOf(field: LogicalField): Set<string> {
    const col = this.shape.columns.get(field);
    const out = new Set<string>();
    if (col === undefined) return out;
    for (const row of this.rows.slice(1)) {
      const v = csvValue(this.text, row.fields[col]);
      if (v) out.add(v);
    }
    return out;
  }

  latestDay(): number | null {
    let latest: number | null = null;
    for (const field of DATE_FIELDS) {
      for (const v of this.valuesOf(field)) {
        const d = parseDate(v);
        if (d && (latest === null || d.day > latest)) latest = d.day;
      }
    }
    return latest;
  }

  mutate(code: string, record: RecordRef, ctx: MutationContext): Mutation | null {
    const view = new CsvView(this.shape, this.rowsOf(record));
    const previous = record.ordinal > 0 ? new CsvView(this.shape, this.recordRows[record.ordinal - 1]!) : undefined;
    const field = mutateView(code, view, ctx, previous);
    if (field === null) return null;
    return { splices: view.splices, field, copy: view.copy };
  }

  finish(): Splice[] {
    return [];
  }

  breakPoint(record: RecordRef): number {
    // inside the record's first row, before its last delimiter: the row is cut short
    const row = this.rowsOf(record)[0]!;
    const mid = row.start + Math.max(1, Math.floor((row.contentEnd - row.start) / 2));
    const lastField = row.fields[row.fields.length - 1]!;
    return row.fields.length >= 2 ? Math.min(mid, lastField.start - 1) : Math.min(mid, row.contentEnd);
  }

  coverageByMember(): Map<string, CoverageSpan[]> {
    const member = this.shape.columns.get("memberId");
    const start = this.shape.columns.get("coverageStart");
    const end = this.shape.columns.get("coverageEnd");
    const out = new Map<string, CoverageSpan[]>();
    if (member === undefined || start === undefined) return out;
    for (const row of this.rows.slice(1)) {
      const id = csvValue(this.text, row.fields[member]);
      const s = parseDate(csvValue(this.text, row.fields[start]) ?? "");
      if (!id || !s) continue;
      const e = end === undefined ? null : parseDate(csvValue(this.text, row.fields[end]) ?? "");
      const spans = out.get(id) ?? [];
      spans.push({ start: s.day, end: e ? e.day : null });
      out.set(id, spans);
    }
    return out;
  }

  // ---- file-level defects

  /** CSV_WRONG_DELIMITER: every delimiter outside quotes becomes a semicolon (a comma if the file uses semicolons). */
  wrongDelimiter(): { text: string; edit: FileEdit } {
    const other = this.delimiter === ";" ? "," : ";";
    const chars = this.text.split("");
    for (const row of this.rows) for (let i = 1; i < row.fields.length; i++) chars[row.fields[i]!.start - 1] = other;
    return { text: chars.join(""), edit: { splices: [], locator: { line: 1 } } };
  }

  /** CSV_MISSING_HEADER: the header row is removed. */
  missingHeader(): FileEdit {
    return { splices: [{ start: this.header.start, end: this.header.end, text: "" }], locator: { line: 1, field: "header" } };
  }

  /** CSV_MISSING_COLUMN: the second column is removed from the header and every row. */
  missingColumn(): FileEdit {
    if (this.header.fields.length < 2) throw new UserError("CSV_MISSING_COLUMN: the input CSV has only one column");
    const splices: Splice[] = [];
    for (const row of this.rows) if (row.fields.length >= 2) splices.push({ start: row.fields[0]!.end, end: row.fields[1]!.end, text: "" });
    return { splices, locator: { line: 1, field: "column 2" } };
  }

  /** CSV_EXTRA_COLUMN: the record's first row gets one field more than the header. */
  extraColumn(record: RecordRef): FileEdit {
    const row = this.rowsOf(record)[0]!;
    return { splices: [{ start: row.contentEnd, end: row.contentEnd, text: `${this.delimiter}EXTRA` }], locator: { field: "extra" } };
  }

  /** CSV_UNBALANCED_QUOTE: the record's first row opens a quote that never closes. */
  unbalancedQuote(record: RecordRef): FileEdit {
    const row = this.rowsOf(record)[0]!;
    return { splices: [{ start: row.start, end: row.start, text: '"' }], locator: {} };
  }
}
