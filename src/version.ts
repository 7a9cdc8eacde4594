/** hcsynth's own version, read from the nearest package.json named "hcsynth" (works from src/ and dist/src/). */
import { readFileSync } from "node:fs";

function findVersion(): string {
  let dir = new URL("./", import.meta.url);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "hcsynth" && pkg.version) return pkg.version;
    } catch {
      // not here; look one folder up
    }
    dir = new URL("../", dir);
  }
  throw new Error("hcsynth's package.json was not found");
}

export const VERSION = findVersion();
