/**
 * The generation API behind `hcsynth generate`: plans the files, writes this shard's share on worker
 * threads (or in this thread when workers ≤ 1), and writes manifest.json last, atomically, only when
 * every file is complete. Output is byte-identical whatever the number of workers or shards.
 */
import { Worker } from "node:worker_threads";
import { readdir, rename, rm, writeFile } from "node:fs/promises";
import { ensureDir } from "../util/fs.js";
import { join } from "node:path";
import {
  createWorld,
  planFiles,
  shardFiles,
  withCodeLists,
  type CodeLists,
  type FileSpec,
  type Kind,
  type World,
  type WorldConfig,
  type X12Options,
  type DefectOptions,
  CATALOGUE_VERSION,
} from "../../generators/index.js";
import { UserError } from "../cli/errors.js";
import { VERSION } from "../version.js";
import { writePlannedFile, type ManifestFile } from "./file-writer.js";
import { workerUrl, type FromWorker, type GenerateJob, type ToWorker } from "./job.js";

export interface GenerateOptions {
  /** A partial world config (validated here). */
  world: unknown;
  codes?: Partial<CodeLists>;
  outDir: string;
  kinds: readonly Kind[];
  formats: readonly string[];
  recordsPerFile: number;
  gzip: boolean;
  shard: { index: number; count: number };
  workers: number;
  force: boolean;
  /** Options of the X12 formats (IDs, separators, usage, transaction-set size, 834 mode). */
  x12?: X12Options;
  /** Defect injection: record rate, file share, codes, policy. */
  defects?: DefectOptions;
}

export interface Manifest {
  tool: "hcsynth";
  version: string;
  seed: number;
  options: {
    kinds: readonly Kind[];
    formats: readonly string[];
    recordsPerFile: number;
    gzip: boolean;
    x12: X12Options;
    defects?: DefectOptions;
    world: WorldConfig;
    codeLists: Record<string, string>;
  };
  shard: { index: number; count: number };
  /** Present when defects were injected: the version of the defect catalogue the codes belong to. */
  defectCatalogueVersion?: string;
  files: ManifestFile[];
}

/** A file with more defects than this lists them in defects.jsonl beside the manifest. */
export const DEFECTS_INLINE_LIMIT = 2000;

export interface GenerateHooks {
  /** Called once with the number of record indexes to generate, then with increments. */
  onStart?: (totalIndexes: number, files: number) => void;
  onProgress?: (indexes: number) => void;
}

