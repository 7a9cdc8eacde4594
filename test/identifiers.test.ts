import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isValidNpi, npiCheckDigit, npiForProvider, SYNTHETIC_SSN_GROUPS } from "../generators/index.js";
import { syntheticMbi, syntheticPhone, syntheticSsn } from "../generators/core/identifiers.js";
import { Rng } from "../generators/core/random.js";

describe("NPI check digit (Luhn with the 80840 prefix)", () => {
  it("matches the CMS worked example 123456789 → 3", () => {
    expect(npiCheckDigit("123456789")).toBe(3);
    expect(isValidNpi("1234567893")).toBe(true);
    expect(isValidNpi("1234567890")).toBe(false);
  });

  it("every provider NPI is valid, and any single-digit change breaks it", () => {
    fc.assert(
      fc.property(fc.nat({ max: 5_000_000 }), fc.nat({ max: 9 }), fc.integer({ min: 1, max: 9 }), (index, pos, delta) => {
        const npi = npiForProvider(index);
        expect(isValidNpi(npi)).toBe(true);
        const d = (Number(npi[pos]) + delta) % 10;
        const changed = npi.slice(0, pos) + d + npi.slice(pos + 1);
        if (changed[0] === "1" || changed[0] === "2") expect(isValidNpi(changed)).toBe(false);
      }),
    );
  });
});

describe("synthetic identifiers", () => {
  it("SSNs are in area 900–999 with a group that is neither an SSN nor an ITIN group", () => {
    const rng = new Rng(1, 1, 1, 1);
    for (let i = 0; i < 5000; i++) {
      const [area, group, serial] = syntheticSsn(rng).split("-");
      expect(Number(area)).toBeGreaterThanOrEqual(900);
      expect(SYNTHETIC_SSN_GROUPS).toContain(group);
      const g = Number(group);
      expect((g >= 50 && g <= 65) || (g >= 70 && g <= 88) || [90, 91, 92, 94, 95, 96, 97, 98, 99].includes(g)).toBe(false);
      expect(serial).toMatch(/^\d{4}$/);
      expect(serial).not.toBe("0000");
    }
  });

  it("MBIs follow the CMS shape but carry S in position 2, which no real MBI has", () => {
    const rng = new Rng(2, 2, 2, 2);
    for (let i = 0; i < 5000; i++) {
      const mbi = syntheticMbi(rng);
      expect(mbi).toMatch(/^[1-9]S[AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y]{2}\d\d$/);
    }
  });

  it("phone numbers are 555-0100 to 555-0199", () => {
    const rng = new Rng(3, 3, 3, 3);
    for (let i = 0; i < 5000; i++) expect(syntheticPhone(rng)).toMatch(/^[2-9]\d\d-555-01\d\d$/);
  });
});
