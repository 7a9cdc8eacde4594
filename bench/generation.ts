/** Generation benchmarks (issue: world model and writers): per kind and format, naive baseline, workers, a large file's peak RSS. */
import { spawnSync } from "node:child_process";
import { availableParallelism, tmpdir } from "node:os";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createWorld, KINDS, planFiles, renderFile, type Kind } from "../generators/index.js";
import { naiveClaimsCsv } from "./naive-baseline.js";
import { textCeilingClaimsCsv } from "./text-ceiling.js";
import { mbps, rps, table, time, type Rate, type Verdict } from "./measure.js";

export const WORKLOAD = { seed: 7, population: { members: 20_000, providers: 2_000, claims: 100_000, encounters: 25_000 } };

/** Timed repetitions of each in-process rate (BENCH_REPEAT, default 3): the best is reported. */
const REPEAT = Math.max(1, Number(process.env["BENCH_REPEAT"] ?? "3"));

/** A small world of the same shape, rendered once untimed before each rate so that the JIT has compiled the hot paths. */
const WARM_UP = { seed: 7, population: { members: 2_000, providers: 200, claims: 10_000, encounters: 2_500 } };

/** The best (fastest) of `REPEAT` runs of `run`, after one untimed `warmUp`. */
function best(warmUp: () => void, run: () => Rate): Rate {
  warmUp();
  let fastest: Rate | undefined;
  for (let k = 0; k < REPEAT; k++) {
    const r = run();
    if (fastest === undefined || r.seconds < fastest.seconds) fastest = r;
  }
  return fastest as Rate;
}

/** Renders one kind/format of `workload` in this thread into memory: pure generation + serialisation speed. */
function renderOnce(workload: typeof WORKLOAD, kind: Kind, format: string): Rate {
  const world = createWorld(workload);
  const group = format.startsWith("x12") ? "x12" : format;
  const spec = planFiles(world, { kinds: [kind], formats: [group], recordsPerFile: Number.MAX_SAFE_INTEGER }).find((s) => s.format === format);
  if (!spec) throw new Error(`no ${kind}/${format} file planned`);
  const buffer = Buffer.allocUnsafe(1 << 20);
  let counted = 0;
  const { value: bytes, seconds } = time(() => {
    let total = 0;
    let used = 0;
    const it = renderFile(world, spec, { chunkChars: 16_384 });
    for (;;) {
      const step = it.next();
      if (step.done) {
        counted = step.value.records;
        break;
      }
      const chunk = step.value;
      if (used + chunk.length * 3 > buffer.length) {
        total += used;
        used = 0;
      }
      used += buffer.write(chunk as string, used); // no defects here: text only
    }
    return total + used;
  });
  return { label: `${kind}/${format}`, seconds, records: counted, bytes };
}

/** One kind/format on one core: warmed up, best of REPEAT renders of the benchmark world. */
function renderRate(kind: Kind, format: string): Rate {
  return best(
    () => renderOnce(WARM_UP, kind, format),
    () => renderOnce(WORKLOAD, kind, format),
  );
}

function naiveOnce(claims: number): Rate {
  let bytes = 0;
  const { seconds } = time(() => naiveClaimsCsv(claims, (t) => (bytes += Buffer.byteLength(t))));
  return { label: "naive faker claims/csv (same columns)", seconds, records: claims, bytes };
}

/** The naive baseline, measured the same way as the rates it is compared with. */
function naiveRate(claims: number): Rate {
  return best(
    () => naiveOnce(Math.ceil(claims / 10)),
    () => naiveOnce(claims),
  );
}

function ceilingOnce(claims: number): Rate {
  let bytes = 0;
  const { seconds } = time(() => textCeilingClaimsCsv(claims, (t) => (bytes += Buffer.byteLength(t))));
  return { label: "text-only ceiling", seconds, records: claims, bytes };
}

