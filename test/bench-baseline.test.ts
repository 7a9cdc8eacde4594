/**
 * The benchmark's naive baseline must stay the same workload as hcsynth's claims CSV: the same header,
 * the same columns on every row, and about as many rows and bytes per claim, or the ratio the
 * benchmark reports compares unlike things.
 */
import { describe, expect, it } from "vitest";
import { naiveClaimsCsv } from "../bench/naive-baseline.js";
import { createWorld, CSV_COLUMNS, planFiles, renderFile } from "../generators/index.js";
import { parseCsv } from "./support/csv.js";

const CLAIMS = 4000;

function naiveText(): string {
  let text = "";
  naiveClaimsCsv(CLAIMS, (t) => (text += t));
  return text;
}

function hcsynthText(): string {
  const world = createWorld({ seed: 7, population: { members: 800, providers: 80, claims: CLAIMS, encounters: 10 } });
  const spec = planFiles(world, { kinds: ["claims"], formats: ["csv"], recordsPerFile: CLAIMS })[0]!;
  let text = "";
  for (const chunk of renderFile(world, spec)) text += chunk as string;
  return text;
}

describe("bench: the naive faker baseline", () => {
  const naive = parseCsv(naiveText());
  const ours = parseCsv(hcsynthText());

  it("writes the claims CSV header and that many fields on every row", () => {
    expect(naive[0]).toEqual([...CSV_COLUMNS.claims]);
    const widths = new Set(naive.slice(1).map((r) => r.length));
    expect([...widths]).toEqual([CSV_COLUMNS.claims.length]);
  });

  it("writes one row per service line with a claim's header columns repeated, totals equal to its lines", () => {
    const byClaim = new Map<string, string[][]>();
    for (const row of naive.slice(1)) byClaim.set(row[0]!, [...(byClaim.get(row[0]!) ?? []), row]);
    expect(byClaim.size).toBeGreaterThan(CLAIMS * 0.99); // random 10-digit IDs: collisions are rare
    const total = CSV_COLUMNS.claims.indexOf("total_charge");
    const charge = CSV_COLUMNS.claims.indexOf("line_charge");
    for (const rows of byClaim.values()) {
      if (rows.length > 6) continue; // a colliding ID
      const cents = rows.reduce((s, r) => s + Math.round(Number(r[charge]) * 100), 0);
      expect(Math.round(Number(rows[0]![total]) * 100)).toBe(cents);
      for (const r of rows) expect(r.slice(0, total + 1)).toEqual(rows[0]!.slice(0, total + 1));
    }
  });

  it("has hcsynth's rows per claim and bytes per claim within 10%", () => {
    const naiveRows = naive.length - 1;
    const ourRows = ours.length - 1;
    expect(Math.abs(naiveRows / ourRows - 1)).toBeLessThan(0.1);
    const naiveBytes = naiveText().length;
    const ourBytes = hcsynthText().length;
    expect(Math.abs(naiveBytes / ourBytes - 1)).toBeLessThan(0.1);
  });
});
