/**
 * Writes one planned file: renders its chunks, optionally gzips them, hashes the bytes as written and
 * streams them to `<path>.partial`, renamed into place only when complete. Memory stays constant
 * whatever the file size: one chunk in flight, with backpressure from the file stream.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { ensureDir } from "../util/fs.js";
import { dirname, join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { plannedFileDefect, renderFile, type DefectEntry, type ExpectedCounts, type FileSpec, type RenderCounts, type World } from "../../generators/index.js";

export interface ManifestFile {
  path: string;
  kind: string;
  format: string;
  records: number;
  lines: number;
  bytes: number;
  sha256: string;
  shard: number;
  firstIndex: number;
  lastIndex: number;
  /** With defects: every injected defect, unless there are too many, see defectsFile. */
  defects?: DefectEntry[];
  /** With defects: how many this file has. */
  defectCount?: number;
  /** With many defects: the file beside the manifest that lists them (lines with this file's path). */
  defectsFile?: string;
  /** With defects: the records a correct pipeline loads, rejects and flags. */
  expected?: ExpectedCounts;
}

const OUTPUT_BUFFER_BYTES = 1 << 20;

/** Where FILE_GZIP_CORRUPT breaks the compressed stream: past the 10-byte gzip header, inside the deflate data. */
const CORRUPT_GZIP_AT = 12;

/** Inverts 8 bytes of the stream at a fixed offset (or the last bytes of a shorter stream's first chunk). */
class CorruptAfter extends Transform {
  private seen = 0;
  private done = false;
  constructor(private readonly offset: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.done && this.seen + chunk.length > this.offset) {
      const copy = Buffer.from(chunk);
      const start = Math.max(0, this.offset - this.seen);
      for (let i = start; i < Math.min(copy.length, start + 8); i++) copy[i] = copy[i]! ^ 0xff;
      this.done = true;
      this.seen += chunk.length;
      done(null, copy);
      return;
    }
    this.seen += chunk.length;
    done(null, chunk);
  }
}

class HashTap extends Transform {
  readonly hash = createHash("sha256");
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/** Writes each chunk and waits for it before taking the next (so a reused buffer is safe), hashing as it goes. */
async function writeDirect(path: string, source: AsyncIterable<Buffer>, tap: HashTap): Promise<void> {
  const file = await open(path, "w");
  try {
    for await (const bytes of source) {
      tap.hash.update(bytes);
      tap.bytes += bytes.length;
      for (let at = 0; at < bytes.length; ) at += (await file.write(bytes, at, bytes.length - at)).bytesWritten;
    }
  } finally {
    await file.close();
  }
}

export async function writePlannedFile(
  world: World,
  spec: FileSpec,
  outDir: string,
  options: { gzip: boolean; shard: number; onRecords?: (n: number) => void },
): Promise<ManifestFile> {
  const target = join(outDir, ...spec.path.split("/"));
  const partial = `${target}.partial`;
  await ensureDir(dirname(target));
  let counts: RenderCounts = { records: 0, lines: 0 };
  // Small text chunks keep V8's string ropes short-lived; they are packed into 1 MiB buffers. With
  // `reuse`, one buffer serves the whole file: the consumer must be done with a chunk before it asks
  // for the next (a file written chunk by chunk), so no garbage buffers pile up outside the JS heap.
  async function* chunks(reuse: boolean): AsyncGenerator<Buffer> {
    let done = 0;
    const it = renderFile(world, spec, {
      chunkChars: 16_384,
      onProgress: (n) => {
        options.onRecords?.(n - done);
        done = n;
      },
    });
    let buffer = Buffer.allocUnsafe(OUTPUT_BUFFER_BYTES);
    let used = 0;
    for (;;) {
      const step = it.next();
      if (step.done) {
        counts = step.value;
        break;
      }
      const text = step.value;
      if (typeof text !== "string") {
        // raw bytes (a defect that needs bytes that are not valid UTF-8)
        if (used > 0) yield buffer.subarray(0, used);
        buffer = Buffer.allocUnsafe(OUTPUT_BUFFER_BYTES);
        used = 0;
        yield Buffer.from(text);
        continue;
      }
      if (used + text.length * 3 > buffer.length) {
        if (used > 0) yield buffer.subarray(0, used);
        if (!reuse || text.length * 3 > buffer.length) buffer = Buffer.allocUnsafe(Math.max(OUTPUT_BUFFER_BYTES, text.length * 3));
        used = 0;
      }
      used += buffer.write(text, used, "utf8");
    }
    if (used > 0) yield buffer.subarray(0, used);
  }
  const tap = new HashTap();
  // gzip: one chunk ahead at most (Readable.from's default is 16)
  const source = (): Readable => Readable.from(chunks(false), { objectMode: true, highWaterMark: 1 });
  const fileDefect = spec.defects ? plannedFileDefect(world, spec, spec.defects)?.code : undefined;
  try {
    if (!options.gzip || fileDefect === "FILE_GZIP_NOT_GZIP") await writeDirect(partial, chunks(true), tap);
    else if (fileDefect === "FILE_GZIP_CORRUPT") await pipeline(source(), createGzip({ level: 6 }), new CorruptAfter(CORRUPT_GZIP_AT), tap, createWriteStream(partial));
    else await pipeline(source(), createGzip({ level: 6 }), tap, createWriteStream(partial));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return {
    path: spec.path,
    kind: spec.kind,
    format: spec.format,
    records: counts.records,
    lines: counts.lines,
    bytes: tap.bytes,
    sha256: tap.hash.digest("hex"),
    shard: options.shard,
    firstIndex: spec.firstIndex,
    lastIndex: spec.lastIndex,
    ...(counts.defects ? { defects: counts.defects, expected: counts.expected } : {}),
  };
}
