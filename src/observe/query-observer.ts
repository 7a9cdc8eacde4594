/**
 * The query observer: while the run ingests, a fixed-rate mix of queries against MongoDB/DocumentDB
 * (see queries.ts), each query's latency and errors recorded. Parameters are drawn from the records of
 * files already uploaded (so the queries look for documents that exist or are about to). Arrivals are
 * open-model per query; a query whose previous calls are all still running (4 at most) is skipped and
 * counted, never queued.
 */
import type { Db } from "mongodb";
import { OBSERVER_METRICS } from "../../scenarios/index.js";
import { pick } from "./observer.js";
import type { Observer, ObserverContext, UploadedFile } from "./observer.js";
import { QUERIES, type QueryDefinition, type QueryParameters } from "./queries.js";

export const QUERY_METRICS = pick(OBSERVER_METRICS, ["query_duration", "query_failed", "query_skipped"]);

const IN_FLIGHT_PER_QUERY = 4;
/** Parameter sets kept (the newest replace the oldest). */
const POOL = 512;

export interface QueryObserverOptions {
  db: Db;
  /** Query name → rate per second (0 turns it off); default: each query's own rate. */
  rates?: Readonly<Record<string, number>>;
  /** Parameters drawn from an uploaded file's records. */
  parametersOf: (file: UploadedFile) => QueryParameters[];
  /** Initial parameters (before anything is uploaded), e.g. from the seed's population. */
  initial?: QueryParameters[];
  /** Per-query time limit. */
  maxTimeMS?: number;
}

export class QueryObserver implements Observer {
  readonly name = "queries";
  readonly metrics = QUERY_METRICS;
  private ctx!: ObserverContext;
  private readonly pool: QueryParameters[] = [];
  private next = 0;
  private draw = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: QueryObserverOptions) {
    this.pool.push(...(options.initial ?? []));
  }

  async start(ctx: ObserverContext): Promise<void> {
    this.ctx = ctx;
    for (const q of QUERIES) {
      const rate = this.options.rates?.[q.name] ?? q.rate;
      if (!(rate > 0)) continue;
      let inFlight = 0;
      this.timers.push(
        setInterval(() => {
          if (this.pool.length === 0) return;
          if (inFlight >= IN_FLIGHT_PER_QUERY) {
            ctx.metrics.add("query_skipped", 1, { query: q.name });
            return;
          }
          inFlight++;
          const p = this.once(q).finally(() => {
            inFlight--;
            this.running.delete(p);
          });
          this.running.add(p);
        }, 1000 / rate),
      );
    }
  }

  onUpload(file: UploadedFile): void {
    for (const p of this.options.parametersOf(file)) {
      if (this.pool.length < POOL) this.pool.push(p);
      else this.pool[this.next++ % POOL] = p;
    }
  }

  private async once(q: QueryDefinition): Promise<void> {
    // a deterministic walk over the pool (no shared RNG): every parameter set gets its turn
    const p = this.pool[(this.draw = (this.draw + 7919) % Math.max(1, this.pool.length))]!;
    const started = performance.now();
    try {
      await q.run(this.options.db, p, { maxTimeMS: this.options.maxTimeMS ?? 10_000 });
      const ms = performance.now() - started;
      this.ctx.metrics.trend("query_duration", ms, { query: q.name });
      this.ctx.metrics.rate("query_failed", false, { query: q.name });
      this.ctx.series.latency("query", ms, performance.now());
    } catch (error) {
      this.ctx.metrics.rate("query_failed", true, { query: q.name });
      this.ctx.series.add("query_failures", 1, performance.now());
      this.ctx.error(this.name, `${q.name}: ${(error as Error).message}`);
    }
  }

  async stop(deadline: number): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    const rest = Math.max(0, deadline - Date.now());
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, rest).unref())]);
  }
}
