/**
 * X12 005010 in both passes, written from the implementation guides' segment layouts (it shares no
 * code with hcsynth's writers): a tokenizer that takes the delimiters from the ISA, an envelope
 * checker (ISA/IEA, GS/GE, ST/SE counts and control numbers; unknown segment IDs), and, in pass 2,
 * assemblers that rebuild claims from the 837 loops (2000A → 2000B → 2000C → 2300 → 2400) and members
 * from the 834 INS loops.
 */
import { ETL_REASONS, X12_SEGMENT_IDS, reasonRank } from "./codes.js";
import { longerThan } from "./lines.js";
import { finishClaim, finishMember, plainRejection, type ClaimRecord, type LineRecord, type MemberRecord, type RecordMeta, type RuleContext, type Span } from "./records.js";
import { fail } from "./source.js";
import type { BadTransaction, DetectedFormat, LoadDoc, Rejection } from "./types.js";
import { Checks, parseCents, parseDate, parseNumber } from "./values.js";

export interface Segment {
  /** Elements; [0] is the segment ID. */
  el: string[];
  /** 1-based position of the segment in the file. */
  ordinal: number;
  /** 1-based line where the segment starts. */
  line: number;
}

export interface X12Syntax {
  element: string;
  component: string;
  repetition: string;
  terminator: string;
}

const ISA_LENGTH = 106;
/** How far to look for the end of the ISA before calling it malformed. */
const ISA_SEARCH = 4096;

function isWhitespace(code: number): boolean {
  return code === 10 || code === 13 || code === 32 || code === 9;
}

/** Splits the text into segments, with the delimiters read from the ISA. */
export class X12Tokenizer {
  syntax: X12Syntax | undefined;
  private buf = "";
  private ordinal = 0;
  private line = 1;

  constructor(
    private readonly maxBytes: number,
    private readonly onSegment: (seg: Segment) => void,
  ) {}

  push(chunk: string): void {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    if (!this.syntax && !this.readIsa(false)) return;
    this.segments();
  }

  end(): void {
    if (!this.syntax) this.readIsa(true);
    this.segments();
    let i = 0;
    while (i < this.buf.length && isWhitespace(this.buf.charCodeAt(i))) i++;
    if (i < this.buf.length) {
      fail("FILE_TRUNCATED", `the file ends inside segment ${this.ordinal + 1} (no segment terminator ${JSON.stringify(this.syntax!.terminator)})`, {
        segment: this.ordinal + 1,
        line: this.line,
      });
    }
  }

  /** Finds the ISA's delimiters; false while more text is needed. */
  private readIsa(atEnd: boolean): boolean {
    const b = this.buf;
    let start = 0;
    while (start < b.length && isWhitespace(b.charCodeAt(start))) {
      if (b.charCodeAt(start) === 10) this.line++;
      start++;
    }
    if (b.length - start < 4) {
      if (atEnd) fail(ETL_REASONS.UNRECOGNISED_FORMAT, "the interchange ends before its ISA segment does");
      return false;
    }
    if (b.slice(start, start + 3) !== "ISA") fail(ETL_REASONS.UNRECOGNISED_FORMAT, "an X12 interchange must start with an ISA segment");
    const element = b[start + 3]!;
    if (/[A-Za-z0-9\s]/.test(element)) fail("X12_ISA_LENGTH", `the ISA's element separator ${JSON.stringify(element)} is a letter, digit or space`, { segment: 1, line: this.line });
    // ISA16 follows the 16th element separator; the segment terminator follows ISA16
    let at = start + 3;
    for (let n = 0; n < 16; n++) {
      at = b.indexOf(element, at + (n === 0 ? 0 : 1));
      if (at < 0 || at - start > ISA_SEARCH) {
        if (at < 0 && !atEnd && b.length - start <= ISA_SEARCH) return false;
        fail("X12_ISA_LENGTH", "the ISA segment does not have 16 elements", { segment: 1, line: this.line });
      }
    }
    if (at + 2 >= b.length) {
      if (atEnd) fail("FILE_TRUNCATED", "the file ends inside the ISA segment", { segment: 1, line: this.line });
      return false;
    }
    const component = b[at + 1]!;
    const terminator = b[at + 2]!;
    const length = at + 3 - start;
    if (length !== ISA_LENGTH) fail("X12_ISA_LENGTH", `the ISA segment is ${length} characters long with its terminator, not ${ISA_LENGTH}`, { segment: 1, line: this.line });
    const elements = b.slice(start, at + 2).split(element);
    const repetition = elements[11] ?? "";
    if (terminator === element || terminator === component || component === element || /[A-Za-z0-9 ]/.test(terminator)) {
      fail("X12_ISA_LENGTH", `the ISA's delimiters are not distinct (element ${JSON.stringify(element)}, component ${JSON.stringify(component)}, terminator ${JSON.stringify(terminator)})`, { segment: 1, line: this.line });
    }
    this.syntax = { element, component, repetition: repetition.length === 1 ? repetition : "", terminator };
    this.buf = b.slice(start);
    return true;
  }

