/**
 * X12 005010 writers (837P, 837I, 834). Generated files are read back with node-x12, an independent
 * parser (strict mode checks SE01/ST02/SE02, GE01/GE02 and IEA01/IEA02), and compared field by
 * field with the NDJSON documents of the same seed.
 */
import { describe, expect, it } from "vitest";
import { X12Parser, type X12Interchange, type X12Segment } from "node-x12";
import {
  claim,
  claimDocument,
  createWorld,
  DEFAULT_X12_OPTIONS,
  encounter,
  encounterDocument,
  FORMAT_GROUPS,
  isValidNpi,
  member,
  memberDocument,
  parseIsoDate,
  planFiles,
  renderFile,
  resolveX12Options,
  type FileSpec,
  type Kind,
  type RenderCounts,
  type World,
  type X12Options,
} from "../generators/index.js";

// ---------------------------------------------------------------------------------------------
// helpers

const SEED = 7;

function smallWorld(seed = SEED): World {
  return createWorld({ seed, population: { members: 600, providers: 60, claims: 400, encounters: 300 } });
}

function specsOf(world: World, kind: Kind, format: string, options: { recordsPerFile?: number; x12?: X12Options } = {}): FileSpec[] {
  return planFiles(world, { kinds: [kind], formats: ["x12"], recordsPerFile: options.recordsPerFile ?? 1_000_000, x12: options.x12 }).filter((s) => s.format === format);
}

function renderText(world: World, spec: FileSpec, chunkChars?: number): { text: string; counts: RenderCounts } {
  const it = renderFile(world, spec, chunkChars ? { chunkChars } : {});
  let text = "";
  for (;;) {
    const step = it.next();
    if (step.done) return { text, counts: step.value };
    text += step.value;
  }
}

function render(world: World, kind: Kind, format: string, x12?: X12Options): { text: string; counts: RenderCounts } {
  const [spec] = specsOf(world, kind, format, { x12 });
  return renderText(world, spec!);
}

function parse(text: string): X12Interchange {
  const parsed = new X12Parser(true).parse(text);
  expect(Array.isArray(parsed)).toBe(false); // one interchange, not a "fat" one
  return parsed as X12Interchange;
}

const v = (s: X12Segment, n: number): string => s.valueOf(n, "") ?? "";

/** Every segment between ST and SE of every transaction set, in order, with the set's ST02. */
function transactionSegments(ix: X12Interchange): { st02: string; segments: X12Segment[] }[] {
  const out: { st02: string; segments: X12Segment[] }[] = [];
  for (const g of ix.functionalGroups) for (const t of g.transactions) out.push({ st02: v(t.header, 2), segments: t.segments });
  return out;
}

const iso = (d8: string): string => `${d8.slice(0, 4)}-${d8.slice(4, 6)}-${d8.slice(6, 8)}`;

function expectValidD8(d8: string): void {
  expect(d8).toMatch(/^(19|20)\d{6}$/);
  expect(() => parseIsoDate(iso(d8))).not.toThrow();
}

const cents = (amount: string): number => {
  expect(amount).toMatch(/^-?\d+(\.\d{1,2})?$/);
  return Math.round(Number(amount) * 100);
};

// ---------------------------------------------------------------------------------------------
// an independent reading of 837 claims from parsed segments

interface ReadLine {
  procedure: string;
  modifiers: string[];
  revenue: string;
  charge: number;
  units: number;
  serviceDate: string;
  paid?: number;
  adjustment?: number;
  svdPayer?: string;
  svdProcedure?: string;
  svdRevenue?: string;
  svdUnits?: number;
  paidDate?: string;
}

interface ReadClaim {
  st02: string;
  billingHl: string;
  subscriberHl: string;
  billingNpi: string;
  billingTaxonomy: string;
  sbr: string[];
  subscriberId: string;
  subscriberName: string[];
  payerId: string;
  payerName: string;
  patientRelationship: string;
  patientName: string[];
  patientDmg: string[];
  subscriberDmg: string[];
  clm: string[];
  dtp: Record<string, string>;
  cl1: string[] | null;
  ref: Record<string, string>;
  hi: string[][];
  individualNpi: string;
  individualRole: string;
  otherSbr: string[] | null;
  paidAmount: number | null;
  otherSubscriberId: string;
  otherPayerId: string;
  lines: ReadLine[];
}

