/**
 * Reading an input: gzip by its magic bytes, text as UTF-8 (or, when it is not valid UTF-8, byte for
 * byte as Latin-1 so that it is written back unchanged), and the format from the first characters:
 * "ISA" is X12, "{" NDJSON, "[" a JSON array of documents, anything else CSV with a header row.
 */
import { gunzipSync } from "node:zlib";
import { UserError } from "../cli/errors.js";
import { CsvAdapter } from "./csv.js";
import type { Adapter } from "./model.js";
import { NdjsonAdapter } from "./ndjson.js";
import { X12Adapter } from "./x12.js";

export type TextEncoding = "utf8" | "latin1";

export interface DecodedInput {
  text: string;
  encoding: TextEncoding;
  gzip: boolean;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function decodeInput(bytes: Uint8Array, what: string): DecodedInput {
  let raw = bytes;
  const gzip = isGzip(bytes);
  if (gzip) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      throw new UserError(`${what}: looks gzipped but cannot be decompressed (${(error as Error).message})`);
    }
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(raw), encoding: "utf8", gzip };
  } catch {
    return { text: Buffer.from(raw).toString("latin1"), encoding: "latin1", gzip };
  }
}

export function encodeText(text: string, encoding: TextEncoding): Uint8Array {
  return Buffer.from(text, encoding);
}

/** Where the content starts: after a byte-order mark and leading blank space. */
export function contentStart(text: string): number {
  let i = text.startsWith("\uFEFF") ? 1 : 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

export function openAdapter(text: string, what: string): Adapter {
  const from = contentStart(text);
  if (from >= text.length) throw new UserError(`${what}: is empty (there is nothing to corrupt)`);
  if (text.startsWith("ISA", from)) return new X12Adapter(text, from);
  if (text[from] === "{" || text[from] === "[") return new NdjsonAdapter(text, from);
  // CSV: the header row starts after a byte-order mark (leading blank lines are kept as they are)
  return new CsvAdapter(text, text.startsWith("\uFEFF") ? 1 : 0);
}
