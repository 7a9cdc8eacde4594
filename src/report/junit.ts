/**
 * The run as a JUnit XML report, for CI: one test suite (the scenario), one test case per threshold,
 * and a test case `run` when the run did not end on its own (error → <error>, interrupted → <failure>).
 */
import type { RunSummary, ThresholdResult } from "../../scenarios/summary.js";
import { escapeXml } from "./escape.js";
import { formatActual, thresholdFailure, thresholdName } from "./format.js";

const THRESHOLD_CLASS = "hcsynth.thresholds";
const RUN_CLASS = "hcsynth.run";

function thresholdCase(t: ThresholdResult): string {
  const open = `    <testcase name="${escapeXml(thresholdName(t))}" classname="${THRESHOLD_CLASS}" time="0">`;
  const props = `      <system-out>${escapeXml(`actual: ${formatActual(t)}; source: ${t.source}; abortOnFail: ${t.abortOnFail}`)}</system-out>`;
  if (t.ok) return [open, props, "    </testcase>"].join("\n");
  const message = thresholdFailure(t);
  return [open, `      <failure message="${escapeXml(message)}" type="threshold">${escapeXml(message)}</failure>`, props, "    </testcase>"].join("\n");
}

/** The `run` test case of a run that errored or was interrupted; none otherwise. */
function runCase(summary: RunSummary): { xml: string; failures: number; errors: number } | undefined {
  const { status, reason, exitCode } = summary.run;
  if (status !== "error" && status !== "interrupted") return undefined;
  const element = status === "error" ? "error" : "failure";
  const message = `run ${status === "error" ? "failed" : "interrupted"} (exit ${exitCode}): ${reason ?? "no reason given"}`;
  const xml = [
    `    <testcase name="run" classname="${RUN_CLASS}" time="${seconds(summary.run.durationMs)}">`,
    `      <${element} message="${escapeXml(message)}" type="${status}">${escapeXml(message)}</${element}>`,
    "    </testcase>",
  ].join("\n");
  return { xml, failures: element === "failure" ? 1 : 0, errors: element === "error" ? 1 : 0 };
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** The JUnit XML document (`<testsuites>` holding one `<testsuite>`). */
export function toJunitXml(summary: RunSummary): string {
  const run = runCase(summary);
  const tests = summary.thresholds.length + (run ? 1 : 0);
  const failures = summary.thresholds.filter((t) => !t.ok).length + (run?.failures ?? 0);
  const errors = run?.errors ?? 0;
  const time = seconds(summary.run.durationMs);
  const counts = `tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${time}"`;
  const properties: [string, string][] = [
    ["run.id", summary.run.id],
    ["run.status", summary.run.status],
    ["run.exitCode", String(summary.run.exitCode)],
    ["run.executor", summary.run.executor],
    ["run.seed", String(summary.run.seed)],
    ["hcsynth.version", summary.run.hcsynthVersion],
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hcsynth" ${counts}>`,
    `  <testsuite name="${escapeXml(summary.run.scenario)}" id="${escapeXml(summary.run.id)}" timestamp="${escapeXml(summary.run.startedAt)}" ${counts}>`,
    "    <properties>",
    ...properties.map(([name, value]) => `      <property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`),
    "    </properties>",
    ...summary.thresholds.map(thresholdCase),
    ...(run ? [run.xml] : []),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
