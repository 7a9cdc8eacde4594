/**
 * The record-level defects, once for every format: each works on a RecordView (a CSV claim's rows, an
 * NDJSON document, an X12 claim's segments) and mirrors generators/defects/mutations.ts: it changes
 * only what its defect names, and returns the field it touched, or null when the record cannot carry
 * the defect without a second one (nothing is then applied).
 */
import type { Kind } from "../../generators/index.js";
import type { LogicalField, MutationContext } from "./model.js";
import {
  brokenNpi,
  formatDate,
  impossibleDate,
  malformedIcd,
  parseDate,
  parseMoney,
  unknownIdLike,
  unknownNpi,
  unlistedHcpcs,
  unlistedIcd,
  unlistedPos,
  wrongFormatDate,
  type ParsedDate,
} from "./values.js";

/**
 * One record's fields. `get` returns undefined when the record does not carry the field, null for a
 * JSON null; `index` selects a service line (lines fields) or a coverage span (coverage fields).
 */
export interface RecordView {
  readonly kind: Kind | null;
  get(field: LogicalField, index?: number): string | null | undefined;
  /** Sets a field: claim-level fields on every row that repeats them, line and span fields on one. */
  set(field: LogicalField, value: string, index?: number): void;
  lineCount(): number;
  spanCount(): number;
  /** Money in the file's own style for `field`, whose current text is `like`. */
  money(cents: number, like: string, field: LogicalField, index?: number): string;
  /** Inserts a copy of the record right after it, edited by `edit`. */
  duplicate(edit?: (copy: RecordView) => void): void;
}

/** The record-level codes this module implements (NDJSON_NOT_JSON and ELIG_TERMINATION_NEVER_ADDED live with their formats). */
export const VIEW_CODES: ReadonlySet<string> = new Set([
  "REC_MISSING_MEMBER_ID",
  "REC_MISSING_NPI",
  "REC_MISSING_BIRTH_DATE",
  "REC_MISSING_PRINCIPAL_DX",
  "REC_DX_NOT_IN_LIST",
  "REC_DX_MALFORMED",
  "REC_UNKNOWN_PROCEDURE",
  "REC_IMPOSSIBLE_DATE",
  "REC_WRONG_DATE_FORMAT",
  "REC_FUTURE_SERVICE_DATE",
  "REC_OUTSIDE_ELIGIBILITY",
  "REC_DISCHARGE_BEFORE_ADMISSION",
  "REC_NEGATIVE_LINE_CHARGE",
  "REC_TOTAL_MISMATCH",
  "REC_NPI_CHECK_DIGIT",
  "REC_MEMBER_NOT_IN_POPULATION",
  "REC_NPI_NOT_IN_POPULATION",
  "REC_DUPLICATE_CLAIM",
  "REC_CONFLICTING_DUPLICATE",
  "REC_INVALID_SEX",
  "REC_ZERO_UNITS",
  "REC_INVALID_POS",
  "ELIG_OVERLAPPING_SPANS",
  "ELIG_SPAN_END_BEFORE_START",
  "PROV_DUPLICATE_NPI",
  "PROV_MISSING_TAXONOMY",
  "PROV_INVALID_STATE_ZIP",
]);

/** The fields a code needs in the file: every group must have at least one field present. */
export function requiredFields(code: string, kind: Kind | null): LogicalField[][] {
  const providers = kind === "providers";
  switch (code) {
    case "REC_MISSING_MEMBER_ID":
    case "REC_MEMBER_NOT_IN_POPULATION":
      return [["memberId"]];
    case "REC_MISSING_NPI":
      return [[providers ? "npi" : "billingNpi"]];
    case "REC_NPI_CHECK_DIGIT":
      return [providers ? ["npi"] : ["renderingNpi", "attendingNpi"]];
    case "REC_NPI_NOT_IN_POPULATION":
      return [["renderingNpi", "attendingNpi"]];
    case "REC_MISSING_BIRTH_DATE":
      return [["birthDate"]];
    case "REC_MISSING_PRINCIPAL_DX":
    case "REC_DX_NOT_IN_LIST":
    case "REC_DX_MALFORMED":
      return [["principalDx"]];
    case "REC_UNKNOWN_PROCEDURE":
      return [["procedureCode"]];
    case "REC_IMPOSSIBLE_DATE":
    case "REC_WRONG_DATE_FORMAT":
    case "REC_FUTURE_SERVICE_DATE":
      return [["serviceDate"]];
    case "REC_OUTSIDE_ELIGIBILITY":
      return [["serviceDate"], ["memberId", "subscriberId"]];
    case "REC_DISCHARGE_BEFORE_ADMISSION":
      return [["admissionDate"], ["dischargeDate"]];
    case "REC_NEGATIVE_LINE_CHARGE":
      return [["lineCharge"]];
    case "REC_TOTAL_MISMATCH":
    case "REC_CONFLICTING_DUPLICATE":
      return [["totalCharge"]];
    case "REC_INVALID_SEX":
      return [["sex"]];
    case "REC_ZERO_UNITS":
      return [["units"]];
    case "REC_INVALID_POS":
      return [["placeOfService"]];
    case "ELIG_OVERLAPPING_SPANS":
    case "ELIG_SPAN_END_BEFORE_START":
      return [["coverageStart"], ["coverageEnd"]];
    case "PROV_DUPLICATE_NPI":
      return [["npi"]];
    case "PROV_MISSING_TAXONOMY":
      return [["taxonomy"]];
    case "PROV_INVALID_STATE_ZIP":
      return [["state"], ["zip"]];
    default:
      return [];
  }
}

