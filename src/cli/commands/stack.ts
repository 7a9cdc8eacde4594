/** `hcsynth stack up|down|status|env|reset`: a thin shell over src/stack/stack.ts. */
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserError } from "../errors.js";
import { text, wholeNumber } from "../parse.js";
import { DEFAULT_STACK_DIR, envLines, processAlive, readState, stateFile, type StackState } from "../../stack/state.js";
import { JOB_RUNS } from "../../stack/pipeline/store.js";
import { ensureDir } from "../../util/fs.js";

interface UpFlags {
  dir: string;
  s3Port?: string;
  mongoPort?: string;
  mongoUrl?: string;
  glueStartupMs?: string;
  maxConcurrentRuns?: string;
  today?: string;
  detach?: boolean;
}

const log = (line: string): void => {
  process.stderr.write(`hcsynth stack: ${line}\n`);
};

function parseUp(flags: UpFlags) {
  if (flags.mongoUrl && flags.mongoPort) throw new UserError("--mongo-port and --mongo-url: give one or the other");
  if (flags.mongoUrl && !/^mongodb(\+srv)?:\/\//.test(flags.mongoUrl)) throw new UserError(`--mongo-url ${JSON.stringify(flags.mongoUrl)}: expected a mongodb:// or mongodb+srv:// URL`);
  return {
    dir: flags.dir,
    s3Port: flags.s3Port === undefined ? undefined : wholeNumber("--s3-port", 1, 65535)(flags.s3Port),
    mongoPort: flags.mongoPort === undefined ? undefined : wholeNumber("--mongo-port", 1, 65535)(flags.mongoPort),
    mongoUrl: flags.mongoUrl,
    glueStartupMs: wholeNumber("--glue-startup-ms", 0, 600_000)(flags.glueStartupMs ?? "0"),
    maxConcurrentRuns: wholeNumber("--max-concurrent-runs", 1, 1000)(flags.maxConcurrentRuns ?? "4"),
    today: text("--today", /^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD")(flags.today ?? "2025-12-31"),
  };
}

function printReady(state: StackState): void {
  process.stdout.write(
    [
      `stack ready (pid ${state.pid}, data in ${state.dir})`,
      `  S3:       ${state.s3Endpoint} (buckets: landing, quarantine)`,
      `  MongoDB:  ${state.mongoUrl}${state.options.externalDatabase ? "" : " (FerretDB + SQLite)"}`,
      `  pipeline: at most ${state.options.maxConcurrentRuns} concurrent runs, start-up ${state.options.glueStartupMs} ms, today ${state.options.today}`,
      "",
      ...envLines(state),
      "",
    ].join("\n"),
  );
}

async function upForeground(flags: UpFlags): Promise<void> {
  const { startStack } = await import("../../stack/stack.js");
  const stack = await startStack({ ...parseUp(flags), log });
  printReady(stack.state);
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string): void => {
      log(`${signal}: stopping (runs in progress get up to 10 s to finish; the rest resume at the next start)`);
      void stack.stop().then(resolveStop);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}

async function upDetached(flags: UpFlags, argv: string[]): Promise<void> {
  const options = parseUp(flags);
  const dir = resolve(options.dir);
  const existing = readState(dir);
  if (existing && processAlive(existing.pid)) throw new UserError(`a stack is already running from ${dir} (pid ${existing.pid})`);
  // install FerretDB here, in the foreground, so the user sees it happen
  if (!options.mongoUrl) await (await import("../../stack/ferretdb.js")).ensureFerretDb(log);
  await ensureDir(dir);
  const logFile = join(dir, "stack.log");
  const out = openSync(logFile, "a");
  const cli = fileURLToPath(new URL("../main.js", import.meta.url));
  const child = spawn(process.execPath, [cli, ...argv.filter((a) => a !== "--detach")], { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const state = readState(dir);
    if (state && state.pid === child.pid) {
      printReady(state);
      process.stdout.write(`running in the background; logs in ${logFile}; stop it with: hcsynth stack down --dir ${flags.dir}\n`);
      return;
    }
    if (child.exitCode !== null || !processAlive(child.pid ?? -1)) throw new UserError(`the stack did not start; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new UserError(`the stack did not become ready within 60 s; see ${logFile}`);
}

/** SIGTERM, up to `graceMs` for the process to exit (polled), then SIGKILL. */
async function terminate(pid: number, graceMs: number): Promise<void> {
  if (!processAlive(pid)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) process.kill(pid, "SIGKILL");
}

async function down(dir: string): Promise<void> {
  const state = readState(dir);
  if (!state || !processAlive(state.pid)) {
    await rm(stateFile(dir), { force: true });
    process.stderr.write(`hcsynth: no stack is running from ${resolve(dir)}\n`);
    return;
  }
  await terminate(state.pid, 30_000);
  // FerretDB's guardian stops it once the stack's process has ended; stop it too, should it linger
  // (only here, where the stack was alive: a dead stack's recorded pids may belong to others by now)
  if (state.ferretdbPid) await terminate(state.ferretdbPid, 15_000);
  await rm(stateFile(dir), { force: true });
  process.stdout.write(`stack stopped (pid ${state.pid})\n`);
}

async function status(dir: string, json: boolean): Promise<number> {
  const state = readState(dir);
  const running = !!state && processAlive(state.pid);
  const report: Record<string, unknown> = { running, dir: resolve(dir) };
  if (state && running) {
    Object.assign(report, { pid: state.pid, s3Endpoint: state.s3Endpoint, mongoUrl: state.mongoUrl, startedAt: state.startedAt, options: state.options });
    const { MongoClient } = await import("mongodb");
    const client = new MongoClient(state.mongoUrl, { serverSelectionTimeoutMS: 3000 });
    try {
      const db = client.db(state.database);
      const runs = await db.collection(JOB_RUNS).aggregate<{ _id: string; n: number }>([{ $group: { _id: "$JobRunState", n: { $sum: 1 } } }]).toArray();
      report["jobRuns"] = Object.fromEntries(runs.map((r) => [r._id, r.n]));
      const counts: Record<string, number> = {};
      for (const c of ["members", "eligibility", "providers", "claims", "encounters", "rejections"]) counts[c] = await db.collection(c).countDocuments();
      report["documents"] = counts;
    } catch (error) {
      report["databaseError"] = (error as Error).message;
    } finally {
      await client.close();
    }
  }
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  else if (!running) process.stdout.write(`no stack is running from ${resolve(dir)}\n`);
  else {
    process.stdout.write(`stack running (pid ${state!.pid}) since ${state!.startedAt}\n  S3: ${state!.s3Endpoint}\n  MongoDB: ${state!.mongoUrl}\n`);
    if (report["jobRuns"]) process.stdout.write(`  job runs: ${JSON.stringify(report["jobRuns"])}\n  documents: ${JSON.stringify(report["documents"])}\n`);
  }
  return running ? 0 : 3;
}

export function registerStack(program: Command): void {
  const stack = program.command("stack").description("the local stack: S3 (s3rver), MongoDB (FerretDB) and the reference S3 → Lambda → Glue → DocumentDB pipeline");
  const dirOption = ["--dir <dir>", "stack directory (data, state, logs)", DEFAULT_STACK_DIR] as const;
  stack
    .command("up")
    .description("start the stack (in the foreground unless --detach)")
    .option(...dirOption)
    .option("--s3-port <n>", "S3 port (default: a free port)")
    .option("--mongo-port <n>", "FerretDB port (default: a free port)")
    .option("--mongo-url <url>", "use this MongoDB/DocumentDB instead of FerretDB (database name in the path, hcsynth by default)")
    .option("--glue-startup-ms <n>", "start-up delay of each job run, as Glue has (default 0)")
    .option("--max-concurrent-runs <n>", "job runs at once; the rest wait (default 4)")
    .option("--today <date>", "the pipeline's today: later dates of service are rejected as future (default 2025-12-31, hcsynth's default reference date)")
    .option("--detach", "run in the background and return once it is ready")
    .action(async (flags: UpFlags) => {
      if (flags.detach) await upDetached(flags, process.argv.slice(process.argv.indexOf("stack")));
      else await upForeground(flags);
    });
  stack
    .command("install-db")
    .description(`build FerretDB ${"v1.24.2"} into the Go bin folder if it is not there yet, and print its path`)
    .action(async () => {
      process.stdout.write((await (await import("../../stack/ferretdb.js")).ensureFerretDb(log)) + "\n");
    });
  stack.command("down").description("stop a running stack").option(...dirOption).action(async (flags: { dir: string }) => down(flags.dir));
  stack
    .command("status")
    .description("is the stack running, its endpoints, job runs by state and document counts (exit 3 when not running)")
    .option(...dirOption)
    .option("--json", "print JSON")
    .action(async (flags: { dir: string; json?: boolean }) => {
      process.exitCode = await status(flags.dir, !!flags.json);
    });
  stack
    .command("env")
    .description('print export lines for aws-cli, the AWS SDKs, mongosh and pymongo: eval "$(hcsynth stack env)"')
    .option(...dirOption)
    .action((flags: { dir: string }) => {
      const state = readState(flags.dir);
      if (!state || !processAlive(state.pid)) throw new UserError(`no stack is running from ${resolve(flags.dir)} (start one with: hcsynth stack up --detach --dir ${flags.dir})`);
      process.stdout.write(envLines(state).join("\n") + "\n");
    });
  stack
    .command("reset")
    .description("delete the stack's data (S3 objects, database, logs); the stack must be down")
    .option(...dirOption)
    .action(async (flags: { dir: string }) => {
      const state = readState(flags.dir);
      if (state && processAlive(state.pid)) throw new UserError(`the stack is running from ${resolve(flags.dir)}: stop it first with hcsynth stack down --dir ${flags.dir}`);
      for (const part of ["s3", "db", "stack.log", "ferretdb.log", "stack.json"]) await rm(join(resolve(flags.dir), part), { recursive: true, force: true });
      process.stdout.write(`stack data deleted from ${resolve(flags.dir)}\n`);
    });
}
