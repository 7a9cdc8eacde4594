import { describe, expect, it } from "vitest";
import { GENERATE_DEFAULTS, GENERATE_OPTIONS, flagKey, layerGenerateOptions } from "../src/cli/generate-options.js";

const noFile = (): unknown => {
  throw new Error("no config file expected");
};

describe("layerGenerateOptions: defaults < file < env < flags", () => {
  it("takes defaults when nothing is given", () => {
    const { run, world } = layerGenerateOptions({ out: "/tmp/x" }, {}, noFile);
    expect(run).toEqual({ ...GENERATE_DEFAULTS, out: "/tmp/x", x12: {}, defects: {} });
    expect(world).toEqual({});
  });

  it("lets the file override defaults, env override the file, flags override env", () => {
    const file = { seed: 1, idPrefix: "FILE", population: { members: 10, claims: 20 } };
    const env = { HCSYNTH_SEED: "2", HCSYNTH_ID_PREFIX: "ENV", HCSYNTH_CONFIG: "/cfg.json", HCSYNTH_WORKERS: "3" };
    const { run, world } = layerGenerateOptions({ out: "/o", seed: "3", claims: "30", workers: "4" }, env, (p) => {
      expect(p).toBe("/cfg.json");
      return file;
    });
    expect(world).toEqual({ seed: 3, idPrefix: "ENV", population: { members: 10, claims: 30 } });
    expect(run.workers).toBe(4);
    expect(run.config).toBe("/cfg.json");
  });

  it("maps every option in the table to a commander key", () => {
    for (const spec of GENERATE_OPTIONS) expect(flagKey(spec.flags)).toMatch(/^[a-z][A-Za-z]+$/);
    expect(flagKey("--records-per-file <n>")).toBe("recordsPerFile");
  });

  it("fails with one line on bad values, naming the source", () => {
    expect(() => layerGenerateOptions({ out: "/o" }, { HCSYNTH_SEED: "x" }, noFile)).toThrow('--seed "x": expected a whole number ≥ 0');
    expect(() => layerGenerateOptions({}, {}, noFile)).toThrow("--out: is required");
    expect(() => layerGenerateOptions({ out: "/o", config: "/c" }, {}, () => [1])).toThrow("--config /c: expected a JSON object of world settings");
  });
});
