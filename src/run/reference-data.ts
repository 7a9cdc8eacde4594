/**
 * A scenario's reference data, loaded before the clock starts, as a QA engineer seeds an environment:
 * the world's whole member population (eligibility) and provider directory as NDJSON files through the
 * target, so the run's claims and encounters find their members and NPIs in the pipeline. With a
 * database to look at, it waits (with a deadline) until they are queryable.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Db } from "mongodb";
import { planFiles, renderFile, type World } from "../../generators/index.js";

export interface ReferenceLoad {
  keys: string[];
  members: number;
  providers: number;
}

export async function uploadReferenceData(world: World, s3: S3Client, bucket: string, prefix: string): Promise<ReferenceLoad> {
  const specs = planFiles(world, { kinds: ["eligibility", "providers"], formats: ["ndjson"], recordsPerFile: Number.MAX_SAFE_INTEGER });
  const keys: string[] = [];
  for (const spec of specs) {
    const parts: string[] = [];
    for (const chunk of renderFile(world, spec)) parts.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
    const key = `${prefix ? prefix + "/" : ""}reference/${spec.path}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: parts.join(""), ContentType: "application/x-ndjson", Metadata: { "hcsynth-file-id": `reference/${spec.path}` }, Tagging: "synthetic=true" }));
    keys.push(key);
  }
  return { keys, members: world.config.population.members, providers: world.config.population.providers };
}

/** Waits until the reference files' records are queryable (by lineage), or the deadline passes; returns the documents found. */
export async function awaitReferenceData(db: Db, load: ReferenceLoad, deadline: number, signal?: AbortSignal): Promise<{ members: number; providers: number }> {
  let found = { members: 0, providers: 0 };
  while (Date.now() < deadline && !signal?.aborted) {
    found = {
      members: await db.collection("members").countDocuments({ "_source.key": { $in: load.keys } }),
      providers: await db.collection("providers").countDocuments({ "_source.key": { $in: load.keys } }),
    };
    if (found.members >= load.members && found.providers >= load.providers) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return found;
}
