/**
 * The code lists every emitted code comes from. The bundled lists are loaded from generators/data/codes
 * (see SOURCES.md there for package, version, source and year); a user may replace any list
 * (for example with their own CPT file), and generation then draws from theirs.
 */
import icd10cmData from "../data/codes/icd10cm.json" with { type: "json" };
import hcpcsData from "../data/codes/hcpcs.json" with { type: "json" };
import posData from "../data/codes/place-of-service.json" with { type: "json" };
import taxonomyData from "../data/codes/taxonomy.json" with { type: "json" };
import revenueData from "../data/codes/revenue-codes.json" with { type: "json" };
import typeOfBillData from "../data/codes/type-of-bill.json" with { type: "json" };
import modifierData from "../data/codes/hcpcs-modifiers.json" with { type: "json" };

export interface CodeLists {
  /** ICD-10-CM diagnosis codes without the dot (E119). */
  icd10cm: readonly string[];
  /** Procedure codes for service lines: HCPCS Level II by default, or a user's CPT/HCPCS list. */
  procedures: readonly string[];
  /** Procedure modifiers (two characters); may be empty. */
  modifiers: readonly string[];
  /** CMS place-of-service codes (two digits). */
  placeOfService: readonly string[];
  /** NUCC health care provider taxonomy code values. */
  taxonomy: readonly string[];
  /** NUBC revenue code values (four digits). */
  revenue: readonly string[];
  /** NUBC type-of-bill values (three digits: facility type, classification, frequency). */
  typeOfBill: readonly string[];
}

interface CodeFile {
  codes: readonly (string | { code: string })[];
}

function values(file: CodeFile): string[] {
  return file.codes.map((c) => (typeof c === "string" ? c : c.code));
}

let bundled: CodeLists | undefined;

/** The code lists shipped with hcsynth. */
export function bundledCodeLists(): CodeLists {
  bundled ??= Object.freeze({
    icd10cm: Object.freeze(values(icd10cmData as CodeFile)),
    procedures: Object.freeze(values(hcpcsData as CodeFile)),
    modifiers: Object.freeze(values(modifierData as CodeFile)),
    placeOfService: Object.freeze(values(posData as CodeFile)),
    taxonomy: Object.freeze(values(taxonomyData as CodeFile)),
    revenue: Object.freeze(values(revenueData as CodeFile)),
    typeOfBill: Object.freeze(values(typeOfBillData as CodeFile)),
  });
  return bundled;
}

const SHAPES: Record<keyof CodeLists, RegExp> = {
  icd10cm: /^[A-Z][0-9A-Z]{2,6}$/,
  procedures: /^[0-9A-Z]{5}$/,
  modifiers: /^[0-9A-Z]{2}$/,
  placeOfService: /^\d{2}$/,
  taxonomy: /^[0-9]{3}[0-9A-Z]{6}X$/,
  revenue: /^\d{4}$/,
  typeOfBill: /^\d{3}$/,
};

/** Checks a list's shape, so that a user's file with a stray header or dotted codes fails clearly. */
export function validateCodeList(name: keyof CodeLists, codes: readonly string[]): readonly string[] {
  if (codes.length === 0 && name !== "modifiers") throw new RangeError(`code list ${name}: is empty`);
  const shape = SHAPES[name];
  for (const code of codes) {
    if (!shape.test(code)) throw new RangeError(`code list ${name}: ${JSON.stringify(code)} is not shaped like a ${name} code (${shape.source})`);
  }
  return codes;
}

/** The bundled lists with some replaced; each replacement is validated. */
export function withCodeLists(overrides: Partial<CodeLists>): CodeLists {
  const out: CodeLists = { ...bundledCodeLists() };
  for (const [name, codes] of Object.entries(overrides) as [keyof CodeLists, readonly string[] | undefined][]) {
    if (codes) (out as Record<keyof CodeLists, readonly string[]>)[name] = validateCodeList(name, codes);
  }
  return out;
}
