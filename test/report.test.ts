/** The reports of a load run: junit.xml, the console table, report.html (in headless Chromium) and `hcsynth report`. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunSummary } from "../scenarios/summary.js";
import { summaryTable } from "../src/report/console-table.js";
import { toHtml } from "../src/report/html.js";
import { toJunitXml } from "../src/report/junit.js";
import { writeReports } from "../src/report/write.js";
import { hcsynth, tempDir } from "./support/cli.js";
import { emptySeriesSummary, extraColumnsSummary, failingSummary, KNOWN_COLUMNS, passingSummary } from "./support/summary-fixture.js";
import { findAll, parseXml, type XmlElement } from "./support/xml.js";

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[`);
const ANSI_CODES = new RegExp(`${ESC}\\[\\d+m`, "g");

function suiteOf(xml: string): { root: XmlElement; suite: XmlElement; cases: XmlElement[] } {
  const root = parseXml(xml);
  const suites = findAll(root, "testsuite");
  expect(suites).toHaveLength(1);
  return { root, suite: suites[0]!, cases: findAll(suites[0]!, "testcase") };
}

describe("toJunitXml", () => {
  it("has one test case per threshold and no failures when every threshold passed", () => {
    const summary = passingSummary();
    const { root, suite, cases } = suiteOf(toJunitXml(summary));
    for (const element of [root, suite]) {
      expect(element.attributes).toMatchObject({ tests: "4", failures: "0", errors: "0", time: "60.000" });
    }
    expect(suite.attributes["name"]).toBe("steady-claims");
    expect(cases.map((c) => c.attributes["name"])).toEqual([
      "upload_duration: p(95)<2000",
      "upload_duration{upload:multipart}: p(99)<5000",
      "upload_failed: rate<0.01",
      "dropped_iterations: count<50",
    ]);
    expect(new Set(cases.map((c) => c.attributes["classname"]))).toEqual(new Set(["hcsynth.thresholds"]));
    expect(findAll(suite, "failure")).toHaveLength(0);
    expect(findAll(suite, "error")).toHaveLength(0);
  });

  it("fails the thresholds that failed with their actual values, escaping <, & and \"", () => {
    const summary = failingSummary();
    const xml = toJunitXml(summary);
    expect(xml).not.toContain("<claims>");
    expect(xml).not.toContain("<837I>");
    const { suite, cases } = suiteOf(xml);
    expect(suite.attributes).toMatchObject({ name: 'mixed <claims> & "encounters"', tests: "4", failures: "3", errors: "0", time: "45.000" });
    const failures = Object.fromEntries(cases.map((c) => [c.attributes["name"], findAll(c, "failure")[0]?.attributes["message"]]));
    expect(failures).toEqual({
      "upload_duration: p(95)<2000": "upload_duration: p(95)<2000 failed: actual value 3540.25",
      "upload_failed: rate<0.01": "upload_failed: rate<0.01 failed: actual value 0.048",
      'upload_duration{format:"x12"&kind:<837I>}: p(95)<3000': 'upload_duration{format:"x12"&kind:<837I>}: p(95)<3000 failed: the metric has no samples',
      "files_uploaded: count>100": undefined,
    });
  });

  it("adds an erroring `run` test case with the reason when the run errored", () => {
    const { suite, cases } = suiteOf(toJunitXml(emptySeriesSummary()));
    expect(suite.attributes).toMatchObject({ tests: "1", failures: "0", errors: "1", time: "0.420" });
    expect(cases.map((c) => c.attributes["name"])).toEqual(["run"]);
    const error = findAll(cases[0]!, "error")[0]!;
    expect(error.attributes["type"]).toBe("error");
    expect(error.attributes["message"]).toContain('bucket "landing" does not exist <NoSuchBucket> & the run cannot go on');
    expect(error.text).toBe(error.attributes["message"]);
  });

  it("adds a failing `run` test case when the run was interrupted, and drops characters XML cannot carry", () => {
    const summary = passingSummary();
    summary.run = { ...summary.run, status: "interrupted", exitCode: 130, reason: "SIGINT\u0001 after 31 s" };
    const xml = toJunitXml(summary);
    expect(xml).not.toContain("\u0001");
    const { suite, cases } = suiteOf(xml);
    expect(suite.attributes).toMatchObject({ tests: "5", failures: "1", errors: "0" });
    const run = cases.find((c) => c.attributes["name"] === "run")!;
    expect(findAll(run, "failure")[0]!.attributes["message"]).toBe("run interrupted (exit 130): SIGINT\uFFFD after 31 s");
  });
});

describe("summaryTable", () => {
  it("prints the run line, thresholds and every metric, sorted, with units and no ANSI by default", () => {
    const summary = passingSummary();
    const table = summaryTable(summary);
    expect(table).not.toMatch(ANSI);
    expect(table).toContain("run-20251103-140000-a1b2");
    expect(table).toContain("scenario steady-claims");
    expect(table).toContain("s3://landing/load/run-20251103-140000-a1b2/ (local, http://127.0.0.1:4568)");
    expect(table).toContain("1m0.0s");
    expect(table).toContain("status passed (exit 0)");
    expect(table.match(/✓/g)).toHaveLength(4);
    expect(table).not.toContain("✗");
    const metricLines = table.split("\n").filter((l) => /^ {4}[a-z_{}:]+\.{2,}: /.test(l));
    const names = metricLines.map((l) => l.trim().split(/\.{2,}/)[0]);
    expect(names).toEqual(Object.keys(summary.metrics).sort());
    const line = (name: string): string => metricLines.find((l) => l.trim().startsWith(`${name}.`))!;
    expect(line("upload_duration")).toContain("avg=190ms min=114ms med=184.3ms max=494ms p(90)=311.6ms p(95)=342ms p(99)=418ms");
    expect(line("file_size")).toContain("avg=0.20 MB");
    // a rate: how many samples of all were true (k6's "passes"), so that 0 failed uploads never read as failures
    const failed = summary.metrics["upload_failed"]!;
    const samples = failed.type === "rate" ? failed.values.passes + failed.values.fails : -1;
    expect(samples).toBeGreaterThan(0);
    expect(line("upload_failed")).toMatch(new RegExp(`: 0% +true=0 of ${samples}$`));
    expect(line("in_flight")).toMatch(/: 7 +min=0 +max=14/);
    expect(line("files_uploaded")).toMatch(/: \d+ +rate=[\d.]+\/s/);
    expect(line("bytes_uploaded")).toMatch(/: [\d.]+ MB +rate=[\d.]+ MB\/s/);
  });

  it("marks failed thresholds ✗ with their actual value, lists errors, and colours only when asked", () => {
    const summary = failingSummary();
    const table = summaryTable(summary, { color: false });
    expect(table.match(/✗/g)).toHaveLength(3);
    expect(table).toMatch(/✗ upload_failed: rate<0\.01 +actual 0\.048/);
    expect(table).toMatch(/✗ upload_duration\{format:"x12"&kind:<837I>\}: p\(95\)<3000 +actual no samples/);
    expect(table).toContain("status thresholds failed (exit 99)");
    expect(table).toMatch(/97 {2}PutObject landing/);
    const colored = summaryTable(summary, { color: true });
    expect(colored).toMatch(ANSI);
    expect(colored.replace(ANSI_CODES, "")).toBe(table);
  });

  it("never prints credentials from the target endpoint", () => {
    const summary = passingSummary();
    summary.run.target = { kind: "local", bucket: "landing", prefix: "p/", endpoint: "http://admin:hunter2secret@127.0.0.1:4568" };
    const table = summaryTable(summary);
    expect(table).not.toContain("hunter2secret");
    expect(table).toContain("http://***@127.0.0.1:4568");
  });
});

describe("writeReports", () => {
  it("writes summary.json, junit.xml and report.html into a new directory, leaving no .partial files", async () => {
    const summary = failingSummary();
    const dir = join(tempDir("hcsynth-report-"), "a", "b");
    const paths = await writeReports(summary, dir);
    expect(paths).toEqual({ summaryJson: join(dir, "summary.json"), junitXml: join(dir, "junit.xml"), reportHtml: join(dir, "report.html") });
    expect(readdirSync(dir).sort()).toEqual(["junit.xml", "report.html", "summary.json"]);
    expect(readFileSync(paths.summaryJson, "utf8")).toBe(JSON.stringify(summary, null, 2) + "\n");
    expect(readFileSync(paths.junitXml, "utf8")).toBe(toJunitXml(summary));
    expect(readFileSync(paths.reportHtml, "utf8")).toBe(toHtml(summary));
  });
});

/** The number of points and of separate runs (`M` commands) a column should draw. */
function expectedPoints(summary: RunSummary, column: string): { points: number; runs: number } {
  const index = summary.series.columns.indexOf(column);
  const present = summary.series.rows.map((r) => typeof r[index] === "number");
  return { points: present.filter(Boolean).length, runs: present.filter((p, i) => p && !present[i - 1]).length };
}

