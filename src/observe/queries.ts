/**
 * The query mix of the query observer, as data: each query's name, default rate and what it runs
 * against the pipeline's collections (the reference pipeline's document shapes, the same as
 * `hcsynth seed` writes). Parameters come from records the run uploaded, so queries hit real documents.
 */
import type { Db } from "mongodb";

/** Values drawn from the records of uploaded files. */
export interface QueryParameters {
  memberId: string;
  claimId: string;
  billingNpi: string;
  /** An ISO date of service the drawn claim carries (YYYY-MM-DD). */
  serviceDate: string;
}

export interface QueryDefinition {
  name: string;
  description: string;
  /** Default rate, queries per second. */
  rate: number;
  run(db: Db, p: QueryParameters, signal: { maxTimeMS: number }): Promise<number>;
}

const monthOf = (iso: string): { from: string; to: string } => {
  const [y, m] = iso.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  return { from: `${iso.slice(0, 7)}-01`, to: `${next}-01` };
};

const addDays = (iso: string, days: number): string => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export const QUERIES: readonly QueryDefinition[] = [
  {
    name: "member_by_id",
    description: "one member by member ID",
    rate: 5,
    run: async (db, p, o) => ((await db.collection("members").findOne({ memberId: p.memberId }, o)) ? 1 : 0),
  },
  {
    name: "claim_by_id",
    description: "one claim by claim ID",
    rate: 5,
    run: async (db, p, o) => ((await db.collection("claims").findOne({ claimId: p.claimId }, o)) ? 1 : 0),
  },
  {
    name: "member_claims_in_range",
    description: "a member's claims with a statement date within 90 days either side of a date",
    rate: 2,
    run: async (db, p, o) => (await db.collection("claims").find({ "member.memberId": p.memberId, statementFrom: { $gte: addDays(p.serviceDate, -90), $lte: addDays(p.serviceDate, 90) } }, o).toArray()).length,
  },
  {
    name: "claims_by_provider_month",
    description: "a billing provider's claims in one month (at most 1,000)",
    rate: 2,
    run: async (db, p, o) => {
      const { from, to } = monthOf(p.serviceDate);
      return (await db.collection("claims").find({ "providers.billingNpi": p.billingNpi, statementFrom: { $gte: from, $lt: to } }, o).limit(1000).toArray()).length;
    },
  },
  {
    name: "charges_by_month",
    description: "total charges per day over the year of a date, summed into months by the client",
    rate: 0.5,
    run: async (db, p, o) => {
      const year = p.serviceDate.slice(0, 4);
      const days = await db
        .collection("claims")
        .aggregate<{ _id: string; total: number }>([{ $match: { statementFrom: { $gte: `${year}-01-01`, $lte: `${year}-12-31` } } }, { $group: { _id: "$statementFrom", total: { $sum: "$totalCharge" } } }], o)
        .toArray();
      const months = new Map<string, number>();
      for (const d of days) months.set(d._id.slice(0, 7), (months.get(d._id.slice(0, 7)) ?? 0) + d.total);
      return months.size;
    },
  },
];
