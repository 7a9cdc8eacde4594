/**
 * The defect catalogue: every deliberate malformation hcsynth can inject, as data. Each entry has a
 * stable code, the level it breaks, the formats and kinds it applies to, a one-line description and
 * what a correct pipeline is expected to do. Codes never change meaning; new ones are appended and
 * the catalogue version is bumped.
 */
import type { Kind } from "../kinds.js";

export const CATALOGUE_VERSION = "1.0.0";

export type DefectLevel = "file" | "transaction" | "record" | "field";
export type ExpectedOutcome = "reject-file" | "reject-transaction" | "reject-record" | "flag";
/** Format families: "x12" covers x12-837p, x12-837i and x12-834; "gzip" any gzipped file. */
export type FormatFamily = "csv" | "ndjson" | "x12" | "gzip";

export interface DefectDefinition {
  code: string;
  level: DefectLevel;
  formats: readonly FormatFamily[];
  kinds: readonly Kind[];
  description: string;
  expected: ExpectedOutcome;
}

const ALL_KINDS: readonly Kind[] = ["claims", "encounters", "eligibility", "providers"];
const CLAIMS: readonly Kind[] = ["claims", "encounters"];
const TEXT: readonly FormatFamily[] = ["csv", "ndjson", "x12"];

export const DEFECTS: readonly DefectDefinition[] = [
  // file / syntax
  { code: "FILE_TRUNCATED", level: "file", formats: TEXT, kinds: ALL_KINDS, description: "the file ends in the middle of a record", expected: "reject-file" },
  { code: "FILE_EMPTY", level: "file", formats: TEXT, kinds: ALL_KINDS, description: "the file has no bytes at all", expected: "reject-file" },
  { code: "FILE_INVALID_UTF8", level: "file", formats: TEXT, kinds: ALL_KINDS, description: "a record holds bytes that are not valid UTF-8", expected: "reject-file" },
  { code: "FILE_BOM", level: "file", formats: TEXT, kinds: ALL_KINDS, description: "the file starts with a UTF-8 byte-order mark", expected: "flag" },
  { code: "FILE_MIXED_LINE_ENDINGS", level: "file", formats: ["csv", "ndjson"], kinds: ALL_KINDS, description: "some lines end in CRLF, the others in LF", expected: "flag" },
  { code: "FILE_GZIP_NOT_GZIP", level: "file", formats: ["gzip"], kinds: ALL_KINDS, description: "the file is named .gz but is not gzip-compressed", expected: "reject-file" },
  { code: "FILE_GZIP_CORRUPT", level: "file", formats: ["gzip"], kinds: ALL_KINDS, description: "the gzip stream is corrupt part-way through", expected: "reject-file" },
  { code: "CSV_WRONG_DELIMITER", level: "file", formats: ["csv"], kinds: ALL_KINDS, description: "fields are separated by semicolons instead of commas", expected: "reject-file" },
  { code: "CSV_MISSING_HEADER", level: "file", formats: ["csv"], kinds: ALL_KINDS, description: "the header row is missing", expected: "reject-file" },
  { code: "CSV_EXTRA_COLUMN", level: "file", formats: ["csv"], kinds: ALL_KINDS, description: "one row has one field more than the header", expected: "reject-file" },
  { code: "CSV_MISSING_COLUMN", level: "file", formats: ["csv"], kinds: ALL_KINDS, description: "a column is missing from the header and every row", expected: "reject-file" },
  { code: "CSV_UNBALANCED_QUOTE", level: "file", formats: ["csv"], kinds: ALL_KINDS, description: "a field opens a quote that never closes", expected: "reject-file" },
  { code: "NDJSON_NOT_JSON", level: "record", formats: ["ndjson"], kinds: ALL_KINDS, description: "one line is not valid JSON", expected: "reject-record" },
  { code: "NDJSON_JSON_ARRAY", level: "file", formats: ["ndjson"], kinds: ALL_KINDS, description: "the file is one JSON array instead of one document per line", expected: "reject-file" },
  { code: "X12_SE01_COUNT", level: "transaction", formats: ["x12"], kinds: ["claims", "encounters", "eligibility"], description: "SE01 does not count the segments of its transaction set", expected: "reject-transaction" },
  { code: "X12_SE02_MISMATCH", level: "transaction", formats: ["x12"], kinds: ["claims", "encounters", "eligibility"], description: "SE02 differs from ST02", expected: "reject-transaction" },
  { code: "X12_GE01_COUNT", level: "file", formats: ["x12"], kinds: ["claims", "encounters", "eligibility"], description: "GE01 does not count the transaction sets of its group", expected: "reject-file" },
  { code: "X12_IEA02_MISMATCH", level: "file", formats: ["x12"], kinds: ["claims", "encounters", "eligibility"], description: "IEA02 differs from ISA13", expected: "reject-file" },
  { code: "X12_ISA_LENGTH", level: "file", formats: ["x12"], kinds: ["claims", "encounters", "eligibility"], description: "the ISA segment is not 106 characters long", expected: "reject-file" },
  { code: "X12_MISSING_IEA", level: "file", formats: ["x12"], kinds: ["claims", "encounters", "eligibility"], description: "the interchange has no IEA trailer", expected: "reject-file" },
  { code: "X12_UNKNOWN_SEGMENT", level: "transaction", formats: ["x12"], kinds: ["claims", "encounters", "eligibility"], description: "a transaction set holds a segment ID that X12 does not define", expected: "reject-transaction" },
  { code: "X12_DUPLICATE_ISA13", level: "file", formats: ["x12"], kinds: ["claims", "encounters", "eligibility"], description: "the ISA13 control number repeats another file's", expected: "reject-file" },
  // record / business rules
  { code: "REC_MISSING_MEMBER_ID", level: "field", formats: TEXT, kinds: ["claims", "encounters", "eligibility"], description: "the member ID is empty", expected: "reject-record" },
  { code: "REC_MISSING_NPI", level: "field", formats: TEXT, kinds: ["claims", "encounters", "providers"], description: "the billing or provider NPI is empty", expected: "reject-record" },
  { code: "REC_MISSING_BIRTH_DATE", level: "field", formats: TEXT, kinds: ["eligibility"], description: "the member's date of birth is empty", expected: "reject-record" },
  { code: "REC_MISSING_PRINCIPAL_DX", level: "field", formats: TEXT, kinds: CLAIMS, description: "the principal diagnosis is empty", expected: "reject-record" },
  { code: "REC_DX_NOT_IN_LIST", level: "field", formats: TEXT, kinds: CLAIMS, description: "a well-shaped ICD-10-CM code that is not in the code list", expected: "reject-record" },
  { code: "REC_DX_MALFORMED", level: "field", formats: TEXT, kinds: CLAIMS, description: "a diagnosis code that is not shaped like ICD-10-CM", expected: "reject-record" },
  { code: "REC_UNKNOWN_PROCEDURE", level: "field", formats: TEXT, kinds: CLAIMS, description: "a procedure code shaped like HCPCS that is not in the code list", expected: "reject-record" },
  { code: "REC_IMPOSSIBLE_DATE", level: "field", formats: TEXT, kinds: CLAIMS, description: "a date of service that is not a calendar date (February 30)", expected: "reject-record" },
  { code: "REC_WRONG_DATE_FORMAT", level: "field", formats: TEXT, kinds: CLAIMS, description: "a date of service in another format (MM/DD/YYYY; CCYY-MM-DD in X12)", expected: "reject-record" },
  { code: "REC_FUTURE_SERVICE_DATE", level: "field", formats: TEXT, kinds: CLAIMS, description: "a date of service after the reference date (still inside eligibility)", expected: "reject-record" },
  { code: "REC_OUTSIDE_ELIGIBILITY", level: "record", formats: TEXT, kinds: CLAIMS, description: "dates of service outside every eligibility span of the member", expected: "reject-record" },
  { code: "REC_DISCHARGE_BEFORE_ADMISSION", level: "record", formats: TEXT, kinds: CLAIMS, description: "an inpatient stay discharged before its admission", expected: "reject-record" },
  { code: "REC_NEGATIVE_LINE_CHARGE", level: "field", formats: TEXT, kinds: CLAIMS, description: "a service line with a negative charge (the total still equals the sum of lines)", expected: "reject-record" },
  { code: "REC_TOTAL_MISMATCH", level: "field", formats: TEXT, kinds: CLAIMS, description: "the total charge differs from the sum of the line charges", expected: "reject-record" },
  { code: "REC_NPI_CHECK_DIGIT", level: "field", formats: TEXT, kinds: ["claims", "encounters", "providers"], description: "an NPI that fails its check digit", expected: "reject-record" },
  { code: "REC_MEMBER_NOT_IN_POPULATION", level: "field", formats: TEXT, kinds: CLAIMS, description: "the member is not in the eligibility population", expected: "reject-record" },
  { code: "REC_NPI_NOT_IN_POPULATION", level: "field", formats: TEXT, kinds: CLAIMS, description: "a valid NPI that is not in the provider population", expected: "reject-record" },
  { code: "REC_DUPLICATE_CLAIM", level: "record", formats: TEXT, kinds: CLAIMS, description: "an exact duplicate of the claim follows it", expected: "reject-record" },
  { code: "REC_CONFLICTING_DUPLICATE", level: "record", formats: TEXT, kinds: CLAIMS, description: "a second claim with the same ID and different content follows it", expected: "reject-record" },
  { code: "REC_INVALID_SEX", level: "field", formats: TEXT, kinds: ["eligibility"], description: "the sex code is not F, M or U", expected: "reject-record" },
  { code: "REC_ZERO_UNITS", level: "field", formats: TEXT, kinds: CLAIMS, description: "a service line with zero units", expected: "reject-record" },
  { code: "REC_INVALID_POS", level: "field", formats: TEXT, kinds: CLAIMS, description: "a place of service that is not in the CMS list (professional claims)", expected: "reject-record" },
  // eligibility and providers
  { code: "ELIG_OVERLAPPING_SPANS", level: "record", formats: TEXT, kinds: ["eligibility"], description: "two coverage spans of the member overlap", expected: "reject-record" },
  { code: "ELIG_SPAN_END_BEFORE_START", level: "field", formats: TEXT, kinds: ["eligibility"], description: "a coverage span ends before it starts", expected: "reject-record" },
  { code: "ELIG_TERMINATION_NEVER_ADDED", level: "record", formats: ["x12"], kinds: ["eligibility"], description: "an 834 termination (024) of a member who was never added", expected: "reject-record" },
  { code: "PROV_DUPLICATE_NPI", level: "field", formats: ["csv", "ndjson"], kinds: ["providers"], description: "a provider repeats the NPI of the provider before it", expected: "reject-record" },
  { code: "PROV_MISSING_TAXONOMY", level: "field", formats: ["csv", "ndjson"], kinds: ["providers"], description: "the provider's taxonomy code is empty", expected: "reject-record" },
  { code: "PROV_INVALID_STATE_ZIP", level: "field", formats: ["csv", "ndjson"], kinds: ["providers"], description: "the practice address has an invalid state and ZIP code", expected: "reject-record" },
];

