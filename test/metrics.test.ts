/** The run's metrics registry: trend percentiles stay within the samples' exact min and max. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseThresholds } from "../scenarios/index.js";
import { MetricsRegistry } from "../src/run/metrics.js";

const DEFINITIONS = { upload_duration: { type: "trend", unit: "ms", description: "test trend" } } as const;

describe("metrics: trend percentiles", () => {
  it("never report a percentile above the largest sample or below the smallest (the histogram's bucket edges do)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 100_000, noNaN: true }), { minLength: 1, maxLength: 200 }), (samples) => {
        const metrics = new MetricsRegistry(DEFINITIONS);
        for (const s of samples) metrics.trend("upload_duration", s);
        const t = metrics.summary(1000)["upload_duration"]!;
        expect(t.type).toBe("trend");
        if (t.type !== "trend") return;
        const lo = Math.min(...samples);
        const hi = Math.max(...samples);
        for (const k of ["med", "p(90)", "p(95)", "p(99)"]) {
          expect(t.values[k]).toBeGreaterThanOrEqual(lo);
          expect(t.values[k]).toBeLessThanOrEqual(hi);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("judges a threshold at the largest sample by that sample, not by its bucket's upper edge", () => {
    const metrics = new MetricsRegistry(DEFINITIONS);
    for (const s of [10.001, 20.002, 50.371]) metrics.trend("upload_duration", s);
    const [threshold] = parseThresholds({ upload_duration: ["p(99)<=50.371"] });
    expect(metrics.valueFor(threshold!, 1000)).toBe(50.371);
    expect(metrics.summary(1000, [threshold!])["upload_duration"]).toMatchObject({ values: { max: 50.371, "p(99)": 50.371 } });
  });
});
