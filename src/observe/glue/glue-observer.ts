/**
 * The Glue observer: polls a `GlueRunSource` (AWS Glue or the local stack) every `pollMs` and ties the
 * job's runs to the files the run uploaded, then records how long each file queued and ran.
 *
 * Correlation, each poll:
 * - by key: a run whose key argument (`--s3_key` by default, see the source) equals an uploaded file's
 *   key belongs to that file; when one key was uploaded several times, its runs (in start order) go to
 *   its uploads oldest first;
 * - by time, for runs that carry no key: the unmatched key-less runs that have started, oldest first,
 *   each take the oldest unmatched upload that completed before the run started. A run that started
 *   before every unmatched upload is not the run's (another client's, or older) and stays unmatched.
 *   This assumes the job starts runs in the order files arrive, as a queue does.
 * Runs that match no upload still count in the queue gauges (the job's queue is shared) but not in the
 * per-run metrics. Sources exclude older runs with their `since` option.
 *
 * Per matched run: `glue_queue_delay` (upload completed → StartedOn) once the run has started;
 * `glue_run_duration` (StartedOn → CompletedOn), `glue_execution_time` (ExecutionTime), `glue_runs_failed`
 * and `glue_runs{state}` once, when it reaches a final state. Each poll: the `glue_runs_waiting` gauge
 * and the series columns `glue_waiting` and `glue_running` (the job's STARTING/RUNNING/STOPPING runs);
 * queue delays also feed `glue_queue_p50/_p95/_p99`.
 *
 * Faults: a failed or timed-out poll (each bounded by `requestTimeoutMs` and by the stop deadline) is
 * one observer error and the next poll carries on. `stop(deadline)` polls until every uploaded file
 * has a run in a final state, or the deadline passes, then returns.
 */
import { redactMessage } from "../../target/redact.js";
import type { Observer, ObserverContext, UploadedFile } from "../observer.js";
import { GLUE_METRICS, GLUE_SERIES } from "./metrics.js";
import { FAILED_STATES, FINAL_STATES, type GlueJobRun, type GlueJobRunState, type GlueRunSource } from "./source.js";

export const GLUE_OBSERVER = "glue";

export interface GlueObserverOptions {
  source: GlueRunSource;
  /** Between polls (default 1000 ms). */
  pollMs?: number;
  /** Bound of one poll (default 10 000 ms). */
  requestTimeoutMs?: number;
}

interface Upload {
  file: UploadedFile;
  runId: string | null;
  done: boolean;
}

interface Tracked {
  run: GlueJobRun;
  upload: Upload | null;
  startRecorded: boolean;
  finalRecorded: boolean;
}

const ACTIVE: ReadonlySet<GlueJobRunState> = new Set(["STARTING", "RUNNING", "STOPPING"]);

/** Started runs before unstarted ones, oldest first; ties by ID so the order is stable. */
function byStart(a: Tracked, b: Tracked): number {
  const sa = a.run.startedOn ?? Infinity;
  const sb = b.run.startedOn ?? Infinity;
  return sa !== sb ? sa - sb : a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0;
}

export class GlueObserver implements Observer {
  readonly name = GLUE_OBSERVER;
  readonly metrics = GLUE_METRICS;
  private readonly pollMs: number;
  private readonly requestTimeoutMs: number;
  private ctx: ObserverContext | null = null;
  private readonly uploads: Upload[] = [];
  private readonly byKey = new Map<string, Upload[]>();
  private readonly runs = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<boolean> | null = null;
  private stopping = false;
  /** Aborts a poll in flight when the stop deadline passes. */
  private readonly halt = new AbortController();

