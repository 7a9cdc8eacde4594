import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  claim,
  coveredOn,
  createWorld,
  encounter,
  firstMedicaidMember,
  householdHeadOf,
  isValidNpi,
  member,
  memberId,
  payerClassOf,
  provider,
  resolveWorldConfig,
  type Claim,
  type World,
} from "../generators/index.js";

function smallWorld(seed: number, members: number, providers: number, claims: number, encounters: number): World {
  return createWorld({ seed, population: { members, providers, claims, encounters } });
}

function checkClaimIntegrity(world: World, c: Claim): void {
  const m = member(world, c.memberIndex);
  expect(c.memberId).toBe(m.memberId);
  expect(c.subscriberId).toBe(m.subscriberId);
  for (const line of c.lines) {
    expect(coveredOn(m.spans, line.serviceDate)).toBe(true);
    expect(line.serviceDate).toBeLessThanOrEqual(world.referenceDay);
    expect(line.serviceDate).toBeGreaterThanOrEqual(world.windowStart);
    expect(line.chargeCents).toBeGreaterThan(0);
    expect(Number.isInteger(line.chargeCents)).toBe(true);
  }
  expect(c.totalChargeCents).toBe(c.lines.reduce((n, l) => n + l.chargeCents, 0));
  expect(m.birthDate).toBeLessThanOrEqual(c.statementFrom);
  for (const l of c.lines) expect(l.revenueCode).not.toBe("0001");
  const npis = [c.billingNpi, c.renderingNpi, c.attendingNpi].filter(Boolean);
  for (const npi of npis) {
    expect(isValidNpi(npi)).toBe(true);
    const index = Number(npi.slice(0, 9)) - 190_000_000;
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(world.config.population.providers);
    expect(provider(world, index).npi).toBe(npi);
  }
  const billing = provider(world, Number(c.billingNpi.slice(0, 9)) - 190_000_000);
  expect(billing.entityType).toBe(2);
  const individualNpi = c.renderingNpi || c.attendingNpi;
  const individual = provider(world, Number(individualNpi.slice(0, 9)) - 190_000_000);
  expect(individual.entityType).toBe(1);
  expect(individual.affiliations[0]).toBe(c.billingNpi);
  if (c.admissionDate !== null) {
    expect(c.claimType).toBe("institutional");
    expect(c.dischargeDate).not.toBeNull();
    expect(c.dischargeDate!).toBeGreaterThanOrEqual(c.admissionDate);
    expect(coveredOn(m.spans, c.dischargeDate!)).toBe(true);
  }
  expect(c.statementFrom).toBeLessThanOrEqual(c.statementTo);
  if (c.claimType === "professional") expect(c.placeOfService).toMatch(/^\d\d$/);
  else expect(c.typeOfBill).toMatch(/^\d{3}$/);
}

