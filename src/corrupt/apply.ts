/**
 * `corruptFile`: applies named defects to an existing file's bytes, in two stages:
 *
 *  1. record-level defects, each on one record drawn from the seed (rngFor(seed, "defect", …)),
 *     as splices confined to that record (plus SE01 when X12 segments are added);
 *  2. at most one file- or transaction-level defect, on the result, mirroring render.ts.
 *
 * It returns the output bytes (gzipped when asked) with the manifest entry's defects, record count and
 * expected outcome counts. Every refusal is a UserError naming the code and the reason; nothing is
 * written by this module.
 */
import { gzipSync } from "node:zlib";
import {
  DEFECTS,
  DEFAULT_WORLD_CONFIG,
  bundledCodeLists,
  defectByCode,
  expectedOutcome,
  parseIsoDate,
  rngFor,
  type DefectDefinition,
  type DefectEntry,
  type DefectLocator,
  type DefectPolicy,
  type ExpectedCounts,
  type Kind,
} from "../../generators/index.js";
import { stringTag } from "../../generators/defects/selection.js";
import { UserError } from "../cli/errors.js";
import type { CsvAdapter } from "./csv.js";
import { contentStart, decodeInput, encodeText, openAdapter } from "./detect.js";
import type { Adapter, CorruptFormat, CoverageSpan, FileEdit, LogicalField, Mutation, MutationContext, RecordRef } from "./model.js";
import { recordNoun } from "./model.js";
import { candidateHint, requiredFields, VIEW_CODES } from "./mutate.js";
import { NdjsonAdapter } from "./ndjson.js";
import { applySplices, lineAt, lineEndings, segmentAt, type Splice } from "./text.js";
import { X12Adapter } from "./x12.js";

export interface CorruptOptions {
  /** Defect codes, comma-separated or as a list. */
  codes: string | readonly string[];
  seed: number;
  policy?: DefectPolicy;
  /** The input's name, for messages. */
  inputName: string;
  /** The output's file name: ending in .gz asks for gzip output. */
  outName: string;
  /** X12_DUPLICATE_ISA13: another X12 file, whose ISA13 the output repeats. */
  like?: Uint8Array;
  /** An eligibility file (CSV, NDJSON or 834) whose coverage spans REC_OUTSIDE_ELIGIBILITY needs. */
  eligibility?: Uint8Array;
  /** YYYY-MM-DD; a future date of service falls after the later of this and the file's latest date. */
  referenceDate?: string;
  /** A procedure code list (e.g. CPT) REC_UNKNOWN_PROCEDURE's code must not be in (besides the bundled HCPCS). */
  procedures?: readonly string[];
}

export interface CorruptResult {
  bytes: Uint8Array;
  format: CorruptFormat;
  kind: Kind | null;
  gzip: boolean;
  records: number;
  defects: DefectEntry[];
  expected: ExpectedCounts;
}

const CATALOGUE_ORDER = new Map(DEFECTS.map((d, i) => [d.code, i]));

/** Parses --defects: known codes, each once, in catalogue order. */
export function parseCodes(spec: string | readonly string[]): DefectDefinition[] {
  const codes = (typeof spec === "string" ? spec.split(",") : [...spec]).map((s) => s.trim()).filter(Boolean);
  if (codes.length === 0) throw new UserError("--defects: expected a comma-separated list of defect codes (see hcsynth defects list)");
  if (codes.includes("all")) throw new UserError("--defects: corrupt applies the codes you name; `all` is not supported here (see hcsynth defects list)");
  const defs: DefectDefinition[] = [];
  for (const code of new Set(codes)) {
    try {
      defs.push(defectByCode(code));
    } catch (error) {
      throw new UserError(`--defects: ${(error as Error).message}`);
    }
  }
  return defs.sort((a, b) => CATALOGUE_ORDER.get(a.code)! - CATALOGUE_ORDER.get(b.code)!);
}

const FORMAT_NAMES: Record<CorruptFormat, string> = {
  csv: "a CSV file",
  ndjson: "an NDJSON file",
  "x12-837p": "an X12 837P file",
  "x12-837i": "an X12 837I file",
  "x12-834": "an X12 834 file",
  x12: "an X12 file",
};