const BY_CODE = new Map(DEFECTS.map((d) => [d.code, d]));

export function defectByCode(code: string): DefectDefinition {
  const d = BY_CODE.get(code);
  if (!d) throw new RangeError(`unknown defect code ${JSON.stringify(code)} (see hcsynth defects list)`);
  return d;
}

export function formatFamily(format: string): FormatFamily {
  return format.startsWith("x12") ? "x12" : (format as FormatFamily);
}

/** True when the defect can be injected into a file of this kind and format. */
export function appliesTo(d: DefectDefinition, kind: Kind, format: string, gzip: boolean): boolean {
  if (!d.kinds.includes(kind)) return false;
  if (d.formats.includes("gzip")) return gzip;
  if (d.code === "ELIG_TERMINATION_NEVER_ADDED") return format === "x12-834";
  // an 837P holds no inpatient stays, an 837I no place of service
  if (d.code === "REC_DISCHARGE_BEFORE_ADMISSION" && format === "x12-837p") return false;
  if (d.code === "REC_INVALID_POS" && format === "x12-837i") return false;
  return d.formats.includes(formatFamily(format));
}

/** A policy overrides expected outcomes: { "FILE_BOM": "reject-file", … }. */
export type DefectPolicy = Readonly<Record<string, ExpectedOutcome>>;