/** What a record needs to carry a code, for the "no record can carry it" message. */
export function candidateHint(code: string): string {
  switch (code) {
    case "REC_FUTURE_SERVICE_DATE":
      return "a claim with one service line and no admission date (and, with --eligibility, open-ended coverage)";
    case "REC_OUTSIDE_ELIGIBILITY":
      return "a claim with one date of service, no admission date, and a member found in --eligibility";
    case "REC_DISCHARGE_BEFORE_ADMISSION":
      return "an inpatient claim discharged after its admission date";
    case "REC_INVALID_POS":
      return "a professional claim with a place of service";
    case "REC_MISSING_MEMBER_ID":
    case "REC_MEMBER_NOT_IN_POPULATION":
      return "a record with a member ID (in X12, a claim or member whose patient is the subscriber)";
    case "ELIG_OVERLAPPING_SPANS":
      return "a member with at least two coverage spans, the earlier one ended";
    case "PROV_DUPLICATE_NPI":
      return "a provider after another provider with a different NPI";
    case "REC_NPI_CHECK_DIGIT":
      return "a record with a 10-digit NPI";
    default:
      return "a record with a well-formed value in the field the defect changes";
  }
}

const present = (v: string | null | undefined): v is string => typeof v === "string" && v !== "";

function date(v: string | null | undefined): ParsedDate | null {
  return present(v) ? parseDate(v) : null;
}

function individualNpiField(v: RecordView): "renderingNpi" | "attendingNpi" | null {
  if (present(v.get("renderingNpi"))) return "renderingNpi";
  if (present(v.get("attendingNpi"))) return "attendingNpi";
  return null;
}

