/** A progress bar on a TTY (cli-progress), nothing otherwise. */
import cliProgress from "cli-progress";

export interface Progress {
  start(total: number, label: string): void;
  increment(n: number): void;
  stop(): void;
}

export function progressFor(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { start() {}, increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream, format: "{label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left", hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, label) => bar.start(total, 0, { label }),
    increment: (n) => bar.increment(n),
    stop: () => bar.stop(),
  };
}
