/** The four kinds of output and the entity each is made of. */
import type { World } from "./core/world.js";
import { claim, encounter } from "./entities/claims.js";
import { member } from "./entities/members.js";
import { provider } from "./entities/providers.js";
import type { Claim, Encounter, Member, Provider } from "./model.js";

export const KINDS = ["claims", "encounters", "eligibility", "providers"] as const;
export type Kind = (typeof KINDS)[number];

export interface EntityOfKind {
  claims: Claim;
  encounters: Encounter;
  eligibility: Member;
  providers: Provider;
}

export function isKind(value: string): value is Kind {
  return (KINDS as readonly string[]).includes(value);
}

/** How many records of a kind the world has (eligibility records are members). */
export function populationOf(world: World, kind: Kind): number {
  const p = world.config.population;
  switch (kind) {
    case "claims":
      return p.claims;
    case "encounters":
      return p.encounters;
    case "eligibility":
      return p.members;
    case "providers":
      return p.providers;
  }
}

/** Record `index` of a kind. */
export function entityOf<K extends Kind>(world: World, kind: K, index: number): EntityOfKind[K] {
  switch (kind) {
    case "claims":
      return claim(world, index) as EntityOfKind[K];
    case "encounters":
      return encounter(world, index) as EntityOfKind[K];
    case "eligibility":
      return member(world, index) as EntityOfKind[K];
    case "providers":
      return provider(world, index) as EntityOfKind[K];
    default:
      throw new RangeError(`unknown kind ${JSON.stringify(kind)}`);
  }
}
