/**
 * The one place randomness lives.
 *
 * Every entity is a pure function of (seed, kind, index): `rngFor(seed, kind, index)` hashes the
 * triple into the 128-bit state of a small fast PRNG (sfc32). There is no global or shared RNG
 * state, so member i, provider j or claim k can be produced alone, in any order, on any worker.
 */

/** A tag per entity kind, mixed into the hash so that member 5 and claim 5 draw unrelated streams. */
export const KIND_TAGS = {
  member: 0x6d656d62,
  household: 0x686f7573,
  eligibility: 0x656c6967,
  provider: 0x70726f76,
  claim: 0x636c6169,
  encounter: 0x656e636f,
  interchange: 0x69736131,
  /** Admission and discharge hours of inpatient stays in X12 837I (the model keeps days only). */
  admissionHour: 0x61646d68,
  defect: 0x64656663,
  file: 0x66696c65,
  /** A load run's iterations: which file each uploads (scenarios/). */
  iteration: 0x69746572,
} as const;

export type EntityKind = keyof typeof KIND_TAGS;

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The part of hash3 that depends on (seed, tag) alone, memoised for the last seed: every entity of a
 * run shares it, so an entity's hash costs three mixes instead of five.
 */
let prefixSeed = -1;
let prefixTags: number[] = [];
let prefixValues: number[] = [];

export function hashPrefix(seed: number, tag: number): number {
  if (seed !== prefixSeed) {
    prefixSeed = seed;
    prefixTags = [];
    prefixValues = [];
  }
  const tags = prefixTags;
  for (let i = 0; i < tags.length; i++) if (tags[i] === tag) return prefixValues[i] as number;
  const h = mix32(mix32((seed >>> 0) ^ 0x9e3779b9) ^ Math.imul(tag >>> 0, 0x27d4eb2d));
  if (tags.length < 64) {
    tags.push(tag);
    prefixValues.push(h);
  }
  return h;
}

/** Hashes (seed, kind tag, index) to a 32-bit word; `lane` gives independent words of one triple. */
export function hash3(seed: number, tag: number, index: number, lane = 0): number {
  return hashFromPrefix(hashPrefix(seed, tag), index, lane);
}

/** hash3(seed, tag, index, lane) from hashPrefix(seed, tag): for a loop over many indexes of one (seed, tag). */
export function hashFromPrefix(prefix: number, index: number, lane = 0): number {
  // indexes may exceed 2^32 in principle; fold the high part in as well
  const lo = index >>> 0;
  const hi = index < 4294967296 && index >= 0 ? 0 : Math.floor(index / 4294967296) >>> 0;
  let h = mix32(prefix ^ lo);
  h = mix32(h ^ Math.imul(hi + 0x165667b1, 0x61c88647));
  return mix32(h ^ Math.imul(lane + 1, 0x9e3779b1));
}

/** sfc32: Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    // the 12 warm-up rounds of u32(), on locals
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    for (let i = 0; i < 12; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform integer in [lo, hi], both inclusive. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A digit string of the given length (leading zeros allowed). */
  digits(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += String.fromCharCode(48 + this.int(10));
    return s;
  }
}

/** The PRNG of one entity: a pure function of (seed, kind, index). */
export function rngFor(seed: number, kind: EntityKind, index: number): Rng {
  const base = hash3(seed, KIND_TAGS[kind], index, 0);
  return new Rng(base, mix32(base ^ 0x85ebca6b), mix32(base ^ 0xc2b2ae35), mix32(base ^ 0x27d4eb2f));
}

/** rngFor(seed, kind, index).next(): the first draw of an entity's stream, without building its PRNG. */
export function firstDraw(seed: number, kind: EntityKind, index: number): number {
  const base = hash3(seed, KIND_TAGS[kind], index, 0);
  let a = base | 0;
  let b = mix32(base ^ 0x85ebca6b) | 0;
  let c = mix32(base ^ 0xc2b2ae35) | 0;
  let d = mix32(base ^ 0x27d4eb2f) | 0;
  // the 12 warm-up rounds of the constructor, then the first u32()
  let t = 0;
  for (let i = 0; i < 13; i++) {
    t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
  }
  return (t >>> 0) / 4294967296;
}

/** A uniform float in [0,1) that is a pure function of (seed, kind, index, lane), without building a PRNG. */
export function unitFor(seed: number, kind: EntityKind, index: number, lane = 0): number {
  return hash3(seed, KIND_TAGS[kind], index, lane) / 4294967296;
}

/**
 * A discrete distribution drawn by one uniform number: weights are normalised once,
 * and `draw(u)` walks the cumulative table.
 */
export class Weighted<T> {
  readonly values: readonly T[];
  private readonly cumulative: Float64Array;

  constructor(entries: readonly (readonly [T, number])[], what = "distribution") {
    if (entries.length === 0) throw new RangeError(`${what}: needs at least one entry`);
    let total = 0;
    for (const [value, w] of entries) {
      if (!Number.isFinite(w) || w < 0) throw new RangeError(`${what}: weight of ${String(value)} must be a non-negative number, got ${String(w)}`);
      total += w;
    }
    if (total <= 0) throw new RangeError(`${what}: weights must not all be zero`);
    this.values = entries.map((e) => e[0]);
    this.cumulative = new Float64Array(entries.length);
    let acc = 0;
    entries.forEach(([, w], i) => {
      acc += w / total;
      this.cumulative[i] = acc;
    });
    this.cumulative[entries.length - 1] = 1;
  }

  draw(u: number): T {
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (u < (c[i] as number)) return this.values[i] as T;
    return this.values[this.values.length - 1] as T;
  }

  sample(rng: Rng): T {
    return this.draw(rng.next());
  }
}
