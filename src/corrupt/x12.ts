/**
 * X12 interchanges (837P, 837I, 834, and the envelope of any other transaction set). Delimiters come
 * from the ISA: the element separator is its fourth character, the component separator ISA16 and the
 * segment terminator the character after ISA16. Records are CLM loops (837: the CLM and its segments
 * up to the next HL or CLM) and INS loops (834); a segment a defect adds is counted in its set's SE01.
 */
import type { Kind } from "../../generators/index.js";
import { UserError } from "../cli/errors.js";
import type { Adapter, CorruptFormat, CoverageSpan, FileEdit, LogicalField, Mutation, MutationContext, RecordRef } from "./model.js";
import { mutateView, type RecordView } from "./mutate.js";
import { applySplices, type Splice } from "./text.js";
import { formatDate, formatMoney, parseDate, unknownIdLike } from "./values.js";

export interface X12Delimiters {
  element: string;
  component: string;
  terminator: string;
}

export class Segment {
  private split?: [number, number][];
  constructor(
    private readonly text: string,
    private readonly separator: string,
    readonly start: number,
    /** Before the terminator. */
    readonly end: number,
    /** After the terminator and any line break that follows it. */
    readonly next: number,
    readonly id: string,
  ) {}

  /** [start, end) of every element, the segment ID being element 0 (split on first use). */
  get els(): [number, number][] {
    if (this.split) return this.split;
    const els: [number, number][] = [];
    let s = this.start;
    for (let at = this.text.indexOf(this.separator, s); at >= 0 && at < this.end; at = this.text.indexOf(this.separator, s)) {
      els.push([s, at]);
      s = at + 1;
    }
    els.push([s, this.end]);
    return (this.split = els);
  }
}

/** The delimiters of an interchange starting at `at` with "ISA", or null. */
export function readDelimiters(text: string, at: number): X12Delimiters | null {
  if (!text.startsWith("ISA", at) || text.length < at + 4) return null;
  const element = text[at + 3]!;
  let count = 0;
  let i = at + 3;
  for (; i < text.length && count < 16; i++) if (text[i] === element) count++;
  if (count < 16 || i + 1 >= text.length) return null;
  return { element, component: text[i]!, terminator: text[i + 1]! };
}

export function tokenizeX12(text: string, from: number, d: X12Delimiters): Segment[] {
  const segments: Segment[] = [];
  let pos = from;
  while (pos < text.length) {
    const t = text.indexOf(d.terminator, pos);
    const end = t < 0 ? text.length : t;
    let next = t < 0 ? text.length : t + 1;
    while (next < text.length && (text[next] === "\n" || text[next] === "\r")) next++;
    const e = text.indexOf(d.element, pos);
    segments.push(new Segment(text, d.element, pos, end, next, text.slice(pos, e >= 0 && e < end ? e : end)));
    pos = next;
  }
  return segments;
}

/** Text and delimiters shared by an interchange and its views. */
class X12Text {
  constructor(
    readonly text: string,
    readonly d: X12Delimiters,
    readonly segments: readonly Segment[],
    /** What follows a terminator in this file ("", "\n" or "\r\n"). */
    readonly lineBreak: string,
  ) {}

  el(seg: Segment | undefined, i: number): string {
    if (!seg) return "";
    const e = seg.els[i];
    return e ? this.text.slice(e[0], e[1]) : "";
  }

  comp(seg: Segment | undefined, i: number, k: number): string {
    return this.el(seg, i).split(this.d.component)[k] ?? "";
  }

  /** The splice that sets element i (appending empty elements when the segment is shorter). */
  setEl(seg: Segment, i: number, value: string): Splice {
    const e = seg.els[i];
    if (e) return { start: e[0], end: e[1], text: value };
    return { start: seg.end, end: seg.end, text: this.d.element.repeat(i - seg.els.length + 1) + value };
  }

  setComp(seg: Segment, i: number, k: number, value: string): Splice {
    const e = seg.els[i];
    if (!e) return this.setEl(seg, i, (this.d.component.repeat(k)) + value);
    const parts = this.text.slice(e[0], e[1]).split(this.d.component);
    while (parts.length <= k) parts.push("");
    parts[k] = value;
    return { start: e[0], end: e[1], text: parts.join(this.d.component) };
  }