/** Applies `code` to the record through its view; returns the field, or null when it cannot apply. */
export function mutateView(code: string, v: RecordView, ctx: MutationContext, previous?: RecordView): string | null {
  const rng = ctx.rng;
  switch (code) {
    case "REC_MISSING_MEMBER_ID": {
      const id = v.get("memberId");
      if (!present(id)) return null;
      const relationship = v.get("relationship");
      const subscriber = v.get("subscriberId");
      v.set("memberId", "");
      // the patient is the policy holder: their subscriber ID is the member ID (generate clears both)
      if (present(subscriber) && (relationship === "18" || ((relationship === undefined || relationship === null) && subscriber === id))) v.set("subscriberId", "");
      return "memberId";
    }
    case "REC_MISSING_NPI": {
      const field = v.kind === "providers" ? "npi" : "billingNpi";
      if (!present(v.get(field))) return null;
      v.set(field, "");
      return field;
    }
    case "REC_MISSING_BIRTH_DATE":
      if (!present(v.get("birthDate"))) return null;
      v.set("birthDate", "");
      return "birthDate";
    case "REC_MISSING_PRINCIPAL_DX":
      if (!present(v.get("principalDx"))) return null;
      v.set("principalDx", "");
      return "principalDiagnosis";
    case "REC_DX_NOT_IN_LIST": {
      const dx = v.get("principalDx");
      if (!present(dx)) return null;
      v.set("principalDx", unlistedIcd(dx, ctx.icd10cm, rng));
      return "principalDiagnosis";
    }
    case "REC_DX_MALFORMED":
      if (!present(v.get("principalDx"))) return null;
      v.set("principalDx", malformedIcd(rng));
      return "principalDiagnosis";
    case "REC_UNKNOWN_PROCEDURE": {
      for (let k = 0; k < v.lineCount(); k++) {
        if (present(v.get("procedureCode", k))) {
          v.set("procedureCode", unlistedHcpcs(ctx.procedures, rng), k);
          return `lines[${k}].procedureCode`;
        }
      }
      return null;
    }
    case "REC_IMPOSSIBLE_DATE":
    case "REC_WRONG_DATE_FORMAT": {
      const d = date(v.get("serviceDate", 0));
      if (!d) return null;
      v.set("serviceDate", code === "REC_IMPOSSIBLE_DATE" ? impossibleDate(d) : wrongFormatDate(d), 0);
      return "lines[0].serviceDate";
    }
    case "REC_FUTURE_SERVICE_DATE": {
      if (v.lineCount() !== 1 || present(v.get("admissionDate"))) return null;
      const d = date(v.get("serviceDate", 0));
      if (!d) return null;
      if (ctx.eligibility) {
        // still inside eligibility: the member's latest span is open-ended
        const spans = ctx.eligibility.get(memberKey(v) ?? "");
        if (!spans || spans.length === 0 || spans[spans.length - 1]!.end !== null) return null;
      }
      const future = ctx.referenceDay + 1 + rng.int(30);
      setDates(v, future, d.style, [0]);
      return "lines[0].serviceDate";
    }
    case "REC_OUTSIDE_ELIGIBILITY": {
      if (!ctx.eligibility || present(v.get("admissionDate"))) return null;
      const days = new Set<number>();
      let style: ParsedDate["style"] = "iso";
      for (let k = 0; k < v.lineCount(); k++) {
        const d = date(v.get("serviceDate", k));
        if (!d) return null;
        days.add(d.day);
        style = d.style;
      }
      const from = date(v.get("statementFrom"));
      const to = date(v.get("statementTo"));
      if (from) days.add(from.day);
      if (to) days.add(to.day);
      if (days.size !== 1 || v.lineCount() === 0) return null;
      const spans = ctx.eligibility.get(memberKey(v) ?? "");
      if (!spans || spans.length === 0) return null;
      const first = Math.min(...spans.map((s) => s.start));
      const day = first - 1 - rng.int(60);
      setDates(v, day, style, [...Array(v.lineCount()).keys()]);
      return v.get("statementFrom") !== undefined ? "statementFrom" : "lines[0].serviceDate";
    }
    case "REC_DISCHARGE_BEFORE_ADMISSION": {
      const a = date(v.get("admissionDate"));
      const d = date(v.get("dischargeDate"));
      if (!a || !d || !(d.day > a.day)) return null;
      v.set("admissionDate", formatDate(d.day, a.style));
      v.set("dischargeDate", formatDate(a.day, d.style));
      return "dischargeDate";
    }
    case "REC_NEGATIVE_LINE_CHARGE": {
      const lineText = v.get("lineCharge", 0);
      const line = present(lineText) ? parseMoney(lineText) : null;
      if (!line || line.cents <= 0) return null;
      const totalText = v.get("totalCharge");
      const total = present(totalText) ? parseMoney(totalText) : null;
      if (present(totalText) && !total) return null;
      v.set("lineCharge", v.money(-line.cents, lineText!, "lineCharge", 0), 0);
      // the total still equals the sum of the lines
      if (total) v.set("totalCharge", v.money(total.cents - 2 * line.cents, totalText!, "totalCharge"));
      return "lines[0].charge";
    }
    case "REC_TOTAL_MISMATCH": {
      const totalText = v.get("totalCharge");
      const total = present(totalText) ? parseMoney(totalText) : null;
      if (!total) return null;
      v.set("totalCharge", v.money(total.cents + 100 + rng.int(10_000), totalText!, "totalCharge"));
      return "totalCharge";
    }
    case "REC_NPI_CHECK_DIGIT": {
      const field = v.kind === "providers" ? "npi" : individualNpiField(v);
      if (!field) return null;
      const broken = brokenNpi(v.get(field) ?? "");
      if (!broken) return null;
      v.set(field, broken);
      return field;
    }
    case "REC_MEMBER_NOT_IN_POPULATION": {
      const id = v.get("memberId");
      if (!present(id)) return null;
      const unknown = unknownIdLike(id, ctx.memberIds, rng);
      v.set("memberId", unknown);
      const subscriber = v.get("subscriberId");
      if (subscriber !== undefined && subscriber !== null) v.set("subscriberId", unknown);
      const relationship = v.get("relationship");
      if (relationship !== undefined && relationship !== null) v.set("relationship", "18");
      return "memberId";
    }
    case "REC_NPI_NOT_IN_POPULATION": {
      const field = individualNpiField(v);
      if (!field) return null;
      v.set(field, unknownNpi(ctx.npis, rng));
      return field;
    }
    case "REC_DUPLICATE_CLAIM":
      v.duplicate();
      return "claimId";
    case "REC_CONFLICTING_DUPLICATE": {
      const totalText = v.get("totalCharge");
      const total = present(totalText) ? parseMoney(totalText) : null;
      if (!total) return null;
      const lineText = v.get("lineCharge", 0);
      const line = present(lineText) ? parseMoney(lineText) : null;
      if (present(lineText) && !line) return null;
      const delta = 1000 + rng.int(10_000);
      v.duplicate((copy) => {
        copy.set("totalCharge", copy.money(total.cents + delta, totalText!, "totalCharge"));
        if (line) copy.set("lineCharge", copy.money(line.cents + delta, lineText!, "lineCharge", 0), 0);
      });
      return "claimId";
    }
    case "REC_INVALID_SEX": {
      const sex = v.get("sex");
      if (!present(sex) || sex === "Q") return null;
      v.set("sex", "Q");
      return "sex";
    }
    case "REC_ZERO_UNITS": {
      const withProcedures = [...Array(v.lineCount()).keys()].filter((k) => present(v.get("procedureCode", k)));
      const k = withProcedures[0] ?? (v.get("procedureCode", 0) === undefined ? 0 : -1);
      if (k < 0) return null;
      const units = v.get("units", k);
      if (!present(units) || !/^\d+(\.\d+)?$/.test(units) || Number(units) === 0) return null;
      v.set("units", "0", k);
      return `lines[${k}].units`;
    }
    case "REC_INVALID_POS":
      if (!present(v.get("placeOfService"))) return null;
      v.set("placeOfService", unlistedPos(ctx.placeOfService, rng));
      return "placeOfService";
    case "ELIG_OVERLAPPING_SPANS": {
      const n = v.spanCount();
      if (n < 2) return null;
      const previousEnd = date(v.get("coverageEnd", n - 2));
      const lastStart = date(v.get("coverageStart", n - 1));
      if (!previousEnd || !lastStart) return null;
      v.set("coverageEnd", formatDate(lastStart.day + 30 + rng.int(60), previousEnd.style), n - 2);
      return `coverage[${n - 2}].end`;
    }
    case "ELIG_SPAN_END_BEFORE_START": {
      const n = v.spanCount();
      if (n < 1) return null;
      const start = date(v.get("coverageStart", n - 1));
      if (!start) return null;
      const end = date(v.get("coverageEnd", n - 1));
      v.set("coverageEnd", formatDate(start.day - 1 - rng.int(90), end?.style ?? start.style), n - 1);
      return `coverage[${n - 1}].end`;
    }
    case "PROV_DUPLICATE_NPI": {
      const before = previous?.get("npi");
      const own = v.get("npi");
      if (!present(before) || own === undefined || own === before) return null;
      v.set("npi", before);
      return "npi";
    }
    case "PROV_MISSING_TAXONOMY":
      if (!present(v.get("taxonomy"))) return null;
      v.set("taxonomy", "");
      return "taxonomy";
    case "PROV_INVALID_STATE_ZIP":
      if (v.get("state") === undefined || v.get("zip") === undefined) return null;
      v.set("state", "ZZ");
      v.set("zip", rng.digits(3));
      return "address.state";
    default:
      throw new Error(`unreachable: ${code} is not a record view code`);
  }
}

/** The ID the --eligibility file knows the record's member by. */
function memberKey(v: RecordView): string | undefined {
  const id = v.get("memberId");
  if (present(id)) return id;
  const subscriber = v.get("subscriberId");
  return present(subscriber) ? subscriber : undefined;
}

/** Moves a claim's dates of service (the given lines, and the statement dates) to one day. */
function setDates(v: RecordView, day: number, style: ParsedDate["style"], lines: readonly number[]): void {
  for (const k of lines) {
    const d = date(v.get("serviceDate", k));
    v.set("serviceDate", formatDate(day, d?.style ?? style), k);
  }
  for (const f of ["statementFrom", "statementTo"] as const) {
    const d = date(v.get(f));
    if (d) v.set(f, formatDate(day, d.style));
  }
}
