/**
 * Rendering a file with defects: the clean rendering of renderFile, with record-level defects applied
 * to chosen records (as entity mutations, so each format shows the defect its own way) and at most one
 * file- or transaction-level defect applied to the text. Every defect is returned with its locator and
 * the expected outcome, together with how many records a correct pipeline loads, rejects and flags.
 */
import { rngFor } from "../core/random.js";
import type { World } from "../core/world.js";
import { isValidNpi, pad } from "../core/identifiers.js";
import { memberCoverage } from "../entities/members.js";
import { entityOf, type Kind } from "../kinds.js";
import type { Claim, Member, Provider } from "../model.js";
import type { RecordWriter } from "../writers/format.js";
import { interchangeControlNumber } from "../writers/x12/envelope.js";
import { resolveX12Options, type X12Options } from "../writers/x12/options.js";
import { defectByCode, expectedOutcome, formatFamily, type DefectDefinition, type DefectLevel, type ExpectedOutcome } from "./catalogue.js";
import { canMutate, mutateRecord } from "./mutations.js";
import { fileCandidates, fileDefectFor, recordCandidates, recordDefectDraw, recordDefectFor, recordTag, stringTag, type DefectOptions } from "./selection.js";
import { hash3 } from "../core/random.js";

export interface DefectLocator {
  /** 1-based line of the file where the defective record (or the defect) starts. */
  line?: number;
  /** X12: 1-based ordinal, in the file, of the defective record's CLM/INS segment, or of the broken segment. */
  segment?: number;
  /** The record's index in the world (claim k, member i, provider j). */
  recordIndex?: number;
  /** The clean record's natural key: claim, encounter or member ID, or NPI. */
  recordId?: string;
  /** The logical field that carries the defect. */
  field?: string;
}

export interface DefectEntry {
  code: string;
  level: DefectLevel;
  expected: ExpectedOutcome;
  locator: DefectLocator;
}

export interface ExpectedCounts {
  load: number;
  reject: number;
  flag: number;
}

/** What the byte sink must do for a gzip-level defect. */
export type GzipDirective = "normal" | "skip" | "corrupt";

export interface DefectiveRenderResult {
  records: number;
  lines: number;
  defects: DefectEntry[];
  expected: ExpectedCounts;
  gzip: GzipDirective;
}

/** The X12 slot of (kind, format): the same numbering as the writers' envelopes. */
export function x12Slot(kind: Kind, format: string): number {
  if (format === "x12-834") return 4;
  return (kind === "encounters" ? 2 : 0) + (format === "x12-837i" ? 1 : 0);
}

function recordIdOf(kind: Kind, record: unknown): string {
  switch (kind) {
    case "claims":
      return (record as Claim).claimId;
    case "encounters":
      return (record as Claim).claimId;
    case "eligibility":
      return (record as Member).memberId;
    case "providers":
      return (record as Provider).npi;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function countFrom(text: string, needle: string, from: number): number {
  let n = 0;
  for (let at = text.indexOf(needle, from); at >= 0; at = text.indexOf(needle, at + 1)) n++;
  return n;
}

/** Occurrences of `needle` that start in text[from, to). */
function countBetween(text: string, needle: string, from: number, to: number): number {
  let n = 0;
  for (let at = text.indexOf(needle, from); at >= 0 && at < to; at = text.indexOf(needle, at + 1)) n++;
  return n;
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) n++;
  return n;
}

/** Removes the second column of every CSV line (our data never quotes a comma). */
function dropSecondColumn(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const a = line.indexOf(",");
      if (a < 0) return line;
      const b = line.indexOf(",", a + 1);
      return b < 0 ? line.slice(0, a) : line.slice(0, a) + line.slice(b);
    })
    .join("\n");
}

/** The file-level defect a spec will get (the same draw renderWithDefects makes), or null. */
export function plannedFileDefect(world: World, spec: DefectiveSpec, options: DefectOptions): DefectDefinition | null {
  const defs = options.codes.map(defectByCode);
  const gzipped = spec.path.endsWith(".gz");
  return fileDefectFor(world, spec.kind, spec.format, spec.fileIndex, options.fileShare, fileCandidates(defs, spec.kind, spec.format, gzipped, spec.filesOfFormat ?? 1));
}

