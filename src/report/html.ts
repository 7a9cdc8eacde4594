/**
 * The run as one self-contained HTML page (report.html): run header with a status badge, thresholds,
 * charts of the time series, metrics and errors. No external resources (a Content-Security-Policy
 * forbids them): styles and the chart script are inline, and the summary travels inside the page as
 * JSON, from which the script draws the charts.
 */
import type { RunSummary } from "../../scenarios/summary.js";
import { CHART_SCRIPT } from "./chart-script.js";
import { chartSpecs, type ChartSpec } from "./charts.js";
import { escapeXml as esc, jsonForScript } from "./escape.js";
import { describeTarget, formatActual, formatDuration, metricCells, sortedMetricNames, STATUS_TEXT } from "./format.js";

const STYLE = `
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --card: #fff;
  --ok: #047857; --ok-bg: #d1fae5; --bad: #b91c1c; --bad-bg: #fee2e2; --warn: #92400e; --warn-bg: #fef3c7; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 48px; }
header { display: flex; align-items: flex-start; justify-content: space-between; gap: 24px; margin-bottom: 20px; }
h1 { font-size: 24px; margin: 0; letter-spacing: -0.01em; }
h1 small { color: var(--muted); font-weight: 400; font-size: 15px; margin-left: 8px; }
h2 { font-size: 16px; margin: 32px 0 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
h2 small { text-transform: none; letter-spacing: 0; font-weight: 400; margin-left: 8px; }
h3 { font-size: 14px; margin: 0 0 4px; }
p.description { margin: 4px 0 0; color: var(--muted); }
.badge { display: inline-block; padding: 6px 14px; border-radius: 999px; font-weight: 600; white-space: nowrap; }
.badge.passed { background: var(--ok-bg); color: var(--ok); }
.badge.interrupted { background: var(--warn-bg); color: var(--warn); }
.badge.thresholds-failed, .badge.aborted, .badge.error { background: var(--bad-bg); color: var(--bad); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; }
dl.run { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px 24px; margin: 0; }
dl.run div { min-width: 0; }
dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; }
dd { margin: 0; overflow-wrap: anywhere; }
.reason { margin-top: 12px; padding: 8px 12px; border-radius: 6px; background: var(--warn-bg); color: var(--warn); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); background: #f1f5f9; }
tr:last-child td { border-bottom: none; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.mark { font-weight: 700; }
.mark.ok { color: var(--ok); } .mark.bad { color: var(--bad); }
tr.failed td { background: #fff7f7; }
.values span { display: inline-block; margin: 0 14px 2px 0; white-space: nowrap; }
.values b { color: var(--muted); font-weight: 500; margin-right: 4px; }
.empty-note { color: var(--muted); font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
.chart { position: relative; }
.chart svg { width: 100%; height: auto; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.legend .item i { display: inline-block; width: 14px; height: 3px; border-radius: 2px; vertical-align: middle; margin-right: 5px; }
.legend .item.empty { opacity: 0.55; }
svg .plot { fill: #fcfdff; stroke: var(--line); }
svg .grid line { stroke: #eef0f3; }
svg .axis text { fill: var(--muted); font-size: 11px; }
svg .axis line { stroke: #9ca3af; }
svg .axis .unit { font-size: 11px; fill: var(--ink); }
svg path.line { fill: none; stroke-width: 1.8; stroke-linejoin: round; stroke-linecap: round; }
svg .no-data { fill: var(--muted); font-size: 15px; font-style: italic; }
svg .overlay { fill: transparent; }
svg .rule { stroke: #9ca3af; stroke-dasharray: 3 3; }
.tip { position: absolute; pointer-events: none; background: rgba(17, 24, 39, 0.92); color: #fff; padding: 6px 10px;
  border-radius: 6px; font-size: 12px; min-width: 120px; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.15); }
.tip div { filter: brightness(1.6); }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
`;

