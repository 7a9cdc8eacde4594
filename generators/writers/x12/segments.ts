/**
 * Segment-building helpers shared by the X12 writers. Segments are built by string concatenation;
 * a SegmentSink appends each with its terminator and counts them (for SE01).
 */
import type { World } from "../../core/world.js";
import type { Address } from "../../model.js";
import type { ResolvedX12Options } from "./options.js";

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
 * Collects terminated segments as an array of strings, one per segment, joined once per record:
 * V8 joins short strings into one flat string far faster than it builds and later flattens a rope of
 * thousands of concatenations. `count` is the number of segments of the open transaction set (SE01).
 */
export class SegmentSink {
  readonly parts: string[] = [];
  count = 0;

  constructor(private readonly t: string) {}

  /** Appends one segment given without its terminator, and counts it. */
  add(segment: string): void {
    this.parts.push(segment + this.t);
    this.count++;
  }

  /** Appends pre-built terminated segments and counts them. */
  addBlock(block: Block): void {
    this.parts.push(block.text);
    this.count += block.count;
  }

  /** Appends terminated text that SE01 does not count (GS, SE, GE, IEA). */
  raw(text: string): void {
    this.parts.push(text);
  }

  /** The collected text, and an empty sink. */
  take(): string {
    const s = this.parts.join("");
    this.parts.length = 0;
    return s;
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
  return { text, count: segments.length };
}

/**
 * An X12 R (decimal) amount from whole cents, without insignificant zeros:
 * 12345 → "123.45", 12340 → "123.4", 10000 → "100", 5 → "0.05".
 */
export function amount(cents: number): string {
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
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 48 && ch <= 57) out += s[i];
  }
  return out;
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

const dataChars = new WeakMap<World, string>();

/** Every non-alphanumeric character of the world's free-text data (vocabulary and payers), computed once. */
function freeTextCharacters(world: World): string {
  let chars = dataChars.get(world);
  if (chars === undefined) {
    const seen = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === "string") {
        for (const ch of v) if (!/[A-Za-z0-9]/.test(ch)) seen.add(ch);
      } else if (Array.isArray(v)) for (const x of v) walk(x);
    };
    const voc = world.vocabulary;
    walk([voc.firstNamesFemale, voc.firstNamesMale, voc.middleInitials, voc.lastNames, voc.streetNames, voc.secondaryAddresses, voc.organizationNames, voc.places]);
    for (const list of Object.values(world.payersByClass)) for (const p of list) walk([p.id, p.name, p.plans.map((pl) => pl.id)]);
    walk(world.config.idPrefix);
    chars = [...seen].join("");
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
