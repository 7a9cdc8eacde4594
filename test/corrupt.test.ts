/**
 * `hcsynth corrupt`: defects applied to existing files. Small hcsynth files of every kind and format
 * are generated once; each code is applied to each applicable format through the built CLI (and, in
 * process, to every generated file), and the output is read back independently (test/support/csv.ts,
 * JSON.parse, node-x12 and a plain segment split) to check that the defect sits at the manifest's
 * locator, that syntax defects break parsing while business-rule defects do not, and that nothing
 * outside the defective record changed.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { X12Parser } from "node-x12";
import { beforeAll, describe, expect, it } from "vitest";
import { bundledCodeLists, DEFECTS, isValidNpi, type DefectEntry, type ExpectedCounts } from "../generators/index.js";
import { corruptFile } from "../src/corrupt/apply.js";
import { UserError } from "../src/cli/errors.js";
import { CLI, hcsynth, tempDir, type CliResult } from "./support/cli.js";
import { csvRecords, parseCsv } from "./support/csv.js";

// ---------------------------------------------------------------------------------------------
// fixtures

const FILES = {
  "claims.csv": "claims/claims-00000.csv",
  "claims.ndjson": "claims/claims-00000.ndjson",
  "claims.837p": "claims/claims-00000.837p.x12",
  "claims.837i": "claims/claims-00000.837i.x12",
  "encounters.csv": "encounters/encounters-00000.csv",
  "encounters.ndjson": "encounters/encounters-00000.ndjson",
  "encounters.837p": "encounters/encounters-00000.837p.x12",
  "encounters.837i": "encounters/encounters-00000.837i.x12",
  "eligibility.csv": "eligibility/eligibility-00000.csv",
  "eligibility.ndjson": "eligibility/eligibility-00000.ndjson",
  "eligibility.834": "eligibility/eligibility-00000.834.x12",
  "providers.csv": "providers/providers-00000.csv",
  "providers.ndjson": "providers/providers-00000.ndjson",
} as const;
type FileKey = keyof typeof FILES;

let gen = "";
let work = "";
const path = (key: FileKey): string => join(gen, FILES[key]);
const bytesOf = (key: FileKey): Buffer => readFileSync(path(key));

beforeAll(() => {
  gen = tempDir("hcsynth-corrupt-gen-");
  work = tempDir("hcsynth-corrupt-");
  const r = hcsynth(["generate", "--seed", "3", "--out", gen, "--members", "50", "--providers", "10", "--claims", "60", "--encounters", "20", "--formats", "csv,ndjson,x12", "--workers", "1"]);
  expect(r.code, r.stderr).toBe(0);
  writeFileSync(join(work, "claims.csv.gz"), gzipSync(bytesOf("claims.csv")));
  writeFileSync(join(work, "claims.837p.x12.gz"), gzipSync(bytesOf("claims.837p")));
});

const kindOf = (key: string): string => key.split(".")[0]!;
const familyOf = (key: string): "csv" | "ndjson" | "x12" => (key.endsWith(".csv") || key.endsWith(".csv.gz") ? "csv" : key.endsWith(".ndjson") ? "ndjson" : "x12");

interface ManifestLike {
  tool: string;
  version: string;
  seed: number;
  source: string;
  defectCatalogueVersion: string;
  files: { path: string; format: string; kind?: string; records: number; bytes: number; sha256: string; defects: DefectEntry[]; expected: ExpectedCounts }[];
}

/** The built CLI, without blocking: the matrix runs several at once. */
function hcsynthAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the CLI; returns the output bytes and manifest, or the failure. */
function corruptCli(input: string, code: string, out: string, extra: string[] = [], seed = "3"): { code: number; stderr: string; bytes?: Buffer; manifest?: ManifestLike } {
  const r = hcsynth(["corrupt", input, "--defects", code, "--seed", seed, "--out", out, "--force", ...extra]);
  if (r.code !== 0) return { code: r.code, stderr: r.stderr };
  return { code: 0, stderr: r.stderr, bytes: readFileSync(out), manifest: JSON.parse(readFileSync(`${out}.manifest.json`, "utf8")) as ManifestLike };
}

// ---------------------------------------------------------------------------------------------
// reading a record back, independently of src/corrupt

interface Rec {
  id: string;
  memberId?: string;
  /** X12: the subscriber's ID (a dependent patient's claim carries only that). */
  subscriberId?: string;
  billingNpi?: string;
  individualNpi?: string;
  principalDx?: string;
  total?: string;
  lines: { procedure?: string; units?: string; charge?: string; date?: string }[];
  admission?: string;
  discharge?: string;
  statementFrom?: string;
  statementTo?: string;
  pos?: string;
  sex?: string;
  birthDate?: string;
  spans: { start?: string; end?: string | null }[];
  npi?: string;
  taxonomy?: string;
  state?: string;
  zip?: string;
  /** The record's own text, for comparing duplicates. */
  raw: string;
  /** Output units (CSV/NDJSON lines, X12 segments) the record may change: [from, to). */
  span: [number, number];
}

const iso = (d: string | undefined): string | undefined => (d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d);
const cents = (s: string | undefined): number => Math.round(Number(s) * 100);

