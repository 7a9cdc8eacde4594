/** `hcsynth generate` with defects, and `hcsynth defects list`, end to end through the CLI. */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { hcsynth, readManifest, tempDir } from "./support/cli.js";
import { readManifestFiles, type ManifestDefect as Defect, type ManifestFileEntry as FileEntry } from "./support/manifest.js";

const DONE_WHEN = ["--seed", "11", "--formats", "csv,ndjson,x12", "--claims", "20000", "--members", "2000", "--providers", "300"];

describe("generate with defects (the issue's done-when run)", () => {
  let dirty: string;
  let clean: string;
  let files: FileEntry[];

  beforeAll(() => {
    dirty = tempDir();
    clean = tempDir();
    const r = hcsynth(["generate", ...DONE_WHEN, "--out", dirty, "--defect-rate", "0.05", "--defective-files", "0.2", "--records-per-file", "5000"]);
    expect(r.stderr).toContain("wrote");
    expect(hcsynth(["generate", ...DONE_WHEN, "--out", clean, "--records-per-file", "5000"]).code).toBe(0);
    const m = readManifestFiles(dirty);
    expect(m.defectCatalogueVersion).toMatch(/^\d+\.\d+\.\d+$/);
    files = m.files;
  });

  it("lists every defect with a code, level, expected outcome and locator, and counts what a pipeline should load", () => {
    let total = 0;
    let fileLevel = 0;
    for (const f of files) {
      expect(f.expected, f.path).toBeDefined();
      const e = f.expected!;
      expect(e.load + e.reject).toBe(f.records);
      expect(e.flag).toBeLessThanOrEqual(e.load);
      expect(f.defectCount).toBe(f.defects!.length);
      for (const d of f.defects!) {
        total++;
        expect(["file", "transaction", "record", "field"]).toContain(d.level);
        expect(["reject-file", "reject-transaction", "reject-record", "flag"]).toContain(d.expected);
        if (d.level === "record" || d.level === "field") {
          expect(d.locator.recordIndex).toBeTypeOf("number");
          expect(d.locator.recordId).toBeTypeOf("string");
          expect(d.locator.line ?? d.locator.segment).toBeTypeOf("number");
        } else fileLevel++;
      }
    }
    expect(total).toBeGreaterThan(1000);
    expect(fileLevel).toBeGreaterThan(0);
  });

  it("puts each record defect where its locator says, and leaves every unlisted claim as in the clean run", () => {
    for (const f of files.filter((x) => x.kind === "claims" && (x.format === "csv" || x.format === "ndjson"))) {
      if (f.defects!.some((d) => d.level === "file" || d.level === "transaction")) continue;
      const badLines = readFileSync(join(dirty, f.path), "utf8").split("\n");
      const cleanLines = readFileSync(join(clean, f.path), "utf8").split("\n");
      const idOf = (line: string): string => (f.format === "csv" ? line.split(",")[0]! : (/"claimId":"([^"]+)"/.exec(line)?.[1] ?? "?"));
      const listed = new Set(f.defects!.map((d) => d.locator.recordId));
      for (const d of f.defects!) expect(idOf(badLines[d.locator.line! - 1]!), `${d.code} at line ${d.locator.line}`).toBe(d.locator.recordId);
      const keep = (lines: string[]): string[] => lines.filter((l) => l !== "" && !listed.has(idOf(l)));
      expect(keep(badLines)).toEqual(keep(cleanLines));
    }
  });
});