function readClaims(ix: X12Interchange, component: string): ReadClaim[] {
  const claims: ReadClaim[] = [];
  for (const { st02, segments } of transactionSegments(ix)) {
    let billing = { hl: "", npi: "", taxonomy: "" };
    let subscriber = { hl: "", sbr: [] as string[], id: "", name: [] as string[], dmg: [] as string[], payerId: "", payerName: "" };
    let patient = { relationship: "18", name: [] as string[], dmg: [] as string[] };
    let current: ReadClaim | null = null;
    let line: ReadLine | null = null;
    let lastHl = "";
    for (const s of segments) {
      const els = s.elements.map((e) => e.value);
      switch (s.tag) {
        case "HL":
          current = null;
          line = null;
          lastHl = v(s, 3);
          if (lastHl === "20") billing = { hl: v(s, 1), npi: "", taxonomy: "" };
          if (lastHl === "22") {
            subscriber = { hl: v(s, 1), sbr: [], id: "", name: [], dmg: [], payerId: "", payerName: "" };
            patient = { relationship: "18", name: [], dmg: [] };
          }
          break;
        case "PRV":
          if (v(s, 1) === "BI") billing.taxonomy = v(s, 3);
          break;
        case "SBR":
          if (current) current.otherSbr = els;
          else subscriber.sbr = els;
          break;
        case "PAT":
          patient.relationship = v(s, 1);
          break;
        case "DMG":
          if (lastHl === "23") patient.dmg = els;
          else subscriber.dmg = els;
          break;
        case "NM1": {
          const code = v(s, 1);
          if (code === "85") billing.npi = v(s, 9);
          else if (code === "IL" && !current) {
            subscriber.id = v(s, 9);
            subscriber.name = els.slice(2, 5);
          } else if (code === "PR" && !current) {
            subscriber.payerId = v(s, 9);
            subscriber.payerName = v(s, 3);
          } else if (code === "QC") patient.name = els.slice(2, 5);
          else if (current && (code === "82" || code === "71")) {
            current.individualNpi = v(s, 9);
            current.individualRole = code;
          } else if (current && code === "IL") current.otherSubscriberId = v(s, 9);
          else if (current && code === "PR") current.otherPayerId = v(s, 9);
          break;
        }
        case "CLM":
          current = {
            st02,
            billingHl: billing.hl,
            subscriberHl: subscriber.hl,
            billingNpi: billing.npi,
            billingTaxonomy: billing.taxonomy,
            sbr: subscriber.sbr,
            subscriberId: subscriber.id,
            subscriberName: subscriber.name,
            payerId: subscriber.payerId,
            payerName: subscriber.payerName,
            patientRelationship: patient.relationship,
            patientName: patient.name,
            patientDmg: patient.dmg,
            subscriberDmg: subscriber.dmg,
            clm: els,
            dtp: {},
            cl1: null,
            ref: {},
            hi: [],
            individualNpi: "",
            individualRole: "",
            otherSbr: null,
            paidAmount: null,
            otherSubscriberId: "",
            otherPayerId: "",
            lines: [],
          };
          claims.push(current);
          break;
        case "DTP":
          if (line) {
            if (v(s, 1) === "472") line.serviceDate = v(s, 3);
            if (v(s, 1) === "573") line.paidDate = v(s, 3);
          } else if (current) current.dtp[v(s, 1)] = v(s, 3);
          break;
        case "CL1":
          if (current) current.cl1 = els;
          break;
        case "REF":
          if (current) current.ref[v(s, 1)] = v(s, 2);
          break;
        case "HI":
          current?.hi.push(...els.map((e) => e.split(component)));
          break;
        case "AMT":
          if (current && v(s, 1) === "D") current.paidAmount = cents(v(s, 2));
          break;
        case "LX":
          line = { procedure: "", modifiers: [], revenue: "", charge: 0, units: 0, serviceDate: "" };
          expect(Number(v(s, 1))).toBe(current!.lines.length + 1);
          current!.lines.push(line);
          break;
        case "SV1": {
          const [qual, code, ...mods] = v(s, 1).split(component);
          expect(qual).toBe("HC");
          line!.procedure = code!;
          line!.modifiers = mods;
          line!.charge = cents(v(s, 2));
          expect(v(s, 3)).toBe("UN");
          line!.units = Number(v(s, 4));
          expect(v(s, 7)).toBe("1");
          break;
        }
        case "SV2": {
          line!.revenue = v(s, 1);
          if (v(s, 2)) {
            const [qual, code] = v(s, 2).split(component);
            expect(qual).toBe("HC");
            line!.procedure = code!;
          }
          line!.charge = cents(v(s, 3));
          expect(v(s, 4)).toBe("UN");
          line!.units = Number(v(s, 5));
          break;
        }
        case "SVD":
          line!.svdPayer = v(s, 1);
          line!.paid = cents(v(s, 2));
          line!.svdProcedure = v(s, 3);
          line!.svdRevenue = v(s, 4);
          line!.svdUnits = Number(v(s, 5));
          break;
        case "CAS":
          expect(v(s, 1)).toBe("CO");
          expect(v(s, 2)).toBe("45");
          line!.adjustment = cents(v(s, 3));
          break;
      }
    }
  }
  return claims;
}

/** The model's claim index from a claim or encounter ID (prefix, letter, ten digits). */
const indexOfId = (id: string): number => Number(id.slice(-10));

// ---------------------------------------------------------------------------------------------

