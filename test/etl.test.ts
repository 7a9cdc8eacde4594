/**
 * The ETL core (src/stack/etl): hcsynth files generated through the CLI, streamed from disk through
 * analyze and extract, checked against the manifest's ground truth; documents compared across formats;
 * hostile inputs (garbage, huge lines, a gzip bomb, a large file) fail cleanly in bounded memory.
 */
import { createReadStream, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFECTS } from "../generators/defects/catalogue.js";
import { analyze, extract, NOT_CARRIED } from "../src/stack/etl/index.js";
import type { Analysis, EtlOptions, LoadDoc, Rejection } from "../src/stack/etl/types.js";
import { hcsynth, tempDir } from "./support/cli.js";
import { readManifestFiles, type ManifestDefect as Defect, type ManifestFileEntry as FileEntry } from "./support/manifest.js";

const OPTIONS: EtlOptions = { today: "2025-12-31" };

interface Run {
  analysis: Analysis;
  docs: LoadDoc[];
  rejections: Rejection[];
}

const fromDisk = (path: string) => () => createReadStream(path, { highWaterMark: 64 * 1024 });

function fromBytes(bytes: Uint8Array, chunk = 64 * 1024): () => AsyncIterable<Uint8Array> {
  return async function* () {
    for (let at = 0; at < bytes.byteLength; at += chunk) yield bytes.subarray(at, at + chunk);
  };
}

async function runOn(open: () => AsyncIterable<Uint8Array>, name: string, options: EtlOptions = OPTIONS): Promise<Run> {
  const analysis = await analyze(open, name, options);
  const docs: LoadDoc[] = [];
  const rejections: Rejection[] = [];
  if (!analysis.failure) {
    for await (const item of extract(open, name, analysis, options)) {
      if ("collection" in item) docs.push(item);
      else rejections.push(item);
    }
  }
  return { analysis, docs, rejections };
}

const runFile = (dir: string, path: string): Promise<Run> => runOn(fromDisk(join(dir, path)), path);

