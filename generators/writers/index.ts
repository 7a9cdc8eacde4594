import { csvFormat } from "./csv.js";
import { ndjsonFormat } from "./ndjson.js";
import { X12_FORMATS } from "./x12/index.js";
import type { OutputFormat } from "./format.js";

export type { OutputFormat, RecordWriter, FileContext } from "./format.js";
export { csvFormat, csvField, CSV_COLUMNS } from "./csv.js";
export { ndjsonFormat, memberDocument, providerDocument, claimDocument, encounterDocument } from "./ndjson.js";
export {
  x12ProfessionalFormat,
  x12InstitutionalFormat,
  x12EnrollmentFormat,
  X12_FORMATS,
  DEFAULT_X12_OPTIONS,
  MAX_CLAIMS_PER_ST,
  resolveX12Options,
  X12_837P_VERSION,
  X12_837I_VERSION,
  X12_834_VERSION,
  type X12Options,
  type ResolvedX12Options,
} from "./x12/index.js";

/** What a name in `--formats` expands to: one or more concrete file formats. */
export const FORMAT_GROUPS: Readonly<Record<string, readonly OutputFormat[]>> = {
  csv: [csvFormat],
  ndjson: [ndjsonFormat],
  /** X12 005010: 837P and 837I for claims and encounters, 834 for eligibility (no X12 for providers). */
  x12: X12_FORMATS,
};

export const FORMAT_NAMES = Object.keys(FORMAT_GROUPS);