  private segments(): void {
    const s = this.syntax!;
    const b = this.buf;
    let pos = 0;
    for (;;) {
      const end = b.indexOf(s.terminator, pos);
      if (end < 0) break;
      let from = pos;
      while (from < end && isWhitespace(b.charCodeAt(from))) {
        if (b.charCodeAt(from) === 10) this.line++;
        from++;
      }
      const text = b.slice(from, end);
      pos = end + 1;
      this.ordinal++;
      if (text.length === 0) fail(ETL_REASONS.X12_STRUCTURE, `segment ${this.ordinal} is empty`, { segment: this.ordinal, line: this.line });
      if (longerThan(text, this.maxBytes)) fail(ETL_REASONS.LINE_TOO_LONG, `segment ${this.ordinal} is longer than ${this.maxBytes} bytes`, { segment: this.ordinal, line: this.line });
      const line = this.line;
      if (text.includes("\n")) for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.line++;
      this.onSegment({ el: text.split(s.element), ordinal: this.ordinal, line });
    }
    this.buf = pos === 0 ? b : b.slice(pos);
    if (this.buf.length > this.maxBytes) {
      fail(ETL_REASONS.LINE_TOO_LONG, `segment ${this.ordinal + 1} is longer than ${this.maxBytes} bytes (no terminator ${JSON.stringify(s.terminator)})`, { segment: this.ordinal + 1, line: this.line });
    }
  }
}

const VERSIONS: Readonly<Record<string, { format: DetectedFormat["format"]; set: string }>> = {
  "005010X222A1": { format: "x12-837p", set: "837" },
  "005010X223A2": { format: "x12-837i", set: "837" },
  "005010X220A1": { format: "x12-834", set: "834" },
};

const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

/** The most segments one record (a CLM or INS loop) may have: pass 2 holds a record in memory. */
const MAX_RECORD_SEGMENTS = 100_000;

/** Receives the segments inside transaction sets, with the record each belongs to. */
export interface TransactionHandler {
  begin(transaction: number, format: DetectedFormat["format"], kind: DetectedFormat["kind"]): void;
  /** `record` is the recordIndex of the record the segment starts (CLM/INS), else undefined. */
  segment(seg: Segment, record: number | undefined): void;
  end(transaction: number): void;
}

/** Checks the envelope and counts records; file-level problems throw, transaction-level ones are listed. */
export class X12Envelope {
  format: DetectedFormat["format"] | undefined;
  kind: DetectedFormat["kind"] | undefined;
  interchangeControlNumber: string | undefined;
  records = 0;
  readonly badTransactions: BadTransaction[] = [];
  private state: "start" | "interchange" | "group" | "transaction" | "done" = "start";
  private groups = 0;
  private gs06 = "";
  private groupVersion = "";
  private sets = 0;
  private transaction = -1;
  private st02 = "";
  private stSegments = 0;
  private txProblems: { reason: string; message: string }[] = [];
  private txRecords: number[] = [];
  private txFormat: DetectedFormat["format"] | undefined;
  private recordSegment = "";
  private recordSegments = 0;

  constructor(private readonly handler?: TransactionHandler) {}

