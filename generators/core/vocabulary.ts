/** The pinned vocabulary snapshot (drawn once from @faker-js/faker by src/dev/snapshot-vocabulary.ts). */
import data from "../data/vocabulary.json" with { type: "json" };

export interface Vocabulary {
  firstNamesFemale: readonly string[];
  firstNamesMale: readonly string[];
  middleInitials: readonly string[];
  lastNames: readonly string[];
  streetNames: readonly string[];
  secondaryAddresses: readonly string[];
  /** [city, state, ZIP] */
  places: readonly (readonly [string, string, string])[];
  organizationNames: readonly string[];
}

export const VOCABULARY: Vocabulary = data as unknown as Vocabulary;
