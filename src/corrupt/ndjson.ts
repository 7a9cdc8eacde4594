/**
 * NDJSON (one document per line) and JSON arrays of documents. Documents are parsed with the
 * position of every value, so a defect replaces only the characters of the value it changes; fields
 * are found by path: hcsynth's shapes (README "NDJSON") first, then common alternatives.
 */
import type { Kind } from "../../generators/index.js";
import { UserError } from "../cli/errors.js";
import type { Adapter, CorruptFormat, CoverageSpan, FileEdit, LogicalField, Mutation, MutationContext, RecordRef } from "./model.js";
import { mutateView, type RecordView } from "./mutate.js";
import { applySplices, type Splice } from "./text.js";
import { formatMoney, parseDate, parseMoney } from "./values.js";

export type JsonNode =
  | { type: "object"; start: number; end: number; entries: [string, JsonNode][] }
  | { type: "array"; start: number; end: number; items: JsonNode[] }
  | { type: "string"; start: number; end: number; value: string }
  | { type: "number" | "boolean" | "null"; start: number; end: number; value: string };

class JsonSyntaxError extends Error {}

/** Parses one JSON value of text[from, to), keeping positions; throws JsonSyntaxError. */
export function parseJsonAt(text: string, from: number, to: number): { node: JsonNode; end: number } {
  let i = from;
  const ws = (): void => {
    while (i < to && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const fail = (): never => {
    throw new JsonSyntaxError(`invalid JSON at character ${i}`);
  };
  const value = (): JsonNode => {
    ws();
    const start = i;
    const ch = text[i];
    if (i >= to) return fail();
    if (ch === "{") {
      i++;
      const entries: [string, JsonNode][] = [];
      ws();
      if (text[i] === "}") {
        i++;
        return { type: "object", start, end: i, entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const key = value() as { value: string };
        ws();
        if (text[i] !== ":") fail();
        i++;
        entries.push([key.value, value()]);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return { type: "object", start, end: i, entries };
        }
        return fail();
      }
    }
    if (ch === "[") {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { type: "array", start, end: i, items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return { type: "array", start, end: i, items };
        }
        return fail();
      }
    }
    if (ch === '"') {
      i++;
      let escaped = false;
      while (i < to && text.charCodeAt(i) !== 34) {
        if (text.charCodeAt(i) === 92) {
          escaped = true;
          i++;
        }
        i++;
      }
      if (i >= to) fail();
      i++;
      if (!escaped) return { type: "string", start, end: i, value: text.slice(start + 1, i - 1) };
      try {
        return { type: "string", start, end: i, value: JSON.parse(text.slice(start, i)) as string };
      } catch {
        return fail();
      }
    }
    for (const literal of ["true", "false", "null"] as const) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return { type: literal === "null" ? "null" : "boolean", start, end: i, value: literal };
      }
    }
    // a number: -?digits[.digits][e[+-]digits]
    const digits = (): number => {
      const from = i;
      while (i < to && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      return i - from;
    };
    if (text[i] === "-") i++;
    if (digits() === 0) fail();
    if (text[i] === ".") {
      i++;
      if (digits() === 0) fail();
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (digits() === 0) fail();
    }
    return { type: "number", start, end: i, value: text.slice(start, i) };
  };
  const node = value();
  ws();
  return { node, end: i };
}

