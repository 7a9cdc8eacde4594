/**
 * Which records and files get a defect: pure functions of (seed, kind, format family, index), so the
 * same record of the same seed carries the same defect however the run is sharded or split across
 * workers, and a clean run of the seed differs only where the manifest says.
 */
import { hash3, hashFromPrefix, hashPrefix, KIND_TAGS, unitFor } from "../core/random.js";
import type { World } from "../core/world.js";
import type { Kind } from "../kinds.js";
import { appliesTo, formatFamily, type DefectDefinition, type DefectPolicy } from "./catalogue.js";

export interface DefectOptions {
  /** Share of records given a record-level defect (0–1). */
  rate: number;
  /** Share of files given a file-level defect (0–1). */
  fileShare: number;
  /** The codes that may be injected (see selectDefects). */
  codes: readonly string[];
  /** Expected outcomes overriding the catalogue's. */
  policy?: DefectPolicy;
}

/** FNV-1a of a short string: a stable numeric tag for (kind, format family). */
export function stringTag(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function validateDefectOptions(o: DefectOptions): DefectOptions {
  if (!(o.rate >= 0 && o.rate <= 1)) throw new RangeError(`--defect-rate ${o.rate}: expected a number from 0 to 1`);
  if (!(o.fileShare >= 0 && o.fileShare <= 1)) throw new RangeError(`--defective-files ${o.fileShare}: expected a number from 0 to 1`);
  return o;
}

/** The candidate record-level defects of one file, in catalogue order. */
export function recordCandidates(defs: readonly DefectDefinition[], kind: Kind, format: string, gzip: boolean): DefectDefinition[] {
  return defs.filter((d) => (d.level === "record" || d.level === "field") && appliesTo(d, kind, format, gzip));
}

export function fileCandidates(defs: readonly DefectDefinition[], kind: Kind, format: string, gzip: boolean, filesOfFormat: number): DefectDefinition[] {
  return defs.filter((d) => (d.level === "file" || d.level === "transaction") && appliesTo(d, kind, format, gzip) && (d.code !== "X12_DUPLICATE_ISA13" || filesOfFormat > 1));
}

/**
 * The defect of record `index`, or null. `usable` says whether a candidate can apply to the record
 * without causing a second defect; when the drawn one cannot, the next candidates are tried in turn.
 */
/** The tag recordDefectFor mixes in for a file's (kind, format family): compute once per file. */
export function recordTag(kind: Kind, format: string): number {
  return stringTag(`${kind}/${formatFamily(format)}`);
}

export function recordDefectFor(
  world: World,
  tag: number,
  index: number,
  rate: number,
  candidates: readonly DefectDefinition[],
  usable: (d: DefectDefinition) => boolean,
): DefectDefinition | null {
  if (candidates.length === 0 || rate <= 0) return null;
  const key = hash3(world.seed, tag, index);
  if (unitFor(world.seed, "defect", key, 0) >= rate) return null;
  const start = Math.floor(unitFor(world.seed, "defect", key, 1) * candidates.length);
  for (let k = 0; k < candidates.length; k++) {
    const d = candidates[(start + k) % candidates.length]!;
    if (usable(d)) return d;
  }
  return null;
}

/**
 * The first draw of recordDefectFor, for the records of one file: whether record `index` is drawn for
 * a defect at all (false means recordDefectFor returns null). The same hashes, with their per-file
 * parts computed once, so the ~95% of records that get no defect cost a few integer mixes.
 */
export function recordDefectDraw(world: World, tag: number, rate: number, candidates: readonly DefectDefinition[]): (index: number) => boolean {
  if (candidates.length === 0 || rate <= 0) return () => false;
  const recordPrefix = hashPrefix(world.seed, tag);
  const defectPrefix = hashPrefix(world.seed, KIND_TAGS.defect);
  return (index) => hashFromPrefix(defectPrefix, hashFromPrefix(recordPrefix, index), 0) / 4294967296 < rate;
}

/** The file-level defect of a file, or null. */
export function fileDefectFor(world: World, kind: Kind, format: string, fileIndex: number, fileShare: number, candidates: readonly DefectDefinition[]): DefectDefinition | null {
  if (candidates.length === 0 || fileShare <= 0) return null;
  const key = hash3(world.seed, stringTag(`file:${kind}/${format}`), fileIndex);
  if (unitFor(world.seed, "defect", key, 2) >= fileShare) return null;
  return candidates[Math.floor(unitFor(world.seed, "defect", key, 3) * candidates.length)]!;
}
