/**
 * What every format adapter (CSV, NDJSON, X12) offers the corrupt pipeline: the file's records with
 * their positions, which logical fields it carries, and record-level mutations as splices.
 */
import type { DefectLocator, Kind, Rng } from "../../generators/index.js";
import type { Splice } from "./text.js";

export type CorruptFormat = "csv" | "ndjson" | "x12-837p" | "x12-837i" | "x12-834" | "x12";

/** The logical fields record-level defects touch; each adapter maps them to columns, paths or segments. */
export type LogicalField =
  | "claimId"
  | "memberId"
  | "subscriberId"
  | "relationship"
  | "billingNpi"
  | "renderingNpi"
  | "attendingNpi"
  | "npi"
  | "principalDx"
  | "procedureCode"
  | "serviceDate"
  | "statementFrom"
  | "statementTo"
  | "admissionDate"
  | "dischargeDate"
  | "totalCharge"
  | "lineCharge"
  | "units"
  | "placeOfService"
  | "sex"
  | "birthDate"
  | "coverageStart"
  | "coverageEnd"
  | "taxonomy"
  | "state"
  | "zip";

export interface RecordRef {
  /** 0-based position among the file's records. */
  ordinal: number;
  /** The natural key: claim or encounter ID, member ID, NPI (when the file has one). */
  id?: string;
  /** First character of the record: its first CSV row, its NDJSON line or array element, its CLM/INS segment. */
  start: number;
  /** After its last character, line terminator included. */
  end: number;
  /** X12: 0-based index of the transaction set (ST/SE) holding it. */
  transaction?: number;
}

export interface CoverageSpan {
  start: number;
  end: number | null;
}

export interface MutationContext {
  rng: Rng;
  /** The day after which a date of service is in the future (the later of --reference-date and the file's latest date). */
  referenceDay: number;
  icd10cm: readonly string[];
  placeOfService: readonly string[];
  /** Procedure codes a drawn "unknown" code must avoid: the code list's and the file's. */
  procedures: ReadonlySet<string>;
  /** Member IDs a drawn "unknown" member must avoid: the file's and the --eligibility file's. */
  memberIds: ReadonlySet<string>;
  /** NPIs a drawn "unknown" NPI must avoid. */
  npis: ReadonlySet<string>;
  /** Coverage spans by member (or subscriber) ID, from --eligibility. */
  eligibility?: ReadonlyMap<string, readonly CoverageSpan[]>;
}

export interface Mutation {
  splices: Splice[];
  /** The logical field of the defect, as generate names it ("memberId", "lines[0].serviceDate", …). */
  field: string;
  /** A duplicate: the defective record is a copy inserted by splices[copy.splice], starting `offset` characters into its text. */
  copy?: { splice: number; offset: number };
  /** X12: segments the mutation adds to the record's transaction set (SE01 must count them). */
  addedSegments?: number;
}

/** A file-level or transaction-level defect, as splices on the whole text. */
export interface FileEdit {
  splices: Splice[];
  locator: DefectLocator;
  /** The splice whose output position gives the locator's line (and X12 segment). */
  at?: number;
  /** Bytes to write at the output position of splices[at] (invalid UTF-8, a byte-order mark). */
  bytes?: Uint8Array;
  /** The records the output holds when the edit removes some (a truncation). */
  records?: number;
}

export interface Adapter {
  readonly format: CorruptFormat;
  readonly kind: Kind | null;
  readonly records: readonly RecordRef[];
  /** X12: the segment terminator (locators count segments); undefined for CSV and NDJSON. */
  readonly segmentTerminator?: string;
  /** Whether the file carries the field at all (a column, a document path, a segment). */
  hasField(field: LogicalField): boolean;
  /** Every value of a field in the file (for drawing values no record has). */
  valuesOf(field: LogicalField): Set<string>;
  /** The latest date of service or coverage in the file, as a day number, or null. */
  latestDay(): number | null;
  /** The mutation of one record, or null when the defect cannot apply to it cleanly. */
  mutate(code: string, record: RecordRef, ctx: MutationContext): Mutation | null;
  /** Splices that follow from all mutations together (X12: SE01 counts of sets that gained segments). */
  finish(mutations: readonly { record: RecordRef; mutation: Mutation }[]): Splice[];
  /** A position inside a record where cutting the file (or inserting bytes) breaks that record. */
  breakPoint(record: RecordRef): number;
  /** Coverage spans by member ID (eligibility files only). */
  coverageByMember(): Map<string, CoverageSpan[]>;
}

/** How a record of a kind is called in messages. */
export function recordNoun(kind: Kind | null): string {
  switch (kind) {
    case "claims":
      return "claim";
    case "encounters":
      return "encounter";
    case "eligibility":
      return "member";
    case "providers":
      return "provider";
    default:
      return "record";
  }
}