describe("X12 formats", () => {
  it("the x12 group expands to 837P, 837I and 834 with their file endings, and no X12 for providers", () => {
    const group = FORMAT_GROUPS["x12"]!;
    expect(group.map((f) => [f.name, f.extension, [...f.kinds]])).toEqual([
      ["x12-837p", "837p.x12", ["claims", "encounters"]],
      ["x12-837i", "837i.x12", ["claims", "encounters"]],
      ["x12-834", "834.x12", ["eligibility"]],
    ]);
    const world = smallWorld();
    const specs = planFiles(world, { kinds: ["claims", "encounters", "eligibility", "providers"], formats: ["x12"], recordsPerFile: 250 });
    expect(specs.map((s) => s.path)).toEqual([
      "claims/claims-00000.837p.x12",
      "claims/claims-00001.837p.x12",
      "claims/claims-00000.837i.x12",
      "claims/claims-00001.837i.x12",
      "encounters/encounters-00000.837p.x12",
      "encounters/encounters-00001.837p.x12",
      "encounters/encounters-00000.837i.x12",
      "encounters/encounters-00001.837i.x12",
      "eligibility/eligibility-00000.834.x12",
      "eligibility/eligibility-00001.834.x12",
      "eligibility/eligibility-00002.834.x12",
    ]);
  });

  it("options: defaults, validation with messages naming the option, carried on X12 specs only", () => {
    expect(DEFAULT_X12_OPTIONS).toMatchObject({
      senderId: "HCSYNTH",
      receiverId: "SYNRECEIVER",
      elementSeparator: "*",
      componentSeparator: ":",
      repetitionSeparator: "^",
      segmentTerminator: "~",
      newline: false,
      usage: "T",
      claimsPerSt: 5000,
      eligibilityMode: "full",
    });
    expect(resolveX12Options(undefined)).toEqual(DEFAULT_X12_OPTIONS);
    expect(resolveX12Options({ senderId: "ACME01" }).senderName).toBe("ACME01");
    expect(() => resolveX12Options({ claimsPerSt: 5001 })).toThrow(/x12\.claimsPerSt/);
    expect(() => resolveX12Options({ claimsPerSt: 0 })).toThrow(/x12\.claimsPerSt/);
    expect(() => resolveX12Options({ elementSeparator: "A" })).toThrow(/x12\.elementSeparator/);
    expect(() => resolveX12Options({ elementSeparator: "-" })).toThrow(/x12\.elementSeparator/);
    expect(() => resolveX12Options({ elementSeparator: ":" })).toThrow(/four different characters/);
    expect(() => resolveX12Options({ senderId: "THIS-ID-IS-TOO-LONG" })).toThrow(/x12\.senderId/);
    expect(() => resolveX12Options({ usage: "X" as "T" })).toThrow(/x12\.usage/);
    expect(() => resolveX12Options({ eligibilityMode: "delta" as "full" })).toThrow(/x12\.eligibilityMode/);
    expect(() => resolveX12Options({ bogus: 1 } as X12Options)).toThrow(/x12\.bogus: unknown option/);
    const world = smallWorld();
    expect(() => planFiles(world, { kinds: ["claims"], formats: ["x12"], recordsPerFile: 100, x12: { usage: "Q" as "T" } })).toThrow(RangeError);
    const specs = planFiles(world, { kinds: ["claims"], formats: ["x12", "csv"], recordsPerFile: 1000, x12: { usage: "P" } });
    expect(specs.filter((s) => s.format.startsWith("x12-")).every((s) => s.x12?.usage === "P")).toBe(true);
    expect(specs.find((s) => s.format === "csv")!.x12).toBeUndefined();
    expect(planFiles(world, { kinds: ["claims"], formats: ["x12"], recordsPerFile: 1000 })[0]!.x12).toBeUndefined();
  });

  const envelopeCases: [Kind, string, string, string][] = [
    ["claims", "x12-837p", "HC", "005010X222A1"],
    ["claims", "x12-837i", "HC", "005010X223A2"],
    ["encounters", "x12-837p", "HC", "005010X222A1"],
    ["encounters", "x12-837i", "HC", "005010X223A2"],
    ["eligibility", "x12-834", "BE", "005010X220A1"],
  ];

  it.each(envelopeCases)("%s %s: parses strictly; ISA is 106 characters; SE/GE/IEA counts and control numbers match across several STs", (kind, format, gs01, version) => {
    const world = smallWorld();
    const claimsPerSt = 7;
    const { text, counts } = render(world, kind, format, { claimsPerSt });
    expect(text.length).toBeGreaterThan(1000);
    // ISA: fixed width, 106 characters with its terminator; ISA16 the component separator
    expect(text.indexOf("~")).toBe(105);
    expect(text.slice(0, 106)).toMatch(/^ISA\*00\* {10}\*00\* {10}\*ZZ\*HCSYNTH {8}\*ZZ\*SYNRECEIVER {4}\*\d{6}\*\d{4}\*\^\*00501\*\d{9}\*0\*T\*:~$/);

    const ix = parse(text);
    const isa13 = text.slice(90, 99);
    expect(ix.trailer.tag).toBe("IEA");
    expect(v(ix.trailer, 1)).toBe("1");
    expect(text.endsWith(`IEA*1*${isa13}~`)).toBe(true);
    expect(ix.functionalGroups).toHaveLength(1);
    const group = ix.functionalGroups[0]!;
    expect(v(group.header, 1)).toBe(gs01);
    expect(v(group.header, 8)).toBe(version);
    expect(Number(v(group.header, 6))).toBe(Number(isa13));
    expect(v(group.trailer, 2)).toBe(v(group.header, 6));
    expect(Number(v(group.trailer, 1))).toBe(group.transactions.length);
    expect(group.transactions.length).toBeGreaterThan(2);

    const st02s = new Set<string>();
    let records = 0;
    for (const t of group.transactions) {
      expect(v(t.header, 1)).toBe(kind === "eligibility" ? "834" : "837");
      expect(v(t.header, 3)).toBe(version);
      expect(v(t.trailer, 2)).toBe(v(t.header, 2));
      expect(Number(v(t.trailer, 1))).toBe(t.segments.length + 2);
      st02s.add(v(t.header, 2));
      const n = t.segments.filter((s) => s.tag === (kind === "eligibility" ? "INS" : "CLM")).length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(claimsPerSt);
      records += n;
    }
    expect(st02s.size).toBe(group.transactions.length);
    expect(records).toBe(counts.records);
    if (kind !== "eligibility") {
      // claims fill each transaction set but the last
      expect(group.transactions.length).toBe(Math.ceil(records / claimsPerSt));
      const lx = group.transactions.reduce((n, t) => n + t.segments.filter((s) => s.tag === "LX").length, 0);
      expect(counts.lines).toBe(lx);
      const bht = group.transactions[0]!.segments[0]!;
      expect(bht.tag).toBe("BHT");
      expect(v(bht, 6)).toBe(kind === "encounters" ? "RP" : "CH");
    } else {
      expect(counts.lines).toBe(0);
    }

    // no trailing empty elements or components anywhere
    for (const seg of text.split("~")) {
      if (seg === "" || seg.startsWith("ISA")) continue; // ISA16 is the component separator itself
      expect(seg.endsWith("*"), seg).toBe(false);
      expect(/[:*]$|:\*|::/.test(seg), seg).toBe(false);
    }
    expect(text.endsWith("~")).toBe(true);
  });

  it("837 hierarchy: HL IDs count from 1 in each ST; 22 under 20, 23 under 22; HL04 says whether a child follows", () => {
    const world = smallWorld();
    for (const kind of ["claims", "encounters"] as const) {
      for (const format of ["x12-837p", "x12-837i"]) {
        const ix = parse(render(world, kind, format, { claimsPerSt: 11 }).text);
        let dependents = 0;
        for (const { segments } of transactionSegments(ix)) {
          const hls = segments.filter((s) => s.tag === "HL");
          const levelOf = new Map<string, string>();
          hls.forEach((hl, i) => {
            expect(v(hl, 1)).toBe(String(i + 1));
            levelOf.set(v(hl, 1), v(hl, 3));
            const level = v(hl, 3);
            const next = hls[i + 1];
            if (level === "20") {
              expect(v(hl, 2)).toBe("");
              expect(v(hl, 4)).toBe("1");
            } else if (level === "22") {
              expect(levelOf.get(v(hl, 2))).toBe("20");
              expect(v(hl, 4)).toBe(next && v(next, 3) === "23" ? "1" : "0");
            } else {
              expect(level).toBe("23");
              expect(levelOf.get(v(hl, 2))).toBe("22");
              expect(v(hl, 2)).toBe(String(i)); // its subscriber is the HL just before
              expect(v(hl, 4)).toBe("0");
              dependents++;
            }
          });
        }
        expect(dependents).toBeGreaterThan(0);
      }
    }
  });

  it("837: CLM02 equals the sum of SV102 (837P) or SV203 (837I); dates are valid CCYYMMDD; NPIs pass the check digit", () => {
    const world = smallWorld();
    for (const kind of ["claims", "encounters"] as const) {
      for (const format of ["x12-837p", "x12-837i"]) {
        const { text } = render(world, kind, format);
        const ix = parse(text);
        const claims = readClaims(ix, ":");
        expect(claims.length).toBeGreaterThan(10);
        for (const c of claims) {
          expect(cents(c.clm[1]!)).toBe(c.lines.reduce((n, l) => n + l.charge, 0));
          expect(isValidNpi(c.billingNpi)).toBe(true);
          expect(isValidNpi(c.individualNpi)).toBe(true);
          for (const l of c.lines) expectValidD8(l.serviceDate);
        }
        // every date and NPI in the file
        for (const { segments } of transactionSegments(ix)) {
          for (const s of segments) {
            if (s.tag === "DTP") {
              const format = v(s, 2);
              const value = v(s, 3);
              if (format === "D8") expectValidD8(value);
              else if (format === "RD8") {
                const [from, to] = value.split("-");
                expectValidD8(from!);
                expectValidD8(to!);
                expect(from! <= to!).toBe(true);
              } else if (format === "DT") {
                expect(value).toMatch(/^\d{12}$/);
                expectValidD8(value.slice(0, 8));
                expect(Number(value.slice(8, 10))).toBeLessThan(24);
                expect(Number(value.slice(10, 12))).toBeLessThan(60);
              } else expect(format).toBe("TM");
            }
            if (s.tag === "DMG") expectValidD8(v(s, 2));
            if (s.tag === "BHT") expectValidD8(v(s, 4));
            if (s.tag === "NM1" && v(s, 8) === "XX") expect(isValidNpi(v(s, 9))).toBe(true);
          }
        }
        expectValidD8(v(ix.functionalGroups[0]!.header, 4));
      }
    }
  });

  it("837P and 837I claims read back with node-x12 equal the NDJSON documents field by field", () => {
    const world = smallWorld();
    let seen = 0;
    for (const format of ["x12-837p", "x12-837i"]) {
      const institutional = format === "x12-837i";
      const { text, counts } = render(world, "claims", format);
      const read = readClaims(parse(text), ":");
      expect(read.length).toBe(counts.records);
      const expected = Array.from({ length: world.config.population.claims }, (_, i) => claim(world, i)).filter((c) => c.claimType === (institutional ? "institutional" : "professional"));
      expect(read.map((r) => r.clm[0])).toEqual(expected.map((c) => c.claimId));
      for (const r of read) {
        const c = claim(world, indexOfId(r.clm[0]!));
        const doc = claimDocument(world, c) as unknown as ClaimDoc;
        compareClaim(world, r, doc, institutional, false);
        seen++;
      }
    }
    expect(seen).toBe(world.config.population.claims);
  });

  it("encounters: BHT06 RP, the plan's adjudication in 2320/2330/2430 equals the NDJSON encounter, amounts balance", () => {
    const world = smallWorld();
    let seen = 0;
    let adjusted = 0;
    for (const format of ["x12-837p", "x12-837i"]) {
      const institutional = format === "x12-837i";
      const read = readClaims(parse(render(world, "encounters", format).text), ":");
      for (const r of read) {
        const e = encounter(world, indexOfId(r.clm[0]!));
        const doc = encounterDocument(world, e) as unknown as Required<ClaimDoc>;
        expect(r.clm[0]).toBe(doc.encounterId);
        compareClaim(world, r, doc, institutional, true);
        // destination payer is the receiver; the plan is the other payer
        expect(r.payerId).toBe("SYNRECEIVER");
        expect(r.sbr[0]).toBe("S");
        expect(r.sbr[8]).toBe("MC");
        expect(r.otherSbr![0]).toBe("P");
        expect(r.otherSbr![1]).toBe(doc.member.relationshipCode);
        expect(r.otherSbr![2]).toBe(doc.planId);
        expect(r.otherPayerId).toBe(doc.payerId);
        expect(r.otherSubscriberId).toBe(doc.member.subscriberId);
        expect(r.paidAmount).toBe(Math.round(doc.paidAmount * 100));
        expect(r.paidAmount).toBe(r.lines.reduce((n, l) => n + l.paid!, 0));
        r.lines.forEach((l, i) => {
          const dl = doc.lines[i]!;
          expect(l.svdPayer).toBe(r.otherPayerId);
          expect(l.paid).toBe(Math.round(dl.paidAmount! * 100));
          expect(l.svdUnits).toBe(dl.units);
          expect(l.svdProcedure).toBe(dl.procedureCode ? ["HC", dl.procedureCode, ...dl.modifiers].join(":") : "");
          expect(l.svdRevenue).toBe(institutional ? dl.revenueCode : "");
          expect(iso(l.paidDate!)).toBe(doc.paidDate);
          if (l.charge > l.paid!) {
            expect(l.adjustment).toBe(l.charge - l.paid!);
            adjusted++;
          } else expect(l.adjustment).toBeUndefined();
          expect(l.charge - l.paid! - (l.adjustment ?? 0)).toBe(0);
        });
        seen++;
      }
    }
    expect(seen).toBe(world.config.population.encounters);
    expect(adjusted).toBeGreaterThan(0);
  });

  it("834: one INS per member; names, IDs, demographics and HD/DTP coverage dates equal the members' spans (full files)", () => {
    const world = smallWorld();
    const { text, counts } = render(world, "eligibility", "x12-834");
    const ix = parse(text);
    const members = readMembers(ix);
    expect(members.length).toBe(world.config.population.members);
    expect(counts.records).toBe(members.length);
    members.forEach((r, i) => {
      const m = member(world, i);
      const doc = memberDocument(world, m) as { coverage: { start: string; end: string | null; planId: string; coverageLevel: string }[] };
      expect(r.bgn[7]).toBe("4");
      expect(r.ins).toEqual([m.relationship === "18" ? "Y" : "N", m.relationship, "030", "XN", "A"]);
      expect(r.payerId).toBe(m.payer.id);
      expect(r.payerName).toBe(m.payer.name);
      expect(r.ref["0F"]).toBe(m.subscriberId);
      expect(r.ref["1L"]).toBe(m.groupNumber);
      expect(r.name).toEqual(["IL", "1", m.lastName, m.firstName, m.middleInitial, "", "", "34", m.ssn.replace(/-/g, "")]);
      expect(r.phone).toBe(m.phone.replace(/-/g, ""));
      expect(r.dmg).toEqual(["D8", world.dates.d8(m.birthDate), m.sex]);
      expect(r.n4).toEqual([m.address.city, m.address.state, m.address.zip]);
      const latest = doc.coverage[doc.coverage.length - 1]!;
      expect(iso(r.dtp["356"]!)).toBe(latest.start);
      expect(r.dtp["357"] ? iso(r.dtp["357"]) : null).toBe(latest.end);
      expect(r.hd.map((h) => ({ start: iso(h.start), end: h.end ? iso(h.end) : null, planId: h.planId, coverageLevel: h.level }))).toEqual(doc.coverage);
      for (const h of r.hd) expect(h.maintenance).toBe("030");
    });
    // each member sits in a transaction set of its own payer (r.payerId is its set's N1*IN), so sets split by payer
    expect(transactionSegments(ix).length).toBeGreaterThan(new Set(members.map((r) => r.payerId)).size);
  });

  it("834 change files: 021 adds for spans starting in the service window, 024 for terminated spans, 001 otherwise; BGN08 2", () => {
    const world = smallWorld();
    const ix = parse(render(world, "eligibility", "x12-834", { eligibilityMode: "change" }).text);
    const members = readMembers(ix);
    expect(members.length).toBe(world.config.population.members);
    const seen = new Set<string>();
    members.forEach((r, i) => {
      const m = member(world, i);
      const latest = m.spans[m.spans.length - 1]!;
      const expected = latest.end !== null ? "024" : latest.start >= world.windowStart ? "021" : "001";
      seen.add(expected);
      expect(r.bgn[7]).toBe("2");
      expect(r.ins[2]).toBe(expected);
      expect(r.hd).toHaveLength(1);
      expect(r.hd[0]!.maintenance).toBe(expected);
      expect(r.hd[0]!.start).toBe(world.dates.d8(latest.start));
      expect(r.hd[0]!.end).toBe(latest.end === null ? null : world.dates.d8(latest.end));
      expect(r.hd[0]!.planId).toBe(latest.planId);
    });
    expect([...seen].sort()).toEqual(["001", "021", "024"]);
  });

  it("options reach the file: usage P, IDs, other delimiters and a newline after each segment still parse", () => {
    const world = smallWorld();
    const x12: X12Options = {
      usage: "P",
      senderId: "SENDER01",
      receiverId: "RCV-02",
      senderName: "Sender Org",
      elementSeparator: "|",
      componentSeparator: ">",
      repetitionSeparator: "!",
      segmentTerminator: "~",
      newline: true,
    };
    for (const [kind, format] of [
      ["claims", "x12-837p"],
      ["encounters", "x12-837i"],
      ["eligibility", "x12-834"],
    ] as const) {
      const { text } = render(world, kind, format, x12);
      expect(text.slice(0, 107)).toMatch(/^ISA\|00\| {10}\|00\| {10}\|ZZ\|SENDER01 {7}\|ZZ\|RCV-02 {9}\|\d{6}\|\d{4}\|!\|00501\|\d{9}\|0\|P\|>~\n$/);
      expect(text).not.toContain("*");
      const ix = parse(text);
      expect(v(ix.header, 15)).toBe("P");
      expect(v(ix.functionalGroups[0]!.header, 2)).toBe("SENDER01");
      const lines = text.split("\n");
      expect(lines.pop()).toBe("");
      for (const l of lines) expect(l.endsWith("~") && !l.endsWith("|~")).toBe(true);
      if (kind !== "eligibility") {
        const read = readClaims(ix, ">");
        expect(read.length).toBeGreaterThan(0);
        for (const r of read) compareClaim(world, r, (kind === "claims" ? claimDocument(world, claim(world, indexOfId(r.clm[0]!))) : encounterDocument(world, encounter(world, indexOfId(r.clm[0]!)))) as unknown as ClaimDoc, format === "x12-837i", kind === "encounters");
        const nm1 = ix.functionalGroups[0]!.transactions[0]!.segments[1]!;
        expect([v(nm1, 1), v(nm1, 3), v(nm1, 9)]).toEqual(["41", "Sender Org", "SENDER01"]);
      }
    }
  });

  it("deterministic: the same seed gives byte-identical files whatever the chunk size, world instance or file order; control numbers differ per file", () => {
    const a = smallWorld();
    const b = smallWorld();
    const specs = planFiles(a, { kinds: ["claims", "encounters", "eligibility"], formats: ["x12"], recordsPerFile: 150, x12: { claimsPerSt: 13 } });
    const first = specs.map((s) => renderText(a, s).text);
    const reversed = [...specs].reverse().map((s) => renderText(b, s, 4096).text).reverse();
    expect(reversed).toEqual(first);
    const isa13s = first.map((t) => t.slice(90, 99));
    expect(new Set(isa13s).size).toBe(specs.length);
    // a different seed gives different control numbers and content
    const other = smallWorld(SEED + 1);
    expect(renderText(other, planFiles(other, { kinds: ["claims"], formats: ["x12"], recordsPerFile: 150, x12: { claimsPerSt: 13 } })[0]!).text).not.toBe(first[0]);
    // the interchange date is the world's reference date, not the clock
    expect(first[0]!.slice(70, 76)).toBe("251231");
  });

  it("a file whose range holds no record of its claim type is an empty interchange (IEA01 0)", () => {
    const world = smallWorld();
    let spec: FileSpec | undefined;
    for (const s of specsOf(world, "claims", "x12-837i", { recordsPerFile: 1 })) {
      if (claim(world, s.firstIndex).claimType === "professional") {
        spec = s;
        break;
      }
    }
    const { text, counts } = renderText(world, spec!);
    expect(counts).toEqual({ records: 0, lines: 0 });
    expect(text).toMatch(/^ISA\*.{101}~IEA\*0\*\d{9}~$/);
  });

  it("streams in constant memory: 200k claims render chunk by chunk without holding the file", () => {
    const world = createWorld({ seed: 11, population: { members: 50_000, providers: 2_000, claims: 200_000, encounters: 0 } });
    const [spec] = specsOf(world, "claims", "x12-837p", { recordsPerFile: 200_000 });
    expect(spec!.lastIndex - spec!.firstIndex + 1).toBe(200_000);
    const chunkChars = 1 << 20;
    const it = renderFile(world, spec!, { chunkChars });
    let bytes = 0;
    let chunks = 0;
    let largest = 0;
    let clm = 0;
    let tail = "";
    let counts: RenderCounts;
    for (;;) {
      const step = it.next();
      if (step.done) {
        counts = step.value;
        break;
      }
      const chunk = step.value;
      bytes += chunk.length;
      chunks++;
      largest = Math.max(largest, chunk.length);
      // count CLM segments across chunk borders without keeping the chunks
      const text = tail + chunk;
      for (let i = text.indexOf("~CLM*"); i >= 0; i = text.indexOf("~CLM*", i + 1)) clm++;
      tail = text.slice(-4);
    }
    expect(counts.records).toBeGreaterThan(140_000);
    expect(clm).toBe(counts.records);
    expect(counts.lines).toBeGreaterThan(counts.records);
    expect(chunks).toBeGreaterThan(50);
    expect(largest).toBeLessThan(chunkChars + 64 * 1024);
    expect(bytes).toBeGreaterThan(60_000_000);
  });
});

