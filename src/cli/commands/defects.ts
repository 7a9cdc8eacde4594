/** `hcsynth defects list [--json] [--policy FILE]`: the defect catalogue. */
import type { Command } from "commander";
import { CATALOGUE_VERSION, DEFECTS, expectedOutcome, validatePolicy, type DefectPolicy } from "../../../generators/index.js";
import { readJsonFile } from "./generate.js";

export function catalogueRows(policy?: DefectPolicy): { code: string; level: string; formats: string; kinds: string; expected: string; description: string }[] {
  return DEFECTS.map((d) => ({
    code: d.code,
    level: d.level,
    formats: d.formats.join(","),
    kinds: d.kinds.join(","),
    expected: expectedOutcome(d, policy),
    description: d.description,
  }));
}

export function registerDefects(program: Command): void {
  const defects = program.command("defects").description("the catalogue of defects hcsynth can inject");
  defects
    .command("list")
    .description("print the defect catalogue")
    .option("--json", "print JSON (with the catalogue version)")
    .option("--policy <file>", "apply a policy file's expected outcomes")
    .action((flags: { json?: boolean; policy?: string }) => {
      const policy = flags.policy ? validatePolicy(readJsonFile(flags.policy, "--policy")) : undefined;
      const rows = catalogueRows(policy);
      if (flags.json) {
        process.stdout.write(JSON.stringify({ version: CATALOGUE_VERSION, defects: rows.map((r) => ({ ...r, formats: r.formats.split(","), kinds: r.kinds.split(",") })) }, null, 2) + "\n");
        return;
      }
      const header = { code: "CODE", level: "LEVEL", formats: "FORMATS", kinds: "KINDS", expected: "EXPECTED", description: "DESCRIPTION" };
      const all = [header, ...rows];
      const width = (k: keyof typeof header): number => Math.max(...all.map((r) => r[k].length));
      const cols: (keyof typeof header)[] = ["code", "level", "expected", "formats"];
      process.stdout.write(`defect catalogue ${CATALOGUE_VERSION}\n`);
      for (const r of all) process.stdout.write(cols.map((c) => r[c].padEnd(width(c))).join("  ") + "  " + r.description + "\n");
    });
}
