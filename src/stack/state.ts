/**
 * The local stack's state file (stack.json in its directory): written by a running stack, read by
 * `stack status|env|down`, `push` and `seed` to find it. Kept apart from stack.ts, which starts the
 * servers, so that finding a stack loads none of them.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY } from "./s3-server.js";

export const DEFAULT_STACK_DIR = ".hcsynth/stack";
export const DEFAULT_DATABASE = "hcsynth";

export interface StackState {
  pid: number;
  dir: string;
  s3Endpoint: string;
  mongoUrl: string;
  database: string;
  ferretdbPid: number | null;
  startedAt: string;
  options: { glueStartupMs: number; maxConcurrentRuns: number; today: string; externalDatabase: boolean };
}

export function stateFile(dir: string): string {
  return join(resolve(dir), "stack.json");
}

export function readState(dir: string): StackState | null {
  const file = stateFile(dir);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as StackState;
  } catch {
    return null;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The database name in a MongoDB URL's path, or "hcsynth". */
export function databaseOf(url: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url);
  return m?.[1] ? decodeURIComponent(m[1]) : DEFAULT_DATABASE;
}

/** Shell `export` lines that point aws-cli, the AWS SDKs, mongosh and pymongo at the stack. */
export function envLines(state: StackState): string[] {
  return [
    `export AWS_ENDPOINT_URL_S3=${state.s3Endpoint}`,
    `export AWS_ACCESS_KEY_ID=${LOCAL_ACCESS_KEY_ID}`,
    `export AWS_SECRET_ACCESS_KEY=${LOCAL_SECRET_ACCESS_KEY}`,
    `export AWS_REGION=${LOCAL_REGION}`,
    "export AWS_REQUEST_CHECKSUM_CALCULATION=when_required",
    "export AWS_RESPONSE_CHECKSUM_VALIDATION=when_required",
    `export MONGO_URL=${state.mongoUrl}`,
  ];
}
