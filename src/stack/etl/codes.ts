/**
 * Reference data of the ETL: code-list sets (hcsynth's bundled lists, or replacements), US state codes,
 * the X12 segment IDs the parser accepts, and the ranking of reasons (defect catalogue order first).
 */
import { bundledCodeLists } from "../../../generators/core/code-lists.js";
import { DEFECTS } from "../../../generators/defects/catalogue.js";
import type { EtlOptions } from "./types.js";

/** Reasons of this ETL that the defect catalogue has no code for. */
export const ETL_REASONS = {
  /** The bytes are neither X12, NDJSON nor a CSV with a recognisable header. */
  UNRECOGNISED_FORMAT: "ETL_UNRECOGNISED_FORMAT",
  /** A line (CSV/NDJSON) or segment (X12) longer than maxLineBytes. */
  LINE_TOO_LONG: "ETL_LINE_TOO_LONG",
  /** A gzip stream that inflates beyond the bomb guard. */
  DECOMPRESSED_TOO_LARGE: "ETL_DECOMPRESSED_TOO_LARGE",
  /** One record spanning more rows or text than the ETL holds in memory. */
  RECORD_TOO_LARGE: "ETL_RECORD_TOO_LARGE",
  /** X12 envelope structure the catalogue has no code for (ST before SE, GE02 ≠ GS06, IEA01 ≠ groups, data after IEA…). */
  X12_STRUCTURE: "ETL_X12_STRUCTURE",
  /** An X12 transaction set other than 837P/837I/834 (005010). */
  X12_UNSUPPORTED: "ETL_X12_UNSUPPORTED_TRANSACTION",
  /** A file mixing kinds (837 CH and RP transaction sets; NDJSON documents of different kinds). */
  MIXED_KINDS: "ETL_MIXED_KINDS",
  /** Record: a field of the wrong type or shape (NDJSON), or an unparseable number. */
  SCHEMA: "ETL_SCHEMA",
  /** Record: a required field the catalogue has no "missing" code for (claim ID, date of service, lines…). */
  MISSING_FIELD: "ETL_MISSING_FIELD",
  /** Record: CSV rows of one claim (or member) that disagree on claim-level (member-level) columns. */
  INCONSISTENT_ROWS: "ETL_INCONSISTENT_ROWS",
  /** Record: a value outside its domain that the catalogue has no code for (claim type, entity type, negative units…). */
  INVALID_VALUE: "ETL_INVALID_VALUE",
} as const;

const RANK = new Map<string, number>(DEFECTS.map((d, i) => [d.code, i]));

/** Ordering of reasons: catalogue order, then ETL reasons. */
export function reasonRank(reason: string): number {
  return RANK.get(reason) ?? DEFECTS.length + 1;
}

export interface CodeSets {
  icd10cm: ReadonlySet<string>;
  procedures: ReadonlySet<string>;
  placeOfService: ReadonlySet<string>;
}

let bundledSets: CodeSets | undefined;

export function codeSets(options: EtlOptions): CodeSets {
  const o = options.codeLists;
  bundledSets ??= (() => {
    const b = bundledCodeLists();
    return { icd10cm: new Set(b.icd10cm), procedures: new Set(b.procedures), placeOfService: new Set(b.placeOfService) };
  })();
  if (!o) return bundledSets;
  return {
    icd10cm: o.icd10cm ? new Set(o.icd10cm) : bundledSets.icd10cm,
    procedures: o.procedures ? new Set(o.procedures) : bundledSets.procedures,
    placeOfService: o.placeOfService ? new Set(o.placeOfService) : bundledSets.placeOfService,
  };
}

/** USPS codes of the states, DC, the territories and freely associated states, and the military "states". */
export const US_STATES: ReadonlySet<string> = new Set(
  (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY " +
    "DC AS GU MP PR VI UM FM MH PW AA AE AP"
  ).split(" "),
);

/**
 * Segment IDs of the X12 005010 837P/837I/834 implementation guides (and the envelope). A segment ID
 * outside this list in a transaction set is X12_UNKNOWN_SEGMENT.
 */
export const X12_SEGMENT_IDS: ReadonlySet<string> = new Set(
  (
    // envelope
    "ISA IEA GS GE ST SE TA1 " +
    // 837 (professional, institutional)
    "BHT NM1 N2 N3 N4 PER HL PRV REF SBR PAT DMG CUR CLM DTP CL1 PWK CN1 AMT K3 NTE CR1 CR2 CR3 CR4 CR5 CR6 CR7 CRC HI HCP QTY MEA " +
    "LX SV1 SV2 SV3 SV4 SV5 SV6 SV7 TOO LIN CTP PS1 HSD MIA MOA OI SVD CAS LQ FRM PAT " +
    // 834
    "BGN N1 ACT INS DSB HD IDC LUI EC ICM HLH AMT COB LS LE"
  ).split(" "),
);

/** ICD-10-CM as hcsynth writes it: no dot; a letter, a digit or letter, then 1–5 alphanumerics. */
export const ICD10_SHAPE = /^[A-Z][0-9A-Z][0-9A-Z]{1,5}$/;
