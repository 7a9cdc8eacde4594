/**
 * The demo behind `hcsynth demo` (`npm run demo`): the whole loop on one machine in about a minute — a fresh local
 * stack in a temporary directory, the smoke scenario (every kind, every format) uploaded to it, the
 * reference pipeline loading the files, then the run's summary and reports; the stack is stopped and
 * its directory removed at the end.
 */
import { availableParallelism, tmpdir } from "node:os";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { createWorld, resolveWorldConfig } from "../../generators/index.js";
import { awaitReferenceData, uploadReferenceData } from "./reference-data.js";
import { builtinScenario, scenarioWorldConfig } from "../../scenarios/index.js";
import { makeS3Client } from "../s3/client.js";
import { LANDING_BUCKET, LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY } from "../stack/s3-server.js";
import type { Db } from "mongodb";
import { summaryTable } from "../report/console-table.js";
import { writeReports } from "../report/write.js";
import { runScenario } from "./run.js";
import { JOB_RUNS, type JobRun } from "../stack/pipeline/store.js";
import { startStack } from "../stack/stack.js";

/** Waits (with a deadline) until `count` job runs matching `filter` have finished. */
async function finishedRuns(db: Db, filter: Record<string, unknown>, count: number, signal: AbortSignal): Promise<JobRun[]> {
  const runs = db.collection<JobRun>(JOB_RUNS);
  const until = Date.now() + 120_000;
  let finished: JobRun[] = [];
  while (Date.now() < until && !signal.aborted) {
    finished = await runs.find({ ...filter, JobRunState: { $in: ["SUCCEEDED", "FAILED"] } }).toArray();
    if (finished.length >= count) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return finished;
}

const say = (line: string): void => {
  process.stderr.write(`hcsynth demo: ${line}\n`);
};

export async function runDemo(flags: { out?: string; duration: string }): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "hcsynth-demo-"));
  say("starting a local stack (S3 on loopback, FerretDB + SQLite, the reference pipeline)…");
  const stack = await startStack({ dir, glueStartupMs: 0, maxConcurrentRuns: 4, today: "2025-12-31", log: () => undefined });
  const interrupt = new AbortController();
  const onSignal = (): void => interrupt.abort("SIGINT");
  process.on("SIGINT", onSignal);
  try {
    say(`stack ready: S3 ${stack.state.s3Endpoint}, MongoDB ${stack.state.mongoUrl}`);
    const world = createWorld(resolveWorldConfig(scenarioWorldConfig(builtinScenario("smoke")!, 1)));
    const s3 = makeS3Client({ endpoint: stack.state.s3Endpoint, region: LOCAL_REGION, credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY } });
    const load = await uploadReferenceData(world, s3, LANDING_BUCKET, "").finally(() => s3.destroy());
    const found = await awaitReferenceData(stack.db, load, Date.now() + 120_000, interrupt.signal);
    say(`reference data loaded through the pipeline: ${found.members} members and ${found.providers} providers`);
    const { summary } = await runScenario({
      scenario: "smoke",
      target: "local",
      allowBuckets: [],
      stackDir: dir,
      duration: flags.duration,
      thresholds: [],
      workers: Math.max(1, availableParallelism() - 1),
      interrupt: interrupt.signal,
      log: say,
    });
    // the pipeline picks each upload up from its S3 event: wait (with a deadline) until every file of the run has a finished job
    const uploads = summary.metrics["uploads"];
    const expected = uploads?.type === "counter" ? uploads.values.count : 0;
    const finished = await finishedRuns(stack.db, { "Metadata.hcsynth-run-id": summary.run.id }, expected, interrupt.signal);
    const loaded = finished.reduce((n, r) => n + r.Loaded, 0);
    const rejected = finished.reduce((n, r) => n + r.Rejected, 0);
    const failed = finished.filter((r) => r.JobRunState === "FAILED").length;
    const out = flags.out ?? join("hcsynth-runs", summary.run.id);
    const paths = await writeReports(summary, out);
    process.stdout.write(summaryTable(summary, { color: process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined }));
    process.stdout.write(
      `\n  pipeline  ${finished.length} of ${expected} files processed: ${loaded} records loaded, ${rejected} rejected, ${failed} files failed\n` +
        `\n  summary   ${paths.summaryJson}\n  junit     ${paths.junitXml}\n  report    ${paths.reportHtml}\n`,
    );
    process.exitCode = summary.run.exitCode;
  } finally {
    process.off("SIGINT", onSignal);
    say("stopping the stack");
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
