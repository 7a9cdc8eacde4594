import { csvFormat } from "./csv.js";
import { ndjsonFormat } from "./ndjson.js";
import type { OutputFormat } from "./format.js";

export type { OutputFormat, RecordWriter, FileContext } from "./format.js";
export { csvFormat, csvField, CSV_COLUMNS } from "./csv.js";
export { ndjsonFormat, memberDocument, providerDocument, claimDocument, encounterDocument } from "./ndjson.js";

/** What a name in `--formats` expands to: one or more concrete file formats. */
export const FORMAT_GROUPS: Readonly<Record<string, readonly OutputFormat[]>> = {
  csv: [csvFormat],
  ndjson: [ndjsonFormat],
};

export const FORMAT_NAMES = Object.keys(FORMAT_GROUPS);