const WELL_KNOWN_CHARTS: Record<string, string[]> = {
  throughput: ["bytes", "files"],
  latency: ["upload_p50", "upload_p95", "upload_p99"],
  failures: ["failures", "dropped"],
  in_flight: ["in_flight"],
  resources: ["cpu", "rss_mb"],
};

/** What the tests read from the page, as browser code (the project's TypeScript has no DOM types). */
const READ_PAGE = `(() => {
  const charts = {};
  for (const svg of document.querySelectorAll("svg[data-chart]")) {
    const paths = {};
    for (const path of svg.querySelectorAll("path[data-series]")) paths[path.getAttribute("data-series")] = path.getAttribute("d") ?? "";
    charts[svg.getAttribute("data-chart")] = { paths, noData: [...svg.querySelectorAll("text.no-data")].some((t) => t.textContent === "no data") };
  }
  return {
    charts,
    status: document.querySelector(".badge")?.getAttribute("data-status") ?? null,
    heading: document.querySelector("h1")?.firstChild?.textContent ?? null,
    thresholdRows: [...document.querySelectorAll("table.thresholds tbody tr")].map((tr) => ({ result: tr.children[0].textContent, metric: tr.children[1].textContent })),
    embedded: JSON.parse(document.getElementById("summary").textContent),
    injected: window.injected ?? null,
  };
})()`;