async function prepareOutDir(outDir: string, force: boolean): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(outDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") throw new UserError(`--out ${outDir}: is not a directory`);
    if (code !== "ENOENT") throw new UserError(`--out ${outDir}: cannot be read (${code ?? "error"})`);
  }
  if (entries.length > 0 && !force) throw new UserError(`--out ${outDir}: is not empty (use --force to write into it)`);
  try {
    await ensureDir(outDir);
    const probe = join(outDir, `.hcsynth-write-probe-${process.pid}`);
    await writeFile(probe, "");
    await rm(probe);
  } catch (error) {
    throw new UserError(`--out ${outDir}: is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // A stale manifest must never describe this run's files.
  await rm(join(outDir, "manifest.json"), { force: true });
}

async function runInThisThread(world: World, specs: FileSpec[], options: GenerateOptions, hooks: GenerateHooks): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  for (const spec of specs) {
    files.push(await writePlannedFile(world, spec, options.outDir, { gzip: options.gzip, shard: options.shard.index, onRecords: hooks.onProgress }));
  }
  return files;
}

async function runInWorkers(job: GenerateJob, specs: FileSpec[], workers: number, hooks: GenerateHooks): Promise<ManifestFile[]> {
  const queue = [...specs];
  const files: ManifestFile[] = [];
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      let failed = false;
      const fail = (error: Error): void => {
        if (!failed) {
          failed = true;
          reject(error);
        }
      };
      const feed = (w: Worker): void => {
        const spec = queue.shift();
        if (spec) {
          active++;
          w.postMessage({ type: "file", spec } satisfies ToWorker);
        } else if (active === 0) {
          resolve();
        }
      };
      const count = Math.min(workers, specs.length);
      if (count === 0) resolve();
      for (let i = 0; i < count; i++) {
        // a larger young generation: generation allocates many short-lived objects
        const w = new Worker(workerUrl(), { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
        pool.push(w);
        w.on("message", (m: FromWorker) => {
          if (failed) return;
          switch (m.type) {
            case "ready":
              feed(w);
              break;
            case "progress":
              hooks.onProgress?.(m.records);
              break;
            case "done":
              files.push(m.file);
              active--;
              feed(w);
              break;
            case "error": {
              const e = m.userFacing ? new RangeError(m.message) : new Error(m.message);
              if (m.stack) e.stack = m.stack;
              fail(e);
              break;
            }
          }
        });
        w.on("error", fail);
        w.on("exit", (code) => {
          if (code !== 0) fail(new Error(`generation worker exited with code ${code}`));
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return files;
}

/**
 * Files with more than DEFECTS_INLINE_LIMIT defects list them in defects.jsonl (one JSON object per
 * line, with the file's path) instead of inline; the manifest entry then says where and how many.
 */
async function moveLargeDefectLists(outDir: string, files: ManifestFile[]): Promise<void> {
  const lines: string[] = [];
  for (const f of files) {
    if (f.defects && f.defects.length > DEFECTS_INLINE_LIMIT) {
      for (const d of f.defects) lines.push(JSON.stringify({ path: f.path, ...d }));
      f.defectsFile = "defects.jsonl";
      f.defectCount = f.defects.length;
      delete f.defects;
    } else if (f.defects) {
      f.defectCount = f.defects.length;
    }
  }
  const target = join(outDir, "defects.jsonl");
  if (lines.length > 0) await writeFile(target, lines.join("\n") + "\n");
  else await rm(target, { force: true });
}

/** Generates this shard's files and the manifest; throws UserError/RangeError on bad input. */
export async function generate(options: GenerateOptions, hooks: GenerateHooks = {}): Promise<Manifest> {
  const { index, count } = options.shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new UserError(`--shard ${index}/${count}: expected i/N with 0 ≤ i < N`);
  }
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new UserError(`--workers ${options.workers}: expected a whole number ≥ 1`);
  const codes = options.codes ? withCodeLists(options.codes) : undefined;
  const world = createWorld(options.world, { codes });
  const plan = planFiles(world, { kinds: options.kinds, formats: options.formats, recordsPerFile: options.recordsPerFile, gzip: options.gzip, x12: options.x12, defects: options.defects });
  const mine = shardFiles(plan, index, count);
  await prepareOutDir(options.outDir, options.force);
  hooks.onStart?.(mine.reduce((n, s) => n + (s.lastIndex - s.firstIndex + 1), 0), mine.length);

  const job: GenerateJob = { world: world.config, codes: options.codes, outDir: options.outDir, gzip: options.gzip, shard: index };
  const files = options.workers <= 1 ? await runInThisThread(world, mine, options, hooks) : await runInWorkers(job, mine, options.workers, hooks);
  const order = new Map(mine.map((s) => [s.path, s.ordinal]));
  files.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));

  const codeLists: Record<string, string> = {};
  for (const name of Object.keys(world.codes)) codeLists[name] = options.codes?.[name as keyof CodeLists] ? "user-supplied" : "bundled";
  const manifest: Manifest = {
    tool: "hcsynth",
    version: VERSION,
    seed: world.seed,
    options: {
      kinds: options.kinds,
      formats: options.formats,
      recordsPerFile: options.recordsPerFile,
      gzip: options.gzip,
      x12: options.x12 ?? {},
      ...(options.defects ? { defects: options.defects } : {}),
      world: world.config,
      codeLists,
    },
    shard: { index, count },
    ...(options.defects ? { defectCatalogueVersion: CATALOGUE_VERSION } : {}),
    files,
  };
  if (options.defects) await moveLargeDefectLists(options.outDir, files);
  const target = join(options.outDir, "manifest.json");
  await writeFile(`${target}.partial`, JSON.stringify(manifest, null, 2) + "\n");
  await rename(`${target}.partial`, target);
  return manifest;
}
