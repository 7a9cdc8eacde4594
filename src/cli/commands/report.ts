/** `hcsynth report <summary.json> [--out DIR]`: junit.xml and report.html (and the console table) from an existing summary.json. */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import type { RunSummary } from "../../../scenarios/summary.js";
import { UserError } from "../errors.js";
import { summaryTable } from "../../report/console-table.js";
import { summaryProblem } from "../../report/summary-shape.js";
import { writeRenderedReports } from "../../report/write.js";

/** The summary in a file, or a one-line UserError naming what is wrong with it. */
export function readSummaryFile(path: string): RunSummary {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path}: is not valid JSON (${(error as Error).message.split("\n")[0]})`);
  }
  const problem = summaryProblem(value);
  if (problem !== undefined) throw new UserError(`${path}: not a run summary: ${problem}`);
  return value as RunSummary;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("render junit.xml and report.html from a run's summary.json (and print its summary table)")
    .argument("<summary.json>", "a summary.json written by `hcsynth run` or the k6 scripts")
    .option("--out <dir>", "where to write junit.xml and report.html (default: the summary's directory)")
    .action(async (file: string, flags: { out?: string }) => {
      const summary = readSummaryFile(file);
      const written = await writeRenderedReports(summary, flags.out ?? dirname(file));
      const color = process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined;
      process.stdout.write(summaryTable(summary, { color }));
      process.stdout.write(`\n  wrote ${written.junitXml}\n  wrote ${written.reportHtml}\n`);
    });
}
