/** PHI-free by construction: scan generated output for identifier-shaped values outside the synthetic ranges. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hcsynth, readManifest, tempDir } from "./support/cli.js";

describe("generated output is PHI-free", () => {
  let texts: string[];

  beforeAll(() => {
    const dir = tempDir();
    expect(hcsynth(["generate", "--seed", "11", "--out", dir, "--members", "3000", "--providers", "200", "--claims", "3000", "--encounters", "1000"]).code).toBe(0);
    texts = readManifest(dir).files.map((f) => readFileSync(join(dir, f.path), "utf8"));
  });

  it("has SSN-shaped values only in area 900–999 with a non-SSN, non-ITIN group", () => {
    let seen = 0;
    for (const text of texts) {
      for (const m of text.matchAll(/(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])/g)) {
        seen++;
        const area = Number(m[1]);
        const group = Number(m[2]);
        expect(area, m[0]).toBeGreaterThanOrEqual(900);
        expect((group >= 1 && group <= 49) || [66, 67, 68, 69, 89, 93].includes(group), m[0]).toBe(true);
      }
    }
    expect(seen).toBeGreaterThan(3000);
  });

  it("has phone-shaped values only in 555-0100…555-0199", () => {
    let seen = 0;
    for (const text of texts) {
      for (const m of text.matchAll(/(?<![\d-])\(?(\d{3})\)?[-. ](\d{3})[-. ](\d{4})(?![\d-])/g)) {
        seen++;
        expect(m[2], m[0]).toBe("555");
        expect(Number(m[3]), m[0]).toBeGreaterThanOrEqual(100);
        expect(Number(m[3]), m[0]).toBeLessThanOrEqual(199);
      }
    }
    expect(seen).toBeGreaterThan(3000);
  });

  it("has e-mail addresses only at example.com, example.org or example.net", () => {
    let seen = 0;
    for (const text of texts) {
      for (const m of text.matchAll(/[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/g)) {
        seen++;
        expect(["example.com", "example.org", "example.net"], m[0]).toContain(m[1]);
      }
    }
    expect(seen).toBeGreaterThan(3000);
  });

  it("has MBIs only with S in position 2, and member/claim IDs only with the synthetic prefix", () => {
    let mbis = 0;
    for (const text of texts) {
      // MBI shape (C A AN N A AN N A A N N) with any letter in position 2
      for (const m of text.matchAll(/\b[1-9][A-Z][A-Z0-9]\d[A-Z][A-Z0-9]\d[A-Z]{2}\d{2}\b/g)) {
        mbis++;
        expect(m[0][1], m[0]).toBe("S");
      }
      for (const m of text.matchAll(/"(?:memberId|subscriberId|claimId|encounterId)":"([^"]+)"/g)) expect(m[1]).toMatch(/^SYN[MCE]\d+$/);
    }
    expect(mbis).toBeGreaterThan(100);
  });
});
