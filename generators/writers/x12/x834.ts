/**
 * X12 834 benefit enrollment and maintenance (005010X220A1): one INS loop per member.
 *
 * A transaction set belongs to one payer (its 1000B N1*IN), so a new ST starts whenever the payer
 * changes from one member to the next, as well as every `claimsPerSt` members.
 *
 * Full (audit) files: INS03/HD01 030 and one HD loop per coverage span. Change files: from the latest
 * span, 024 (termination) when it has ended, 021 (addition) when it started inside the service
 * window, else 001 (change); one HD loop for that span.
 */
import type { EntityOfKind, Kind } from "../../kinds.js";
import { enrollmentFace, newEnrollmentFace, type EnrollmentFace } from "../../entities/members.js";
import type { CoverageSpan, Member, Payer } from "../../model.js";
import type { FileContext, RecordWriter } from "../format.js";
import { Interchange } from "./envelope.js";
import { affixedD8, block, digitsOnly, type Block } from "./segments.js";

export const X12_834_VERSION = "005010X220A1";

/** INS03/HD01 maintenance type and INS04 maintenance reason of a member in a change file. */
export function changeMaintenance(m: Pick<Member, "spans">, windowStart: number): [type: "021" | "024" | "001", reason: string] {
  const latest = m.spans[m.spans.length - 1] as CoverageSpan;
  if (latest.end !== null) return ["024", "07"]; // termination of benefits
  if (latest.start >= windowStart) return ["021", m.spans.length > 1 ? "41" : "28"]; // re-enrollment / initial enrollment
  return ["001", "AI"]; // no reason given
}

export function open834<K extends Kind>(ctx: FileContext & { kind: K }): RecordWriter<EntityOfKind[K]> {
  if (ctx.kind !== "eligibility") throw new RangeError(`X12 834 files hold eligibility, not ${ctx.kind}`);
  const world = ctx.world;
  const x = new Interchange(ctx, { functionalId: "BE", transactionSet: "834", version: X12_834_VERSION, slot: 4 });
  const o = x.options;
  const { e, t } = x.syntax;
  const sink = x.sink;
  const full = o.eligibilityMode === "full";

  // BGN08: 4 verify (full/audit files), 2 change (update).
  const bgnTail = e + x.date + e + x.time + e + e + e + e + (full ? "4" : "2");
  const headers = new Map<string, Block>();
  const header = (payer: Payer): Block => {
    let b = headers.get(payer.id);
    if (b === undefined) {
      b = block(
        [
          "REF" + e + "38" + e + payer.id,
          "DTP" + e + "007" + e + "D8" + e + x.date,
          "N1" + e + "P5" + e + o.senderName + e + "94" + e + o.senderId,
          "N1" + e + "IN" + e + payer.name + e + "94" + e + payer.id,
        ],
        t,
      );
      headers.set(payer.id, b);
    }
    return b;
  };
  // whole date segments from per-world tables (see affixedD8)
  const dtp348 = affixedD8(world, "DTP" + e + "348" + e + "D8" + e, t);
  const dtp349 = affixedD8(world, "DTP" + e + "349" + e + "D8" + e, t);
  const dtp356 = affixedD8(world, "DTP" + e + "356" + e + "D8" + e, t);
  const dtp357 = affixedD8(world, "DTP" + e + "357" + e + "D8" + e, t);
  const dmg = affixedD8(world, "DMG" + e + "D8" + e, e);
  const INS_SELF = "INS" + e + "Y" + e;
  const INS_DEPENDENT = "INS" + e + "N" + e;
  const REF_0F = "REF" + e + "0F" + e;
  const REF_1L = "REF" + e + "1L" + e;
  // 2000 member supplemental identifier: the member's own ID (the 834 otherwise carries only the subscriber's)
  const REF_23 = "REF" + e + "23" + e;
  const NM1_IL = "NM1" + e + "IL" + e + "1" + e;
  const NM1_SSN = e + e + e + "34" + e;
  const PER = "PER" + e + "IP" + e + e + "TE" + e;
  const HD_TAIL = e + e + "HLT" + e;
  const ACTIVE = e + "A" + t;
  /** The HD loop of a span, terminated, and how many segments it has. */
  const span = (maintenance: string, s: CoverageSpan): void => {
    const hd = "HD" + e + maintenance + HD_TAIL + s.planId + (e + s.coverageLevel + t) + dtp348(s.start);
    if (s.end !== null) sink.addText(hd + dtp349(s.end), 3);
    else sink.addText(hd, 2);
  };

  let payerId = "";

  /** The INS loop of a member (a Member, or the same fields of it from enrollmentFace). */
  const write = (m: EnrollmentFace): string => {
    if (x.inTransaction && m.payer.id !== payerId) x.closeTransaction();
    if (!x.inTransaction) {
      const ref = x.openTransaction();
      sink.add("BGN" + e + "00" + e + ref + bgnTail);
      sink.addBlock(header(m.payer));
      payerId = m.payer.id;
    }
    const latest = m.spans[m.spans.length - 1] as CoverageSpan;
    let maintenance = "030";
    let reason = "XN"; // notification only
    if (!full) [maintenance, reason] = changeMaintenance(m, world.windowStart);

    // 2000 member level
    let text =
      (m.relationship === "18" ? INS_SELF : INS_DEPENDENT) + m.relationship + (e + maintenance + e + reason + ACTIVE) + (REF_0F + m.subscriberId + t) + (REF_1L + m.groupNumber + t) + (REF_23 + m.memberId + t) + dtp356(latest.start);
    let n = 5; // INS, REF*0F, REF*1L, REF*23, DTP*356
    if (latest.end !== null) {
      text += dtp357(latest.end);
      n++;
    }
    // 2100A member name
    const a = m.address;
    text +=
      NM1_IL + m.lastName + e + m.firstName + (e + m.middleInitial + NM1_SSN) + (digitsOnly(m.ssn) + t) + (PER + digitsOnly(m.phone) + t) +
      (a.line2 ? "N3" + e + a.line1 + e + a.line2 + t : "N3" + e + a.line1 + t) + ("N4" + e + a.city + e + a.state + e) + (a.zip + t) + dmg(m.birthDate) + (m.sex + t);
    sink.addText(text, n + 5);
    // 2300 health coverage
    if (full) for (const s of m.spans) span(maintenance, s);
    else span(maintenance, latest);

    x.recordWritten();
    return sink.take();
  };
  const face = newEnrollmentFace();

  const writer: RecordWriter<Member> = {
    begin: () => x.isa(),
    accepts: () => true,
    write,
    writeIndex: (i) => write(enrollmentFace(world, i, face)),
    end: () => x.end(),
    get lines() {
      return 0;
    },
  };
  return writer as unknown as RecordWriter<EntityOfKind[K]>;
}