function csvRecordAt(text: string, line: number, kind: string): { rec: Rec; previous?: Rec } {
  const rows = parseCsv(text);
  const header = rows[0]!;
  const col = (r: string[], name: string): string | undefined => (header.includes(name) ? r[header.indexOf(name)] : undefined);
  const key = kind === "eligibility" ? "member_id" : kind === "providers" ? undefined : kind === "encounters" ? "encounter_id" : "claim_id";
  const rowsFrom = (start: number): number => {
    let end = start + 1;
    if (!key) return end;
    while (end < rows.length && col(rows[end]!, key) === col(rows[start]!, key) && (kind === "eligibility" || Number(col(rows[end]!, "line_number")) > Number(col(rows[end - 1]!, "line_number")))) end++;
    return end;
  };
  const build = (start: number, end: number): Rec => {
    const rs = rows.slice(start, end);
    const r0 = rs[0]!;
    return {
      id: col(r0, key ?? "npi") ?? "",
      memberId: col(r0, "member_id"),
      billingNpi: col(r0, "billing_npi"),
      individualNpi: col(r0, "rendering_npi") || col(r0, "attending_npi"),
      principalDx: col(r0, "principal_dx"),
      total: col(r0, "total_charge"),
      lines: kind === "claims" || kind === "encounters" ? rs.map((r) => ({ procedure: col(r, "procedure_code"), units: col(r, "units"), charge: col(r, "line_charge"), date: col(r, "service_date") })) : [],
      admission: col(r0, "admission_date"),
      discharge: col(r0, "discharge_date"),
      statementFrom: col(r0, "statement_from"),
      statementTo: col(r0, "statement_to"),
      pos: col(r0, "place_of_service"),
      sex: col(r0, "sex"),
      birthDate: col(r0, "birth_date"),
      spans: kind === "eligibility" ? rs.map((r) => ({ start: col(r, "coverage_start"), end: col(r, "coverage_end") || null })) : [],
      npi: col(r0, "npi"),
      taxonomy: col(r0, "taxonomy_code"),
      state: col(r0, "state"),
      zip: col(r0, "zip"),
      raw: rs.map((r) => r.join(",")).join("\n"),
      span: [start, end],
    };
  };
  const start = line - 1;
  const rec = build(start, rowsFrom(start));
  let previous: Rec | undefined;
  const n = rec.span[1] - rec.span[0];
  if (start - n >= 1 && key) previous = build(start - n, start);
  else if (start - 1 >= 1) previous = build(start - 1, start);
  return { rec, previous };
}

/** A value at a dotted path of a parsed document. */
const at = (doc: unknown, path: string): unknown => path.split(".").reduce<unknown>((n, k) => (n !== null && typeof n === "object" ? (n as Record<string, unknown>)[k] : undefined), doc);
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

function jsonRec(doc: unknown, line: number): Rec {
  const lines = (at(doc, "lines") ?? []) as unknown[];
  const spans = (at(doc, "coverage") ?? []) as unknown[];
  return {
    id: str(at(doc, "claimId") ?? at(doc, "encounterId") ?? at(doc, "memberId") ?? at(doc, "npi")) ?? "",
    memberId: str(at(doc, "member.memberId") ?? at(doc, "memberId")),
    billingNpi: str(at(doc, "providers.billingNpi")),
    individualNpi: str(at(doc, "providers.renderingNpi") ?? at(doc, "providers.attendingNpi")),
    principalDx: str(at(doc, "diagnoses.principal")),
    total: str(at(doc, "totalCharge")),
    lines: lines.map((l) => ({ procedure: str(at(l, "procedureCode")), units: str(at(l, "units")), charge: str(at(l, "charge")), date: str(at(l, "serviceDate")) })),
    admission: str(at(doc, "admissionDate")),
    discharge: str(at(doc, "dischargeDate")),
    statementFrom: str(at(doc, "statementFrom")),
    statementTo: str(at(doc, "statementTo")),
    pos: str(at(doc, "placeOfService")),
    sex: str(at(doc, "sex")),
    birthDate: str(at(doc, "birthDate")),
    spans: spans.map((x) => ({ start: str(at(x, "start")), end: str(at(x, "end")) ?? null })),
    npi: str(at(doc, "npi")),
    taxonomy: str(at(doc, "taxonomyCode")),
    state: str(at(doc, "address.state")),
    zip: str(at(doc, "address.zip")),
    raw: JSON.stringify(doc),
    span: [line - 1, line],
  };
}

function ndjsonRecordAt(text: string, line: number): { rec: Rec; previous?: Rec } {
  const lines = text.split("\n");
  const rec = jsonRec(JSON.parse(lines[line - 1]!), line);
  const previous = line >= 2 ? jsonRec(JSON.parse(lines[line - 2]!), line - 1) : undefined;
  return { rec, previous };
}

const segmentsOf = (text: string): string[] => text.split("~").map((s) => s.replace(/^[\r\n]+/, ""));
const el = (seg: string | undefined, i: number): string | undefined => seg?.split("*")[i];

function x12RecordAt(text: string, segment: number): { rec: Rec; previous?: Rec } {
  const segs = segmentsOf(text);
  const build = (i: number): Rec => {
    const isIns = segs[i]!.startsWith("INS*");
    let end = i + 1;
    const stops = isIns ? ["INS", "SE"] : ["HL", "CLM", "SE"];
    while (end < segs.length && !stops.includes(segs[end]!.split("*")[0]!)) end++;
    const region = segs.slice(i, end);
    const find = (prefix: string): string | undefined => region.find((s) => s.startsWith(prefix));
    if (isIns) {
      const spans: Rec["spans"] = [];
      for (const s of region) {
        if (s.startsWith("HD*")) spans.push({ end: null });
        if (s.startsWith("DTP*348*")) spans[spans.length - 1]!.start = iso(el(s, 3));
        if (s.startsWith("DTP*349*")) spans[spans.length - 1]!.end = iso(el(s, 3));
      }
      const dmg = find("DMG*");
      return { id: el(find("REF*0F*"), 2) ?? "", memberId: el(find("REF*0F*"), 2), sex: el(dmg, 3), birthDate: iso(el(dmg, 2)), spans, lines: [], raw: region.join("~"), span: [i, end] };
    }
    // parents: the billing provider and subscriber loops above the CLM (hcsynth opens an HL*…*20 per claim)
    let hl20 = i;
    while (hl20 > 0 && !/^HL\*\d+\*\*20\*/.test(segs[hl20]!)) hl20--;
    const above = segs.slice(hl20, i);
    const patientLoop = above.some((s) => /^HL\*\d+\*\d+\*23\*/.test(s));
    const subscriber = above.find((s) => s.startsWith("NM1*IL*"));
    const lines: Rec["lines"] = [];
    for (const s of region) {
      if (s.startsWith("LX*")) lines.push({});
      const l = lines[lines.length - 1];
      if (!l) continue;
      if (s.startsWith("SV1*")) Object.assign(l, { procedure: el(s, 1)!.split(":")[1], charge: el(s, 2), units: el(s, 4) });
      if (s.startsWith("SV2*")) Object.assign(l, { procedure: el(s, 2)!.split(":")[1] ?? "", charge: el(s, 3), units: el(s, 5) });
      if (s.startsWith("DTP*472*")) l.date = el(s, 3);
    }
    const clm = region[0]!;
    const statement = el(find("DTP*434*"), 3)?.split("-");
    return {
      id: el(clm, 1)!,
      memberId: patientLoop ? undefined : el(subscriber, 9),
      subscriberId: el(subscriber, 9),
      billingNpi: el(above.find((s) => s.startsWith("NM1*85*")), 9),
      individualNpi: el(find("NM1*82*") ?? find("NM1*71*"), 9),
      principalDx: el(find("HI*ABK:"), 1)?.split(":")[1],
      total: el(clm, 2),
      lines,
      // 837I: admission as CCYYMMDDHHMM; the discharge day is the statement's through date, DTP*096 its hour
      admission: el(find("DTP*435*"), 3),
      discharge: statement?.[1] === undefined ? undefined : statement[1] + (el(find("DTP*096*TM*"), 3) ?? ""),
      statementFrom: iso(statement?.[0]),
      statementTo: iso(statement?.[1]),
      pos: el(clm, 5)?.split(":")[0],
      spans: [],
      raw: region.join("~"),
      span: [hl20, end],
    };
  };
  const i = segment - 1;
  expect(segs[i]).toMatch(/^(CLM|INS)\*/);
  const rec = build(i);
  let p = i - 1;
  while (p >= 0 && !/^(CLM|INS)\*/.test(segs[p]!)) p--;
  return { rec, previous: p >= 0 ? build(p) : undefined };
}

