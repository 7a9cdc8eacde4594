/**
 * The Glue job's core, as types: what the two streaming passes over one S3 object return.
 *
 * Pass 1 (`analyze`) decides whether the file is readable at all (a FileFailure rejects every record of
 * it) and which X12 transaction sets are broken; pass 2 (`extract`) yields one LoadDoc per target
 * document and one Rejection per rejected record. Reasons are defect catalogue codes
 * (generators/defects/catalogue.ts) wherever one fits, otherwise `ETL_…` codes (see ETL_REASONS).
 */

export type Collection = "members" | "eligibility" | "providers" | "claims" | "encounters";

export type DetectedFormat = {
  container: "plain" | "gzip";
  format: "csv" | "ndjson" | "x12-837p" | "x12-837i" | "x12-834";
  kind: "claims" | "encounters" | "eligibility" | "providers";
};

/** Why a whole file is rejected. `line` / `segment` (1-based) point at the problem where known. */
export interface FileFailure {
  reason: string;
  message: string;
  line?: number;
  segment?: number;
}

/** A rejected record. `recordIndex` is the 0-based ordinal of the record in the file. */
export interface Rejection {
  reason: string;
  message: string;
  recordIndex: number;
  recordId?: string;
  line?: number;
  segment?: number;
  field?: string;
}

/** A flag: the record (or, without recordIndex, the whole file) loads, with a remark. */
export interface Flag {
  reason: string;
  message: string;
  recordIndex?: number;
}

export interface LoadDoc {
  collection: Collection;
  /** The natural key to upsert on: {claimId}, {encounterId}, {memberId}, {npi} (see index.ts for the X12 834 dependent exception). */
  key: Record<string, string>;
  doc: Record<string, unknown>;
  recordIndex: number;
  /** What the database-backed checks need: member IDs (own first, then subscriber), NPIs, dates of service (YYYY-MM-DD). */
  refs: { memberIds: string[]; npis: string[]; serviceDates: string[] };
}

export interface BadTransaction {
  /** 0-based ordinal of the transaction set (ST/SE) in the file. */
  index: number;
  reason: string;
  message: string;
  /** Record ordinals (recordIndex) inside the transaction set. */
  records: number[];
}

export interface Analysis {
  format?: DetectedFormat;
  failure?: FileFailure;
  /** Records in the file (claims, encounters, members or providers; X12: CLM or INS segments), as far as it was read. */
  records: number;
  badTransactions: BadTransaction[];
  flags: Flag[];
  /** X12: ISA13, for duplicate-interchange detection across files. */
  interchangeControlNumber?: string;
}

export interface EtlOptions {
  /** YYYY-MM-DD: dates of service after it are "future". Default "2025-12-31". */
  today: string;
  /** A longer line (CSV/NDJSON record, X12 segment) fails the file. Default 16 MiB. */
  maxLineBytes?: number;
  /**
   * Gzip bomb guard: the most bytes a gzip stream may inflate to. Default: 8 GiB, and at no point more
   * than 200 times the compressed bytes read so far (with a 1 MiB allowance).
   */
  maxDecompressedBytes?: number;
  /**
   * Replacement code lists (for example a CPT procedure list); the bundled lists otherwise. Not part of
   * the lead's contract: an optional extension.
   */
  codeLists?: Partial<{ icd10cm: readonly string[]; procedures: readonly string[]; placeOfService: readonly string[] }>;
}