  /** A whole segment's text, terminated as this file terminates them. */
  segment(...elements: string[]): string {
    return elements.join(this.d.element) + this.d.terminator + this.lineBreak;
  }

  raw(seg: Segment): string {
    return this.text.slice(seg.start, seg.next);
  }
}

interface X12Record extends RecordRef {
  /** Segment indexes [first, last] of the record's loop. */
  first: number;
  last: number;
}

const isDate = (qualifier: string): boolean => qualifier === "D8" || qualifier === "RD8" || qualifier === "DT";

/** An 837 claim: the CLM loop, with the billing provider and subscriber loops above it. */
class ClaimView implements RecordView {
  readonly splices: Splice[] = [];
  copy?: { splice: number; offset: number };
  addedSegments = 0;
  private readonly region: Segment[];
  private readonly lines: { service?: Segment; date?: Segment }[] = [];

  constructor(
    readonly kind: Kind | null,
    private readonly x: X12Text,
    private readonly first: number,
    private readonly last: number,
    private readonly institutional: boolean,
    private readonly parents: { billing?: Segment; subscriber?: Segment; patientLoop: boolean },
  ) {
    this.region = x.segments.slice(first, last + 1) as Segment[];
    for (const s of this.region) {
      if (s.id === "LX") this.lines.push({});
      const line = this.lines[this.lines.length - 1];
      if (!line) continue;
      if ((s.id === "SV1" || s.id === "SV2") && !line.service) line.service = s;
      if (s.id === "DTP" && x.el(s, 1) === "472" && !line.date) line.date = s;
    }
  }

  private clm(): Segment {
    return this.region[0]!;
  }

  /** A segment of the claim before its service lines. */
  private header(id: string, qualifier: string, qualifierEl = 1): Segment | undefined {
    for (const s of this.region) {
      if (s.id === "LX") return undefined;
      if (s.id === id && this.x.el(s, qualifierEl) === qualifier) return s;
    }
    return undefined;
  }

  private principalHi(): Segment | undefined {
    return this.region.find((s) => {
      if (s.id !== "HI") return false;
      const q = this.x.comp(s, 1, 0);
      return q === "ABK" || q === "BK";
    });
  }

  /** The 2330A other-subscriber name of an encounter (carries the subscriber ID again). */
  private otherSubscriber(): Segment | undefined {
    return this.region.find((s) => s.id === "NM1" && this.x.el(s, 1) === "IL");
  }

  private statement(): Segment | undefined {
    const s = this.header("DTP", "434");
    return s && this.x.el(s, 2) === "RD8" ? s : undefined;
  }

  private admission(): Segment | undefined {
    const s = this.header("DTP", "435");
    return s && isDate(this.x.el(s, 2)) ? s : undefined;
  }

  private discharge(): Segment | undefined {
    const s = this.header("DTP", "096");
    return s && isDate(this.x.el(s, 2)) ? s : undefined;
  }

  private procedure(k: number): { seg: Segment; el: number } | undefined {
    const s = this.lines[k]?.service;
    if (!s) return undefined;
    return { seg: s, el: s.id === "SV1" ? 1 : 2 };
  }

