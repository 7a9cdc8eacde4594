/** `hcsynth observe --run RUN_ID`: a thin shell over src/observe/standalone.ts. */
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { OBSERVER_NAMES, type ObserverName } from "../../observe/observer.js";
import { summaryTable } from "../../report/console-table.js";
import { writeReports } from "../../report/write.js";
import { scenarioOfRun } from "../../run/scenario-source.js";
import { DEFAULT_STACK_DIR } from "../../stack/state.js";
import { layerTargetSettings } from "../../target/settings.js";
import { UserError } from "../errors.js";
import { collect, durationMs, list } from "../parse.js";
import { readSummaryFile } from "./report.js";

interface ObserveFlags {
  run: string;
  summary?: string;
  out?: string;
  observe?: string;
  mongoUrl?: string;
  db?: string;
  allowDb: string[];
  config?: string;
  stackDir: string;
  glueJob?: string;
  glueRegion?: string;
  glueEndpoint?: string;
  glueKeyArg?: string;
  watch: string;
  drain: string;
}

export function registerObserve(program: Command): void {
  program
    .command("observe")
    .description("run the pipeline observers beside a load that ran elsewhere (k6, another machine) and merge their results into the run's report")
    .requiredOption("--run <id>", "the run ID (objects under PREFIX/RUN_ID/ in the run's bucket)")
    .option("--summary <file>", "the run's summary.json (default: hcsynth-runs/RUN_ID/summary.json)")
    .option("--out <dir>", "where to write the merged reports (default: beside the summary)")
    .option("--observe <list>", `observers: ${OBSERVER_NAMES.join(",")} (default: the scenario's, else glue,landed)`)
    .option("--mongo-url <url>", "the pipeline's MongoDB/DocumentDB (default: the local stack's)")
    .option("--db <name>", "database name")
    .option("--allow-db <pattern>", "allow a non-local database matching this glob (repeatable)", collect, [])
    .option("--config <file>", "JSON config with allowDatabases")
    .option("--stack-dir <dir>", "the local stack's directory", DEFAULT_STACK_DIR)
    .option("--glue-job <name>", "observe this AWS Glue job's runs (default: the local stack's etl_job_runs)")
    .option("--glue-region <region>", "the Glue job's region")
    .option("--glue-endpoint <url>", "a Glue API endpoint override")
    .option("--glue-key-arg <arg>", "the job argument naming the S3 key (default --s3_key)")
    .option("--watch <d>", "keep picking up new objects of the run for this long (a load still going on)", "0s")
    .option("--drain <d>", "how long the observers go on after that", "60s")
    .action(async (flags: ObserveFlags) => {
      const path = flags.summary ?? join("hcsynth-runs", flags.run, "summary.json");
      const summary = readSummaryFile(path);
      if (summary.run.id !== flags.run) throw new UserError(`${path}: is the summary of run ${summary.run.id}, not ${flags.run}`);
      const settings = layerTargetSettings({ configFile: flags.config, env: process.env, flags: { allowDb: flags.allowDb } });
      const scenario = scenarioOfRun(summary.run);
      const observe: ObserverName[] = flags.observe !== undefined ? list("--observe", OBSERVER_NAMES)(flags.observe) : ((scenario.observe?.length ? scenario.observe : ["glue", "landed"]) as ObserverName[]);
      const { observeRun } = await import("../../observe/standalone.js");
      const interrupt = new AbortController();
      const onSignal = (): void => interrupt.abort("SIGINT");
      process.on("SIGINT", onSignal);
      try {
        const merged = await observeRun({
          summary,
          settings: {
            observe,
            ...(flags.mongoUrl ? { mongoUrl: flags.mongoUrl } : {}),
            ...(flags.db ? { db: flags.db } : {}),
            allowDatabases: settings.allowDatabases,
            stackDir: flags.stackDir,
            ...(scenario.queries ? { queryRates: scenario.queries } : {}),
            ...(flags.glueJob ? { glueJob: flags.glueJob } : {}),
            ...(flags.glueRegion ? { glueRegion: flags.glueRegion } : {}),
            ...(flags.glueEndpoint ? { glueEndpoint: flags.glueEndpoint } : {}),
            ...(flags.glueKeyArg ? { glueKeyArgument: flags.glueKeyArg } : {}),
          },
          watchMs: durationMs("--watch", flags.watch),
          drainMs: durationMs("--drain", flags.drain),
          interrupt: interrupt.signal,
          log: (line) => process.stderr.write(`hcsynth observe: ${line}\n`),
        });
        const paths = await writeReports(merged, flags.out ?? dirname(path));
        process.stdout.write(summaryTable(merged, { color: process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined }));
        process.stdout.write(`\n  summary  ${paths.summaryJson}\n  junit    ${paths.junitXml}\n  report   ${paths.reportHtml}\n`);
        process.exitCode = merged.run.exitCode;
      } finally {
        process.off("SIGINT", onSignal);
      }
    });
}
