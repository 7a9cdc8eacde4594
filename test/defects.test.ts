/**
 * Defect injection is exact: every listed defect is where its locator says, nothing else differs
 * from the clean output of the same seed, and syntax defects break parsing while business-rule
 * defects leave the file parseable. Every code is exercised on every format it claims.
 */
import { describe, expect, it } from "vitest";
import { X12Parser } from "node-x12";
import {
  createWorld,
  DEFECTS,
  appliesTo,
  entityOf,
  formatByName,
  planFiles,
  renderFile,
  type DefectEntry,
  type FileSpec,
  type Kind,
  type RenderCounts,
  type World,
} from "../generators/index.js";
import { parseCsv } from "./support/csv.js";

const WORLD = { seed: 5, population: { members: 300, providers: 40, claims: 400, encounters: 200 } };
const FORMATS: Record<string, string> = { csv: "csv", ndjson: "ndjson", "x12-837p": "x12", "x12-837i": "x12", "x12-834": "x12" };

interface Rendered {
  text: string;
  bytes: Uint8Array;
  result: RenderCounts;
}

function render(world: World, kind: Kind, format: string, defects?: { code: string; rate: number; fileShare: number }, x12: Record<string, unknown> = {}, recordsPerFile = 10_000, fileIndex = 0): Rendered {
  const specs = planFiles(world, {
    kinds: [kind],
    formats: [FORMATS[format]!],
    recordsPerFile,
    x12,
    ...(defects ? { defects: { rate: defects.rate, fileShare: defects.fileShare, codes: [defects.code] } } : {}),
  });
  const spec = specs.find((s) => s.format === format && s.fileIndex === fileIndex) as FileSpec;
  const it = renderFile(world, spec, { chunkChars: 4096 });
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  let result: RenderCounts;
  for (;;) {
    const step = it.next();
    if (step.done) {
      result = step.value;
      break;
    }
    parts.push(typeof step.value === "string" ? enc.encode(step.value) : step.value);
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), bytes, result };
}

/** The clean text of each record of a file, by writing the records one by one with a fresh writer. */
function cleanRecordTexts(world: World, kind: Kind, format: string): { head: string; records: Map<number, string>; order: number[] } {
  const writer = formatByName(format).open({ world, kind, fileIndex: 0, firstIndex: 0, lastIndex: 10_000 });
  const head = writer.begin();
  const records = new Map<number, string>();
  const order: number[] = [];
  const n = kind === "claims" ? 400 : kind === "encounters" ? 200 : kind === "eligibility" ? 300 : 40;
  for (let i = 0; i < n; i++) {
    const r = entityOf(world, kind, i);
    if (!writer.accepts(r)) continue;
    records.set(i, writer.write(r));
    order.push(i);
  }
  return { head, records, order };
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** CSV/NDJSON: walks the defective text record by record; clean records must be byte-identical, defective ones must differ. */
function checkConfinedTextDefects(world: World, kind: Kind, format: string, defective: string, defects: DefectEntry[]): void {
  const { head, records, order } = cleanRecordTexts(world, kind, format);
  const broken = new Set(defects.map((d) => d.locator.recordIndex));
  expect(defective.startsWith(head)).toBe(true);
  let p = head.length;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const clean = records.get(i)!;
    if (!broken.has(i)) {
      expect(defective.slice(p, p + clean.length), `record ${i} is clean`).toBe(clean);
      p += clean.length;
      continue;
    }
    const d = defects.find((x) => x.locator.recordIndex === i)!;
    // the defective record has the clean record's number of lines, twice over for a duplicate
    const copies = d.code === "REC_DUPLICATE_CLAIM" || d.code === "REC_CONFLICTING_DUPLICATE" ? 2 : 1;
    let lines = (clean.match(/\n/g) ?? []).length * copies;
    let next = p;
    while (lines-- > 0) next = defective.indexOf("\n", next) + 1;
    const segment = defective.slice(p, next);
    expect(segment, `record ${i} carries ${d.code}`).not.toBe(clean);
    expect(d.locator.line, `${d.code} line`).toBeGreaterThanOrEqual(lineOf(defective, p));
    expect(d.locator.line, `${d.code} line`).toBeLessThanOrEqual(lineOf(defective, next));
    p = next;
  }
  expect(p).toBe(defective.length);
}

