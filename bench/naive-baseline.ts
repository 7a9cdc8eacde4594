/**
 * The naive way, for comparison: a @faker-js/faker call for each field of each claim line, written as
 * CSV. This is how many hand-rolled generators work; hcsynth's seeded PRNG and pinned pools replace it.
 */
import { Faker, en_US, en, base } from "@faker-js/faker";

export function naiveClaimsCsv(claims: number, onChunk: (text: string) => void): void {
  const faker = new Faker({ locale: [en_US, en, base], seed: 7 });
  const from = new Date("2024-01-01T00:00:00Z");
  const to = new Date("2025-12-31T00:00:00Z");
  let buffer = "claim_id,member_id,first_name,last_name,birth_date,billing_npi,rendering_npi,place_of_service,principal_dx,total_charge,line_number,procedure_code,units,line_charge,service_date\n";
  for (let k = 0; k < claims; k++) {
    const claimId = faker.string.alphanumeric({ length: 12, casing: "upper" });
    const memberId = faker.string.alphanumeric({ length: 11, casing: "upper" });
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const birth = faker.date.birthdate().toISOString().slice(0, 10);
    const billing = faker.string.numeric(10);
    const rendering = faker.string.numeric(10);
    const pos = faker.helpers.arrayElement(["11", "22", "23", "21"]);
    const dx = faker.string.alpha({ length: 1, casing: "upper" }) + faker.string.numeric(3);
    const lines = faker.number.int({ min: 1, max: 4 });
    const total = faker.finance.amount({ min: 20, max: 2000 });
    for (let l = 1; l <= lines; l++) {
      const proc = faker.string.alpha({ length: 1, casing: "upper" }) + faker.string.numeric(4);
      const units = faker.number.int({ min: 1, max: 4 });
      const charge = faker.finance.amount({ min: 5, max: 500 });
      const date = faker.date.between({ from, to }).toISOString().slice(0, 10);
      buffer += `${claimId},${memberId},${first},${last},${birth},${billing},${rendering},${pos},${dx},${total},${l},${proc},${units},${charge},${date}\n`;
    }
    if (buffer.length > 16_384) {
      onChunk(buffer);
      buffer = "";
    }
  }
  onChunk(buffer);
}