// ---------------------------------------------------------------------------------------------
// what each record-level defect looks like

const CODES = bundledCodeLists();
const ICD = new Set(CODES.icd10cm);
const PROCEDURES = new Set(CODES.procedures);
const POS = new Set(CODES.placeOfService);

let population: { members: Set<string>; npis: Set<string>; spans: Map<string, { start: string; end: string | null }[]> } | undefined;
function populationOf(): NonNullable<typeof population> {
  if (population) return population;
  const members = csvRecords(bytesOf("eligibility.csv").toString("utf8"));
  const spans = new Map<string, { start: string; end: string | null }[]>();
  for (const m of members) spans.set(m["member_id"]!, [...(spans.get(m["member_id"]!) ?? []), { start: m["coverage_start"]!, end: m["coverage_end"] || null }]);
  const npis = new Set(csvRecords(bytesOf("providers.csv").toString("utf8")).map((p) => p["npi"]!));
  population = { members: new Set(spans.keys()), npis, spans };
  return population;
}

const lineIndex = (field: string): number => Number(/^lines\[(\d+)\]/.exec(field)?.[1] ?? 0);
const spanIndex = (field: string): number => Number(/^coverage\[(\d+)\]/.exec(field)?.[1] ?? 0);

function expectRecordDefect(code: string, d: DefectEntry, rec: Rec, previous: Rec | undefined, kind: string, family: string): void {
  const field = d.locator.field ?? "";
  switch (code) {
    case "REC_MISSING_MEMBER_ID":
      expect(rec.memberId).toBe("");
      break;
    case "REC_MISSING_NPI":
      expect(kind === "providers" ? rec.npi : rec.billingNpi).toBe("");
      break;
    case "REC_MISSING_BIRTH_DATE":
      expect(rec.birthDate ?? "").toBe("");
      break;
    case "REC_MISSING_PRINCIPAL_DX":
      expect(rec.principalDx).toBe("");
      break;
    case "REC_DX_NOT_IN_LIST":
      expect(rec.principalDx).toMatch(/^[A-Z]\d[0-9A-Z]\d{1,4}$/);
      expect(ICD.has(rec.principalDx!)).toBe(false);
      break;
    case "REC_DX_MALFORMED":
      expect(rec.principalDx).toMatch(/^\d\d[A-Z]\.\d$/);
      break;
    case "REC_UNKNOWN_PROCEDURE": {
      const p = rec.lines[lineIndex(field)]!.procedure!;
      expect(p).toMatch(/^[A-Z]\d{4}$/);
      expect(PROCEDURES.has(p)).toBe(false);
      break;
    }
    case "REC_IMPOSSIBLE_DATE":
      expect(rec.lines[0]!.date).toMatch(/^(\d{4}-02-30|\d{4}0230)$/);
      break;
    case "REC_WRONG_DATE_FORMAT":
      // MM/DD/YYYY in CSV and NDJSON, CCYY-MM-DD in X12
      expect(rec.lines[0]!.date).toMatch(family === "x12" ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{2}\/\d{2}\/\d{4}$/);
      break;
    case "REC_FUTURE_SERVICE_DATE":
      expect(iso(rec.lines[0]!.date)! > "2025-12-31").toBe(true);
      if (rec.statementFrom) expect(rec.statementFrom).toBe(iso(rec.lines[0]!.date));
      break;
    case "REC_OUTSIDE_ELIGIBILITY": {
      const spans = populationOf().spans.get(rec.memberId || rec.subscriberId || "") ?? [];
      expect(spans.length).toBeGreaterThan(0);
      for (const l of rec.lines) {
        const day = iso(l.date)!;
        for (const s of spans) expect(day >= s.start && (s.end === null || day <= s.end)).toBe(false);
      }
      break;
    }
    case "REC_DISCHARGE_BEFORE_ADMISSION":
      expect(rec.discharge! < rec.admission!, `discharged ${rec.discharge}, admitted ${rec.admission}`).toBe(true);
      break;
    case "REC_NEGATIVE_LINE_CHARGE":
      expect(cents(rec.lines[0]!.charge)).toBeLessThan(0);
      expect(cents(rec.total)).toBe(rec.lines.reduce((n, l) => n + cents(l.charge), 0));
      break;
    case "REC_TOTAL_MISMATCH":
      expect(cents(rec.total)).not.toBe(rec.lines.reduce((n, l) => n + cents(l.charge), 0));
      break;
    case "REC_NPI_CHECK_DIGIT":
      expect(isValidNpi(kind === "providers" ? rec.npi! : rec.individualNpi!)).toBe(false);
      break;
    case "REC_MEMBER_NOT_IN_POPULATION":
      expect(rec.memberId).toMatch(/^SYNM\d{10}$/);
      expect(populationOf().members.has(rec.memberId!)).toBe(false);
      break;
    case "REC_NPI_NOT_IN_POPULATION":
      expect(isValidNpi(rec.individualNpi!)).toBe(true);
      expect(populationOf().npis.has(rec.individualNpi!)).toBe(false);
      break;
    case "REC_DUPLICATE_CLAIM":
      expect(previous?.raw).toBe(rec.raw);
      break;
    case "REC_CONFLICTING_DUPLICATE":
      expect(previous?.id).toBe(rec.id);
      expect(cents(rec.total)).not.toBe(cents(previous!.total));
      expect(cents(rec.total)).toBe(rec.lines.reduce((n, l) => n + cents(l.charge), 0));
      break;
    case "REC_INVALID_SEX":
      expect(rec.sex).toBe("Q");
      break;
    case "REC_ZERO_UNITS":
      expect(rec.lines[lineIndex(field)]!.units).toBe("0");
      break;
    case "REC_INVALID_POS":
      expect(rec.pos).toMatch(/^\d\d$/);
      expect(POS.has(rec.pos!)).toBe(false);
      break;
    case "ELIG_OVERLAPPING_SPANS": {
      const k = spanIndex(field);
      expect(rec.spans[k]!.end! >= rec.spans[k + 1]!.start!).toBe(true);
      break;
    }
    case "ELIG_SPAN_END_BEFORE_START": {
      const s = rec.spans[spanIndex(field)]!;
      expect(s.end! < s.start!).toBe(true);
      break;
    }
    case "ELIG_TERMINATION_NEVER_ADDED":
      expect(rec.raw).toMatch(/^INS\*Y\*18\*024\*/);
      expect(rec.raw).toMatch(/HD\*024\*/);
      expect(populationOf().members.has(rec.memberId!)).toBe(false);
      break;
    case "PROV_DUPLICATE_NPI":
      expect(rec.npi).toBe(previous?.npi);
      break;
    case "PROV_MISSING_TAXONOMY":
      expect(rec.taxonomy).toBe("");
      break;
    case "PROV_INVALID_STATE_ZIP":
      expect(rec.state).toBe("ZZ");
      expect(rec.zip).toMatch(/^\d{3}$/);
      break;
    case "NDJSON_NOT_JSON":
      break;
    default:
      throw new Error(`no check for ${code}`);
  }
}

