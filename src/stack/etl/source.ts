/**
 * The byte side of both passes: gzip detection by magic bytes, inflation with a bomb guard, strict
 * UTF-8 decoding and byte-order-mark stripping. Yields text chunks in bounded memory; every problem
 * with the bytes is thrown as an EtlFailure carrying a catalogue code.
 */
import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { ETL_REASONS } from "./codes.js";
import type { EtlOptions, FileFailure } from "./types.js";

/** A file-level failure, thrown through the parsers and caught by analyze. */
export class EtlFailure extends Error {
  constructor(readonly failure: FileFailure) {
    super(`${failure.reason}: ${failure.message}`);
    this.name = "EtlFailure";
  }
}

export function fail(reason: string, message: string, at: { line?: number; segment?: number } = {}): never {
  throw new EtlFailure({ reason, message, ...(at.line !== undefined ? { line: at.line } : {}), ...(at.segment !== undefined ? { segment: at.segment } : {}) });
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const BOMB_RATIO = 200;
const BOMB_ALLOWANCE = MIB;
const DEFAULT_MAX_DECOMPRESSED = 8 * GIB;

/** Errors of the caller's byte source (an S3 read failing): rethrown as they are, never blamed on the file. */
class SourceError extends Error {
  constructor(readonly original: unknown) {
    super("source read failed");
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * One pass over an object. Call `text()` once; on a content failure in a gzip file, `drain()` reads on
 * to tell whether the real cause is a corrupt gzip stream; `close()` releases the source.
 */
export class Input {
  container: "plain" | "gzip" = "plain";
  bom = false;
  /** Bytes after decompression that were decoded. */
  decodedBytes = 0;
  private bytes: AsyncGenerator<Uint8Array> | undefined;
  private raw: AsyncIterator<Uint8Array> | undefined;

  constructor(
    private readonly open: () => AsyncIterable<Uint8Array>,
    private readonly name: string,
    private readonly options: EtlOptions,
  ) {}

  /** The file's text, in chunks. Throws EtlFailure for FILE_EMPTY, FILE_GZIP_*, FILE_INVALID_UTF8 and the bomb guard. */
  async *text(): AsyncGenerator<string> {
    const raw = this.open()[Symbol.asyncIterator]();
    this.raw = raw;
    const next = async (): Promise<IteratorResult<Uint8Array>> => {
      try {
        return await raw.next();
      } catch (error) {
        throw new SourceError(error);
      }
    };
    // peek at the first two bytes
    const head: Uint8Array[] = [];
    let headLength = 0;
    let ended = false;
    while (headLength < 2) {
      const r = await next();
      if (r.done) {
        ended = true;
        break;
      }
      if (r.value.byteLength > 0) {
        head.push(r.value);
        headLength += r.value.byteLength;
      }
    }
    if (headLength === 0) fail("FILE_EMPTY", "the file has no bytes");
    const first = concat(head, headLength);
    const gzip = first.byteLength >= 2 && first[0] === 0x1f && first[1] === 0x8b;
    if (!gzip && /\.gz$/i.test(this.name)) fail("FILE_GZIP_NOT_GZIP", `${this.name} is named .gz but does not start with the gzip magic bytes 1f 8b`);
    async function* plain(): AsyncGenerator<Uint8Array> {
      yield first;
      if (ended) return;
      for (;;) {
        const r = await next();
        if (r.done) return;
        yield r.value;
      }
    }
    if (gzip) {
      this.container = "gzip";
      this.bytes = inflate(plain(), this.options.maxDecompressedBytes);
    } else {
      this.bytes = plain();
    }

    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    let started = false;
    const decode = (chunk: Uint8Array | undefined): string => {
      try {
        return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
      } catch {
        return fail("FILE_INVALID_UTF8", `bytes that are not valid UTF-8 within the first ${this.decodedBytes} bytes${this.container === "gzip" ? " (decompressed)" : ""}`);
      }
    };
    for (;;) {
      const r = await this.bytes.next();
      const chunk = r.done ? undefined : r.value;
      if (chunk) this.decodedBytes += chunk.byteLength;
      let text = decode(chunk);
      if (!started && text.length > 0) {
        started = true;
        if (text.charCodeAt(0) === 0xfeff) {
          this.bom = true;
          text = text.slice(1);
        }
      }
      if (text.length > 0) yield text;
      if (r.done) break;
    }
    if (this.decodedBytes === 0) fail("FILE_EMPTY", this.container === "gzip" ? "the gzip stream inflates to no bytes" : "the file has no bytes");
  }

  /**
   * After a content failure in a gzip file: reads the rest of the compressed stream (bounded by the
   * bomb guard) and returns the gzip failure if there is one, which is then the better explanation.
   */
  async drain(): Promise<FileFailure | undefined> {
    if (this.container !== "gzip" || !this.bytes) return undefined;
    try {
      for (;;) {
        const r = await this.bytes.next();
        if (r.done) return undefined;
      }
    } catch (error) {
      if (error instanceof EtlFailure) return error.failure;
      throw unwrap(error);
    }
  }

  async close(): Promise<void> {
    try {
      await this.bytes?.return(undefined);
    } catch {
      // closing a failed stream
    }
    try {
      await this.raw?.return?.();
    } catch {
      // the source's own cleanup failing is not the file's problem
    }
  }
}

/** Source errors are rethrown as the caller's own error. */
export function unwrap(error: unknown): unknown {
  return error instanceof SourceError ? error.original : error;
}

/** Inflates a gzip stream (concatenated members too), failing on corruption and on a bomb. */
async function* inflate(source: AsyncGenerator<Uint8Array>, maxDecompressed: number | undefined): AsyncGenerator<Uint8Array> {
  let sourceError: unknown;
  const counted = Readable.from(
    (async function* () {
      try {
        for await (const chunk of source) yield chunk;
      } catch (error) {
        sourceError = error;
        throw error;
      }
    })(),
    { objectMode: false, highWaterMark: 64 * 1024 },
  );
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  pipeline(counted, gunzip, () => {
    // errors surface through the iteration below
  });
  // the ratio is against the compressed bytes the inflater has consumed (not those read ahead)
  const limit = (): number => (maxDecompressed !== undefined ? maxDecompressed : Math.min(DEFAULT_MAX_DECOMPRESSED, BOMB_RATIO * gunzip.bytesWritten + BOMB_ALLOWANCE));
  let out = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      out += chunk.byteLength;
      if (out > limit()) {
        fail(
          ETL_REASONS.DECOMPRESSED_TOO_LARGE,
          `the gzip stream inflates to more than ${limit()} bytes from ${gunzip.bytesWritten} compressed bytes (a gzip bomb?); stopped after ${out} bytes`,
        );
      }
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } catch (error) {
    if (error instanceof EtlFailure) throw error;
    if (sourceError !== undefined) throw sourceError instanceof SourceError ? sourceError : new SourceError(sourceError);
    const message = error instanceof Error ? error.message : String(error);
    fail("FILE_GZIP_CORRUPT", `the gzip stream does not inflate after ${out} bytes: ${message}`);
  } finally {
    counted.destroy();
    gunzip.destroy();
  }
}
