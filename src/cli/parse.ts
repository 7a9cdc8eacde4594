/** Parsers for option values: each throws a UserError naming the option and the bad value. */
import { parseDuration } from "../../scenarios/duration.js";
import { UserError } from "./errors.js";

export function wholeNumber(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): (raw: string) => number {
  return (raw) => {
    if (!/^\d+$/.test(raw.trim())) throw new UserError(`${flag} ${JSON.stringify(raw)}: expected a whole number ≥ ${min}`);
    const n = Number(raw.trim());
    if (n < min || n > max) throw new UserError(`${flag} ${raw}: expected a whole number from ${min} to ${max}`);
    return n;
  };
}

export function share(flag: string): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) throw new UserError(`${flag} ${JSON.stringify(raw)}: expected a number from 0 to 1`);
    return n;
  };
}

export function list<T extends string>(flag: string, allowed: readonly T[]): (raw: string) => T[] {
  return (raw) => {
    const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new UserError(`${flag}: expected a comma-separated list of ${allowed.join(", ")}`);
    for (const item of items) {
      if (!(allowed as readonly string[]).includes(item)) throw new UserError(`${flag}: unknown value ${JSON.stringify(item)} (expected ${allowed.join(", ")})`);
    }
    return [...new Set(items)] as T[];
  };
}

export function shardSpec(flag: string): (raw: string) => { index: number; count: number } {
  return (raw) => {
    const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
    if (!m) throw new UserError(`${flag} ${JSON.stringify(raw)}: expected i/N, for example 0/4`);
    const index = Number(m[1]);
    const count = Number(m[2]);
    if (count < 1 || index >= count) throw new UserError(`${flag} ${raw}: shard index must be from 0 to N-1 (N ≥ 1)`);
    return { index, count };
  };
}

export function text(flag: string, pattern?: RegExp, what?: string): (raw: string) => string {
  return (raw) => {
    if (pattern && !pattern.test(raw)) throw new UserError(`${flag} ${JSON.stringify(raw)}: expected ${what ?? pattern.source}`);
    return raw;
  };
}

export function oneOf<T extends string>(flag: string, allowed: readonly T[]): (raw: string) => T {
  return (raw) => {
    if (!(allowed as readonly string[]).includes(raw)) throw new UserError(`${flag} ${JSON.stringify(raw)}: expected one of ${allowed.join(", ")}`);
    return raw as T;
  };
}

/** commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A k6-style duration flag (30s, 5m, 1h30m) in milliseconds. */
export function durationMs(flag: string, raw: string): number {
  try {
    return parseDuration(raw, flag);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}
