/**
 * `npm run bench`: hcsynth's benchmarks. Every figure is a rate measured here, reported beside a
 * baseline run in the same process. Targets are printed as MET/MISS; `--strict` exits 1 on a miss.
 */
import { benchGeneration } from "./generation.js";
import { verdicts, type Verdict } from "./measure.js";

const results: Verdict[] = [];
results.push(...(await benchGeneration()));
console.log(`\n## Targets\n\n${verdicts(results)}`);
if (process.argv.includes("--strict") && results.some((v) => !v.ok)) process.exitCode = 1;
