/**
 * The loading half of the Glue job: checks a batch of documents against what the database already
 * holds (members, providers, eligibility spans), then writes the good ones with idempotent upserts on
 * their natural keys and records the rest in `rejections`. Every loaded document carries its lineage.
 */
import type { Db, Document } from "mongodb";
import type { LoadDoc, Rejection } from "../etl/types.js";
import { groupKeys, NATURAL_KEYS, REJECTIONS, type RejectionDoc, type TargetCollection } from "./store.js";

export interface SourceRef {
  bucket: string;
  key: string;
  etag: string;
}

export interface BatchOutcome {
  loaded: number;
  rejected: number;
}

interface Span {
  start: string;
  end: string | null;
}

function covered(spans: readonly Span[], day: string): boolean {
  return spans.some((s) => s.start <= day && (s.end === null || day <= s.end));
}

/** Reference checks that need the database; returns the docs that pass and the rejections of the rest. */
async function checkReferences(db: Db, docs: LoadDoc[]): Promise<{ good: LoadDoc[]; rejected: Rejection[] }> {
  const memberIds = new Set<string>();
  const npis = new Set<string>();
  for (const d of docs) {
    if (d.collection === "claims" || d.collection === "encounters" || (d.collection === "eligibility" && d.doc["maintenanceType"] === "024")) {
      for (const m of d.refs.memberIds) if (m) memberIds.add(m);
    }
    if (d.collection === "claims" || d.collection === "encounters") for (const n of d.refs.npis) if (n) npis.add(n);
  }
  if (memberIds.size === 0 && npis.size === 0) return { good: docs, rejected: [] };
  const [members, providers, eligibility] = await Promise.all([
    memberIds.size ? db.collection("members").find({ memberId: { $in: [...memberIds] } }, { projection: { memberId: 1 } }).toArray() : [],
    npis.size ? db.collection("providers").find({ npi: { $in: [...npis] } }, { projection: { npi: 1 } }).toArray() : [],
    memberIds.size ? db.collection("eligibility").find({ memberId: { $in: [...memberIds] } }, { projection: { memberId: 1, coverage: 1 } }).toArray() : [],
  ]);
  const knownMembers = new Set(members.map((m) => m["memberId"] as string));
  const knownNpis = new Set(providers.map((p) => p["npi"] as string));
  const spans = new Map(eligibility.map((e) => [e["memberId"] as string, (e["coverage"] ?? []) as Span[]]));
  const good: LoadDoc[] = [];
  const rejected: Rejection[] = [];
  for (const d of docs) {
    const id = String(d.doc[NATURAL_KEYS[d.collection as TargetCollection]] ?? "");
    if (rejected.some((r) => r.recordIndex === d.recordIndex)) continue; // another document of the record failed
    const reject = (reason: string, message: string, field?: string): void => {
      rejected.push({ reason, message, recordIndex: d.recordIndex, recordId: id, ...(field ? { field } : {}) });
    };
    if (d.collection === "eligibility" && d.doc["maintenanceType"] === "024") {
      if (!d.refs.memberIds.some((m) => knownMembers.has(m))) {
        reject("ELIG_TERMINATION_NEVER_ADDED", `termination of member ${d.refs.memberIds.join("/")} who was never added`, "memberId");
        continue;
      }
    }
    if (d.collection !== "claims" && d.collection !== "encounters") {
      good.push(d);
      continue;
    }
    const member = d.refs.memberIds.find((m) => knownMembers.has(m));
    if (!member) {
      reject("REC_MEMBER_NOT_IN_POPULATION", `member ${d.refs.memberIds.join("/") || "(none)"} is not in the eligibility population`, "memberId");
      continue;
    }
    const unknownNpi = d.refs.npis.find((n) => n && !knownNpis.has(n));
    if (unknownNpi) {
      reject("REC_NPI_NOT_IN_POPULATION", `NPI ${unknownNpi} is not in the provider population`, "npi");
      continue;
    }
    const memberSpans = spans.get(member) ?? [];
    const outside = d.refs.serviceDates.find((day) => !covered(memberSpans, day));
    if (outside) {
      reject("REC_OUTSIDE_ELIGIBILITY", `date of service ${outside} is outside every eligibility span of member ${member}`, "serviceDate");
      continue;
    }
    good.push(d);
  }
  return { good, rejected };
}

const collectionLocks = new Map<string, Promise<void>>();

/** Runs `work` with the collection to itself among this process's jobs (loads are delete-then-insert). */
async function withCollectionLock(name: string, work: () => Promise<void>): Promise<void> {
  const previous = collectionLocks.get(name) ?? Promise.resolve();
  const current = previous.then(work, work);
  collectionLocks.set(name, current.catch(() => undefined));
  await current;
}

/**
 * Idempotent "upsert by natural key", as delete-then-insert under a per-collection lock: FerretDB's
 * SQLite backend runs each update or upsert as a full scan (minutes for a batch), while deletes and
 * inserts are batched. A key is usually one field (claimId, npi, memberId); an 834 dependent, whose
 * member ID the 834 does not carry, is keyed by subscriber ID and SSN.
 */
async function replaceByKey(db: Db, name: string, keys: Record<string, string>[], documents: Document[]): Promise<void> {
  const collection = db.collection(name);
  await withCollectionLock(name, async () => {
    const { single, compound } = groupKeys(keys);
    for (const [field, values] of single) await collection.deleteMany({ [field]: { $in: values } });
    if (compound.length > 0) await collection.deleteMany({ $or: compound });
    await collection.insertMany(documents, { ordered: false });
  });
}

/**
 * Loads one batch (whole records only: a record's documents never straddle batches). Counts are of
 * records, not documents: an eligibility record loads a member and its coverage.
 */
export async function loadBatch(db: Db, runId: string, source: SourceRef, docs: LoadDoc[], rejections: Rejection[]): Promise<BatchOutcome> {
  const checked = await checkReferences(db, docs);
  const rejectedRecords = new Set(checked.rejected.map((r) => r.recordIndex));
  const good = checked.good.filter((d) => !rejectedRecords.has(d.recordIndex));
  const rejected = checked.rejected;
  const all = [...rejections, ...rejected];
  const loadedAt = new Date();
  const byCollection = new Map<string, LoadDoc[]>();
  for (const d of good) byCollection.set(d.collection, [...(byCollection.get(d.collection) ?? []), d]);
  for (const [name, list] of byCollection) {
    const documents = list.map((d) => ({ ...d.doc, _source: { ...source, recordIndex: d.recordIndex }, _loadedAt: loadedAt }));
    await replaceByKey(db, name, list.map((d) => d.key), documents);
  }
  if (all.length > 0) {
    const docsOut: RejectionDoc[] = all.map((r) => ({
      runId,
      source,
      scope: "record",
      reason: r.reason,
      message: r.message,
      locator: { recordIndex: r.recordIndex, recordId: r.recordId, line: r.line, segment: r.segment, field: r.field },
      at: loadedAt,
    }));
    await db.collection(REJECTIONS).insertMany(docsOut, { ordered: false });
  }
  return { loaded: new Set(good.map((d) => d.recordIndex)).size, rejected: new Set(all.map((r) => r.recordIndex)).size };
}