const READ_TOOLTIP = `(chart) => {
  const tip = document.querySelector('svg[data-chart="' + chart + '"]').closest(".chart").querySelector(".tip");
  return tip.hidden ? "(hidden)" : tip.textContent;
}`;

interface PageReport {
  problems: string[];
  requests: string[];
  charts: Record<string, { paths: Record<string, string>; noData: boolean }>;
  status: string | null;
  heading: string | null;
  thresholdRows: { result: string; metric: string }[];
  embedded: unknown;
  injected: unknown;
}

describe("report.html in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless=new"] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  }, 60_000);

  async function open(summary: RunSummary, hover?: string): Promise<PageReport & { tooltip?: string }> {
    const dir = tempDir("hcsynth-report-html-");
    const { reportHtml } = await writeReports(summary, dir);
    const url = pathToFileURL(reportHtml).href;
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (error) => problems.push(`pageerror: ${String(error)}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
    page.on("request", (request) => requests.push(request.url()));
    try {
      await page.goto(url, { waitUntil: "load" });
      const report = (await page.evaluate(READ_PAGE)) as Omit<PageReport, "problems" | "requests">;
      let tooltip: string | undefined;
      if (hover) {
        await (await page.$(`svg[data-chart="${hover}"] .overlay`))!.hover();
        tooltip = (await page.evaluate(`(${READ_TOOLTIP})(${JSON.stringify(hover)})`)) as string;
      }
      return { ...report, problems, requests: requests.filter((r) => r !== url), tooltip };
    } finally {
      await page.close();
    }
  }

  function expectLinesMatchSeries(report: PageReport, summary: RunSummary, chart: string, columns: string[]): void {
    expect(Object.keys(report.charts), `chart ${chart}`).toContain(chart);
    const { paths, noData } = report.charts[chart]!;
    expect(noData).toBe(false);
    for (const column of columns) {
      const d = paths[column];
      expect(d, `${chart} path ${column}`).toBeTruthy();
      const { points, runs } = expectedPoints(summary, column);
      expect(d!.match(/[ML]/g), `${chart}/${column} points`).toHaveLength(points);
      expect(d!.match(/M/g), `${chart}/${column} runs`).toHaveLength(runs);
      expect(d).not.toMatch(/NaN|Infinity/);
    }
  }

  it("draws every well-known chart from 60 s of series, with gaps where uploads paused, and loads nothing", async () => {
    const summary = passingSummary();
    const report = await open(summary, "throughput");
    expect(report.problems).toEqual([]);
    expect(report.requests).toEqual([]);
    expect(report.status).toBe("passed");
    expect(report.heading).toBe("steady-claims");
    expect(summary.series.rows).toHaveLength(60);
    for (const [chart, columns] of Object.entries(WELL_KNOWN_CHARTS)) expectLinesMatchSeries(report, summary, chart, columns);
    // the second with no uploads (and the first) break the latency lines in two
    expect(expectedPoints(summary, "upload_p95")).toEqual({ points: 58, runs: 2 });
    expect(report.tooltip).toMatch(/MB\/s: [\d.]+/);
    expect(report.tooltip).toMatch(/files\/s: \d+/);
  }, 60_000);

  it("shows failed thresholds, escapes what the summary says, and keeps </script> in the embedded JSON inert", async () => {
    const summary = failingSummary();
    summary.errors.push({ message: "body: </script><script>window.injected = 1</script><!--", count: 1 });
    const report = await open(summary);
    expect(report.problems).toEqual([]);
    expect(report.requests).toEqual([]);
    expect(report.injected).toBeNull();
    expect(report.embedded).toEqual(summary);
    expect(report.status).toBe("thresholds-failed");
    expect(report.heading).toBe('mixed <claims> & "encounters"');
    expect(report.thresholdRows.map((r) => r.result)).toEqual(["✗ fail", "✗ fail", "✗ fail", "✓ pass"]);
    expect(report.thresholdRows[2]!.metric).toBe('upload_duration{format:"x12"&kind:<837I>}');
    expectLinesMatchSeries(report, summary, "latency", ["upload_p50", "upload_p95", "upload_p99"]);
    expectLinesMatchSeries(report, summary, "failures", ["failures", "dropped"]);
  }, 60_000);

  it("says 'no data' in every chart of a run without series rows, without errors", async () => {
    const summary = emptySeriesSummary();
    const report = await open(summary);
    expect(report.problems).toEqual([]);
    expect(report.requests).toEqual([]);
    expect(report.status).toBe("error");
    expect(Object.keys(report.charts).sort()).toEqual(Object.keys(WELL_KNOWN_CHARTS).sort());
    for (const chart of Object.values(report.charts)) {
      expect(chart.noData).toBe(true);
      expect(chart.paths).toEqual({});
    }
  }, 60_000);

  it("charts series columns it does not know: landed_p50/landed_p95 together, query_p99 alone", async () => {
    const summary = extraColumnsSummary();
    expect(summary.series.columns).toEqual([...KNOWN_COLUMNS, "landed_p50", "landed_p95", "query_p99"]);
    const report = await open(summary, "landed");
    expect(report.problems).toEqual([]);
    expect(report.requests).toEqual([]);
    for (const [chart, columns] of Object.entries(WELL_KNOWN_CHARTS)) expectLinesMatchSeries(report, summary, chart, columns);
    expectLinesMatchSeries(report, summary, "landed", ["landed_p50", "landed_p95"]);
    expectLinesMatchSeries(report, summary, "query", ["query_p99"]);
    expect(report.tooltip).toMatch(/p95: \d+/);
  }, 60_000);

  it("draws a chart of one second, and a column that is null throughout as 'no data'", async () => {
    const summary = passingSummary();
    summary.series = { ...summary.series, rows: [summary.series.rows[5]!.map((v, i) => (summary.series.columns[i]!.startsWith("upload_p") ? null : v))] };
    const report = await open(summary);
    expect(report.problems).toEqual([]);
    expectLinesMatchSeries(report, summary, "throughput", ["bytes", "files"]);
    expect(report.charts["latency"]).toEqual({ paths: {}, noData: true });
  }, 60_000);
});

describe("hcsynth report (CLI)", () => {
  function summaryFile(summary: unknown, text?: string): { dir: string; file: string } {
    const dir = tempDir("hcsynth-report-cli-");
    const file = join(dir, "summary.json");
    writeFileSync(file, text ?? JSON.stringify(summary, null, 2));
    return { dir, file };
  }

  it("renders junit.xml and report.html next to the summary and prints the table", () => {
    const summary = failingSummary();
    const { dir, file } = summaryFile(summary);
    const r = hcsynth(["report", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(summaryTable(summary));
    expect(r.stdout).not.toMatch(ANSI);
    expect(readFileSync(join(dir, "junit.xml"), "utf8")).toBe(toJunitXml(summary));
    expect(readFileSync(join(dir, "report.html"), "utf8")).toBe(toHtml(summary));
    expect(readdirSync(dir).sort()).toEqual(["junit.xml", "report.html", "summary.json"]);
  });

  it("writes to --out, creating it", () => {
    const summary = passingSummary();
    const { dir, file } = summaryFile(summary);
    const out = join(dir, "reports", "run1");
    const r = hcsynth(["report", file, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, "junit.xml"), "utf8")).toBe(toJunitXml(summary));
    expect(existsSync(join(out, "report.html"))).toBe(true);
    expect(existsSync(join(dir, "junit.xml"))).toBe(false);
  });

  const bad: [string, (dir: string) => string, RegExp][] = [
    ["a file that does not exist", (dir) => join(dir, "missing.json"), /missing\.json: cannot be read \(ENOENT\)$/],
    ["a directory", (dir) => dir, /: cannot be read \(EISDIR\)$/],
    ["a file that is not JSON", () => summaryFile(undefined, "{ not json").file, /summary\.json: is not valid JSON \(/],
    ["another schema", () => summaryFile({ ...passingSummary(), schema: "hcsynth.run-summary/0" }).file, /not a run summary: has schema "hcsynth\.run-summary\/0", expected "hcsynth\.run-summary\/1"$/],
    ["no schema at all", () => summaryFile({ metrics: {} }).file, /not a run summary: has schema \(none\), expected "hcsynth\.run-summary\/1"$/],
    ["a summary without thresholds", () => summaryFile({ ...passingSummary(), thresholds: undefined }).file, /not a run summary: thresholds is not a list$/],
  ];
  it.each(bad)("refuses %s with one line on stderr and exit code 1", (_, path, message) => {
    const dir = tempDir("hcsynth-report-bad-");
    const r = hcsynth(["report", path(dir), "--out", join(dir, "out")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hcsynth: /);
    expect(lines[0]).toMatch(message);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
