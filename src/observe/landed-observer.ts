/**
 * The landed observer: for every uploaded file, when are all the records a correct pipeline loads
 * from it queryable? It polls the target collection until the file's expected count is reached —
 * by lineage (`_source.key`, written by the reference pipeline) or, where the pipeline writes no
 * lineage or a record can be reloaded by a later file (members and providers overlap between files),
 * by the records' natural keys, known from the seed without being stored. Records landed latency
 * (upload completed → all records queryable), the share of files fully landed by the deadline, and
 * documents beyond the expected count (duplicates).
 */
import type { Db } from "mongodb";
import { OBSERVER_METRICS } from "../../scenarios/index.js";
import { pick } from "./observer.js";
import type { Observer, ObserverContext, UploadedFile } from "./observer.js";

export const LANDED_METRICS = pick(OBSERVER_METRICS, ["landed_latency", "landed_ratio", "landed_duplicates"]);

/** The collection a kind's records land in. */
export const LANDING_COLLECTION: Record<string, string> = { claims: "claims", encounters: "encounters", eligibility: "members", providers: "providers" };

export interface NaturalKeys {
  field: string;
  values: string[];
}

export interface LandedOptions {
  db: Db;
  pollMs?: number;
  /** The natural keys of a file's records (from the seed), for files checked by key; null: by lineage. */
  keysOf?: (file: UploadedFile) => NaturalKeys | null;
}

interface Pending {
  file: UploadedFile;
  keys: NaturalKeys | null;
}

export class LandedObserver implements Observer {
  readonly name = "landed";
  readonly metrics = LANDED_METRICS;
  private ctx!: ObserverContext;
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(private readonly options: LandedOptions) {}

  async start(ctx: ObserverContext): Promise<void> {
    this.ctx = ctx;
    this.timer = setInterval(() => void this.pollOnce(), this.options.pollMs ?? 500);
  }

  /** One poll at a time: a caller arriving during a poll waits for it. */
  private pollOnce(): Promise<void> {
    this.polling ??= this.poll().finally(() => (this.polling = null));
    return this.polling;
  }

  onUpload(file: UploadedFile): void {
    if (!LANDING_COLLECTION[file.kind]) return;
    if (file.expectedLoaded === 0) {
      this.ctx.metrics.rate("landed_ratio", true, { kind: file.kind });
      return;
    }
    this.pending.set(file.key, { file, keys: this.options.keysOf?.(file) ?? null });
  }

  private landed(p: Pending, found: number, now: number): void {
    if (!this.pending.delete(p.file.key)) return;
    const latency = now - p.file.uploadedAt;
    this.ctx.metrics.trend("landed_latency", latency, { kind: p.file.kind });
    this.ctx.metrics.rate("landed_ratio", true, { kind: p.file.kind });
    if (found > p.file.expectedLoaded) this.ctx.metrics.add("landed_duplicates", found - p.file.expectedLoaded);
    this.ctx.series.latency("landed", latency, performance.now());
    this.ctx.series.add("landed_files", 1, performance.now());
  }

  private async poll(): Promise<void> {
    if (this.pending.size === 0) return;
    try {
      const byLineage = new Map<string, Pending[]>();
      for (const p of this.pending.values()) {
        const collection = LANDING_COLLECTION[p.file.kind]!;
        if (p.keys) {
          const n = await this.options.db.collection(collection).countDocuments({ [p.keys.field]: { $in: p.keys.values } }, { maxTimeMS: 10_000 });
          if (n >= p.file.expectedLoaded) this.landed(p, n, Date.now());
        } else {
          const list = byLineage.get(collection) ?? [];
          list.push(p);
          byLineage.set(collection, list);
        }
      }
      for (const [collection, list] of byLineage) {
        const counts = await this.options.db
          .collection(collection)
          .aggregate<{ _id: string; n: number }>([{ $match: { "_source.key": { $in: list.map((p) => p.file.key) } } }, { $group: { _id: "$_source.key", n: { $sum: 1 } } }], { maxTimeMS: 10_000 })
          .toArray();
        const now = Date.now();
        const found = new Map(counts.map((c) => [c._id, c.n]));
        for (const p of list) {
          const n = found.get(p.file.key) ?? 0;
          if (n >= p.file.expectedLoaded) this.landed(p, n, now);
        }
      }
    } catch (error) {
      this.ctx.error(this.name, (error as Error).message);
    }
  }

  async stop(deadline: number): Promise<void> {
    while (this.pending.size > 0 && Date.now() < deadline) {
      await this.pollOnce();
      if (this.pending.size > 0) await new Promise((r) => setTimeout(r, Math.min(this.options.pollMs ?? 500, Math.max(0, deadline - Date.now()))));
    }
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    for (const p of this.pending.values()) this.ctx.metrics.rate("landed_ratio", false, { kind: p.file.kind });
    if (this.pending.size > 0) this.ctx.log(`landed: ${this.pending.size} file(s) not fully landed by the deadline`);
    this.pending.clear();
  }
}