  segment(seg: Segment): void {
    const id = seg.el[0]!;
    const at = { segment: seg.ordinal, line: seg.line };
    const e = (i: number): string => (seg.el[i] ?? "").trim();
    if (this.state === "transaction" && id !== "SE") {
      this.stSegments++;
      if (id === "ST") fail(ETL_REASONS.X12_STRUCTURE, `segment ${seg.ordinal}: ST before the SE of transaction set ${this.st02}`, at);
      if (!SEGMENT_ID.test(id) || !X12_SEGMENT_IDS.has(id)) {
        if (!this.txProblems.some((p) => p.reason === "X12_UNKNOWN_SEGMENT")) {
          this.txProblems.push({ reason: "X12_UNKNOWN_SEGMENT", message: `segment ${seg.ordinal}: ${JSON.stringify(id)} is not an X12 segment ID of the ${this.txFormat} guide` });
        }
        return;
      }
      if (id === "BHT" && this.txFormat !== "x12-834") this.setKind(e(6) === "RP" ? "encounters" : "claims", at);
      let record: number | undefined;
      if (id === this.recordSegment) {
        record = this.records++;
        this.txRecords.push(record);
        this.recordSegments = 0;
      } else if (++this.recordSegments > MAX_RECORD_SEGMENTS) {
        fail(ETL_REASONS.RECORD_TOO_LARGE, `segment ${seg.ordinal}: more than ${MAX_RECORD_SEGMENTS} segments in one ${this.recordSegment} loop`, at);
      }
      this.handler?.segment(seg, record);
      return;
    }
    switch (id) {
      case "ISA":
        if (this.state !== "start") fail(ETL_REASONS.X12_STRUCTURE, `segment ${seg.ordinal}: a second ISA (one interchange per file)`, at);
        this.interchangeControlNumber = e(13);
        this.state = "interchange";
        return;
      case "GS":
        if (this.state !== "interchange") this.misplaced(seg);
        this.gs06 = e(6);
        this.groupVersion = e(8);
        this.sets = 0;
        this.state = "group";
        return;
      case "ST": {
        if (this.state !== "group") this.misplaced(seg);
        const version = e(3) || this.groupVersion;
        const v = VERSIONS[version];
        if (!v || v.set !== e(1)) fail(ETL_REASONS.X12_UNSUPPORTED, `segment ${seg.ordinal}: transaction set ${e(1)} ${version} is not 837P (005010X222A1), 837I (005010X223A2) or 834 (005010X220A1)`, at);
        if (this.format !== undefined && this.format !== v.format) fail(ETL_REASONS.MIXED_KINDS, `segment ${seg.ordinal}: a ${v.format} transaction set in a ${this.format} interchange`, at);
        this.format = v.format;
        this.txFormat = v.format;
        this.recordSegment = v.set === "834" ? "INS" : "CLM";
        if (v.set === "834") this.setKind("eligibility", at);
        this.transaction++;
        this.st02 = e(2);
        this.stSegments = 1;
        this.txProblems = [];
        this.txRecords = [];
        this.recordSegments = 0;
        this.state = "transaction";
        this.handler?.begin(this.transaction, v.format, this.kind ?? "claims");
        return;
      }
      case "SE": {
        if (this.state !== "transaction") this.misplaced(seg);
        this.stSegments++;
        const count = e(1);
        if (!/^\d+$/.test(count) || Number(count) !== this.stSegments) {
          this.txProblems.push({ reason: "X12_SE01_COUNT", message: `segment ${seg.ordinal}: SE01 is ${JSON.stringify(count)} but transaction set ${this.st02} has ${this.stSegments} segments` });
        }
        if (e(2) !== this.st02) this.txProblems.push({ reason: "X12_SE02_MISMATCH", message: `segment ${seg.ordinal}: SE02 ${JSON.stringify(e(2))} differs from ST02 ${JSON.stringify(this.st02)}` });
        this.handler?.end(this.transaction);
        if (this.txProblems.length > 0) {
          const p = this.txProblems.reduce((a, b) => (reasonRank(b.reason) < reasonRank(a.reason) ? b : a));
          this.badTransactions.push({ index: this.transaction, reason: p.reason, message: p.message, records: this.txRecords });
        }
        this.txRecords = [];
        this.sets++;
        this.state = "group";
        return;
      }
      case "GE": {
        if (this.state !== "group") this.misplaced(seg);
        if (e(1) !== String(this.sets)) fail("X12_GE01_COUNT", `segment ${seg.ordinal}: GE01 is ${JSON.stringify(e(1))} but the group has ${this.sets} transaction sets`, at);
        if (e(2) !== this.gs06) fail(ETL_REASONS.X12_STRUCTURE, `segment ${seg.ordinal}: GE02 ${JSON.stringify(e(2))} differs from GS06 ${JSON.stringify(this.gs06)}`, at);
        this.groups++;
        this.state = "interchange";
        return;
      }
      case "IEA": {
        if (this.state !== "interchange") this.misplaced(seg);
        if (e(2) !== this.interchangeControlNumber) fail("X12_IEA02_MISMATCH", `segment ${seg.ordinal}: IEA02 ${JSON.stringify(e(2))} differs from ISA13 ${JSON.stringify(this.interchangeControlNumber)}`, at);
        if (e(1) !== String(this.groups)) fail(ETL_REASONS.X12_STRUCTURE, `segment ${seg.ordinal}: IEA01 is ${JSON.stringify(e(1))} but the interchange has ${this.groups} functional groups`, at);
        this.state = "done";
        return;
      }
      case "TA1":
        if (this.state === "interchange") return;
        this.misplaced(seg);
        return;
      default:
        if (!SEGMENT_ID.test(id) || !X12_SEGMENT_IDS.has(id)) fail("X12_UNKNOWN_SEGMENT", `segment ${seg.ordinal}: ${JSON.stringify(id)} is not an X12 segment ID`, at);
        this.misplaced(seg);
    }
  }

