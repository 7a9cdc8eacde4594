/**
 * The executor's accuracy: `hcsynth run` at an offered constant rate the local S3 server sustains
 * (steady-trickle's small files), against an s3rver in this process; the achieved rate (iterations
 * started / the run's measured length) beside the offered one, and how late arrivals started.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunSummary } from "../scenarios/index.js";
import { startLocalS3 } from "../src/stack/s3-server.js";
import type { Verdict } from "./measure.js";

const RATE = Number(process.env["BENCH_EXECUTOR_RATE"] ?? "20");
const SECONDS = Number(process.env["BENCH_EXECUTOR_SECONDS"] ?? "30");

export async function benchExecutor(): Promise<Verdict[]> {
  console.log(`\n## Executor accuracy: steady-trickle at ${RATE} files/s for ${SECONDS} s against a local S3 server\n`);
  const work = mkdtempSync(join(tmpdir(), "hcsynth-bench-executor-"));
  const server = await startLocalS3({ directory: join(work, "s3"), onEvent: () => undefined });
  try {
    const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
    const out = join(work, "out");
    const args = ["run", "steady-trickle", "--target", "aws", "--endpoint", server.endpoint, "--bucket", "landing", "--allow-bucket", "landing", "--rate", String(RATE), "--duration", `${SECONDS}s`, "--out", out];
    const env = { ...process.env, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" };
    const code = await new Promise<number>((resolve) => spawn(process.execPath, [cli, ...args], { env, stdio: ["ignore", "ignore", "inherit"] }).on("close", (c) => resolve(c ?? 1)));
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as RunSummary;
    const m = summary.metrics;
    const count = (k: string): number => (m[k]?.type === "counter" ? (m[k] as { values: { count: number } }).values.count : 0);
    const started = count("iterations");
    const offered = RATE;
    const achieved = started / (summary.run.durationMs / 1000);
    const late = m["arrival_lateness"];
    const p99 = late?.type === "trend" ? late.values["p(99)"] : NaN;
    const upload = m["upload_duration"];
    console.log(`exit ${code}; offered ${offered.toFixed(2)} files/s, achieved ${achieved.toFixed(2)} files/s (${started} started in ${(summary.run.durationMs / 1000).toFixed(2)} s, ${count("dropped_iterations")} dropped)`);
    console.log(`arrival lateness p(99) ${p99.toFixed(2)} ms; upload p(95) ${upload?.type === "trend" ? upload.values["p(95)"].toFixed(1) : "?"} ms`);
    const error = Math.abs(achieved / offered - 1);
    return [{ what: "executor: achieved vs offered constant rate", target: "within 1%", measured: `${(error * 100).toFixed(2)}% off`, ok: error <= 0.01 }];
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
