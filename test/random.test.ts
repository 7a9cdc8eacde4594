import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { hash3, rngFor, Weighted, Rng } from "../generators/index.js";

describe("seeded, splittable randomness", () => {
  it("gives the same stream for the same (seed, kind, index), whatever was drawn before", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 1e9 }), (seed, index) => {
        const a = rngFor(seed, "claim", index);
        rngFor(seed, "claim", index + 1).u32(); // unrelated draws in between change nothing
        const b = rngFor(seed, "claim", index);
        for (let i = 0; i < 8; i++) expect(a.u32()).toBe(b.u32());
      }),
    );
  });

  it("separates kinds, indexes and seeds", () => {
    const first = (seed: number, kind: "claim" | "member", index: number): number => rngFor(seed, kind, index).u32();
    expect(first(1, "claim", 5)).not.toBe(first(1, "member", 5));
    expect(first(1, "claim", 5)).not.toBe(first(1, "claim", 6));
    expect(first(1, "claim", 5)).not.toBe(first(2, "claim", 5));
    expect(hash3(1, 2, 2 ** 32)).not.toBe(hash3(1, 2, 0));
  });

  it("draws uniformly enough: int(n) hits every bucket about equally", () => {
    const rng = new Rng(1, 2, 3, 4);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[rng.int(10)]!++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it("Weighted follows its weights and rejects bad ones with a precise message", () => {
    const w = new Weighted([["a", 3], ["b", 1]] as const, "mix");
    let a = 0;
    const rng = new Rng(9, 8, 7, 6);
    for (let i = 0; i < 40_000; i++) if (w.sample(rng) === "a") a++;
    expect(a / 40_000).toBeGreaterThan(0.73);
    expect(a / 40_000).toBeLessThan(0.77);
    expect(() => new Weighted([["a", -1]], "mix")).toThrow("mix: weight of a must be a non-negative number, got -1");
    expect(() => new Weighted([["a", 0]], "mix")).toThrow("mix: weights must not all be zero");
  });
});