  constructor(private readonly options: GlueObserverOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  start(ctx: ObserverContext): Promise<void> {
    this.ctx = ctx;
    ctx.log(`glue: observing ${this.options.source.describe()} every ${this.pollMs} ms`);
    this.loop();
    return Promise.resolve();
  }

  onUpload(file: UploadedFile): void {
    const u: Upload = { file, runId: null, done: false };
    this.uploads.push(u);
    let list = this.byKey.get(file.key);
    if (!list) this.byKey.set(file.key, (list = []));
    list.push(u);
  }

  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.ctx) return; // never started: nothing to drain
    const halt = setTimeout(() => this.halt.abort(new Error("the observer's drain deadline passed")), Math.max(0, deadline - Date.now()));
    try {
      if (this.polling) await this.polling;
      while (!this.allDone() && Date.now() < deadline) {
        await this.poll(Math.min(this.requestTimeoutMs, deadline - Date.now()));
        if (this.allDone()) break;
        const wait = Math.min(this.pollMs, deadline - Date.now());
        if (wait <= 0) break;
        await new Promise((r) => setTimeout(r, wait));
      }
    } finally {
      clearTimeout(halt);
    }
    const unmatched = this.uploads.filter((u) => u.runId === null).length;
    const unfinished = this.uploads.filter((u) => u.runId !== null && !u.done).length;
    if (unmatched + unfinished > 0) this.ctx?.log(`glue: stopped at the deadline with ${unmatched} upload(s) without a run and ${unfinished} run(s) unfinished`);
  }

  /** Uploads seen, matched to a run, and matched to a finished run (for status lines and tests). */
  progress(): { uploads: number; matched: number; finished: number } {
    return { uploads: this.uploads.length, matched: this.uploads.filter((u) => u.runId !== null).length, finished: this.uploads.filter((u) => u.done).length };
  }

  private allDone(): boolean {
    return this.uploads.every((u) => u.done);
  }

  private loop(): void {
    if (this.stopping) return;
    const p = this.poll(this.requestTimeoutMs);
    this.polling = p;
    void p.finally(() => {
      if (this.polling === p) this.polling = null;
      if (this.stopping) return;
      this.timer = setTimeout(() => this.loop(), this.pollMs);
      this.timer.unref();
    });
  }

  /** One poll: true when the source answered. Never throws. */
  private async poll(timeoutMs: number): Promise<boolean> {
    const ctx = this.ctx;
    if (!ctx) return false;
    let runs: GlueJobRun[];
    try {
      runs = await this.options.source.listRuns(AbortSignal.any([AbortSignal.timeout(Math.max(1, timeoutMs)), this.halt.signal]));
    } catch (error) {
      ctx.error(GLUE_OBSERVER, `${this.options.source.describe()}: ${(error as Error).message}`);
      return false;
    }
    try {
      this.ingest(runs, performance.now(), ctx);
    } catch (error) {
      ctx.error(GLUE_OBSERVER, `recording runs: ${(error as Error).message}`);
    }
    return true;
  }

  /** `now` is on the series' clock (performance.now()). */
  private ingest(runs: readonly GlueJobRun[], now: number, ctx: ObserverContext): void {
    let waiting = 0;
    let active = 0;
    for (const run of runs) {
      if (run.state === "WAITING") waiting++;
      else if (ACTIVE.has(run.state)) active++;
      const t = this.runs.get(run.id);
      if (t) t.run = run;
      else this.runs.set(run.id, { run, upload: null, startRecorded: false, finalRecorded: false });
    }
    this.correlate();
    for (const t of this.runs.values()) if (t.upload) this.record(t, now, ctx);
    ctx.metrics.gauge("glue_runs_waiting", waiting);
    ctx.series.set(GLUE_SERIES.waiting, waiting, now);
    ctx.series.set(GLUE_SERIES.running, active, now);
  }

  private correlate(): void {
    const unmatched = [...this.runs.values()].filter((t) => t.upload === null).sort(byStart);
    const keyless: Tracked[] = [];
    for (const t of unmatched) {
      if (t.run.s3Key === null) {
        if (t.run.startedOn !== null) keyless.push(t);
        continue;
      }
      const u = this.byKey.get(t.run.s3Key)?.find((x) => x.runId === null);
      if (u) this.match(t, u);
    }
    if (keyless.length === 0) return;
    const open = this.uploads.filter((u) => u.runId === null).sort((a, b) => a.file.uploadedAt - b.file.uploadedAt);
    let i = 0;
    for (const t of keyless) {
      const u = open[i];
      if (!u) break;
      if (u.file.uploadedAt <= t.run.startedOn!) {
        this.match(t, u);
        i++;
      }
    }
  }

  private match(t: Tracked, u: Upload): void {
    t.upload = u;
    u.runId = t.run.id;
  }

  private record(t: Tracked, now: number, ctx: ObserverContext): void {
    const { run } = t;
    const file = t.upload!.file;
    const tags = { kind: file.kind, format: file.format };
    if (!t.startRecorded && run.startedOn !== null) {
      t.startRecorded = true;
      const delay = Math.max(0, run.startedOn - file.uploadedAt);
      ctx.metrics.trend("glue_queue_delay", delay, tags);
      ctx.series.latency(GLUE_SERIES.queueLatencyPrefix, delay, now);
    }
    if (t.finalRecorded || !FINAL_STATES.has(run.state)) return;
    t.finalRecorded = true;
    t.upload!.done = true;
    const finalTags = { ...tags, state: run.state };
    if (run.startedOn !== null && run.completedOn !== null) ctx.metrics.trend("glue_run_duration", Math.max(0, run.completedOn - run.startedOn), finalTags);
    if (run.executionTimeSeconds !== null) ctx.metrics.trend("glue_execution_time", run.executionTimeSeconds * 1000, finalTags);
    const failed = FAILED_STATES.has(run.state);
    ctx.metrics.rate("glue_runs_failed", failed, tags);
    ctx.metrics.add("glue_runs", 1, finalTags);
    if (failed) ctx.log(`glue: ${file.key}: ${run.state}${run.errorMessage ? ` (${redactMessage(run.errorMessage.slice(0, 200))})` : ""}`);
  }
}
