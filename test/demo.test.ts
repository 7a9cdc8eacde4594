/** `npm run demo` (hcsynth demo): a throwaway stack, reference data, the smoke scenario, the pipeline's outcome and the three reports. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../scenarios/index.js";
import { hcsynth, tempDir } from "./support/cli.js";

describe("hcsynth demo", () => {
  it("runs every kind through a fresh local stack and writes summary.json, junit.xml and report.html", () => {
    const out = join(tempDir("hcsynth-demo-test-"), "reports");
    const r = hcsynth(["demo", "--duration", "3s", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["summary.json", "junit.xml", "report.html"]) expect(existsSync(join(out, f)), f).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as RunSummary;
    expect(summary.run).toMatchObject({ scenario: "smoke", status: "passed", target: { kind: "local" } });
    const uploads = summary.metrics["uploads"];
    const n = uploads?.type === "counter" ? uploads.values.count : 0;
    expect(n).toBe(6);
    // every uploaded file was processed by the pipeline, and with the reference data loaded first nothing is rejected
    expect(r.stdout).toContain(`pipeline  ${n} of ${n} files processed:`);
    expect(r.stdout).toMatch(/ 0 rejected, 0 files failed/);
    expect(r.stdout).toContain(join(out, "report.html"));
    expect(r.stderr).toContain("stopping the stack");
  });
});
