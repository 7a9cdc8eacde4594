/** The parts of a generated manifest.json the defect, ETL and stack tests read, typed once. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ManifestDefect {
  code: string;
  level: string;
  expected: string;
  locator: { line?: number; segment?: number; recordIndex?: number; recordId?: string; field?: string };
}

export interface ManifestFileEntry {
  path: string;
  kind: string;
  format: string;
  records: number;
  defects?: ManifestDefect[];
  defectCount?: number;
  defectsFile?: string;
  expected?: { load: number; reject: number; flag: number };
}

export interface ManifestWithDefects {
  defectCatalogueVersion?: string;
  files: ManifestFileEntry[];
}

export function readManifestFiles(dir: string): ManifestWithDefects {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ManifestWithDefects;
}
