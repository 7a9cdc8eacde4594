import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { csvRecords } from "./support/csv.js";
import { hcsynth, readManifest, tempDir, type ManifestLike } from "./support/cli.js";

const POPULATION = ["--members", "2000", "--providers", "300", "--claims", "20000", "--encounters", "5000"];

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function filesByPath(m: ManifestLike): Map<string, string> {
  return new Map(m.files.map((f) => [f.path, f.sha256]));
}

describe("hcsynth generate", () => {
  let dir: string;
  let manifest: ManifestLike;

  beforeAll(() => {
    dir = tempDir();
    const r = hcsynth(["generate", "--seed", "7", "--out", dir, ...POPULATION, "--force"]);
    expect(r.stderr).toContain("wrote");
    expect(r.code).toBe(0);
    manifest = readManifest(dir);
  });

  it("writes every kind in CSV and NDJSON with a manifest whose counts and sha256s match the files", () => {
    expect(manifest.tool).toBe("hcsynth");
    expect(manifest.seed).toBe(7);
    const kinds = new Set(manifest.files.map((f) => `${f.kind}/${f.format}`));
    for (const k of ["claims", "encounters", "eligibility", "providers"]) for (const f of ["csv", "ndjson"]) expect(kinds).toContain(`${k}/${f}`);
    const expected: Record<string, number> = { claims: 20000, encounters: 5000, eligibility: 2000, providers: 300 };
    for (const f of manifest.files) {
      const path = join(dir, f.path);
      expect(readFileSync(path).length).toBe(f.bytes);
      expect(sha256(path)).toBe(f.sha256);
      const text = readFileSync(path, "utf8");
      if (f.format === "ndjson") {
        const docs = text.trimEnd().split("\n").map((l) => JSON.parse(l) as { lines?: unknown[] });
        expect(docs.length).toBe(f.records);
        expect(docs.reduce((n, d) => n + (d.lines?.length ?? 0), 0)).toBe(f.lines);
      } else {
        const rows = csvRecords(text);
        const key = { claims: "claim_id", encounters: "encounter_id", eligibility: "member_id", providers: "npi" }[f.kind]!;
        expect(new Set(rows.map((r) => r[key])).size).toBe(f.records);
        if (f.kind === "claims" || f.kind === "encounters") expect(rows.length).toBe(f.lines);
      }
    }
    for (const [kind, n] of Object.entries(expected)) {
      for (const format of ["csv", "ndjson"]) {
        expect(manifest.files.filter((f) => f.kind === kind && f.format === format).reduce((s, f) => s + f.records, 0)).toBe(n);
      }
    }
  });

  it("gives identical sha256s when run again, and with any number of workers", () => {
    const again = tempDir();
    expect(hcsynth(["generate", "--seed", "7", "--out", again, ...POPULATION, "--workers", "1"]).code).toBe(0);
    expect(filesByPath(readManifest(again))).toEqual(filesByPath(manifest));
    const many = tempDir();
    expect(hcsynth(["generate", "--seed", "7", "--out", many, ...POPULATION, "--workers", "3", "--records-per-file", "100000"]).code).toBe(0);
    expect(filesByPath(readManifest(many))).toEqual(filesByPath(manifest));
  });

  it("resolves every claim's member and NPIs in the eligibility and provider files", () => {
    const members = new Map(csvRecords(readFileSync(join(dir, "eligibility/eligibility-00000.csv"), "utf8")).map((r) => [`${r["member_id"]}#${r["span_number"]}`, r]));
    const memberIds = new Set([...members.values()].map((r) => r["member_id"]));
    const npis = new Set(csvRecords(readFileSync(join(dir, "providers/providers-00000.csv"), "utf8")).map((r) => r["npi"]));
    for (const file of ["claims/claims-00000.csv", "encounters/encounters-00000.csv"]) {
      for (const row of csvRecords(readFileSync(join(dir, file), "utf8"))) {
        expect(memberIds.has(row["member_id"])).toBe(true);
        expect(npis.has(row["billing_npi"])).toBe(true);
        const individual = row["rendering_npi"] || row["attending_npi"];
        expect(npis.has(individual)).toBe(true);
        // a span of the member covers the date of service
        const date = row["service_date"]!;
        const spans = [...members.values()].filter((m) => m["member_id"] === row["member_id"]);
        expect(spans.some((s) => s["coverage_start"]! <= date && (s["coverage_end"] === "" || date <= s["coverage_end"]!))).toBe(true);
      }
    }
  });

  it("shards: the union of the N shards' files equals one unsharded run, byte for byte", () => {
    const small = ["--members", "300", "--providers", "40", "--claims", "2500", "--encounters", "700", "--records-per-file", "400"];
    const whole = tempDir();
    expect(hcsynth(["generate", "--seed", "3", "--out", whole, ...small]).code).toBe(0);
    const union = new Map<string, string>();
    for (let i = 0; i < 3; i++) {
      const part = tempDir();
      const r = hcsynth(["generate", "--seed", "3", "--out", part, ...small, "--shard", `${i}/3`, "--workers", "2"]);
      expect(r.code).toBe(0);
      for (const f of readManifest(part).files) {
        expect(union.has(f.path)).toBe(false);
        expect(sha256(join(part, f.path))).toBe(f.sha256);
        union.set(f.path, f.sha256);
      }
    }
    expect(union).toEqual(filesByPath(readManifest(whole)));
  });

  it("gzips on request: the files decompress to the uncompressed run's bytes", () => {
    const gz = tempDir();
    const plain = tempDir();
    const args = ["--seed", "9", "--members", "100", "--providers", "20", "--claims", "300", "--encounters", "50"];
    expect(hcsynth(["generate", ...args, "--out", gz, "--gzip"]).code).toBe(0);
    expect(hcsynth(["generate", ...args, "--out", plain]).code).toBe(0);
    for (const f of readManifest(plain).files) {
      expect(gunzipSync(readFileSync(join(gz, `${f.path}.gz`))).equals(readFileSync(join(plain, f.path)))).toBe(true);
    }
  });

  it("layers config file < environment < flags", () => {
    const out = tempDir();
    const config = join(tempDir(), "world.json");
    writeFileSync(config, JSON.stringify({ seed: 5, idPrefix: "QA", population: { members: 50, providers: 10, claims: 20, encounters: 0 } }));
    const r = hcsynth(["generate", "--out", out, "--config", config, "--claims", "30", "--kinds", "claims", "--formats", "csv"], { HCSYNTH_SEED: "6" });
    expect(r.code).toBe(0);
    const m = readManifest(out);
    expect(m.seed).toBe(6);
    expect(m.files[0]!.records).toBe(30);
    expect(readFileSync(join(out, m.files[0]!.path), "utf8").split("\n")[1]).toMatch(/^QAC\d{10},/);
  });
});

