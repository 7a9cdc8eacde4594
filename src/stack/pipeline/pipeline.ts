/**
 * The reference pipeline's control plane, shaped like S3 → Lambda → Glue:
 * - trigger (the Lambda): each ObjectCreated event for the landing bucket becomes at most one job run,
 *   keyed by (bucket, key, ETag), so an event delivered twice queues nothing twice;
 * - runner (Glue's scheduler): at most `maxConcurrentRuns` runs at once, the rest WAITING in arrival
 *   order; each run goes STARTING (an optional start-up delay, as Glue has) → RUNNING →
 *   SUCCEEDED or FAILED, with Glue's field names in `etl_job_runs`;
 * - recovery: on start, runs left STARTING or RUNNING by a stop are queued again, and objects in the
 *   landing bucket that never got a run are queued, so no file is lost and upserts keep loads single.
 */
import { createHash } from "node:crypto";
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { Collection, Db } from "mongodb";
import type { EtlOptions } from "../etl/types.js";
import { LANDING_BUCKET, type S3EventRecord } from "../s3-server.js";
import { runJob } from "./job.js";
import { JOB_RUNS, type JobRun } from "./store.js";

export const JOB_NAME = "hcsynth-reference-etl";

export interface PipelineOptions {
  maxConcurrentRuns: number;
  glueStartupMs: number;
  etl: EtlOptions;
  log?: (line: string) => void;
}

/** hcsynth's manifests and defect lists travel with generated data but are not data. */
export function isSidecar(key: string): boolean {
  const name = key.slice(key.lastIndexOf("/") + 1);
  return name === "manifest.json" || name === "defects.jsonl" || name.endsWith(".manifest.json");
}

export function jobRunId(bucket: string, key: string, etag: string): string {
  return "jr_" + createHash("sha256").update(`${bucket}\n${key}\n${etag}`).digest("hex").slice(0, 40);
}

export class Pipeline {
  private readonly runs: Collection<JobRun>;
  private active = 0;
  private stopped = false;
  private pumping: Promise<void> | null = null;
  private again = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pendingEvents = new Set<Promise<void>>();
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly s3: S3Client,
    private readonly options: PipelineOptions,
  ) {
    this.runs = db.collection<JobRun>(JOB_RUNS);
  }

  /** The trigger: called for every S3 event record. */
  onEvent(record: S3EventRecord): void {
    if (this.stopped || record.s3.bucket.name !== LANDING_BUCKET || !record.eventName.startsWith("ObjectCreated")) return;
    const p = this.enqueue(record.s3.object.key, new Date(record.eventTime)).catch((error: unknown) => this.log(`trigger: ${(error as Error).message}`));
    this.pendingEvents.add(p);
    void p.finally(() => this.pendingEvents.delete(p));
  }

  /** Checks the object and queues a run for it (once per object version). */
  async enqueue(key: string, eventTime: Date): Promise<void> {
    if (key.endsWith("/")) return; // a folder marker, not a file
    if (isSidecar(key)) {
      this.log(`trigger: ${key} is hcsynth's own metadata, not data: no run`);
      return;
    }
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: LANDING_BUCKET, Key: key }));
    const etag = (head.ETag ?? "").replace(/"/g, "");
    const id = jobRunId(LANDING_BUCKET, key, etag);
    const run: JobRun = {
      Id: id,
      JobName: JOB_NAME,
      JobRunState: "WAITING",
      Arguments: { "--s3_bucket": LANDING_BUCKET, "--s3_key": key },
      EventTime: eventTime,
      QueuedOn: new Date(),
      StartedOn: null,
      CompletedOn: null,
      ExecutionTime: 0,
      ErrorMessage: null,
      Attempt: 0,
      ETag: etag,
      Metadata: head.Metadata ?? {},
      Loaded: 0,
      Rejected: 0,
      Flagged: 0,
    };
    const result = await this.runs.updateOne({ Id: id }, { $setOnInsert: run }, { upsert: true });
    if (result.upsertedCount > 0) this.pump();
  }

  /** Re-queues interrupted runs and queues landed objects that have none. */
  async recover(): Promise<void> {
    const interrupted = await this.runs.updateMany({ JobRunState: { $in: ["STARTING", "RUNNING"] } }, { $set: { JobRunState: "WAITING", StartedOn: null } });
    if (interrupted.modifiedCount > 0) this.log(`recovery: ${interrupted.modifiedCount} interrupted run(s) queued again`);
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: LANDING_BUCKET, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        const etag = (o.ETag ?? "").replace(/"/g, "");
        if (!(await this.runs.findOne({ Id: jobRunId(LANDING_BUCKET, o.Key, etag) }))) await this.enqueue(o.Key, o.LastModified ?? new Date());
      }
      token = page.NextContinuationToken;
    } while (token);
  }

  start(): void {
    this.sweep = setInterval(() => this.pump(), 1000);
    this.pump();
  }

  /** Stops taking work and waits for the runs in progress (up to `graceMs`); unfinished ones are re-run on the next start. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    await Promise.allSettled([...this.pendingEvents]);
    const all = Promise.allSettled([...this.inFlight]);
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        while (!this.stopped && this.active < this.options.maxConcurrentRuns) {
          const claimed = await this.runs.findOneAndUpdate(
            { JobRunState: "WAITING" },
            { $set: { JobRunState: "STARTING", StartedOn: new Date() }, $inc: { Attempt: 1 } },
            { sort: { QueuedOn: 1 }, returnDocument: "after" },
          );
          if (!claimed) break;
          this.active++;
          const p = this.execute(claimed).finally(() => {
            this.active--;
            this.inFlight.delete(p);
            this.pump();
          });
          this.inFlight.add(p);
        }
      } while (this.again && !this.stopped);
    })()
      .catch((error: unknown) => this.log(`runner: ${(error as Error).message}`))
      .finally(() => {
        this.pumping = null;
      });
  }

  private async execute(run: JobRun): Promise<void> {
    if (this.options.glueStartupMs > 0) await new Promise((r) => setTimeout(r, this.options.glueStartupMs));
    if (this.stopped) return; // left STARTING: recovery queues it again
    // StartedOn stays when the run left the queue (as in Glue); ExecutionTime counts from RUNNING
    const runningOn = new Date();
    await this.runs.updateOne({ Id: run.Id }, { $set: { JobRunState: "RUNNING" } });
    const source = { bucket: run.Arguments["--s3_bucket"], key: run.Arguments["--s3_key"], etag: run.ETag };
    let result;
    try {
      result = await runJob(this.db, this.s3, run.Id, source, this.options.etl);
    } catch (error) {
      if (this.stopped) return; // interrupted by shutdown: recovery re-runs it
      result = { state: "FAILED" as const, errorMessage: `ETL_JOB_ERROR: ${(error as Error).message}`, loaded: 0, rejected: 0, flagged: 0 };
    }
    const completedOn = new Date();
    await this.runs.updateOne(
      { Id: run.Id },
      {
        $set: {
          JobRunState: result.state,
          CompletedOn: completedOn,
          ExecutionTime: Math.round((completedOn.getTime() - runningOn.getTime()) / 1000),
          ErrorMessage: result.errorMessage,
          Loaded: result.loaded,
          Rejected: result.rejected,
          Flagged: result.flagged,
        },
      },
    );
    this.log(`${run.Arguments["--s3_key"]}: ${result.state} (loaded ${result.loaded}, rejected ${result.rejected}, flagged ${result.flagged})${result.errorMessage ? ` ${result.errorMessage}` : ""}`);
  }
}