const SHORT_NAMES: Record<CorruptFormat, string> = { csv: "CSV", ndjson: "NDJSON", "x12-837p": "X12 837P", "x12-837i": "X12 837I", "x12-834": "X12 834", x12: "X12" };

/** How a missing field is named in messages, by format. */
const CSV_NAMES: Record<LogicalField, string> = {
  claimId: "claim_id",
  memberId: "member_id",
  subscriberId: "subscriber_id",
  relationship: "relationship_code",
  billingNpi: "billing_npi",
  renderingNpi: "rendering_npi",
  attendingNpi: "attending_npi",
  npi: "npi",
  principalDx: "principal_dx",
  procedureCode: "procedure_code",
  serviceDate: "service_date",
  statementFrom: "statement_from",
  statementTo: "statement_to",
  admissionDate: "admission_date",
  dischargeDate: "discharge_date",
  totalCharge: "total_charge",
  lineCharge: "line_charge",
  units: "units",
  placeOfService: "place_of_service",
  sex: "sex",
  birthDate: "birth_date",
  coverageStart: "coverage_start",
  coverageEnd: "coverage_end",
  taxonomy: "taxonomy_code",
  state: "state",
  zip: "zip",
};

const NDJSON_NAMES: Partial<Record<LogicalField, string>> = {
  memberId: "member.memberId",
  billingNpi: "providers.billingNpi",
  renderingNpi: "providers.renderingNpi",
  attendingNpi: "providers.attendingNpi",
  principalDx: "diagnoses.principal",
  procedureCode: "lines[].procedureCode",
  serviceDate: "lines[].serviceDate",
  lineCharge: "lines[].charge",
  units: "lines[].units",
  coverageStart: "coverage[].start",
  coverageEnd: "coverage[].end",
  taxonomy: "taxonomyCode",
  state: "address.state",
  zip: "address.zip",
};

const X12_NAMES: Partial<Record<LogicalField, string>> = {
  placeOfService: "place of service (CLM05-1 of an 837P; an 837I carries the facility code there)",
  renderingNpi: "rendering provider (NM1*82, 837P)",
  attendingNpi: "attending provider (NM1*71, 837I)",
  admissionDate: "admission date (DTP*435, 837I)",
  dischargeDate: "discharge date (837I)",
  birthDate: "date of birth (DMG02, 834)",
  sex: "sex (DMG03, 834)",
};

function fieldLabel(adapter: Adapter, field: LogicalField): string {
  if (adapter.format === "csv") return `${CSV_NAMES[field]} column (or an alias)`;
  if (adapter.format === "ndjson") return `${NDJSON_NAMES[field] ?? field} field`;
  return X12_NAMES[field] ?? field;
}

interface Applied {
  def: DefectDefinition;
  record: RecordRef;
  mutation: Mutation;
  owner: string;
}

