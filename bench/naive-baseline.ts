/**
 * The naive way, for comparison: the claims CSV layout (the same 28 columns, one row per service line
 * carrying the header columns, codes from the same bundled lists), with a @faker-js/faker call for
 * each field of each claim and line, drawn from the same default distributions (claim types, lines
 * per claim, secondary diagnoses, frequency and place-of-service weights). This is how many
 * hand-rolled generators work; hcsynth's seeded PRNG, pinned pools and text tables replace it.
 *
 * It is, if anything, the easier workload: it draws no population, so its member IDs and NPIs resolve
 * nowhere and its dates fall in no coverage span, where hcsynth's claims name members whose spans
 * cover every date of service and providers of the provider file.
 */
import { Faker, en_US, en, base } from "@faker-js/faker";
import { bundledCodeLists, CSV_COLUMNS, DEFAULT_WORLD_CONFIG } from "../generators/index.js";

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** faker's weighted-choice input from one of the world config's weight tables. */
function weighted<T>(entries: [T, number][]): { value: T; weight: number }[] {
  return entries.filter(([, weight]) => weight > 0).map(([value, weight]) => ({ value, weight }));
}

export function naiveClaimsCsv(claims: number, onChunk: (text: string) => void): void {
  const faker = new Faker({ locale: [en_US, en, base], seed: 7 });
  const codes = bundledCodeLists();
  // the distributions hcsynth's claims follow by default: the same mix of claim types, lines and codes
  const cfg = DEFAULT_WORLD_CONFIG.claims;
  const frequencies = weighted(Object.entries(cfg.frequencyWeights));
  const places = weighted(Object.entries(cfg.placeOfServiceWeights));
  const lineCounts = weighted(cfg.lineCountWeights.map((w, i): [number, number] => [i + 1, w]));
  const secondaryCounts = weighted(cfg.secondaryDiagnosisWeights.map((w, i): [number, number] => [i, w]));
  const from = new Date("2024-01-01T00:00:00Z");
  const to = new Date("2025-12-31T00:00:00Z");
  let buffer = CSV_COLUMNS.claims.join(",") + "\n";
  for (let k = 0; k < claims; k++) {
    const claimId = "SYNC" + faker.string.numeric(10);
    const institutional = faker.datatype.boolean(cfg.institutionalShare);
    const claimType = institutional ? "institutional" : "professional";
    const frequency = faker.helpers.weightedArrayElement(frequencies);
    const memberId = "SYNM" + faker.string.numeric(10);
    const relationship = faker.helpers.weightedArrayElement([{ value: "18", weight: 70 }, { value: "01", weight: 10 }, { value: "19", weight: 20 }]);
    const subscriberId = relationship === "18" ? memberId : "SYNM" + faker.string.numeric(10);
    const payerId = "9999" + faker.string.numeric(1);
    const planId = faker.helpers.arrayElement(["MA-HMO", "MA-PPO", "MA-DSNP", "COM-HDHP", "COM-PPO", "MCD-MCO"]);
    const billing = "19" + faker.string.numeric(8);
    const individual = "19" + faker.string.numeric(8);
    const pos = institutional ? "" : faker.helpers.weightedArrayElement(places);
    const tob = institutional ? faker.helpers.arrayElement(codes.typeOfBill) : "";
    const inpatient = institutional && faker.datatype.boolean(cfg.inpatientShare);
    const admission = inpatient ? faker.date.between({ from, to }) : null;
    const discharge = admission ? faker.date.soon({ days: cfg.lengthOfStayDays[1], refDate: admission }) : null;
    const service = admission ?? faker.date.between({ from, to });
    const principal = faker.helpers.arrayElement(codes.icd10cm);
    const admitting = inpatient ? faker.helpers.arrayElement(codes.icd10cm) : "";
    // one arrayElement per code: faker's arrayElements copies the whole list (74,719 codes) per call
    const secondary = faker.helpers.multiple(() => faker.helpers.arrayElement(codes.icd10cm), { count: faker.helpers.weightedArrayElement(secondaryCounts) }).join("|");
    const count = faker.helpers.weightedArrayElement(lineCounts);
    const lines: { procedure: string; modifiers: string; units: number; charge: number; date: string; revenue: string }[] = [];
    let total = 0;
    for (let l = 0; l < count; l++) {
      const charge = faker.number.int({ min: 500, max: 50_000 });
      total += charge;
      lines.push({
        procedure: faker.helpers.arrayElement(codes.procedures),
        modifiers: codes.modifiers.length > 0 && faker.datatype.boolean(cfg.modifierShare) ? faker.helpers.arrayElement(codes.modifiers) : "",
        units: faker.number.int({ min: 1, max: 4 }),
        charge,
        date: day(faker.date.between({ from: service, to: discharge ?? service })),
        revenue: institutional ? faker.helpers.arrayElement(codes.revenue) : "",
      });
    }
    const head =
      `${claimId},${claimType},${frequency},${memberId},${subscriberId},${relationship},${payerId},${planId},${billing},${institutional ? "" : individual},${institutional ? individual : ""},` +
      `${pos},${tob},${admission ? day(admission) : ""},${discharge ? day(discharge) : ""},${day(service)},${day(discharge ?? service)},${principal},${admitting},${secondary},${(total / 100).toFixed(2)}`;
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l]!;
      buffer += `${head},${l + 1},${line.procedure},${line.modifiers},${line.units},${(line.charge / 100).toFixed(2)},${line.date},${line.revenue}\n`;
    }
    if (buffer.length > 16_384) {
      onChunk(buffer);
      buffer = "";
    }
  }
  onChunk(buffer);
}