describe("the world model", () => {
  it("a member's ID is memberId(household head, position), without building the member", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 400 }), fc.nat(), (seed, members, pick) => {
        const world = smallWorld(seed, members, 5, 0, 0);
        const i = pick % members;
        const head = householdHeadOf(world, i);
        expect(memberId(world, head, i - head)).toBe(member(world, i).memberId);
      }),
      { numRuns: 300 },
    );
  });

  it("claims reference members covered on every date of service and providers of the population", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 2, max: 60 }), fc.nat({ max: 10_000 }), (seed, members, providers, k) => {
        const world = smallWorld(seed, members, providers, 10_001, 0);
        checkClaimIntegrity(world, claim(world, k));
      }),
      { numRuns: 300 },
    );
  });

  it("encounters are claims of Medicaid members, paid no more than charged, paid on or before the reference date", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 400 }), fc.nat({ max: 999 }), (seed, members, e) => {
        fc.pre(firstMedicaidMember(smallWorld(seed, members, 30, 0, 0)) >= 0);
        const world = smallWorld(seed, members, 30, 0, 1000);
        const enc = encounter(world, e);
        checkClaimIntegrity(world, enc);
        expect(payerClassOf(world, enc.memberIndex)).toBe("medicaid");
        expect(member(world, enc.memberIndex).payer.class).toBe("medicaid");
        expect(enc.paidCents).toBe(enc.lines.reduce((n, l) => n + l.paidCents, 0));
        for (const l of enc.lines) expect(l.paidCents).toBeLessThanOrEqual(l.chargeCents);
        expect(enc.paidDate).toBeGreaterThanOrEqual(enc.statementTo);
        expect(enc.paidDate).toBeLessThanOrEqual(world.referenceDay);
        expect(enc.encounterId).toBe(enc.claimId);
      }),
      { numRuns: 200 },
    );
  });

  it("is a pure function of (seed, kind, index): any order gives the same entities", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat({ max: 499 }), { minLength: 2, maxLength: 20 }), (seed, order) => {
        const a = smallWorld(seed, 300, 40, 500, 500);
        const b = smallWorld(seed, 300, 40, 500, 500);
        const forward = order.map((k) => JSON.stringify([claim(a, k), encounter(a, k), member(a, k % 300), provider(a, k % 40)]));
        const backward = [...order].reverse().map((k) => JSON.stringify([claim(b, k), encounter(b, k), member(b, k % 300), provider(b, k % 40)])).reverse();
        expect(backward).toEqual(forward);
      }),
      { numRuns: 50 },
    );
  });

  it("builds households: dependents share the subscriber's address, payer and coverage; Medicare members are their own subscribers", () => {
    const world = smallWorld(42, 3000, 10, 0, 0);
    let dependents = 0;
    for (let i = 0; i < 3000; i++) {
      const m = member(world, i);
      const s = member(world, m.subscriberIndex);
      expect(s.relationship).toBe("18");
      expect(m.memberId.startsWith("SYNM")).toBe(true);
      if (m.relationship !== "18") {
        dependents++;
        expect(m.address).toEqual(s.address);
        expect(m.payer.id).toBe(s.payer.id);
        expect(m.spans).toEqual(s.spans);
        expect(m.payer.class).not.toBe("medicare");
        if (m.relationship === "19") expect(m.birthDate).toBeGreaterThan(s.birthDate);
      }
      if (m.payer.class === "medicare") expect(m.mbi).toMatch(/^\dS/);
      else expect(m.mbi).toBeNull();
      if (m.payer.class === "medicaid") expect(m.medicaidId).not.toBeNull();
      for (let k = 1; k < m.spans.length; k++) expect(m.spans[k]!.start).toBeGreaterThan(m.spans[k - 1]!.end!);
    }
    expect(dependents).toBeGreaterThan(500);
  });

  it("has a plausible age mix per payer class", () => {
    const world = smallWorld(5, 5000, 10, 0, 0);
    const ages: Record<string, number[]> = { medicare: [], medicaid: [], commercial: [] };
    for (let i = 0; i < 5000; i++) {
      const m = member(world, i);
      ages[m.payer.class]!.push((world.referenceDay - m.birthDate) / 365.2425);
    }
    const share = (xs: number[], f: (a: number) => boolean): number => xs.filter(f).length / xs.length;
    expect(share(ages["medicare"]!, (a) => a >= 65)).toBeGreaterThan(0.8);
    expect(share(ages["medicaid"]!, (a) => a < 19)).toBeGreaterThan(0.25);
    expect(share(ages["commercial"]!, (a) => a >= 18 && a < 65)).toBeGreaterThan(0.6);
  });
});

describe("configuration", () => {
  it("overrides defaults deeply and validates with messages naming the setting", () => {
    const c = resolveWorldConfig({ population: { members: 5 }, claims: { institutionalShare: 0.5 } });
    expect(c.population.members).toBe(5);
    expect(c.population.providers).toBe(100);
    expect(c.claims.institutionalShare).toBe(0.5);
    expect(c.claims.inpatientShare).toBe(0.3);
    expect(() => resolveWorldConfig({ population: { memberz: 5 } })).toThrow("population.memberz: unknown setting");
    expect(() => resolveWorldConfig({ claims: { institutionalShare: 2 } })).toThrow("claims.institutionalShare: expected a number from 0 to 1, got 2");
    expect(() => resolveWorldConfig({ referenceDate: "2025-02-30" })).toThrow("referenceDate: 2025-02-30 is not a calendar date");
    expect(() => resolveWorldConfig({ population: { members: -1 } })).toThrow("population.members: expected a whole number ≥ 0, got -1");
    expect(() => resolveWorldConfig({ payerMix: { medicare: 1 }, population: { encounters: 5 } })).toThrow("payerMix.medicaid");
    expect(() => createWorld({ payerMix: { medicare: 1, medicaid: 1e-9 }, population: { members: 3, encounters: 5 } })).toThrow("population.encounters: encounters need a Medicaid member");
    expect(() => createWorld({ claims: { placeOfServiceWeights: { "00": 1 } } })).toThrow("claims.placeOfServiceWeights.00: not in the place-of-service code list");
  });

  it("freezes the reference date: nothing is drawn after it", () => {
    const world = createWorld({ seed: 3, referenceDate: "2024-06-30", population: { members: 200, providers: 20, claims: 500, encounters: 200 } });
    for (let k = 0; k < 500; k++) expect(claim(world, k).statementTo).toBeLessThanOrEqual(world.referenceDay);
    for (let i = 0; i < 200; i++) for (const s of member(world, i).spans) expect(s.start).toBeLessThanOrEqual(world.referenceDay);
  });
});