  end(): void {
    switch (this.state) {
      case "start":
        fail(ETL_REASONS.UNRECOGNISED_FORMAT, "no ISA segment");
        return;
      case "transaction":
        fail("FILE_TRUNCATED", `the file ends inside transaction set ${this.st02} (no SE, GE or IEA)`);
        return;
      case "group":
        fail("FILE_TRUNCATED", "the file ends inside the functional group (no GE or IEA)");
        return;
      case "interchange":
        fail("X12_MISSING_IEA", "the interchange has no IEA trailer");
        return;
      case "done":
        return;
    }
  }

  private setKind(kind: DetectedFormat["kind"], at: { segment: number; line: number }): void {
    if (this.kind !== undefined && this.kind !== kind) fail(ETL_REASONS.MIXED_KINDS, `segment ${at.segment}: a ${kind} transaction set in an interchange of ${this.kind}`, at);
    this.kind = kind;
  }

  private misplaced(seg: Segment): never {
    const where = { start: "before the ISA", interchange: "outside a functional group", group: "outside a transaction set", transaction: "inside a transaction set", done: "after the IEA" }[this.state];
    return fail(ETL_REASONS.X12_STRUCTURE, `segment ${seg.ordinal}: ${seg.el[0]} ${where}`, { segment: seg.ordinal, line: seg.line });
  }
}

// ---------------------------------------------------------------------------------------------- pass 2

function digitsFormatted(digits: string, groups: number[]): string {
  if (!/^\d+$/.test(digits) || digits.length !== groups.reduce((a, b) => a + b, 0)) return digits;
  const out: string[] = [];
  let at = 0;
  for (const g of groups) {
    out.push(digits.slice(at, at + g));
    at += g;
  }
  return out.join("-");
}

interface ExtractTarget {
  rules: RuleContext;
  out: (LoadDoc | Rejection)[];
  /** Bad transaction sets from pass 1, by ordinal. */
  bad: ReadonlyMap<number, BadTransaction>;
}

/** Pass 2 for 837P/837I: rebuilds each claim from its loops and finishes it. */
export class Claim837Assembler implements TransactionHandler {
  private syntax!: X12Syntax;
  private transaction = 0;
  private institutional = false;
  private encounter = false;
  // 2000A / 2010AA
  private billingNpi = "";
  // 2000B / 2010BA / 2010BB
  private sbr02 = "";
  private subscriberId = "";
  private payerId2010BB = "";
  // 2000C
  private patientRelationship = "";
  private claim: ClaimState | undefined;
  private where: "header" | "billing" | "subscriber" | "patient" = "header";

  constructor(
    private readonly target: ExtractTarget,
    private readonly getSyntax: () => X12Syntax,
  ) {}