  get(field: LogicalField, index = 0): string | null | undefined {
    const x = this.x;
    switch (field) {
      case "claimId":
        return x.el(this.clm(), 1);
      case "memberId":
        // X12 carries the subscriber's ID only: a dependent patient has none
        return this.parents.subscriber && !this.parents.patientLoop ? x.el(this.parents.subscriber, 9) : undefined;
      case "subscriberId":
        return this.parents.subscriber ? x.el(this.parents.subscriber, 9) : undefined;
      case "billingNpi":
        return this.parents.billing ? x.el(this.parents.billing, 9) : undefined;
      case "renderingNpi":
      case "attendingNpi": {
        const s = this.header("NM1", field === "renderingNpi" ? "82" : "71");
        return s ? x.el(s, 9) : undefined;
      }
      case "principalDx": {
        const s = this.principalHi();
        return s ? x.comp(s, 1, 1) : undefined;
      }
      case "totalCharge":
        return x.el(this.clm(), 2);
      case "placeOfService":
        return this.institutional ? undefined : x.comp(this.clm(), 5, 0);
      case "procedureCode": {
        const p = this.procedure(index);
        return p ? x.comp(p.seg, p.el, 1) : undefined;
      }
      case "lineCharge": {
        const s = this.lines[index]?.service;
        return s ? x.el(s, s.id === "SV1" ? 2 : 3) : undefined;
      }
      case "units": {
        const s = this.lines[index]?.service;
        return s ? x.el(s, s.id === "SV1" ? 4 : 5) : undefined;
      }
      case "serviceDate": {
        const s = this.lines[index]?.date;
        return s ? x.el(s, 3).slice(0, 8) : undefined;
      }
      case "statementFrom":
      case "statementTo": {
        const s = this.statement();
        return s ? x.el(s, 3).split("-")[field === "statementFrom" ? 0 : 1] : undefined;
      }
      case "admissionDate": {
        const s = this.admission();
        return s ? x.el(s, 3).slice(0, 8) : undefined;
      }
      case "dischargeDate": {
        // 837I writes the discharge hour only (DTP*096*TM): the day is the statement's through date
        const d = this.discharge();
        if (d) return x.el(d, 3).slice(0, 8);
        return this.admission() ? this.get("statementTo") : undefined;
      }
      default:
        return undefined;
    }
  }

  set(field: LogicalField, value: string, index = 0): void {
    const x = this.x;
    const push = (s: Splice | undefined): void => {
      if (s) this.splices.push(s);
    };
    const datePart = (s: Segment, v: string): Splice => ({ start: s.els[3]![0], end: s.els[3]![0] + Math.min(8, x.el(s, 3).length), text: v });
    switch (field) {
      case "memberId": {
        if (this.parents.subscriber) push(x.setEl(this.parents.subscriber, 9, value));
        const other = this.otherSubscriber();
        if (other) push(x.setEl(other, 9, value));
        return;
      }
      case "billingNpi":
        if (this.parents.billing) push(x.setEl(this.parents.billing, 9, value));
        return;
      case "renderingNpi":
      case "attendingNpi": {
        const s = this.header("NM1", field === "renderingNpi" ? "82" : "71");
        if (s) push(x.setEl(s, 9, value));
        return;
      }
      case "principalDx": {
        const s = this.principalHi();
        if (s) push(x.setComp(s, 1, 1, value));
        return;
      }
      case "totalCharge":
        push(x.setEl(this.clm(), 2, value));
        return;
      case "placeOfService":
        push(x.setComp(this.clm(), 5, 0, value));
        return;
      case "procedureCode": {
        const p = this.procedure(index);
        if (p) push(x.setComp(p.seg, p.el, 1, value));
        return;
      }
      case "lineCharge":
      case "units": {
        const s = this.lines[index]?.service;
        if (s) push(x.setEl(s, (s.id === "SV1" ? 2 : 3) + (field === "units" ? 2 : 0), value));
        return;
      }
      case "serviceDate": {
        const s = this.lines[index]?.date;
        if (s) push(datePart(s, value));
        return;
      }
      case "statementFrom":
      case "statementTo": {
        const s = this.statement();
        if (!s) return;
        // both halves of the RD8 are one element: rebuild it from the pending value of the other half
        const pending = this.splices.find((p) => p.start === s.els[3]![0] && p.end === s.els[3]![1]);
        const [from, to] = (pending ? pending.text : x.el(s, 3)).split("-");
        const text = field === "statementFrom" ? `${value}-${to ?? ""}` : `${from ?? ""}-${value}`;
        if (pending) pending.text = text;
        else push({ start: s.els[3]![0], end: s.els[3]![1], text });
        return;
      }
      case "admissionDate": {
        const s = this.admission();
        if (s) push(datePart(s, value));
        return;
      }
      case "dischargeDate": {
        const s = this.discharge();
        if (s) {
          push(datePart(s, value));
          return;
        }
        // 837I: the discharge day is the statement's through date, which stays (as generate writes it), and
        // DTP*096 the discharge hour. The admission now falls on the through date: the discharge hour
        // moves before the admission time, so that the stay really ends before it starts.
        const admission = this.admission();
        const hour = this.header("DTP", "096");
        if (!admission || !hour || x.el(hour, 2) !== "TM" || x.el(admission, 3).length < 12) return;
        const pending = this.splices.find((p) => p.start === admission.els[3]![0]);
        const admissionDay = pending ? pending.text : x.el(admission, 3).slice(0, 8);
        if (admissionDay !== this.get("statementTo")) return;
        const admissionTime = x.el(admission, 3).slice(8, 12);
        if (x.el(hour, 3).slice(0, 4) < admissionTime) return;
        if (admissionTime === "0000") {
          push({ start: admission.els[3]![0] + 8, end: admission.els[3]![0] + 12, text: "0001" });
          push(x.setEl(hour, 3, "0000"));
          return;
        }
        const minutes = Number(admissionTime.slice(0, 2)) * 60 + Number(admissionTime.slice(2)) - 1;
        push(x.setEl(hour, 3, `${String(Math.floor(minutes / 60)).padStart(2, "0")}${String(minutes % 60).padStart(2, "0")}`));
        return;
      }
      default:
        return;
    }
  }

