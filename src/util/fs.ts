/** File-system helpers. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * `mkdir -p` that always terminates: Node's recursive mkdir can loop forever on file systems that
 * refuse a directory without saying why (such as /proc), so parents are created one level at a time.
 */
export async function ensureDir(path: string, depth = 0): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    if (code !== "ENOENT" || depth > 64 || dirname(path) === path) throw error;
    await ensureDir(dirname(path), depth + 1);
    await mkdir(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
  }
}
