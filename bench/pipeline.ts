/**
 * The reference pipeline's load rate on the 20,000-claim sample: records/s from landed (PutObject done)
 * to loaded (the job run SUCCEEDED), beside the ETL's parse-and-validate rate alone on the same file
 * (no database), measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { analyze, extract } from "../src/stack/etl/index.js";
import { makeS3Client } from "../src/s3/client.js";
import { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY } from "../src/stack/s3-server.js";
import { startStack } from "../src/stack/stack.js";
import type { JobRun } from "../src/stack/pipeline/store.js";
import type { Verdict } from "./measure.js";

export async function benchPipeline(): Promise<Verdict[]> {
  console.log("\n## Reference pipeline (local stack: s3rver + FerretDB/SQLite), seed 7: 2,000 members, 300 providers, 20,000 claims\n");
  const work = mkdtempSync(join(tmpdir(), "hcsynth-bench-pipeline-"));
  const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const gen = spawnSync(process.execPath, [cli, "generate", "--seed", "7", "--out", join(work, "data"), "--formats", "csv", "--kinds", "claims,eligibility,providers", "--members", "2000", "--providers", "300", "--claims", "20000"], { encoding: "utf8" });
  if (gen.status !== 0) throw new Error(gen.stderr);
  const file = (kind: string): string => join(work, "data", kind, `${kind}-00000.csv`);

  // baseline: the ETL's two passes over the claims file, no database
  const bytes = readFileSync(file("claims"));
  const open = (): AsyncIterable<Uint8Array> => (async function* () { yield bytes; })();
  const t0 = performance.now();
  const analysis = await analyze(open, "claims.csv", { today: "2025-12-31" });
  let parsed = 0;
  for await (const item of extract(open, "claims.csv", analysis, { today: "2025-12-31" })) if ("collection" in item) parsed++;
  const parseRate = parsed / ((performance.now() - t0) / 1000);

  const stack = await startStack({ dir: join(work, "stack"), glueStartupMs: 0, maxConcurrentRuns: 2, today: "2025-12-31", log: () => undefined });
  try {
    const s3 = makeS3Client({ endpoint: stack.state.s3Endpoint, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
    const waitFor = async (key: string): Promise<JobRun> => {
      for (;;) {
        const run = await stack.db.collection<JobRun>("etl_job_runs").findOne({ "Arguments.--s3_key": key, JobRunState: { $in: ["SUCCEEDED", "FAILED"] } });
        if (run) return run;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    for (const kind of ["eligibility", "providers"]) {
      await s3.send(new PutObjectCommand({ Bucket: "landing", Key: `bench/${kind}.csv`, Body: readFileSync(file(kind)) }));
      await waitFor(`bench/${kind}.csv`);
    }
    await s3.send(new PutObjectCommand({ Bucket: "landing", Key: "bench/claims.csv", Body: bytes }));
    const landed = Date.now();
    const run = await waitFor("bench/claims.csv");
    const seconds = (run.CompletedOn!.getTime() - landed) / 1000;
    const loadRate = run.Loaded / seconds;
    console.log(`claims landed → loaded: ${run.Loaded} records in ${seconds.toFixed(1)} s = ${loadRate.toFixed(0)} records/s (run ${run.JobRunState})`);
    console.log(`ETL parse + validate alone (no database): ${parseRate.toFixed(0)} records/s; the database costs ${(parseRate / loadRate).toFixed(1)}× that`);
    return [{ what: "pipeline load rate (claims CSV, landed → loaded)", target: "reported", measured: `${loadRate.toFixed(0)} records/s`, ok: run.JobRunState === "SUCCEEDED" && run.Loaded === 20000 }];
  } finally {
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
