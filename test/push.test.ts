/**
 * `hcsynth push` against real S3 servers on loopback: an s3rver in this process (as the stack runs it,
 * with SigV4 checked) reached through `--target aws --endpoint`, and a whole detached local stack for
 * `--target local`. Idempotency, resumption after an interrupt, multipart, metadata and tags, the
 * allow-list, and the one-line errors.
 */
import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeS3Client } from "../src/s3/client.js";
import { freePort } from "../src/stack/ferretdb.js";
import { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, startLocalS3, type LocalS3, type S3EventRecord } from "../src/stack/s3-server.js";
import { hcsynth, readManifest, tempDir } from "./support/cli.js";
import { hcsynthAsync, startCli } from "./support/cli-async.js";

const CREDENTIALS = { AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY, AWS_REGION: "us-east-1", HCSYNTH_ALLOW_BUCKETS: "" };
const MIB = 1024 * 1024;

let s3: LocalS3;
let client: S3Client;
let data: string;
const events: S3EventRecord[] = [];

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

async function objectBytes(key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: "landing", Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: "landing", Prefix: `${prefix}/` }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

function pushArgs(source: string, prefix: string, ...extra: string[]): string[] {
  return ["push", source, "--target", "aws", "--endpoint", s3.endpoint, "--bucket", "landing", "--prefix", prefix, ...extra];
}

const oneLine = (stderr: string): string[] => stderr.trim().split("\n");

