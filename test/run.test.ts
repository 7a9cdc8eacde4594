/**
 * `hcsynth run` end to end against real S3-protocol servers on loopback: the local stack (started
 * through the CLI) and an s3rver owned by the test (the "S3-compatible store" path of --target aws,
 * which the test can stop mid-run). Short durations, bounded traffic.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunSummary } from "../scenarios/index.js";
import { makeS3Client } from "../src/s3/client.js";
import { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, startLocalS3, type LocalS3 } from "../src/stack/s3-server.js";
import { freePort } from "../src/stack/ferretdb.js";
import { hcsynth, tempDir } from "./support/cli.js";
import { startCli } from "./support/cli-async.js";

const CREDS = { AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY, AWS_REGION: "us-east-1", AWS_EC2_METADATA_DISABLED: "true" };

/** The CLI as a child process that does not block this process, where the test's S3 server runs. */
const cli = (args: string[], env: Record<string, string> = {}) => startCli(args, { env }).done;

function summaryOf(dir: string): RunSummary {
  return JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as RunSummary;
}

async function listAll(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

function scenarioFile(dir: string, patch: Record<string, unknown>): string {
  const base = JSON.parse(hcsynth(["scenarios", "show", "smoke"]).stdout) as Record<string, unknown>;
  const path = join(dir, "scenario.json");
  writeFileSync(path, JSON.stringify({ ...base, name: "test-scenario", ...patch }));
  return path;
}

describe("hcsynth run against an S3-compatible store (--target aws --endpoint)", () => {
  let server: LocalS3;
  let s3: S3Client;
  const awsArgs = (): string[] => ["--target", "aws", "--endpoint", server.endpoint, "--bucket", "landing", "--allow-bucket", "land*"];

  beforeAll(async () => {
    server = await startLocalS3({ directory: tempDir("hcsynth-run-s3-"), onEvent: () => undefined });
    s3 = makeS3Client({ endpoint: server.endpoint, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  it("uploads every started iteration with the run's metadata and the synthetic tag, and writes summary.json", async () => {
    const out = tempDir();
    const r = await cli(["run", "smoke", ...awsArgs(), "--prefix", "t1", "--duration", "3s", "--rate", "4", "--out", out], CREDS);
    expect(r.code, r.stderr).toBe(0);
    const summary = summaryOf(out);
    expect(summary.run).toMatchObject({ scenario: "smoke", status: "passed", exitCode: 0, executor: "node", target: { kind: "aws", bucket: "landing", prefix: "t1", endpoint: server.endpoint } });
    const uploads = summary.metrics["uploads"];
    expect(uploads?.type).toBe("counter");
    const count = uploads?.type === "counter" ? uploads.values.count : 0;
    const dropped = summary.metrics["dropped_iterations"];
    expect(count + (dropped?.type === "counter" ? dropped.values.count : 0)).toBe(12);
    const keys = await listAll(s3, "landing", `t1/${summary.run.id}/`);
    expect(keys).toHaveLength(count);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "landing", Key: keys[0]! }));
    expect(head.Metadata).toMatchObject({ "hcsynth-run-id": summary.run.id, "hcsynth-seed": "1" });
    expect(Number(head.Metadata?.["hcsynth-records"])).toBeGreaterThan(0);
    expect(keys[0]!.endsWith(head.Metadata!["hcsynth-file-id"]!)).toBe(true);
    // when the upload started, to the millisecond (hcsynth observe reads it): within the run, before the object's LastModified second ended
    const started = Number(head.Metadata?.["hcsynth-upload-started"]);
    expect(started).toBeGreaterThanOrEqual(Date.parse(summary.run.startedAt));
    expect(started).toBeLessThan(head.LastModified!.getTime() + 1000);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: "landing", Key: keys[0]! }));
    expect(tags.TagSet).toEqual([{ Key: "synthetic", Value: "true" }]);
    // the summary's shape: metrics by k6 type, thresholds judged, one series row per second
    expect(summary.metrics["upload_duration"]).toMatchObject({ type: "trend", unit: "ms" });
    expect(summary.metrics["upload_duration{upload:single}"]).toBeDefined();
    expect(summary.thresholds.map((t) => `${t.metric} ${t.expression} ${t.ok}`)).toEqual(["upload_failed rate<0.01 true", "upload_duration p(95)<2000 true"]);
    expect(summary.series.columns).toEqual(expect.arrayContaining(["t", "files", "bytes", "upload_p95", "cpu", "rss_mb"]));
    expect(summary.series.rows.length).toBeGreaterThanOrEqual(3);
    const files = summary.series.columns.indexOf("files");
    expect(summary.series.rows.reduce((n, row) => n + (row[files] ?? 0), 0)).toBe(count);
    expect(JSON.stringify(summary)).not.toContain(LOCAL_SECRET_ACCESS_KEY);
  });

  it("steady-trickle holds its rate: every scheduled arrival starts, none dropped, five files in each second", async () => {
    const out = tempDir();
    const r = await cli(["run", "steady-trickle", ...awsArgs(), "--prefix", "trickle", "--duration", "6s", "--out", out], CREDS);
    expect(r.code, r.stderr).toBe(0);
    const summary = summaryOf(out);
    const m = summary.metrics;
    const count = (k: string) => (m[k]?.type === "counter" ? (m[k] as { values: { count: number } }).values.count : 0);
    expect(count("iterations")).toBe(30);
    expect(count("dropped_iterations")).toBe(0);
    expect(count("uploads")).toBe(30);
    expect(m["arrival_lateness"]).toMatchObject({ type: "trend", count: 30 });
    // the arrivals of each second are that second's uploads (small files finish within their second or the next)
    const files = summary.series.columns.indexOf("files");
    const perSecond = summary.series.rows.map((row) => row[files] ?? 0);
    expect(perSecond.reduce((a, b) => a + b, 0)).toBe(30);
    expect(Math.max(...perSecond.slice(0, 6))).toBeLessThanOrEqual(6);
    expect((await listAll(s3, "landing", `trickle/${summary.run.id}/`)).length).toBe(30);
  });

  it("multipart above the threshold: large files go through lib-storage and are tagged too", async () => {
    const dir = tempDir();
    const path = scenarioFile(dir, {
      data: { seed: 9, files: [{ kind: "claims", format: "csv", weight: 1 }], recordsPerFile: 20000, population: { members: 2000, providers: 200 } },
      load: { executor: "shared-iterations", iterations: 2, vus: 2, maxDuration: "60s" },
      upload: { multipartThreshold: 1048576, partSize: 5242880, queueSize: 2 },
      thresholds: { upload_failed: ["rate==0"] },
    });
    const r = await cli(["run", path, ...awsArgs(), "--prefix", "t2", "--out", dir], CREDS);
    expect(r.code, r.stderr).toBe(0);
    const summary = summaryOf(dir);
    const mp = summary.metrics["uploads{upload:multipart}"];
    expect(mp?.type === "counter" && mp.values.count).toBe(2);
    const keys = await listAll(s3, "landing", `t2/${summary.run.id}/`);
    expect(keys).toHaveLength(2);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "landing", Key: keys[0]! }));
    expect(head.ContentLength).toBeGreaterThan(5_242_880);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: "landing", Key: keys[0]! }))).TagSet).toEqual([{ Key: "synthetic", Value: "true" }]);
  });

  it("503 SlowDown responses are counted and retried by the SDK (a throttling proxy in front of the store)", async () => {
    // every third PUT gets S3's throttling answer; everything else is forwarded to the real server
    let puts = 0;
    let throttled = 0;
    const upstream = new URL(server.endpoint);
    const proxy: Server = createServer((req, res) => {
      if (req.method === "PUT" && ++puts % 3 === 0) {
        throttled++;
        req.resume();
        res.writeHead(503, { "content-type": "application/xml" }).end("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
        return;
      }
      const fwd = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(fwd);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const out = tempDir();
      const r = await cli(["run", "smoke", "--target", "aws", "--endpoint", endpoint, "--bucket", "landing", "--allow-bucket", "landing", "--prefix", "slow", "--duration", "3s", "--out", out], CREDS);
      expect(r.code, r.stderr).toBe(0);
      const m = summaryOf(out).metrics;
      const count = (k: string) => (m[k]?.type === "counter" ? (m[k] as { values: { count: number } }).values.count : 0);
      expect(throttled).toBeGreaterThan(0);
      expect(count("s3_slowdown")).toBe(throttled);
      expect(count("upload_retries")).toBe(throttled);
      expect(count("uploads")).toBe(6);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it("a failing threshold exits 99 and says so in summary.json", async () => {
    const out = tempDir();
    const r = await cli(["run", "smoke", ...awsArgs(), "--duration", "2s", "--threshold", "upload_duration=p(95)<0.001", "--out", out], CREDS);
    expect(r.code, r.stderr).toBe(99);
    const summary = summaryOf(out);
    expect(summary.run.status).toBe("thresholds-failed");
    const failed = summary.thresholds.find((t) => t.metric === "upload_duration")!;
    expect(failed).toMatchObject({ ok: false, source: "cli", expression: "p(95)<0.001" });
    expect(failed.actual).toBeGreaterThan(0.001);
  });

  it("abortOnFail stops the run early with exit 99", async () => {
    const dir = tempDir();
    const path = scenarioFile(dir, { load: { executor: "constant-arrival-rate", rate: 4, timeUnit: "1s", duration: "60s" }, thresholds: { upload_duration: [{ threshold: "max<0.001", abortOnFail: true }] } });
    const started = Date.now();
    const r = await cli(["run", path, ...awsArgs(), "--out", dir], CREDS);
    expect(r.code, r.stderr).toBe(99);
    expect(Date.now() - started).toBeLessThan(30_000);
    const summary = summaryOf(dir);
    expect(summary.run.status).toBe("aborted");
    expect(summary.run.reason).toMatch(/upload_duration max<0.001 failed/);
    expect(summary.run.durationMs).toBeLessThan(10_000);
  });

  it("an arrival over the in-flight limit is a dropped iteration; started + dropped = scheduled", async () => {
    const dir = tempDir();
    const path = scenarioFile(dir, { maxInFlight: 1, load: { executor: "constant-arrival-rate", rate: 200, timeUnit: "1s", duration: "2s" }, data: { seed: 2, files: [{ kind: "claims", format: "csv", weight: 1 }], recordsPerFile: 2000 }, thresholds: {} });
    const r = await cli(["run", path, ...awsArgs(), "--out", dir], CREDS);
    expect(r.code, r.stderr).toBe(0);
    const m = summaryOf(dir).metrics;
    const count = (k: string) => (m[k]?.type === "counter" ? (m[k] as { values: { count: number } }).values.count : 0);
    expect(count("dropped_iterations")).toBeGreaterThan(0);
    expect(count("iterations") + count("dropped_iterations")).toBe(400);
    expect(count("dropped_iterations{reason:in_flight}") + count("dropped_iterations{reason:generator}")).toBe(count("dropped_iterations"));
  });

  it("the store dying mid-run: failures are counted, the run ends on time with a report and a non-zero exit", async () => {
    const other = await startLocalS3({ directory: tempDir("hcsynth-run-dying-"), port: await freePort(), onEvent: () => undefined });
    const out = tempDir();
    const run = startCli(["run", "smoke", "--target", "aws", "--endpoint", other.endpoint, "--bucket", "landing", "--allow-bucket", "landing", "--duration", "6s", "--rate", "4", "--out", out], { env: CREDS });
    // stop the server once uploads are flowing (the child reports nothing per upload: poll the bucket)
    const watcher = makeS3Client({ endpoint: other.endpoint, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
    const until = Date.now() + 30_000;
    while ((await listAll(watcher, "landing", "")).length < 3) {
      if (Date.now() > until) throw new Error(`no uploads arrived: ${run.stderrSoFar()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    watcher.destroy();
    const stoppedAt = Date.now();
    await other.close();
    const r = await run.done;
    expect(r.code).toBe(99);
    expect(Date.now() - stoppedAt).toBeLessThan(40_000);
    const summary = summaryOf(out);
    expect(summary.run.durationMs).toBeLessThan(6_000 + 35_000);
    const failed = summary.metrics["upload_failed"];
    expect(failed?.type === "rate" && failed.values.passes).toBeGreaterThan(0);
    expect(summary.errors.length).toBeGreaterThan(0);
    expect(summary.errors[0]!.message).toMatch(/ECONNREFUSED|socket|connect/i);
  });

  it("SIGINT stops gracefully and writes a partial report (exit 130)", async () => {
    const out = tempDir();
    const run = startCli(["run", "smoke", ...awsArgs(), "--prefix", "sigint", "--duration", "60s", "--out", out], { env: CREDS });
    const until = Date.now() + 30_000;
    while ((await listAll(s3, "landing", "sigint/")).length < 2) {
      if (Date.now() > until) throw new Error(`no uploads arrived: ${run.stderrSoFar()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    const summary = summaryOf(out);
    expect(summary.run.status).toBe("interrupted");
    expect(summary.run.durationMs).toBeLessThan(30_000);
    expect(summary.metrics["uploads"]).toBeDefined();
  });

  it("refuses a bucket outside the allow-list before writing anything", async () => {
    const r = await cli(["run", "smoke", "--target", "aws", "--endpoint", server.endpoint, "--bucket", "landing", "--allow-bucket", "qa-*", "--prefix", "refused", "--duration", "1s", "--out", tempDir()], CREDS);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^hcsynth: bucket "landing" is not in the allow-list \(allowed: qa-\*\)/);
    expect(await listAll(s3, "landing", "refused/")).toEqual([]);
  });

  it("one-line errors: unknown scenario, malformed JSON, invalid scenario, missing bucket, unreachable endpoint, missing credentials", async () => {
    const dir = tempDir();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    const invalid = scenarioFile(dir, { maxInFlight: 0 });
    const port = await freePort();
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["run", "no-such-scenario"], {}, /^hcsynth: unknown scenario "no-such-scenario" \(built-in: smoke, /],
      [["run", bad], {}, /^hcsynth: scenario file .*bad\.json: not valid JSON/],
      [["run", invalid], {}, /^hcsynth: scenario file .*: scenario "test-scenario": maxInFlight: expected a number ≥ 1, got 0/],
      [["run", "smoke", "--target", "aws", "--endpoint", server.endpoint, "--bucket", "nope", "--allow-bucket", "*"], CREDS, /^hcsynth: bucket "nope" does not exist at http:\/\/127\.0\.0\.1:\d+/],
      [["run", "smoke", "--target", "aws", "--endpoint", `http://127.0.0.1:${port}`, "--bucket", "landing", "--allow-bucket", "*"], CREDS, /^hcsynth: cannot reach S3 at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/],
      [["run", "smoke", "--target", "aws", "--endpoint", server.endpoint, "--bucket", "landing", "--allow-bucket", "*"], { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "", HOME: dir, AWS_CONFIG_FILE: join(dir, "none"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"), AWS_EC2_METADATA_DISABLED: "true", AWS_CONTAINER_CREDENTIALS_FULL_URI: "", AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "", AWS_WEB_IDENTITY_TOKEN_FILE: "" }, /^hcsynth: no AWS credentials found/],
      [["run", "smoke", "--target", "gcp"], {}, /^hcsynth: --target "gcp": expected one of local, aws/],
      [["run", "smoke", "--duration", "soon"], {}, /^hcsynth: scenario "smoke": load\.duration: "soon" is not a duration/],
      [["run", "smoke", "--threshold", "upload_speed=p(95)<1"], {}, /^hcsynth: scenario "smoke": thresholds: threshold on unknown metric "upload_speed"/],
    ];
    for (const [args, env, message] of cases) {
      const r = await cli([...args, "--out", join(dir, "out")], env);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe("hcsynth run --target local", () => {
  it("uses the running local stack and its pipeline picks the files up", async () => {
    const stackDir = join(tempDir("hcsynth-run-stack-"), "stack");
    const up = hcsynth(["stack", "up", "--detach", "--dir", stackDir]);
    expect(up.code, up.stderr).toBe(0);
    try {
      const out = tempDir();
      const r = hcsynth(["run", "smoke", "--target", "local", "--stack-dir", stackDir, "--duration", "2s", "--out", out]);
      expect(r.code, r.stderr).toBe(0);
      const summary = summaryOf(out);
      expect(summary.run.target).toMatchObject({ kind: "local", bucket: "landing" });
      const status = JSON.parse(hcsynth(["stack", "status", "--json", "--dir", stackDir]).stdout) as { s3Endpoint: string };
      expect(summary.run.target.endpoint).toBe(status.s3Endpoint);
      const s3 = makeS3Client({ endpoint: status.s3Endpoint, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
      const uploads = summary.metrics["uploads"];
      expect((await listAll(s3, "landing", `${summary.run.id}/`)).length).toBe(uploads?.type === "counter" ? uploads.values.count : -1);
      s3.destroy();
    } finally {
      expect(hcsynth(["stack", "down", "--dir", stackDir]).code).toBe(0);
    }
  });
});
