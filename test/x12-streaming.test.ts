/**
 * Streaming in constant memory (issue: "streaming in constant memory for a 2 GB file"): one X12 837P
 * claims file of over 2 GB is rendered in a child process (test/support/x12-stream.mjs, against the
 * built dist/: npm test builds it first) into a sink that counts, hashes and checks the bytes without
 * keeping them, and the child's peak RSS must stay far below the file's size. Buffering the file (or
 * any part of it that grows with the file) would blow the bound; a string of 2 GB cannot even exist.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const CHILD = fileURLToPath(new URL("./support/x12-stream.mjs", import.meta.url));

/** About 488 bytes of 837P per claim index at the default distributions (three in four claims are professional). */
const CLAIMS = 4_200_000;
const PEAK_RSS_MB = 250;

interface StreamReport {
  bytes: number;
  sha256: string;
  records: number;
  lines: number;
  head: string;
  tail: string;
  pending: string;
  segments: number;
  isa: number;
  gs: number;
  ge: number;
  iea: number;
  st: number;
  se: number;
  clm: number;
  lx: number;
  seCountMismatches: number;
  seControlMismatches: number;
  geCount: number;
  ieaCount: number;
  ieaControl: string;
  isaControl: string;
  seconds: number;
  maxRssMb: number;
}

describe("a 2 GB X12 file streams in constant memory", () => {
  it(
    "837P of 4.2 million claims: over 2e9 bytes, a well-formed interchange, peak RSS under 250 MB",
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [CHILD, "--claims", String(CLAIMS), "--format", "x12-837p"], { maxBuffer: 1 << 20, timeout: 900_000 });
      const r = JSON.parse(stdout) as StreamReport;

      expect(r.bytes).toBeGreaterThanOrEqual(2e9);
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
      // one interchange, one functional group, opened and closed at the two ends of the stream
      expect(r.head).toMatch(/^ISA\*00\*.{10}\*00\*.{10}\*ZZ\*.{15}\*ZZ\*.{15}\*\d{6}\*\d{4}\*\^\*00501\*\d{9}\*0\*T\*:~$/);
      expect([r.isa, r.gs, r.ge, r.iea]).toEqual([1, 1, 1, 1]);
      expect(r.tail.endsWith(`~GE*${r.st}*${Number(r.isaControl)}~IEA*1*${r.isaControl}~`)).toBe(true);
      expect(r.ieaControl).toBe(r.isaControl);
      expect(r.ieaCount).toBe(1);
      expect(r.pending).toBe("");
      // transaction sets of at most 5,000 claims, each SE counting its segments and echoing its ST02
      expect(r.st).toBe(r.se);
      expect(r.geCount).toBe(r.st);
      expect(r.st).toBeGreaterThanOrEqual(Math.ceil(r.records / 5000));
      expect(r.seCountMismatches).toBe(0);
      expect(r.seControlMismatches).toBe(0);
      // one CLM per claim written and one LX per service line, as renderFile counted them
      expect(r.records).toBeGreaterThan(CLAIMS / 2);
      expect(r.clm).toBe(r.records);
      expect(r.lx).toBe(r.lines);
      expect(r.segments).toBeGreaterThan(r.records * 10);

      expect(r.maxRssMb).toBeLessThan(PEAK_RSS_MB);
    },
    900_000,
  );
});
