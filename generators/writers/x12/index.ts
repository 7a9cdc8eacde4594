/** The X12 005010 formats: 837P and 837I (claims, encounters) and 834 (eligibility). */
import type { OutputFormat } from "../format.js";
import { open834 } from "./x834.js";
import { open837 } from "./x837.js";

export const x12ProfessionalFormat: OutputFormat = {
  name: "x12-837p",
  extension: "837p.x12",
  kinds: ["claims", "encounters"],
  open: (ctx) => open837(ctx, "professional"),
};

export const x12InstitutionalFormat: OutputFormat = {
  name: "x12-837i",
  extension: "837i.x12",
  kinds: ["claims", "encounters"],
  open: (ctx) => open837(ctx, "institutional"),
};

export const x12EnrollmentFormat: OutputFormat = {
  name: "x12-834",
  extension: "834.x12",
  kinds: ["eligibility"],
  open: (ctx) => open834(ctx),
};

export const X12_FORMATS: readonly OutputFormat[] = [x12ProfessionalFormat, x12InstitutionalFormat, x12EnrollmentFormat];

export { DEFAULT_X12_OPTIONS, MAX_CLAIMS_PER_ST, resolveX12Options, type X12Options, type ResolvedX12Options } from "./options.js";
export { X12_837P_VERSION, X12_837I_VERSION } from "./x837.js";
export { X12_834_VERSION } from "./x834.js";