/** X12: the claim (or member) loops outside the defective records are identical, numbering aside. */
function x12Loops(text: string, kind: Kind): string[] {
  const segments = text.split("~").filter(Boolean);
  const loops: string[] = [];
  let current: string[] | null = null;
  const starts = kind === "eligibility" ? (s: string) => s.startsWith("INS*") : (s: string) => /^HL\*\d+\*\*20\*/.test(s);
  for (const s of segments) {
    if (/^(SE|GE|IEA|ST|BHT|BGN)\*/.test(s) || (kind === "eligibility" && /^(REF\*38|DTP\*007|N1\*)/.test(s)) || (kind !== "eligibility" && /^(NM1\*41|PER\*IC|NM1\*40)/.test(s))) {
      if (current) loops.push(current.join("~"));
      current = null;
      continue;
    }
    if (starts(s)) {
      if (current) loops.push(current.join("~"));
      current = [];
    }
    if (current) current.push(s.replace(/^HL\*\d+\*\d*\*/, "HL*#*#*"));
  }
  if (current) loops.push(current.join("~"));
  return loops;
}

function strictX12(text: string): unknown {
  return new X12Parser(true).parse(text);
}

interface Case {
  code: string;
  kind: Kind;
  format: string;
  x12?: Record<string, unknown>;
}

const cases: Case[] = [];
for (const d of DEFECTS) {
  if (d.formats.includes("gzip")) continue; // applied by the byte sink: see the CLI test below
  for (const kind of d.kinds) {
    for (const format of ["csv", "ndjson", "x12-837p", "x12-837i", "x12-834"]) {
      if (!formatByName(format).kinds.includes(kind)) continue;
      if (!appliesTo(d, kind, format, false)) continue;
      const x12 = d.code === "ELIG_TERMINATION_NEVER_ADDED" ? { eligibilityMode: "change" } : {};
      cases.push({ code: d.code, kind, format, x12 });
    }
  }
}

