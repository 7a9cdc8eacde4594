/** Defect injection overhead: the same claims workload rendered clean and with --defect-rate 0.05, in the same run. */
import { createWorld, DEFECTS, planFiles, renderFile, type DefectOptions } from "../generators/index.js";
import { type Verdict } from "./measure.js";
import { WORKLOAD } from "./generation.js";

function rate(format: string, defects?: DefectOptions): number {
  const world = createWorld(WORKLOAD);
  const spec = planFiles(world, { kinds: ["claims"], formats: [format], recordsPerFile: Number.MAX_SAFE_INTEGER, ...(defects ? { defects } : {}) })[0]!;
  const buffer = Buffer.allocUnsafe(1 << 20);
  const t = performance.now();
  let bytes = 0;
  let used = 0;
  for (const chunk of renderFile(world, spec, { chunkChars: 16_384 })) {
    if (typeof chunk !== "string") continue;
    if (used + chunk.length * 3 > buffer.length) {
      bytes += used;
      used = 0;
    }
    used += buffer.write(chunk, used);
  }
  bytes += used;
  return bytes / 1e6 / ((performance.now() - t) / 1000);
}

export function benchDefects(): Verdict[] {
  const defects: DefectOptions = { rate: 0.05, fileShare: 0, codes: DEFECTS.map((d) => d.code) };
  console.log("\n## Defect injection (claims, --defect-rate 0.05, every code)\n");
  const verdicts: Verdict[] = [];
  for (const format of ["csv", "ndjson"]) {
    // alternate clean and defective runs, and keep the best of three of each, to damp noise
    let clean = 0;
    let dirty = 0;
    for (let i = 0; i < 3; i++) {
      clean = Math.max(clean, rate(format));
      dirty = Math.max(dirty, rate(format, defects));
    }
    const cost = 1 - dirty / clean;
    console.log(`${format}: clean ${clean.toFixed(1)} MB/s, with defects ${dirty.toFixed(1)} MB/s: injection costs ${(cost * 100).toFixed(1)}% of throughput`);
    verdicts.push({ what: `defect injection cost (claims ${format})`, target: "< 10%", measured: `${(cost * 100).toFixed(1)}%`, ok: cost < 0.1 });
  }
  return verdicts;
}
