/**
 * The Glue job's core: format detection, parsing, validation and transformation of one S3 object into
 * DocumentDB documents, as two streaming passes in bounded memory.
 *
 *   const analysis = await analyze(open, key, options);   // pass 1: is the file (and each X12 set) valid?
 *   if (!analysis.failure) for await (const item of extract(open, key, analysis, options)) …   // pass 2
 *
 * Detection: gzip by its magic bytes (a `.gz` name without them is FILE_GZIP_NOT_GZIP); then, after a
 * UTF-8 byte-order mark (stripped, flagged FILE_BOM), `ISA` is X12 (the transaction from GS08/ST03,
 * encounters when BHT06 is RP), `{` NDJSON, `[` a JSON array (NDJSON_JSON_ARRAY), anything else CSV
 * (the kind from the header's column names).
 *
 * Documents are shaped like hcsynth's NDJSON documents whatever the format (records.ts NOT_CARRIED
 * lists what a format lacks). Collections and keys: claims {claimId}, encounters {encounterId},
 * providers {npi}, and for each member a `members` document (without coverage) and an `eligibility`
 * document {memberId, coverage}, both keyed {memberId} — except an X12 834 dependent, whose own member
 * ID the 834 does not carry: memberId null, keyed {subscriberId, ssn}. X12 837 claims of a dependent
 * patient have member.memberId null (005010 has no patient ID); the subscriber ID is in refs.memberIds.
 * An 834 member's documents carry `maintenanceType` (INS03).
 *
 * Left to the database-backed loader: REC_MEMBER_NOT_IN_POPULATION, REC_NPI_NOT_IN_POPULATION,
 * REC_OUTSIDE_ELIGIBILITY (from refs), ELIG_TERMINATION_NEVER_ADDED (maintenanceType 024),
 * X12_DUPLICATE_ISA13 (analysis.interchangeControlNumber).
 */
import { codeSets, ETL_REASONS } from "./codes.js";
import { CsvScanner } from "./csv.js";
import { NdjsonScanner } from "./ndjson.js";
import { RuleContext } from "./records.js";
import { EtlFailure, fail, Input, unwrap } from "./source.js";
import type { Analysis, DetectedFormat, EtlOptions, FileFailure, LoadDoc, Rejection } from "./types.js";
import { X12Scanner } from "./x12.js";

export type { Analysis, BadTransaction, Collection, DetectedFormat, EtlOptions, FileFailure, Flag, LoadDoc, Rejection } from "./types.js";
export { ETL_REASONS } from "./codes.js";
export { NOT_CARRIED } from "./records.js";
export { EtlFailure } from "./source.js";

const DEFAULT_TODAY = "2025-12-31";
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

type Kind = DetectedFormat["kind"];
type Family = "csv" | "ndjson" | "x12";

interface Scanner {
  push(text: string): void;
  end(): void;
}

function settings(options: EtlOptions): { today: string; maxLineBytes: number } {
  const today = options.today ?? DEFAULT_TODAY;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new RangeError(`EtlOptions.today: expected YYYY-MM-DD, got ${JSON.stringify(today)}`);
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!(maxLineBytes > 0)) throw new RangeError(`EtlOptions.maxLineBytes: expected a positive number, got ${maxLineBytes}`);
  return { today, maxLineBytes };
}

/** The kind an object key names (claims/claims-00000.csv), if any. */
export function kindFromName(name: string): Kind | undefined {
  const base = name.slice(name.lastIndexOf("/") + 1);
  for (const text of [base, name]) {
    const m = /(claims|encounters|eligibility|providers)/i.exec(text);
    if (m) return m[1]!.toLowerCase() as Kind;
  }
  return undefined;
}

function x12FormatFromName(name: string): DetectedFormat["format"] | undefined {
  if (/\.837p(\.|$)/i.test(name)) return "x12-837p";
  if (/\.837i(\.|$)/i.test(name)) return "x12-837i";
  if (/\.834(\.|$)/i.test(name)) return "x12-834";
  return undefined;
}

