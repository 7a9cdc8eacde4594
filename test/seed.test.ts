/**
 * `hcsynth seed` against a real FerretDB (SQLite) on a free loopback port in a temporary directory:
 * counts equal the manifest's record counts, documents are shaped and keyed as the pipeline loads
 * them, seeding twice changes nothing, new content replaces old by natural key, gzip is read, and a
 * database outside the allow-list is refused before anything is written.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFerretDb, freePort, startFerretDb, type RunningFerretDb } from "../src/stack/ferretdb.js";
import { startStack } from "../src/stack/stack.js";
import { hcsynth, readManifest, tempDir, type ManifestLike } from "./support/cli.js";
import { hcsynthAsync } from "./support/cli-async.js";

const POPULATION = ["--members", "80", "--providers", "15", "--claims", "200", "--encounters", "50"];

let ferret: RunningFerretDb;
let client: MongoClient;
let data: string;
let manifest: ManifestLike;

const records = (m: ManifestLike, kind: string): number => m.files.filter((f) => f.format === "ndjson" && f.kind === kind).reduce((n, f) => n + f.records, 0);
const url = (db: string): string => `${ferret.url.replace(/\/$/, "")}/${db}`;
const oneLine = (stderr: string): string[] => stderr.trim().split("\n");

async function counts(db: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of ["members", "eligibility", "providers", "claims", "encounters"]) out[c] = await client.db(db).collection(c).countDocuments();
  return out;
}

function summary(stdout: string): Record<string, [number, number, number]> {
  return Object.fromEntries([...stdout.matchAll(/^ {2}(\w+): (\d+) inserted, (\d+) updated, (\d+) unchanged$/gm)].map((m) => [m[1]!, [Number(m[2]), Number(m[3]), Number(m[4])]]));
}

beforeAll(async () => {
  const binary = await ensureFerretDb((line) => process.stderr.write(line + "\n"));
  const dir = tempDir("hcsynth-seed-db-");
  ferret = await startFerretDb({ binary, directory: join(dir, "db"), logFile: join(dir, "ferretdb.log") });
  client = await MongoClient.connect(ferret.url);
  data = tempDir();
  const gen = hcsynth(["generate", "--seed", "3", "--out", data, "--formats", "csv,ndjson", ...POPULATION]);
  expect(gen.code, gen.stderr).toBe(0);
  manifest = readManifest(data);
}, 600_000);

afterAll(async () => {
  await client?.close();
  await ferret?.stop();
});

describe("hcsynth seed", () => {
  it("loads the NDJSON records into the pipeline's collections, counts equal to the manifest's, and seeding twice changes nothing", async () => {
    const expected = { members: records(manifest, "eligibility"), eligibility: records(manifest, "eligibility"), providers: records(manifest, "providers"), claims: records(manifest, "claims"), encounters: records(manifest, "encounters") };
    expect(expected.claims).toBe(200);
    const first = await hcsynthAsync(["seed", data, "--mongo-url", url("qa_one"), "--allow-db", "qa_*", "--batch-size", "64"], { env: { HCSYNTH_ALLOW_DBS: "" } });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^seeded mongodb:\/\/127\.0\.0\.1:\d+\/qa_one \(database qa_one\) from 4 NDJSON files: 345 records, 0 rejected, 0 files rejected/);
    expect(summary(first.stdout)).toEqual(Object.fromEntries(Object.entries(expected).map(([k, n]) => [k, [n, 0, 0]])));
    expect(await counts("qa_one")).toEqual(expected);

    // documents by natural key, shaped like the NDJSON record (as the pipeline shapes them)
    const line = JSON.parse(readFileSync(join(data, "claims/claims-00000.ndjson"), "utf8").split("\n")[11]!) as Record<string, unknown>;
    const claim = await client.db("qa_one").collection("claims").findOne({ claimId: line["claimId"] });
    expect(claim).not.toBeNull();
    expect(claim!["totalCharge"]).toBe(line["totalCharge"]);
    expect(claim!["diagnoses"]).toMatchObject({ principal: (line["diagnoses"] as { principal: string }).principal });
    expect(claim!["_source"]).toEqual({ file: "claims/claims-00000.ndjson", recordIndex: 11 });
    expect(claim!["_loadedAt"]).toBeInstanceOf(Date);
    const provider = JSON.parse(readFileSync(join(data, "providers/providers-00000.ndjson"), "utf8").split("\n")[3]!) as Record<string, unknown>;
    expect(await client.db("qa_one").collection("providers").countDocuments({ npi: provider["npi"] })).toBe(1);
    const indexes = await client.db("qa_one").collection("claims").indexes();
    expect(indexes.find((i) => i.name === "claimId_unique")).toMatchObject({ unique: true, key: { claimId: 1 } });
    const loadedAt = claim!["_loadedAt"] as Date;

    const second = await hcsynthAsync(["seed", join(data, "manifest.json"), "--mongo-url", url("qa_one"), "--allow-db", "qa_one"]);
    expect(second.code, second.stderr).toBe(0);
    expect(summary(second.stdout)).toEqual(Object.fromEntries(Object.entries(expected).map(([k, n]) => [k, [0, 0, n]])));
    expect(await counts("qa_one")).toEqual(expected);
    const same = await client.db("qa_one").collection("claims").findOne({ claimId: line["claimId"] });
    expect(same!["_id"]).toEqual(claim!["_id"]);
    expect((same!["_loadedAt"] as Date).getTime()).toBe(loadedAt.getTime());
  });

  it("replaces documents whose content changed, by natural key, without duplicates", async () => {
    expect((await hcsynthAsync(["seed", data, "--mongo-url", url("qa_two"), "--allow-db", "qa_*"])).code).toBe(0);
    const other = tempDir();
    expect(hcsynth(["generate", "--seed", "4", "--out", other, "--formats", "ndjson", "--kinds", "claims,providers", ...POPULATION]).code).toBe(0);
    const r = await hcsynthAsync(["seed", other, "--mongo-url", url("qa_two"), "--allow-db", "qa_*"]);
    expect(r.code, r.stderr).toBe(0);
    const s = summary(r.stdout);
    // same IDs (SYNC0000000000…, the same NPIs or others), other content
    expect(s["claims"]![0] + s["claims"]![1]).toBe(200);
    expect(s["claims"]![1]).toBeGreaterThan(0);
    const line = JSON.parse(readFileSync(join(other, "claims/claims-00000.ndjson"), "utf8").split("\n")[5]!) as Record<string, unknown>;
    const stored = await client.db("qa_two").collection("claims").find({ claimId: line["claimId"] }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]!["totalCharge"]).toBe(line["totalCharge"]);
    expect(await client.db("qa_two").collection("claims").countDocuments()).toBe(200 + s["claims"]![0]);
  });

  it("reads gzipped NDJSON", async () => {
    const gz = tempDir();
    expect(hcsynth(["generate", "--seed", "3", "--out", gz, "--formats", "ndjson", "--gzip", ...POPULATION]).code).toBe(0);
    expect(readManifest(gz).files.every((f) => f.path.endsWith(".ndjson.gz"))).toBe(true);
    const r = await hcsynthAsync(["seed", gz, "--mongo-url", url("qa_gz"), "--allow-db", "qa_gz"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await counts("qa_gz")).toEqual({ members: 80, eligibility: 80, providers: 15, claims: 200, encounters: 50 });
  });

  it("refuses a database outside the allow-list (not the local stack's) and writes nothing", async () => {
    const r = await hcsynthAsync(["seed", data, "--mongo-url", url("prod"), "--stack-dir", join(tempDir(), "no-stack")], { env: { HCSYNTH_ALLOW_DBS: "" } });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toEqual([`hcsynth: database "prod" is not in the allow-list (the allow-list is empty); add it with --allow-db 'prod' or "allowDatabases" in the config file`]);
    const env = await hcsynthAsync(["seed", data, "--mongo-url", url("prod")], { env: { HCSYNTH_ALLOW_DBS: "qa_*,test_*" } });
    expect(env.code).toBe(1);
    expect(oneLine(env.stderr)[0]).toMatch(/not in the allow-list \(allowed: qa_\*, test_\*\)/);
    const names = (await client.db("prod").listCollections().toArray()).map((c) => c.name);
    expect(names).toEqual([]);
  });

  it("seeds the running local stack's database when no --mongo-url is given, with no allow-list needed", async () => {
    const stackDir = join(tempDir("hcsynth-seed-stack-"), "stack");
    const stack = await startStack({ dir: stackDir, glueStartupMs: 0, maxConcurrentRuns: 1, today: "2025-12-31", log: () => undefined });
    try {
      const r = await hcsynthAsync(["seed", data, "--stack-dir", stackDir], { env: { HCSYNTH_ALLOW_DBS: "" } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`seeded ${stack.state.mongoUrl} (database hcsynth)`);
      expect(await stack.db.collection("claims").countDocuments()).toBe(200);
      expect(await stack.db.collection("eligibility").countDocuments()).toBe(80);
      const other = await hcsynthAsync(["seed", data, "--stack-dir", stackDir, "--db", "elsewhere"], { env: { HCSYNTH_ALLOW_DBS: "" } });
      expect(other.code).toBe(1);
      expect(other.stderr).toMatch(/^hcsynth: database "elsewhere" is not in the allow-list/);
    } finally {
      await stack.stop();
    }
  });

  it("errors in one line: no stack and no URL, an unreachable database, bad input", async () => {
    const noStack = await hcsynthAsync(["seed", data, "--stack-dir", join(tempDir(), "none")]);
    expect(noStack.code).toBe(1);
    expect(oneLine(noStack.stderr)).toHaveLength(1);
    expect(noStack.stderr).toMatch(/^hcsynth: no --mongo-url given and no local stack is running from /);
    const port = await freePort();
    const down = await hcsynthAsync(["seed", data, "--mongo-url", `mongodb://user:s3cret@127.0.0.1:${port}/qa_x`, "--allow-db", "qa_*"]);
    expect(down.code).toBe(1);
    expect(oneLine(down.stderr)).toHaveLength(1);
    expect(down.stderr).toMatch(new RegExp(`^hcsynth: cannot reach the database at mongodb://\\*\\*\\*@127\\.0\\.0\\.1:${port}/qa_x`));
    expect(down.stderr).not.toContain("s3cret");
    const csvOnly = tempDir();
    expect(hcsynth(["generate", "--seed", "3", "--out", csvOnly, "--formats", "csv", "--kinds", "providers", "--providers", "5"]).code).toBe(0);
    for (const [args, expected] of [
      [["seed", csvOnly, "--mongo-url", url("qa_x"), "--allow-db", "qa_*"], /^hcsynth: .*: no NDJSON files to seed/],
      [["seed", data, "--mongo-url", url("qa_x"), "--allow-db", "qa_*", "--batch-size", "0"], /^hcsynth: --batch-size 0: expected a whole number from 1 to 100000$/],
      [["seed", join(data, "nope"), "--mongo-url", url("qa_x"), "--allow-db", "qa_*"], /^hcsynth: .*nope: no such file or directory/],
    ] as [string[], RegExp][]) {
      const r = await hcsynthAsync(args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(oneLine(r.stderr), args.join(" ")).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(expected);
    }
  });
});
