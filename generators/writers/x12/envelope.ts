/**
 * The interchange envelope (ISA/IEA, GS/GE, ST/SE) of one file, opened lazily and counted as records
 * stream through. Per-file values are pure functions of (seed, kind, format, fileIndex) and the
 * world's reference date: ISA13/GS06 come from a seed-derived base plus the file's slot, so control
 * numbers never collide within a run (nor across runs of the same seed); the interchange time is drawn
 * from rngFor(seed, "interchange", slot).
 */
import { pad, syntheticPhone } from "../../core/identifiers.js";
import { rngFor } from "../../core/random.js";
import type { FileContext } from "../format.js";
import { resolveX12Options, type ResolvedX12Options } from "./options.js";
import { checkDelimitersAgainstData, hhmm, SegmentSink, syntaxOf, type Syntax } from "./segments.js";

export interface EnvelopeSpec {
  /** GS01: HC (837) or BE (834). */
  functionalId: "HC" | "BE";
  /** ST01 */
  transactionSet: "837" | "834";
  /** GS08 and ST03, e.g. 005010X222A1. */
  version: string;
  /** Ordinal of (kind, format) among the X12 outputs, 0–7. */
  slot: number;
}

const CONTROL_SPACE = 999_999_999;
const SLOTS_PER_FILE = 8;

function padRight(s: string, width: number): string {
  return s.length >= width ? s : s + " ".repeat(width - s.length);
}

/** The interchange control number (1–999999999) of a file: unique per (kind, format, fileIndex) for a seed. */
export function interchangeControlNumber(seed: number, slot: number, fileIndex: number): number {
  const base = rngFor(seed, "interchange", 0).int(CONTROL_SPACE);
  const slotIndex = fileIndex * SLOTS_PER_FILE + slot + 1;
  return 1 + ((base + (slotIndex % CONTROL_SPACE)) % CONTROL_SPACE);
}

export class Interchange {
  readonly options: ResolvedX12Options;
  readonly syntax: Syntax;
  readonly sink: SegmentSink;
  /** CCYYMMDD of the interchange: the world's reference date. */
  readonly date: string;
  /** HHMM of the interchange. */
  readonly time: string;
  readonly controlNumber: number;
  /** A fictional (555-01xx) submitter contact phone, digits only. */
  readonly contactPhone: string;
  private readonly spec: EnvelopeSpec;
  private groupOpen = false;
  private transactions = 0;
  private open = false;
  private recordsInSt = 0;

  constructor(ctx: FileContext, spec: EnvelopeSpec) {
    this.options = resolveX12Options(ctx.x12);
    checkDelimitersAgainstData(ctx.world, this.options);
    this.syntax = syntaxOf(this.options);
    this.sink = new SegmentSink(this.syntax.t);
    this.spec = spec;
    const seed = ctx.world.seed;
    this.controlNumber = interchangeControlNumber(seed, spec.slot, ctx.fileIndex);
    const rng = rngFor(seed, "interchange", ctx.fileIndex * SLOTS_PER_FILE + spec.slot + 1);
    this.time = hhmm(rng.int(1440));
    this.date = ctx.world.dates.d8(ctx.world.referenceDay);
    const runRng = rngFor(seed, "interchange", 0);
    runRng.u32();
    const phone = syntheticPhone(runRng);
    this.contactPhone = phone.slice(0, 3) + phone.slice(4, 7) + phone.slice(8);
  }

  /** The ISA segment: fixed width, 106 characters with its terminator. */
  isa(): string {
    const o = this.options;
    const e = this.syntax.e;
    return (
      "ISA" + e + "00" + e + "          " + e + "00" + e + "          " + e + "ZZ" + e + padRight(o.senderId, 15) + e + "ZZ" + e + padRight(o.receiverId, 15) +
      e + this.date.slice(2) + e + this.time + e + this.syntax.r + e + "00501" + e + pad(this.controlNumber, 9) + e + "0" + e + o.usage + e + this.syntax.c + this.syntax.t
    );
  }

  get inTransaction(): boolean {
    return this.open;
  }

  /**
   * Opens the functional group (the first time) and a transaction set. Returns a reference unique in
   * the run for BHT03 / BGN02 (interchange control number and ST02).
   */
  openTransaction(): string {
    const { e, t } = this.syntax;
    const sink = this.sink;
    if (!this.groupOpen) {
      const o = this.options;
      sink.raw("GS" + e + this.spec.functionalId + e + o.senderId + e + o.receiverId + e + this.date + e + this.time + e + this.controlNumber + e + "X" + e + this.spec.version + t);
      this.groupOpen = true;
    }
    this.transactions++;
    const st02 = pad(this.transactions, 4);
    sink.count = 0;
    sink.add("ST" + e + this.spec.transactionSet + e + st02 + e + this.spec.version);
    this.open = true;
    this.recordsInSt = 0;
    return pad(this.controlNumber, 9) + st02;
  }

  /** Closes the open transaction set with SE (SE01 counts ST through SE). */
  closeTransaction(): void {
    const sink = this.sink;
    const e = this.syntax.e;
    sink.raw("SE" + e + (sink.count + 1) + e + pad(this.transactions, 4) + this.syntax.t);
    this.open = false;
  }

  /** Counts a record written into the open transaction set, closing the set when it is full. */
  recordWritten(): void {
    if (++this.recordsInSt >= this.options.claimsPerSt) this.closeTransaction();
  }

  /** Closes whatever is open: SE, GE, and the IEA. */
  end(): string {
    const { e, t } = this.syntax;
    if (this.open) this.closeTransaction();
    if (this.groupOpen) this.sink.raw("GE" + e + this.transactions + e + this.controlNumber + t);
    this.sink.raw("IEA" + e + (this.groupOpen ? 1 : 0) + e + pad(this.controlNumber, 9) + t);
    return this.sink.take();
  }
}
