/** `hcsynth seed`: a thin shell over seed() in src/seed/seed.ts. */
import type { Command } from "commander";
import { SEED_DEFAULTS } from "../../seed/defaults.js";
import type { SeedResult } from "../../seed/seed.js";
import { DEFAULT_STACK_DIR } from "../../stack/state.js";
import { layerTargetSettings } from "../../target/settings.js";
import { text, wholeNumber } from "../parse.js";
import { progressFor } from "../progress.js";

interface SeedFlags {
  mongoUrl?: string;
  db?: string;
  batchSize?: string;
  today?: string;
  allowDb: string[];
  config?: string;
  stackDir: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function seedSummary(r: SeedResult): string[] {
  const lines = [`seeded ${r.display} (database ${r.database}) from ${r.files} NDJSON file${r.files === 1 ? "" : "s"}: ${r.records} records, ${r.rejected} rejected, ${r.failedFiles.length} files rejected, in ${r.seconds.toFixed(1)} s`];
  for (const [name, c] of Object.entries(r.collections)) {
    if (c.inserted + c.updated + c.unchanged > 0) lines.push(`  ${name}: ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged`);
  }
  return lines;
}

export function registerSeed(program: Command): void {
  program
    .command("seed")
    .description("load the NDJSON files of a generated set straight into MongoDB/DocumentDB (the pipeline's collections and natural keys), idempotently")
    .argument("<path>", "a directory (with or without manifest.json) or a manifest.json")
    .option("--mongo-url <url>", "the database (default: the running local stack's)")
    .option("--db <name>", "database name (default: the URL's path, else hcsynth)")
    .option("--batch-size <n>", `documents per batch (default ${SEED_DEFAULTS.batchSize})`)
    .option("--today <date>", `the ETL's today: later dates of service are rejected as future (default ${SEED_DEFAULTS.today})`)
    .option("--allow-db <pattern>", "allow writing to databases matching this glob (repeatable; replaces the config file's and HCSYNTH_ALLOW_DBS)", collect, [])
    .option("--config <file>", 'JSON config file: {"allowBuckets": [...], "allowDatabases": [...]}')
    .option("--stack-dir <dir>", "the local stack's directory", DEFAULT_STACK_DIR)
    .action(async (path: string, flags: SeedFlags) => {
      const batchSize = flags.batchSize === undefined ? undefined : wholeNumber("--batch-size", 1, 100_000)(flags.batchSize);
      const today = flags.today === undefined ? undefined : text("--today", /^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD")(flags.today);
      const settings = layerTargetSettings({ configFile: flags.config, env: process.env, flags: { allowDb: flags.allowDb } });
      const progress = progressFor();
      const { seed } = await import("../../seed/seed.js");
      try {
        const result = await seed({
          source: path,
          mongoUrl: flags.mongoUrl,
          db: flags.db,
          allowDatabases: settings.allowDatabases,
          stackDir: flags.stackDir,
          batchSize,
          today,
          onStart: (records) => progress.start(records, "seed"),
          onRecords: (n) => progress.increment(n),
        });
        progress.stop();
        process.stdout.write(seedSummary(result).join("\n") + "\n");
        for (const f of result.failedFiles) process.stderr.write(`hcsynth: ${f.path} was not loaded: ${f.reason}: ${f.message}\n`);
      } finally {
        progress.stop();
      }
    });
}