/** Candidate paths of each field, hcsynth's first. Line fields are relative to a line, span fields to a span. */
const PATHS: Readonly<Record<LogicalField, readonly string[]>> = {
  claimId: ["claimId", "encounterId", "id"],
  memberId: ["member.memberId", "memberId", "patient.memberId"],
  subscriberId: ["member.subscriberId", "subscriberId", "subscriber.subscriberId"],
  relationship: ["member.relationshipCode", "relationshipCode", "relationship"],
  billingNpi: ["providers.billingNpi", "billingNpi", "billingProvider.npi"],
  renderingNpi: ["providers.renderingNpi", "renderingNpi", "renderingProvider.npi"],
  attendingNpi: ["providers.attendingNpi", "attendingNpi", "attendingProvider.npi"],
  npi: ["npi", "provider.npi"],
  principalDx: ["diagnoses.principal", "principalDiagnosis", "principalDx", "diagnosis.principal"],
  procedureCode: ["procedureCode", "procedure", "cpt", "hcpcs"],
  serviceDate: ["serviceDate", "dateOfService"],
  statementFrom: ["statementFrom", "serviceFrom"],
  statementTo: ["statementTo", "serviceTo"],
  admissionDate: ["admissionDate", "admitDate"],
  dischargeDate: ["dischargeDate"],
  totalCharge: ["totalCharge", "totalCharges", "total"],
  lineCharge: ["charge", "lineCharge", "amount"],
  units: ["units", "quantity"],
  placeOfService: ["placeOfService", "pos"],
  sex: ["sex", "gender"],
  birthDate: ["birthDate", "dob", "dateOfBirth"],
  coverageStart: ["start", "startDate", "effectiveDate"],
  coverageEnd: ["end", "endDate", "terminationDate", "termDate"],
  taxonomy: ["taxonomyCode", "taxonomy"],
  state: ["address.state", "state"],
  zip: ["address.zip", "zip", "address.zipCode", "zipCode", "address.postalCode"],
};
const LINES = ["lines", "serviceLines"];
const SPANS = ["coverage", "spans", "coverageSpans", "eligibility"];
const LINE_FIELDS: ReadonlySet<LogicalField> = new Set(["procedureCode", "serviceDate", "lineCharge", "units"]);
const SPAN_FIELDS: ReadonlySet<LogicalField> = new Set(["coverageStart", "coverageEnd"]);

function child(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!node || node.type !== "object") return undefined;
  for (const [k, v] of node.entries) if (k === key) return v;
  return undefined;
}

function atPath(node: JsonNode | undefined, path: string): JsonNode | undefined {
  let n = node;
  for (const part of path.split(".")) n = child(n, part);
  return n;
}

function firstPath(node: JsonNode | undefined, paths: readonly string[]): JsonNode | undefined {
  for (const p of paths) {
    const n = atPath(node, p);
    if (n !== undefined) return n;
  }
  return undefined;
}

function arrayAt(doc: JsonNode | undefined, names: readonly string[]): JsonNode[] {
  const a = firstPath(doc, names);
  return a?.type === "array" ? a.items : [];
}

/** The node of a field in a document (index: the line or span). */
function fieldNode(doc: JsonNode | undefined, field: LogicalField, index = 0): JsonNode | undefined {
  if (LINE_FIELDS.has(field)) return firstPath(arrayAt(doc, LINES)[index], PATHS[field]);
  if (SPAN_FIELDS.has(field)) return firstPath(arrayAt(doc, SPANS)[index], PATHS[field]);
  return firstPath(doc, PATHS[field]);
}

function scalar(node: JsonNode | undefined): string | null | undefined {
  if (!node || node.type === "object" || node.type === "array") return undefined;
  if (node.type === "null") return null;
  return node.value;
}

function detectKind(doc: JsonNode | undefined): Kind | null {
  if (!doc || doc.type !== "object") return null;
  if (child(doc, "encounterId") !== undefined) return "encounters";
  if (child(doc, "claimId") !== undefined) return "claims";
  if (firstPath(doc, SPANS)?.type === "array" || (firstPath(doc, PATHS.memberId) !== undefined && firstPath(doc, PATHS.birthDate) !== undefined)) return "eligibility";
  if (child(doc, "npi") !== undefined) return "providers";
  return null;
}

interface NdjsonRecord extends RecordRef {
  /** Before the line terminator (the element's end in a JSON array). */
  contentEnd: number;
  /** The document (undefined for a line that is not JSON). */
  readonly doc: JsonNode | undefined;
  /** The field holding the record's natural key (its `id`). */
  idField?: LogicalField | null;
}

/** A line whose document is parsed on first use (a file is read twice; most lines are never looked at the second time). */
function lazyLine(text: string, ordinal: number, start: number, end: number, contentEnd: number): NdjsonRecord {
  let parsed = false;
  let doc: JsonNode | undefined;
  return {
    ordinal,
    start,
    end,
    contentEnd,
    get doc(): JsonNode | undefined {
      if (!parsed) {
        parsed = true;
        try {
          const r = parseJsonAt(text, start, contentEnd);
          if (r.end === contentEnd) doc = r.node;
        } catch {
          doc = undefined; // a line that is not JSON stays a record without fields
        }
      }
      return doc;
    },
    get id(): string | undefined {
      const id = this.idField ? scalar(fieldNode(this.doc, this.idField)) : undefined;
      return typeof id === "string" ? id : undefined;
    },
  };
}