  lineCount(): number {
    return this.lines.length;
  }

  spanCount(): number {
    return 0;
  }

  money(cents: number): string {
    return formatMoney(cents, "minimal");
  }

  duplicate(edit?: (copy: RecordView) => void): void {
    const x = this.x;
    const start = this.clm().start;
    const end = this.region[this.region.length - 1]!.next;
    let copyText = x.text.slice(start, end);
    if (edit) {
      const copyX = new X12Text(copyText, x.d, tokenizeX12(copyText, 0, x.d), x.lineBreak);
      const view = new ClaimView(this.kind, copyX, 0, copyX.segments.length - 1, this.institutional, { patientLoop: false });
      edit(view);
      copyText = applySplices(copyText, view.splices).text;
    }
    this.copy = { splice: this.splices.length, offset: 0 };
    this.splices.push({ start: end, end, text: copyText });
    this.addedSegments += this.region.length;
  }
}

/** An 834 member: the INS loop with its HD coverage loops. */
class MemberView implements RecordView {
  readonly kind: Kind | null = "eligibility";
  readonly splices: Splice[] = [];
  copy?: { splice: number; offset: number };
  addedSegments = 0;
  readonly region: Segment[];
  /** Coverage loops: the HD and its DTP*348/349. */
  readonly spans: { hd: Segment; start?: Segment; end?: Segment }[] = [];

  constructor(
    private readonly x: X12Text,
    first: number,
    last: number,
  ) {
    this.region = x.segments.slice(first, last + 1) as Segment[];
    for (const s of this.region) {
      if (s.id === "HD") this.spans.push({ hd: s });
      const span = this.spans[this.spans.length - 1];
      if (!span || s.id !== "DTP") continue;
      if (x.el(s, 1) === "348" && !span.start) span.start = s;
      if (x.el(s, 1) === "349" && !span.end) span.end = s;
    }
  }

  private find(id: string, qualifier: string): Segment | undefined {
    return this.region.find((s) => s.id === id && this.x.el(s, 1) === qualifier);
  }

  private ins(): Segment {
    return this.region[0]!;
  }

  private dmg(): Segment | undefined {
    return this.region.find((s) => s.id === "DMG");
  }

  get(field: LogicalField, index = 0): string | null | undefined {
    const x = this.x;
    switch (field) {
      case "memberId": {
        // the 834 carries the subscriber ID (REF*0F): a member ID only for the subscriber
        const ref = this.find("REF", "0F");
        return ref && x.el(this.ins(), 2) === "18" ? x.el(ref, 2) : undefined;
      }
      case "birthDate": {
        const d = this.dmg();
        return d ? x.el(d, 2) : undefined;
      }
      case "sex": {
        const d = this.dmg();
        return d ? x.el(d, 3) : undefined;
      }
      case "coverageStart": {
        const s = this.spans[index]?.start;
        return s ? x.el(s, 3) : undefined;
      }
      case "coverageEnd": {
        const span = this.spans[index];
        if (!span) return undefined;
        return span.end ? x.el(span.end, 3) : null;
      }
      default:
        return undefined;
    }
  }

