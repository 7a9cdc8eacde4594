/** A generation worker thread: rebuilds the world from the job, then writes the files it is handed. */
import { parentPort, workerData } from "node:worker_threads";
import { createWorld, withCodeLists } from "../../generators/index.js";
import { writePlannedFile } from "./file-writer.js";
import type { FromWorker, GenerateJob, ToWorker } from "./job.js";

const port = parentPort;
if (!port) throw new Error("worker.ts must run as a worker thread");
const job = workerData as GenerateJob;
const world = createWorld(job.world, { codes: job.codes ? withCodeLists(job.codes) : undefined });
const post = (m: FromWorker): void => port.postMessage(m);

port.on("message", (message: ToWorker) => {
  if (message.type === "stop") {
    port.close();
    return;
  }
  writePlannedFile(world, message.spec, job.outDir, { gzip: job.gzip, shard: job.shard, onRecords: (n) => post({ type: "progress", records: n }) })
    .then((file) => post({ type: "done", file }))
    .catch((error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      post({ type: "error", message: e.message, stack: e.stack, userFacing: e instanceof RangeError });
    });
});
post({ type: "ready" });