class NdjsonView implements RecordView {
  readonly splices: Splice[] = [];
  copy?: { splice: number; offset: number };
  constructor(
    readonly kind: Kind | null,
    private readonly text: string,
    private readonly record: NdjsonRecord,
    private readonly array: boolean,
  ) {}

  get(field: LogicalField, index = 0): string | null | undefined {
    return scalar(fieldNode(this.record.doc, field, index));
  }

  set(field: LogicalField, value: string, index = 0): void {
    const node = fieldNode(this.record.doc, field, index);
    if (!node || node.type === "object" || node.type === "array") return;
    const numeric = node.type === "number" && /^-?\d+(\.\d+)?$/.test(value);
    this.splices.push({ start: node.start, end: node.end, text: numeric ? value : JSON.stringify(value) });
  }

  lineCount(): number {
    return arrayAt(this.record.doc, LINES).length;
  }

  spanCount(): number {
    return arrayAt(this.record.doc, SPANS).length;
  }

  money(cents: number, like: string, field: LogicalField, index?: number): string {
    const node = fieldNode(this.record.doc, field, index);
    // JSON numbers as JSON.stringify writes them; strings in the file's own style
    return formatMoney(cents, node?.type === "number" ? "minimal" : (parseMoney(like)?.style ?? "fixed2"));
  }

  duplicate(edit?: (copy: RecordView) => void): void {
    const r = this.record;
    let copyText = this.text.slice(r.start, r.contentEnd);
    if (edit) {
      const parsed = parseJsonAt(copyText, 0, copyText.length);
      const view = new NdjsonView(this.kind, copyText, { ordinal: 0, start: 0, end: copyText.length, contentEnd: copyText.length, doc: parsed.node }, this.array);
      edit(view);
      copyText = applySplices(copyText, view.splices).text;
    }
    if (this.array) {
      // a new element after this one: the separator the array already uses between elements
      const before = /\s*$/.exec(this.text.slice(0, r.start))?.[0] ?? "";
      const sep = "," + (before.includes("\n") ? before : "\n");
      this.copy = { splice: this.splices.length, offset: sep.length };
      this.splices.push({ start: r.contentEnd, end: r.contentEnd, text: sep + copyText });
      return;
    }
    const terminator = this.text.slice(r.contentEnd, r.end);
    this.copy = { splice: this.splices.length, offset: terminator === "" ? 1 : 0 };
    this.splices.push({ start: r.end, end: r.end, text: terminator === "" ? "\n" + copyText : copyText + terminator });
  }
}

export class NdjsonAdapter implements Adapter {
  readonly format: CorruptFormat = "ndjson";
  readonly kind: Kind | null;
  readonly records: NdjsonRecord[] = [];
  /** True when the input is one JSON array of documents rather than NDJSON. */
  readonly array: boolean;

  constructor(
    readonly text: string,
    from: number,
  ) {
    this.array = text[from] === "[";
    if (this.array) {
      let parsed: { node: JsonNode; end: number };
      try {
        parsed = parseJsonAt(text, from, text.length);
      } catch (error) {
        throw new UserError(`the input starts with [ but is not a JSON array (${(error as Error).message})`);
      }
      if (parsed.node.type !== "array" || parsed.end < text.length) throw new UserError("the input starts with [ but is not one JSON array");
      for (const item of parsed.node.items) {
        this.records.push({
          ordinal: this.records.length,
          start: item.start,
          end: item.end,
          contentEnd: item.end,
          doc: item,
          get id(): string | undefined {
            const id = this.idField ? scalar(fieldNode(this.doc, this.idField)) : undefined;
            return typeof id === "string" ? id : undefined;
          },
        });
      }
    } else {
      let at = 0;
      while (at < text.length) {
        const nl = text.indexOf("\n", at);
        const end = nl < 0 ? text.length : nl + 1;
        let contentEnd = nl < 0 ? text.length : nl;
        if (contentEnd > at && text[contentEnd - 1] === "\r") contentEnd--;
        const lineStart = at === 0 && text.startsWith("\uFEFF") ? 1 : at;
        if (text.slice(lineStart, contentEnd).trim() !== "") {
          this.records.push(lazyLine(text, this.records.length, lineStart, end, contentEnd));
        }
        at = end;
      }
    }
    this.kind = detectKind(this.records.find((r) => r.doc?.type === "object")?.doc);
    const idField: LogicalField | null = this.kind === "providers" ? "npi" : this.kind === "eligibility" ? "memberId" : this.kind ? "claimId" : null;
    for (const r of this.records) r.idField = idField;
  }

