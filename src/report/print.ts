/** The end of a run on the console: a summary table on stdout, the report paths on stderr. */
import type { RunSummary } from "../../scenarios/index.js";

export function printSummary(summary: RunSummary, paths: Record<string, string>): void {
  const r = summary.run;
  const lines = [`run ${r.id}: ${r.status} (exit ${r.exitCode})${r.reason ? ` — ${r.reason}` : ""}`];
  for (const t of summary.thresholds) lines.push(`  ${t.ok ? "✓" : "✗"} ${t.metric} ${t.expression} (actual ${t.actual === null ? "no samples" : +t.actual.toFixed(4)})`);
  process.stdout.write(lines.join("\n") + "\n");
  for (const [what, path] of Object.entries(paths)) process.stderr.write(`${what}: ${path}\n`);
}