  set(field: LogicalField, value: string, index = 0): void {
    const x = this.x;
    switch (field) {
      case "memberId": {
        const ref = this.find("REF", "0F");
        if (ref) this.splices.push(x.setEl(ref, 2, value));
        return;
      }
      case "birthDate":
      case "sex": {
        const d = this.dmg();
        if (d) this.splices.push(x.setEl(d, field === "birthDate" ? 2 : 3, value));
        return;
      }
      case "coverageEnd": {
        const span = this.spans[index];
        if (!span) return;
        this.setOrAdd(span.end, span.start ?? span.hd, "349", value);
        // the member-level DTP*357 is the latest span's end
        if (index === this.spans.length - 1) {
          const memberStart = this.find("DTP", "356");
          if (memberStart) this.setOrAdd(this.find("DTP", "357"), memberStart, "357", value);
        }
        return;
      }
      default:
        return;
    }
  }

  /** Sets a DTP's date, or adds the DTP right after `after` (counted in SE01). */
  private setOrAdd(existing: Segment | undefined, after: Segment, qualifier: string, value: string): void {
    if (existing) {
      this.splices.push(this.x.setEl(existing, 3, value));
      return;
    }
    this.splices.push({ start: after.next, end: after.next, text: this.x.segment("DTP", qualifier, "D8", value) });
    this.addedSegments++;
  }

  lineCount(): number {
    return 0;
  }

  spanCount(): number {
    return this.spans.length;
  }

  money(cents: number): string {
    return formatMoney(cents, "minimal");
  }

  duplicate(): void {
    throw new Error("unreachable: an 834 member is not duplicated");
  }

  /**
   * ELIG_TERMINATION_NEVER_ADDED: after this member, a termination (INS03 024) of a subscriber the
   * file never added: an unknown ID, the latest span only, ended near the reference date.
   */
  terminationOfUnknown(ctx: MutationContext): boolean {
    const x = this.x;
    const last = this.spans[this.spans.length - 1];
    const ref = this.find("REF", "0F");
    const start = last?.start ? parseDate(x.el(last.start, 3)) : null;
    if (!last || !ref || !start) return false;
    const unknown = unknownIdLike(x.el(ref, 2), ctx.memberIds, ctx.rng);
    const end = formatDate(Math.max(start.day, ctx.referenceDay - ctx.rng.int(30)), start.style);
    const out: string[] = [];
    const lastHd = this.spans.indexOf(last);
    let span = -1;
    for (const s of this.region) {
      const elements = s.els.map((_, i) => x.el(s, i));
      if (s.id === "HD") span++;
      const inLastSpan = span === lastHd;
      if (span >= 0 && !inLastSpan) continue; // earlier coverage loops
      if (s.id === "INS") out.push(x.segment("INS", "Y", "18", "024", "07", ...elements.slice(5)));
      else if (s.id === "REF" && elements[1] === "0F") out.push(x.segment("REF", "0F", unknown));
      else if (s.id === "DTP" && (elements[1] === "357" || elements[1] === "349")) continue;
      else if (s.id === "DTP" && elements[1] === "356") out.push(x.raw(s), x.segment("DTP", "357", "D8", end));
      else if (s.id === "DTP" && elements[1] === "348" && inLastSpan) out.push(x.raw(s), x.segment("DTP", "349", "D8", end));
      else if (s.id === "HD") out.push(x.segment("HD", "024", ...elements.slice(2)));
      else out.push(x.raw(s));
    }
    const at = this.region[this.region.length - 1]!.next;
    const text = out.join("");
    // the raw segments keep their own line breaks; the built ones use the file's
    this.copy = { splice: this.splices.length, offset: 0 };
    this.splices.push({ start: at, end: at, text });
    this.addedSegments += out.length;
    return true;
  }
}

export class X12Adapter implements Adapter {
  readonly format: CorruptFormat;
  readonly kind: Kind | null;
  readonly records: X12Record[] = [];
  readonly segmentTerminator: string;
  readonly x: X12Text;
  /** Segment indexes of each transaction set's ST and SE (-1 when it has none). */
  readonly sets: { st: number; se: number }[] = [];

