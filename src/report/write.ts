/**
 * Writing a run's reports to a directory: summary.json, junit.xml and report.html, each written to
 * `NAME.partial` and renamed, so a reader never sees half a file.
 */
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunSummary } from "../../scenarios/summary.js";
import { ensureDir } from "../util/fs.js";
import { toHtml } from "./html.js";
import { toJunitXml } from "./junit.js";

export interface ReportPaths {
  summaryJson: string;
  junitXml: string;
  reportHtml: string;
}

async function writeAtomically(path: string, text: string): Promise<string> {
  const partial = `${path}.partial`;
  await writeFile(partial, text, "utf8");
  await rename(partial, path);
  return path;
}

/** junit.xml and report.html rendered from a summary (what `hcsynth report` does with a summary.json). */
export async function writeRenderedReports(summary: RunSummary, outDir: string): Promise<Omit<ReportPaths, "summaryJson">> {
  await ensureDir(outDir);
  const junitXml = await writeAtomically(join(outDir, "junit.xml"), toJunitXml(summary));
  const reportHtml = await writeAtomically(join(outDir, "report.html"), toHtml(summary));
  return { junitXml, reportHtml };
}

/** summary.json (pretty JSON), junit.xml and report.html in `outDir`, created if need be. */
export async function writeReports(summary: RunSummary, outDir: string): Promise<ReportPaths> {
  await ensureDir(outDir);
  const summaryJson = await writeAtomically(join(outDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  return { summaryJson, ...(await writeRenderedReports(summary, outDir)) };
}