describe("generate with defects: sinks, large lists, policies and errors", () => {
  const small = ["--seed", "4", "--members", "200", "--providers", "30", "--claims", "300", "--encounters", "50"];

  it("breaks gzip the way FILE_GZIP_NOT_GZIP and FILE_GZIP_CORRUPT say", () => {
    const out = tempDir();
    expect(hcsynth(["generate", ...small, "--out", out, "--gzip", "--defects", "FILE_GZIP_NOT_GZIP,FILE_GZIP_CORRUPT", "--defective-files", "1"]).code).toBe(0);
    const m = readManifest(out) as unknown as { files: FileEntry[] };
    const codes = new Set<string>();
    for (const f of m.files) {
      const code = f.defects![0]!.code;
      codes.add(code);
      const bytes = readFileSync(join(out, f.path));
      if (code === "FILE_GZIP_NOT_GZIP") {
        expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(false);
        expect(bytes.toString("utf8").length).toBeGreaterThan(0);
      } else {
        expect(bytes[0]).toBe(0x1f);
        expect(() => gunzipSync(bytes)).toThrow();
      }
      expect(f.expected).toEqual({ load: 0, reject: f.records, flag: 0 });
    }
    expect(codes).toEqual(new Set(["FILE_GZIP_NOT_GZIP", "FILE_GZIP_CORRUPT"]));
  });

  it("moves a file's defects to defects.jsonl when there are thousands", () => {
    const out = tempDir();
    const r = hcsynth(["generate", "--seed", "2", "--members", "500", "--providers", "50", "--claims", "20000", "--encounters", "0", "--kinds", "claims", "--formats", "csv", "--out", out, "--defect-rate", "0.2"]);
    expect(r.code).toBe(0);
    const f = (readManifest(out) as unknown as { files: FileEntry[] }).files[0]!;
    expect(f.defects).toBeUndefined();
    expect(f.defectsFile).toBe("defects.jsonl");
    const lines = readFileSync(join(out, "defects.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Defect & { path: string });
    expect(lines.length).toBe(f.defectCount);
    expect(lines.length).toBeGreaterThan(3000);
    for (const l of lines) expect(l.path).toBe(f.path);
  });

  it("applies a policy file's expected outcomes", () => {
    const out = tempDir();
    const policy = join(tempDir(), "policy.json");
    writeFileSync(policy, JSON.stringify({ REC_TOTAL_MISMATCH: "flag" }));
    expect(hcsynth(["generate", ...small, "--kinds", "claims", "--formats", "csv", "--out", out, "--defects", "REC_TOTAL_MISMATCH", "--defect-rate", "0.2", "--policy", policy]).code).toBe(0);
    const f = (readManifest(out) as unknown as { files: FileEntry[] }).files[0]!;
    expect(f.defects!.length).toBeGreaterThan(10);
    for (const d of f.defects!) expect(d.expected).toBe("flag");
    expect(f.expected).toEqual({ load: f.records, reject: 0, flag: f.defects!.length });
  });

  it("is deterministic: the same seed gives the same defective files", () => {
    const a = tempDir();
    const b = tempDir();
    for (const out of [a, b]) expect(hcsynth(["generate", ...small, "--out", out, "--formats", "csv,x12", "--defect-rate", "0.1", "--defective-files", "0.5", "--workers", out === a ? "1" : "2"]).code).toBe(0);
    expect(readFileSync(join(a, "manifest.json"), "utf8")).toBe(readFileSync(join(b, "manifest.json"), "utf8"));
  });

  it.each([
    [["--defects", "NOT_A_CODE", "--defect-rate", "0.1"], /unknown defect code "NOT_A_CODE"/],
    [["--defect-rate", "2"], /--defect-rate "2": expected a number from 0 to 1/],
    [["--defective-files", "x"], /--defective-files "x": expected a number from 0 to 1/],
  ])("rejects %j with one line and no manifest", (args, message) => {
    const out = tempDir();
    const r = hcsynth(["generate", ...small, "--out", out, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });
});

describe("hcsynth defects list", () => {
  it("prints the catalogue as a table and as JSON, with a policy applied", () => {
    const table = hcsynth(["defects", "list"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^defect catalogue \d+\.\d+\.\d+/);
    expect(table.stdout).toMatch(/X12_SE01_COUNT\s+transaction\s+reject-transaction/);
    const policy = join(tempDir(), "policy.json");
    writeFileSync(policy, JSON.stringify({ FILE_BOM: "reject-file" }));
    const json = JSON.parse(hcsynth(["defects", "list", "--json", "--policy", policy]).stdout) as { version: string; defects: { code: string; expected: string; formats: string[] }[] };
    expect(json.defects.length).toBeGreaterThanOrEqual(45);
    expect(json.defects.find((d) => d.code === "FILE_BOM")!.expected).toBe("reject-file");
    expect(new Set(json.defects.map((d) => d.code)).size).toBe(json.defects.length);
    const bad = join(tempDir(), "bad.json");
    writeFileSync(bad, JSON.stringify({ FILE_BOM: "explode" }));
    const r = hcsynth(["defects", "list", "--policy", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('hcsynth: policy.FILE_BOM: expected one of reject-file, reject-transaction, reject-record, flag, got "explode"');
  });
});
