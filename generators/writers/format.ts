/**
 * The writer interface shared by every output format. A format opens one stateful writer per file;
 * the writer turns records into text in order (header, records, trailer), so files stream in constant
 * memory. A writer may decline records (X12 splits claims into 837P and 837I files by claim type).
 */
import type { World } from "../core/world.js";
import type { EntityOfKind, Kind } from "../kinds.js";
import type { X12Options } from "./x12/options.js";

export interface FileContext {
  world: World;
  kind: Kind;
  /** Ordinal of the file among its kind's files. */
  fileIndex: number;
  firstIndex: number;
  lastIndex: number;
  /** Options of the X12 formats (ignored by the others); DEFAULT_X12_OPTIONS when absent. */
  x12?: X12Options;
}

export interface RecordWriter<T> {
  /** Text before the first record (a CSV header, an X12 envelope opening). */
  begin(): string;
  /** True when the record belongs in this file. */
  accepts(record: T): boolean;
  /** Optional: whether record `index` can belong in this file, decided before the record is built (a cheap pre-filter). */
  acceptsIndex?(index: number): boolean;
  /** The text of one record. */
  write(record: T): string;
  /**
   * Optional: the text of record `index`, built from the world without the whole record, or undefined
   * when the record does not belong in this file; the same text as write(entityOf(world, kind, index))
   * for an accepted record. renderFile uses it for files without defects.
   */
  writeIndex?(index: number): string | undefined;
  /** Text after the last record. */
  end(): string;
  /** Service lines written so far (X12: LX segments). */
  readonly lines: number;
}

export interface OutputFormat {
  /** The name in `--formats` and in the manifest, e.g. "csv". */
  readonly name: string;
  /** The file name ending, without a dot. */
  readonly extension: string;
  readonly kinds: readonly Kind[];
  open<K extends Kind>(ctx: FileContext & { kind: K }): RecordWriter<EntityOfKind[K]>;
}