  constructor(
    readonly text: string,
    from: number,
  ) {
    const d = readDelimiters(text, from);
    if (!d) throw new UserError("the input starts with ISA but its ISA segment is incomplete (no ISA16 and segment terminator)");
    const segments = tokenizeX12(text, from, d);
    const isa = segments[0]!;
    this.x = new X12Text(text, d, segments, text.slice(isa.end + 1, isa.next));
    this.segmentTerminator = d.terminator;
    const x = this.x;
    const gs = segments.find((s) => s.id === "GS");
    const st = segments.find((s) => s.id === "ST");
    const st01 = x.el(st, 1);
    const version = `${x.el(gs, 8)} ${x.el(st, 3)}`;
    if (st01 === "837") {
      const institutional = version.includes("X223") || (!version.includes("X222") && segments.some((s) => s.id === "SV2"));
      this.format = institutional ? "x12-837i" : "x12-837p";
      const bht = segments.find((s) => s.id === "BHT");
      this.kind = x.el(bht, 6) === "RP" ? "encounters" : "claims";
    } else if (st01 === "834") {
      this.format = "x12-834";
      this.kind = "eligibility";
    } else {
      this.format = "x12";
      this.kind = null;
    }

    let set = -1;
    segments.forEach((s, i) => {
      if (s.id === "ST") {
        this.sets.push({ st: i, se: -1 });
        set = this.sets.length - 1;
      } else if (s.id === "SE" && set >= 0) this.sets[set]!.se = i;
    });
    const recordId = this.format === "x12-834" ? "INS" : this.format === "x12" ? "ST" : "CLM";
    const stops = this.format === "x12-834" ? ["INS", "SE", "GE", "IEA", "ST"] : this.format === "x12" ? ["SE", "GE", "IEA"] : ["HL", "CLM", "SE", "GE", "IEA", "ST"];
    let transaction = -1;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      if (s.id === "ST") transaction++;
      if (s.id !== recordId) continue;
      let last = i;
      while (last + 1 < segments.length && !stops.includes(segments[last + 1]!.id)) last++;
      if (this.format === "x12" && segments[last + 1]?.id === "SE") last++;
      const id = this.format === "x12-834" ? x.el(segments.slice(i, last + 1).find((r) => r.id === "REF" && x.el(r, 1) === "0F"), 2) : x.el(s, this.format === "x12" ? 2 : 1);
      this.records.push({ ordinal: this.records.length, id, start: s.start, end: segments[last]!.next, first: i, last, transaction: Math.max(0, transaction) });
    }
  }

  get segments(): readonly Segment[] {
    return this.x.segments;
  }

  private claimView(r: X12Record): ClaimView {
    const segs = this.segments;
    const x = this.x;
    let billing: Segment | undefined;
    let subscriber: Segment | undefined;
    let patientLoop = false;
    let hlSeen = false;
    // walk up from the CLM: the nearest HL says whether a patient loop (HL03 23) sits under the subscriber
    for (let i = r.first - 1; i >= 0; i--) {
      const s = segs[i]!;
      if (s.id === "ST") break;
      if (s.id === "HL") {
        const level = x.el(s, 3);
        if (!hlSeen && level === "23") patientLoop = true;
        hlSeen = true;
        if (level === "22" && !subscriber) {
          for (let k = i + 1; k < r.first && segs[k]!.id !== "HL"; k++) {
            if (segs[k]!.id === "NM1" && x.el(segs[k], 1) === "IL") {
              subscriber = segs[k];
              break;
            }
          }
        }
      }
      if (!billing && s.id === "NM1" && x.el(s, 1) === "85") billing = s;
      if (billing && subscriber) break;
    }
    return new ClaimView(this.kind, x, r.first, r.last, this.format === "x12-837i", { billing, subscriber, patientLoop });
  }

  private view(r: X12Record): ClaimView | MemberView | undefined {
    if (this.format === "x12-834") return new MemberView(this.x, r.first, r.last);
    if (this.format === "x12-837p" || this.format === "x12-837i") return this.claimView(r);
    return undefined;
  }

  hasField(field: LogicalField): boolean {
    const institutional = this.format === "x12-837i";
    switch (this.format) {
      case "x12-837p":
      case "x12-837i":
        if (field === "placeOfService") return !institutional;
        if (field === "renderingNpi") return !institutional;
        if (field === "attendingNpi" || field === "statementFrom" || field === "statementTo" || field === "admissionDate" || field === "dischargeDate") return institutional;
        return ["claimId", "memberId", "billingNpi", "principalDx", "totalCharge", "procedureCode", "lineCharge", "units", "serviceDate"].includes(field);
      case "x12-834":
        return ["memberId", "birthDate", "sex", "coverageStart", "coverageEnd"].includes(field);
      default:
        return false;
    }
  }

  private values?: { members: Set<string>; npis: Set<string>; procedures: Set<string> };

  valuesOf(field: LogicalField): Set<string> {
    if (!this.values) {
      // one pass for every field that is asked for
      const x = this.x;
      const v = (this.values = { members: new Set<string>(), npis: new Set<string>(), procedures: new Set<string>() });
      for (const s of this.segments) {
        if (s.id === "NM1") {
          if (x.el(s, 1) === "IL") v.members.add(x.el(s, 9));
          if (x.el(s, 8) === "XX") v.npis.add(x.el(s, 9));
        } else if (s.id === "REF" && x.el(s, 1) === "0F") v.members.add(x.el(s, 2));
        else if (s.id === "SV1" || s.id === "SV2") v.procedures.add(x.comp(s, s.id === "SV1" ? 1 : 2, 1));
      }
      for (const set of Object.values(v)) set.delete("");
    }
    if (field === "memberId" || field === "subscriberId") return new Set(this.values.members);
    if (field === "npi" || field === "billingNpi" || field === "renderingNpi" || field === "attendingNpi") return new Set(this.values.npis);
    if (field === "procedureCode") return new Set(this.values.procedures);
    return new Set();
  }

  latestDay(): number | null {
    const x = this.x;
    let latest: number | null = null;
    for (const s of this.segments) {
      if (s.id !== "DTP" || !isDate(x.el(s, 2))) continue;
      for (const part of x.el(s, 3).split("-")) {
        const d = parseDate(part.slice(0, 8));
        if (d && (latest === null || d.day > latest)) latest = d.day;
      }
    }
    return latest;
  }

  mutate(code: string, record: RecordRef, ctx: MutationContext): Mutation | null {
    const r = this.records[record.ordinal]!;
    const view = this.view(r);
    if (!view) return null;
    if (code === "ELIG_TERMINATION_NEVER_ADDED") {
      if (!(view instanceof MemberView) || !view.terminationOfUnknown(ctx)) return null;
      return { splices: view.splices, field: "memberId", copy: view.copy, addedSegments: view.addedSegments };
    }
    const previous = record.ordinal > 0 ? this.view(this.records[record.ordinal - 1]!) : undefined;
    const field = mutateView(code, view, ctx, previous);
    if (field === null) return null;
    return { splices: view.splices, field, copy: view.copy, addedSegments: view.addedSegments };
  }

  finish(mutations: readonly { record: RecordRef; mutation: Mutation }[]): Splice[] {
    const added = new Map<number, number>();
    for (const { record, mutation } of mutations) {
      if (mutation.addedSegments) added.set(record.transaction ?? 0, (added.get(record.transaction ?? 0) ?? 0) + mutation.addedSegments);
    }
    const out: Splice[] = [];
    for (const [t, n] of added) {
      const se = this.segments[this.sets[t]?.se ?? -1];
      if (!se) continue;
      out.push(this.x.setEl(se, 1, String(Number(this.x.el(se, 1)) + n)));
    }
    return out;
  }

  breakPoint(record: RecordRef): number {
    const t = this.segmentTerminator;
    let p = record.start + Math.floor((record.end - record.start) / 2);
    // inside a segment, not between two
    while (p < record.end && (this.text[p - 1] === t || this.text[p - 1] === "\n" || this.text[p - 1] === "\r")) p++;
    return p >= record.end ? record.start + 1 : p;
  }

  coverageByMember(): Map<string, CoverageSpan[]> {
    const out = new Map<string, CoverageSpan[]>();
    if (this.format !== "x12-834") return out;
    for (const r of this.records) {
      const view = new MemberView(this.x, r.first, r.last);
      const ref = view.region.find((s) => s.id === "REF" && this.x.el(s, 1) === "0F");
      const id = this.x.el(ref, 2);
      if (!id) continue;
      const subscriber = this.x.el(view.region[0], 2) === "18";
      if (out.has(id) && !subscriber) continue;
      const spans: CoverageSpan[] = [];
      for (const span of view.spans) {
        const s = span.start ? parseDate(this.x.el(span.start, 3)) : null;
        const e = span.end ? parseDate(this.x.el(span.end, 3)) : null;
        if (s) spans.push({ start: s.day, end: e ? e.day : null });
      }
      out.set(id, spans);
    }
    return out;
  }

  // ---- envelope and transaction defects

  private firstOf(id: string, code: string): Segment {
    const s = this.segments.find((seg) => seg.id === id);
    if (!s) throw new UserError(`${code}: the interchange has no ${id} segment`);
    return s;
  }

  private firstSe(code: string): Segment {
    const set = this.sets[0];
    const se = set && set.se >= 0 ? this.segments[set.se] : undefined;
    if (!se) throw new UserError(`${code}: the interchange has no complete transaction set (ST…SE)`);
    return se;
  }

  /** The ISA13 control number (the value another file must repeat). */
  isa13(): string {
    return this.x.el(this.segments[0], 13);
  }

  fileEdit(code: string, like?: string): FileEdit {
    const x = this.x;
    switch (code) {
      case "X12_SE01_COUNT": {
        const se = this.firstSe(code);
        return { splices: [x.setEl(se, 1, String(Number(x.el(se, 1)) + 1))], locator: { field: "SE01" }, at: 0 };
      }
      case "X12_SE02_MISMATCH": {
        const se = this.firstSe(code);
        const se02 = x.el(se, 2);
        return { splices: [x.setEl(se, 2, String((Number(se02) % 9999) + 1).padStart(se02.length, "0"))], locator: { field: "SE02" }, at: 0 };
      }
      case "X12_UNKNOWN_SEGMENT": {
        // an undefined segment ID inside the set; SE01 counts it, so no second defect arises
        const se = this.firstSe(code);
        return {
          splices: [
            { start: se.start, end: se.start, text: x.segment("ZZZ", "HCSYNTH"), owner: "file" },
            x.setEl(se, 1, String(Number(x.el(se, 1)) + 1)),
          ],
          locator: { field: "segment" },
          at: 0,
        };
      }
      case "X12_GE01_COUNT": {
        const ge = this.firstOf("GE", code);
        return { splices: [x.setEl(ge, 1, String(Number(x.el(ge, 1)) + 1))], locator: { field: "GE01" }, at: 0 };
      }
      case "X12_IEA02_MISMATCH": {
        const iea = this.firstOf("IEA", code);
        const own = x.el(iea, 2);
        return { splices: [x.setEl(iea, 2, String((Number(own) % 999_999_999) + 1).padStart(own.length, "0"))], locator: { field: "IEA02" }, at: 0 };
      }
      case "X12_ISA_LENGTH": {
        // ISA02 loses a character (generate drops one of its ten spaces): the ISA is 105 characters
        const isa = this.segments[0]!;
        const e = isa.els[2]!;
        if (e[1] <= e[0]) throw new UserError(`${code}: the ISA02 element is empty`);
        return { splices: [{ start: e[1] - 1, end: e[1], text: "" }], locator: { segment: 1, line: 1, field: "ISA02" } };
      }
      case "X12_MISSING_IEA": {
        const iea = this.firstOf("IEA", code);
        return { splices: [{ start: iea.start, end: iea.next, text: "" }], locator: { field: "IEA" }, at: 0 };
      }
      case "X12_DUPLICATE_ISA13": {
        if (like === undefined) throw new UserError(`${code}: needs --like FILE, another X12 file whose ISA13 control number this file should repeat`);
        const own = this.isa13();
        const other = like.padStart(own.length, "0");
        if (other === own) throw new UserError(`${code}: --like has the same ISA13 (${own}) as the input already`);
        const isa = this.segments[0]!;
        const splices = [x.setEl(isa, 13, other)];
        const iea = this.segments.find((s) => s.id === "IEA");
        if (iea && x.el(iea, 2) === own) splices.push(x.setEl(iea, 2, other));
        return { splices, locator: { segment: 1, line: 1, field: "ISA13" } };
      }
      default:
        throw new Error(`unreachable: ${code} is not an X12 envelope defect`);
    }
  }
}