// ---------------------------------------------------------------------------------------------
// comparison with the NDJSON documents

/** The NDJSON claim document (claimDocument / encounterDocument), as far as the comparison reads it. */
interface ClaimDoc {
  claimId?: string;
  encounterId?: string;
  claimType: string;
  frequencyCode: string;
  member: { memberId: string; subscriberId: string; relationshipCode: string };
  payerId: string;
  planId: string;
  providers: { billingNpi: string; renderingNpi?: string; attendingNpi?: string };
  placeOfService: string | null;
  typeOfBill: string | null;
  admissionDate: string | null;
  dischargeDate: string | null;
  statementFrom: string;
  statementTo: string;
  diagnoses: { principal: string; admitting: string | null; secondary: string[] };
  totalCharge: number;
  paidAmount?: number;
  paidDate?: string;
  lines: { lineNumber: number; procedureCode: string | null; modifiers: string[]; units: number; charge: number; serviceDate: string; revenueCode: string | null; paidAmount?: number }[];
}

function compareClaim(world: World, r: ReadClaim, doc: ClaimDoc, institutional: boolean, isEncounter: boolean): void {
  const id = isEncounter ? doc.encounterId : doc.claimId;
  expect(r.clm[0]).toBe(id);
  expect(doc.claimType).toBe(institutional ? "institutional" : "professional");
  expect(cents(r.clm[1]!)).toBe(Math.round(doc.totalCharge * 100));
  // members: the subscriber in 2010BA, the patient in 2010CA when a dependent
  expect(r.subscriberId).toBe(doc.member.subscriberId);
  const m = member(world, indexOfMember(doc.member.memberId, world));
  if (doc.member.relationshipCode === "18") {
    expect(r.subscriberId).toBe(doc.member.memberId);
    expect(r.sbr[1]).toBe("18");
    expect(r.patientName).toEqual([]);
    expect(r.subscriberName).toEqual([m.lastName, m.firstName, m.middleInitial]);
    expect(r.subscriberDmg).toEqual(["D8", world.dates.d8(m.birthDate), m.sex]);
  } else {
    expect(r.sbr[1]).toBe("");
    expect(r.patientRelationship).toBe(doc.member.relationshipCode);
    expect(r.patientName).toEqual(m.middleInitial ? [m.lastName, m.firstName, m.middleInitial] : [m.lastName, m.firstName]);
    expect(r.patientDmg).toEqual(["D8", world.dates.d8(m.birthDate), m.sex]);
  }
  if (!isEncounter) {
    expect(r.payerId).toBe(doc.payerId);
    expect(r.sbr[0]).toBe("P");
    expect(r.sbr[8]).toMatch(institutional ? /^(MC|MA|CI)$/ : /^(MC|MB|CI)$/);
  }
  // providers
  expect(r.billingNpi).toBe(doc.providers.billingNpi);
  if (institutional) {
    expect(r.individualRole).toBe("71");
    expect(r.individualNpi).toBe(doc.providers.attendingNpi);
  } else {
    expect(r.individualRole).toBe("82");
    expect(r.individualNpi).toBe(doc.providers.renderingNpi);
  }
  // claim codes and dates
  const facility = r.clm[4]!.split(/[:>]/);
  if (institutional) {
    expect(facility[0]! + facility[2]!).toBe(doc.typeOfBill);
    expect(facility[1]).toBe("A");
    expect(r.clm.slice(5)).toEqual(["", "A", "Y", "Y"]);
    const [from, to] = r.dtp["434"]!.split("-");
    expect([iso(from!), iso(to!)]).toEqual([doc.statementFrom, doc.statementTo]);
    if (doc.admissionDate !== null) {
      expect(iso(r.dtp["435"]!.slice(0, 8))).toBe(doc.admissionDate);
      expect(r.dtp["096"]).toMatch(/^\d{4}$/);
      expect(r.cl1).toEqual(["1", "1", "01"]);
    } else {
      expect(r.dtp["435"]).toBeUndefined();
      expect(r.cl1).toBeNull();
    }
  } else {
    expect(facility).toEqual([doc.placeOfService, "B", doc.frequencyCode]);
    expect(r.clm.slice(5)).toEqual(["Y", "A", "Y", "Y"]);
    const dates = r.lines.map((l) => iso(l.serviceDate)).sort();
    expect([dates[0], dates[dates.length - 1]]).toEqual([doc.statementFrom, doc.statementTo]);
  }
  expect(facility[2]).toBe(doc.frequencyCode);
  expect(r.ref["F8"] ?? null).toBe(doc.frequencyCode === "1" ? null : id);
  // diagnoses
  const principal = r.hi.filter((h) => h[0] === "ABK").map((h) => h[1]);
  const admitting = r.hi.filter((h) => h[0] === "ABJ").map((h) => h[1]);
  const other = r.hi.filter((h) => h[0] === "ABF").map((h) => h[1]);
  expect(r.hi.every((h) => h.length === 2 && ["ABK", "ABJ", "ABF"].includes(h[0]!))).toBe(true);
  expect(principal).toEqual([doc.diagnoses.principal]);
  expect(admitting).toEqual(doc.diagnoses.admitting && institutional ? [doc.diagnoses.admitting] : []);
  expect(other).toEqual(doc.diagnoses.secondary);
  // service lines
  expect(r.lines.length).toBe(doc.lines.length);
  r.lines.forEach((l, i) => {
    const dl = doc.lines[i]!;
    expect(l.procedure || null).toBe(dl.procedureCode);
    expect(l.modifiers).toEqual(dl.modifiers);
    expect(l.units).toBe(dl.units);
    expect(l.charge).toBe(Math.round(dl.charge * 100));
    expect(iso(l.serviceDate)).toBe(dl.serviceDate);
    expect(l.revenue || null).toBe(dl.revenueCode);
  });
}

