/**
 * When each arrival of an open-model profile is due, in milliseconds from the start: a pure function
 * of the profile, so the executor keeps the schedule whatever the response times (late starts are
 * the executor's to count, never the schedule's to absorb).
 */
import { parseDuration } from "./duration.js";
import type { LoadProfile, RampingArrivalRate } from "./model.js";

export const DEFAULT_TIME_UNIT = "1s";
export const DEFAULT_MAX_DURATION = "10m";

/** How long the profile runs, in ms. */
export function profileDurationMs(profile: LoadProfile): number {
  switch (profile.executor) {
    case "constant-arrival-rate":
      return parseDuration(profile.duration, "load.duration");
    case "ramping-arrival-rate":
      return profile.stages.reduce((t, s, i) => t + parseDuration(s.duration, `load.stages[${i}].duration`), 0);
    case "shared-iterations":
      return parseDuration(profile.maxDuration ?? DEFAULT_MAX_DURATION, "load.maxDuration");
  }
}

/** Arrival offsets (ms) of a constant or ramping arrival-rate profile, in order. */
export function* arrivalOffsets(profile: LoadProfile): Generator<number, void, void> {
  if (profile.executor === "shared-iterations") throw new RangeError("shared-iterations has no arrival schedule: its iterations start as VUs free up");
  const unitMs = parseDuration(profile.timeUnit ?? DEFAULT_TIME_UNIT, "load.timeUnit");
  if (profile.executor === "constant-arrival-rate") {
    const durationMs = parseDuration(profile.duration, "load.duration");
    const interval = unitMs / profile.rate;
    for (let k = 0; k * interval < durationMs; k++) yield k * interval;
    return;
  }
  yield* rampingOffsets(profile, unitMs);
}

/**
 * Ramping arrivals: within a stage the rate moves linearly from r0 to r1, so the arrivals by time t
 * into the stage are N(t) = a·t + b·t²/2 (a = r0 per ms, b its slope); arrival k is due where the
 * cumulative count reaches k.
 */
function* rampingOffsets(profile: RampingArrivalRate, unitMs: number): Generator<number, void, void> {
  let stageStart = 0;
  let before = 0; // arrivals due before this stage (fractional)
  let rate = profile.startRate;
  let k = 0;
  for (let s = 0; s < profile.stages.length; s++) {
    const stage = profile.stages[s]!;
    const d = parseDuration(stage.duration, `load.stages[${s}].duration`);
    const a = rate / unitMs;
    const b = d > 0 ? (stage.target - rate) / unitMs / d : 0;
    const inStage = a * d + (b * d * d) / 2;
    while (k < before + inStage - 1e-9) {
      const n = k - before;
      let t: number;
      if (Math.abs(b) < 1e-15) t = n / a;
      else t = (-a + Math.sqrt(Math.max(0, a * a + 2 * b * n))) / b;
      yield stageStart + Math.min(Math.max(t, 0), d);
      k++;
    }
    before += inStage;
    stageStart += d;
    rate = stage.target;
  }
}

/** How many arrivals the profile has (shared-iterations: its iterations). */
export function arrivalCount(profile: LoadProfile): number {
  if (profile.executor === "shared-iterations") return profile.iterations;
  let n = 0;
  for (const _ of arrivalOffsets(profile)) n++;
  return n;
}