const OUTCOMES: readonly ExpectedOutcome[] = ["reject-file", "reject-transaction", "reject-record", "flag"];

export function validatePolicy(policy: unknown): DefectPolicy {
  if (typeof policy !== "object" || policy === null || Array.isArray(policy)) throw new RangeError("policy: expected an object of defect code → expected outcome");
  for (const [code, outcome] of Object.entries(policy)) {
    defectByCode(code);
    if (!OUTCOMES.includes(outcome as ExpectedOutcome)) throw new RangeError(`policy.${code}: expected one of ${OUTCOMES.join(", ")}, got ${JSON.stringify(outcome)}`);
  }
  return policy as DefectPolicy;
}

export function expectedOutcome(d: DefectDefinition, policy?: DefectPolicy): ExpectedOutcome {
  return policy?.[d.code] ?? d.expected;
}

/** Parses `--defects code,code|all` into definitions. */
export function selectDefects(spec: string | readonly string[]): DefectDefinition[] {
  const codes = typeof spec === "string" ? spec.split(",").map((s) => s.trim()).filter(Boolean) : [...spec];
  if (codes.length === 1 && codes[0] === "all") return [...DEFECTS];
  if (codes.length === 0) throw new RangeError("defects: expected a comma-separated list of codes, or all");
  return codes.map(defectByCode);
}
