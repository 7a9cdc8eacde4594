/** What a generation worker needs to rebuild the world and write its files: plain, cloneable data. */
import type { CodeLists, FileSpec } from "../../generators/index.js";
import type { ManifestFile } from "./file-writer.js";

export interface GenerateJob {
  /** The resolved world config. */
  world: unknown;
  /** Code lists replacing the bundled ones, if any. */
  codes?: Partial<CodeLists>;
  outDir: string;
  gzip: boolean;
  shard: number;
}

export type ToWorker = { type: "file"; spec: FileSpec } | { type: "stop" };

export type FromWorker =
  | { type: "ready" }
  | { type: "progress"; records: number }
  | { type: "done"; file: ManifestFile }
  | { type: "error"; message: string; stack?: string; userFacing: boolean };

/** The generation worker's script. Worker threads run compiled JavaScript: from dist/ the sibling worker.js; from TypeScript sources, the built copy. */
export function workerUrl(): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith(".js")) return new URL("./worker.js", here);
  return new URL("../../dist/src/generate/worker.js", here);
}
