/**
 * `npm run bench`: hcsynth's benchmarks. Every figure is a rate measured here, reported beside a
 * baseline run in the same process. Targets are printed as MET/MISS; `--strict` exits 1 on a miss.
 */
import { benchGeneration } from "./generation.js";
import { benchDefects } from "./defects.js";
import { benchPipeline } from "./pipeline.js";
import { benchExecutor } from "./executor.js";
import { benchPush } from "./push.js";
import { verdicts, type Verdict } from "./measure.js";

const results: Verdict[] = [];
results.push(...(await benchGeneration()));
results.push(...benchDefects());
results.push(...(await benchPipeline()));
results.push(...(await benchExecutor()));
results.push(...(await benchPush()));
console.log(`\n## Targets\n\n${verdicts(results)}`);
if (process.argv.includes("--strict") && results.some((v) => !v.ok)) process.exitCode = 1;
