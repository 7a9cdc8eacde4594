/**
 * The Glue observer against real back ends on loopback:
 * - AWS Glue's API as moto's server emulates it (a child process; `moto[server]` from PyPI). moto
 *   moves job runs STARTING → RUNNING → SUCCEEDED through its state manager: by default a run is
 *   SUCCEEDED the first time it is read; with the "manual" progression set here (times: 2) a run moves
 *   one state every second time GetJobRuns lists it, so the observer's own polls drive it. moto sets
 *   StartedOn = CompletedOn = the StartJobRun time and ExecutionTime = 123 s, never fails a run, and
 *   lists runs oldest first;
 * - the local stack's etl_job_runs (FerretDB as a child process), with one run at a time and a Glue
 *   start-up delay so files queue, and a hostile file whose run fails.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { CreateJobCommand, GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObserverContext, UploadedFile } from "../src/observe/observer.js";
import { AwsGlueRunSource } from "../src/observe/glue/aws-source.js";
import { GlueObserver } from "../src/observe/glue/glue-observer.js";
import { LocalGlueRunSource } from "../src/observe/glue/local-source.js";
import { GLUE_METRICS } from "../src/observe/glue/metrics.js";
import { MetricsRegistry } from "../src/run/metrics.js";
import { SeriesRecorder } from "../src/run/series.js";
import { makeS3Client } from "../src/s3/client.js";
import { ensureFerretDb } from "../src/stack/ferretdb.js";
import { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY } from "../src/stack/s3-server.js";
import { startStack, type RunningStack } from "../src/stack/stack.js";
import { hcsynth, tempDir } from "./support/cli.js";

const REGION = "us-east-1";
const SECRET = "testing-secret-key";

interface Recorded {
  ctx: ObserverContext;
  metrics: MetricsRegistry;
  series: SeriesRecorder;
  errors: string[];
  logs: string[];
  startMs: number;
}

function context(): Recorded {
  // the series runs on performance.now(); the uploads and Glue times are wall-clock
  const startMs = Date.now();
  const metrics = new MetricsRegistry(GLUE_METRICS);
  const series = new SeriesRecorder(performance.now());
  const errors: string[] = [];
  const logs: string[] = [];
  return { ctx: { metrics, series, error: (_o, m) => errors.push(m), log: (l) => logs.push(l) }, metrics, series, errors, logs, startMs };
}

function upload(key: string, kind: string, uploadedAt = Date.now(), i = 0): UploadedFile {
  return { bucket: "landing", key, uploadedAt, kind, format: "csv", records: 10, expectedLoaded: 10, fileId: key, iteration: i };
}

function summary(r: Recorded): Record<string, { type: string; values: Record<string, number>; count?: number }> {
  return r.metrics.summary(Date.now() - r.startMs) as Record<string, { type: string; values: Record<string, number>; count?: number }>;
}

/** The largest value a series column took (null when it never had one). */
function columnMax(r: Recorded, column: string): number | null {
  const t = r.series.snapshot(performance.now());
  const c = t.columns.indexOf(column);
  if (c < 0) return null;
  const values = t.rows.map((row) => row[c]).filter((v): v is number => typeof v === "number");
  return values.length ? Math.max(...values) : null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Polls until `check` holds, with a deadline (a readiness check, not a fixed sleep). */
async function until(check: () => boolean | Promise<boolean>, what: string, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("AWS back end (moto's Glue API)", () => {
  let moto: ChildProcess;
  let endpoint: string;
  let glue: GlueClient;
  let motoLog = "";

  beforeAll(async () => {
    process.env["AWS_ACCESS_KEY_ID"] = "testing";
    process.env["AWS_SECRET_ACCESS_KEY"] = SECRET;
    process.env["AWS_REGION"] = REGION;
    process.env["AWS_EC2_METADATA_DISABLED"] = "true";
    delete process.env["AWS_PROFILE"];
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    const hasServer = spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0;
    const [cmd, args] = hasServer ? ["moto_server", ["-H", "127.0.0.1", "-p", String(port)]] : ["python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)]];
    moto = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    moto.stdout!.on("data", (d: Buffer) => (motoLog += d.toString()));
    moto.stderr!.on("data", (d: Buffer) => (motoLog = (motoLog + d.toString()).slice(-4000)));
    let exited = false;
    moto.on("exit", () => (exited = true));
    await until(async () => {
      if (exited) throw new Error(`moto_server exited: ${motoLog}`);
      try {
        return (await fetch(`${endpoint}/moto-api/state-manager/get-transition?model_name=glue::job_run`)).ok;
      } catch {
        return false;
      }
    }, "moto_server to answer");
    // one state per two listings, so the observer sees STARTING and RUNNING before SUCCEEDED
    const set = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, { method: "POST", body: JSON.stringify({ model_name: "glue::job_run", transition: { progression: "manual", times: 2 } }) });
    expect(set.status).toBe(201);
    glue = new GlueClient({ region: REGION, endpoint });
  });

  afterAll(() => {
    glue?.destroy();
    moto?.kill("SIGTERM");
  });

  async function createJob(name: string): Promise<void> {
    await glue.send(new CreateJobCommand({ Name: name, Role: "arn:aws:iam::123456789012:role/glue", Command: { Name: "glueetl", ScriptLocation: "s3://scripts/etl.py" }, ExecutionProperty: { MaxConcurrentRuns: 50 } }));
  }

  async function startRun(job: string, key: string | null): Promise<string> {
    const r = await glue.send(new StartJobRunCommand({ JobName: job, Arguments: key === null ? { "--other": "x" } : { "--s3_bucket": "landing", "--s3_key": key } }));
    return r.JobRunId!;
  }

  it("ties runs to uploads by --s3_key, through pages, and records queue delays, durations and final states", async () => {
    const job = "claims-etl";
    await createJob(job);
    const source = new AwsGlueRunSource({ jobName: job, region: REGION, endpoint, pageSize: 2, since: new Date(Date.now() - 60_000) });
    expect(source.describe()).toBe(`AWS Glue job ${job} (${REGION}, ${endpoint})`);
    const r = context();
    const observer = new GlueObserver({ source, pollMs: 100, requestTimeoutMs: 5000 });
    await observer.start(r.ctx);
    // a run of some other file: the job's, not the run's
    await startRun(job, "elsewhere/not-ours.csv");
    const files = ["claims/a.csv", "claims/b.csv", "claims/c.csv", "providers/p.csv", "providers/q.csv"];
    for (const [i, key] of files.entries()) {
      observer.onUpload(upload(key, key.split("/")[0]!, Date.now(), i));
      await startRun(job, key);
    }
    // the series holds the last poll of each second: look while the runs are in progress
    await until(() => (columnMax(r, "glue_running") ?? 0) > 0, "a poll that saw runs in progress", 10_000);
    await observer.stop(Date.now() + 30_000);
    expect(r.errors).toEqual([]);
    expect(observer.progress()).toEqual({ uploads: 5, matched: 5, finished: 5 });
    // paging: six runs, three pages of two
    const listed = await source.listRuns();
    expect(new Set(listed.map((x) => x.id)).size).toBe(6);
    expect(listed.every((x) => x.state === "SUCCEEDED")).toBe(true);
    expect(listed.find((x) => x.s3Key === "claims/a.csv")).toMatchObject({ executionTimeSeconds: 123, errorMessage: null });
    const s = summary(r);
    expect(s["glue_runs"]!.values["count"]).toBe(5);
    expect(s["glue_runs{state:SUCCEEDED}"]!.values["count"]).toBe(5);
    expect(s["glue_runs{kind:claims}"]!.values["count"]).toBe(3);
    expect(s["glue_runs{kind:providers}"]!.values["count"]).toBe(2);
    expect(s["glue_queue_delay"]!.count).toBe(5);
    expect(s["glue_queue_delay"]!.values["min"]).toBeGreaterThanOrEqual(0);
    expect(s["glue_queue_delay"]!.values["max"]).toBeLessThan(10_000);
    expect(s["glue_run_duration"]!.count).toBe(5);
    expect(s["glue_run_duration"]!.values["max"]).toBeLessThan(1000); // moto: CompletedOn = StartedOn
    expect(s["glue_execution_time"]!.values["min"]).toBe(123_000);
    expect(s["glue_execution_time"]!.values["max"]).toBe(123_000);
    expect(s["glue_runs_failed"]!.values).toMatchObject({ rate: 0, passes: 0, fails: 5 });
    expect(s["glue_runs_waiting"]!.values["max"]).toBe(0);
    expect(columnMax(r, "glue_waiting")).toBe(0);
    expect(columnMax(r, "glue_queue_p99")).not.toBeNull();
    source.close();
  });

  it("ties key-less runs to uploads by time: each run to the oldest upload completed before it started", async () => {
    const job = "keyless-etl";
    await createJob(job);
    const source = new AwsGlueRunSource({ jobName: job, region: REGION, endpoint });
    const r = context();
    const observer = new GlueObserver({ source, pollMs: 100 });
    // a run before any upload: not the run's
    await startRun(job, null);
    const [early] = await source.listRuns();
    await until(() => Date.now() > early!.startedOn!, "the clock to pass the early run's start");
    await observer.start(r.ctx);
    observer.onUpload(upload("x/claims-1.csv", "claims", Date.now(), 0));
    await startRun(job, null);
    observer.onUpload(upload("x/providers-1.csv", "providers", Date.now(), 1));
    await startRun(job, null);
    observer.onUpload(upload("x/encounters-1.csv", "encounters", Date.now(), 2));
    await startRun(job, null);
    await observer.stop(Date.now() + 30_000);
    expect(r.errors).toEqual([]);
    expect(observer.progress()).toEqual({ uploads: 3, matched: 3, finished: 3 });
    const s = summary(r);
    expect(s["glue_runs{state:SUCCEEDED}"]!.values["count"]).toBe(3);
    for (const kind of ["claims", "providers", "encounters"]) expect(s[`glue_queue_delay{kind:${kind}}`]!.count, kind).toBe(1);
    expect(s["glue_queue_delay"]!.values["min"]).toBeGreaterThanOrEqual(0);
    source.close();
  });

  it("leaves out runs older than `since`", async () => {
    const job = "since-etl";
    await createJob(job);
    await startRun(job, "old.csv");
    const all = new AwsGlueRunSource({ jobName: job, region: REGION, endpoint, pageSize: 1 });
    const later = new AwsGlueRunSource({ jobName: job, region: REGION, endpoint, pageSize: 1, since: new Date(Date.now() + 60_000) });
    expect(await all.listRuns()).toHaveLength(1);
    expect(await later.listRuns()).toEqual([]);
    all.close();
    later.close();
  });

  it("counts an unreachable or silent Glue API as observer errors, keeps polling and stops by its deadline", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    // a server that accepts connections and never answers: only the request timeout ends a poll
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      for (const url of [closed, silentUrl]) {
        const source = new AwsGlueRunSource({ jobName: "any", region: REGION, endpoint: url, maxAttempts: 1 });
        const r = context();
        const observer = new GlueObserver({ source, pollMs: 50, requestTimeoutMs: 300 });
        await observer.start(r.ctx);
        observer.onUpload(upload("k.csv", "claims"));
        await until(() => r.errors.length >= 3, `three failed polls of ${url}`, 15_000);
        const t0 = Date.now();
        await observer.stop(t0 + 700);
        const took = Date.now() - t0;
        expect(took, url).toBeLessThan(2000);
        expect(observer.progress()).toEqual({ uploads: 1, matched: 0, finished: 0 });
        expect(r.errors.every((e) => e.startsWith(`AWS Glue job any (${REGION}, ${url}): `)), r.errors.join("\n")).toBe(true);
        expect(r.errors.join("\n")).not.toContain(SECRET);
        expect(r.logs.join("\n")).toContain("1 upload(s) without a run");
        expect(summary(r)["glue_runs"]).toBeUndefined();
        source.close();
      }
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe("local back end (the local stack's etl_job_runs)", () => {
  let stack: RunningStack;
  const STARTUP_MS = 300;

  beforeAll(async () => {
    await ensureFerretDb((line) => process.stderr.write(line + "\n"));
    stack = await startStack({ dir: tempDir("hcsynth-glue-stack-"), glueStartupMs: STARTUP_MS, maxConcurrentRuns: 1, today: "2025-12-31", log: () => undefined });
  }, 600_000);
  afterAll(async () => stack?.stop());

  it("records queueing behind one run at a time, run durations and final states", async () => {
    const data = tempDir();
    expect(hcsynth(["generate", "--seed", "4", "--out", data, "--formats", "csv", "--kinds", "providers", "--providers", "30", "--records-per-file", "10"]).code).toBe(0);
    const files = (JSON.parse(readFileSync(join(data, "manifest.json"), "utf8")) as { files: { path: string; kind: string; format: string; records: number }[] }).files;
    expect(files.length).toBe(3);
    const s3 = makeS3Client({ endpoint: stack.state.s3Endpoint, region: REGION, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
    const source = new LocalGlueRunSource({ db: stack.db, since: new Date() });
    expect(source.describe()).toBe("local stack job hcsynth-reference-etl (hcsynth.etl_job_runs)");
    const r = context();
    const observer = new GlueObserver({ source, pollMs: 100 });
    await observer.start(r.ctx);
    for (const [i, f] of files.entries()) {
      const key = `glue-observer/${f.path}`;
      await s3.send(new PutObjectCommand({ Bucket: "landing", Key: key, Body: readFileSync(join(data, f.path)) }));
      observer.onUpload({ bucket: "landing", key, uploadedAt: Date.now(), kind: f.kind, format: f.format, records: f.records, expectedLoaded: f.records, fileId: f.path, iteration: i });
    }
    const garbage = Buffer.alloc(50_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) >>> 24;
    await s3.send(new PutObjectCommand({ Bucket: "landing", Key: "glue-observer/garbage.bin", Body: garbage }));
    observer.onUpload({ bucket: "landing", key: "glue-observer/garbage.bin", uploadedAt: Date.now(), kind: "garbage", format: "bin", records: 0, expectedLoaded: 0, fileId: "garbage.bin", iteration: 3 });
    await observer.stop(Date.now() + 60_000);
    s3.destroy();
    expect(r.errors).toEqual([]);
    expect(observer.progress()).toEqual({ uploads: 4, matched: 4, finished: 4 });
    const s = summary(r);
    expect(s["glue_runs{state:SUCCEEDED}"]!.values["count"]).toBe(3);
    expect(s["glue_runs{state:FAILED}"]!.values["count"]).toBe(1);
    expect(s["glue_runs{kind:garbage}"]!.values["count"]).toBe(1);
    expect(s["glue_runs_failed"]!.values).toMatchObject({ rate: 0.25, passes: 1, fails: 3 });
    // one run at a time, each at least the start-up delay: the last of four waited behind three
    expect(s["glue_queue_delay"]!.count).toBe(4);
    expect(s["glue_queue_delay"]!.values["min"]).toBeGreaterThanOrEqual(0);
    expect(s["glue_queue_delay"]!.values["max"]).toBeGreaterThanOrEqual(3 * STARTUP_MS);
    expect(s["glue_queue_delay{kind:garbage}"]!.values["min"]).toBeGreaterThanOrEqual(3 * STARTUP_MS);
    // StartedOn is when the run left the queue, so each duration includes Glue's start-up
    expect(s["glue_run_duration"]!.count).toBe(4);
    expect(s["glue_run_duration"]!.values["min"]).toBeGreaterThanOrEqual(STARTUP_MS);
    expect(s["glue_execution_time"]!.count).toBe(4);
    expect(s["glue_runs_waiting"]!.values["max"]).toBeGreaterThanOrEqual(1);
    expect(columnMax(r, "glue_waiting")).toBeGreaterThanOrEqual(1);
    expect(columnMax(r, "glue_running")).toBe(1);
    expect(r.logs.some((l) => l.startsWith("glue: glue-observer/garbage.bin: FAILED ("))).toBe(true);
  });

  it("counts an unreachable database as observer errors without throwing", async () => {
    const { MongoClient } = await import("mongodb");
    const client = new MongoClient(`mongodb://127.0.0.1:${await freePort()}/x`, { serverSelectionTimeoutMS: 200 });
    const source = new LocalGlueRunSource({ db: client.db("x") });
    const r = context();
    const observer = new GlueObserver({ source, pollMs: 50, requestTimeoutMs: 1000 });
    await observer.start(r.ctx);
    observer.onUpload(upload("k.csv", "claims"));
    await until(() => r.errors.length >= 2, "two failed polls");
    const t0 = Date.now();
    await observer.stop(t0 + 500);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(r.errors[0]).toMatch(/^local stack job hcsynth-reference-etl \(x\.etl_job_runs\): /);
    await client.close();
  });
});
