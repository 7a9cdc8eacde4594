/**
 * A Glue job's runs from the local stack: its `etl_job_runs` collection (Glue-shaped JobRun documents,
 * see src/stack/pipeline/store.ts) read through the MongoDB driver, normalised like the AWS source.
 * Each read is bounded server-side (maxTimeMS) and client-side (the caller's abort signal).
 */
import type { Db } from "mongodb";
import { JOB_NAME } from "../../stack/pipeline/pipeline.js";
import { JOB_RUNS } from "../../stack/pipeline/store.js";
import { abortable, DEFAULT_KEY_ARGUMENT, isJobRunState, toEpochMs, type GlueJobRun, type GlueRunSource } from "./source.js";

export interface LocalGlueSourceOptions {
  db: Db;
  /** Default: the reference pipeline's job, hcsynth-reference-etl. */
  jobName?: string;
  /** The job argument naming the uploaded object's key (default `--s3_key`). */
  keyArgument?: string;
  /** Only runs queued at or after this time. */
  since?: Date;
  /** Server-side bound of one read (default 10 s). */
  maxTimeMs?: number;
}

export class LocalGlueRunSource implements GlueRunSource {
  private readonly jobName: string;
  private readonly keyArgument: string;

  constructor(private readonly options: LocalGlueSourceOptions) {
    this.jobName = options.jobName ?? JOB_NAME;
    this.keyArgument = options.keyArgument ?? DEFAULT_KEY_ARGUMENT;
  }

  async listRuns(signal?: AbortSignal): Promise<GlueJobRun[]> {
    const filter: Record<string, unknown> = { JobName: this.jobName };
    if (this.options.since) filter["QueuedOn"] = { $gte: this.options.since };
    const projection = { _id: 0, Id: 1, JobRunState: 1, Arguments: 1, StartedOn: 1, CompletedOn: 1, ExecutionTime: 1, ErrorMessage: 1 };
    const docs = await abortable(this.options.db.collection(JOB_RUNS).find(filter, { projection, maxTimeMS: this.options.maxTimeMs ?? 10_000 }).toArray(), signal);
    const out: GlueJobRun[] = [];
    for (const d of docs) {
      const state: unknown = d["JobRunState"];
      if (typeof d["Id"] !== "string" || !isJobRunState(state)) continue;
      const args = (d["Arguments"] ?? {}) as Record<string, unknown>;
      const key = args[this.keyArgument];
      out.push({
        id: d["Id"],
        state,
        s3Key: typeof key === "string" && key !== "" ? key : null,
        startedOn: toEpochMs(d["StartedOn"]),
        completedOn: toEpochMs(d["CompletedOn"]),
        executionTimeSeconds: typeof d["ExecutionTime"] === "number" ? d["ExecutionTime"] : null,
        errorMessage: typeof d["ErrorMessage"] === "string" ? d["ErrorMessage"] : null,
      });
    }
    return out;
  }

  describe(): string {
    return `local stack job ${this.jobName} (${this.options.db.databaseName}.${JOB_RUNS})`;
  }
}
