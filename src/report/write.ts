/** Writes a run's reports into a directory: summary.json (more formats to come). */
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunSummary } from "../../scenarios/index.js";
import { ensureDir } from "../util/fs.js";

export async function writeReports(summary: RunSummary, outDir: string): Promise<{ summaryJson: string }> {
  await ensureDir(outDir);
  const summaryJson = join(outDir, "summary.json");
  await writeFile(`${summaryJson}.partial`, JSON.stringify(summary, null, 2) + "\n");
  await rename(`${summaryJson}.partial`, summaryJson);
  return { summaryJson };
}