/** The format family from the first non-blank characters, or undefined while more text is needed. */
function detectFamily(head: string, atEnd: boolean, maxLineBytes: number): Family | undefined {
  let i = 0;
  while (i < head.length && /\s/.test(head[i]!)) i++;
  if (i >= head.length) {
    if (atEnd) fail("FILE_EMPTY", "the file holds only white space");
    if (head.length > maxLineBytes) fail(ETL_REASONS.LINE_TOO_LONG, `the file starts with more than ${maxLineBytes} bytes of white space`);
    return undefined;
  }
  const c = head[i]!;
  if (c === "{") return "ndjson";
  if (c === "[") fail("NDJSON_JSON_ARRAY", "the file is a JSON array, not one JSON document per line", { line: 1 + (head.slice(0, i).match(/\n/g)?.length ?? 0) });
  if (c === "I") {
    if (head.length - i < 3 && !atEnd) return undefined;
    if (head.startsWith("ISA", i)) return "x12";
  }
  return "csv";
}

function makeScanner(family: Family, name: string, maxLineBytes: number, extract?: { rules: RuleContext; out: (LoadDoc | Rejection)[]; analysis: Analysis }): CsvScanner | NdjsonScanner | X12Scanner {
  switch (family) {
    case "csv":
      return new CsvScanner({ name, maxLineBytes, extract: extract ? { rules: extract.rules, out: extract.out } : undefined });
    case "ndjson":
      return new NdjsonScanner({
        maxLineBytes,
        kindHint: kindFromName(name),
        extract: extract ? { rules: extract.rules, out: extract.out, kind: extract.analysis.format!.kind } : undefined,
      });
    case "x12":
      return new X12Scanner({
        maxLineBytes,
        extract: extract ? { rules: extract.rules, out: extract.out, bad: new Map(extract.analysis.badTransactions.map((t) => [t.index, t])) } : undefined,
      });
  }
}

function formatOf(scanner: CsvScanner | NdjsonScanner | X12Scanner | undefined, name: string, container: DetectedFormat["container"]): DetectedFormat | undefined {
  if (scanner instanceof X12Scanner) {
    const env = scanner.envelope;
    const format = env.format ?? x12FormatFromName(name);
    const kind = env.kind ?? (format === "x12-834" ? "eligibility" : kindFromName(name));
    if (!format || !kind) return undefined;
    return { container, format, kind };
  }
  if (scanner instanceof CsvScanner || scanner instanceof NdjsonScanner) {
    const kind = scanner.kind ?? kindFromName(name);
    if (!kind) return undefined;
    return { container, format: scanner instanceof CsvScanner ? "csv" : "ndjson", kind };
  }
  return undefined;
}

/**
 * Pass 1: streams the whole object (`name` is its S3 key, for the .gz hint) and decides file-level
 * validity (a FileFailure) and transaction-level validity (X12 badTransactions); counts records;
 * collects file flags. Bounded memory whatever the input.
 */