// ---------------------------------------------------------------------------------------------
// parsing and confinement

function x12Parses(text: string): boolean {
  try {
    new X12Parser(true).parse(text);
    return true;
  } catch {
    return false;
  }
}

function csvParses(text: string): boolean {
  try {
    csvRecords(text);
    return true;
  } catch {
    return false;
  }
}

function linesParse(text: string): boolean {
  return text.split("\n").every((l) => {
    if (l.trim() === "") return true;
    try {
      JSON.parse(l);
      return true;
    } catch {
      return false;
    }
  });
}

/** The units (CSV/NDJSON lines, X12 segments with SE01 masked) that differ: [from, toIn) in the input, [from, toOut) in the output. */
function changed(family: string, input: string, output: string): { from: number; toIn: number; toOut: number } {
  const split = (t: string): string[] => (family === "x12" ? segmentsOf(t).map((s) => s.replace(/^SE\*\d+\*/, "SE*#*")) : t.split("\n"));
  const a = split(input);
  const b = split(output);
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { from: p, toIn: a.length - s, toOut: b.length - s };
}

const RECORD_LEVEL = new Set(DEFECTS.filter((d) => d.level === "record" || d.level === "field").map((d) => d.code));

/** Every check of one corrupted output against its input. */
function checkOutput(code: string, key: string, input: Buffer, output: Buffer, entry: ManifestLike["files"][number], like?: Buffer): void {
  const family = familyOf(key);
  const kind = kindOf(key);
  const inText = (input[0] === 0x1f ? gunzipSync(input) : input).toString("utf8");
  const d = entry.defects.find((x) => x.code === code)!;
  expect(d, `${code} in the manifest`).toBeDefined();
  expect(entry.defects).toHaveLength(1);
  const def = DEFECTS.find((x) => x.code === code)!;
  expect(d.level).toBe(def.level);
  expect(d.expected).toBe(def.expected);
  expect(typeof d.locator).toBe("object");
  const { load, reject, flag } = entry.expected;
  expect(load + reject).toBe(entry.records);
  expect(flag).toBeLessThanOrEqual(load);
  if (def.expected === "reject-file") expect(entry.expected).toEqual({ load: 0, reject: entry.records, flag: 0 });

  if (RECORD_LEVEL.has(code)) {
    expect(reject).toBe(1);
    const text = output.toString("utf8");
    expect(d.locator.recordIndex).toEqual(expect.any(Number));
    expect(d.locator.recordId).toEqual(expect.any(String));
    expect(d.locator.field).toEqual(expect.any(String));
    if (code === "NDJSON_NOT_JSON") {
      const line = text.split("\n")[d.locator.line! - 1]!;
      expect(() => JSON.parse(line)).toThrow();
      expect(line).toContain(d.locator.recordId);
      const c = changed(family, inText, text);
      expect([c.from, c.toOut]).toEqual([d.locator.line! - 1, d.locator.line!]);
      return;
    }
    // the defect is at the locator
    const at = family === "csv" ? csvRecordAt(text, d.locator.line!, kind) : family === "ndjson" ? ndjsonRecordAt(text, d.locator.line!) : x12RecordAt(text, d.locator.segment!);
    if (!["REC_MISSING_MEMBER_ID", "REC_MEMBER_NOT_IN_POPULATION", "REC_MISSING_NPI", "REC_NPI_CHECK_DIGIT", "PROV_DUPLICATE_NPI", "ELIG_TERMINATION_NEVER_ADDED"].includes(code)) expect(at.rec.id).toBe(d.locator.recordId);
    expectRecordDefect(code, d, at.rec, at.previous, kind, family);
    // business rules leave the file parseable
    if (family === "csv") {
      expect(csvParses(text)).toBe(true);
      expect(parseCsv(text)[0]).toEqual(parseCsv(inText)[0]);
    } else if (family === "ndjson") expect(linesParse(text)).toBe(true);
    else expect(x12Parses(text)).toBe(true);
    // nothing outside the record changed
    const c = changed(family, inText, text);
    expect(c.toOut).toBeGreaterThan(c.from);
    expect(c.from).toBeGreaterThanOrEqual(at.rec.span[0]);
    expect(c.toOut).toBeLessThanOrEqual(at.rec.span[1]);
    return;
  }

  // file and transaction level
  const outRaw = output;
  const text = outRaw.toString("utf8");
  const header = inText.slice(0, inText.indexOf("\n"));
  switch (code) {
    case "FILE_TRUNCATED":
      expect(inText.startsWith(text)).toBe(true);
      expect(text.length).toBeLessThan(inText.length);
      if (family === "csv") expect(csvParses(text)).toBe(false);
      if (family === "ndjson") expect(() => JSON.parse(text.trimEnd().split("\n").at(-1)!)).toThrow();
      if (family === "x12") expect(x12Parses(text) ? new X12Parser(true).parse(text) : undefined).not.toHaveProperty("trailer.tag", "IEA");
      expect(d.locator.recordIndex).toEqual(expect.any(Number));
      break;
    case "FILE_EMPTY":
      expect(outRaw.length).toBe(0);
      expect(entry.records).toBe(0);
      break;
    case "FILE_INVALID_UTF8": {
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(outRaw)).toThrow();
      const at = outRaw.indexOf(Buffer.from([0xc3, 0x28]));
      expect(Buffer.concat([outRaw.subarray(0, at), outRaw.subarray(at + 2)]).equals(Buffer.from(inText))).toBe(true);
      expect(d.locator.recordIndex).toEqual(expect.any(Number));
      break;
    }
    case "FILE_BOM":
      expect([...outRaw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(outRaw.subarray(3).toString("utf8")).toBe(inText);
      break;
    case "FILE_MIXED_LINE_ENDINGS":
      expect(text).toMatch(/\r\n/);
      expect(text).toMatch(/[^\r]\n/);
      expect(text.replace(/\r\n/g, "\n")).toBe(inText);
      if (family === "csv") expect(csvParses(text)).toBe(true);
      break;
    case "FILE_GZIP_NOT_GZIP":
      expect(outRaw[0]).not.toBe(0x1f);
      expect(text).toBe(inText);
      break;
    case "FILE_GZIP_CORRUPT":
      expect([outRaw[0], outRaw[1]]).toEqual([0x1f, 0x8b]);
      expect(() => gunzipSync(outRaw)).toThrow();
      break;
    case "CSV_WRONG_DELIMITER":
      expect(parseCsv(text)[0]).toHaveLength(1);
      expect(text.replace(/;/g, ",")).toBe(inText);
      break;
    case "CSV_MISSING_HEADER":
      expect(text).toBe(inText.slice(header.length + 1));
      expect(d.locator).toEqual({ line: 1, field: "header" });
      break;
    case "CSV_EXTRA_COLUMN": {
      expect(csvParses(text)).toBe(false);
      const c = changed(family, inText, text);
      expect([c.from, c.toOut]).toEqual([d.locator.line! - 1, d.locator.line!]);
      expect(text.split("\n")[d.locator.line! - 1]).toMatch(/,EXTRA$/);
      break;
    }
    case "CSV_MISSING_COLUMN": {
      const inRows = parseCsv(inText);
      const outRows = parseCsv(text);
      expect(outRows.map((r) => r.length)).toEqual(inRows.map((r) => r.length - 1));
      expect(outRows[0]).toEqual([inRows[0]![0], ...inRows[0]!.slice(2)]);
      break;
    }
    case "CSV_UNBALANCED_QUOTE": {
      expect(() => parseCsv(text)).toThrow();
      const c = changed(family, inText, text);
      expect(c.from).toBe(d.locator.line! - 1);
      expect(text.split("\n")[d.locator.line! - 1]!.startsWith('"')).toBe(true);
      break;
    }
    case "NDJSON_JSON_ARRAY": {
      expect(() => JSON.parse(text.split("\n")[0]!)).toThrow();
      const docs = inText.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
      expect(JSON.parse(text)).toEqual(docs);
      break;
    }
    case "X12_SE01_COUNT":
    case "X12_SE02_MISMATCH":
    case "X12_GE01_COUNT":
    case "X12_IEA02_MISMATCH":
    case "X12_ISA_LENGTH": {
      expect(x12Parses(text)).toBe(false);
      const segs = segmentsOf(text);
      const c = changed("x12-raw", inText.replace(/~/g, "\n"), text.replace(/~/g, "\n"));
      expect(c.toOut - c.from).toBe(1); // one segment changed
      expect(segs[d.locator.segment! - 1]!.slice(0, 3)).toBe({ X12_SE01_COUNT: "SE*", X12_SE02_MISMATCH: "SE*", X12_GE01_COUNT: "GE*", X12_IEA02_MISMATCH: "IEA", X12_ISA_LENGTH: "ISA" }[code]);
      if (code === "X12_ISA_LENGTH") expect(segs[0]!.length + 1).toBe(105);
      break;
    }
    case "X12_MISSING_IEA":
      expect(segmentsOf(text).some((s) => s.startsWith("IEA*"))).toBe(false);
      expect(new X12Parser(true).parse(text)).not.toHaveProperty("trailer.tag", "IEA");
      expect(inText.startsWith(text)).toBe(true);
      break;
    case "X12_UNKNOWN_SEGMENT": {
      const segs = segmentsOf(text);
      expect(segs[d.locator.segment! - 1]).toBe("ZZZ*HCSYNTH");
      expect(segs[d.locator.segment!]).toMatch(/^SE\*/);
      // SE01 counts it: no second defect, node-x12's strict counts hold
      expect(x12Parses(text)).toBe(true);
      expect(segs.filter((s) => !s.startsWith("ZZZ*")).join("~").replace(/SE\*\d+\*/g, "SE*")).toBe(segmentsOf(inText).join("~").replace(/SE\*\d+\*/g, "SE*"));
      break;
    }
    case "X12_DUPLICATE_ISA13": {
      const isa13 = (t: string): string => el(segmentsOf(t)[0], 13)!;
      expect(isa13(text)).toBe(isa13(like!.toString("utf8")));
      expect(isa13(text)).not.toBe(isa13(inText));
      expect(el(segmentsOf(text).find((s) => s.startsWith("IEA*")), 2)).toBe(isa13(text));
      break;
    }
    default:
      throw new Error(`no check for ${code}`);
  }
}

// ---------------------------------------------------------------------------------------------
// which codes apply where

/** Whether `code` applies to the generated file `key` (the corrupt command's documented support). */
function applies(code: string, key: FileKey): boolean {
  const d = DEFECTS.find((x) => x.code === code)!;
  const family = familyOf(key);
  const kind = kindOf(key);
  if (!(d.kinds as readonly string[]).includes(kind)) return false;
  if (d.formats.includes("gzip")) return false; // gzip codes are tested on gzipped inputs
  if (code === "ELIG_TERMINATION_NEVER_ADDED") return key === "eligibility.834";
  if (!(d.formats as readonly string[]).includes(family)) return false;
  if (code === "REC_INVALID_POS" && key.endsWith(".837i")) return false; // CLM05-1 is the facility code in an 837I
  if (code === "REC_DISCHARGE_BEFORE_ADMISSION" && key.endsWith(".837p")) return false; // no admission date in an 837P
  return true;
}

/** Extra flags some codes need. */
function extraFor(code: string): string[] {
  if (code === "X12_DUPLICATE_ISA13") return ["--like", path("claims.837i")];
  if (code === "REC_OUTSIDE_ELIGIBILITY") return ["--eligibility", path("eligibility.csv")];
  return [];
}

/** One representative file per format family (and kind) for the CLI matrix. */
function representative(code: string): FileKey[] {
  const all = (Object.keys(FILES) as FileKey[]).filter((k) => applies(code, k));
  const picked: FileKey[] = [];
  for (const family of ["csv", "ndjson", "x12"]) {
    const ofFamily = all.filter((k) => familyOf(k) === family);
    const claims = ofFamily.find((k) => k.startsWith("claims."));
    const pick = claims ?? ofFamily[0];
    if (pick) picked.push(pick);
    // X12 envelope codes: also an 834 (many transaction sets)
    if (family === "x12" && code.startsWith("X12_") && pick !== "eligibility.834") picked.push("eligibility.834");
  }
  return picked;
}

const CLI_CASES: [string, FileKey][] = DEFECTS.filter((d) => !d.formats.includes("gzip")).flatMap((d) => representative(d.code).map((k) => [d.code, k] as [string, FileKey]));

// ---------------------------------------------------------------------------------------------

describe("hcsynth corrupt: every code on each applicable format (CLI)", () => {
  it("covers every non-gzip code of the catalogue", () => {
    const covered = new Set(CLI_CASES.map(([c]) => c));
    for (const d of DEFECTS) if (!d.formats.includes("gzip")) expect(covered.has(d.code), d.code).toBe(true);
  });

  it.concurrent.each(CLI_CASES)("%s on %s", async (code, key) => {
    const out = join(work, `${code}.${key}.out`);
    const r = await hcsynthAsync(["corrupt", path(key), "--defects", code, "--seed", "3", "--out", out, "--force", ...extraFor(code)]);
    expect(r.code, r.stderr).toBe(0);
    const entry = (JSON.parse(readFileSync(`${out}.manifest.json`, "utf8")) as ManifestLike).files[0]!;
    expect(entry.path).toBe(`${code}.${key}.out`);
    checkOutput(code, key, bytesOf(key), readFileSync(out), entry, code === "X12_DUPLICATE_ISA13" ? bytesOf("claims.837i") : undefined);
  });
});

describe("hcsynth corrupt: gzip", () => {
  it("corrupts a gzipped input and gzips the output again", () => {
    const out = join(work, "gz-total.csv.gz");
    const r = corruptCli(join(work, "claims.csv.gz"), "REC_TOTAL_MISMATCH", out);
    expect(r.code, r.stderr).toBe(0);
    expect([r.bytes![0], r.bytes![1]]).toEqual([0x1f, 0x8b]);
    checkOutput("REC_TOTAL_MISMATCH", "claims.csv", bytesOf("claims.csv"), gunzipSync(r.bytes!), r.manifest!.files[0]!);
  });

  it("gzips a plain input when --out ends in .gz", () => {
    const out = join(work, "plain-to-gz.ndjson.gz");
    const r = corruptCli(path("claims.ndjson"), "REC_ZERO_UNITS", out);
    expect(r.code, r.stderr).toBe(0);
    checkOutput("REC_ZERO_UNITS", "claims.ndjson", bytesOf("claims.ndjson"), gunzipSync(r.bytes!), r.manifest!.files[0]!);
  });

  it.each([
    ["FILE_GZIP_CORRUPT", "claims.csv.gz"],
    ["FILE_GZIP_NOT_GZIP", "claims.csv.gz"],
    ["FILE_GZIP_CORRUPT", "claims.837p.x12.gz"],
    ["FILE_GZIP_NOT_GZIP", "claims.837p.x12.gz"],
  ])("%s on %s", (code, name) => {
    const out = join(work, `${code}-${name}`);
    const input = readFileSync(join(work, name));
    const r = corruptCli(join(work, name), code, out);
    expect(r.code, r.stderr).toBe(0);
    checkOutput(code, name, input, r.bytes!, r.manifest!.files[0]!);
  });

  it("refuses FILE_GZIP_* when the output is not gzipped", () => {
    const out = join(work, "not-gz.csv");
    const r = hcsynth(["corrupt", path("claims.csv"), "--defects", "FILE_GZIP_CORRUPT", "--seed", "1", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("FILE_GZIP_CORRUPT");
    expect(existsSync(out)).toBe(false);
  });
});

describe("hcsynth corrupt: every code on every generated file (in process)", () => {
  const like = (): Buffer => bytesOf("claims.837i");
  it.each(DEFECTS.filter((d) => !d.formats.includes("gzip")).map((d) => d.code))("%s", (code) => {
    for (const key of Object.keys(FILES) as FileKey[]) {
      const input = bytesOf(key);
      const run = (): ReturnType<typeof corruptFile> =>
        corruptFile(input, { codes: code, seed: 11, inputName: key, outName: "out", like: like(), eligibility: bytesOf("eligibility.csv") });
      if (!applies(code, key)) {
        expect(run, `${code} on ${key} is refused`).toThrow(UserError);
        continue;
      }
      if (code === "X12_DUPLICATE_ISA13" && key === "claims.837i") continue; // --like is the input itself
      let result: ReturnType<typeof corruptFile>;
      try {
        result = run();
      } catch (error) {
        // a record-level defect may find no suitable record in a small file (e.g. no single-line claim)
        expect(error, `${code} on ${key}`).toBeInstanceOf(UserError);
        expect((error as Error).message).toMatch(/can carry it/);
        continue;
      }
      const entry = { path: "out", format: result.format, records: result.records, bytes: result.bytes.length, sha256: "", defects: result.defects, expected: result.expected };
      checkOutput(code, key, input, Buffer.from(result.bytes), entry, like());
    }
  });
});

describe("hcsynth corrupt: the manifest", () => {
  it("describes the written file", () => {
    const out = join(work, "manifest-check.837p.x12");
    const r = corruptCli(path("claims.837p"), "REC_DUPLICATE_CLAIM", out, [], "9");
    expect(r.code, r.stderr).toBe(0);
    const m = r.manifest!;
    expect(m).toMatchObject({ tool: "hcsynth", seed: 9, source: path("claims.837p"), defectCatalogueVersion: expect.any(String), version: expect.any(String) });
    const f = m.files[0]!;
    expect(f.path).toBe("manifest-check.837p.x12");
    expect(f.format).toBe("x12-837p");
    expect(f.bytes).toBe(r.bytes!.length);
    expect(f.sha256).toBe(createHash("sha256").update(r.bytes!).digest("hex"));
    const inputRecords = segmentsOf(bytesOf("claims.837p").toString()).filter((s) => s.startsWith("CLM*")).length;
    expect(f.records).toBe(inputRecords + 1);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it("applies several codes to different records, and a policy", () => {
    const policyFile = join(work, "policy.json");
    writeFileSync(policyFile, JSON.stringify({ FILE_BOM: "reject-file", REC_ZERO_UNITS: "flag" }));
    const out = join(work, "several.csv");
    const r = corruptCli(path("claims.csv"), "REC_ZERO_UNITS,REC_MISSING_NPI,FILE_BOM", out, ["--policy", policyFile]);
    expect(r.code, r.stderr).toBe(0);
    const f = r.manifest!.files[0]!;
    expect(f.defects.map((d) => d.code)).toEqual(["FILE_BOM", ...f.defects.slice(1).map((d) => d.code)]);
    expect(new Set(f.defects.map((d) => d.code))).toEqual(new Set(["FILE_BOM", "REC_ZERO_UNITS", "REC_MISSING_NPI"]));
    expect(f.defects.find((d) => d.code === "FILE_BOM")!.expected).toBe("reject-file");
    expect(f.defects.find((d) => d.code === "REC_ZERO_UNITS")!.expected).toBe("flag");
    const lines = f.defects.filter((d) => d.level !== "file").map((d) => d.locator.recordId);
    expect(new Set(lines).size).toBe(2);
    expect(f.expected).toEqual({ load: 0, reject: f.records, flag: 0 });
  });
});

describe("hcsynth corrupt: determinism", () => {
  it("gives the same bytes for the same seed and input", () => {
    const a = corruptCli(path("claims.csv"), "REC_NEGATIVE_LINE_CHARGE,REC_DX_NOT_IN_LIST", join(work, "det-a.csv"), [], "5");
    const b = corruptCli(path("claims.csv"), "REC_DX_NOT_IN_LIST,REC_NEGATIVE_LINE_CHARGE", join(work, "det-b.csv"), [], "5");
    expect(a.code, a.stderr).toBe(0);
    expect(b.bytes!.equals(a.bytes!)).toBe(true);
    expect(b.manifest!.files[0]!.defects).toEqual(a.manifest!.files[0]!.defects);
    expect(b.manifest!.files[0]!.sha256).toBe(a.manifest!.files[0]!.sha256);
  });

  it("draws other records under other seeds", () => {
    const ids = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = corruptFile(bytesOf("claims.ndjson"), { codes: "REC_MISSING_MEMBER_ID", seed, inputName: "claims.ndjson", outName: "out" });
      ids.add(r.defects[0]!.locator.recordId!);
    }
    expect(ids.size).toBeGreaterThan(1);
  });
});

describe("hcsynth corrupt: a user's own files", () => {
  const members = [
    "Last Name,First Name,Gender,DOB,Member ID,Plan",
    "Nguyen,An,F,1980-02-03,ACME-1001,GOLD",
    "Okafor,Chidi,M,1975-11-30,ACME-1002,SILVER",
    '"Smith, Jr.",John,M,1990-07-14,ACME-1003,GOLD',
    "Garcia,Maria,F,2001-01-09,ACME-1004,BRONZE",
    "Kowalski,Anna,F,1968-05-21,ACME-1005,GOLD",
  ].join("\n") + "\n";

  it("corrupts a hand-written CSV with other column names and order (REC_MISSING_MEMBER_ID)", () => {
    const input = join(work, "members.csv");
    writeFileSync(input, members);
    const out = join(work, "members-bad.csv");
    const r = corruptCli(input, "REC_MISSING_MEMBER_ID", out, [], "2");
    expect(r.code, r.stderr).toBe(0);
    const f = r.manifest!.files[0]!;
    expect(f).toMatchObject({ format: "csv", kind: "eligibility", records: 5, expected: { load: 4, reject: 1, flag: 0 } });
    const d = f.defects[0]!;
    expect(d).toMatchObject({ code: "REC_MISSING_MEMBER_ID", level: "field", expected: "reject-record", locator: { field: "memberId" } });
    const inLines = members.split("\n");
    const outLines = r.bytes!.toString("utf8").split("\n");
    const row = parseCsv(outLines[d.locator.line! - 1]!)[0]!;
    expect(row[4]).toBe("");
    expect(inLines[d.locator.line! - 1]).toContain(d.locator.recordId);
    outLines.forEach((l, i) => {
      if (i !== d.locator.line! - 1) expect(l).toBe(inLines[i]);
    });
    expect(csvRecords(r.bytes!.toString("utf8"))).toHaveLength(5);
  });

  it("finds aliased columns for other codes (Gender → REC_INVALID_SEX)", () => {
    const input = join(work, "members.csv");
    const r = corruptCli(input, "REC_INVALID_SEX", join(work, "members-sex.csv"), [], "2");
    expect(r.code, r.stderr).toBe(0);
    const d = r.manifest!.files[0]!.defects[0]!;
    expect(parseCsv(r.bytes!.toString("utf8").split("\n")[d.locator.line! - 1]!)[0]![2]).toBe("Q");
  });

  it("changes claim-level fields on every row of a user's multi-row claim, line fields on one", () => {
    const claims = [
      "ClaimNumber,Line,CPT,Units,LineCharge,TotalCharge,MemberID,DOS",
      "C1,1,99213,1,100.00,150.00,M1,2025-03-01",
      "C1,2,81002,1,50.00,150.00,M1,2025-03-01",
      "C2,1,99214,2,200.00,200.00,M2,2025-03-02",
      "C3,1,99213,1,80.00,120.00,M3,2025-03-04",
      "C3,2,36415,1,40.00,120.00,M3,2025-03-04",
    ].join("\n") + "\n";
    const input = join(work, "claims-user.csv");
    writeFileSync(input, claims);
    for (const [code, seed] of [["REC_TOTAL_MISMATCH", "1"], ["REC_NEGATIVE_LINE_CHARGE", "4"]] as const) {
      const r = corruptCli(input, code, join(work, `claims-user-${code}.csv`), [], seed);
      expect(r.code, r.stderr).toBe(0);
      const f = r.manifest!.files[0]!;
      expect(f).toMatchObject({ kind: "claims", records: 3 });
      const id = f.defects[0]!.locator.recordId!;
      const inRows = csvRecords(claims);
      const outRows = csvRecords(r.bytes!.toString("utf8"));
      const totals = new Set(outRows.filter((x) => x["ClaimNumber"] === id).map((x) => x["TotalCharge"]));
      expect(totals.size).toBe(1);
      expect([...totals][0]).not.toBe(inRows.find((x) => x["ClaimNumber"] === id)!["TotalCharge"]);
      outRows.forEach((row, i) => {
        if (row["ClaimNumber"] !== id) expect(row).toEqual(inRows[i]);
      });
      if (code === "REC_NEGATIVE_LINE_CHARGE") {
        const rows = outRows.filter((x) => x["ClaimNumber"] === id);
        expect(Number(rows[0]!["LineCharge"])).toBeLessThan(0);
        expect(cents(rows[0]!["TotalCharge"])).toBe(rows.reduce((n, x) => n + cents(x["LineCharge"]), 0));
      }
    }
  });

  it("refuses an X12 code on a CSV: one line, exit 1, nothing written", () => {
    const out = join(work, "members-x12.csv");
    const r = hcsynth(["corrupt", join(work, "members.csv"), "--defects", "X12_SE01_COUNT", "--seed", "1", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^hcsynth: X12_SE01_COUNT: .*x12/);
    for (const p of [out, `${out}.partial`, `${out}.manifest.json`, `${out}.manifest.json.partial`]) expect(existsSync(p), p).toBe(false);
  });

  it("refuses a claims field the file does not have", () => {
    const out = join(work, "members-dx.csv");
    const r = hcsynth(["corrupt", join(work, "members.csv"), "--defects", "REC_MISSING_BIRTH_DATE,REC_MISSING_PRINCIPAL_DX", "--seed", "1", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("REC_MISSING_PRINCIPAL_DX");
    expect(existsSync(out)).toBe(false);
  });
});

describe("hcsynth corrupt: refusals", () => {
  const refuse = (args: string[], pattern: RegExp): void => {
    const out = join(work, `refused-${Math.random().toString(36).slice(2)}.out`);
    const r = hcsynth(["corrupt", ...args, "--out", out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.manifest.json`)).toBe(false);
  };

  it("unknown codes", () => refuse([path("claims.csv"), "--defects", "REC_NOPE", "--seed", "1"], /unknown defect code "REC_NOPE"/));
  it("X12_DUPLICATE_ISA13 without --like", () => refuse([path("claims.837p"), "--defects", "X12_DUPLICATE_ISA13", "--seed", "1"], /X12_DUPLICATE_ISA13: .*--like/));
  it("ELIG_TERMINATION_NEVER_ADDED on an 837", () => refuse([path("claims.837p"), "--defects", "ELIG_TERMINATION_NEVER_ADDED", "--seed", "1"], /ELIG_TERMINATION_NEVER_ADDED: .*834/));
  it("REC_INVALID_POS on an 837I", () => refuse([path("claims.837i"), "--defects", "REC_INVALID_POS", "--seed", "1"], /REC_INVALID_POS: .*place of service/));
  it("REC_OUTSIDE_ELIGIBILITY without --eligibility", () => refuse([path("claims.csv"), "--defects", "REC_OUTSIDE_ELIGIBILITY", "--seed", "1"], /--eligibility/));
  it("two file-level codes", () => refuse([path("claims.csv"), "--defects", "FILE_BOM,CSV_MISSING_HEADER", "--seed", "1"], /at most one file/));
  it("a CSV code on NDJSON", () => refuse([path("claims.ndjson"), "--defects", "CSV_MISSING_HEADER", "--seed", "1"], /CSV_MISSING_HEADER: .*csv files/));
  it("a bad seed", () => refuse([path("claims.csv"), "--defects", "FILE_BOM", "--seed", "x"], /--seed/));

  it("an existing --out without --force", () => {
    const out = join(work, "exists.csv");
    writeFileSync(out, "keep me\n");
    const r = hcsynth(["corrupt", path("claims.csv"), "--defects", "FILE_BOM", "--seed", "1", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exists \(use --force/);
    expect(readFileSync(out, "utf8")).toBe("keep me\n");
    const forced = hcsynth(["corrupt", path("claims.csv"), "--defects", "FILE_BOM", "--seed", "1", "--out", out, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
  });
});

describe("hcsynth corrupt: X12 with other delimiters and line breaks", () => {
  it("reads the delimiters from the ISA and keeps the file's line breaks", () => {
    const dir = tempDir("hcsynth-corrupt-delims-");
    const g = hcsynth(["generate", "--seed", "4", "--out", dir, "--kinds", "claims", "--formats", "x12", "--members", "30", "--providers", "8", "--claims", "20", "--element-separator", "|", "--component-separator", ">", "--segment-terminator", "!", "--segment-newline", "--workers", "1"]);
    expect(g.code, g.stderr).toBe(0);
    const input = join(dir, "claims", "claims-00000.837p.x12");
    const inText = readFileSync(input, "utf8");
    const out = join(dir, "dup.x12");
    const r = corruptCli(input, "REC_CONFLICTING_DUPLICATE", out);
    expect(r.code, r.stderr).toBe(0);
    const text = r.bytes!.toString("utf8");
    const d = r.manifest!.files[0]!.defects[0]!;
    const lines = text.split("\n");
    expect(lines[d.locator.line! - 1]).toMatch(new RegExp(`^CLM\\|${d.locator.recordId}\\|`));
    expect(d.locator.segment).toBe(d.locator.line);
    expect(x12Parses(text)).toBe(true);
    expect(text.split("\n").every((l) => l === "" || l.endsWith("!"))).toBe(true);
    expect(text.length).toBeGreaterThan(inText.length);
  });
});