beforeAll(async () => {
  s3 = await startLocalS3({ directory: join(tempDir("hcsynth-push-s3-"), "s3"), onEvent: (e) => events.push(e) });
  client = makeS3Client({ endpoint: s3.endpoint, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
  data = tempDir();
  const gen = hcsynth(["generate", "--seed", "3", "--out", data, "--formats", "csv,ndjson,x12", "--members", "60", "--providers", "10", "--claims", "150", "--encounters", "40"]);
  expect(gen.code, gen.stderr).toBe(0);
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

describe("hcsynth push to an S3-compatible store (--target aws --endpoint)", () => {
  it("uploads every file of a manifest with its SHA-256, metadata and the synthetic tag; a rerun skips all; --force uploads again", async () => {
    const manifest = readManifest(data);
    const config = join(tempDir(), "hcsynth.json");
    writeFileSync(config, JSON.stringify({ allowBuckets: ["land*"] }));
    const first = await hcsynthAsync(pushArgs(join(data, "manifest.json"), "t1", "--config", config), { env: CREDENTIALS });
    expect(first.code, first.stderr).toBe(0);
    const total = manifest.files.length + 1;
    expect(first.stdout).toMatch(new RegExp(`^push to s3://landing/t1/: ${total} uploaded, 0 skipped, 0 failed; [\\d.]+ MB in [\\d.]+ s \\([\\d.]+ MB/s\\)\\n$`));
    expect(await keysUnder("t1")).toEqual([...manifest.files.map((f) => `t1/${f.path}`), "t1/manifest.json"].sort());
    for (const f of manifest.files) {
      const head = await client.send(new HeadObjectCommand({ Bucket: "landing", Key: `t1/${f.path}` }));
      expect(head.ContentLength).toBe(f.bytes);
      expect(head.Metadata).toMatchObject({ "hcsynth-file": f.path, "hcsynth-sha256": f.sha256, "hcsynth-records": String(f.records), "hcsynth-seed": "3" });
      expect(sha256(await objectBytes(`t1/${f.path}`))).toBe(f.sha256);
    }
    const csv = manifest.files.find((f) => f.format === "csv")!;
    expect((await client.send(new HeadObjectCommand({ Bucket: "landing", Key: `t1/${csv.path}` }))).ContentType).toBe("text/csv");
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: "landing", Key: `t1/${csv.path}` }));
    expect(tags.TagSet).toEqual([{ Key: "synthetic", Value: "true" }]);
    expect((await objectBytes("t1/manifest.json")).equals(readFileSync(join(data, "manifest.json")))).toBe(true);

    const putsBefore = events.length;
    const second = await hcsynthAsync(pushArgs(data, "t1", "--allow-bucket", "landing"), { env: CREDENTIALS });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`: 0 uploaded, ${total} skipped, 0 failed; 0\\.0 MB`));
    expect(events.length).toBe(putsBefore);

    const forced = await hcsynthAsync(pushArgs(data, "t1", "--allow-bucket", "landing", "--force"), { env: CREDENTIALS });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(new RegExp(`: ${total} uploaded, 0 skipped, 0 failed`));
    expect(events.length).toBe(putsBefore + total);
  });

  it("pushes a directory without a manifest (every file, hashed) and uploads again only a file that changed", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "sub", "deeper"), { recursive: true });
    writeFileSync(join(dir, "a.csv"), "id\n1\n");
    writeFileSync(join(dir, "sub", "b.ndjson"), '{"x":1}\n');
    writeFileSync(join(dir, "sub", "deeper", "c.bin"), randomBytes(1000));
    const env = { ...CREDENTIALS, HCSYNTH_ALLOW_BUCKETS: "other,landing" };
    const first = await hcsynthAsync(pushArgs(dir, "t2"), { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/: 3 uploaded, 0 skipped, 0 failed/);
    expect(await keysUnder("t2")).toEqual(["t2/a.csv", "t2/sub/b.ndjson", "t2/sub/deeper/c.bin"]);
    writeFileSync(join(dir, "sub", "b.ndjson"), '{"x":2}\n'); // same size, other content
    const second = await hcsynthAsync(pushArgs(dir, "t2"), { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/: 1 uploaded, 2 skipped, 0 failed/);
    expect((await objectBytes("t2/sub/b.ndjson")).toString()).toBe('{"x":2}\n');
    const head = await client.send(new HeadObjectCommand({ Bucket: "landing", Key: "t2/sub/b.ndjson" }));
    expect(head.Metadata?.["hcsynth-sha256"]).toBe(sha256(Buffer.from('{"x":2}\n')));
  });

  it("uploads a file above the multipart threshold as a multipart upload, with its metadata and tag", async () => {
    const dir = tempDir();
    const big = randomBytes(12 * MIB + 12345);
    writeFileSync(join(dir, "big.x12"), big);
    writeFileSync(join(dir, "small.csv"), "a\n");
    const r = await hcsynthAsync(pushArgs(dir, "t3", "--allow-bucket", "landing", "--multipart-threshold", "5MiB", "--part-size", "5MiB", "--queue-size", "2"), { env: CREDENTIALS });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: 2 uploaded, 0 skipped, 0 failed/);
    // s3rver names the event of a CompleteMultipartUpload "ObjectCreated:Post" (S3: CompleteMultipartUpload)
    expect(events.find((e) => e.s3.object.key === "t3/big.x12")?.eventName).toBe("ObjectCreated:Post");
    expect(events.find((e) => e.s3.object.key === "t3/small.csv")?.eventName).toBe("ObjectCreated:Put");
    expect(sha256(await objectBytes("t3/big.x12"))).toBe(sha256(big));
    const head = await client.send(new HeadObjectCommand({ Bucket: "landing", Key: "t3/big.x12" }));
    expect(head.Metadata).toMatchObject({ "hcsynth-file": "big.x12", "hcsynth-sha256": sha256(big) });
    expect(head.ContentType).toBe("application/edi-x12");
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: "landing", Key: "t3/big.x12" }));
    expect(tags.TagSet).toEqual([{ Key: "synthetic", Value: "true" }]);
    const again = await hcsynthAsync(pushArgs(dir, "t3", "--allow-bucket", "landing", "--multipart-threshold", "5MiB"), { env: CREDENTIALS });
    expect(again.stdout).toMatch(/: 0 uploaded, 2 skipped, 0 failed/);
  });

  it("resumes after an interrupt: SIGINT stops it cleanly, a rerun uploads only what is missing and every object is whole", async () => {
    const dir = tempDir();
    const files = new Map<string, Buffer>();
    files.set("000-big.bin", randomBytes(11 * MIB));
    for (let i = 1; i <= 40; i++) files.set(`part-${String(i).padStart(3, "0")}.bin`, randomBytes(200_000 + i));
    for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    const args = pushArgs(dir, "t4", "--allow-bucket", "landing", "--multipart-threshold", "5MiB", "--part-size", "5MiB", "--concurrency", "2");
    const run = startCli([...args, "--rate", "8"], { env: CREDENTIALS });
    // interrupt once some files are there (a readiness poll, not a fixed wait)
    const until = Date.now() + 60_000;
    while ((await keysUnder("t4")).length < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    run.child.kill("SIGINT");
    const interrupted = await run.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/interrupted: aborting the uploads in flight/);
    const m = /: (\d+) uploaded, 0 skipped, 0 failed, (\d+) not started/.exec(interrupted.stdout);
    expect(m, interrupted.stdout).not.toBeNull();
    const done = Number(m![1]);
    // 5 objects were listed; at most 2 (--concurrency) were in flight, finished on the server but not yet answered
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(files.size);
    const rerun = await hcsynthAsync(args, { env: CREDENTIALS });
    expect(rerun.code, rerun.stderr).toBe(0);
    const r = /: (\d+) uploaded, (\d+) skipped, 0 failed;/.exec(rerun.stdout)!;
    expect(Number(r[1]) + Number(r[2])).toBe(files.size);
    expect(Number(r[2])).toBeGreaterThanOrEqual(done);
    expect(Number(r[1])).toBeGreaterThan(0);
    expect(await keysUnder("t4")).toEqual([...files.keys()].map((k) => `t4/${k}`).sort());
    for (const [name, bytes] of files) {
      const head = await client.send(new HeadObjectCommand({ Bucket: "landing", Key: `t4/${name}` }));
      expect(head.Metadata?.["hcsynth-sha256"], name).toBe(sha256(bytes));
      expect(sha256(await objectBytes(`t4/${name}`)), name).toBe(sha256(bytes));
    }
  });
});