  hasField(field: LogicalField): boolean {
    return this.records.some((r) => fieldNode(r.doc, field) !== undefined);
  }

  valuesOf(field: LogicalField): Set<string> {
    const out = new Set<string>();
    const many = LINE_FIELDS.has(field) ? LINES : SPAN_FIELDS.has(field) ? SPANS : null;
    for (const r of this.records) {
      const count = many ? arrayAt(r.doc, many).length : 1;
      for (let k = 0; k < count; k++) {
        const v = scalar(fieldNode(r.doc, field, k));
        if (v) out.add(v);
      }
    }
    return out;
  }

  latestDay(): number | null {
    let latest: number | null = null;
    for (const field of ["serviceDate", "statementFrom", "statementTo", "admissionDate", "dischargeDate", "coverageStart", "coverageEnd"] as const) {
      for (const v of this.valuesOf(field)) {
        const d = parseDate(v);
        if (d && (latest === null || d.day > latest)) latest = d.day;
      }
    }
    return latest;
  }

  private view(record: NdjsonRecord): NdjsonView {
    return new NdjsonView(this.kind, this.text, record, this.array);
  }

  mutate(code: string, record: RecordRef, ctx: MutationContext): Mutation | null {
    const r = this.records[record.ordinal]!;
    if (r.doc?.type !== "object") return null;
    if (code === "NDJSON_NOT_JSON") {
      // as generate does: the line loses its last two characters (closing brackets)
      if (this.array || r.contentEnd - r.start < 3) return null;
      return { splices: [{ start: r.contentEnd - 2, end: r.contentEnd, text: "" }], field: "line" };
    }
    const view = this.view(r);
    const previous = record.ordinal > 0 ? this.view(this.records[record.ordinal - 1]!) : undefined;
    const field = mutateView(code, view, ctx, previous);
    if (field === null) return null;
    return { splices: view.splices, field, copy: view.copy };
  }

  finish(): Splice[] {
    return [];
  }

  breakPoint(record: RecordRef): number {
    const r = this.records[record.ordinal]!;
    return r.start + Math.max(1, Math.floor((r.contentEnd - r.start) / 2));
  }

  coverageByMember(): Map<string, CoverageSpan[]> {
    const out = new Map<string, CoverageSpan[]>();
    for (const r of this.records) {
      const id = scalar(fieldNode(r.doc, "memberId"));
      if (!id) continue;
      const spans: CoverageSpan[] = [];
      for (let k = 0; k < arrayAt(r.doc, SPANS).length; k++) {
        const s = parseDate(scalar(fieldNode(r.doc, "coverageStart", k)) ?? "");
        const e = parseDate(scalar(fieldNode(r.doc, "coverageEnd", k)) ?? "");
        if (s) spans.push({ start: s.day, end: e ? e.day : null });
      }
      out.set(id, spans);
    }
    return out;
  }

  /** NDJSON_JSON_ARRAY: "[", the documents separated by commas, "]" (as generate writes it). */
  jsonArray(): FileEdit {
    const splices: Splice[] = [{ start: this.records[0]?.start ?? 0, end: this.records[0]?.start ?? 0, text: "[\n" }];
    this.records.forEach((r, k) => {
      if (k < this.records.length - 1) splices.push({ start: r.contentEnd, end: r.contentEnd, text: "," });
      else if (r.end > r.contentEnd) splices.push({ start: r.end, end: r.end, text: "]\n" });
      else splices.push({ start: r.end, end: r.end, text: "\n]\n" });
    });
    return { splices, locator: { line: 1 }, at: 0 };
  }
}