describe("hcsynth generate: bad input", () => {
  const cases: [string, string[], RegExp][] = [
    ["an unknown kind", ["--kinds", "claims,bills"], /--kinds: unknown value "bills"/],
    ["an unknown format", ["--formats", "xml"], /--formats: unknown value "xml"/],
    ["a non-numeric count", ["--claims", "lots"], /--claims "lots": expected a whole number/],
    ["a negative count", ["--members", "-5"], /--members "-5": expected a whole number/],
    ["a shard out of range", ["--shard", "3/3"], /--shard 3\/3: shard index must be from 0 to N-1/],
    ["a malformed shard", ["--shard", "1-2"], /--shard "1-2": expected i\/N/],
    ["a bad reference date", ["--reference-date", "2025-02-30"], /referenceDate: 2025-02-30 is not a calendar date/],
    ["a missing config file", ["--config", "/nonexistent/world.json"], /--config \/nonexistent\/world.json: cannot be read \(ENOENT\)/],
  ];
  for (const [what, args, message] of cases) {
    it(`rejects ${what} with one line, a non-zero exit and no manifest`, () => {
      const out = tempDir();
      const r = hcsynth(["generate", "--out", out, "--members", "10", "--providers", "5", "--claims", "5", "--encounters", "0", ...args]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(join(out, "manifest.json"))).toBe(false);
    });
  }

  it("refuses a non-empty directory without --force, and an unwritable one", () => {
    const out = tempDir();
    writeFileSync(join(out, "keep.txt"), "x");
    const r = hcsynth(["generate", "--out", out, "--members", "10", "--providers", "5", "--claims", "5"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`hcsynth: --out ${out}: is not empty (use --force to write into it)`);
    expect(readdirSync(out)).toEqual(["keep.txt"]);

    // /proc refuses new directories even to root
    const r2 = hcsynth(["generate", "--out", "/proc/hcsynth-out", "--members", "10", "--providers", "5", "--claims", "5"]);
    expect(r2.code).toBe(1);
    expect(r2.stderr.trim()).toMatch(/^hcsynth: --out \/proc\/hcsynth-out: is not writable \(E[A-Z]+\)$/);
    const file = join(tempDir(), "plain-file");
    writeFileSync(file, "");
    const r3 = hcsynth(["generate", "--out", file, "--members", "10", "--providers", "5", "--claims", "5"]);
    expect(r3.code).toBe(1);
    expect(r3.stderr.trim()).toBe(`hcsynth: --out ${file}: is not a directory`);
  });
});
