/** `hcsynth stack up --detach`, `status`, `env`, `down` and `reset`, through the CLI. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { makeS3Client } from "../src/s3/client.js";
import { processAlive, readState } from "../src/stack/state.js";
import { hcsynth, tempDir } from "./support/cli.js";

function exportsOf(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("hcsynth stack (CLI)", () => {
  it("starts detached, reports status and env, serves S3 with checked credentials, and stops", async () => {
    const dir = join(tempDir("hcsynth-stack-cli-"), "stack");
    const up = hcsynth(["stack", "up", "--detach", "--dir", dir, "--max-concurrent-runs", "2"]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("stack ready");
    try {
      const status = hcsynth(["stack", "status", "--json", "--dir", dir]);
      expect(status.code).toBe(0);
      const s = JSON.parse(status.stdout) as { running: boolean; s3Endpoint: string; documents: Record<string, number> };
      expect(s.running).toBe(true);
      expect(s.documents["claims"]).toBe(0);
      const env = exportsOf(hcsynth(["stack", "env", "--dir", dir]).stdout);
      expect(Object.keys(env)).toEqual(expect.arrayContaining(["AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "MONGO_URL"]));
      expect(env["MONGO_URL"]).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/hcsynth$/);
      expect(env["AWS_ENDPOINT_URL_S3"]).toBe(s.s3Endpoint);
      const good = makeS3Client({ endpoint: env["AWS_ENDPOINT_URL_S3"], credentials: { accessKeyId: env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: env["AWS_SECRET_ACCESS_KEY"]! } });
      await good.send(new PutObjectCommand({ Bucket: "landing", Key: "ping/empty.csv", Body: "" }));
      const bad = makeS3Client({ endpoint: env["AWS_ENDPOINT_URL_S3"], credentials: { accessKeyId: env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: "wrong-secret" } });
      await expect(bad.send(new PutObjectCommand({ Bucket: "landing", Key: "ping/x.csv", Body: "x" }))).rejects.toMatchObject({ name: "SignatureDoesNotMatch" });
      const client = await MongoClient.connect(env["MONGO_URL"]!);
      try {
        const until = Date.now() + 30_000;
        let run: Record<string, unknown> | null = null;
        while (Date.now() < until) {
          run = await client.db().collection("etl_job_runs").findOne({ "Arguments.--s3_key": "ping/empty.csv", JobRunState: { $in: ["SUCCEEDED", "FAILED"] } });
          if (run) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(run?.["JobRunState"]).toBe("FAILED");
        expect(run?.["ErrorMessage"]).toMatch(/^FILE_EMPTY: /);
      } finally {
        await client.close();
      }
      // aws-cli with the `stack env` exports uploads a generated directory, manifest included (no run for it)
      const data = tempDir();
      expect(hcsynth(["generate", "--seed", "2", "--out", data, "--kinds", "providers", "--providers", "25", "--formats", "csv"]).code).toBe(0);
      const aws = spawnSync("aws", ["s3", "cp", "--recursive", data, "s3://landing/awscli/", "--endpoint-url", env["AWS_ENDPOINT_URL_S3"]!, "--only-show-errors"], { encoding: "utf8", env: { ...process.env, ...env } });
      expect(aws.error, "aws-cli is needed by this test (Debian: apt-get install awscli; .ci/run installs it)").toBeUndefined();
      expect(aws.status, aws.stderr).toBe(0);
      const client2 = await MongoClient.connect(env["MONGO_URL"]!);
      try {
        const until = Date.now() + 30_000;
        let done = 0;
        while (Date.now() < until && done < 1) {
          done = await client2.db().collection("etl_job_runs").countDocuments({ "Arguments.--s3_key": /^awscli\//, JobRunState: "SUCCEEDED" });
          if (done < 1) await new Promise((r) => setTimeout(r, 100));
        }
        expect(done).toBe(1);
        expect(await client2.db().collection("etl_job_runs").countDocuments({ "Arguments.--s3_key": "awscli/manifest.json" })).toBe(0);
        expect(await client2.db().collection("providers").countDocuments()).toBe(25);
      } finally {
        await client2.close();
      }
      const again = hcsynth(["stack", "up", "--detach", "--dir", dir]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/a stack is already running/);
      const reset = hcsynth(["stack", "reset", "--dir", dir]);
      expect(reset.code).toBe(1);
      expect(reset.stderr).toMatch(/stop it first/);
    } finally {
      const down = hcsynth(["stack", "down", "--dir", dir]);
      expect(down.code).toBe(0);
      expect(down.stdout).toMatch(/stack stopped/);
    }
    const after = hcsynth(["stack", "status", "--dir", dir]);
    expect(after.code).toBe(3);
    expect(hcsynth(["stack", "env", "--dir", dir]).code).toBe(1);
    expect(hcsynth(["stack", "reset", "--dir", dir]).code).toBe(0);
    expect(existsSync(join(dir, "db"))).toBe(false);
  });

  it("stops FerretDB when the stack's process dies without cleaning up (SIGKILL)", async () => {
    const dir = join(tempDir("hcsynth-stack-crash-"), "stack");
    const up = hcsynth(["stack", "up", "--detach", "--dir", dir]);
    expect(up.code, up.stderr).toBe(0);
    const state = readState(dir)!;
    expect(state.ferretdbPid).toBeGreaterThan(0);
    expect(processAlive(state.ferretdbPid!)).toBe(true);
    const answers = async (): Promise<boolean> => {
      const client = new MongoClient(state.mongoUrl, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
      try {
        await client.connect();
        await client.db().command({ ping: 1 });
        return true;
      } catch {
        return false;
      } finally {
        await client.close().catch(() => undefined);
      }
    };
    expect(await answers()).toBe(true);
    process.kill(state.pid, "SIGKILL");
    // polled with a deadline: FerretDB's guardian sees its standard input end and stops it
    const until = Date.now() + 30_000;
    while (processAlive(state.ferretdbPid!) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(processAlive(state.ferretdbPid!)).toBe(false);
    expect(await answers()).toBe(false);
    expect(readFileSync(join(dir, "ferretdb.log"), "utf8")).toContain("hcsynth guardian: stopping FerretDB (the process that started it has ended)");
    // the state file is left behind by the killed process; down clears it
    const down = hcsynth(["stack", "down", "--dir", dir]);
    expect(down.code).toBe(0);
    expect(existsSync(join(dir, "stack.json"))).toBe(false);
  });

  it("refuses bad options with one line", () => {
    const r = hcsynth(["stack", "up", "--dir", tempDir(), "--mongo-port", "1", "--mongo-url", "mongodb://127.0.0.1:1/x"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("hcsynth: --mongo-port and --mongo-url: give one or the other");
    const r2 = hcsynth(["stack", "up", "--dir", tempDir(), "--max-concurrent-runs", "zero"]);
    expect(r2.code).toBe(1);
    expect(r2.stderr.trim()).toMatch(/^hcsynth: --max-concurrent-runs "zero": expected a whole number/);
  });
});