  begin(transaction: number, format: DetectedFormat["format"], kind: DetectedFormat["kind"]): void {
    this.syntax = this.getSyntax();
    this.transaction = transaction;
    this.institutional = format === "x12-837i";
    this.encounter = kind === "encounters";
    this.where = "header";
    this.billingNpi = "";
    this.resetSubscriber();
  }

  private resetSubscriber(): void {
    this.sbr02 = "";
    this.subscriberId = "";
    this.payerId2010BB = "";
    this.patientRelationship = "";
  }

  segment(seg: Segment, record: number | undefined): void {
    const el = seg.el;
    const id = el[0]!;
    const e = (i: number): string => el[i] ?? "";
    if (id === "BHT") {
      this.encounter = e(6) === "RP";
      return;
    }
    if (id === "HL") {
      this.closeClaim();
      const level = e(3);
      if (level === "20") {
        this.where = "billing";
        this.billingNpi = "";
      } else if (level === "22") {
        this.where = "subscriber";
        this.resetSubscriber();
      } else if (level === "23") {
        this.where = "patient";
        this.patientRelationship = "";
      }
      return;
    }
    if (id === "CLM") {
      this.closeClaim();
      this.openClaim(seg, record!);
      return;
    }
    if (this.claim) {
      this.claimSegment(seg);
      return;
    }
    switch (this.where) {
      case "billing":
        if (id === "NM1" && e(1) === "85") this.billingNpi = e(9);
        return;
      case "subscriber":
        if (id === "SBR") this.sbr02 = e(2);
        else if (id === "NM1" && e(1) === "IL") this.subscriberId = e(9);
        else if (id === "NM1" && e(1) === "PR") this.payerId2010BB = e(9);
        return;
      case "patient":
        if (id === "PAT") this.patientRelationship = e(1);
        return;
      default:
        return;
    }
  }

  end(): void {
    this.closeClaim();
  }

  private openClaim(seg: Segment, recordIndex: number): void {
    const checks = new Checks();
    const e = (i: number): string => seg.el[i] ?? "";
    const composite = e(5).split(this.syntax.component);
    const facility = composite[0] ?? "";
    const frequency = composite[2] ?? "";
    const self = this.sbr02 === "18";
    const c: ClaimRecord = {
      kind: this.encounter ? "encounters" : "claims",
      id: e(1),
      claimType: this.institutional ? "institutional" : "professional",
      frequencyCode: frequency,
      memberId: self ? this.subscriberId : null,
      subscriberId: this.subscriberId,
      relationshipCode: self ? "18" : this.patientRelationship,
      payerId: this.encounter ? "" : this.payerId2010BB,
      billingNpi: this.billingNpi,
      renderingNpi: "",
      attendingNpi: "",
      placeOfService: this.institutional ? "" : facility,
      typeOfBill: this.institutional ? facility + frequency : "",
      admissionDate: null,
      dischargeDate: null,
      statementFrom: null,
      statementTo: null,
      principal: "",
      admitting: "",
      secondary: [],
      totalCents: parseCents(e(2), "totalCharge", checks, true),
      lines: [],
    };
    if (this.encounter) {
      c.paidCents = undefined;
      c.paidDate = undefined;
    }
    this.claim = { c, checks, meta: { recordIndex, segment: seg.ordinal, line: seg.line }, section: "claim", inpatient: false, statementSeen: false, otherRelationship: "" };
  }

