/**
 * What a push or a seed reads: the files of a generated set, from its manifest.json (paths, sizes,
 * SHA-256, record counts and the seed, checked against the disk up front) or, for a directory without
 * a manifest, every regular file under it (hashed later, streaming, as they are uploaded).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { UserError } from "../cli/errors.js";

export interface SetFile {
  /** Relative to the set's root, with `/` separators: the object key below the prefix. */
  path: string;
  absolute: string;
  bytes: number;
  /** From the manifest; computed when the upload needs it otherwise. */
  sha256?: string;
  /**
   * The manifest's SHA-256 may be stale: the file was modified after the manifest was written (a
   * quick check, as rsync's: generate writes the manifest last), so it is hashed again before use.
   */
  suspect?: boolean;
  records?: number;
  kind?: string;
  format?: string;
}

export interface FileSet {
  root: string;
  /** The manifest read, or null for a directory without one. */
  manifest: string | null;
  seed?: number;
  /** Data files first, then the manifest's companions (defects.jsonl) and manifest.json itself. */
  files: SetFile[];
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Streams a file through SHA-256 (constant memory). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function safeRelative(path: unknown): path is string {
  return typeof path === "string" && path !== "" && !path.startsWith("/") && !path.includes("\\") && !path.split("/").some((p) => p === ".." || p === "." || p === "");
}

async function fromManifest(manifestPath: string): Promise<FileSet> {
  let text: string;
  try {
    text = await readFile(manifestPath, "utf8");
  } catch (error) {
    throw new UserError(`manifest ${manifestPath}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`manifest ${manifestPath}: not valid JSON (${(error as Error).message})`);
  }
  const files = (value as { files?: unknown } | null)?.files;
  if (value === null || typeof value !== "object" || !Array.isArray(files)) throw new UserError(`manifest ${manifestPath}: expected a JSON object with a "files" array (an hcsynth manifest.json)`);
  const root = dirname(manifestPath);
  const manifestMtime = (await stat(manifestPath)).mtimeMs;
  const seedValue = (value as { seed?: unknown }).seed;
  const out: SetFile[] = [];
  const companions = new Set<string>();
  for (const [i, entry] of (files as unknown[]).entries()) {
    const f = entry as Record<string, unknown> | null;
    if (f === null || typeof f !== "object" || !safeRelative(f["path"]) || typeof f["bytes"] !== "number" || typeof f["sha256"] !== "string" || !SHA256.test(f["sha256"])) {
      throw new UserError(`manifest ${manifestPath}: files[${i}] needs a relative "path", "bytes" and a hex "sha256"`);
    }
    const absolute = join(root, ...f["path"].split("/"));
    let size: number;
    let mtime: number;
    try {
      const s = await stat(absolute);
      if (!s.isFile()) throw Object.assign(new Error("not a regular file"), { code: "not a regular file" });
      size = s.size;
      mtime = s.mtimeMs;
    } catch (error) {
      throw new UserError(`manifest ${manifestPath}: ${f["path"]} is missing on disk (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
    }
    if (size !== f["bytes"]) throw new UserError(`manifest ${manifestPath}: ${f["path"]} is ${size} bytes on disk but ${f["bytes"]} in the manifest (the file changed since it was generated)`);
    out.push({
      path: f["path"],
      absolute,
      bytes: size,
      sha256: f["sha256"],
      ...(mtime > manifestMtime ? { suspect: true } : {}),
      ...(typeof f["records"] === "number" ? { records: f["records"] } : {}),
      ...(typeof f["kind"] === "string" ? { kind: f["kind"] } : {}),
      ...(typeof f["format"] === "string" ? { format: f["format"] } : {}),
    });
    if (safeRelative(f["defectsFile"])) companions.add(f["defectsFile"]);
  }
  for (const path of [...companions, basename(manifestPath)]) {
    const absolute = join(root, ...path.split("/"));
    const s = await stat(absolute).catch(() => null);
    if (!s?.isFile()) throw new UserError(`manifest ${manifestPath}: ${path} is missing on disk`);
    out.push({ path, absolute, bytes: s.size });
  }
  return { root, manifest: manifestPath, ...(typeof seedValue === "number" ? { seed: seedValue } : {}), files: out };
}

async function walk(root: string, dir: string, out: SetFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const absolute = join(dir, e.name);
    if (e.isDirectory()) await walk(root, absolute, out);
    else if (e.isFile()) out.push({ path: relative(root, absolute).split(sep).join("/"), absolute, bytes: (await lstat(absolute)).size });
  }
}

/** The files of `path`: a manifest.json, or a directory (with its manifest.json when it has one). */
export async function readFileSet(path: string): Promise<FileSet> {
  const absolute = resolve(path);
  const s = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${path}: no such file or directory (${error.code ?? error.message})`);
  });
  if (s.isFile()) return fromManifest(absolute);
  if (!s.isDirectory()) throw new UserError(`${path}: expected a directory or a manifest.json`);
  const manifest = join(absolute, "manifest.json");
  if ((await stat(manifest).catch(() => null))?.isFile()) return fromManifest(manifest);
  const files: SetFile[] = [];
  await walk(absolute, absolute, files);
  if (files.length === 0) throw new UserError(`${path}: the directory holds no files`);
  return { root: absolute, manifest: null, files };
}