export interface RenderHooks {
  chunkChars: number;
  onProgress?: (indexesDone: number) => void;
  x12?: X12Options;
}

export interface DefectiveSpec {
  kind: Kind;
  format: string;
  path: string;
  fileIndex: number;
  firstIndex: number;
  lastIndex: number;
  filesOfFormat?: number;
}

/**
 * Renders `spec` through `writer` with the defects `options` asks for. Yields text, and byte arrays
 * where a defect needs bytes that are not valid UTF-8.
 */
export function* renderWithDefects(
  world: World,
  spec: DefectiveSpec,
  writer: RecordWriter<unknown>,
  options: DefectOptions,
  hooks: RenderHooks,
): Generator<string | Uint8Array, DefectiveRenderResult, void> {
  const kind = spec.kind;
  const family = formatFamily(spec.format);
  const isX12 = family === "x12";
  const gzipped = spec.path.endsWith(".gz");
  const defs = options.codes.map(defectByCode);
  const policy = options.policy;
  const recordDefs = recordCandidates(defs, kind, spec.format, gzipped);
  const fileDef = plannedFileDefect(world, spec, options);
  const fileCode = fileDef?.code ?? "";
  const entries: DefectEntry[] = [];
  const entry = (d: DefectDefinition, locator: DefectLocator): DefectEntry => ({ code: d.code, level: d.level, expected: expectedOutcome(d, policy), locator });

  const x12 = resolveX12Options(hooks.x12);
  const e = x12.elementSeparator;
  const t = x12.segmentTerminator;
  const afterSegment = t + (x12.newline ? "\n" : "");
  const recordSegment = kind === "eligibility" ? `INS${e}` : `CLM${e}`;

  if (fileCode === "FILE_EMPTY") {
    return { records: 0, lines: 0, defects: [entry(fileDef!, {})], expected: { load: 0, reject: 0, flag: 0 }, gzip: "normal" };
  }

  // Emitted-text bookkeeping: lines and segments before the next character.
  // Lines and segments are counted lazily, only up to where a locator needs them (and at each flush).
  let countedLines = 1;
  let countedSegments = 1;
  let countedTo = 0;
  let buffer = "";
  // Record-level locators' lines, resolved at the next count: a count reads the buffer whole, which
  // copies it into one flat string, so the buffer is counted once per chunk rather than at each defect.
  const deferredLines: { locator: DefectLocator; offset: number }[] = [];
  const sync = (): void => {
    for (let k = 0; k < deferredLines.length; k++) {
      const { locator, offset } = deferredLines[k]!;
      countedLines += countBetween(buffer, "\n", countedTo, offset);
      if (isX12) countedSegments += countBetween(buffer, t, countedTo, offset);
      countedTo = offset;
      locator.line = countedLines;
    }
    deferredLines.length = 0;
    if (countedTo < buffer.length) {
      countedLines += countFrom(buffer, "\n", countedTo);
      if (isX12) countedSegments += countFrom(buffer, t, countedTo);
      countedTo = buffer.length;
    }
  };
  const lineNow = (): number => {
    sync();
    return countedLines;
  };
  const segmentNow = (): number => {
    sync();
    return countedSegments;
  };
  const resetBuffer = (): void => {
    sync();
    buffer = "";
    countedTo = 0;
  };
  const pending: (string | Uint8Array)[] = [];
  let firstText = true;
  const emit = (text: string): void => {
    if (text.length === 0) return;
    if (fileCode === "CSV_WRONG_DELIMITER") text = text.replace(/,/g, ";");
    if (fileCode === "CSV_MISSING_COLUMN") text = dropSecondColumn(text);
    if (firstText && fileCode === "FILE_BOM") text = "\uFEFF" + text;
    firstText = false;
    buffer += text;
  };
  const emitBytes = (bytes: Uint8Array): void => {
    if (buffer) pending.push(buffer);
    resetBuffer();
    pending.push(bytes);
  };

  // The SE of the first transaction set, for the transaction-level defects.
  const seRe = new RegExp(`(^|${escapeRegExp(t)}\\n?)SE${escapeRegExp(e)}(\\d+)${escapeRegExp(e)}(\\d+)`);
  let transactionPatched = false;
  let transactionRecords = -1;
  const patchTransaction = (text: string, recordsSoFar: number): string => {
    if (transactionPatched || !fileDef || fileDef.level !== "transaction") return text;
    const m = seRe.exec(text);
    if (!m) return text;
    transactionPatched = true;
    const at = m.index + m[1]!.length;
    // an SE before this text's own CLM/INS closes a set of earlier records (the 834 closes a set when the payer changes)
    const own = text.indexOf(recordSegment);
    transactionRecords = own >= 0 && at < own ? recordsSoFar - 1 : recordsSoFar;
    const count = Number(m[2]);
    const st02 = m[3]!;
    const segmentOrdinal = segmentNow() + countOf(text.slice(0, at), t);
    let replacement: string;
    let locatorSegment = segmentOrdinal;
    if (fileCode === "X12_SE01_COUNT") replacement = `SE${e}${count + 1}${e}${st02}`;
    else if (fileCode === "X12_SE02_MISMATCH") replacement = `SE${e}${count}${e}${pad((Number(st02) % 9999) + 1, st02.length)}`;
    else {
      // an undefined segment ID inside the set; SE01 counts it, so no second defect arises
      replacement = `ZZZ${e}HCSYNTH${afterSegment}SE${e}${count + 1}${e}${st02}`;
      locatorSegment = segmentOrdinal;
    }
    entries.push(entry(fileDef, { segment: locatorSegment, field: fileCode === "X12_SE02_MISMATCH" ? "SE02" : fileCode === "X12_SE01_COUNT" ? "SE01" : "segment" }));
    return text.slice(0, at) + replacement + text.slice(at + m[0].length - m[1]!.length);
  };

  const patchEnvelopeStart = (text: string): string => {
    if (fileCode === "X12_ISA_LENGTH") {
      entries.push(entry(fileDef!, { segment: 1, line: 1, field: "ISA02" }));
      return text.replace(`ISA${e}00${e}          `, `ISA${e}00${e}         `);
    }
    if (fileCode === "X12_DUPLICATE_ISA13") {
      const slot = x12Slot(kind, spec.format);
      const other = interchangeControlNumber(world.seed, slot, spec.fileIndex === 0 ? 1 : 0);
      const own = pad(interchangeControlNumber(world.seed, slot, spec.fileIndex), 9);
      entries.push(entry(fileDef!, { segment: 1, line: 1, field: "ISA13" }));
      return text.replace(`${e}00501${e}${own}${e}`, `${e}00501${e}${pad(other, 9)}${e}`);
    }
    return text;
  };

  const patchEnvelopeEnd = (text: string): string => {
    const geRe = new RegExp(`GE${escapeRegExp(e)}(\\d+)${escapeRegExp(e)}`);
    const ieaRe = new RegExp(`IEA${escapeRegExp(e)}(\\d+)${escapeRegExp(e)}(\\d+)${escapeRegExp(t)}\\n?`);
    const segmentAt = (index: number): number => segmentNow() + countOf(text.slice(0, index), t);
    if (fileCode === "X12_GE01_COUNT") {
      const m = geRe.exec(text);
      if (m) {
        entries.push(entry(fileDef!, { segment: segmentAt(m.index), field: "GE01" }));
        return text.replace(geRe, `GE${e}${Number(m[1]) + 1}${e}`);
      }
    }
    if (fileCode === "X12_IEA02_MISMATCH" || fileCode === "X12_MISSING_IEA" || fileCode === "X12_DUPLICATE_ISA13") {
      const m = ieaRe.exec(text);
      if (m) {
        if (fileCode === "X12_MISSING_IEA") {
          entries.push(entry(fileDef!, { segment: segmentAt(m.index), field: "IEA" }));
          return text.slice(0, m.index) + text.slice(m.index + m[0].length);
        }
        const own = Number(m[2]);
        const replacementNumber =
          fileCode === "X12_IEA02_MISMATCH" ? (own % 999_999_999) + 1 : interchangeControlNumber(world.seed, x12Slot(kind, spec.format), spec.fileIndex === 0 ? 1 : 0);
        if (fileCode === "X12_IEA02_MISMATCH") entries.push(entry(fileDef!, { segment: segmentAt(m.index), field: "IEA02" }));
        return text.replace(ieaRe, `IEA${e}${m[1]}${e}${pad(replacementNumber, 9)}${afterSegment}`);
      }
    }
    return text;
  };

  // header
  let head = writer.begin();
  if (fileCode === "CSV_MISSING_HEADER") {
    entries.push(entry(fileDef!, { line: 1, field: "header" }));
    head = "";
  }
  if (fileCode === "NDJSON_JSON_ARRAY") {
    entries.push(entry(fileDef!, { line: 1 }));
    head = "[\n";
  }
  if (isX12) head = patchEnvelopeStart(head);
  emit(head);

  const midIndex = spec.firstIndex + Math.floor((spec.lastIndex - spec.firstIndex + 1) / 2);
  const targeted = fileCode === "FILE_TRUNCATED" || fileCode === "FILE_INVALID_UTF8" || fileCode === "CSV_EXTRA_COLUMN" || fileCode === "CSV_UNBALANCED_QUOTE";
  let targetDone = false;
  let records = 0;
  let truncated = false;
  const rejected = new Set<number>();
  const flagged = new Set<number>();
  const memberOfClaim = (c: Claim) => memberCoverage(world, c.memberIndex);
  let previousNpi = "";
  let lastWritten: unknown;

  const tag = recordTag(kind, spec.format);
  const mutationTag = stringTag(`mutation:${kind}/${formatFamily(spec.format)}`);
  let record: unknown;
  const usable = (d: DefectDefinition): boolean => {
    if (d.code === "NDJSON_NOT_JSON") return true;
    if (!canMutate(world, kind, d.code, record)) return false;
    if (isX12) {
      // X12 carries only the subscriber's ID (a dependent patient has none), and an 834 change file only the latest span
      if (d.code === "REC_MISSING_MEMBER_ID" && (record as Claim | Member).relationship !== "18") return false;
      if (d.code === "ELIG_OVERLAPPING_SPANS" && x12.eligibilityMode === "change") return false;
      if (d.code === "ELIG_TERMINATION_NEVER_ADDED" && x12.eligibilityMode !== "change") return false;
    }
    // a duplicate NPI must repeat a valid NPI the file really holds, or it would be a second defect
    if (d.code === "PROV_DUPLICATE_NPI" && !isValidNpi(previousNpi)) return false;
    if (d.code === "REC_FUTURE_SERVICE_DATE") {
      const spans = memberOfClaim(record as Claim).spans;
      return spans[spans.length - 1]!.end === null;
    }
    return true;
  };
  const drawn = recordDefectDraw(world, tag, options.rate, recordDefs);
  // Records drawn for no defect are written as in a clean file, through the writer's fast path where
  // it has one, while no file-level defect needs to see each record's text.
  const writeIndex = kind !== "providers" && writer.writeIndex !== undefined ? writer.writeIndex.bind(writer) : undefined;
  const perRecordText = fileCode === "FILE_MIXED_LINE_ENDINGS" || fileCode === "NDJSON_JSON_ARRAY" || (isX12 && fileDef?.level === "transaction");
  const plainEmit = fileCode !== "CSV_WRONG_DELIMITER" && fileCode !== "CSV_MISSING_COLUMN" && fileCode !== "FILE_BOM";
  const acceptsIndex = writer.acceptsIndex?.bind(writer);
  const chunkChars = hooks.chunkChars;
  /**
   * Writes records from..to as in a clean file, up to the first one drawn for a defect or until the
   * chunk is full; returns the index after the last one written. A small function of its own, so
   * the JIT compiles it (the writer inlined) apart from the rest of this generator.
   */
  const cleanRun = (from: number, to: number): number => {
    for (let i = from; i <= to; i++) {
      if (acceptsIndex !== undefined && !acceptsIndex(i)) continue;
      if (drawn(i)) return i;
      let text: string;
      if (writeIndex !== undefined) {
        const t = writeIndex(i);
        if (t === undefined) continue;
        text = t;
      } else {
        const r = entityOf(world, kind, i);
        if (!writer.accepts(r)) continue;
        text = writer.write(r);
        if (kind === "providers") previousNpi = (r as Provider).npi;
      }
      records++;
      if (plainEmit) buffer += text;
      else emit(text);
      if (buffer.length >= chunkChars) return i + 1;
    }
    return to + 1;
  };
  for (let i = spec.firstIndex; i <= spec.lastIndex && !truncated; i++) {
    if (!perRecordText || transactionPatched) {
      // the records before the next drawn one (or the middle record a targeted file defect breaks)
      const end = targeted && !targetDone ? Math.min(spec.lastIndex, midIndex - 1) : spec.lastIndex;
      if (i <= end) {
        const next = cleanRun(i, end);
        if (buffer.length >= chunkChars) {
          hooks.onProgress?.(next - spec.firstIndex);
          if (buffer) yield buffer;
          resetBuffer();
        }
        if (next > i) {
          i = next - 1;
          continue;
        }
      }
    }
    if (writer.acceptsIndex && !writer.acceptsIndex(i)) continue;
    record = entityOf(world, kind, i);
    if (!writer.accepts(record)) continue;
    const d = recordDefectFor(world, tag, i, options.rate, recordDefs, usable);
    const recordId = d || targeted ? recordIdOf(kind, record) : "";
    // where the record starts: counted only when a defect needs it
    const startOffset = buffer.length;
    let texts: string[];
    let defectiveCopy = -1;
    let field: string | undefined;
    if (d === null) {
      texts = [writer.write(record)];
    } else if (d.code === "NDJSON_NOT_JSON") {
      const text = writer.write(record);
      texts = [text.slice(0, Math.max(1, text.length - 3)) + "\n"];
      defectiveCopy = 0;
      field = "line";
    } else {
      const rng = rngFor(world.seed, "defect", hash3(world.seed, mutationTag, i));
      // only a claim moved outside eligibility needs its member's spans
      const context =
        kind === "claims" || kind === "encounters" ? (d.code === "REC_OUTSIDE_ELIGIBILITY" ? { memberSpans: memberOfClaim(record as Claim).spans } : {}) : { previousNpi };
      const mutation = mutateRecord(world, kind, d.code, record as never, rng, context);
      texts = mutation.records.map((r) => writer.write(r));
      lastWritten = mutation.records[mutation.records.length - 1];
      defectiveCopy = mutation.defectiveIndex;
      field = mutation.field;
    }
    if (kind === "providers") {
      // the NPI the previous record really carries in the file (none readable from a broken line)
      if (d === null) previousNpi = (record as Provider).npi;
      else if (d.code === "NDJSON_NOT_JSON") previousNpi = "";
      else previousNpi = (lastWritten as Provider).npi;
    }

    for (let copy = 0; copy < texts.length; copy++) {
      let text = texts[copy]!;
      const ordinal = records++;
      if (isX12) text = patchTransaction(text, records);
      if (copy === defectiveCopy && d) {
        const locator: DefectLocator = { recordIndex: i, recordId, field };
        if (isX12) {
          const at = text.lastIndexOf(recordSegment);
          locator.segment = segmentNow() + countOf(text.slice(0, Math.max(0, at)), t);
          if (x12.newline) locator.line = lineNow() + countOf(text.slice(0, Math.max(0, at)), "\n");
        } else {
          // the line where the text starts, counted at the next count (the key order stays that of an eager count)
          locator.line = 0;
          deferredLines.push({ locator, offset: buffer.length });
        }
        const en = entry(d, locator);
        entries.push(en);
        if (en.expected === "flag") flagged.add(ordinal);
        else rejected.add(ordinal);
      }
      if (fileCode === "FILE_MIXED_LINE_ENDINGS" && ordinal % 2 === 1) text = text.replace(/\n/g, "\r\n");
      if (fileCode === "NDJSON_JSON_ARRAY") text = (ordinal === 0 ? "" : ",\n") + text.replace(/\n$/, "");
      if (targeted && !targetDone && i >= midIndex) {
        targetDone = true;
        const locator: DefectLocator = { recordIndex: i, recordId, line: lineNow() - countFrom(buffer.slice(startOffset), "\n", 0) };
        if (fileCode === "FILE_TRUNCATED") {
          text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
          truncated = true;
        } else if (fileCode === "CSV_EXTRA_COLUMN") {
          const nl = text.indexOf("\n");
          text = text.slice(0, nl) + ",EXTRA" + text.slice(nl);
          locator.field = "extra";
        } else if (fileCode === "CSV_UNBALANCED_QUOTE") {
          text = '"' + text;
        }
        if (fileCode === "FILE_INVALID_UTF8") {
          const half = Math.floor(text.length / 2);
          emit(text.slice(0, half));
          emitBytes(new Uint8Array([0xc3, 0x28]));
          text = text.slice(half);
        }
        entries.push(entry(fileDef!, locator));
      }
      emit(text);
      if (truncated) break;
    }
    if (buffer.length >= hooks.chunkChars || pending.length > 0) {
      hooks.onProgress?.(i - spec.firstIndex + 1);
      for (const p of pending) yield p;
      pending.length = 0;
      if (buffer) yield buffer;
      resetBuffer();
    }
  }

  if (!truncated) {
    let tail = writer.end();
    if (isX12) {
      tail = patchTransaction(tail, records);
      tail = patchEnvelopeEnd(tail);
    }
    if (fileCode === "NDJSON_JSON_ARRAY") tail += records > 0 ? "\n]\n" : "]\n";
    if (targeted && !targetDone) {
      // no record reached the middle (an X12 file of the other claim type): break the trailer instead
      targetDone = true;
      entries.push(entry(fileDef!, { line: lineNow(), segment: isX12 ? segmentNow() : undefined }));
      if (fileCode === "FILE_TRUNCATED") tail = tail.slice(0, Math.floor(tail.length / 2));
      else if (fileCode === "FILE_INVALID_UTF8") {
        emitBytes(new Uint8Array([0xc3, 0x28]));
      } else if (fileCode === "CSV_EXTRA_COLUMN" || fileCode === "CSV_UNBALANCED_QUOTE") {
        // a CSV range always has records; unreachable in practice
      }
    }
    emit(tail);
  }
  hooks.onProgress?.(spec.lastIndex - spec.firstIndex + 1);
  for (const p of pending) yield p;
  if (buffer) yield buffer;
  sync(); // the lines of the last chunk's locators

  if (fileDef && (fileCode === "FILE_BOM" || fileCode === "FILE_MIXED_LINE_ENDINGS" || fileCode === "FILE_GZIP_NOT_GZIP" || fileCode === "FILE_GZIP_CORRUPT" || fileCode === "CSV_WRONG_DELIMITER" || fileCode === "CSV_MISSING_COLUMN")) {
    entries.unshift(entry(fileDef, fileCode === "CSV_MISSING_COLUMN" ? { line: 1, field: "column 2" } : fileCode === "FILE_BOM" ? { line: 1 } : {}));
  }
  // A transaction-level defect that found no transaction set (an empty interchange) was not applied.
  const fileEntry = fileDef ? entries.find((en) => en.code === fileCode) : undefined;

  // What a correct pipeline does with the file.
  let expected: ExpectedCounts;
  const fileOutcome = fileEntry?.expected;
  if (fileOutcome === "reject-file") expected = { load: 0, reject: records, flag: 0 };
  else {
    if (fileOutcome === "reject-transaction" && transactionRecords >= 0) for (let o = 0; o < transactionRecords; o++) rejected.add(o);
    const flags = fileOutcome === "flag" ? records - rejected.size : [...flagged].filter((o) => !rejected.has(o)).length;
    expected = { load: records - rejected.size, reject: rejected.size, flag: flags };
  }
  const gzip: GzipDirective = fileCode === "FILE_GZIP_NOT_GZIP" ? "skip" : fileCode === "FILE_GZIP_CORRUPT" ? "corrupt" : "normal";
  return { records, lines: writer.lines, defects: entries, expected, gzip };
}
