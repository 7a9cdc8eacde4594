/**
 * Providers. Every (individualsPerOrganization + 1)-th index is an organisation (NPI entity type 2);
 * the indexes after it are individuals (type 1) whose primary affiliation is that organisation.
 * Provider j is a pure function of (seed, "provider", j).
 */
import { npiForProvider, syntheticEin, syntheticPhone } from "../core/identifiers.js";
import { cachedByIndex } from "../core/memo.js";
import { rngFor } from "../core/random.js";
import type { World } from "../core/world.js";
import type { Provider } from "../model.js";

const CREDENTIALS = ["MD", "DO", "NP", "PA", "MD", "MD", "DO", "DPM", "PhD", "LCSW"] as const;

function stride(world: World): number {
  return world.config.providers.individualsPerOrganization + 1;
}

export function isOrganization(world: World, j: number): boolean {
  return j % stride(world) === 0;
}

/** The primary organisation of individual j. */
export function primaryOrganizationOf(world: World, j: number): number {
  return j - (j % stride(world));
}

/** How many organisations the population has. */
export function organizationCount(world: World): number {
  return Math.ceil(world.config.population.providers / stride(world));
}

function buildProvider(world: World, j: number): Provider {
  const total = world.config.population.providers;
  if (!Number.isInteger(j) || j < 0 || j >= total) throw new RangeError(`provider index ${j} is outside the population of ${total}`);
  const rng = rngFor(world.seed, "provider", j);
  const v = world.vocabulary;
  const place = rng.pick(v.places);
  const address = {
    line1: `${1 + rng.int(9899)} ${rng.pick(v.streetNames)}`,
    line2: rng.chance(0.4) ? rng.pick(v.secondaryAddresses) : "",
    city: place[0],
    state: place[1],
    zip: place[2],
  };
  const taxonomy = rng.pick(world.codes.taxonomy);
  const phone = syntheticPhone(rng);
  if (isOrganization(world, j)) {
    return {
      index: j,
      npi: npiForProvider(j),
      entityType: 2,
      taxonomy,
      lastOrOrgName: rng.pick(v.organizationNames),
      firstName: "",
      credential: "",
      address,
      phone,
      ein: syntheticEin(rng),
      affiliations: [],
    };
  }
  const sex = rng.chance(0.5) ? "F" : "M";
  const affiliations = [npiForProvider(primaryOrganizationOf(world, j))];
  const orgs = organizationCount(world);
  if (orgs > 1 && rng.chance(world.config.providers.secondAffiliationShare)) {
    const other = rng.int(orgs) * stride(world);
    const otherNpi = npiForProvider(other);
    if (!affiliations.includes(otherNpi)) affiliations.push(otherNpi);
  }
  return {
    index: j,
    npi: npiForProvider(j),
    entityType: 1,
    taxonomy,
    lastOrOrgName: rng.pick(v.lastNames),
    firstName: rng.pick(sex === "F" ? v.firstNamesFemale : v.firstNamesMale),
    credential: rng.pick(CREDENTIALS),
    address,
    phone,
    ein: null,
    affiliations,
  };
}

/** Provider `index` of the world's population. */
export const provider = cachedByIndex(4096, buildProvider);

/** An individual provider index drawn from u ∈ [0,1), for rendering and attending roles. */
export function individualFromUnit(world: World, u: number): number {
  const total = world.config.population.providers;
  let j = Math.floor(u * total);
  if (isOrganization(world, j)) j = j + 1 < total ? j + 1 : j - 1;
  return j;
}