describe("defect injection", () => {
  const world = createWorld(WORLD);

  it("covers every catalogue code on some format", () => {
    const covered = new Set(cases.map((c) => c.code));
    for (const d of DEFECTS) if (!d.formats.includes("gzip")) expect(covered.has(d.code), d.code).toBe(true);
  });

  it.each(cases)("$code on $kind/$format is exact", ({ code, kind, format, x12 }) => {
    const def = DEFECTS.find((d) => d.code === code)!;
    const recordLevel = def.level === "record" || def.level === "field";
    // a duplicated ISA13 needs a second file to take it from
    const perFile = code === "X12_DUPLICATE_ISA13" ? 100 : 10_000;
    const clean = render(world, kind, format, undefined, x12, perFile);
    const bad = render(world, kind, format, { code, rate: recordLevel ? 0.15 : 0, fileShare: recordLevel ? 0 : 1 }, x12, perFile);
    const defects = bad.result.defects!;
    expect(defects.length, "at least one defect listed").toBeGreaterThan(0);
    for (const d of defects) {
      expect(d.code).toBe(code);
      expect(d.level).toBe(def.level);
      expect(d.expected).toBe(def.expected);
    }
    const ex = bad.result.expected!;
    expect(ex.load + ex.reject).toBe(bad.result.records);

    if (recordLevel) {
      for (const d of defects) {
        expect(d.locator.recordIndex).toBeTypeOf("number");
        expect(d.locator.recordId).toBeTypeOf("string");
        expect(d.locator.field).toBeTypeOf("string");
      }
      if (format === "csv" || format === "ndjson") {
        checkConfinedTextDefects(world, kind, format, bad.text, defects);
        if (format === "csv" && code !== "NDJSON_NOT_JSON") {
          const rows = parseCsv(bad.text);
          const width = rows[0]!.length;
          for (const r of rows) expect(r.length).toBe(width); // still parseable, same shape
        }
        if (format === "ndjson") {
          const lines = bad.text.trimEnd().split("\n");
          const unparseable = lines.filter((l) => {
            try {
              JSON.parse(l);
              return false;
            } catch {
              return true;
            }
          });
          expect(unparseable.length).toBe(code === "NDJSON_NOT_JSON" ? defects.length : 0);
        }
      } else {
        strictX12(bad.text); // business-rule defects leave the interchange parseable, counts right
        const cleanLoops = x12Loops(clean.text, kind);
        const badLoops = x12Loops(bad.text, kind);
        const extra = code === "REC_DUPLICATE_CLAIM" || code === "REC_CONFLICTING_DUPLICATE" || code === "ELIG_TERMINATION_NEVER_ADDED" ? defects.length : 0;
        expect(badLoops.length).toBe(cleanLoops.length + extra);
        const same = badLoops.filter((l) => cleanLoops.includes(l)).length;
        // an exact duplicate is itself a clean loop; every other defective loop differs from every clean one
        const expectedSame = code === "REC_DUPLICATE_CLAIM" ? cleanLoops.length + defects.length : extra > 0 ? cleanLoops.length : cleanLoops.length - defects.length;
        expect(same).toBe(expectedSame);
        for (const d of defects) {
          const segs = bad.text.split("~");
          const seg = segs[d.locator.segment! - 1]!;
          expect(seg.startsWith(kind === "eligibility" ? "INS*" : "CLM*"), `${code} segment ${d.locator.segment}: ${seg}`).toBe(true);
        }
      }
      return;
    }

    // file and transaction level: exactly one defect, and the file is broken the way the code says
    expect(defects.length).toBe(1);
    const c = clean.text;
    const b = bad.text;
    switch (code) {
      case "FILE_EMPTY":
        expect(bad.bytes.length).toBe(0);
        break;
      case "FILE_TRUNCATED":
        expect(b.length).toBeLessThan(c.length);
        expect(c.startsWith(b)).toBe(true);
        expect(b.length).toBeGreaterThan(0);
        if (format === "csv" || format === "ndjson") expect(b.endsWith("\n")).toBe(false); // cut inside a record
        else expect(b.includes("IEA*")).toBe(false);
        break;
      case "FILE_INVALID_UTF8": {
        expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bad.bytes)).toThrow();
        expect(bad.bytes.length).toBe(new TextEncoder().encode(c).length + 2);
        break;
      }
      case "FILE_BOM":
        expect(b).toBe("\uFEFF" + c);
        break;
      case "FILE_MIXED_LINE_ENDINGS":
        expect(b).not.toBe(c);
        expect(b.includes("\r\n")).toBe(true);
        expect(b.replace(/\r\n/g, "\n")).toBe(c);
        break;
      case "CSV_WRONG_DELIMITER":
        expect(b).toBe(c.replace(/,/g, ";"));
        break;
      case "CSV_MISSING_HEADER":
        expect(b).toBe(c.slice(c.indexOf("\n") + 1));
        break;
      case "CSV_MISSING_COLUMN": {
        const rows = parseCsv(b);
        const cleanRows = parseCsv(c);
        expect(rows.length).toBe(cleanRows.length);
        rows.forEach((r, i) => expect(r).toEqual([cleanRows[i]![0], ...cleanRows[i]!.slice(2)]));
        break;
      }
      case "CSV_EXTRA_COLUMN": {
        const rows = parseCsv(b);
        const cleanRows = parseCsv(c);
        const differing = rows.filter((r, i) => r.length !== cleanRows[i]!.length);
        expect(differing).toHaveLength(1);
        expect(differing[0]!.length).toBe(cleanRows[0]!.length + 1);
        expect(b.replace(",EXTRA", "")).toBe(c);
        break;
      }
      case "CSV_UNBALANCED_QUOTE":
        expect(() => parseCsv(b)).toThrow("unbalanced quote");
        expect(b.replace('"', "")).toBe(c);
        break;
      case "NDJSON_JSON_ARRAY": {
        const docs = JSON.parse(b) as unknown[];
        expect(docs).toEqual(c.trimEnd().split("\n").map((l) => JSON.parse(l)));
        break;
      }
      default: {
        // X12 envelope and transaction defects: a strict parser refuses the counts and control numbers it checks
        expect(format.startsWith("x12")).toBe(true);
        expect(() => strictX12(c)).not.toThrow();
        if (["X12_SE01_COUNT", "X12_SE02_MISMATCH", "X12_GE01_COUNT", "X12_IEA02_MISMATCH"].includes(code)) expect(() => strictX12(b), code).toThrow();
        if (code === "X12_DUPLICATE_ISA13") {
          const other = render(world, kind, format, undefined, x12, perFile, 1).text.split("~")[0]!.split("*")[13];
          expect(b.split("~")[0]!.split("*")[13]).toBe(other);
          expect(c.split("~")[0]!.split("*")[13]).not.toBe(other);
          expect(b.split("~").find((x) => x.startsWith("IEA*"))!.split("*")[2]).toBe(other);
        }
        const segs = b.split("~");
        const loc = defects[0]!.locator.segment!;
        if (code === "X12_ISA_LENGTH") expect(segs[0]!.length + 1).toBe(105);
        if (code === "X12_MISSING_IEA") expect(b.includes("IEA*")).toBe(false);
        if (code === "X12_SE01_COUNT" || code === "X12_SE02_MISMATCH") expect(segs[loc - 1]!.startsWith("SE*")).toBe(true);
        if (code === "X12_UNKNOWN_SEGMENT") expect(segs[loc - 1]!).toBe("ZZZ*HCSYNTH");
        if (code === "X12_GE01_COUNT") expect(segs[loc - 1]!.startsWith("GE*")).toBe(true);
        if (code === "X12_IEA02_MISMATCH") expect(segs[loc - 1]!.startsWith("IEA*")).toBe(true);
        // only the broken segments differ
        const cleanSegs = c.split("~");
        const changed = segs.filter((s) => !cleanSegs.includes(s));
        expect(changed.length).toBeLessThanOrEqual(2);
      }
    }
  });

  it("is deterministic and independent of chunking", () => {
    const a = render(world, "claims", "csv", { code: "REC_TOTAL_MISMATCH", rate: 0.1, fileShare: 0 });
    const b = render(world, "claims", "csv", { code: "REC_TOTAL_MISMATCH", rate: 0.1, fileShare: 0 });
    expect(a.text).toBe(b.text);
    expect(a.result.defects).toEqual(b.result.defects);
  });

  it("changes only the header total for REC_TOTAL_MISMATCH and keeps total = lines for REC_NEGATIVE_LINE_CHARGE", () => {
    const bad = render(world, "claims", "csv", { code: "REC_TOTAL_MISMATCH", rate: 0.2, fileShare: 0 });
    const rows = parseCsv(bad.text);
    const header = rows[0]!;
    const col = (r: string[], name: string): string => r[header.indexOf(name)]!;
    const byClaim = new Map<string, string[][]>();
    for (const r of rows.slice(1)) byClaim.set(col(r, "claim_id"), [...(byClaim.get(col(r, "claim_id")) ?? []), r]);
    const cents = (s: string): number => Math.round(Number(s) * 100);
    for (const d of bad.result.defects!) {
      const claimRows = byClaim.get(d.locator.recordId!)!;
      const sum = claimRows.reduce((n, r) => n + cents(col(r, "line_charge")), 0);
      expect(cents(col(claimRows[0]!, "total_charge"))).not.toBe(sum);
    }
    const neg = render(world, "claims", "csv", { code: "REC_NEGATIVE_LINE_CHARGE", rate: 0.2, fileShare: 0 });
    const nrows = parseCsv(neg.text).slice(1);
    const groups = new Map<string, string[][]>();
    for (const r of nrows) groups.set(col(r, "claim_id"), [...(groups.get(col(r, "claim_id")) ?? []), r]);
    for (const d of neg.result.defects!) {
      const claimRows = groups.get(d.locator.recordId!)!;
      expect(claimRows.some((r) => cents(col(r, "line_charge")) < 0)).toBe(true);
      expect(cents(col(claimRows[0]!, "total_charge"))).toBe(claimRows.reduce((n, r) => n + cents(col(r, "line_charge")), 0));
    }
  });
});
