/** Runs the built hcsynth CLI (npm test builds it first) and captures its output. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function hcsynth(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = "hcsynth-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface ManifestLike {
  tool: string;
  version: string;
  seed: number;
  files: { path: string; kind: string; format: string; records: number; lines: number; bytes: number; sha256: string; firstIndex: number; lastIndex: number }[];
}

export function readManifest(dir: string): ManifestLike {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ManifestLike;
}