  private claimSegment(seg: Segment): void {
    const s = this.claim!;
    const c = s.c;
    const checks = s.checks;
    const el = seg.el;
    const id = el[0]!;
    const e = (i: number): string => el[i] ?? "";
    const line = c.lines[c.lines.length - 1];
    const lf = `lines[${c.lines.length - 1}]`;
    switch (id) {
      case "LX": {
        s.section = "line";
        const l: LineRecord = { lineNumber: parseNumber(e(1), `lines[${c.lines.length}].lineNumber`, checks), procedureCode: "", modifiers: [], units: null, chargeCents: null, serviceDate: null, revenueCode: "" };
        c.lines.push(l);
        if (this.encounter) l.paidCents = undefined;
        return;
      }
      case "SV1":
        if (line && s.section === "line") {
          this.procedure(e(1), line);
          line.chargeCents = parseCents(e(2), `${lf}.charge`, checks, true);
          line.units = parseNumber(e(4), `${lf}.units`, checks);
        }
        return;
      case "SV2":
        if (line && s.section === "line") {
          line.revenueCode = e(1);
          this.procedure(e(2), line);
          line.chargeCents = parseCents(e(3), `${lf}.charge`, checks, true);
          line.units = parseNumber(e(5), `${lf}.units`, checks);
        }
        return;
      case "SVD":
        if (line && s.section === "line") line.paidCents = parseCents(e(2), `${lf}.paidAmount`, checks, true);
        return;
      case "DTP":
        this.date(seg, s, line, lf);
        return;
      case "HI":
        if (s.section !== "claim") return;
        for (let i = 1; i < el.length; i++) {
          const [qualifier, code] = el[i]!.split(this.syntax.component);
          if (qualifier === "ABK" || qualifier === "BK") c.principal = code ?? "";
          else if (qualifier === "ABJ" || qualifier === "BJ") c.admitting = code ?? "";
          else if (qualifier === "ABF" || qualifier === "BF") c.secondary.push(code ?? "");
        }
        return;
      case "NM1":
        if (s.section === "claim" && e(1) === "82" && !this.institutional) c.renderingNpi = e(9);
        else if (s.section === "claim" && e(1) === "71" && this.institutional) c.attendingNpi = e(9);
        else if (s.section === "other" && e(1) === "PR" && this.encounter) c.payerId = e(9);
        return;
      case "SBR":
        // 2320: the other payer (for encounters, the managed-care plan that adjudicated the claim)
        if (s.section === "claim" || s.section === "other") {
          s.section = "other";
          if (this.encounter) c.planId = e(3);
          s.otherRelationship = e(2);
        }
        return;
      case "AMT":
        if (s.section === "other" && e(1) === "D" && this.encounter) c.paidCents = parseCents(e(2), "paidAmount", checks, true);
        return;
      default:
        return;
    }
  }

  private procedure(composite: string, line: LineRecord): void {
    if (composite === "") return;
    const parts = composite.split(this.syntax.component);
    line.procedureCode = parts[1] ?? "";
    line.modifiers = parts.slice(2).filter((m) => m !== "");
  }

  private date(seg: Segment, s: ClaimState, line: LineRecord | undefined, lf: string): void {
    const c = s.c;
    const checks = s.checks;
    const e = (i: number): string => seg.el[i] ?? "";
    const qualifier = e(1);
    const format = e(2);
    const value = e(3);
    const d8 = (text: string, field: string): string | null => {
      if (text === "") {
        checks.add(ETL_REASONS.MISSING_FIELD, `${field}: empty`, field);
        return null;
      }
      return parseDate(text, "d8", field, checks);
    };
    const range = (field: string): [string | null, string | null] => {
      const m = /^(\d{8})-(\d{8})$/.exec(value);
      if (format === "D8") {
        const d = d8(value, field);
        return [d, d];
      }
      if (format !== "RD8" || !m) {
        checks.add("REC_WRONG_DATE_FORMAT", `${field}: ${JSON.stringify(value)} is not a ${format === "RD8" ? "CCYYMMDD-CCYYMMDD range" : "D8/RD8 date"}`, field);
        return [null, null];
      }
      return [parseDate(m[1]!, "d8", field, checks), parseDate(m[2]!, "d8", field, checks)];
    };
    if (s.section === "line" && line) {
      if (qualifier === "472") line.serviceDate = range(`${lf}.serviceDate`)[0];
      else if (qualifier === "573" && this.encounter && c.paidDate === undefined) c.paidDate = d8(value, "paidDate");
      return;
    }
    if (s.section !== "claim") return;
    if (qualifier === "434") {
      s.statementSeen = true;
      [c.statementFrom, c.statementTo] = range("statementFrom");
    } else if (qualifier === "435") {
      s.inpatient = true;
      if (format === "DT" && /^\d{12}$/.test(value)) c.admissionDate = parseDate(value.slice(0, 8), "d8", "admissionDate", checks);
      else if (format === "D8") c.admissionDate = d8(value, "admissionDate");
      else checks.add("REC_WRONG_DATE_FORMAT", `admissionDate: ${JSON.stringify(value)} is not a DT (CCYYMMDDHHMM) date`, "admissionDate");
    } else if (qualifier === "096") {
      s.inpatient = true;
    }
  }

