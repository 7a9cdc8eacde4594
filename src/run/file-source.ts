/**
 * Files generated ahead of their uploads, on worker threads, so generation never sits on the timed
 * path. Iteration i's file is generated into a scratch directory while earlier files upload; the
 * executor takes files in iteration order, and a file not ready when its arrival is due is skipped
 * (the executor counts a dropped iteration) and deleted when its worker finishes.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { FileSpec } from "../../generators/index.js";
import type { ManifestFile } from "../generate/file-writer.js";
import { workerUrl, type FromWorker, type GenerateJob, type ToWorker } from "../generate/job.js";

export interface ReadyFile {
  index: number;
  /** Absolute path of the generated file. */
  path: string;
  spec: FileSpec;
  file: ManifestFile;
  generationMs: number;
}

export interface FileSourceOptions {
  /** The resolved world config of the scenario. */
  world: unknown;
  gzip: boolean;
  dir: string;
  /** Iteration i → its file spec. */
  specOf: (i: number) => FileSpec;
  iterations: number;
  workers: number;
  /** Files generated ahead of the next one taken. */
  lookahead: number;
}

type Slot = { state: "pending"; waiters: ((f: ReadyFile | null) => void)[] } | { state: "ready"; file: ReadyFile } | { state: "skipped" };

export class FileSource {
  private readonly pool: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly slots = new Map<number, Slot>();
  private readonly busy = new Map<Worker, { index: number; started: number }>();
  private nextToGenerate = 0;
  private taken = 0;
  private closed = false;
  private fatal: Error | null = null;

  constructor(private readonly options: FileSourceOptions) {}

  async start(): Promise<void> {
    const job: GenerateJob = { world: this.options.world, outDir: this.options.dir, gzip: this.options.gzip, shard: 0 };
    const ready: Promise<void>[] = [];
    for (let w = 0; w < Math.max(1, this.options.workers); w++) {
      const worker = new Worker(workerUrl(), { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      this.pool.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once("error", reject);
          worker.on("message", (m: FromWorker) => {
            if (m.type === "ready") {
              this.idle.push(worker);
              resolve();
            } else this.onMessage(worker, m);
          });
        }),
      );
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (code !== 0 && !this.closed) this.fail(new Error(`generation worker exited with code ${code}`));
      });
    }
    await Promise.all(ready);
    this.pump();
  }

  private fail(error: Error): void {
    this.fatal ??= error;
    for (const slot of this.slots.values()) if (slot.state === "pending") for (const w of slot.waiters) w(null);
  }

  private pump(): void {
    while (!this.closed && this.idle.length > 0 && this.nextToGenerate < this.options.iterations && this.nextToGenerate < this.taken + this.options.lookahead) {
      const index = this.nextToGenerate++;
      const worker = this.idle.pop()!;
      if (!this.slots.has(index)) this.slots.set(index, { state: "pending", waiters: [] });
      this.busy.set(worker, { index, started: performance.now() });
      worker.postMessage({ type: "file", spec: this.options.specOf(index) } satisfies ToWorker);
    }
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    const job = this.busy.get(worker);
    if (!job || m.type === "progress" || m.type === "ready") return;
    this.busy.delete(worker);
    this.idle.push(worker);
    const slot = this.slots.get(job.index);
    if (m.type === "error") {
      const error = m.userFacing ? new RangeError(m.message) : new Error(m.message);
      this.fail(error);
      return;
    }
    const ready: ReadyFile = { index: job.index, path: join(this.options.dir, ...m.file.path.split("/")), spec: this.options.specOf(job.index), file: m.file, generationMs: performance.now() - job.started };
    if (slot?.state === "skipped" || this.closed) {
      void rm(ready.path, { force: true });
    } else {
      const waiters = slot?.state === "pending" ? slot.waiters : [];
      this.slots.set(job.index, { state: "ready", file: ready });
      for (const w of waiters) w(ready);
    }
    this.pump();
  }

  /** Iteration i's file if it is ready now; otherwise null, and the file is skipped. Call in iteration order. */
  takeNow(i: number): ReadyFile | null {
    if (this.fatal) throw this.fatal;
    this.taken = Math.max(this.taken, i + 1);
    const slot = this.slots.get(i);
    let out: ReadyFile | null = null;
    if (slot?.state === "ready") {
      out = slot.file;
      this.slots.delete(i);
    } else this.slots.set(i, { state: "skipped" });
    this.pump();
    return out;
  }

  /** Iteration i's file, waiting for it (batch runs: nothing is dropped). */
  async take(i: number): Promise<ReadyFile> {
    if (this.fatal) throw this.fatal;
    this.taken = Math.max(this.taken, i + 1);
    this.pump();
    const file = await this.ready(i);
    this.slots.delete(i);
    this.pump();
    return file;
  }

  /** Waits until iteration i's file is generated (it stays in its slot). */
  private async ready(i: number): Promise<ReadyFile> {
    const slot = this.slots.get(i);
    if (slot?.state === "ready") return slot.file;
    if (this.fatal) throw this.fatal;
    const pending = slot?.state === "pending" ? slot : { state: "pending" as const, waiters: [] };
    this.slots.set(i, pending);
    const file = await new Promise<ReadyFile | null>((resolve) => pending.waiters.push(resolve));
    if (!file) throw this.fatal ?? new Error("file source closed");
    return file;
  }

  /** Waits until the first `n` files are ready (before the clock starts). */
  async warmUp(n: number): Promise<void> {
    const want = Math.min(n, this.options.iterations, this.options.lookahead);
    for (let i = 0; i < want; i++) await this.ready(i);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.pool.map((w) => w.terminate()));
    await rm(this.options.dir, { recursive: true, force: true });
  }
}