function generate(args: string[]): string {
  const dir = tempDir("hcsynth-etl-");
  const r = hcsynth(["generate", "--out", dir, "--workers", "1", ...args]);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

function manifestFiles(dir: string): FileEntry[] {
  const m = readManifestFiles(dir);
  const listed = new Map<string, Defect[]>();
  if (existsSync(join(dir, "defects.jsonl"))) {
    for (const line of readFileSync(join(dir, "defects.jsonl"), "utf8").split("\n")) {
      if (!line) continue;
      const d = JSON.parse(line) as Defect & { path: string };
      listed.set(d.path, [...(listed.get(d.path) ?? []), d]);
    }
  }
  for (const f of m.files) if (f.defectsFile) f.defects = listed.get(f.path) ?? [];
  return m.files;
}

/** Checks that need the database: the lead's loader, not this ETL. */
const DB_BACKED = new Set(["REC_MEMBER_NOT_IN_POPULATION", "REC_NPI_NOT_IN_POPULATION", "REC_OUTSIDE_ELIGIBILITY", "ELIG_TERMINATION_NEVER_ADDED", "X12_DUPLICATE_ISA13"]);

/**
 * Compares what analyze/extract did with one file to its manifest entry; returns the disagreements.
 * Known cases where the file cannot show what the manifest says are handled explicitly (see the notes).
 */
function compare(dir: string, f: FileEntry, run: Run): string[] {
  const out: string[] = [];
  const say = (s: string): void => void out.push(`${f.path}: ${s}`);
  const defects = f.defects ?? [];
  const fileDefect = defects.find((d) => d.level === "file" || d.level === "transaction");
  const recordDefects = defects.filter((d) => d.level === "record" || d.level === "field");
  const { analysis, docs, rejections } = run;
  const x12 = f.format.startsWith("x12");
  const csvClaims = f.format === "csv" && (f.kind === "claims" || f.kind === "encounters");
  const text = (): string => {
    const bytes = readFileSync(join(dir, f.path));
    return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
  };

  // Note 1: a CSV file cut at a row boundary ends with a line feed. For claims, the last claim's lines
  // then fall short of its total (FILE_TRUNCATED); for eligibility nothing shows the cut.
  // Note 2: for the same reason, a total mismatch (total above the lines) on a CSV file's last claim
  // is reported as FILE_TRUNCATED.
  let expectedFailure = fileDefect && fileDefect.expected === "reject-file" && !DB_BACKED.has(fileDefect.code) ? fileDefect.code : undefined;
  if (!expectedFailure && csvClaims && recordDefects.some((d) => d.code === "REC_TOTAL_MISMATCH")) {
    const last = lastRecordOf(text());
    if (recordDefects.some((d) => d.code === "REC_TOTAL_MISMATCH" && d.locator.recordId === last)) expectedFailure = "FILE_TRUNCATED";
  }
  if (expectedFailure === "FILE_TRUNCATED" && f.format === "csv" && f.kind === "eligibility" && text().endsWith("\n")) {
    if (analysis.failure) say(`a CSV cut at a row boundary: expected no failure, got ${analysis.failure.reason}`);
    return out;
  }
  if (expectedFailure) {
    if (analysis.failure?.reason !== expectedFailure) say(`expected failure ${expectedFailure}, got ${JSON.stringify(analysis.failure)}`);
    return out;
  }
  if (analysis.failure) {
    say(`unexpected failure ${JSON.stringify(analysis.failure)}`);
    return out;
  }
  if (analysis.records !== f.records) say(`records ${analysis.records}, manifest ${f.records}`);
  if (fileDefect?.code === "X12_DUPLICATE_ISA13") {
    // the lead's check across files: the ISA13 is returned for it
    if (!/^\d{9}$/.test(analysis.interchangeControlNumber ?? "")) say("no interchange control number");
    return out;
  }
  if (fileDefect?.level === "transaction") {
    if (analysis.badTransactions.length !== 1 || analysis.badTransactions[0]!.reason !== fileDefect.code) say(`expected one bad transaction ${fileDefect.code}, got ${JSON.stringify(analysis.badTransactions.map((t) => t.reason))}`);
  } else if (analysis.badTransactions.length > 0) say(`unexpected bad transactions ${JSON.stringify(analysis.badTransactions.map((t) => t.reason))}`);
  const flagCodes = analysis.flags.map((fl) => fl.reason);
  if (fileDefect?.expected === "flag") {
    if (!flagCodes.includes(fileDefect.code)) say(`missing flag ${fileDefect.code}`);
  } else if (flagCodes.length > 0) say(`unexpected flags ${flagCodes.join(",")}`);

  const inBadTransaction = new Set(analysis.badTransactions.flatMap((t) => t.records));
  const at = new Map<number, Rejection>();
  for (const r of rejections) at.set((x12 ? r.segment : r.line)!, r);
  let expectedRejections = f.expected?.reject ?? 0;
  for (const d of recordDefects) {
    const r = at.get((x12 ? d.locator.segment : d.locator.line)!);
    if (r && inBadTransaction.has(r.recordIndex)) {
      if (r.reason !== analysis.badTransactions.find((t) => t.records.includes(r.recordIndex))!.reason) say(`record ${r.recordIndex} of a bad transaction rejected with ${r.reason}`);
      continue;
    }
    if (DB_BACKED.has(d.code)) {
      if (r) say(`${d.code} at ${x12 ? "segment" : "line"} ${x12 ? d.locator.segment : d.locator.line} rejected as ${r.reason} (expected to load)`);
      if (d.expected !== "flag") expectedRejections--;
      continue;
    }
    if (!r) say(`${d.code} (${d.locator.recordId}, ${x12 ? "segment" : "line"} ${x12 ? d.locator.segment : d.locator.line}) not rejected`);
    else if (r.reason !== d.code) say(`${d.code} (${d.locator.recordId}) rejected as ${r.reason}: ${r.message}`);
  }
  if (rejections.length !== expectedRejections) {
    const unexplained = rejections.filter((r) => !recordDefects.some((d) => (x12 ? d.locator.segment : d.locator.line) === (x12 ? r.segment : r.line)) && !inBadTransaction.has(r.recordIndex));
    say(`${rejections.length} rejections, expected ${expectedRejections}; unexplained: ${JSON.stringify(unexplained.slice(0, 3))}`);
  }
  const loaded = new Set(docs.map((d) => d.recordIndex));
  const rejected = new Set(rejections.map((r) => r.recordIndex));
  if (loaded.size + rejected.size !== f.records) say(`${loaded.size} loaded + ${rejected.size} rejected records ≠ ${f.records}`);
  for (const i of loaded) if (rejected.has(i)) say(`record ${i} both loaded and rejected`);
  return out;
}

/** The claim ID of the last row of a claims CSV. */
function lastRecordOf(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines[lines.length - 1]!.split(",")[0]!;
}

async function compareRun(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const f of manifestFiles(dir)) problems.push(...compare(dir, f, await runFile(dir, f.path)));
  return problems;
}

