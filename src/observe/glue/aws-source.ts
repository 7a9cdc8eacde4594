/**
 * A Glue job's runs from AWS Glue: GetJobRuns for one job, page by page (NextToken). Glue returns runs
 * newest first, so paging stops at the first run that started before `since` (older runs are left
 * out). Region and an optional endpoint override (a local emulator); credentials come from the
 * SDK's standard chain (environment, profile, SSO, instance role) and never appear in `describe()`.
 */
import { GetJobRunsCommand, GlueClient, type JobRun } from "@aws-sdk/client-glue";
import { redactUrl } from "../../target/redact.js";
import { DEFAULT_KEY_ARGUMENT, isJobRunState, toEpochMs, type GlueJobRun, type GlueRunSource } from "./source.js";

export interface AwsGlueSourceOptions {
  jobName: string;
  region: string;
  /** Endpoint override, e.g. http://127.0.0.1:5000 for an emulator. */
  endpoint?: string;
  /** The job argument naming the uploaded object's key (default `--s3_key`). */
  keyArgument?: string;
  /** Only runs started at or after this time; paging stops at the first older run. */
  since?: Date;
  /** Page size (GetJobRuns MaxResults, 1–200; default 200). */
  pageSize?: number;
  /** SDK attempts per request (default 2: a poll is retried by the next poll anyway). */
  maxAttempts?: number;
}

export function normaliseAwsRun(run: JobRun, keyArgument: string): GlueJobRun | null {
  if (!run.Id || !isJobRunState(run.JobRunState)) return null;
  const key = run.Arguments?.[keyArgument];
  return {
    id: run.Id,
    state: run.JobRunState,
    s3Key: typeof key === "string" && key !== "" ? key : null,
    startedOn: toEpochMs(run.StartedOn),
    completedOn: toEpochMs(run.CompletedOn),
    executionTimeSeconds: typeof run.ExecutionTime === "number" ? run.ExecutionTime : null,
    errorMessage: run.ErrorMessage ?? null,
  };
}

export class AwsGlueRunSource implements GlueRunSource {
  private readonly client: GlueClient;
  private readonly keyArgument: string;

  constructor(private readonly options: AwsGlueSourceOptions) {
    this.client = new GlueClient({ region: options.region, endpoint: options.endpoint, maxAttempts: options.maxAttempts ?? 2 });
    this.keyArgument = options.keyArgument ?? DEFAULT_KEY_ARGUMENT;
  }

  async listRuns(signal?: AbortSignal): Promise<GlueJobRun[]> {
    const since = this.options.since?.getTime() ?? -Infinity;
    const out: GlueJobRun[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new GetJobRunsCommand({ JobName: this.options.jobName, NextToken: token, MaxResults: this.options.pageSize ?? 200 }), { abortSignal: signal });
      let older = false;
      for (const raw of page.JobRuns ?? []) {
        const run = normaliseAwsRun(raw, this.keyArgument);
        if (!run) continue;
        if (run.startedOn !== null && run.startedOn < since) {
          older = true;
          continue;
        }
        out.push(run);
      }
      token = older ? undefined : page.NextToken;
    } while (token);
    return out;
  }

  describe(): string {
    return `AWS Glue job ${this.options.jobName} (${this.options.region}${this.options.endpoint ? `, ${redactUrl(this.options.endpoint)}` : ""})`;
  }

  /** Closes the SDK client's sockets. */
  close(): void {
    this.client.destroy();
  }
}