describe("hcsynth push: refusals and errors, one line each, exit 1", () => {
  it("finishes the other files when one fails, then exits 1 with one line per distinct failure (and no manifest uploaded)", async () => {
    const dir = tempDir();
    cpSync(data, dir, { recursive: true });
    const manifest = readManifest(dir);
    const victim = manifest.files.find((f) => f.format === "csv")!;
    const bytes = readFileSync(join(dir, victim.path));
    bytes[bytes.length - 2] = bytes[bytes.length - 2] === 0x41 ? 0x42 : 0x41; // same size, other content
    writeFileSync(join(dir, victim.path), bytes);
    const r = await hcsynthAsync(pushArgs(dir, "t5", "--allow-bucket", "landing"), { env: CREDENTIALS });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`: ${manifest.files.length - 1} uploaded, 0 skipped, 1 failed, 1 not started;`));
    expect(oneLine(r.stderr)).toEqual([`hcsynth: 1 file failed (${victim.path}): ${victim.path} changed on disk since the manifest was written (regenerate the set, or push the directory without its manifest)`]);
    const keys = await keysUnder("t5");
    expect(keys).toHaveLength(manifest.files.length - 1);
    expect(keys).not.toContain(`t5/${victim.path}`);
    expect(keys).not.toContain("t5/manifest.json");
  });


  it("refuses a bucket outside the allow-list and writes nothing", async () => {
    const r = await hcsynthAsync(pushArgs(data, "refused"), { env: CREDENTIALS });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toEqual([`hcsynth: bucket "landing" is not in the allow-list (the allow-list is empty); add it with --allow-bucket 'landing' or "allowBuckets" in the config file`]);
    const other = await hcsynthAsync(pushArgs(data, "refused", "--allow-bucket", "qa-*"), { env: CREDENTIALS });
    expect(other.code).toBe(1);
    expect(oneLine(other.stderr)[0]).toMatch(/not in the allow-list \(allowed: qa-\*\)/);
    expect(await keysUnder("refused")).toEqual([]);
  });

  it("says so when the bucket does not exist or the endpoint cannot be reached", async () => {
    const missing = await hcsynthAsync(["push", data, "--target", "aws", "--endpoint", s3.endpoint, "--bucket", "no-such-bucket", "--allow-bucket", "*"], { env: CREDENTIALS });
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr)).toEqual([`hcsynth: bucket "no-such-bucket" does not exist at ${s3.endpoint}`]);
    const port = await freePort();
    const unreachable = await hcsynthAsync(["push", data, "--target", "aws", "--endpoint", `http://127.0.0.1:${port}`, "--bucket", "landing", "--allow-bucket", "*"], { env: CREDENTIALS });
    expect(unreachable.code).toBe(1);
    expect(oneLine(unreachable.stderr)).toEqual([`hcsynth: cannot reach S3 at http://127.0.0.1:${port} (ECONNREFUSED)`]);
  });

  it("says so when there are no AWS credentials", async () => {
    const home = tempDir("hcsynth-empty-home-");
    const r = await hcsynthAsync(pushArgs(data, "nocreds", "--allow-bucket", "landing"), { exactEnv: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home, AWS_EC2_METADATA_DISABLED: "true" } });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toEqual(["hcsynth: no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance role is available"]);
    expect(await keysUnder("nocreds")).toEqual([]);
  });

  it("rejects bad input before any upload", async () => {
    const dir = tempDir();
    const notJson = join(dir, "manifest.json");
    writeFileSync(notJson, "{ not json");
    const changed = tempDir();
    cpSync(data, changed, { recursive: true });
    const manifest = readManifest(changed);
    const truncated = manifest.files[1]!.path;
    writeFileSync(join(changed, truncated), "");
    const gone = tempDir();
    cpSync(data, gone, { recursive: true });
    const lost = manifest.files[2]!.path;
    rmSync(join(gone, lost));
    const re = (path: string): string => path.replace(/[.]/g, "\\.");
    const cases: [string[], RegExp][] = [
      [pushArgs(join(dir, "nope"), "bad", "--allow-bucket", "landing"), /^hcsynth: .*nope: no such file or directory/],
      [pushArgs(notJson, "bad", "--allow-bucket", "landing"), /^hcsynth: manifest .*manifest\.json: not valid JSON/],
      [pushArgs(changed, "bad", "--allow-bucket", "landing"), new RegExp(`^hcsynth: manifest .*: ${re(truncated)} is 0 bytes on disk but \\d+ in the manifest`)],
      [pushArgs(gone, "bad", "--allow-bucket", "landing"), new RegExp(`^hcsynth: manifest .*: ${re(lost)} is missing on disk \\(ENOENT\\)$`)],
      [pushArgs(data, "bad", "--allow-bucket", "landing", "--concurrency", "0"), /^hcsynth: --concurrency 0: expected a whole number from 1 to 1024$/],
      [pushArgs(data, "bad", "--allow-bucket", "landing", "--rate", "fast"), /^hcsynth: --rate "fast": expected a number above 0$/],
      [pushArgs(data, "bad", "--allow-bucket", "landing", "--part-size", "1M"), /^hcsynth: --part-size 1M: expected from 5242880 to/],
      [["push", data, "--target", "gcs"], /^hcsynth: --target "gcs": expected one of local, aws$/],
      [["push", data, "--target", "aws"], /^hcsynth: --target aws needs --bucket$/],
    ];
    for (const [args, expected] of cases) {
      const r = await hcsynthAsync(args, { env: CREDENTIALS });
      expect(r.code, args.join(" ")).toBe(1);
      expect(oneLine(r.stderr), args.join(" ")).toHaveLength(1);
      expect(r.stderr.trim(), args.join(" ")).toMatch(expected);
    }
    expect(await keysUnder("bad")).toEqual([]);
  });
});

