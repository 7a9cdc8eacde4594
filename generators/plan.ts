/**
 * File planning and rendering. A generation run is a list of files, each a pure function of
 * (world, kind, format, index range); file names do not depend on sharding or workers, and shard i of
 * N takes every file whose ordinal in the canonical plan is i modulo N.
 */
import { pad } from "./core/identifiers.js";
import type { World } from "./core/world.js";
import { entityOf, KINDS, populationOf, type Kind } from "./kinds.js";
import { FORMAT_GROUPS } from "./writers/index.js";
import type { OutputFormat } from "./writers/format.js";
import { X12_FORMATS } from "./writers/x12/index.js";
import { resolveX12Options, type X12Options } from "./writers/x12/options.js";
import type { RecordWriter } from "./writers/format.js";
import { defectByCode, validatePolicy } from "./defects/catalogue.js";
import { validateDefectOptions, type DefectOptions } from "./defects/selection.js";
import { renderWithDefects, type DefectEntry, type ExpectedCounts, type GzipDirective } from "./defects/render.js";

export interface FileSpec {
  /** Relative to the output directory, with `/` separators. */
  path: string;
  kind: Kind;
  format: string;
  fileIndex: number;
  firstIndex: number;
  lastIndex: number;
  /** Ordinal in the canonical plan (used for sharding). */
  ordinal: number;
  /** X12 options of an X12 file (present only when the plan was given some). */
  x12?: X12Options;
  /** Defects to inject (present only when the plan was given some). */
  defects?: DefectOptions;
  /** How many files of this kind and format the plan has (a duplicate ISA13 needs another file). */
  filesOfFormat?: number;
}

export interface PlanOptions {
  kinds: readonly Kind[];
  formats: readonly string[];
  recordsPerFile: number;
  gzip?: boolean;
  /** Options of the X12 formats (see DEFAULT_X12_OPTIONS); validated here, carried on the X12 files' specs. */
  x12?: X12Options;
  /** Defect injection (rate, file share, codes, policy); carried on every file's spec. */
  defects?: DefectOptions;
}

export function formatByName(name: string): OutputFormat {
  for (const group of Object.values(FORMAT_GROUPS)) for (const f of group) if (f.name === name) return f;
  throw new RangeError(`unknown format ${JSON.stringify(name)}`);
}

/** Every file of a run, in canonical order: kind, then format, then file index. */
export function planFiles(world: World, options: PlanOptions): FileSpec[] {
  if (!Number.isInteger(options.recordsPerFile) || options.recordsPerFile < 1) {
    throw new RangeError(`records per file must be a whole number ≥ 1, got ${String(options.recordsPerFile)}`);
  }
  if (options.x12 !== undefined) resolveX12Options(options.x12);
  if (options.defects !== undefined) {
    validateDefectOptions(options.defects);
    options.defects.codes.forEach(defectByCode);
    if (options.defects.policy) validatePolicy(options.defects.policy);
  }
  const specs: FileSpec[] = [];
  for (const kind of KINDS) {
    if (!options.kinds.includes(kind)) continue;
    const total = populationOf(world, kind);
    const files = Math.ceil(total / options.recordsPerFile);
    for (const group of options.formats) {
      const formats = FORMAT_GROUPS[group];
      if (!formats) throw new RangeError(`unknown format ${JSON.stringify(group)} (known: ${Object.keys(FORMAT_GROUPS).join(", ")})`);
      for (const format of formats) {
        if (!format.kinds.includes(kind)) continue;
        for (let f = 0; f < files; f++) {
          const firstIndex = f * options.recordsPerFile;
          const spec: FileSpec = {
            path: `${kind}/${kind}-${pad(f, 5)}.${format.extension}${options.gzip ? ".gz" : ""}`,
            kind,
            format: format.name,
            fileIndex: f,
            firstIndex,
            lastIndex: Math.min(firstIndex + options.recordsPerFile, total) - 1,
            ordinal: specs.length,
          };
          if (options.x12 !== undefined && X12_FORMATS.includes(format)) spec.x12 = { ...options.x12 };
          if (options.defects !== undefined) {
            spec.defects = options.defects;
            spec.filesOfFormat = files;
          }
          specs.push(spec);
        }
      }
    }
  }
  return specs;
}

/** The files of shard `index` of `count`. */
export function shardFiles(specs: readonly FileSpec[], index: number, count: number): FileSpec[] {
  return specs.filter((s) => s.ordinal % count === index);
}

export interface RenderCounts {
  records: number;
  lines: number;
  /** With defects: each injected defect with its locator. */
  defects?: DefectEntry[];
  /** With defects: the records a correct pipeline loads, rejects and flags. */
  expected?: ExpectedCounts;
  /** With defects: what the byte sink must do about gzip. */
  gzip?: GzipDirective;
}

/**
 * Renders a file as text chunks of about `chunkChars` characters, in constant memory.
 * The generator's return value holds the counts of records and service lines written.
 * `options.x12` overrides the X12 options carried on the spec.
 */
export function* renderFile(
  world: World,
  spec: FileSpec,
  options: { chunkChars?: number; onProgress?: (indexesDone: number) => void; x12?: X12Options } = {},
): Generator<string | Uint8Array, RenderCounts, void> {
  const chunkChars = options.chunkChars ?? 1 << 20;
  const format = formatByName(spec.format);
  const x12 = options.x12 ?? spec.x12;
  const writer = format.open({ world, kind: spec.kind, fileIndex: spec.fileIndex, firstIndex: spec.firstIndex, lastIndex: spec.lastIndex, ...(x12 ? { x12 } : {}) });
  if (spec.defects && (spec.defects.rate > 0 || spec.defects.fileShare > 0)) {
    return yield* renderWithDefects(world, spec, writer as RecordWriter<unknown>, spec.defects, { chunkChars, onProgress: options.onProgress, x12 });
  }
  let buffer = writer.begin();
  let records = 0;
  if (writer.writeIndex !== undefined) {
    for (let i = spec.firstIndex; i <= spec.lastIndex; i++) {
      if (writer.acceptsIndex && !writer.acceptsIndex(i)) continue;
      const text = writer.writeIndex(i);
      if (text === undefined) continue;
      buffer += text;
      records++;
      if (buffer.length >= chunkChars) {
        options.onProgress?.(i - spec.firstIndex + 1);
        yield buffer;
        buffer = "";
      }
    }
  } else {
    for (let i = spec.firstIndex; i <= spec.lastIndex; i++) {
      if (writer.acceptsIndex && !writer.acceptsIndex(i)) continue;
      const record = entityOf(world, spec.kind, i);
      if (!writer.accepts(record)) continue;
      buffer += writer.write(record);
      records++;
      if (buffer.length >= chunkChars) {
        options.onProgress?.(i - spec.firstIndex + 1);
        yield buffer;
        buffer = "";
      }
    }
  }
  buffer += writer.end();
  options.onProgress?.(spec.lastIndex - spec.firstIndex + 1);
  if (buffer.length > 0) yield buffer;
  return { records, lines: writer.lines };
}
