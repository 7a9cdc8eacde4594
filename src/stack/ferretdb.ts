/**
 * FerretDB v1.24.2 (Apache-2.0) with its SQLite backend, as the local MongoDB-compatible database.
 *
 * The binary is cached in the Go bin folder as `ferretdb-v1.24.2`. When it is absent it is built from
 * the Go module proxy: `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` alone gives a
 * binary that panics at start (FerretDB embeds build/version/version.txt, which its release tooling
 * generates and the module does not carry), so this downloads the module with `go mod download`,
 * writes that file, and runs `go build`. Nothing is fetched from anywhere but the Go module proxy.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { MongoClient } from "mongodb";
import { UserError } from "../cli/errors.js";
import { ensureDir } from "../util/fs.js";

const run = promisify(execFile);

export const FERRETDB_VERSION = "v1.24.2";
export const FERRETDB_MODULE = "github.com/FerretDB/FerretDB";

async function goBinDir(): Promise<string> {
  try {
    const { stdout } = await run("go", ["env", "GOBIN", "GOPATH"]);
    const [gobin, gopath] = stdout.split("\n").map((s) => s.trim());
    return gobin || join(gopath || join(process.env["HOME"] ?? "/root", "go"), "bin");
  } catch {
    throw new UserError("FerretDB is not installed and the Go toolchain (go) is not on PATH: install Go, or pass --mongo-url to use your own MongoDB/DocumentDB");
  }
}

/** The path of the cached FerretDB binary (HCSYNTH_FERRETDB overrides), or null when absent. */
export async function findFerretDb(): Promise<string | null> {
  const override = process.env["HCSYNTH_FERRETDB"];
  if (override) {
    if (!existsSync(override)) throw new UserError(`HCSYNTH_FERRETDB=${override}: no such file`);
    return override;
  }
  const path = join(await goBinDir(), `ferretdb-${FERRETDB_VERSION}`);
  return existsSync(path) ? path : null;
}

/** Builds FerretDB from the Go module proxy into the Go bin folder; says so on `log`. */
export async function installFerretDb(log: (line: string) => void): Promise<string> {
  const bin = join(await goBinDir(), `ferretdb-${FERRETDB_VERSION}`);
  log(`FerretDB ${FERRETDB_VERSION} is not installed: building it from the Go module proxy into ${bin} (once; this takes a minute or two)`);
  const { stdout } = await run("go", ["mod", "download", "-json", `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { maxBuffer: 16 << 20 });
  const dir = (JSON.parse(stdout) as { Dir?: string; Error?: string }).Dir;
  if (!dir) throw new Error(`go mod download did not give a module directory: ${stdout}`);
  const work = await mkdtemp(join(tmpdir(), "hcsynth-ferretdb-"));
  try {
    await cp(dir, work, { recursive: true });
    await run("chmod", ["-R", "u+w", work]);
    const version = join(work, "build", "version");
    await writeFile(join(version, "version.txt"), `${FERRETDB_VERSION}\n`);
    await writeFile(join(version, "commit.txt"), "unknown\n");
    await writeFile(join(version, "branch.txt"), "unknown\n");
    await writeFile(join(version, "package.txt"), "hcsynth\n");
    await ensureDir(join(bin, ".."));
    await run("go", ["build", "-o", `${bin}.partial`, "./cmd/ferretdb"], { cwd: work, env: { ...process.env, GOFLAGS: "-buildvcs=false", CGO_ENABLED: "0" }, maxBuffer: 64 << 20 });
    await chmod(`${bin}.partial`, 0o755);
    const { stdout: v } = await run(`${bin}.partial`, ["--version"]);
    if (!v.includes(`version: ${FERRETDB_VERSION}`)) throw new Error(`the built FerretDB reports ${v.split("\n")[0]}`);
    await run("mv", [`${bin}.partial`, bin]);
    log(`FerretDB ${FERRETDB_VERSION} installed at ${bin}`);
    return bin;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function ensureFerretDb(log: (line: string) => void): Promise<string> {
  return (await findFerretDb()) ?? (await installFerretDb(log));
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningFerretDb {
  port: number;
  url: string;
  /** The guardian's pid (see FERRETDB_GUARDIAN): SIGTERM to it stops FerretDB. */
  pid: number;
  stop(): Promise<void>;
}

/** Polls `ping` until the server answers or the deadline passes: a readiness check, not a sleep. */
export async function waitForMongo(url: string, deadlineMs: number, alive: () => boolean = () => true): Promise<void> {
  const until = Date.now() + deadlineMs;
  let last = "";
  while (Date.now() < until) {
    if (!alive()) throw new Error(`the database process exited before it was ready${last ? ` (${last})` : ""}`);
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db("admin").command({ ping: 1 });
      return;
    } catch (error) {
      last = (error as Error).message;
    } finally {
      await client.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the database at ${url} did not answer within ${deadlineMs} ms (${last})`);
}

/**
 * The guardian FerretDB runs under (CommonJS for `node -e`; argv: log file, binary, its arguments). It
 * starts FerretDB with its output appended to the log file, passes SIGTERM and SIGINT on, exits when
 * FerretDB does, and stops FerretDB when its standard input ends: that pipe's other end belongs to
 * the process that started the stack alone, so it ends when that process does, however it dies (a
 * SIGKILL or a crash included). FerretDB, a Go program, cannot watch its parent itself.
 */
export const FERRETDB_GUARDIAN = String.raw`
const { spawn } = require("node:child_process");
const { openSync, writeSync } = require("node:fs");
const [logFile, binary, ...args] = process.argv.slice(1);
const log = openSync(logFile, "a");
const child = spawn(binary, args, { stdio: ["ignore", log, log] });
let stopping = false;
function stop(why) {
  if (stopping) return;
  stopping = true;
  writeSync(log, "hcsynth guardian: stopping FerretDB (" + why + ")\n");
  child.kill("SIGTERM");
  setTimeout(() => child.kill("SIGKILL"), 10000).unref();
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
process.stdin.on("end", () => stop("the process that started it has ended"));
process.stdin.on("error", () => stop("the process that started it has ended"));
process.stdin.resume();
child.on("error", (error) => {
  writeSync(log, "hcsynth guardian: cannot start FerretDB: " + error.message + "\n");
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGTERM" ? 0 : 1)));
`;

export async function startFerretDb(options: { binary: string; directory: string; port?: number; logFile: string }): Promise<RunningFerretDb> {
  const port = options.port || (await freePort());
  await ensureDir(options.directory);
  await ensureDir(dirname(options.logFile));
  const args = [
    "--handler=sqlite",
    `--sqlite-url=file:${options.directory}/`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${options.directory}`,
    "--telemetry=disable",
    "--log-level=error",
    "--debug-addr=-",
  ];
  // FerretDB under a guardian that stops it when this process ends (see FERRETDB_GUARDIAN); this
  // process holds the only writing end of the guardian's standard input
  const child: ChildProcess = spawn(process.execPath, ["-e", FERRETDB_GUARDIAN, options.logFile, options.binary, ...args], { stdio: ["pipe", "ignore", "ignore"] });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  // the guardian passes SIGTERM on and exits with FerretDB; SIGKILL only if that takes too long
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exit;
    clearTimeout(timer);
  };
  const url = `mongodb://127.0.0.1:${port}/`;
  try {
    await waitForMongo(url, 30_000, () => !exited);
  } catch (error) {
    await stop();
    throw new Error(`FerretDB did not start: ${(error as Error).message}; see ${options.logFile}`);
  }
  return {
    port,
    url,
    pid: child.pid ?? 0,
    stop,
  };
}
