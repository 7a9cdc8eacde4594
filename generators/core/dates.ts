/**
 * Calendar dates as whole day numbers (days since 1970-01-01, proleptic Gregorian, no time zone),
 * so that generation does date arithmetic on integers and never asks the clock.
 * Conversions follow Howard Hinnant's civil-from-days algorithms.
 */

import { WHOLE_TEXTS, wholeTexts } from "./strings.js";

export type DayNumber = number;

export function daysFromCivil(y: number, m: number, d: number): DayNumber {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: DayNumber): [year: number, month: number, day: number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [y + (m <= 2 ? 1 : 0), m, d];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD`, rejecting impossible dates such as 2025-02-30. */
export function parseIsoDate(text: string, what = "date"): DayNumber {
  const m = ISO_DATE.exec(text);
  if (!m) throw new RangeError(`${what}: expected YYYY-MM-DD, got ${JSON.stringify(text)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const day = daysFromCivil(y, mo, d);
  const [y2, mo2, d2] = civilFromDays(day);
  if (y2 !== y || mo2 !== mo || d2 !== d) throw new RangeError(`${what}: ${text} is not a calendar date`);
  return day;
}

const pad2 = (n: number): string => (n < 10 ? "0" + n : String(n));

function pad4(n: number): string {
  const s = String(n);
  return s.length >= 4 ? s : "0000".slice(s.length) + s;
}

/*
 * Sentinel day numbers, used only by defect injection: far below any real date, they carry a real day
 * and a variant, and DateFormatter renders them as an impossible date (February 30 of that year), a
 * date in the wrong format, or an empty date.
 */
const SENTINEL_BASE = -2_000_000_000;
const SENTINEL_SPAN = 10_000_000;
const SENTINEL_OFFSET = 5_000_000;

export function impossibleDay(day: DayNumber): DayNumber {
  return SENTINEL_BASE + 1 * SENTINEL_SPAN + day + SENTINEL_OFFSET;
}

export function wrongFormatDay(day: DayNumber): DayNumber {
  return SENTINEL_BASE + 2 * SENTINEL_SPAN + day + SENTINEL_OFFSET;
}

function sentinel(day: DayNumber, compact: boolean): string {
  const x = day - SENTINEL_BASE;
  if (x < 0) return ""; // a missing date
  const variant = Math.floor(x / SENTINEL_SPAN);
  const [y, m, d] = civilFromDays(x - variant * SENTINEL_SPAN - SENTINEL_OFFSET);
  if (variant === 1) return compact ? `${pad4(y)}0230` : `${pad4(y)}-02-30`;
  return compact ? `${pad4(y)}-${pad2(m)}-${pad2(d)}` : `${pad2(m)}/${pad2(d)}/${pad4(y)}`;
}

/** Days of the flat memo tables of DateFormatter: 1900-01-01 onwards, about 359 years. */
const TABLE_FIRST_DAY = -25_567;
const TABLE_DAYS = 1 << 17;

/**
 * Formats day numbers, memoising both renderings; one instance per generation context. ISO dates of
 * days from 1900 on (never sentinels) are memoised in a flat table indexed by day (no hashing), the
 * rest in maps.
 */
export class DateFormatter {
  private readonly iso = new Map<DayNumber, string>();
  private readonly compact = new Map<DayNumber, string>();
  private isoTable: string[] | undefined;

  /** `YYYY-MM-DD` */
  isoDate(day: DayNumber): string {
    const i = day - TABLE_FIRST_DAY;
    if (i >= 0 && i < TABLE_DAYS && (i | 0) === i) {
      const table = (this.isoTable ??= new Array<string>(TABLE_DAYS).fill(""));
      let s = table[i] as string;
      if (s === "") {
        const [y, m, d] = civilFromDays(day);
        s = table[i] = `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
      }
      return s;
    }
    return this.isoDateSlow(day);
  }

  private isoDateSlow(day: DayNumber): string {
    if (day < -1_000_000_000) return sentinel(day, false);
    let s = this.iso.get(day);
    if (s === undefined) {
      const [y, m, d] = civilFromDays(day);
      s = `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
      if (this.iso.size < 200_000) this.iso.set(day, s);
    }
    return s;
  }

  /** `CCYYMMDD`, the X12 D8 format (the X12 writers keep a flat table of their own in front of this). */
  d8(day: DayNumber): string {
    if (day < -1_000_000_000) return sentinel(day, true);
    let s = this.compact.get(day);
    if (s === undefined) {
      const [y, m, d] = civilFromDays(day);
      s = `${pad4(y)}${pad2(m)}${pad2(d)}`;
      if (this.compact.size < 200_000) this.compact.set(day, s);
    }
    return s;
  }
}

/** Whole years between a birth date and a reference date. */
export function ageOn(birth: DayNumber, on: DayNumber): number {
  const [by, bm, bd] = civilFromDays(birth);
  const [y, m, d] = civilFromDays(on);
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age--;
  return age;
}

/** ".00" … ".99" */
const CENTS_FRACTIONS: readonly string[] = Array.from({ length: 100 }, (_, f) => (f < 10 ? ".0" : ".") + f);

/** Cents as a decimal string with two places: 12345 → "123.45", -5 → "-0.05". */
export function formatCents(cents: number): string {
  const neg = cents < 0;
  const abs = neg ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  const fraction = CENTS_FRACTIONS[frac];
  // whole cents from $0 to $9,999.99: both halves from tables (no number formatting)
  if (fraction !== undefined && whole < WHOLE_TEXTS && !neg) return (wholeTexts()[whole] as string) + fraction;
  return (neg ? "-" : "") + whole + "." + (frac < 10 ? "0" + frac : String(frac));
}
