/**
 * Text pieces for the writers, from tables built once: dates, amounts and small numbers with their
 * trailing separator. V8 builds a long string by `+` as a rope whose every node costs an allocation
 * now and a visit when the rope is flattened for output; a table lookup costs neither, and
 * concatenations that stay under 13 characters produce small flat strings instead of rope nodes.
 */
import { formatCents } from "../core/dates.js";
import { flat, WHOLE_TEXTS, wholeTexts } from "../core/strings.js";
import type { World } from "../core/world.js";

/** Days of the date tables, from 1900-01-01 (about 359 years). */
const FIRST_DAY = -25_567;
const DAYS = 1 << 17;

interface DateTables {
  /** `YYYY-MM-DD,` by day − FIRST_DAY ("" until first used). */
  isoComma: string[];
  /** `YYYY-MM-DD,YYYY-MM-DD,` (the same day twice) by day − FIRST_DAY, built on first use. */
  isoPairComma: string[] | undefined;
}

const dateTables = new WeakMap<World, DateTables>();
let lastWorld: World | undefined;
let lastTables: DateTables | undefined;

function tablesOf(world: World): DateTables {
  if (world === lastWorld) return lastTables as DateTables;
  let t = dateTables.get(world);
  if (t === undefined) {
    t = { isoComma: new Array<string>(DAYS).fill(""), isoPairComma: undefined };
    dateTables.set(world, t);
  }
  lastWorld = world;
  lastTables = t;
  return t;
}

/** world.dates.isoDate(day) + "," */
export function isoDateComma(world: World, day: number): string {
  const i = day - FIRST_DAY;
  if (i >= 0 && i < DAYS && (i | 0) === i) {
    const table = tablesOf(world).isoComma;
    const s = table[i] as string;
    return s !== "" ? s : (table[i] = world.dates.isoDate(day) + ",");
  }
  return world.dates.isoDate(day) + ",";
}

/** isoDateComma(world, day) twice */
export function isoDatePairComma(world: World, day: number): string {
  const i = day - FIRST_DAY;
  if (i >= 0 && i < DAYS && (i | 0) === i) {
    const t = tablesOf(world);
    const table = (t.isoPairComma ??= new Array<string>(DAYS).fill(""));
    const s = table[i] as string;
    if (s !== "") return s;
    const one = isoDateComma(world, day);
    return (table[i] = flat(one + one));
  }
  const one = world.dates.isoDate(day) + ",";
  return one + one;
}

const SMALL = 1000;
/** `${n},` for 0 ≤ n < SMALL */
const SMALL_COMMA: readonly string[] = Array.from({ length: SMALL }, (_, n) => `${n},`);

/** `${n},` */
export function numberComma(n: number): string {
  return (n >= 0 && n < SMALL ? SMALL_COMMA[n] : undefined) ?? n + ",";
}

/** ".00," … ".99," */
const FRACTION_COMMA: readonly string[] = Array.from({ length: 100 }, (_, f) => (f < 10 ? ".0" : ".") + f + ",");

/** formatCents(cents) + "," */
export function centsComma(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = FRACTION_COMMA[cents - whole * 100];
  if (fraction !== undefined && whole >= 0 && whole < WHOLE_TEXTS) return (wholeTexts()[whole] as string) + fraction;
  return formatCents(cents) + ",";
}

/** list.join("|") of a string list, without Array#join's overhead for the few elements of a claim's lists. */
export function joinBars(list: readonly string[]): string {
  const n = list.length;
  if (n === 0) return "";
  let out = list[0];
  if (typeof out !== "string" || n > 8) return list.join("|");
  for (let i = 1; i < n; i++) {
    const s = list[i];
    if (typeof s !== "string") return list.join("|");
    out += "|" + s;
  }
  return out;
}

export { flat, WHOLE_TEXTS, wholeTexts };