/** Content-Security-Policy: nothing is loaded from anywhere; inline styles and script only. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

function runSection(summary: RunSummary): string {
  const { run } = summary;
  const fields: [string, string][] = [
    ["Run", run.id],
    ["Scenario", run.scenario],
    ["Target", describeTarget(run.target)],
    ["Executor", `${run.executor} (hcsynth ${run.hcsynthVersion})`],
    ["Seed", String(run.seed)],
    ["Started", run.startedAt],
    ["Ended", run.endedAt],
    ["Duration", formatDuration(run.durationMs)],
    ["Exit code", String(run.exitCode)],
  ];
  const reason = run.reason !== undefined && run.reason !== "" ? `<div class="reason"><b>Stopped:</b> ${esc(run.reason)}</div>` : "";
  return `<section class="card"><dl class="run">${fields.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join("")}</dl>${reason}</section>`;
}

function thresholdsSection(summary: RunSummary): string {
  if (summary.thresholds.length === 0) return `<h2>Thresholds</h2><p class="empty-note">No thresholds were set.</p>`;
  const passed = summary.thresholds.filter((t) => t.ok).length;
  const rows = summary.thresholds.map(
    (t) =>
      `<tr class="${t.ok ? "passed" : "failed"}"><td class="mark ${t.ok ? "ok" : "bad"}">${t.ok ? "✓ pass" : "✗ fail"}</td>` +
      `<td><code>${esc(t.metric)}</code></td><td><code>${esc(t.expression)}</code></td><td class="num">${esc(formatActual(t))}</td>` +
      `<td>${esc(t.source)}</td><td>${t.abortOnFail ? "yes" : "no"}</td></tr>`,
  );
  return (
    `<h2>Thresholds <small>${passed} of ${summary.thresholds.length} passed</small></h2>` +
    `<table class="thresholds"><thead><tr><th>Result</th><th>Metric</th><th>Expression</th><th class="num">Actual</th><th>Source</th><th>abortOnFail</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function chartsSection(specs: ChartSpec[]): string {
  const charts = specs.map(
    (spec) =>
      `<section class="card chart"><h3>${esc(spec.title)}</h3><div class="legend"></div>` +
      `<svg data-chart="${esc(spec.name)}" viewBox="0 0 760 260" role="img" aria-label="${esc(spec.title)}"></svg></section>`,
  );
  return `<h2>Over time</h2><div class="charts">${charts.join("")}</div>`;
}

function metricsSection(summary: RunSummary): string {
  const names = sortedMetricNames(summary);
  if (names.length === 0) return `<h2>Metrics</h2><p class="empty-note">No metrics were recorded.</p>`;
  const rows = names.map((name) => {
    const metric = summary.metrics[name]!;
    const values = metricCells(metric)
      .map(([label, value]) => `<span><b>${esc(label)}</b>${esc(value)}</span>`)
      .join("");
    return `<tr><td><code>${esc(name)}</code></td><td>${esc(metric.type)}</td><td class="values">${values}</td></tr>`;
  });
  return `<h2>Metrics</h2><table class="metrics"><thead><tr><th>Metric</th><th>Type</th><th>Values</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function errorsSection(summary: RunSummary): string {
  if (summary.errors.length === 0) return `<h2>Errors</h2><p class="empty-note">No errors.</p>`;
  const rows = [...summary.errors]
    .sort((a, b) => b.count - a.count)
    .map((e) => `<tr><td class="num">${e.count}</td><td class="mono">${esc(e.message)}</td></tr>`);
  return `<h2>Errors</h2><table class="errors"><thead><tr><th class="num">Count</th><th>Message</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The report page. */
export function toHtml(summary: RunSummary): string {
  const { run } = summary;
  const specs = chartSpecs(summary.series);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(`${run.scenario} — ${STATUS_TEXT[run.status]} — hcsynth run ${run.id}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<div><h1>${esc(run.scenario)}<small>hcsynth load run</small></h1>${run.description ? `<p class="description">${esc(run.description)}</p>` : ""}</div>
<span class="badge ${esc(run.status)}" data-status="${esc(run.status)}">${esc(STATUS_TEXT[run.status])}</span>
</header>
${runSection(summary)}
${thresholdsSection(summary)}
${chartsSection(specs)}
${metricsSection(summary)}
${errorsSection(summary)}
<footer>${esc(summary.schema)} · generated by hcsynth ${esc(run.hcsynthVersion)}</footer>
</main>
<script type="application/json" id="summary">${jsonForScript(summary)}</script>
<script type="application/json" id="charts">${jsonForScript(specs)}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
