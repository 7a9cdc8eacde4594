/**
 * Segment-building helpers shared by the X12 writers. Segments are built by string concatenation;
 * a SegmentSink appends each with its terminator and counts them (for SE01).
 */
import type { World } from "../../core/world.js";
import type { Address } from "../../model.js";
import type { ResolvedX12Options } from "./options.js";
import { flat, WHOLE_TEXTS, wholeTexts } from "../../core/strings.js";

/** The delimiters of one interchange. `t` is the segment terminator plus the optional line feed. */
export interface Syntax {
  e: string;
  c: string;
  r: string;
  t: string;
}

export function syntaxOf(o: ResolvedX12Options): Syntax {
  return { e: o.elementSeparator, c: o.componentSeparator, r: o.repetitionSeparator, t: o.segmentTerminator + (o.newline ? "\n" : "") };
}

/**
 * Collects the terminated segments of a record as one string, and counts them: `count` is the number
 * of segments of the open transaction set (SE01). Appending builds a rope (one node per piece, no
 * copying), flattened once per record when taken: Array#join of the pieces costs several times more
 * per piece, and V8 flattens a file chunk made of flat records far faster than one made of ropes.
 */
export class SegmentSink {
  private text = "";
  count = 0;

  constructor(private readonly t: string) {}

  /** Appends one segment given without its terminator, and counts it. */
  add(segment: string): void {
    this.text += segment + this.t;
    this.count++;
  }

  /** Appends pre-built terminated segments and counts them. */
  addBlock(block: Block): void {
    this.text += block.text;
    this.count += block.count;
  }

  /** Appends `segments` terminated segments (already concatenated) and counts them. */
  addText(text: string, segments: number): void {
    this.text += text;
    this.count += segments;
  }

  /** Appends terminated text that SE01 does not count (GS, SE, GE, IEA). */
  raw(text: string): void {
    this.text += text;
  }

  /** The collected text (flattened: see `flat`), and an empty sink. */
  take(): string {
    const s = this.text;
    this.text = "";
    return flat(s);
  }
}

/** Terminated segments built once and reused, with how many they are. */
export interface Block {
  text: string;
  count: number;
}

export function block(segments: readonly string[], t: string): Block {
  let text = "";
  for (const s of segments) text += s + t;
  // flat, since blocks are reused: a cached rope is walked again on every use
  return { text: flat(text), count: segments.length };
}

/**
 * An X12 R (decimal) amount from whole cents, without insignificant zeros:
 * 12345 → "123.45", 12340 → "123.4", 10000 → "100", 5 → "0.05".
 */
export function amount(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = AMOUNT_FRACTIONS[cents - whole * 100];
  // whole cents from $0 to $9,999.99: both halves from tables
  if (fraction !== undefined && whole >= 0 && whole < WHOLE_TEXTS) return (wholeTexts()[whole] as string) + fraction;
  return amountSlow(cents);
}

/** The decimals of amount() by cents 0–99: "", ".01" … ".09", ".1", ".11" … */
const AMOUNT_FRACTIONS: readonly string[] = Array.from({ length: 100 }, (_, f) => (f === 0 ? "" : f % 10 === 0 ? "." + f / 10 : (f < 10 ? ".0" : ".") + f));

function amountSlow(cents: number): string {
  const neg = cents < 0;
  const abs = neg ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  let s: string;
  if (frac === 0) s = String(whole);
  else if (frac % 10 === 0) s = whole + "." + frac / 10;
  else s = whole + (frac < 10 ? ".0" : ".") + frac;
  return neg ? "-" + s : s;
}

/** The digits of a string (SSN, EIN, phone without dashes). */
export function digitsOnly(s: string): string {
  // copies runs of digits whole (an SSN is three runs), not character by character
  let out = "";
  let start = 0; // start of the current run of digits
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 48 || ch > 57) {
      if (i > start) out += s.slice(start, i);
      start = i + 1;
    }
  }
  if (start === 0) return s;
  return start < s.length ? out + s.slice(start) : out;
}

/** N3 and N4 for an address. */
export function addressSegments(a: Address, e: string): [n3: string, n4: string] {
  return [a.line2 ? "N3" + e + a.line1 + e + a.line2 : "N3" + e + a.line1, "N4" + e + a.city + e + a.state + e + a.zip];
}

/** HHMM from minutes after midnight. */
export function hhmm(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return (h < 10 ? "0" : "") + h + (m < 10 ? "0" : "") + m;
}

const D8_YEARS_BACK = 45_000;
const D8_DAYS_AHEAD = 1_000;
const d8Tables = new WeakMap<World, string[]>();

