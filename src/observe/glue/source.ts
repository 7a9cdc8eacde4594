/**
 * Where the Glue observer reads job runs from: a `GlueRunSource` lists one Glue job's runs, normalised
 * to the fields the observer needs (AWS Glue's GetJobRuns, or the local stack's `etl_job_runs`
 * collection, which has Glue's field names). Times are epoch milliseconds; `s3Key` is the value of the
 * job argument that names the uploaded object (`--s3_key` unless configured), null when a run has none.
 */

/** AWS Glue's JobRunState values. */
export const GLUE_JOB_RUN_STATES = ["STARTING", "RUNNING", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "WAITING", "EXPIRED"] as const;
export type GlueJobRunState = (typeof GLUE_JOB_RUN_STATES)[number];

/** States a run never leaves. */
export const FINAL_STATES: ReadonlySet<GlueJobRunState> = new Set(["SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED"]);
/** Final states that mean the file was not processed. */
export const FAILED_STATES: ReadonlySet<GlueJobRunState> = new Set(["FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED"]);

export const DEFAULT_KEY_ARGUMENT = "--s3_key";

export interface GlueJobRun {
  id: string;
  state: GlueJobRunState;
  /** The object key the run processes (from the key argument), or null when the run carries none. */
  s3Key: string | null;
  /** When the run left the queue (Glue's StartedOn), epoch ms; null while it waits. */
  startedOn: number | null;
  /** When it finished (Glue's CompletedOn), epoch ms; null until then (AWS may set it early: trust it only in a final state). */
  completedOn: number | null;
  /** Glue's ExecutionTime (seconds of compute), or null when not reported. */
  executionTimeSeconds: number | null;
  errorMessage: string | null;
}

export interface GlueRunSource {
  /** The job's runs (those since the source's start date, where it has one). `signal` aborts the request. */
  listRuns(signal?: AbortSignal): Promise<GlueJobRun[]>;
  /** What it reads, for logs and reports: never credentials. */
  describe(): string;
}

export function isJobRunState(value: unknown): value is GlueJobRunState {
  return typeof value === "string" && (GLUE_JOB_RUN_STATES as readonly string[]).includes(value);
}

/** A Date, ISO string or epoch-ms value as epoch ms; null for anything else. */
export function toEpochMs(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** `promise`, or a rejection as soon as `signal` aborts (for clients that take no signal themselves). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new Error("request aborted");
}
