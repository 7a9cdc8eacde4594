/** Every emitted code comes from a loaded code list, and the lists are what SOURCES.md says. */
import { describe, expect, it } from "vitest";
import { bundledCodeLists, claim, createWorld, encounter, provider, validateCodeList, withCodeLists, type Claim, type CodeLists } from "../generators/index.js";

function codesOf(c: Claim): Record<string, string[]> {
  return {
    icd10cm: [c.principalDiagnosis, ...c.secondaryDiagnoses, ...(c.admittingDiagnosis ? [c.admittingDiagnosis] : [])],
    procedures: c.lines.map((l) => l.procedureCode).filter(Boolean),
    modifiers: c.lines.flatMap((l) => l.modifiers),
    placeOfService: c.placeOfService ? [c.placeOfService] : [],
    typeOfBill: c.typeOfBill ? [c.typeOfBill] : [],
    revenue: c.lines.map((l) => l.revenueCode).filter(Boolean),
  };
}

describe("code lists", () => {
  it("bundled lists are well shaped, non-trivial, and HCPCS has no D (CDT) codes", () => {
    const lists = bundledCodeLists();
    for (const [name, codes] of Object.entries(lists) as [keyof CodeLists, readonly string[]][]) validateCodeList(name, codes);
    expect(lists.icd10cm.length).toBeGreaterThan(70_000);
    expect(lists.procedures.length).toBeGreaterThan(3_000);
    expect(lists.procedures.some((c) => c.startsWith("D"))).toBe(false);
    expect(lists.procedures.some((c) => /^\d/.test(c))).toBe(false); // no CPT shipped
    expect(lists.placeOfService).toContain("11");
  });

  it("every code in generated claims, encounters and providers is in the loaded lists", () => {
    const world = createWorld({ seed: 21, population: { members: 500, providers: 80, claims: 4000, encounters: 1000 } });
    const sets = Object.fromEntries(Object.entries(world.codes).map(([k, v]) => [k, new Set(v as string[])])) as Record<keyof CodeLists, Set<string>>;
    const seen: Record<string, number> = {};
    const check = (c: Claim): void => {
      for (const [list, codes] of Object.entries(codesOf(c))) {
        for (const code of codes) {
          expect(sets[list as keyof CodeLists].has(code), `${list} ${code}`).toBe(true);
          seen[list] = (seen[list] ?? 0) + 1;
        }
      }
    };
    for (let k = 0; k < 4000; k++) check(claim(world, k));
    for (let e = 0; e < 1000; e++) check(encounter(world, e));
    for (let j = 0; j < 80; j++) expect(sets.taxonomy.has(provider(world, j).taxonomy)).toBe(true);
    for (const list of ["icd10cm", "procedures", "placeOfService", "typeOfBill", "revenue"]) expect(seen[list]).toBeGreaterThan(100);
  });

  it("draws procedures from a user's list when one is given, and rejects a malformed one clearly", () => {
    const userCpt = ["99213", "99214", "36415"];
    const world = createWorld({ seed: 1, population: { members: 50, providers: 10, claims: 200, encounters: 0 } }, { codes: withCodeLists({ procedures: userCpt }) });
    for (let k = 0; k < 200; k++) for (const l of claim(world, k).lines) if (l.procedureCode) expect(userCpt).toContain(l.procedureCode);
    expect(() => withCodeLists({ procedures: ["99213", "CPT code"] })).toThrow('code list procedures: "CPT code" is not shaped like a procedures code');
  });
});