function withoutPaths(doc: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(doc);
  for (const p of paths) {
    const parts = p.split(".");
    let o: Record<string, unknown> | undefined = copy;
    for (const k of parts.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
    if (o) delete o[parts[parts.length - 1]!];
  }
  return copy;
}

// ------------------------------------------------------------------------------------------ clean files

describe("clean files", () => {
  let plain: string;
  let gzipped: string;
  const runs = new Map<string, Run>();

  beforeAll(async () => {
    const common = ["--seed", "7", "--formats", "csv,ndjson,x12", "--members", "300", "--providers", "60", "--claims", "400", "--encounters", "150", "--records-per-file", "250"];
    plain = generate([...common, "--claims-per-st", "40"]);
    gzipped = generate([...common, "--gzip", "--segment-newline", "--element-separator", "|", "--component-separator", ">", "--segment-terminator", "!", "--eligibility-mode", "change", "--claims-per-st", "9"]);
    for (const f of manifestFiles(plain)) runs.set(f.path, await runFile(plain, f.path));
  });

  it("load every record, reject none, and count records as the manifest does", async () => {
    for (const dir of [plain, gzipped]) {
      for (const f of manifestFiles(dir)) {
        const { analysis, docs, rejections } = dir === plain ? runs.get(f.path)! : await runFile(dir, f.path);
        expect(analysis.failure, f.path).toBeUndefined();
        expect(analysis.format, f.path).toEqual({ container: f.path.endsWith(".gz") ? "gzip" : "plain", format: f.format, kind: f.kind });
        expect(analysis.flags, f.path).toEqual([]);
        expect(analysis.badTransactions, f.path).toEqual([]);
        expect(analysis.records, f.path).toBe(f.records);
        expect(rejections, f.path).toEqual([]);
        expect(new Set(docs.map((d) => d.recordIndex)).size, f.path).toBe(f.records);
        expect(docs.length, f.path).toBe(f.kind === "eligibility" ? 2 * f.records : f.records);
        if (f.format.startsWith("x12")) expect(analysis.interchangeControlNumber, f.path).toMatch(/^\d{9}$/);
        for (const d of docs) {
          expect(d.collection).toBe(f.kind === "eligibility" ? d.collection : f.kind);
          for (const v of Object.values(d.key)) expect(v, `${f.path} key`).not.toBe("");
        }
      }
    }
  });

  it("re-shape hcsynth's NDJSON documents to exactly what was written", () => {
    for (const [path, run] of runs) {
      if (!path.endsWith(".ndjson")) continue;
      const lines = readFileSync(join(plain, path), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      if (path.startsWith("eligibility/")) {
        for (let i = 0; i < lines.length; i++) {
          const [member, eligibility] = run.docs.filter((d) => d.recordIndex === i);
          expect({ ...member!.doc, coverage: eligibility!.doc["coverage"] }).toEqual(lines[i]);
          expect(eligibility!.doc).toEqual({ memberId: lines[i]!["memberId"], coverage: lines[i]!["coverage"] });
          expect(member!.key).toEqual({ memberId: lines[i]!["memberId"] });
        }
      } else {
        expect(run.docs.map((d) => d.doc)).toEqual(lines);
      }
    }
  });

  it("give the same claim, encounter, member and provider documents from CSV, NDJSON and X12", () => {
    const byKey = (kind: string, format: string, collection: string): Map<string, LoadDoc> => {
      const m = new Map<string, LoadDoc>();
      for (const [path, run] of runs) {
        if (!path.startsWith(`${kind}/`)) continue;
        const fmt = path.endsWith(".csv") ? "csv" : path.endsWith(".ndjson") ? "ndjson" : path.endsWith(".837p.x12") ? "x12-837p" : path.endsWith(".837i.x12") ? "x12-837i" : "x12-834";
        if (fmt !== format && !(format === "x12" && fmt.startsWith("x12"))) continue;
        for (const d of run.docs) if (d.collection === collection) m.set(Object.values(d.key).join("/"), d);
      }
      return m;
    };
    for (const kind of ["claims", "encounters"]) {
      const csv = byKey(kind, "csv", kind);
      const ndjson = byKey(kind, "ndjson", kind);
      const x12 = byKey(kind, "x12", kind);
      expect(csv.size).toBeGreaterThan(0);
      expect(csv.size).toBe(ndjson.size);
      expect(x12.size).toBe(ndjson.size);
      let dependents = 0;
      for (const [id, n] of ndjson) {
        expect(csv.get(id)!.doc, id).toEqual(n.doc);
        expect(csv.get(id)!.refs, id).toEqual(n.refs);
        const x = x12.get(id)!;
        const fmt = n.doc["claimType"] === "professional" ? "x12-837p" : "x12-837i";
        const member = n.doc["member"] as Record<string, string>;
        const expected = withoutPaths(n.doc, NOT_CARRIED[fmt]![kind] ?? []);
        if (member["relationshipCode"] !== "18") {
          // 005010 has no member ID for a dependent patient: null, and the subscriber ID is in refs
          dependents++;
          (expected["member"] as Record<string, unknown>)["memberId"] = null;
          expect(x.refs.memberIds).toEqual([member["subscriberId"]]);
        } else {
          expect(x.refs).toEqual(n.refs);
        }
        expect(x.doc, id).toEqual(expected);
        expect(x.refs.npis).toEqual(n.refs.npis);
        expect(x.refs.serviceDates).toEqual(n.refs.serviceDates);
      }
      expect(dependents).toBeGreaterThan(0);
    }
    const members = byKey("eligibility", "ndjson", "members");
    const csvMembers = byKey("eligibility", "csv", "members");
    const csvEligibility = byKey("eligibility", "csv", "eligibility");
    const eligibility = byKey("eligibility", "ndjson", "eligibility");
    const x12Members = byKey("eligibility", "x12", "members");
    const x12Eligibility = byKey("eligibility", "x12", "eligibility");
    expect(x12Members.size).toBe(members.size);
    for (const [id, n] of members) {
      expect(csvMembers.get(id)!.doc).toEqual(withoutPaths(n.doc, NOT_CARRIED["csv"]!["members"]!));
      expect(csvEligibility.get(id)!.doc).toEqual(eligibility.get(id)!.doc);
      // hcsynth's 834 carries every member's own ID in REF*23, dependents included
      const x = x12Members.get(id)!;
      const expected = withoutPaths(n.doc, NOT_CARRIED["x12-834"]!["members"]!);
      expect(x.doc, id).toEqual({ ...expected, maintenanceType: "030" });
      expect(x12Eligibility.get(id)!.doc["coverage"], id).toEqual(eligibility.get(id)!.doc["coverage"]);
    }
    const providers = byKey("providers", "ndjson", "providers");
    const csvProviders = byKey("providers", "csv", "providers");
    expect(csvProviders.size).toBe(providers.size);
    for (const [npi, n] of providers) expect(csvProviders.get(npi)!.doc).toEqual(n.doc);
  });
});

// -------------------------------------------------------------------------------------------- defects

describe("files with defects agree with the manifest", () => {
  it("at --defect-rate 0.1 --defective-files 0.5", async () => {
    const dir = generate(["--seed", "11", "--formats", "csv,ndjson,x12", "--members", "400", "--providers", "80", "--claims", "1200", "--encounters", "300", "--records-per-file", "120", "--defect-rate", "0.1", "--defective-files", "0.5"]);
    expect(await compareRun(dir)).toEqual([]);
  });

  it("gzipped, with other X12 delimiters, small transaction sets and an 834 change file", async () => {
    const dir = generate([
      "--seed", "12", "--formats", "csv,ndjson,x12", "--members", "400", "--providers", "80", "--claims", "1200", "--encounters", "300", "--records-per-file", "120",
      "--defect-rate", "0.1", "--defective-files", "0.5", "--gzip", "--element-separator", "|", "--component-separator", ">", "--segment-terminator", "!",
      "--segment-newline", "--claims-per-st", "7", "--eligibility-mode", "change",
    ]);
    expect(await compareRun(dir)).toEqual([]);
  });

  const codes = DEFECTS.map((d) => ({ code: d.code, level: d.level }));
  it.each(codes)("$code", async ({ code, level }) => {
    const recordLevel = level === "record" || level === "field";
    const args = ["--seed", "9", "--formats", "csv,ndjson,x12", "--members", "200", "--providers", "40", "--claims", "300", "--encounters", "100", "--records-per-file", "100", "--defects", code];
    args.push(...(recordLevel ? ["--defect-rate", "0.3"] : ["--defective-files", "1"]));
    if (code.startsWith("FILE_GZIP")) args.push("--gzip");
    if (code === "ELIG_TERMINATION_NEVER_ADDED") args.push("--eligibility-mode", "change");
    const dir = generate(args);
    const files = manifestFiles(dir);
    const injected = files.flatMap((f) => (f.defects ?? []).filter((d) => d.code === code).map((d) => ({ f, d })));
    expect(injected.length, "the run injects the code").toBeGreaterThan(0);
    const runs = new Map<string, Run>();
    const problems: string[] = [];
    for (const f of files) {
      const run = await runFile(dir, f.path);
      runs.set(f.path, run);
      problems.push(...compare(dir, f, run));
    }
    expect(problems).toEqual([]);
    if (code === "X12_DUPLICATE_ISA13") {
      // the defective file carries the ISA13 another file of the run has when clean
      const clean = generate(args.filter((a, i) => !["--defects", "--defective-files"].includes(a) && !["--defects", "--defective-files"].includes(args[i - 1]!)));
      const cleanNumbers = new Map<string, string>();
      for (const f of manifestFiles(clean)) if (f.format.startsWith("x12")) cleanNumbers.set(f.path, (await runFile(clean, f.path)).analysis.interchangeControlNumber!);
      for (const { f } of injected) {
        const mine = runs.get(f.path)!.analysis.interchangeControlNumber;
        expect(mine).not.toBe(cleanNumbers.get(f.path));
        expect([...cleanNumbers].some(([p, n]) => p !== f.path && n === mine), `${f.path}: ISA13 ${mine} is another file's`).toBe(true);
      }
    } else if (DB_BACKED.has(code)) checkDatabaseRefs(dir, code, injected, runs);
  });
});

/** The records whose checks need the database load, with what the loader needs in refs / doc / analysis. */
function checkDatabaseRefs(dir: string, code: string, injected: { f: FileEntry; d: Defect }[], runs: Map<string, Run>): void {
  const population = (kind: string): Record<string, unknown>[] =>
    manifestFiles(dir)
      .filter((f) => f.kind === kind && f.format === "ndjson")
      .flatMap((f) => readFileSync(join(dir, f.path), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>));
  const members = new Map(population("eligibility").map((m) => [m["memberId"] as string, m]));
  const npis = new Set(population("providers").map((p) => p["npi"] as string));
  for (const { f, d } of injected) {
    const run = runs.get(f.path)!;
    if (code === "ELIG_TERMINATION_NEVER_ADDED") {
      const terminations = run.docs.filter((x) => x.collection === "eligibility" && x.doc["maintenanceType"] === "024" && !x.refs.memberIds.some((m) => members.has(m)));
      expect(terminations.length, f.path).toBeGreaterThan(0);
      continue;
    }
    const doc = run.docs.find((x) => Object.values(x.key)[0] === d.locator.recordId);
    expect(doc, `${f.path}: ${d.locator.recordId} loads for the database checks`).toBeDefined();
    const refs = doc!.refs;
    if (code === "REC_MEMBER_NOT_IN_POPULATION") expect(refs.memberIds.some((m) => members.has(m))).toBe(false);
    if (code === "REC_NPI_NOT_IN_POPULATION") expect(refs.npis.some((n) => !npis.has(n))).toBe(true);
    if (code === "REC_OUTSIDE_ELIGIBILITY") {
      const spans = (members.get(refs.memberIds.find((m) => members.has(m))!)!["coverage"] as { start: string; end: string | null }[]) ?? [];
      expect(refs.serviceDates.some((day) => !spans.some((s) => s.start <= day && (s.end === null || day <= s.end)))).toBe(true);
    }
  }
}

// ------------------------------------------------------------------------------------------- hostile

/** A seeded byte generator (xorshift32), so that "random garbage" is the same on every run. */
function garbage(length: number, seed = 12345): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const MIB = 1024 * 1024;

describe("hostile inputs fail cleanly", () => {
  it("random bytes", async () => {
    const r = await analyze(fromBytes(garbage(MIB)), "claims/claims-00000.csv", OPTIONS);
    expect(r.failure?.reason).toBe("FILE_INVALID_UTF8");
    const gz = await analyze(fromBytes(garbage(MIB)), "claims/claims-00000.csv.gz", OPTIONS);
    expect(gz.failure?.reason).toBe("FILE_GZIP_NOT_GZIP");
    const printable = new TextEncoder().encode(Array.from(garbage(MIB), (b) => String.fromCharCode(33 + (b % 94))).join(""));
    const p = await analyze(fromBytes(printable), "object", OPTIONS);
    expect(p.failure).toBeDefined();
  });

  it("a gzip stream that breaks part-way, and one that ends early", async () => {
    const text = readFileSync(join(generate(["--seed", "3", "--kinds", "claims", "--formats", "csv", "--claims", "2000", "--members", "100", "--providers", "20"]), "claims", "claims-00000.csv"));
    const gz = gzipSync(text);
    const cut = gz.subarray(0, gz.length >> 1);
    expect((await analyze(fromBytes(cut), "claims.csv.gz", OPTIONS)).failure?.reason).toBe("FILE_GZIP_CORRUPT");
    const flipped = Uint8Array.from(gz);
    for (let i = 12; i < 20; i++) flipped[i] = flipped[i]! ^ 0xff;
    expect((await analyze(fromBytes(flipped), "claims.csv.gz", OPTIONS)).failure?.reason).toBe("FILE_GZIP_CORRUPT");
    expect((await analyze(fromBytes(gz), "claims.csv.gz", OPTIONS)).failure).toBeUndefined();
  });

  it("a 10 MB single line", async () => {
    const line = new TextEncoder().encode("A".repeat(10 * MIB) + "\n");
    expect((await analyze(fromBytes(line), "claims/claims-00000.csv", OPTIONS)).failure?.reason).toBe("ETL_UNRECOGNISED_FORMAT");
    const capped = await analyze(fromBytes(line), "claims/claims-00000.csv", { ...OPTIONS, maxLineBytes: MIB });
    expect(capped.failure?.reason).toBe("ETL_LINE_TOO_LONG");
    expect((await analyze(fromBytes(line.subarray(0, line.length - 1)), "x", { ...OPTIONS, maxLineBytes: MIB })).failure?.reason).toBe("ETL_LINE_TOO_LONG");
    // a 10 MB JSON document is one record: read, then rejected
    const doc = new TextEncoder().encode(JSON.stringify({ claimId: "SYNC0000000001", claimType: "professional", note: "x".repeat(10 * MIB) }) + "\n");
    const run = await runOn(fromBytes(doc), "claims/claims-00000.ndjson");
    expect(run.analysis.failure).toBeUndefined();
    expect(run.analysis.records).toBe(1);
    expect(run.docs).toEqual([]);
    expect(run.rejections).toHaveLength(1);
    // an X12 segment without a terminator in sight
    const isa = "ISA*00*          *00*          *ZZ*HCSYNTH        *ZZ*SYNRECEIVER    *251231*0406*^*00501*490665127*0*T*:~";
    const x12 = new TextEncoder().encode(isa + "GS*HC*" + "X".repeat(10 * MIB));
    expect((await analyze(fromBytes(x12), "claims.837p.x12", { ...OPTIONS, maxLineBytes: MIB })).failure?.reason).toBe("ETL_LINE_TOO_LONG");
  });

  it("a gzip bomb (100 MB of zeros) stops long before inflating it all", async () => {
    const bomb = gzipSync(Buffer.alloc(100 * MIB));
    expect(bomb.length).toBeLessThan(MIB);
    let read = 0;
    const open = () =>
      (async function* () {
        for await (const chunk of fromBytes(bomb, 16 * 1024)()) {
          read += chunk.byteLength;
          yield chunk;
        }
      })();
    const r = await analyze(open, "claims/claims-00000.csv.gz", OPTIONS);
    expect(r.failure?.reason).toBe("ETL_DECOMPRESSED_TOO_LARGE");
    const stopped = Number(/stopped after (\d+) bytes/.exec(r.failure!.message)?.[1]);
    expect(stopped).toBeLessThan(50 * MIB);
    expect(read).toBeLessThanOrEqual(bomb.length);
    // an explicit cap
    const capped = await analyze(fromBytes(bomb), "x.csv.gz", { ...OPTIONS, maxDecompressedBytes: 5 * MIB });
    expect(capped.failure?.reason).toBe("ETL_DECOMPRESSED_TOO_LARGE");
  });

  it("empty, whitespace, a JSON array, truncated files, and extract after a failure", async () => {
    expect((await analyze(fromBytes(new Uint8Array(0)), "claims.csv", OPTIONS)).failure?.reason).toBe("FILE_EMPTY");
    expect((await analyze(fromBytes(gzipSync(Buffer.alloc(0))), "claims.csv.gz", OPTIONS)).failure?.reason).toBe("FILE_EMPTY");
    expect((await analyze(fromBytes(new TextEncoder().encode(" \n\n ")), "claims.csv", OPTIONS)).failure?.reason).toBe("FILE_EMPTY");
    const array = await analyze(fromBytes(new TextEncoder().encode('[{"claimId":"A"}]\n')), "claims/claims-00000.ndjson", OPTIONS);
    expect(array.failure?.reason).toBe("NDJSON_JSON_ARRAY");
    expect(array.format).toEqual({ container: "plain", format: "ndjson", kind: "claims" });
    expect((await analyze(fromBytes(new TextEncoder().encode('{"claimId":"A"}\n{"claimId"')), "c.ndjson", OPTIONS)).failure?.reason).toBe("FILE_TRUNCATED");
    await expect(async () => {
      for await (const _ of extract(fromBytes(new Uint8Array(0)), "x", array, OPTIONS)) void _;
    }).rejects.toThrow(/rejected by analyze/);
  });

  it("a 50 MB file streams through both passes in bounded memory", async () => {
    const dir = generate(["--seed", "4", "--kinds", "claims", "--formats", "csv", "--members", "3000", "--providers", "300", "--claims", "135000", "--records-per-file", "200000"]);
    const path = join(dir, "claims", readdirSync(join(dir, "claims"))[0]!);
    const size = readFileSync(path).length;
    expect(size).toBeGreaterThan(50 * 1000 * 1000);
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    const sample = (): void => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    };
    const analysis = await analyze(fromDisk(path), "claims/claims-00000.csv", OPTIONS);
    sample();
    expect(analysis.failure).toBeUndefined();
    let docs = 0;
    for await (const item of extract(fromDisk(path), "claims/claims-00000.csv", analysis, OPTIONS)) {
      if ("collection" in item && ++docs % 15000 === 0) sample();
    }
    sample();
    expect(docs).toBe(135000);
    // the file is over 50 MB (twice that as JS strings); what stays live is the per-file duplicate map,
    // about 150 bytes a claim
    expect(peak).toBeLessThan(48 * MIB);
  });
});