/** Member index from a member ID: the household head (9 digits) plus the position (1 digit). */
function indexOfMember(memberId: string, world: World): number {
  const head = Number(memberId.slice(-10, -1));
  const position = Number(memberId.slice(-1));
  const i = head + position;
  expect(member(world, i).memberId).toBe(memberId);
  return i;
}

// ---------------------------------------------------------------------------------------------
// an independent reading of 834 members

interface ReadMember {
  bgn: string[];
  payerId: string;
  payerName: string;
  ins: string[];
  ref: Record<string, string>;
  dtp: Record<string, string>;
  name: string[];
  phone: string;
  n4: string[];
  dmg: string[];
  hd: { maintenance: string; planId: string; level: string; start: string; end: string | null }[];
}

function readMembers(ix: X12Interchange): ReadMember[] {
  const out: ReadMember[] = [];
  for (const { segments } of transactionSegments(ix)) {
    let bgn: string[] = [];
    let payerId = "";
    let payerName = "";
    let m: ReadMember | null = null;
    let hd: ReadMember["hd"][number] | null = null;
    for (const s of segments) {
      const els = s.elements.map((e) => e.value);
      switch (s.tag) {
        case "BGN":
          bgn = els;
          break;
        case "N1":
          if (v(s, 1) === "IN") {
            payerName = v(s, 2);
            payerId = v(s, 4);
          }
          break;
        case "INS":
          m = { bgn, payerId, payerName, ins: els, ref: {}, dtp: {}, name: [], phone: "", n4: [], dmg: [], hd: [] };
          hd = null;
          out.push(m);
          break;
        case "REF":
          if (m) m.ref[v(s, 1)] = v(s, 2);
          break;
        case "DTP":
          if (!m) break;
          if (hd && v(s, 1) === "348") hd.start = v(s, 3);
          else if (hd && v(s, 1) === "349") hd.end = v(s, 3);
          else m.dtp[v(s, 1)] = v(s, 3);
          break;
        case "NM1":
          m!.name = els;
          break;
        case "PER":
          expect([v(s, 1), v(s, 2), v(s, 3)]).toEqual(["IP", "", "TE"]);
          m!.phone = v(s, 4);
          break;
        case "N4":
          m!.n4 = els;
          break;
        case "DMG":
          m!.dmg = els;
          break;
        case "HD":
          expect([v(s, 2), v(s, 3)]).toEqual(["", "HLT"]);
          hd = { maintenance: v(s, 1), planId: v(s, 4), level: v(s, 5), start: "", end: null };
          m!.hd.push(hd);
          break;
      }
    }
  }
  return out;
}