export function corruptFile(input: Uint8Array, o: CorruptOptions): CorruptResult {
  const defs = parseCodes(o.codes);
  const decoded = decodeInput(input, o.inputName);
  const adapter = openAdapter(decoded.text, o.inputName);
  const text0 = decoded.text;
  const gzipOut = decoded.gzip || o.outName.endsWith(".gz");
  const family = adapter.format.startsWith("x12") ? "x12" : adapter.format;
  const isArray = adapter instanceof NdjsonAdapter && adapter.array;
  const fail = (code: string, why: string): never => {
    throw new UserError(`${code}: cannot apply to ${o.inputName}: ${why}`);
  };

  const fileDefs = defs.filter((d) => d.level === "file" || d.level === "transaction");
  const recordDefs = defs.filter((d) => d.level === "record" || d.level === "field");
  if (fileDefs.length > 1) {
    throw new UserError(`--defects: at most one file- or transaction-level defect per run (got ${fileDefs.map((d) => d.code).join(", ")}); corrupt the output again for another`);
  }
  const fileDef = fileDefs[0];
  if (fileDef?.code === "FILE_EMPTY" && defs.length > 1) throw new UserError("--defects: FILE_EMPTY leaves nothing for other defects; apply it alone");

  // ---- can every code apply to this file?
  let likeIsa13: string | undefined;
  for (const d of defs) {
    if (d.formats.includes("gzip")) {
      if (!gzipOut) fail(d.code, "it applies to gzipped files, and the input is not gzipped nor does --out end in .gz");
      if (d.code === "FILE_GZIP_NOT_GZIP" && !o.outName.endsWith(".gz")) fail(d.code, "the output must be named .gz (a .gz file that is not gzip-compressed): give --out a name ending in .gz");
      continue;
    }
    if (d.code === "ELIG_TERMINATION_NEVER_ADDED") {
      if (adapter.format !== "x12-834") fail(d.code, `it needs an X12 834 eligibility file, and this is ${FORMAT_NAMES[adapter.format]}`);
    } else if (!(d.formats as readonly string[]).includes(family)) {
      fail(d.code, `it applies to ${d.formats.join(", ")} files, and this is ${FORMAT_NAMES[adapter.format]}`);
    }
    if (adapter.kind !== null && !d.kinds.includes(adapter.kind)) fail(d.code, `it applies to ${d.kinds.join(", ")} files, and this file holds ${adapter.kind}`);
    if (VIEW_CODES.has(d.code)) {
      if (adapter.kind === null && family === "x12") fail(d.code, "this X12 transaction set carries no claims or members");
      for (const group of requiredFields(d.code, adapter.kind)) {
        if (!group.some((f) => adapter.hasField(f))) fail(d.code, `this ${SHORT_NAMES[adapter.format]} file has no ${group.map((f) => fieldLabel(adapter, f)).join(" and no ")}`);
      }
    }
    if (isArray && (d.code === "NDJSON_NOT_JSON" || d.code === "NDJSON_JSON_ARRAY" || d.code === "FILE_MIXED_LINE_ENDINGS")) fail(d.code, "the input is already one JSON array, not NDJSON");
    if (d.code === "FILE_BOM" && text0.startsWith("\uFEFF")) fail(d.code, "it already starts with a byte-order mark");
    if (d.code === "FILE_INVALID_UTF8" && decoded.encoding !== "utf8") fail(d.code, "it already holds bytes that are not valid UTF-8");
    if (d.code === "FILE_MIXED_LINE_ENDINGS") {
      const endings = lineEndings(text0.slice(contentStart(text0)));
      if (endings === "mixed") fail(d.code, "its line endings are mixed already");
      if (endings === "none" || (adapter.format === "ndjson" && adapter.records.length < 2)) fail(d.code, "it needs at least two lines");
    }
    if (d.code === "REC_OUTSIDE_ELIGIBILITY" && !o.eligibility) fail(d.code, "it needs the members' coverage spans: pass --eligibility FILE (an eligibility CSV, NDJSON or 834)");
    if (d.code === "X12_DUPLICATE_ISA13") {
      if (!o.like) fail(d.code, "it needs --like FILE, another X12 file whose ISA13 control number the output repeats");
      const other = openAdapter(decodeInput(o.like!, "--like").text, "--like");
      if (!(other instanceof X12Adapter)) throw new UserError(`${d.code}: --like must be an X12 file (it starts with ISA)`);
      likeIsa13 = other.isa13();
    }
  }
  if (fileDef && (fileDef.code === "CSV_EXTRA_COLUMN" || fileDef.code === "CSV_UNBALANCED_QUOTE" || fileDef.code === "FILE_TRUNCATED") && adapter.records.length === 0 && family === "csv") {
    fail(fileDef.code, "the CSV has a header but no records");
  }

  // ---- the context of record-level draws
  let eligibility: Map<string, CoverageSpan[]> | undefined;
  if (o.eligibility) {
    const elig = openAdapter(decodeInput(o.eligibility, "--eligibility").text, "--eligibility");
    if (elig.kind !== "eligibility") throw new UserError(`--eligibility: expected an eligibility file (CSV, NDJSON or 834 with member IDs and coverage spans)${elig.kind ? `, got ${elig.kind}` : ""}`);
    eligibility = elig.coverageByMember();
  }
  let referenceDay: number;
  try {
    referenceDay = parseIsoDate(o.referenceDate ?? DEFAULT_WORLD_CONFIG.referenceDate, "--reference-date");
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const latest = adapter.latestDay();
  if (latest !== null && latest > referenceDay) referenceDay = latest;
  const codes = bundledCodeLists();
  const context = (): Omit<MutationContext, "rng"> => ({
    referenceDay,
    icd10cm: codes.icd10cm,
    placeOfService: codes.placeOfService,
    procedures: new Set([...codes.procedures, ...(o.procedures ?? []), ...adapter.valuesOf("procedureCode")]),
    memberIds: new Set([...adapter.valuesOf("memberId"), ...adapter.valuesOf("subscriberId"), ...(eligibility?.keys() ?? [])]),
    npis: new Set([...adapter.valuesOf("npi"), ...adapter.valuesOf("billingNpi"), ...adapter.valuesOf("renderingNpi"), ...adapter.valuesOf("attendingNpi")]),
    eligibility,
  });
  const base = recordDefs.length > 0 ? context() : undefined;

  // ---- stage 1: record-level defects, each on its own record
  const used = new Set<number>();
  const applied: Applied[] = [];
  const limit = fileDef?.code === "FILE_TRUNCATED" ? Math.floor(adapter.records.length / 2) : adapter.records.length;
  for (const d of recordDefs) {
    const probe: MutationContext = { ...base!, rng: rngFor(o.seed, "defect", stringTag(`corrupt-probe:${d.code}`)) };
    const candidates = adapter.records.filter((r) => {
      if (r.ordinal >= limit || used.has(r.ordinal)) return false;
      if (d.code === "PROV_DUPLICATE_NPI" && used.has(r.ordinal - 1)) return false;
      return adapter.mutate(d.code, r, probe) !== null;
    });
    if (candidates.length === 0) {
      const why = used.size > 0 ? " left (other defects took the suitable ones)" : limit < adapter.records.length ? " in the first half of the file (FILE_TRUNCATED cuts the rest)" : "";
      fail(d.code, `no ${recordNoun(adapter.kind)}${why} can carry it: it needs ${candidateHint(d.code)}`);
    }
    const rng = rngFor(o.seed, "defect", stringTag(`corrupt:${d.code}`));
    const record = candidates[rng.int(candidates.length)]!;
    const mutation = adapter.mutate(d.code, record, { ...base!, rng })!;
    used.add(record.ordinal);
    if (d.code === "PROV_DUPLICATE_NPI") used.add(record.ordinal - 1);
    applied.push({ def: d, record, mutation, owner: `record:${record.ordinal}` });
  }
  const splices1: Splice[] = [];
  const copyAt: (number | undefined)[] = [];
  for (const a of applied) {
    const first = splices1.length;
    for (const s of a.mutation.splices) splices1.push({ ...s, owner: a.owner });
    copyAt.push(a.mutation.copy ? first + a.mutation.copy.splice : undefined);
  }
  splices1.push(...adapter.finish(applied.map((a) => ({ record: a.record, mutation: a.mutation }))).map((s) => ({ ...s, owner: "finish" })));
  const r1 = applySplices(text0, splices1);
  const text1 = r1.text;
  const positions1 = applied.map((a, i) => (copyAt[i] !== undefined ? r1.starts[copyAt[i]!]! + a.mutation.copy!.offset : r1.map({ pos: a.record.start, owner: a.owner })));

  // ---- stage 2: the file- or transaction-level defect, on the result
  const adapter1 = applied.length > 0 ? openAdapter(text1, o.inputName) : adapter;
  const records1 = adapter1.records;
  const ordinalAt = (pos: number): number => {
    const exact = records1.find((r) => r.start === pos);
    if (exact) return exact.ordinal;
    const containing = records1.find((r) => r.start <= pos && pos < r.end);
    return containing ? containing.ordinal : -1;
  };
  const ordinals1 = positions1.map(ordinalAt);
  const defective = new Set(ordinals1.filter((k) => k >= 0));
  const copies1 = applied.map((a, i) => (a.mutation.copy ? ordinals1[i]! : -1)).filter((k) => k >= 0);
  const inputOrdinal = (r: RecordRef): number => r.ordinal - copies1.filter((k) => k < r.ordinal).length;

  /** The record a targeted file defect breaks: the middle one (after every record-level defect for a truncation). */
  const target = (afterDefects: boolean): RecordRef | undefined => {
    const mid = Math.floor(records1.length / 2);
    const from = afterDefects ? Math.max(mid, Math.max(-1, ...defective) + 1) : mid;
    for (let k = from; k < records1.length; k++) if (!defective.has(k)) return records1[k];
    if (!afterDefects) for (let k = mid - 1; k >= 0; k--) if (!defective.has(k)) return records1[k];
    return undefined;
  };

  let edit: FileEdit | undefined;
  let sameLengthText: string | undefined;
  let targetRecord: RecordRef | undefined;
  const code = fileDef?.code ?? "";
  switch (code) {
    case "":
    case "FILE_EMPTY":
    case "FILE_GZIP_NOT_GZIP":
    case "FILE_GZIP_CORRUPT":
      break;
    case "FILE_TRUNCATED": {
      targetRecord = target(true);
      if (targetRecord) {
        const cut = adapter1.breakPoint(targetRecord);
        edit = { splices: [{ start: cut, end: text1.length, text: "" }], locator: {}, records: targetRecord.ordinal + 1 };
      } else if (records1.length === 0) {
        const cut = Math.max(1, Math.floor(text1.length / 2));
        edit = { splices: [{ start: cut, end: text1.length, text: "" }], locator: {}, at: 0, records: 0 };
      } else {
        fail(code, "no record is left after the record-level defects to cut in the middle");
      }
      break;
    }
    case "FILE_INVALID_UTF8": {
      targetRecord = target(false);
      const pos = targetRecord ? adapter1.breakPoint(targetRecord) : Math.floor(text1.length / 2);
      edit = { splices: [{ start: pos, end: pos, text: "" }], locator: {}, at: targetRecord ? undefined : 0, bytes: new Uint8Array([0xc3, 0x28]) };
      break;
    }
    case "FILE_BOM":
      edit = { splices: [{ start: 0, end: 0, text: "" }], locator: { line: 1 }, bytes: new Uint8Array([0xef, 0xbb, 0xbf]) };
      break;
    case "FILE_MIXED_LINE_ENDINGS":
      edit = mixedLineEndings(text1, records1);
      break;
    case "CSV_WRONG_DELIMITER": {
      const r = (adapter1 as CsvAdapter).wrongDelimiter();
      sameLengthText = r.text;
      edit = r.edit;
      break;
    }
    case "CSV_MISSING_HEADER":
      edit = (adapter1 as CsvAdapter).missingHeader();
      break;
    case "CSV_MISSING_COLUMN":
      edit = (adapter1 as CsvAdapter).missingColumn();
      break;
    case "CSV_EXTRA_COLUMN":
    case "CSV_UNBALANCED_QUOTE":
      targetRecord = target(false);
      if (!targetRecord) fail(code, "no record is left after the record-level defects");
      edit = code === "CSV_EXTRA_COLUMN" ? (adapter1 as CsvAdapter).extraColumn(targetRecord!) : (adapter1 as CsvAdapter).unbalancedQuote(targetRecord!);
      break;
    case "NDJSON_JSON_ARRAY":
      edit = (adapter1 as NdjsonAdapter).jsonArray();
      break;
    default:
      if (!(adapter1 instanceof X12Adapter)) throw new Error(`unreachable: ${code} on ${adapter1.format}`);
      edit = adapter1.fileEdit(code, likeIsa13);
  }

  let text2 = text1;
  let map2 = (pos: number): number => pos;
  let starts2: number[] = [];
  if (sameLengthText !== undefined) text2 = sameLengthText;
  else if (edit) {
    const r2 = applySplices(text1, edit.splices.map((s) => ({ ...s, owner: s.owner ?? "file" })));
    text2 = r2.text;
    map2 = (pos) => r2.map({ pos });
    starts2 = r2.starts;
  }

  // ---- locators, in the output
  const isX12 = adapter1 instanceof X12Adapter;
  const terminator = adapter1.segmentTerminator ?? "~";
  const x12Lines = isX12 && text2.includes("\n");
  const place = (pos: number): DefectLocator => {
    if (!isX12) return { line: lineAt(text2, pos) };
    return x12Lines ? { line: lineAt(text2, pos), segment: segmentAt(text2, pos, terminator) } : { segment: segmentAt(text2, pos, terminator) };
  };
  const policy = o.policy;
  const entries: DefectEntry[] = [];
  const positions2: number[] = [];
  if (fileDef) {
    let locator: DefectLocator = { ...edit?.locator };
    if (targetRecord) {
      locator = { ...place(map2(targetRecord.start)), recordIndex: inputOrdinal(targetRecord), ...(targetRecord.id !== undefined ? { recordId: targetRecord.id } : {}), ...locator };
    } else if (edit?.at !== undefined) {
      locator = { ...place(starts2[edit.at] ?? 0), ...locator };
    }
    entries.push({ code: fileDef.code, level: fileDef.level, expected: expectedOutcome(fileDef, policy), locator });
    positions2.push(-1);
  }
  applied.forEach((a, i) => {
    const pos = map2(positions1[i]!);
    const locator: DefectLocator = { ...place(pos), recordIndex: a.record.ordinal, ...(a.record.id !== undefined ? { recordId: a.record.id } : {}), field: a.mutation.field };
    entries.push({ code: a.def.code, level: a.def.level, expected: expectedOutcome(a.def, policy), locator });
    positions2.push(pos);
  });
  const order = entries.map((_, i) => i).sort((a, b) => positions2[a]! - positions2[b]! || a - b);
  const defects = order.map((i) => entries[i]!);

  // ---- what a correct pipeline does with the output (as render.ts counts it)
  const records = code === "FILE_EMPTY" ? 0 : (edit?.records ?? records1.length);
  let expected: ExpectedCounts;
  if (code === "FILE_EMPTY") expected = { load: 0, reject: 0, flag: 0 };
  else {
    const fileOutcome = fileDef ? expectedOutcome(fileDef, policy) : undefined;
    if (fileOutcome === "reject-file") expected = { load: 0, reject: records, flag: 0 };
    else {
      const rejected = new Set<number>();
      const flagged = new Set<number>();
      applied.forEach((a, i) => {
        const k = ordinals1[i]!;
        if (k < 0 || k >= records) return;
        if (expectedOutcome(a.def, policy) === "flag") flagged.add(k);
        else rejected.add(k);
      });
      if (fileOutcome === "reject-transaction" && fileDef?.level === "transaction") for (const r of records1) if (r.transaction === 0 && r.ordinal < records) rejected.add(r.ordinal);
      const flags = fileOutcome === "flag" ? records - rejected.size : [...flagged].filter((k) => !rejected.has(k)).length;
      expected = { load: records - rejected.size, reject: rejected.size, flag: flags };
    }
  }

  // ---- bytes
  let bytes: Uint8Array = code === "FILE_EMPTY" ? new Uint8Array(0) : encodeText(text2, decoded.encoding);
  if (edit?.bytes && code !== "FILE_EMPTY") {
    const at = starts2[edit.at ?? 0] ?? 0;
    const offset = Buffer.byteLength(text2.slice(0, at), decoded.encoding === "utf8" ? "utf8" : "latin1");
    bytes = Buffer.concat([bytes.subarray(0, offset), edit.bytes, bytes.subarray(offset)]);
  }
  const gzip = gzipOut && code !== "FILE_GZIP_NOT_GZIP";
  if (gzip) {
    bytes = gzipSync(bytes, { level: 6 });
    if (code === "FILE_GZIP_CORRUPT") {
      // as generate does: 8 bytes inverted past the 10-byte gzip header, inside the deflate data
      const copy = Buffer.from(bytes);
      const start = Math.min(12, Math.max(0, copy.length - 8));
      for (let i = start; i < Math.min(copy.length, start + 8); i++) copy[i] = copy[i]! ^ 0xff;
      bytes = copy;
    }
  }
  return { bytes, format: adapter.format, kind: adapter.kind, gzip, records, defects, expected };
}

/** FILE_MIXED_LINE_ENDINGS: every other record's line ends switch between LF and CRLF (the header keeps its own). */
function mixedLineEndings(text: string, records: readonly RecordRef[]): FileEdit {
  const toCrlf = lineEndings(text) !== "crlf";
  const changed = records.length >= 2 ? records.filter((r) => r.ordinal % 2 === 1) : records.slice(0, 1);
  const splices: Splice[] = [];
  for (const r of changed) {
    for (let at = text.indexOf("\n", r.start); at >= 0 && at < r.end; at = text.indexOf("\n", at + 1)) {
      const cr = at > 0 && text[at - 1] === "\r";
      if (toCrlf && !cr) splices.push({ start: at, end: at, text: "\r" });
      if (!toCrlf && cr) splices.push({ start: at - 1, end: at, text: "" });
    }
  }
  if (splices.length === 0) throw new UserError("FILE_MIXED_LINE_ENDINGS: cannot apply: no record ends with a line break to change");
  return { splices, locator: {}, at: 0 };
}
