/**
 * The end-of-run summary for a terminal, in the manner of k6's: the run line, the thresholds with
 * ✓/✗, every metric (sorted) with its values, and the most frequent errors.
 */
import type { RunSummary } from "../../scenarios/summary.js";
import { describeTarget, formatActual, formatDuration, metricCells, sortedMetricNames, STATUS_TEXT, thresholdName } from "./format.js";

export interface TableOptions {
  /** ANSI colours (off unless asked for). */
  color?: boolean;
}

const ERRORS_SHOWN = 5;

type Paint = (text: string) => string;

/** Messages can span lines; a table row cannot. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function palette(color: boolean): { green: Paint; red: Paint; yellow: Paint; dim: Paint; bold: Paint } {
  const sgr =
    (open: number, close: number): Paint =>
    (text) =>
      color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

/** The summary as text lines (ending with a newline); no escape codes unless `color` is true. */
export function summaryTable(summary: RunSummary, options: TableOptions = {}): string {
  const p = palette(options.color === true);
  const { run } = summary;
  const statusPaint = run.status === "passed" ? p.green : run.status === "interrupted" ? p.yellow : p.red;
  const lines: string[] = [];

  lines.push(`  ${p.bold("run")}       ${run.id}  scenario ${run.scenario}  executor ${run.executor}  seed ${run.seed}`);
  lines.push(`  ${p.bold("target")}    ${describeTarget(run.target)}`);
  lines.push(`  ${p.bold("duration")}  ${formatDuration(run.durationMs)}  status ${statusPaint(`${STATUS_TEXT[run.status]} (exit ${run.exitCode})`)}`);
  if (run.reason !== undefined && run.reason !== "") lines.push(`  ${p.bold("reason")}    ${oneLine(run.reason)}`);

  if (summary.thresholds.length > 0) {
    lines.push("", `  ${p.bold("THRESHOLDS")}`);
    const width = Math.max(...summary.thresholds.map((t) => thresholdName(t).length));
    for (const t of summary.thresholds) {
      const mark = t.ok ? p.green("✓") : p.red("✗");
      lines.push(`    ${mark} ${thresholdName(t).padEnd(width)}  ${p.dim("actual")} ${formatActual(t)}${t.abortOnFail ? p.dim("  abortOnFail") : ""}`);
    }
  }

  // the console shows each metric whole, plus the splits a threshold names and the single/multipart split;
  // summary.json and report.html keep every tag split
  const judged = new Set(summary.thresholds.map((t) => t.metric));
  const names = sortedMetricNames(summary).filter((n) => !n.includes("{") || judged.has(n) || n.includes("{upload:"));
  if (names.length > 0) {
    lines.push("", `  ${p.bold("METRICS")}`);
    const width = Math.max(...names.map((n) => n.length)) + 3;
    for (const name of names) {
      const cells = metricCells(summary.metrics[name]!);
      const dots = p.dim(".".repeat(Math.max(2, width - name.length)));
      const [first, ...rest] = cells;
      // a counter or gauge reads best as "value  rate"; a trend as "avg=… min=…"
      const values =
        summary.metrics[name]!.type === "trend"
          ? cells.map(([label, value]) => `${label}=${value}`).join(" ")
          : [first![1], ...rest.map(([label, value]) => `${p.dim(`${label}=`)}${value}`)].join("  ");
      lines.push(`    ${name}${dots}: ${values}`);
    }
  }

  if (summary.errors.length > 0) {
    lines.push("", `  ${p.bold("ERRORS")}`);
    const sorted = [...summary.errors].sort((a, b) => b.count - a.count);
    for (const e of sorted.slice(0, ERRORS_SHOWN)) lines.push(`    ${p.red(String(e.count).padStart(6))}  ${oneLine(e.message)}`);
    if (sorted.length > ERRORS_SHOWN) lines.push(p.dim(`    … and ${sorted.length - ERRORS_SHOWN} more kinds (see report.html)`));
  }
  return lines.join("\n") + "\n";
}