export async function analyze(open: () => AsyncIterable<Uint8Array>, name: string, options: EtlOptions): Promise<Analysis> {
  const { maxLineBytes } = settings(options);
  const analysis: Analysis = { records: 0, badTransactions: [], flags: [] };
  const input = new Input(open, name, options);
  let scanner: CsvScanner | NdjsonScanner | X12Scanner | undefined;
  let failure: FileFailure | undefined;
  let family: Family | undefined;
  try {
    let head = "";
    for await (const chunk of input.text()) {
      if (scanner) {
        scanner.push(chunk);
        continue;
      }
      head += chunk;
      family = detectFamily(head, false, maxLineBytes);
      if (!family) continue;
      scanner = makeScanner(family, name, maxLineBytes);
      scanner.push(head);
      head = "";
    }
    if (!scanner) {
      family = detectFamily(head, true, maxLineBytes)!;
      scanner = makeScanner(family, name, maxLineBytes);
      scanner.push(head);
    }
    scanner.end();
  } catch (error) {
    if (!(error instanceof EtlFailure)) throw unwrap(error);
    failure = error.failure;
    if (input.container === "gzip" && !failure.reason.startsWith("FILE_GZIP") && failure.reason !== ETL_REASONS.DECOMPRESSED_TOO_LARGE) {
      // garbage from a corrupt deflate stream can look like a content problem: the gzip error is the cause
      const gzipFailure = await input.drain();
      if (gzipFailure?.reason === "FILE_GZIP_CORRUPT") failure = gzipFailure;
    }
  } finally {
    await input.close();
  }

  if (input.bom) analysis.flags.push({ reason: "FILE_BOM", message: "the file starts with a UTF-8 byte-order mark (stripped)" });
  if ((scanner instanceof CsvScanner || scanner instanceof NdjsonScanner) && scanner.mixedLineEndings) {
    analysis.flags.push({ reason: "FILE_MIXED_LINE_ENDINGS", message: "some lines end in CRLF, the others in LF" });
  }
  const format = formatOf(scanner, name, input.container) ?? (family === "ndjson" || failure?.reason === "NDJSON_JSON_ARRAY" ? ndjsonByName(name, input.container) : undefined);
  if (format) analysis.format = format;
  if (scanner) analysis.records = scanner instanceof X12Scanner ? scanner.envelope.records : scanner.records;
  if (scanner instanceof X12Scanner) {
    analysis.badTransactions = scanner.envelope.badTransactions;
    if (scanner.envelope.interchangeControlNumber !== undefined) analysis.interchangeControlNumber = scanner.envelope.interchangeControlNumber;
  }
  if (failure) analysis.failure = failure;
  else if (!analysis.format) analysis.failure = { reason: ETL_REASONS.UNRECOGNISED_FORMAT, message: "the kind of the records (claims, encounters, eligibility, providers) cannot be told" };
  return analysis;
}

function ndjsonByName(name: string, container: DetectedFormat["container"]): DetectedFormat | undefined {
  const kind = kindFromName(name);
  return kind ? { container, format: "ndjson", kind } : undefined;
}

/**
 * Pass 2: streams the object again and yields, in file order, the documents to load (an eligibility
 * record yields its `members` then its `eligibility` document) and one Rejection per rejected record;
 * the records of a bad X12 transaction set are rejected with the set's reason. Never call it for an
 * analysis with a failure. Throws if the object no longer reads the way pass 1 saw it.
 */
export async function* extract(open: () => AsyncIterable<Uint8Array>, name: string, analysis: Analysis, options: EtlOptions): AsyncGenerator<LoadDoc | Rejection> {
  if (analysis.failure) throw new Error(`extract: the file was rejected by analyze (${analysis.failure.reason}); nothing to extract`);
  const format = analysis.format;
  if (!format) throw new Error("extract: the analysis has no format");
  const { today, maxLineBytes } = settings(options);
  const out: (LoadDoc | Rejection)[] = [];
  const rules = new RuleContext(today, codeSets(options));
  const family: Family = format.format === "csv" ? "csv" : format.format === "ndjson" ? "ndjson" : "x12";
  const scanner: Scanner = makeScanner(family, name, maxLineBytes, { rules, out, analysis });
  const input = new Input(open, name, options);
  try {
    for await (const chunk of input.text()) {
      scanner.push(chunk);
      if (out.length > 0) {
        const batch = out.splice(0, out.length);
        yield* batch;
      }
    }
    scanner.end();
    if (out.length > 0) yield* out.splice(0, out.length);
  } catch (error) {
    if (error instanceof EtlFailure) throw new Error(`extract: ${name} no longer reads as analysed: ${error.message}`, { cause: error });
    throw unwrap(error);
  } finally {
    await input.close();
  }
}
