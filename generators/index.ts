/**
 * hcsynth/generators: the runtime-agnostic generation API (no Node built-ins; bundles into k6).
 *
 *   import { createWorld, claim, member } from "hcsynth/generators";
 *   const world = createWorld({ seed: 7, population: { members: 2000, providers: 300, claims: 20000, encounters: 5000 } });
 *   const c = claim(world, 42);          // claim 42, the same on every machine and worker
 *   const m = member(world, c.memberIndex);
 */
export { createWorld, type World, type WorldOptions } from "./core/world.js";
export { DEFAULT_WORLD_CONFIG, resolveWorldConfig, mergeConfig, type WorldConfig, type DeepPartial } from "./core/config.js";
export { bundledCodeLists, withCodeLists, validateCodeList, type CodeLists } from "./core/code-lists.js";
export { rngFor, hash3, Rng, Weighted, type EntityKind } from "./core/random.js";
export { parseIsoDate, daysFromCivil, civilFromDays, formatCents, DateFormatter, ageOn, type DayNumber } from "./core/dates.js";
export { isValidNpi, npiCheckDigit, npiForProvider, SYNTHETIC_SSN_GROUPS } from "./core/identifiers.js";
export { member, memberId, householdHeadOf, payerClassOf, coveredOn, firstMedicaidMember } from "./entities/members.js";
export { provider, isOrganization, primaryOrganizationOf } from "./entities/providers.js";
export { claim, encounter, claimId, encounterId, claimTypeOf } from "./entities/claims.js";
export { KINDS, isKind, populationOf, entityOf, type Kind, type EntityOfKind } from "./kinds.js";
export * from "./writers/index.js";
export { planFiles, shardFiles, renderFile, formatByName, type FileSpec, type PlanOptions, type RenderCounts } from "./plan.js";
export type * from "./model.js";
export { DEFECTS, CATALOGUE_VERSION, defectByCode, selectDefects, validatePolicy, appliesTo, expectedOutcome, type DefectDefinition, type DefectLevel, type ExpectedOutcome, type DefectPolicy } from "./defects/catalogue.js";
export { type DefectOptions } from "./defects/selection.js";
export { plannedFileDefect, type DefectEntry, type DefectLocator, type ExpectedCounts, type GzipDirective } from "./defects/render.js";
