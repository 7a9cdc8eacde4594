/**
 * Values of record-level defects, independent of the file format: dates in the style the file
 * already uses, money with the file's decimals, codes that are well shaped but not in a code list,
 * NPIs that fail their check digit, and IDs shaped like the file's that no record has.
 */
import { civilFromDays, daysFromCivil, npiCheckDigit, npiForProvider, type Rng } from "../../generators/index.js";

export type DateStyle = "iso" | "us" | "d8";

export interface ParsedDate {
  day: number;
  style: DateStyle;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");
const pad4 = (n: number): string => String(n).padStart(4, "0");

function validDay(y: number, m: number, d: number): number | null {
  const day = daysFromCivil(y, m, d);
  const [y2, m2, d2] = civilFromDays(day);
  return y2 === y && m2 === m && d2 === d ? day : null;
}

/** A calendar date as YYYY-MM-DD, MM/DD/YYYY or CCYYMMDD; null for anything else (or an impossible date). */
export function parseDate(text: string): ParsedDate | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const day = validDay(Number(m[1]), Number(m[2]), Number(m[3]));
    return day === null ? null : { day, style: "iso" };
  }
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (m) {
    const day = validDay(Number(m[3]), Number(m[1]), Number(m[2]));
    return day === null ? null : { day, style: "us" };
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) {
    const day = validDay(Number(m[1]), Number(m[2]), Number(m[3]));
    return day === null ? null : { day, style: "d8" };
  }
  return null;
}

export function formatDate(day: number, style: DateStyle): string {
  const [y, m, d] = civilFromDays(day);
  if (style === "iso") return `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
  if (style === "us") return `${pad2(m)}/${pad2(d)}/${pad4(y)}`;
  return `${pad4(y)}${pad2(m)}${pad2(d)}`;
}

/** February 30 of the date's year, in its style. */
export function impossibleDate(date: ParsedDate): string {
  const y = pad4(civilFromDays(date.day)[0]);
  if (date.style === "iso") return `${y}-02-30`;
  if (date.style === "us") return `02/30/${y}`;
  return `${y}0230`;
}

/** The same date in another format: ISO → MM/DD/YYYY, MM/DD/YYYY → ISO, CCYYMMDD (X12) → CCYY-MM-DD. */
export function wrongFormatDate(date: ParsedDate): string {
  return formatDate(date.day, date.style === "iso" ? "us" : "iso");
}

export type MoneyStyle = "fixed2" | "minimal";

export interface ParsedMoney {
  cents: number;
  style: MoneyStyle;
}

export function parseMoney(text: string): ParsedMoney | null {
  const m = /^(-?)(\d*)(?:\.(\d+))?$/.exec(text);
  if (!m || (m[2] === "" && m[3] === undefined)) return null;
  const cents = Math.round(Number(text) * 100);
  if (!Number.isFinite(cents)) return null;
  return { cents, style: m[3]?.length === 2 ? "fixed2" : "minimal" };
}

/** Money in a style: 2 decimals (CSV) or without insignificant zeros (X12, JSON numbers). */
export function formatMoney(cents: number, style: MoneyStyle): string {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  let s: string;
  if (style === "fixed2") s = `${whole}.${pad2(frac)}`;
  else if (frac === 0) s = String(whole);
  else if (frac % 10 === 0) s = `${whole}.${frac / 10}`;
  else s = `${whole}.${pad2(frac)}`;
  return neg ? "-" + s : s;
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Code lists as sets, built once per list (the ICD-10-CM list has some 75,000 codes). */
const SETS = new WeakMap<readonly string[], ReadonlySet<string>>();
function setOf(list: readonly string[]): ReadonlySet<string> {
  let set = SETS.get(list);
  if (!set) SETS.set(list, (set = new Set(list)));
  return set;
}

function outside(rng: Rng, taken: ReadonlySet<string>, make: (rng: Rng) => string, what: string): string {
  for (let tries = 0; tries < 1000; tries++) {
    const c = make(rng);
    if (!taken.has(c)) return c;
  }
  throw new Error(`could not draw ${what} outside the list`);
}

/**
 * A code shaped like ICD-10-CM that the list lacks: the current code's category with another
 * subcategory (as generate does), keeping a dot if the file writes one.
 */
export function unlistedIcd(current: string, list: readonly string[], rng: Rng): string {
  const dotted = /^[A-Z]\d[0-9A-Z]\./.test(current);
  const plain = current.replace(".", "");
  const set = setOf(list);
  let tries = 0;
  const code = outside(
    rng,
    set,
    (r) => {
      // the record's own category first; a category the list fills completely gives way to others
      const base = /^[A-Z]\d[0-9A-Z]/.test(plain) && tries++ < 20 ? plain : r.pick(list);
      return base.slice(0, 3) + r.digits(Math.max(1, Math.min(4, base.length - 3 || 1)));
    },
    "an ICD-10-CM code",
  );
  return dotted ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

/** A code that is not shaped like ICD-10-CM: two digits, a letter, a dot, a digit. */
export function malformedIcd(rng: Rng): string {
  return `${rng.digits(2)}${LETTERS[rng.int(26)]}.${rng.digits(1)}`;
}

/** A code shaped like HCPCS Level II (a letter and four digits) that neither the list nor the file has. */
export function unlistedHcpcs(taken: ReadonlySet<string>, rng: Rng): string {
  return outside(rng, taken, (r) => LETTERS[r.int(26)] + r.digits(4), "a procedure code");
}

export function unlistedPos(list: readonly string[], rng: Rng): string {
  return outside(rng, setOf(list), (r) => r.digits(2), "a place of service");
}

/** The NPI with a check digit that fails (ten digits expected). */
export function brokenNpi(npi: string): string | null {
  if (!/^\d{10}$/.test(npi)) return null;
  return npi.slice(0, 9) + ((npiCheckDigit(npi.slice(0, 9)) + 1) % 10);
}

/** A valid NPI from hcsynth's synthetic block, far beyond any generated population, not in `taken`. */
export function unknownNpi(taken: ReadonlySet<string>, rng: Rng): string {
  return outside(rng, taken, (r) => npiForProvider(1_000_000 + r.int(1_000_000)), "an NPI");
}

/**
 * An ID shaped like `like` that no record has: its last run of digits replaced by 9 and random
 * digits (hcsynth's IDs number the population from 0, so a leading 9 is far beyond it).
 */
export function unknownIdLike(like: string, taken: ReadonlySet<string>, rng: Rng): string {
  const m = /(\d+)(\D*)$/.exec(like);
  return outside(
    rng,
    taken,
    (r) => {
      if (!m || m[1]!.length < 4) return `${like || "ID"}9${r.digits(7)}`;
      const n = m[1]!.length;
      return like.slice(0, m.index) + "9" + r.digits(n - 1) + m[2];
    },
    "an ID",
  );
}