  private closeClaim(): void {
    const s = this.claim;
    if (!s) return;
    this.claim = undefined;
    const c = s.c;
    if (!c.relationshipCode && s.otherRelationship) c.relationshipCode = s.otherRelationship;
    if (s.inpatient) c.dischargeDate = c.statementTo;
    if (!s.statementSeen) {
      if (this.institutional) s.checks.add(ETL_REASONS.MISSING_FIELD, "statementFrom: no DTP*434 statement dates", "statementFrom");
      // 837P: the statement period is the span of the lines' dates of service
      const dates = c.lines.map((l) => l.serviceDate).filter((d): d is string => d !== null);
      if (dates.length > 0) {
        c.statementFrom = dates.reduce((a, b) => (b < a ? b : a));
        c.statementTo = dates.reduce((a, b) => (b > a ? b : a));
      }
    }
    c.lines.forEach((l, i) => {
      if (l.serviceDate === null && !s.checks.problems.some((p) => p.field === `lines[${i}].serviceDate`)) s.checks.add(ETL_REASONS.MISSING_FIELD, `lines[${i}].serviceDate: no DTP*472`, `lines[${i}].serviceDate`);
    });
    const bad = this.target.bad.get(this.transaction);
    if (bad) {
      this.target.out.push(plainRejection(bad.reason, `the record's transaction set is rejected: ${bad.message}`, s.meta, { recordId: c.id || undefined }));
      return;
    }
    this.target.out.push(finishClaim(c, s.checks, this.target.rules, s.meta));
  }
}

interface ClaimState {
  c: ClaimRecord;
  checks: Checks;
  meta: RecordMeta;
  /** claim: 2300/2310; other: 2320/2330; line: 2400/2430. */
  section: "claim" | "other" | "line";
  inpatient: boolean;
  statementSeen: boolean;
  otherRelationship: string;
}

interface MemberState {
  m: MemberRecord;
  checks: Checks;
  meta: RecordMeta;
  span: Span | undefined;
}

/** Pass 2 for 834: one member per INS loop. */
export class Member834Assembler implements TransactionHandler {
  private transaction = 0;
  private payerId = "";
  private payerName = "";
  private member: MemberState | undefined;

  constructor(private readonly target: ExtractTarget) {}

  begin(transaction: number): void {
    this.transaction = transaction;
    this.payerId = "";
    this.payerName = "";
  }

