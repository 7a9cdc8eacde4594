/**
 * The embedded open-model executor. Arrival-rate profiles start iteration k when its arrival is due,
 * whatever the response times; an arrival that finds the in-flight limit reached (or its file not yet
 * generated) is a dropped iteration, as in k6. shared-iterations runs a fixed batch through `vus`
 * parallel uploads. The executor measures; what an iteration does is the caller's `iterate`.
 */
import { arrivalOffsets, profileDurationMs, type LoadProfile } from "../../scenarios/index.js";

export type DropReason = "in_flight" | "generator";

export interface ExecutorCallbacks {
  /** Starts iteration k now and returns its promise (settled when it is over), or null when its file was not ready (dropped). */
  startNow(k: number, signal: AbortSignal): Promise<void> | null;
  /** shared-iterations: iteration k, waiting for its file. */
  startWhenReady(k: number, signal: AbortSignal): Promise<void>;
  /** Arrival k (arrival-rate profiles) came `lateMs` after its scheduled time: the executor's own accuracy. */
  arrived(k: number, lateMs: number): void;
  /** Iteration k arrived while `inFlight` uploads were running at the limit. */
  dropped(k: number, reason: DropReason): void;
  /** Called once a second with the elapsed time; returning a reason stops the run early. */
  tick(elapsedMs: number, inFlight: number): string | null;
}

export interface ExecutionResult {
  startedAt: number;
  endedAt: number;
  iterationsStarted: number;
  /** Why the run stopped early, when it did. */
  stoppedBy: { kind: "abort" | "interrupt"; reason: string } | null;
}

export interface ExecutorOptions {
  profile: LoadProfile;
  maxInFlight: number;
  /** How long in-flight iterations may finish after the schedule ends (k6's gracefulStop, default 30 s). */
  gracefulStopMs?: number;
  /** Aborted by SIGINT: stop at once, in-flight uploads cancelled. */
  interrupt: AbortSignal;
}

function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  const delay = at - performance.now();
  if (delay <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, delay);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export async function execute(options: ExecutorOptions, cb: ExecutorCallbacks): Promise<ExecutionResult> {
  const { profile, maxInFlight } = options;
  const durationMs = profileDurationMs(profile);
  const stop = new AbortController(); // ends the schedule (abortOnFail, interrupt, or the end of the profile)
  const cancel = new AbortController(); // cancels in-flight uploads
  let stoppedBy: ExecutionResult["stoppedBy"] = null;
  const stopWith = (kind: "abort" | "interrupt", reason: string): void => {
    if (stoppedBy) return;
    stoppedBy = { kind, reason };
    stop.abort();
    if (kind === "interrupt") cancel.abort();
  };
  const onInterrupt = (): void => stopWith("interrupt", String(options.interrupt.reason ?? "interrupted"));
  if (options.interrupt.aborted) onInterrupt();
  options.interrupt.addEventListener("abort", onInterrupt, { once: true });

  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  let started = 0;
  const track = (p: Promise<void>): void => {
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const ticker = setInterval(() => {
    const reason = cb.tick(performance.now() - startedAt, inFlight.size);
    if (reason) stopWith("abort", reason);
  }, 1000);

  try {
    if (profile.executor === "shared-iterations") {
      let next = 0;
      const deadline = setTimeout(() => stop.abort(), durationMs);
      const vu = async (): Promise<void> => {
        while (!stop.signal.aborted && next < profile.iterations) {
          const k = next++;
          started++;
          const p = cb.startWhenReady(k, cancel.signal);
          track(p);
          await p;
        }
      };
      await Promise.race([Promise.all(Array.from({ length: Math.min(profile.vus, maxInFlight) }, vu)), new Promise((r) => stop.signal.addEventListener("abort", r, { once: true }))]);
      clearTimeout(deadline);
    } else {
      let k = 0;
      for (const offset of arrivalOffsets(profile)) {
        await sleepUntil(startedAt + offset, stop.signal);
        if (stop.signal.aborted) break;
        cb.arrived(k, Math.max(0, performance.now() - (startedAt + offset)));
        if (inFlight.size >= maxInFlight) {
          cb.dropped(k, "in_flight");
        } else {
          const p = cb.startNow(k, cancel.signal);
          if (p === null) cb.dropped(k, "generator");
          else {
            started++;
            track(p);
          }
        }
        k++;
      }
      // the profile's last arrival may come before its end: keep the clock to the full duration
      await sleepUntil(startedAt + durationMs, stop.signal);
    }
    // in-flight iterations finish, within the graceful stop
    if (inFlight.size > 0 && !cancel.signal.aborted) {
      const grace = setTimeout(() => cancel.abort(), options.gracefulStopMs ?? 30_000);
      await Promise.allSettled([...inFlight]);
      clearTimeout(grace);
    }
    await Promise.allSettled([...inFlight]);
  } finally {
    clearInterval(ticker);
    options.interrupt.removeEventListener("abort", onInterrupt);
  }
  return { startedAt, endedAt: performance.now(), iterationsStarted: started, stoppedBy };
}
