/**
 * Upload throughput of `hcsynth push` beside aws-cli (`aws s3 cp --recursive`) and rclone (`rclone
 * copy`), the same generated set (a few hundred MB, files of mixed sizes, some above the multipart
 * threshold) into the same in-process local S3 on loopback, each into a fresh prefix, in the same run.
 * Every tool must have uploaded every file with its size; each is timed as a whole process, start-up
 * included. Target: hcsynth at least as fast as the faster of the two.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { makeS3Client } from "../src/s3/client.js";
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY, startLocalS3 } from "../src/stack/s3-server.js";
import { table, type Verdict } from "./measure.js";

interface Tool {
  name: string;
  command: string;
  args: (prefix: string) => string[];
  env: Record<string, string>;
}

function filesUnder(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(relative(dir, p).split("\\").join("/"), statSync(p).size);
    }
  };
  walk(dir);
  return out;
}

/** Runs a child to completion without blocking this process (the S3 server runs here). */
function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stderr, seconds: (performance.now() - t) / 1000 }));
  });
}

async function listed(client: S3Client, prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: "landing", Prefix: `${prefix}/`, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.set(o.Key!.slice(prefix.length + 1), o.Size ?? -1);
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

export async function benchPush(): Promise<Verdict[]> {
  const rounds = Number(process.env["BENCH_PUSH_ROUNDS"] ?? 2);
  // for tuning: extra flags for hcsynth push, such as "--concurrency 4"
  const extraPushArgs = (process.env["BENCH_PUSH_ARGS"] ?? "").split(" ").filter(Boolean);
  console.log(`\n## push: upload of a generated set to a local S3 (s3rver on loopback), hcsynth vs aws-cli vs rclone, best of ${rounds}\n`);
  const work = mkdtempSync(join(tmpdir(), "hcsynth-bench-push-"));
  const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const data = join(work, "data");
  const gen = spawnSync(process.execPath, [cli, "generate", "--seed", "7", "--out", data, "--formats", "csv,ndjson,x12", "--members", "10000", "--providers", "1000", "--claims", "100000", "--encounters", "25000", "--records-per-file", "25000"], { encoding: "utf8" });
  if (gen.status !== 0) throw new Error(gen.stderr);
  const expected = filesUnder(data);
  const bytes = [...expected.values()].reduce((a, b) => a + b, 0);
  const sizes = [...expected.values()].sort((a, b) => a - b);
  console.log(`${expected.size} files (manifest included), ${(bytes / 1e6).toFixed(1)} MB, from ${sizes[0]} bytes to ${(sizes.at(-1)! / 1e6).toFixed(1)} MB`);

  const s3 = await startLocalS3({ directory: join(work, "s3"), onEvent: () => undefined });
  const client = makeS3Client({ endpoint: s3.endpoint, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
  // no inherited AWS settings (a CA bundle, a profile) may change what the tools do
  const base: Record<string, string> = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: mkdtempSync(join(tmpdir(), "hcsynth-bench-home-")) };
  const aws = { ...base, AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY, AWS_REGION: LOCAL_REGION, AWS_EC2_METADATA_DISABLED: "true" };
  const tools: Tool[] = [
    { name: "hcsynth push", command: process.execPath, args: (p) => [cli, "push", data, "--target", "aws", "--endpoint", s3.endpoint, "--bucket", "landing", "--prefix", p, "--allow-bucket", "landing", ...extraPushArgs], env: aws },
    { name: "aws s3 cp --recursive", command: "/usr/bin/aws", args: (p) => ["s3", "cp", "--recursive", "--only-show-errors", "--endpoint-url", s3.endpoint, data, `s3://landing/${p}/`], env: { ...aws, AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REQUEST_CHECKSUM_CALCULATION: "when_required", AWS_RESPONSE_CHECKSUM_VALIDATION: "when_required" } },
    {
      name: "rclone copy",
      command: "/usr/bin/rclone",
      args: (p) => ["copy", data, `bench:landing/${p}`],
      env: { ...base, RCLONE_CONFIG_BENCH_TYPE: "s3", RCLONE_CONFIG_BENCH_PROVIDER: "Other", RCLONE_CONFIG_BENCH_ENDPOINT: s3.endpoint, RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID, RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY, RCLONE_CONFIG_BENCH_REGION: LOCAL_REGION },
    },
  ];
  const best = new Map<string, number>();
  // CPU the S3 server (this process) spends on each tool's requests, summed over the rounds
  const serverCpu = new Map<string, number>();
  const complete = new Map<string, boolean>();
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const tool of tools) {
        const prefix = `r${round}-${tool.name.split(" ")[0]}`;
        const cpu = process.cpuUsage();
        const r = await run(tool.command, tool.args(prefix), tool.env);
        const used = process.cpuUsage(cpu);
        serverCpu.set(tool.name, (serverCpu.get(tool.name) ?? 0) + (used.user + used.system) / 1e6 / rounds);
        if (r.code !== 0) throw new Error(`${tool.name} failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" / ")}`);
        const got = await listed(client, prefix);
        const whole = got.size === expected.size && [...expected].every(([k, n]) => got.get(k) === n);
        complete.set(tool.name, (complete.get(tool.name) ?? true) && whole);
        best.set(tool.name, Math.min(best.get(tool.name) ?? Infinity, r.seconds));
      }
    }
  } finally {
    client.destroy();
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
  const rate = (name: string): number => bytes / 1e6 / best.get(name)!;
  const ours = rate("hcsynth push");
  const baseline = Math.max(rate("aws s3 cp --recursive"), rate("rclone copy"));
  console.log(
    table(
      tools.map((t) => [t.name, best.get(t.name)!.toFixed(2), rate(t.name), rate(t.name) / ours, serverCpu.get(t.name)!.toFixed(2), complete.get(t.name) ? "yes" : "NO"]),
      ["tool", "best s", "MB/s", "× hcsynth", "server CPU s (mean)", "every file"],
    ),
  );
  const faster = rate("aws s3 cp --recursive") >= rate("rclone copy") ? "aws-cli" : "rclone";
  return [
    {
      what: `push throughput vs the faster of aws-cli and rclone (${faster})`,
      target: "≥ 1.0×",
      measured: `${ours.toFixed(1)} MB/s vs ${baseline.toFixed(1)} MB/s = ${(ours / baseline).toFixed(2)}×`,
      ok: ours >= baseline && [...complete.values()].every(Boolean),
    },
  ];
}
