/** `hcsynth generate`: a thin shell over generate() in src/generate/run.ts. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { selectDefects, validatePolicy, type CodeLists, type DefectOptions } from "../../../generators/index.js";
import { generate } from "../../generate/run.js";
import { UserError } from "../errors.js";
import { GENERATE_OPTIONS, layerGenerateOptions } from "../generate-options.js";
import { progressFor } from "../progress.js";

export function readJsonFile(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`${flag} ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${flag} ${path}: is not valid JSON (${(error as Error).message})`);
  }
}

/** A user's code list: one code per line; blank lines and # comments are skipped. */
export function readCodeListFile(path: string, flag: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`${flag} ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

export function registerGenerate(program: Command): void {
  const cmd = program.command("generate").description("generate a seeded synthetic population and write its files with a manifest");
  for (const spec of GENERATE_OPTIONS) cmd.option(spec.flags, spec.description);
  cmd.action(async (flags: Record<string, unknown>) => {
    const { run, world } = layerGenerateOptions(flags, process.env, (path) => readJsonFile(path, "--config"));
    const codes: Partial<CodeLists> = {};
    if (run.procedures) codes.procedures = readCodeListFile(run.procedures, "--procedures");
    if (run.modifiers) codes.modifiers = readCodeListFile(run.modifiers, "--modifiers");
    let defects: DefectOptions | undefined;
    if (run.defects.rate !== undefined || run.defects.fileShare !== undefined || run.defects.codes !== undefined) {
      defects = {
        rate: run.defects.rate ?? 0,
        fileShare: run.defects.fileShare ?? 0,
        codes: selectDefects(run.defects.codes ?? "all").map((d) => d.code),
        ...(run.defects.policy ? { policy: validatePolicy(readJsonFile(run.defects.policy, "--policy")) } : {}),
      };
    }
    const progress = progressFor();
    const started = performance.now();
    try {
      const manifest = await generate(
        { world, codes: Object.keys(codes).length ? codes : undefined, outDir: run.out, kinds: run.kinds, formats: run.formats, recordsPerFile: run.recordsPerFile, gzip: run.gzip, shard: run.shard, workers: run.workers, force: run.force, x12: run.x12, defects },
        { onStart: (total) => progress.start(total, "generate"), onProgress: (n) => progress.increment(n) },
      );
      progress.stop();
      const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
      const seconds = (performance.now() - started) / 1000;
      const peakRss = Math.round(process.resourceUsage().maxRSS / 1024);
      process.stderr.write(`wrote ${manifest.files.length} files (${(bytes / 1e6).toFixed(1)} MB) and manifest.json to ${run.out} in ${seconds.toFixed(1)} s, peak RSS ${peakRss} MB\n`);
    } finally {
      progress.stop();
    }
  });
}
