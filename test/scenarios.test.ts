/** Scenarios as data: validation with precise errors, arrival schedules, thresholds, and each iteration's file as a pure function of (seed, i). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arrivalCount,
  arrivalOffsets,
  BUILTIN_SCENARIOS,
  compare,
  iterationFile,
  parseDuration,
  parseThreshold,
  parseThresholdFlag,
  profileDurationMs,
  validateScenario,
  withOverrides,
  type Scenario,
} from "../scenarios/index.js";

const base = (): Scenario => structuredClone(BUILTIN_SCENARIOS.find((s) => s.name === "smoke")!) as Scenario;

describe("built-in scenarios", () => {
  it("ships smoke, nightly-batch, steady-trickle, spike and negative, each valid", () => {
    expect(BUILTIN_SCENARIOS.map((s) => s.name)).toEqual(expect.arrayContaining(["smoke", "nightly-batch", "steady-trickle", "spike", "negative"]));
    for (const s of BUILTIN_SCENARIOS) expect(validateScenario(s)).toEqual(s);
  });

  it("negative has defects on; nightly-batch is a batch of multipart-sized files; spike ramps", () => {
    const byName = (n: string) => BUILTIN_SCENARIOS.find((s) => s.name === n)!;
    expect((byName("negative").data.defectiveFiles ?? 0) + (byName("negative").data.defectRate ?? 0)).toBeGreaterThan(0);
    expect(byName("nightly-batch").load.executor).toBe("shared-iterations");
    expect(byName("spike").load.executor).toBe("ramping-arrival-rate");
    expect(byName("steady-trickle").load.executor).toBe("constant-arrival-rate");
  });
});

describe("validation names the field", () => {
  const cases: [string, (s: Record<string, unknown>) => void, RegExp][] = [
    ["bad name", (s) => (s["name"] = "Bad Name"), /scenario "Bad Name": name: expected lower-case/],
    ["unknown field", (s) => (s["extra"] = 1), /extra: unknown field/],
    ["unknown executor", (s) => ((s["load"] as Record<string, unknown>)["executor"] = "per-vu"), /load\.executor: expected "constant-arrival-rate"/],
    ["negative rate", (s) => ((s["load"] as Record<string, unknown>)["rate"] = -1), /load\.rate: expected a number > 0/],
    ["bad duration", (s) => ((s["load"] as Record<string, unknown>)["duration"] = "ten seconds"), /load\.duration: "ten seconds" is not a duration/],
    ["unknown kind", (s) => (((s["data"] as Record<string, unknown>)["files"] as Record<string, unknown>[])[0]!["kind"] = "labs"), /data\.files\[0\]\.kind: unknown kind "labs"/],
    ["format without the kind", (s) => ((s["data"] as Record<string, unknown>)["files"] = [{ kind: "providers", format: "x12-834", weight: 1 }]), /data\.files\[0\]\.format: x12-834 does not carry providers/],
    ["bad distribution", (s) => ((s["data"] as Record<string, unknown>)["recordsPerFile"] = { dist: "uniform", min: 10, max: 5 }), /data\.recordsPerFile\.max: must not be below min/],
    ["unknown defect", (s) => ((s["data"] as Record<string, unknown>)["defects"] = ["NOPE"]), /data\.defects\[0\]:.*NOPE/],
    ["threshold on an unknown metric", (s) => (s["thresholds"] = { upload_speed: ["p(95)<1"] }), /thresholds: threshold on unknown metric "upload_speed"/],
    ["aggregation of the wrong type", (s) => (s["thresholds"] = { upload_failed: ["p(95)<1"] }), /p\(95\) does not apply to upload_failed, a rate metric/],
    ["bad expression", (s) => (s["thresholds"] = { upload_duration: ["p95 < 1"] }), /"p95 < 1" is not AGGREGATION OP NUMBER/],
    ["unknown tag", (s) => (s["thresholds"] = { "upload_duration{bucket:x}": ["p(95)<1"] }), /upload_duration has no tag "bucket"/],
    ["part size below S3's minimum", (s) => (s["upload"] = { partSize: 1024 }), /upload\.partSize: expected a number ≥ 5242880/],
  ];
  for (const [what, mutate, message] of cases) {
    it(what, () => {
      const s = base() as unknown as Record<string, unknown>;
      mutate(s);
      expect(() => validateScenario(s)).toThrow(message);
    });
  }
});

describe("arrival schedules", () => {
  it("constant-arrival-rate: rate × duration arrivals, evenly spaced from 0", () => {
    const offsets = [...arrivalOffsets({ executor: "constant-arrival-rate", rate: 4, timeUnit: "1s", duration: "5s" })];
    expect(offsets).toHaveLength(20);
    expect(offsets[0]).toBe(0);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]! - offsets[i - 1]!).toBeCloseTo(250, 6);
    expect(arrivalCount({ executor: "constant-arrival-rate", rate: 30, timeUnit: "1m", duration: "2m" })).toBe(60);
  });

  it("ramping-arrival-rate: arrivals equal the area under the rate curve, in order, inside the stages", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.array(fc.record({ target: fc.integer({ min: 0, max: 40 }), seconds: fc.integer({ min: 1, max: 20 }) }), { minLength: 1, maxLength: 4 }), (startRate, stages) => {
        fc.pre(startRate > 0 || stages.some((s) => s.target > 0));
        const profile = { executor: "ramping-arrival-rate" as const, startRate, timeUnit: "1s", stages: stages.map((s) => ({ target: s.target, duration: `${s.seconds}s` })) };
        let area = 0;
        let r = startRate;
        for (const s of stages) {
          area += ((r + s.target) / 2) * s.seconds;
          r = s.target;
        }
        const offsets = [...arrivalOffsets(profile)];
        expect(Math.abs(offsets.length - area)).toBeLessThanOrEqual(1);
        for (let i = 1; i < offsets.length; i++) expect(offsets[i]!).toBeGreaterThanOrEqual(offsets[i - 1]!);
        if (offsets.length) expect(offsets[offsets.length - 1]!).toBeLessThanOrEqual(profileDurationMs(profile));
      }),
    );
  });

  it("durations use k6's syntax", () => {
    expect(parseDuration("1h30m", "x")).toBe(5_400_000);
    expect(parseDuration("250ms", "x")).toBe(250);
    expect(() => parseDuration("5 minutes", "load.duration")).toThrow(/load\.duration: "5 minutes" is not a duration/);
  });
});

describe("thresholds", () => {
  it("parses k6 expressions with tags and abortOnFail", () => {
    const t = parseThreshold("upload_duration{upload:multipart}", { threshold: "p(99.9) <= 2500", abortOnFail: true, delayAbortEval: "10s" });
    expect(t).toMatchObject({ metric: { name: "upload_duration", tags: { upload: "multipart" } }, aggregation: "p(99.9)", percentile: 99.9, operator: "<=", value: 2500, abortOnFail: true, delayAbortEvalMs: 10_000 });
    expect(parseThreshold("dropped_iterations", "count==0")).toMatchObject({ aggregation: "count", operator: "==", value: 0 });
  });

  it("--threshold splits at the first = that is not part of an operator", () => {
    expect(parseThresholdFlag("upload_duration=p(95)<2000")).toEqual({ key: "upload_duration", expression: "p(95)<2000" });
    expect(parseThresholdFlag("dropped_iterations=count==0")).toEqual({ key: "dropped_iterations", expression: "count==0" });
    expect(parseThresholdFlag("upload_duration{upload:single}=p(90)>=5")).toEqual({ key: "upload_duration{upload:single}", expression: "p(90)>=5" });
    expect(() => parseThresholdFlag("p(95)<2000")).toThrow(/expected METRIC=EXPRESSION/);
  });

  it("compares like k6", () => {
    expect(compare(1, "<", 2)).toBe(true);
    expect(compare(2, "<", 2)).toBe(false);
    expect(compare(2, "<=", 2)).toBe(true);
    expect(compare(0, "==", 0)).toBe(true);
    expect(compare(1, "!=", 1)).toBe(false);
  });

  it("command-line thresholds replace the scenario's for that metric, and are validated", () => {
    const { scenario, cliThresholds } = withOverrides(base(), { thresholds: ["upload_duration=p(99)<10"], duration: "3s", rate: 5 });
    expect(scenario.thresholds["upload_duration"]).toEqual(["p(99)<10"]);
    expect(scenario.thresholds["upload_failed"]).toEqual(["rate<0.01"]);
    expect(cliThresholds.has("upload_duration")).toBe(true);
    expect(scenario.load).toMatchObject({ rate: 5, duration: "3s" });
    expect(() => withOverrides(base(), { thresholds: ["upload_duration=rate<1"] })).toThrow(/rate does not apply to upload_duration/);
    const spike = BUILTIN_SCENARIOS.find((s) => s.name === "spike")!;
    expect(() => withOverrides(spike, { rate: 3 })).toThrow(/--rate applies to constant-arrival-rate scenarios; spike is ramping-arrival-rate/);
  });
});

describe("iteration files", () => {
  it("are a pure function of (seed, i): same spec on every call, and claim ranges never overlap", () => {
    const s = validateScenario(base());
    const a = Array.from({ length: 200 }, (_, i) => iterationFile(s, i, "run"));
    const b = Array.from({ length: 200 }, (_, i) => iterationFile(s, 199 - i, "run")).reverse();
    expect(b).toEqual(a);
    const claimRanges = a.filter((f) => f.kind === "claims").map((f) => [f.spec.firstIndex, f.spec.lastIndex] as const).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < claimRanges.length; i++) expect(claimRanges[i]![0]).toBeGreaterThan(claimRanges[i - 1]![1]);
    // every entry of the mix is drawn, roughly by weight
    const formats = new Set(a.map((f) => `${f.kind}/${f.format}`));
    expect(formats.size).toBe(s.data.files.length);
    for (const f of a) {
      expect(f.records).toBeGreaterThanOrEqual(20);
      expect(f.records).toBeLessThanOrEqual(200);
      expect(f.spec.path).toMatch(new RegExp(`^run/${f.kind}/${f.kind}-\\d{6}\\.`));
    }
  });

  it("a different seed draws a different mix", () => {
    const s1 = validateScenario(base());
    const s2 = withOverrides(base(), { seed: 99 }).scenario;
    const mix = (s: Scenario) => Array.from({ length: 50 }, (_, i) => iterationFile(s, i, "r").format).join();
    expect(mix(s2)).not.toBe(mix(s1));
  });
});