/**
 * hcsynth's claims CSV, and the text-only ceiling, over the naive baseline's MB/s, each triple measured
 * back to back (warmed up): the ratios sorted.
 */
function pairedRatios(): { hcsynth: number[]; ceiling: number[] } {
  renderOnce(WARM_UP, "claims", "csv");
  naiveOnce(2_000);
  ceilingOnce(10_000);
  const hcsynth: number[] = [];
  const ceiling: number[] = [];
  for (let k = 0; k < Math.max(3, REPEAT); k++) {
    const ours = mbps(renderOnce(WORKLOAD, "claims", "csv"));
    const top = mbps(ceilingOnce(WORKLOAD.population.claims));
    const naive = mbps(naiveOnce(20_000));
    hcsynth.push(ours / naive);
    ceiling.push(top / naive);
  }
  const sort = (list: number[]): number[] => list.sort((x, y) => x - y);
  return { hcsynth: sort(hcsynth), ceiling: sort(ceiling) };
}

/** The end-to-end workload: four times the in-memory one's claims and encounters, so that process and worker start-up weigh little. */
const E2E_POPULATION = { members: 20_000, providers: 2_000, claims: 400_000, encounters: 100_000 };

const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

/** `hcsynth generate ARGS` in a child process, timed by the wall clock. */
function generateCli(args: string[]): { stderr: string; seconds: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, "generate", ...args], { encoding: "utf8" });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`hcsynth generate ${args.join(" ")} failed: ${r.stderr}`);
  return { stderr: r.stderr, seconds };
}

