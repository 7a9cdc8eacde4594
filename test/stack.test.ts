/**
 * The local stack end to end, against the real servers (s3rver in this process, FerretDB as a child
 * process, each on a free loopback port in a temporary directory): uploads land, the pipeline loads
 * them with lineage, defective files and records are rejected for the manifest's reasons, duplicate
 * events are harmless, a restart re-runs unfinished jobs, and hostile files fail alone.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFerretDb, startFerretDb } from "../src/stack/ferretdb.js";
import { makeS3Client } from "../src/s3/client.js";
import { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY } from "../src/stack/s3-server.js";
import { startStack, type RunningStack } from "../src/stack/stack.js";
import type { JobRun } from "../src/stack/pipeline/store.js";
import { hcsynth, tempDir } from "./support/cli.js";
import { readManifestFiles, type ManifestFileEntry as FileEntry } from "./support/manifest.js";

const POPULATION = ["--members", "120", "--providers", "20", "--claims", "300", "--encounters", "80"];

function manifestFiles(dir: string): FileEntry[] {
  return readManifestFiles(dir).files;
}

async function start(dir: string, extra: Partial<Parameters<typeof startStack>[0]> = {}): Promise<RunningStack> {
  return startStack({ dir, glueStartupMs: 0, maxConcurrentRuns: 3, today: "2025-12-31", log: () => undefined, ...extra });
}

function s3For(stack: RunningStack): S3Client {
  return makeS3Client({ endpoint: stack.state.s3Endpoint, region: "us-east-1", credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
}

async function upload(s3: S3Client, dir: string, files: FileEntry[], prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (const f of files) {
    const key = `${prefix}/${f.path}`;
    await s3.send(new PutObjectCommand({ Bucket: "landing", Key: key, Body: readFileSync(join(dir, f.path)), Metadata: { "hcsynth-file": f.path } }));
    keys.push(key);
  }
  return keys;
}

/** Polls etl_job_runs until every key has a finished run, with a deadline (never a fixed sleep). */
async function finishedRuns(db: Db, keys: string[], deadlineMs = 90_000): Promise<Map<string, JobRun>> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const runs = await db.collection<JobRun>("etl_job_runs").find({ "Arguments.--s3_key": { $in: keys } }).toArray();
    const done = runs.filter((r) => r.JobRunState === "SUCCEEDED" || r.JobRunState === "FAILED");
    if (done.length === keys.length) return new Map(done.map((r) => [r.Arguments["--s3_key"], r]));
    if (Date.now() > until) throw new Error(`runs not finished in time: ${JSON.stringify(runs.map((r) => [r.Arguments["--s3_key"], r.JobRunState]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await ensureFerretDb((line) => process.stderr.write(line + "\n"));
}, 600_000);

describe("local stack: clean data of every kind and format", () => {
  let stack: RunningStack;
  let data: string;
  let files: FileEntry[];

  beforeAll(async () => {
    stack = await start(tempDir("hcsynth-stack-"));
    data = tempDir();
    expect(hcsynth(["generate", "--seed", "3", "--out", data, "--formats", "csv,ndjson,x12", ...POPULATION]).code).toBe(0);
    files = manifestFiles(data);
  });
  afterAll(async () => stack?.stop());

  it("loads every good record with its lineage, one document per natural key whatever the format", async () => {
    const s3 = s3For(stack);
    const reference = files.filter((f) => f.kind === "eligibility" || f.kind === "providers");
    const refRuns = await finishedRuns(stack.db, await upload(s3, data, reference, "clean"));
    const rest = files.filter((f) => f.kind === "claims" || f.kind === "encounters");
    const runs = new Map([...refRuns, ...(await finishedRuns(stack.db, await upload(s3, data, rest, "clean")))]);
    for (const f of files) {
      const run = runs.get(`clean/${f.path}`)!;
      expect(run.JobRunState, `${f.path}: ${run.ErrorMessage}`).toBe("SUCCEEDED");
      expect(run.Loaded, f.path).toBe(f.records);
      expect(run.Rejected, f.path).toBe(0);
      expect(run.StartedOn).not.toBeNull();
      expect(run.CompletedOn!.getTime()).toBeGreaterThanOrEqual(run.StartedOn!.getTime());
      expect(run.Arguments["--s3_bucket"]).toBe("landing");
    }
    expect(await stack.db.collection("members").countDocuments()).toBe(120);
    expect(await stack.db.collection("eligibility").countDocuments()).toBe(120);
    expect(await stack.db.collection("providers").countDocuments()).toBe(20);
    expect(await stack.db.collection("claims").countDocuments()).toBe(300);
    expect(await stack.db.collection("encounters").countDocuments()).toBe(80);
    const claim = await stack.db.collection("claims").findOne({ claimId: "SYNC0000000007" });
    expect(claim!["_source"]).toMatchObject({ bucket: "landing", key: expect.stringMatching(/^clean\/claims\//) as unknown, recordIndex: expect.any(Number) as unknown });
    expect(claim!["_loadedAt"]).toBeInstanceOf(Date);
    const ndjson = JSON.parse(readFileSync(join(data, "claims/claims-00000.ndjson"), "utf8").split("\n")[7]!) as Record<string, unknown>;
    expect(claim!["totalCharge"]).toBe(ndjson["totalCharge"]);
    expect(claim!["diagnoses"]).toMatchObject({ principal: (ndjson["diagnoses"] as { principal: string }).principal });
  });

  it("ignores a repeated event: no second run, no second document", async () => {
    const before = await stack.db.collection("etl_job_runs").countDocuments();
    const key = "clean/claims/claims-00000.csv";
    const head = await s3For(stack).send(new GetObjectCommand({ Bucket: "landing", Key: key }));
    const record = { eventName: "ObjectCreated:Put", eventTime: new Date().toISOString(), s3: { bucket: { name: "landing" }, object: { key, eTag: head.ETag!.replace(/"/g, "") } } };
    stack.pipeline.onEvent(record);
    stack.pipeline.onEvent(record);
    await stack.pipeline.enqueue(key, new Date());
    expect(await stack.db.collection("etl_job_runs").countDocuments()).toBe(before);
    expect(await stack.db.collection("claims").countDocuments()).toBe(300);
  });

  it("fails a hostile file on its own job and keeps working", async () => {
    const s3 = s3For(stack);
    const garbage = Buffer.alloc(200_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) >>> 24;
    await s3.send(new PutObjectCommand({ Bucket: "landing", Key: "hostile/garbage.bin", Body: garbage }));
    await s3.send(new PutObjectCommand({ Bucket: "landing", Key: "hostile/one-line.csv", Body: "x".repeat(10 * 1024 * 1024) }));
    const runs = await finishedRuns(stack.db, ["hostile/garbage.bin", "hostile/one-line.csv"]);
    for (const run of runs.values()) {
      expect(run.JobRunState).toBe("FAILED");
      expect(run.ErrorMessage).toMatch(/^[A-Z0-9_]+: .+/);
    }
    const reason = await s3.send(new GetObjectCommand({ Bucket: "quarantine", Key: "hostile/garbage.bin.reason.json" }));
    expect(JSON.parse(await reason.Body!.transformToString())).toMatchObject({ reason: expect.any(String) as unknown, source: { key: "hostile/garbage.bin" } });
    const again = await finishedRuns(stack.db, await upload(s3, data, files.filter((f) => f.path === "providers/providers-00000.csv"), "after-hostile"));
    expect([...again.values()][0]!.JobRunState).toBe("SUCCEEDED");
  });
});

describe("local stack: defective files and records", () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await start(tempDir("hcsynth-stack-"));
  });
  afterAll(async () => stack?.stop());

  it("rejects exactly what the manifest says, for the reasons it names", async () => {
    const s3 = s3For(stack);
    const clean = tempDir();
    const dirty = tempDir();
    expect(hcsynth(["generate", "--seed", "8", "--out", clean, "--formats", "csv", "--kinds", "eligibility,providers", ...POPULATION]).code).toBe(0);
    const r = hcsynth(["generate", "--seed", "8", "--out", dirty, "--formats", "csv,ndjson,x12", "--kinds", "claims,encounters", ...POPULATION, "--records-per-file", "100", "--defect-rate", "0.1", "--defective-files", "0.3"]);
    expect(r.code).toBe(0);
    await finishedRuns(stack.db, await upload(s3, clean, manifestFiles(clean), "reference"));
    const files = manifestFiles(dirty);
    const runs = await finishedRuns(stack.db, await upload(s3, dirty, files, "dirty"));
    let fileRejects = 0;
    for (const f of files) {
      const key = `dirty/${f.path}`;
      const run = runs.get(key)!;
      const fileDefect = f.defects!.find((d) => d.expected === "reject-file");
      if (fileDefect) {
        fileRejects++;
        expect(run.JobRunState, key).toBe("FAILED");
        expect(run.ErrorMessage, key).toMatch(new RegExp(`^${fileDefect.code}: `));
        const reason = await s3.send(new GetObjectCommand({ Bucket: "quarantine", Key: `${key}.reason.json` }));
        expect((JSON.parse(await reason.Body!.transformToString()) as { reason: string }).reason).toBe(fileDefect.code);
        continue;
      }
      expect(run.JobRunState, `${key}: ${run.ErrorMessage}`).toBe("SUCCEEDED");
      expect({ load: run.Loaded, reject: run.Rejected, flag: run.Flagged }, key).toEqual(f.expected);
      const expectedCodes = f.defects!.filter((d) => d.expected === "reject-record" && d.level !== "transaction").map((d) => d.code).sort();
      const rejections = await stack.db.collection("rejections").find({ "source.key": key, scope: "record" }).toArray();
      const transactionDefect = f.defects!.find((d) => d.level === "transaction");
      if (!transactionDefect) expect(rejections.map((x) => x["reason"] as string).sort(), key).toEqual(expectedCodes);
    }
    expect(fileRejects).toBeGreaterThan(0);
  });
});

describe("local stack: restart recovery", () => {
  it("re-runs a job interrupted by a stop, losing no file and duplicating no document", async () => {
    const dir = tempDir("hcsynth-stack-");
    const data = tempDir();
    expect(hcsynth(["generate", "--seed", "5", "--out", data, "--formats", "csv", "--kinds", "providers", "--providers", "50"]).code).toBe(0);
    const slow = await start(dir, { glueStartupMs: 60_000 });
    const keys = await upload(s3For(slow), data, manifestFiles(data), "restart");
    // wait until the run has left the queue (STARTING), then stop in the middle of it
    const until = Date.now() + 30_000;
    while ((await slow.db.collection("etl_job_runs").countDocuments({ JobRunState: "STARTING" })) === 0) {
      if (Date.now() > until) throw new Error("the run never started");
      await new Promise((r) => setTimeout(r, 50));
    }
    await slow.stop();
    const again = await start(dir);
    try {
      const runs = await finishedRuns(again.db, keys);
      const run = runs.get(keys[0]!)!;
      expect(run.JobRunState).toBe("SUCCEEDED");
      expect(run.Attempt).toBe(2);
      expect(await again.db.collection("providers").countDocuments()).toBe(50);
    } finally {
      await again.stop();
    }
  });
});

describe("local stack: --mongo-url", () => {
  it("uses an existing MongoDB-wire database instead of starting FerretDB, in the database its path names", async () => {
    const external = await startFerretDb({ binary: (await ensureFerretDb(() => undefined)), directory: join(tempDir("hcsynth-external-db-"), "db"), logFile: join(tempDir(), "ferretdb.log") });
    const dir = tempDir("hcsynth-stack-");
    const data = tempDir();
    expect(hcsynth(["generate", "--seed", "6", "--out", data, "--formats", "ndjson", "--kinds", "providers", "--providers", "15"]).code).toBe(0);
    const stack = await start(dir, { mongoUrl: `${external.url}qa_seed` });
    try {
      expect(stack.state.ferretdbPid).toBeNull();
      expect(stack.state.mongoUrl).toBe(`${external.url}qa_seed`);
      const runs = await finishedRuns(stack.db, await upload(s3For(stack), data, manifestFiles(data), "ext"));
      expect([...runs.values()][0]!.JobRunState).toBe("SUCCEEDED");
      expect(stack.db.databaseName).toBe("qa_seed");
      expect(await stack.db.collection("providers").countDocuments()).toBe(15);
    } finally {
      await stack.stop();
      await external.stop();
    }
  });
});