  segment(seg: Segment, record: number | undefined): void {
    const el = seg.el;
    const id = el[0]!;
    const e = (i: number): string => el[i] ?? "";
    if (id === "INS") {
      this.close();
      const relationship = e(2);
      this.member = {
        m: {
          memberId: null,
          subscriberId: "",
          relationshipCode: relationship,
          name: { first: "", middleInitial: "", last: "" },
          sex: "",
          birthDate: "",
          ssn: "",
          address: { line1: "", line2: "", city: "", state: "", zip: "" },
          phone: "",
          payer: { id: this.payerId, name: this.payerName },
          plan: { id: "" },
          groupNumber: "",
          coverage: [],
          maintenanceType: e(3),
        },
        checks: new Checks(),
        meta: { recordIndex: record!, segment: seg.ordinal, line: seg.line },
        span: undefined,
      };
      return;
    }
    const s = this.member;
    if (!s) {
      // header: 1000B insurer
      if (id === "REF" && e(1) === "38" && !this.payerId) this.payerId = e(2);
      else if (id === "N1" && e(1) === "IN") {
        this.payerName = e(2);
        if (e(4)) this.payerId = e(4);
      }
      return;
    }
    const m = s.m;
    switch (id) {
      case "REF":
        if (e(1) === "0F") m.subscriberId = e(2);
        else if (e(1) === "1L") m.groupNumber = e(2);
        else if (e(1) === "23") m.memberId = e(2) || null; // member supplemental identifier: the member's own ID
        return;
      case "NM1":
        if (e(1) === "IL") {
          m.name = { first: e(4), middleInitial: e(5), last: e(3) };
          if (e(8) === "34") m.ssn = digitsFormatted(e(9), [3, 2, 4]);
        }
        return;
      case "PER":
        for (let i = 3; i + 1 < el.length; i += 2) if (e(i) === "TE") m.phone = digitsFormatted(e(i + 1), [3, 3, 4]);
        return;
      case "N3":
        m.address.line1 = e(1);
        m.address.line2 = e(2);
        return;
      case "N4":
        m.address.city = e(1);
        m.address.state = e(2);
        m.address.zip = e(3);
        return;
      case "DMG":
        if (e(1) === "D8" || e(1) === "") m.birthDate = e(2) === "" ? "" : parseDate(e(2), "d8", "birthDate", s.checks);
        else s.checks.add("REC_WRONG_DATE_FORMAT", `birthDate: DMG01 ${JSON.stringify(e(1))} is not D8`, "birthDate");
        m.sex = e(3);
        return;
      case "HD":
        s.span = { start: null, end: null, planId: e(4), coverageLevel: e(5) };
        m.coverage.push(s.span);
        return;
      case "DTP": {
        if (!s.span) return; // 2000 member-level dates (356/357) repeat the latest span
        const k = m.coverage.length - 1;
        if (e(1) === "348" || e(1) === "349") {
          const field = `coverage[${k}].${e(1) === "348" ? "start" : "end"}`;
          let value: string | null = null;
          if (e(2) !== "D8") s.checks.add("REC_WRONG_DATE_FORMAT", `${field}: ${JSON.stringify(e(2))} is not D8`, field);
          else if (e(3) === "") s.checks.add(ETL_REASONS.MISSING_FIELD, `${field}: empty`, field);
          else value = parseDate(e(3), "d8", field, s.checks);
          if (e(1) === "348") s.span.start = value;
          else s.span.end = value;
        }
        return;
      }
      default:
        return;
    }
  }

  end(): void {
    this.close();
  }

  private close(): void {
    const s = this.member;
    if (!s) return;
    this.member = undefined;
    const m = s.m;
    if (m.relationshipCode === "18" && !m.memberId) m.memberId = m.subscriberId;
    m.coverage.forEach((span, i) => {
      if (span.start === null && !s.checks.problems.some((p) => p.field === `coverage[${i}].start`)) s.checks.add(ETL_REASONS.MISSING_FIELD, `coverage[${i}].start: no DTP*348`, `coverage[${i}].start`);
    });
    // the member's plan is the plan of the latest span
    m.plan = { id: m.coverage[m.coverage.length - 1]?.planId ?? "" };
    const bad = this.target.bad.get(this.transaction);
    if (bad) {
      this.target.out.push(plainRejection(bad.reason, `the record's transaction set is rejected: ${bad.message}`, s.meta, { recordId: m.memberId || m.subscriberId || undefined }));
      return;
    }
    const r = finishMember(m, s.checks, s.meta);
    if (Array.isArray(r)) this.target.out.push(...r);
    else this.target.out.push(r);
  }
}

/** One pass over an X12 file: tokenizer → envelope → (pass 2) assembler. */
export class X12Scanner {
  readonly envelope: X12Envelope;
  private readonly tokenizer: X12Tokenizer;

  constructor(options: { maxLineBytes: number; extract?: ExtractTarget }) {
    let handler: TransactionHandler | undefined;
    if (options.extract) {
      const x = options.extract;
      const claims = new Claim837Assembler(x, () => this.tokenizer.syntax!);
      const members = new Member834Assembler(x);
      let current: TransactionHandler = claims;
      handler = {
        begin(t, format, kind) {
          current = format === "x12-834" ? members : claims;
          current.begin(t, format, kind);
        },
        segment: (seg, record) => current.segment(seg, record),
        end: (t) => current.end(t),
      };
    }
    this.envelope = new X12Envelope(handler);
    this.tokenizer = new X12Tokenizer(options.maxLineBytes, (seg) => this.envelope.segment(seg));
  }

  push(chunk: string): void {
    this.tokenizer.push(chunk);
  }

  end(): void {
    this.tokenizer.end();
    this.envelope.end();
  }
}