/**
 * CCYYMMDD of day numbers, memoised in a flat table per world around the reference date (every birth,
 * coverage and service date falls in it) and through world.dates.d8 outside it.
 */
export function d8Formatter(world: World): (day: number) => string {
  let table = d8Tables.get(world);
  if (table === undefined) {
    table = new Array<string>(D8_YEARS_BACK + D8_DAYS_AHEAD + 1).fill("");
    d8Tables.set(world, table);
  }
  const t = table;
  const origin = world.referenceDay - D8_YEARS_BACK;
  const size = t.length;
  const dates = world.dates;
  return (day) => {
    const i = day - origin;
    if (i < 0 || i >= size) return dates.d8(day);
    let s = t[i] as string;
    if (s === "") s = t[i] = dates.d8(day);
    return s;
  };
}

const affixedTables = new WeakMap<World, Map<string, string[]>>();

/**
 * `prefix + CCYYMMDD + suffix` of day numbers (a whole date segment such as DTP*472*D8*…~), memoised
 * per world and affixes in a flat table over the same days as d8Formatter, and built from it outside.
 */
export function affixedD8(world: World, prefix: string, suffix: string): (day: number) => string {
  let byAffix = affixedTables.get(world);
  if (byAffix === undefined) {
    byAffix = new Map();
    affixedTables.set(world, byAffix);
  }
  const key = prefix + "\u0000" + suffix;
  let table = byAffix.get(key);
  if (table === undefined) {
    table = new Array<string>(D8_YEARS_BACK + D8_DAYS_AHEAD + 1).fill("");
    byAffix.set(key, table);
  }
  const t = table;
  const d8 = d8Formatter(world);
  const origin = world.referenceDay - D8_YEARS_BACK;
  const size = t.length;
  return (day) => {
    const i = day - origin;
    if (!(i >= 0 && i < size && (i | 0) === i)) return prefix + d8(day) + suffix;
    let s = t[i] as string;
    if (s === "") s = t[i] = flat(prefix + d8(day) + suffix);
    return s;
  };
}

const dataChars = new WeakMap<World, string>();
/** The characters of a vocabulary (the same object for every world of a run), walked once. */
const vocabularyChars = new WeakMap<World["vocabulary"], string>();

/** Adds the non-alphanumeric characters of strings (in arrays, at any depth) to `seen`. */
function collectCharacters(v: unknown, seen: Set<string>): void {
  if (typeof v === "string") {
    for (let i = 0; i < v.length; i++) {
      const code = v.charCodeAt(i);
      // letters and digits are never delimiters; other characters, surrogate pairs whole, are noted
      if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) continue;
      const cp = v.codePointAt(i) as number;
      seen.add(String.fromCodePoint(cp));
      if (cp > 0xffff) i++;
    }
  } else if (Array.isArray(v)) for (const x of v) collectCharacters(x, seen);
}

/** Every non-alphanumeric character of the world's free-text data (vocabulary and payers), computed once. */
function freeTextCharacters(world: World): string {
  let chars = dataChars.get(world);
  if (chars === undefined) {
    const voc = world.vocabulary;
    let fromVocabulary = vocabularyChars.get(voc);
    if (fromVocabulary === undefined) {
      const seen = new Set<string>();
      collectCharacters([voc.firstNamesFemale, voc.firstNamesMale, voc.middleInitials, voc.lastNames, voc.streetNames, voc.secondaryAddresses, voc.organizationNames, voc.places], seen);
      fromVocabulary = [...seen].join("");
      vocabularyChars.set(voc, fromVocabulary);
    }
    const seen = new Set<string>();
    for (const list of Object.values(world.payersByClass)) for (const p of list) collectCharacters([p.id, p.name, p.plans.map((pl) => pl.id)], seen);
    collectCharacters(world.config.idPrefix, seen);
    chars = fromVocabulary + [...seen].join("");
    dataChars.set(world, chars);
  }
  return chars;
}

/** Throws when a delimiter occurs in the world's data, which would corrupt the interchange. */
export function checkDelimitersAgainstData(world: World, o: ResolvedX12Options): void {
  const chars = freeTextCharacters(world);
  for (const [key, sep] of [
    ["elementSeparator", o.elementSeparator],
    ["componentSeparator", o.componentSeparator],
    ["repetitionSeparator", o.repetitionSeparator],
    ["segmentTerminator", o.segmentTerminator],
  ] as const) {
    if (chars.includes(sep)) throw new RangeError(`x12.${key}: ${JSON.stringify(sep)} occurs in the generated names and addresses; pick another character`);
  }
}
