/**
 * Field parsing shared by every format: dates, money and numbers, with each problem recorded against
 * the record (catalogue code, message, logical field) instead of thrown.
 */
import { ETL_REASONS, reasonRank } from "./codes.js";

export interface Problem {
  reason: string;
  message: string;
  field?: string;
}

/** The problems of one record; the one reported is the first in catalogue order. */
export class Checks {
  readonly problems: Problem[] = [];

  add(reason: string, message: string, field?: string): void {
    this.problems.push(field === undefined ? { reason, message } : { reason, message, field });
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  first(): Problem | undefined {
    let best: Problem | undefined;
    for (const p of this.problems) if (!best || reasonRank(p.reason) < reasonRank(best.reason)) best = p;
    return best;
  }
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function calendar(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const D8 = /^(\d{4})(\d{2})(\d{2})$/;
/** Anything that looks like a date in some other layout (the wrong-format defect and its relatives). */
const DATE_LIKE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$|^\d{6,14}$/;

export type DateStyle = "iso" | "d8";

/**
 * A date as YYYY-MM-DD, or null when empty or broken (the problem is recorded: REC_IMPOSSIBLE_DATE for
 * a well-formed non-date such as February 30, REC_WRONG_DATE_FORMAT for another layout).
 * `style` is the layout the format prescribes: ISO YYYY-MM-DD (CSV, NDJSON) or CCYYMMDD (X12 D8).
 */
export function parseDate(text: string, style: DateStyle, field: string, checks: Checks): string | null {
  if (text === "") return null;
  const m = (style === "iso" ? ISO : D8).exec(text);
  if (!m) {
    const expected = style === "iso" ? "YYYY-MM-DD" : "CCYYMMDD";
    checks.add("REC_WRONG_DATE_FORMAT", `${field}: ${JSON.stringify(text)} is not a ${expected} date${DATE_LIKE.test(text) ? "" : " (nor any date)"}`, field);
    return null;
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!calendar(y, mo, d)) {
    checks.add("REC_IMPOSSIBLE_DATE", `${field}: ${JSON.stringify(text)} is not a calendar date`, field);
    return null;
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const X12_DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/**
 * Money as whole cents, or null (recorded as ETL_SCHEMA) when it is not an amount to the cent.
 * `x12` accepts the X12 R layout (no leading digit, no trailing zeros required).
 */
export function parseCents(text: string, field: string, checks: Checks, x12 = false): number | null {
  const m = (x12 ? X12_DECIMAL : DECIMAL).exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "") || text === "") {
    checks.add(text === "" ? ETL_REASONS.MISSING_FIELD : ETL_REASONS.SCHEMA, `${field}: ${JSON.stringify(text)} is not an amount`, field);
    return null;
  }
  const fraction = m[3] ?? "";
  if (fraction.length > 2 && !/^0*$/.test(fraction.slice(2))) {
    checks.add(ETL_REASONS.SCHEMA, `${field}: ${JSON.stringify(text)} is not an amount to the cent`, field);
    return null;
  }
  const whole = m[2] === "" ? 0 : Number(m[2]);
  const cents = whole * 100 + Number((fraction + "00").slice(0, 2));
  if (!Number.isSafeInteger(cents)) {
    checks.add(ETL_REASONS.SCHEMA, `${field}: ${JSON.stringify(text)} is out of range`, field);
    return null;
  }
  return m[1] === "-" ? -cents : cents;
}

/** Money from a JSON number (dollars), to the cent. */
export function centsOfNumber(value: unknown, field: string, checks: Checks): number | null {
  if (value === null || value === undefined) {
    checks.add(ETL_REASONS.MISSING_FIELD, `${field}: missing`, field);
    return null;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    checks.add(ETL_REASONS.SCHEMA, `${field}: expected a number, got ${JSON.stringify(value)}`, field);
    return null;
  }
  const cents = Math.round(value * 100);
  if (Math.abs(value * 100 - cents) > 1e-6 || !Number.isSafeInteger(cents)) {
    checks.add(ETL_REASONS.SCHEMA, `${field}: ${value} is not an amount to the cent`, field);
    return null;
  }
  return cents;
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** A count (units, line number) from text; null (recorded) when not a number. */
export function parseNumber(text: string, field: string, checks: Checks): number | null {
  if (!NUMBER.test(text)) {
    checks.add(text === "" ? ETL_REASONS.MISSING_FIELD : ETL_REASONS.SCHEMA, `${field}: ${JSON.stringify(text)} is not a number`, field);
    return null;
  }
  return Number(text);
}

/** Dollars from whole cents, as hcsynth's NDJSON writes them. */
export function dollars(cents: number): number {
  return cents / 100;
}
