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
import type { CoverageSpan, Member, Payer } from "../../model.js";
import type { FileContext, RecordWriter } from "../format.js";
import { Interchange } from "./envelope.js";
import { addressSegments, block, d8Formatter, digitsOnly, type Block } from "./segments.js";

export const X12_834_VERSION = "005010X220A1";

/** INS03/HD01 maintenance type and INS04 maintenance reason of a member in a change file. */
export function changeMaintenance(m: Member, windowStart: number): [type: "021" | "024" | "001", reason: string] {
  const latest = m.spans[m.spans.length - 1] as CoverageSpan;
  if (latest.end !== null) return ["024", "07"]; // termination of benefits
  if (latest.start >= windowStart) return ["021", m.spans.length > 1 ? "41" : "28"]; // re-enrollment / initial enrollment
  return ["001", "AI"]; // no reason given
}

export function open834<K extends Kind>(ctx: FileContext & { kind: K }): RecordWriter<EntityOfKind[K]> {
  if (ctx.kind !== "eligibility") throw new RangeError(`X12 834 files hold eligibility, not ${ctx.kind}`);
  const world = ctx.world;
  const d8 = d8Formatter(world);
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
  const span = (maintenance: string, s: CoverageSpan): void => {
    sink.add("HD" + e + maintenance + e + e + "HLT" + e + s.planId + e + s.coverageLevel);
    sink.add("DTP" + e + "348" + e + "D8" + e + d8(s.start));
    if (s.end !== null) sink.add("DTP" + e + "349" + e + "D8" + e + d8(s.end));
  };

  let payerId = "";

  const writer: RecordWriter<Member> = {
    begin: () => x.isa(),
    accepts: () => true,
    write(m) {
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
      sink.add("INS" + e + (m.relationship === "18" ? "Y" : "N") + e + m.relationship + e + maintenance + e + reason + e + "A");
      sink.add("REF" + e + "0F" + e + m.subscriberId);
      sink.add("REF" + e + "1L" + e + m.groupNumber);
      sink.add("DTP" + e + "356" + e + "D8" + e + d8(latest.start));
      if (latest.end !== null) sink.add("DTP" + e + "357" + e + "D8" + e + d8(latest.end));
      // 2100A member name
      sink.add("NM1" + e + "IL" + e + "1" + e + m.lastName + e + m.firstName + e + m.middleInitial + e + e + e + "34" + e + digitsOnly(m.ssn));
      sink.add("PER" + e + "IP" + e + e + "TE" + e + digitsOnly(m.phone));
      const [n3, n4] = addressSegments(m.address, e);
      sink.add(n3);
      sink.add(n4);
      sink.add("DMG" + e + "D8" + e + d8(m.birthDate) + e + m.sex);
      // 2300 health coverage
      if (full) for (const s of m.spans) span(maintenance, s);
      else span(maintenance, latest);

      x.recordWritten();
      return sink.take();
    },
    end: () => x.end(),
    get lines() {
      return 0;
    },
  };
  return writer as unknown as RecordWriter<EntityOfKind[K]>;
}