describe("hcsynth push --target local", () => {
  it("uploads to the running local stack's landing bucket", async () => {
    const stackDir = join(tempDir("hcsynth-push-stack-"), "stack");
    const up = await hcsynthAsync(["stack", "up", "--detach", "--dir", stackDir]);
    expect(up.code, up.stderr).toBe(0);
    try {
      const endpoint = /S3: +(http:\/\/127\.0\.0\.1:\d+)/.exec(up.stdout)![1]!;
      const r = await hcsynthAsync(["push", data, "--target", "local", "--stack-dir", stackDir, "--prefix", "seeded"], { env: { HCSYNTH_ALLOW_BUCKETS: "" } });
      expect(r.code, r.stderr).toBe(0);
      const total = readManifest(data).files.length + 1;
      expect(r.stdout).toMatch(new RegExp(`^push to s3://landing/seeded/: ${total} uploaded, 0 skipped, 0 failed`));
      const stackClient = makeS3Client({ endpoint, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
      const listed = await stackClient.send(new ListObjectsV2Command({ Bucket: "landing", Prefix: "seeded/" }));
      expect(listed.Contents?.length).toBe(total);
      stackClient.destroy();
      const again = await hcsynthAsync(["push", data, "--stack-dir", stackDir, "--prefix", "seeded"]);
      expect(again.stdout).toMatch(new RegExp(`: 0 uploaded, ${total} skipped, 0 failed`));
    } finally {
      const down = await hcsynthAsync(["stack", "down", "--dir", stackDir]);
      expect(down.code).toBe(0);
    }
  });
});
