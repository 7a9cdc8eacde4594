/**
 * Identifier formats. Everything here is synthetic by construction (see README "PHI-free by construction"):
 * SSNs only in area 900–999 with a group that is neither an SSN nor an ITIN group, MBIs with `S` in
 * position 2 (which no real MBI has), phone numbers 555-0100…555-0199, e-mail at example.com/.org/.net,
 * and member/claim IDs behind a configurable synthetic prefix. NPIs pass the standard check digit.
 */
import type { Rng } from "./random.js";

/** The NPI check digit: Luhn over the 9-digit base with the constant 80840 prefix (card issuer 80840). */
export function npiCheckDigit(base9: string): number {
  if (!/^\d{9}$/.test(base9)) throw new RangeError(`NPI base must be 9 digits, got ${JSON.stringify(base9)}`);
  // The prefix 80840 contributes a constant 24 to the Luhn sum.
  let sum = 24;
  for (let i = 0; i < 9; i++) {
    let d = base9.charCodeAt(8 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidNpi(npi: string): boolean {
  return /^[12]\d{9}$/.test(npi) && npiCheckDigit(npi.slice(0, 9)) === npi.charCodeAt(9) - 48;
}

/** NPIs of hcsynth's providers: a contiguous block starting at base 190000000, with a valid check digit. */
export const NPI_BASE_START = 190_000_000;

/** NPIs of the first providers, computed once each (an NPI is a pure function of the index). */
const NPI_CACHE_SIZE = 1 << 16;
let npiCache: string[] | undefined;

export function npiForProvider(index: number): string {
  if (index >= 0 && index < NPI_CACHE_SIZE && Number.isInteger(index)) {
    npiCache ??= new Array<string>(NPI_CACHE_SIZE).fill("");
    const cached = npiCache[index] as string;
    if (cached !== "") return cached;
    return (npiCache[index] = computeNpi(index));
  }
  return computeNpi(index);
}

function computeNpi(index: number): string {
  let base = NPI_BASE_START + index;
  if (!(index >= 0 && base <= 999_999_999)) throw new RangeError(`provider index ${index} is beyond the NPI block`);
  const text = String(base);
  // Luhn over the base digits, right to left, doubling every other digit from the rightmost; 80840 adds 24.
  let sum = 24;
  for (let i = 0; i < 9; i++) {
    let d = base % 10;
    base = (base - d) / 10;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return text + ((10 - (sum % 10)) % 10);
}

/** SSN groups that are neither issued SSN groups for area 9xx nor ITIN groups (50–65, 70–88, 90–92, 94–99). */
export const SYNTHETIC_SSN_GROUPS: readonly string[] = [
  ...Array.from({ length: 49 }, (_, i) => String(i + 1).padStart(2, "0")),
  "66",
  "67",
  "68",
  "69",
  "89",
  "93",
];

export function syntheticSsn(rng: Rng): string {
  const area = 900 + rng.int(100);
  const group = rng.pick(SYNTHETIC_SSN_GROUPS);
  const serial = pad(1 + rng.int(9999), 4);
  return `${area}-${group}-${serial}`;
}

/** MBI alphabet: letters except S, L, O, I, B, Z. */
const MBI_ALPHA = "ACDEFGHJKMNPQRTUVWXY";
const MBI_ALNUM = MBI_ALPHA + "0123456789";

/**
 * A Medicare Beneficiary Identifier shaped as CMS specifies (C A AN N A AN N A A N N), except that
 * position 2 is always `S`, a letter CMS excludes: no real MBI can be produced.
 */
export function syntheticMbi(rng: Rng): string {
  // the characters drawn in order, made into one string at once (not eleven concatenations)
  const c1 = 49 + rng.int(9); // String(1 + int(9))
  const c3 = MBI_ALNUM.charCodeAt(rng.int(MBI_ALNUM.length));
  const c4 = 48 + rng.int(10);
  const c5 = MBI_ALPHA.charCodeAt(rng.int(MBI_ALPHA.length));
  const c6 = MBI_ALNUM.charCodeAt(rng.int(MBI_ALNUM.length));
  const c7 = 48 + rng.int(10);
  const c8 = MBI_ALPHA.charCodeAt(rng.int(MBI_ALPHA.length));
  const c9 = MBI_ALPHA.charCodeAt(rng.int(MBI_ALPHA.length));
  const c10 = 48 + rng.int(10);
  const c11 = 48 + rng.int(10);
  return String.fromCharCode(c1, 83 /* S */, c3, c4, c5, c6, c7, c8, c9, c10, c11);
}

/** A fictional phone number: a plausible area code, exchange 555, line 0100–0199 (reserved for fiction). */
export function syntheticPhone(rng: Rng): string {
  let area = 201 + rng.int(789);
  if (area % 100 === 11) area += 1; // no N11 codes
  return `${area}-555-01${pad(rng.int(100), 2)}`;
}

export const EXAMPLE_DOMAINS = ["example.com", "example.org", "example.net"] as const;

/** An EIN-shaped organisation tax ID (NN-NNNNNNN); organisations are not persons, and these are generated. */
export function syntheticEin(rng: Rng): string {
  return `${10 + rng.int(89)}-${rng.digits(7)}`;
}

const ZEROS = "000000000000000000000";
/** ZEROS.slice(0, k) for every k, built once. */
const ZERO_RUNS: readonly string[] = Array.from({ length: ZEROS.length + 1 }, (_, k) => ZEROS.slice(0, k));

export function pad(n: number, width: number): string {
  const s = String(n);
  const k = width - s.length;
  return k > 0 ? (ZERO_RUNS[k] ?? ZEROS.slice(0, k)) + s : s;
}

/** The prefixes of member, claim, encounter and Medicaid IDs for an ID prefix (`SYN` → `SYNM`, …). */
export interface IdPrefixes {
  member: string;
  claim: string;
  encounter: string;
  medicaid: string;
}

let lastIdPrefixes: IdPrefixes & { source: string } = { source: "", member: "M", claim: "C", encounter: "E", medicaid: "D" };

/** The ID prefixes of `idPrefix`, built once per prefix rather than per ID. */
export function idPrefixes(idPrefix: string): IdPrefixes {
  if (lastIdPrefixes.source !== idPrefix) {
    lastIdPrefixes = { source: idPrefix, member: `${idPrefix}M`, claim: `${idPrefix}C`, encounter: `${idPrefix}E`, medicaid: `${idPrefix}D` };
  }
  return lastIdPrefixes;
}
