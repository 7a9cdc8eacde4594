/**
 * The landed and query observers in a run: against the real local stack (the reference pipeline
 * loading into FerretDB), and against an unreachable database (errors counted, the run goes on and
 * ends by its drain deadline).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricSummary, RunSummary } from "../scenarios/index.js";
import { uploadTimeOf } from "../src/observe/observer.js";
import { freePort } from "../src/stack/ferretdb.js";
import { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, startLocalS3, type LocalS3 } from "../src/stack/s3-server.js";
import { hcsynth, tempDir } from "./support/cli.js";
import { startCli } from "./support/cli-async.js";

const summaryOf = (dir: string): RunSummary => JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as RunSummary;
const count = (m: MetricSummary | undefined): number => (m?.type === "counter" ? m.values.count : m?.type === "trend" ? m.count : m?.type === "rate" ? m.values.passes + m.values.fails : 0);

describe("an object's upload time, for hcsynth observe", () => {
  const lastModified = new Date("2026-01-01T00:00:05.000Z");
  const at = lastModified.getTime();
  it("is the later of the start its metadata records and its LastModified", () => {
    // a small file: LastModified is truncated to its second, the recorded start is the better bound
    expect(uploadTimeOf({ "hcsynth-upload-started": String(at + 730) }, lastModified)).toBe(at + 730);
    // a long multipart upload: its start is older than LastModified
    expect(uploadTimeOf({ "hcsynth-upload-started": String(at - 4000) }, lastModified)).toBe(at);
  });
  it("falls back to whichever is known", () => {
    expect(uploadTimeOf({}, lastModified)).toBe(at);
    expect(uploadTimeOf({ "hcsynth-upload-started": "not a number" }, lastModified)).toBe(at);
    expect(uploadTimeOf({ "hcsynth-upload-started": String(at + 12) }, undefined)).toBe(at + 12);
  });
});

describe("observers against the local stack", () => {
  let stackDir: string;
  beforeAll(() => {
    stackDir = join(tempDir("hcsynth-observers-"), "stack");
    const up = hcsynth(["stack", "up", "--detach", "--dir", stackDir, "--max-concurrent-runs", "2"]);
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(() => {
    hcsynth(["stack", "down", "--dir", stackDir]);
  });

  it("query-under-load: reference data first, every file's records land, the query mix runs on uploaded records", () => {
    const out = tempDir();
    const r = hcsynth(["run", "query-under-load", "--target", "local", "--stack-dir", stackDir, "--duration", "8s", "--drain", "90s", "--out", out]);
    expect([0, 99], r.stderr).toContain(r.code);
    expect(r.stderr).toContain("reference data queryable: 3000 of 3000 members, 300 of 300 providers");
    const s = summaryOf(out);
    const m = s.metrics;
    const uploads = count(m["uploads"]);
    expect(uploads).toBe(4);
    // every uploaded file fully landed, each with one latency sample
    const ratio = m["landed_ratio"];
    expect(ratio?.type === "rate" && ratio.values).toEqual({ rate: 1, passes: uploads, fails: 0 });
    expect(count(m["landed_latency"])).toBe(uploads);
    expect(m["landed_latency{kind:claims}"]).toMatchObject({ type: "trend", count: uploads });
    // the queries ran (member and claim lookups at 1/s for the run and its drain)
    expect(count(m["query_duration{query:member_by_id}"]) + count(m["query_failed{query:member_by_id}"])).toBeGreaterThan(0);
    expect(count(m["query_failed"])).toBeGreaterThan(0);
    expect(s.thresholds.map((t) => t.metric)).toEqual(expect.arrayContaining(["landed_ratio", "landed_latency", "query_duration{query:member_by_id}"]));
    expect(s.series.columns).toEqual(expect.arrayContaining(["landed_p95", "landed_files"]));
    // the Glue observer read the stack's etl_job_runs: one successful run per file, with queue delays and durations
    expect(count(m["glue_runs{state:SUCCEEDED}"])).toBe(uploads);
    expect(count(m["glue_queue_delay"])).toBe(uploads);
    expect(count(m["glue_run_duration"])).toBe(uploads);
    const failed = m["glue_runs_failed"];
    expect(failed?.type === "rate" && failed.values.rate).toBe(0);
  });

  it("hcsynth observe: after a run made without observers, finds its objects and merges Glue and landed results into its report", () => {
    const out = tempDir();
    const run = hcsynth(["run", "smoke", "--target", "local", "--stack-dir", stackDir, "--duration", "2s", "--observe", "none", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    const before = summaryOf(out);
    expect(before.metrics["glue_runs"]).toBeUndefined();
    const r = hcsynth(["observe", "--run", before.run.id, "--summary", join(out, "summary.json"), "--stack-dir", stackDir, "--observe", "glue,landed", "--drain", "10s"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`run ${before.run.id}: 4 files found`);
    const after = summaryOf(out);
    // the run's own numbers are kept; the observers' are added (smoke has no reference data: claims of members not loaded never land, so the drain ends it)
    expect(after.metrics["uploads"]).toEqual(before.metrics["uploads"]);
    expect(count(after.metrics["glue_runs"])).toBe(4);
    expect(count(after.metrics["glue_queue_delay"])).toBe(4);
    const landed = after.metrics["landed_ratio"];
    expect(landed?.type === "rate" && landed.values.passes + landed.values.fails).toBe(4);
    expect(after.series.columns).toEqual(expect.arrayContaining([...before.series.columns, "glue_waiting"]));
    expect(after.series.rows.every((row) => row.length === after.series.columns.length)).toBe(true);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("glue_queue_delay");
  });

  it("hcsynth observe: a run with record defects lands what the ground truth says a pipeline loads, regenerated from the seed", () => {
    const dir = tempDir();
    const base = JSON.parse(hcsynth(["scenarios", "show", "smoke"]).stdout) as Record<string, unknown>;
    const scenario = join(dir, "defective-members.json");
    writeFileSync(
      scenario,
      JSON.stringify({
        ...base,
        name: "defective-members",
        data: { seed: 12, files: [{ kind: "eligibility", format: "csv", weight: 1 }], recordsPerFile: 300, defectRate: 0.2, defects: "all" },
        load: { executor: "constant-arrival-rate", rate: 1, timeUnit: "1s", duration: "3s" },
        thresholds: {},
      }),
    );
    const out = join(dir, "out");
    const run = hcsynth(["run", scenario, "--target", "local", "--stack-dir", stackDir, "--observe", "none", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    const before = summaryOf(out);
    const uploads = count(before.metrics["uploads"]);
    expect(uploads).toBeGreaterThan(0);
    const r = hcsynth(["observe", "--run", before.run.id, "--summary", join(out, "summary.json"), "--stack-dir", stackDir, "--observe", "landed", "--drain", "30s"]);
    expect(r.code, r.stderr).toBe(0);
    const after = summaryOf(out);
    // every file reaches the count of records a correct pipeline loads (fewer than it holds: some are
    // rejected), and no file has more than that: expecting every record would never be reached
    const landed = after.metrics["landed_ratio"];
    expect(landed?.type === "rate" && landed.values).toEqual({ rate: 1, passes: uploads, fails: 0 });
    expect(count(after.metrics["landed_duplicates"])).toBe(0);
  });

  it("hcsynth observe refuses a summary of another run, in one line", () => {
    const out = tempDir();
    const run = hcsynth(["run", "smoke", "--target", "local", "--stack-dir", stackDir, "--duration", "1s", "--observe", "none", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    const r = hcsynth(["observe", "--run", "some-other-run", "--summary", join(out, "summary.json"), "--stack-dir", stackDir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^hcsynth: .*summary\.json: is the summary of run smoke-\S+, not some-other-run$/);
  });

  it("a Glue concurrency limit and start-up time make runs queue, and the queue shows in the metrics", async () => {
    const dir = join(tempDir("hcsynth-observers-queue-"), "stack");
    const up = hcsynth(["stack", "up", "--detach", "--dir", dir, "--max-concurrent-runs", "1", "--glue-startup-ms", "400"]);
    expect(up.code, up.stderr).toBe(0);
    try {
      const out = tempDir();
      const r = hcsynth(["run", "smoke", "--target", "local", "--stack-dir", dir, "--duration", "3s", "--rate", "4", "--observe", "glue", "--drain", "60s", "--out", out]);
      expect(r.code, r.stderr).toBe(0);
      const m = summaryOf(out).metrics;
      expect(count(m["glue_runs{state:SUCCEEDED}"]) + count(m["glue_runs{state:FAILED}"])).toBe(12);
      const queue = m["glue_queue_delay"];
      // one run at a time, each at least 400 ms: twelve files arriving in 3 s wait for each other
      expect(queue?.type === "trend" && queue.values.max).toBeGreaterThan(2000);
      const waiting = m["glue_runs_waiting"];
      expect(waiting?.type === "gauge" && waiting.values.max).toBeGreaterThan(0);
    } finally {
      hcsynth(["stack", "down", "--dir", dir]);
    }
  });
});

describe("a local stack started by the run", () => {
  it("takes --max-concurrent-runs and --glue-startup-ms, so a burst queues", () => {
    const dir = join(tempDir("hcsynth-observers-own-"), "stack");
    const out = tempDir();
    const r = hcsynth(["run", "smoke", "--target", "local", "--stack-dir", dir, "--duration", "2s", "--rate", "4", "--observe", "glue", "--max-concurrent-runs", "1", "--glue-startup-ms", "400", "--drain", "60s", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("starting one for this command");
    const m = summaryOf(out).metrics;
    expect(count(m["glue_runs"])).toBe(8);
    const queue = m["glue_queue_delay"];
    // one run at a time, each at least 400 ms: eight files in 2 s wait for each other
    expect(queue?.type === "trend" && queue.values.max).toBeGreaterThan(1500);
  });
});

describe("observers against an unreachable database", () => {
  let server: LocalS3;
  beforeAll(async () => {
    server = await startLocalS3({ directory: tempDir("hcsynth-observers-s3-"), onEvent: () => undefined });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("counts observer errors and ends by the drain deadline, the uploads unaffected", async () => {
    const out = tempDir();
    const port = await freePort();
    const r = await startCli(
      ["run", "smoke", "--target", "aws", "--endpoint", server.endpoint, "--bucket", "landing", "--allow-bucket", "landing", "--duration", "3s", "--observe", "landed,queries", "--mongo-url", `mongodb://u:secret-pw@127.0.0.1:${port}/qa_db`, "--allow-db", "qa_*", "--drain", "3s", "--out", out],
      { env: { AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY, AWS_REGION: "us-east-1" } },
    ).done;
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(out);
    expect(count(s.metrics["uploads"])).toBe(6);
    expect(count(s.metrics["observer_errors"])).toBeGreaterThan(0);
    const ratio = s.metrics["landed_ratio"];
    expect(ratio?.type === "rate" && ratio.values.fails).toBe(6);
    expect(s.errors.some((e) => e.message.startsWith("observer landed:"))).toBe(true);
    expect(JSON.stringify(s) + r.stderr + r.stdout).not.toContain("secret-pw");
  });

  it("refuses to observe a database outside the allow-list", async () => {
    const r = await startCli(
      ["run", "smoke", "--target", "aws", "--endpoint", server.endpoint, "--bucket", "landing", "--allow-bucket", "landing", "--duration", "1s", "--observe", "landed", "--mongo-url", "mongodb://127.0.0.1:1/prod", "--out", tempDir()],
      { env: { AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY, AWS_REGION: "us-east-1" } },
    ).done;
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^hcsynth: database "prod" is not in the allow-list/);
  });
});
