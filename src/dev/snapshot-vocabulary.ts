/**
 * Draws hcsynth's vocabulary pools (names, streets, places, organisations) from @faker-js/faker once,
 * and writes them to generators/data/vocabulary.json. The snapshot is committed, so generation never
 * calls faker: output does not drift when faker is upgraded, and a k6 bundle does not need faker.
 *
 *   npm run build && node dist/src/dev/snapshot-vocabulary.js
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Faker, en_US, en, base } from "@faker-js/faker";

const SNAPSHOT_SEED = 20_260_101;

function unique(draw: () => string, count: number, attempts = count * 50): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < attempts && seen.size < count; i++) {
    const v = draw().trim();
    if (v && !/[,"\n\r~*:^|]/.test(v)) seen.add(v);
  }
  return [...seen];
}

export function drawVocabulary(): Record<string, unknown> {
  const faker = new Faker({ locale: [en_US, en, base], seed: SNAPSHOT_SEED });
  const states = unique(() => faker.location.state({ abbreviated: true }), 50, 20_000).sort();
  const places: [string, string, string][] = [];
  const seenPlaces = new Set<string>();
  for (let i = 0; places.length < 1500 && i < 100_000; i++) {
    const state = states[i % states.length] as string;
    const city = faker.location.city();
    const zip = faker.location.zipCode({ state, format: "#####" });
    const key = `${city}|${state}`;
    if (/^\d{5}$/.test(zip) && !/[,"~*:^|]/.test(city) && !seenPlaces.has(key)) {
      seenPlaces.add(key);
      places.push([city, state, zip]);
    }
  }
  return {
    source: "@faker-js/faker (en_US), drawn once by src/dev/snapshot-vocabulary.ts",
    fakerVersion: (JSON.parse(readFileSync("node_modules/@faker-js/faker/package.json", "utf8")) as { version: string }).version,
    snapshotSeed: SNAPSHOT_SEED,
    firstNamesFemale: unique(() => faker.person.firstName("female"), 400),
    firstNamesMale: unique(() => faker.person.firstName("male"), 400),
    middleInitials: "ABCDEFGHJKLMNPRSTW".split(""),
    lastNames: unique(() => faker.person.lastName(), 800),
    streetNames: unique(() => faker.location.street(), 600),
    secondaryAddresses: unique(() => faker.location.secondaryAddress(), 60),
    places,
    organizationNames: unique(() => faker.company.name(), 300),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = new URL("../../../generators/data/vocabulary.json", import.meta.url);
  writeFileSync(target, JSON.stringify(drawVocabulary()) + "\n");
  console.log(`wrote ${fileURLToPath(target)}`);
}
