/** The dependency rules of the layout: generators/ is runtime-agnostic; src/ and load/ never import each other. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(join(ROOT, dir));
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sources(path));
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/(?:import|export)[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => (m[1] ?? m[2]) as string);
}

describe("layout and dependency direction", () => {
  it("generators/ uses no Node built-ins and imports nothing from src/, load/ or faker", () => {
    const files = sources("generators");
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const spec of imports(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^node:|^(fs|path|crypto|zlib|stream|os|worker_threads|buffer)$/);
        expect(spec, `${file} imports ${spec}`).not.toMatch(/\/src\/|\/load\/|@faker-js/);
        if (spec.startsWith(".")) expect(relative(ROOT, join(ROOT, file, "..", spec)).startsWith("generators")).toBe(true);
      }
      expect(readFileSync(join(ROOT, file), "utf8"), file).not.toMatch(/\b(process\.|Buffer\.|require\()/);
    }
  });

  it("src/ and load/ never import each other", () => {
    for (const file of sources("src")) for (const spec of imports(file)) expect(spec, file).not.toMatch(/(^|\/)load\//);
    for (const file of sources("load")) for (const spec of imports(file)) expect(spec, file).not.toMatch(/(^|\/)src\//);
  });
});
