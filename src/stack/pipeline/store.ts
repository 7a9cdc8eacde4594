/**
 * The pipeline's database layout: the target collections with their natural keys, the job runs
 * (`etl_job_runs`, with AWS Glue's field names and states), rejections and the interchange register.
 * Indexes are created before anything is loaded.
 */
import type { Db } from "mongodb";

/** Target collections and their natural keys. */
export const NATURAL_KEYS = {
  members: "memberId",
  eligibility: "memberId",
  providers: "npi",
  claims: "claimId",
  encounters: "encounterId",
} as const;

export type TargetCollection = keyof typeof NATURAL_KEYS;

export const JOB_RUNS = "etl_job_runs";
export const REJECTIONS = "rejections";
export const INTERCHANGES = "x12_interchanges";

/** AWS Glue JobRunState values the local pipeline uses. */
export type JobRunState = "WAITING" | "STARTING" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface JobRun {
  /** Glue's run ID. */
  Id: string;
  JobName: string;
  JobRunState: JobRunState;
  Arguments: { "--s3_bucket": string; "--s3_key": string };
  /** When S3 reported the object (the event time). */
  EventTime: Date;
  /** When the trigger queued the run. */
  QueuedOn: Date;
  StartedOn: Date | null;
  CompletedOn: Date | null;
  /** Seconds, as Glue reports it. */
  ExecutionTime: number;
  ErrorMessage: string | null;
  Attempt: number;
  /** The object version processed. */
  ETag: string;
  /** hcsynth metadata of the object (run ID, file ID, record count, seed), when present. */
  Metadata: Record<string, string>;
  Loaded: number;
  Rejected: number;
  Flagged: number;
}

export interface RejectionDoc {
  runId: string;
  source: { bucket: string; key: string; etag: string };
  /** file, transaction or record */
  scope: "file" | "transaction" | "record";
  /** The defect catalogue's code where the problem is one of them. */
  reason: string;
  message: string;
  locator: { recordIndex?: number; recordId?: string; line?: number; segment?: number; field?: string };
  at: Date;
}

export async function ensureIndexes(db: Db): Promise<void> {
  for (const [name, key] of Object.entries(NATURAL_KEYS)) {
    const c = db.collection(name);
    // members from an 834 may lack a member ID (dependents): that key cannot be unique there
    const unique = name !== "members" && name !== "eligibility";
    await c.createIndex({ [key]: 1 }, { unique, name: unique ? `${key}_unique` : key });
    await c.createIndex({ "_source.key": 1 }, { name: "source_key" });
  }
  await db.collection("claims").createIndex({ "member.memberId": 1, statementFrom: 1 }, { name: "member_dates" });
  await db.collection("claims").createIndex({ "providers.billingNpi": 1, statementFrom: 1 }, { name: "billing_dates" });
  await db.collection(JOB_RUNS).createIndex({ Id: 1 }, { unique: true, name: "Id_unique" });
  await db.collection(JOB_RUNS).createIndex({ JobRunState: 1, QueuedOn: 1 }, { name: "state_queued" });
  await db.collection(JOB_RUNS).createIndex({ "Arguments.--s3_key": 1 }, { name: "s3_key" });
  await db.collection(REJECTIONS).createIndex({ runId: 1 }, { name: "run" });
  await db.collection(REJECTIONS).createIndex({ "source.key": 1 }, { name: "source_key" });
  await db.collection(INTERCHANGES).createIndex({ controlNumber: 1, sender: 1 }, { name: "control_number" });
}

/** Natural keys grouped for queries: one-field keys by field (for `$in`), compound keys (an 834 dependent's) as they are. */
export function groupKeys(keys: readonly Record<string, string>[]): { single: Map<string, string[]>; compound: Record<string, string>[] } {
  const single = new Map<string, string[]>();
  const compound: Record<string, string>[] = [];
  for (const key of keys) {
    const fields = Object.keys(key);
    if (fields.length === 1) {
      const list = single.get(fields[0]!);
      if (list) list.push(key[fields[0]!]!);
      else single.set(fields[0]!, [key[fields[0]!]!]);
    } else compound.push(key);
  }
  return { single, compound };
}
