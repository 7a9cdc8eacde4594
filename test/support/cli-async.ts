/**
 * Runs the built hcsynth CLI without blocking this process: for tests that serve S3 from this process
 * (an in-process s3rver cannot answer while spawnSync waits).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CLI, type CliResult } from "./cli.js";

export interface CliOptions {
  /** Extra environment over this process's. */
  env?: Record<string, string>;
  /** The whole environment instead (nothing inherited). */
  exactEnv?: Record<string, string>;
}

export function startCli(args: string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult>; stderrSoFar: () => string } {
  const env = options.exactEnv ?? { ...process.env, ...options.env };
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
  return { child, done, stderrSoFar: () => stderr };
}

export async function hcsynthAsync(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}
