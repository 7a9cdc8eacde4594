/**
 * `hcsynth corrupt <file> --defects CODES --seed N --out FILE`: applies named defects to an existing
 * CSV, NDJSON or X12 file (hcsynth's or your own) and writes the corrupted file with a ground-truth
 * manifest FILE.manifest.json beside it. A thin shell over corruptFile() in src/corrupt/apply.ts:
 * nothing is written unless every defect applies; files are written as .partial and renamed.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { Command } from "commander";
import { CATALOGUE_VERSION, validatePolicy, type DefectEntry, type ExpectedCounts } from "../../../generators/index.js";
import { corruptFile } from "../../corrupt/apply.js";
import { ensureDir } from "../../util/fs.js";
import { VERSION } from "../../version.js";
import { UserError } from "../errors.js";
import { text, wholeNumber } from "../parse.js";
import { readCodeListFile, readJsonFile } from "./generate.js";

export interface CorruptManifest {
  tool: "hcsynth";
  version: string;
  seed: number;
  /** The input file, as given on the command line. */
  source: string;
  defectCatalogueVersion: string;
  files: {
    path: string;
    format: string;
    kind?: string;
    records: number;
    bytes: number;
    sha256: string;
    defects: DefectEntry[];
    expected: ExpectedCounts;
  }[];
}

interface CorruptFlags {
  defects: string;
  seed: string;
  out: string;
  policy?: string;
  force?: boolean;
  like?: string;
  eligibility?: string;
  referenceDate?: string;
  procedures?: string;
}

function readBytes(path: string, flag: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw new UserError(`${flag} ${path}: is a directory, not a file`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${flag} ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export function registerCorrupt(program: Command): void {
  program
    .command("corrupt")
    .description("apply named defects to an existing CSV, NDJSON or X12 file; writes it with FILE.manifest.json")
    .argument("<file>", "the file to corrupt: CSV with a header row, NDJSON (or a JSON array), or X12; gzipped or not")
    .requiredOption("--defects <codes>", "defect codes to apply, comma-separated (see hcsynth defects list)")
    .requiredOption("--seed <n>", "seed of the draws: which record carries each defect, and its values")
    .requiredOption("--out <file>", "the corrupted file to write (gzipped when the input is, or when the name ends .gz)")
    .option("--policy <file>", 'JSON file overriding expected outcomes: {"CODE": "reject-file|reject-transaction|reject-record|flag"}')
    .option("--force", "overwrite --out and its manifest if they exist")
    .option("--like <file>", "X12_DUPLICATE_ISA13: the X12 file whose ISA13 control number the output repeats")
    .option("--eligibility <file>", "eligibility file (CSV, NDJSON or 834) giving coverage spans, for REC_OUTSIDE_ELIGIBILITY")
    .option("--reference-date <date>", "YYYY-MM-DD: future dates of service fall after it (default 2025-12-31, or the file's latest date)")
    .option("--procedures <file>", "your procedure code list, one per line: REC_UNKNOWN_PROCEDURE draws a code outside it")
    .action(async (file: string, flags: CorruptFlags) => {
      const seed = wholeNumber("--seed", 0, 0xffffffff)(flags.seed);
      const referenceDate = flags.referenceDate === undefined ? undefined : text("--reference-date", /^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD")(flags.referenceDate);
      const out = flags.out;
      const manifestPath = `${out}.manifest.json`;
      if (resolve(out) === resolve(file)) throw new UserError(`--out ${out}: is the input file; write the corrupted copy elsewhere`);
      for (const path of [out, manifestPath]) {
        if (existsSync(path)) {
          if (statSync(path).isDirectory()) throw new UserError(`--out ${path}: is a directory`);
          if (!flags.force) throw new UserError(`--out ${path}: exists (use --force to overwrite)`);
        }
      }
      const input = readBytes(file, "input");
      const policy = flags.policy ? validatePolicy(readJsonFile(flags.policy, "--policy")) : undefined;
      const result = corruptFile(input, {
        codes: flags.defects,
        seed,
        policy,
        inputName: file,
        outName: basename(out),
        like: flags.like ? readBytes(flags.like, "--like") : undefined,
        eligibility: flags.eligibility ? readBytes(flags.eligibility, "--eligibility") : undefined,
        referenceDate,
        procedures: flags.procedures ? readCodeListFile(flags.procedures, "--procedures") : undefined,
      });
      const manifest: CorruptManifest = {
        tool: "hcsynth",
        version: VERSION,
        seed,
        source: file,
        defectCatalogueVersion: CATALOGUE_VERSION,
        files: [
          {
            path: basename(out),
            format: result.format,
            ...(result.kind ? { kind: result.kind } : {}),
            records: result.records,
            bytes: result.bytes.length,
            sha256: createHash("sha256").update(result.bytes).digest("hex"),
            defects: result.defects,
            expected: result.expected,
          },
        ],
      };
      // both files complete as .partial first; the manifest is renamed into place last
      const partials = [`${out}.partial`, `${manifestPath}.partial`];
      try {
        await ensureDir(dirname(resolve(out)));
        await writeFile(partials[0]!, result.bytes);
        await writeFile(partials[1]!, JSON.stringify(manifest, null, 2) + "\n");
        await rename(partials[0]!, out);
        await rename(partials[1]!, manifestPath);
      } catch (error) {
        await Promise.all(partials.map((p) => rm(p, { force: true })));
        throw new UserError(`--out ${out}: cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      const codes = result.defects.map((d) => d.code).join(", ");
      process.stderr.write(`wrote ${out} (${result.format}${result.gzip ? ", gzipped" : ""}, ${result.records} records; ${codes}) and ${basename(manifestPath)}\n`);
    });
}