/** Every kind in CSV and NDJSON to disk through the CLI (both worker counts start cold alike). */
function endToEnd(workers: number): Rate {
  const out = mkdtempSync(join(tmpdir(), "hcsynth-bench-"));
  try {
    const p = E2E_POPULATION;
    const { seconds } = generateCli(["--seed", "7", "--out", out, "--formats", "csv,ndjson", "--members", String(p.members), "--providers", String(p.providers), "--claims", String(p.claims), "--encounters", String(p.encounters), "--records-per-file", "25000", "--workers", String(workers)]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { files: { records: number; bytes: number }[] };
    return { label: `generate --workers ${workers}`, seconds, records: manifest.files.reduce((n, f) => n + f.records, 0), bytes: manifest.files.reduce((n, f) => n + f.bytes, 0) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Generates one large claims CSV file in a child process (one worker thread) and reads its peak RSS. */
function largeFile(gigabytes: number): { bytes: number; seconds: number; peakRssMb: number } {
  const out = mkdtempSync(join(tmpdir(), "hcsynth-bench-large-"));
  try {
    // ~395 bytes of claims CSV per claim at the default distributions
    const claims = Math.ceil((gigabytes * 1e9) / 395);
    const { stderr } = generateCli(["--seed", "7", "--out", out, "--kinds", "claims", "--formats", "csv", "--members", "200000", "--providers", "20000", "--claims", String(claims), "--records-per-file", String(claims), "--workers", "1"]);
    // the CLI's summary line: "wrote N files (X MB) and manifest.json to DIR in S s, peak RSS R MB"
    const m = /wrote \d+ files \(([\d.]+) MB\).* in ([\d.]+) s, peak RSS (\d+) MB/.exec(stderr);
    if (!m) throw new Error(`unexpected generate summary: ${stderr}`);
    return { bytes: Number(m[1]) * 1e6, seconds: Number(m[2]), peakRssMb: Number(m[3]) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function benchGeneration(): Promise<Verdict[]> {
  console.log(`\n## Generation (seed 7: ${WORKLOAD.population.members} members, ${WORKLOAD.population.providers} providers, ${WORKLOAD.population.claims} claims, ${WORKLOAD.population.encounters} encounters)\n`);
  const rates: Rate[] = [];
  for (const kind of KINDS) for (const format of ["csv", "ndjson"]) rates.push(renderRate(kind, format));
  const x12Rates = [renderRate("claims", "x12-837p"), renderRate("claims", "x12-837i"), renderRate("encounters", "x12-837p"), renderRate("encounters", "x12-837i"), renderRate("eligibility", "x12-834")];
  const naive = naiveRate(20_000);
  console.log(`One core, in memory (generation + serialisation; best of ${REPEAT} after a warm-up):`);
  console.log(table([...rates, naive].map((r) => [r.label, rps(r), mbps(r)]), ["kind/format", "records/s", "MB/s"]));
  console.log("\nX12 on one core (records: claims or members of the transaction type; the range is all claims, so claims/s counts only those written):");
  console.log(table(x12Rates.map((r) => [r.label, rps(r), mbps(r)]), ["kind/format", "records/s", "MB/s"]));
  const claimsCsv = rates.find((r) => r.label === "claims/csv")!;
  const perClaim = (r: Rate): string => (r.bytes / r.records).toFixed(0);
  // the ratio from back-to-back pairs (this machine's speed drifts between runs): the median pair
  const ratios = pairedRatios();
  const median = (list: number[]): number => list[Math.floor(list.length / 2)]!;
  const ratio = median(ratios.hcsynth);
  const listed = (list: number[]): string => list.map((r) => r.toFixed(1)).join(", ");
  console.log(
    `\nclaims/csv vs naive faker-per-field CSV of the same columns (bytes per claim ${perClaim(claimsCsv)} and ${perClaim(naive)}): ` +
      `${ratio.toFixed(1)}× (MB/s), the median of ${ratios.hcsynth.length} back-to-back runs (${listed(ratios.hcsynth)})`,
  );
  console.log(
    `the text-only ceiling (bench/text-ceiling.ts: rows of the same shape with no claim objects and no referential integrity) vs the same baseline: ` +
      `${median(ratios.ceiling).toFixed(1)}× (${listed(ratios.ceiling)})`,
  );

  const all = availableParallelism();
  const e2e = [endToEnd(1), endToEnd(all)];
  const p = E2E_POPULATION;
  console.log(`\nEnd to end to disk through the CLI, wall clock (every kind, CSV + NDJSON, files of 25,000 records; ${p.claims} claims, ${p.encounters} encounters):`);
  console.log(table(e2e.map((r) => [r.label, rps(r), mbps(r)]), ["run", "records/s", "MB/s"]));
  console.log(`workers ${all} vs 1: ${(mbps(e2e[1]!) / mbps(e2e[0]!)).toFixed(2)}×`);

  const gb = Number(process.env["BENCH_LARGE_GB"] ?? "5");
  const large = largeFile(gb);
  console.log(`\nOne ${(large.bytes / 1e9).toFixed(2)} GB claims CSV file, one worker: ${(large.bytes / 1e6 / large.seconds).toFixed(1)} MB/s, peak RSS ${large.peakRssMb.toFixed(0)} MB`);
  const slowestX12 = x12Rates.reduce((a, b) => (mbps(a) < mbps(b) ? a : b));
  return [
    { what: `X12 on one core (slowest: ${slowestX12.label})`, target: "≥ 80 MB/s", measured: `${mbps(slowestX12).toFixed(1)} MB/s`, ok: mbps(slowestX12) >= 80 },
    { what: "claims CSV vs naive faker baseline", target: "≥ 10×", measured: `${ratio.toFixed(1)}×`, ok: ratio >= 10 },
    { what: "claims CSV on one core", target: "≥ 120 MB/s", measured: `${mbps(claimsCsv).toFixed(1)} MB/s`, ok: mbps(claimsCsv) >= 120 },
    { what: `peak RSS generating a ${(large.bytes / 1e9).toFixed(1)} GB file`, target: "< 200 MB", measured: `${large.peakRssMb.toFixed(0)} MB`, ok: large.peakRssMb < 200 },
  ];
}
